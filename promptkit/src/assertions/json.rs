//! JSON checks: json_valid, json_schema, json_path (JMESPath).

use super::context::AssertionContext;
use super::params::{Params, as_int};
use super::result::EvalResult;
use serde_json::{Value, json};

/// The response, or the JSON extracted from it when `allow_wrapped`/`extract_json` say so.
fn json_content<'a>(p: Params, text: &'a str) -> std::borrow::Cow<'a, str> {
    let wrapped = p.flag("allow_wrapped");
    let extract = p.flag("extract_json");
    if (wrapped || extract)
        && let Some(found) = extract_json(text, wrapped, extract)
    {
        return found.into();
    }
    text.into()
}

/// Extracts JSON from a fenced block (`wrapped`) or the first balanced object/array.
pub(crate) fn extract_json(text: &str, wrapped: bool, balanced: bool) -> Option<String> {
    if wrapped {
        let fence = super::regex_cache::compile(r"```(?:json)?\s*\n([\s\S]*?)\n```").ok()?;
        if let Some(c) = fence.captures(text) {
            return Some(c[1].trim().to_owned());
        }
    }
    if balanced {
        for (open, close) in [(b'{', b'}'), (b'[', b']')] {
            if let Some(i) = text.bytes().position(|b| b == open)
                && let Some(s) = balanced_json(&text[i..], open, close)
            {
                return Some(s.to_owned());
            }
        }
    }
    None
}

fn balanced_json(s: &str, open: u8, close: u8) -> Option<&str> {
    let (mut depth, mut in_str, mut esc) = (0i64, false, false);
    for (i, ch) in s.bytes().enumerate() {
        if esc {
            esc = false;
        } else if ch == b'\\' && in_str {
            esc = true;
        } else if ch == b'"' {
            in_str = !in_str;
        } else if ch == open && !in_str {
            depth += 1;
        } else if ch == close && !in_str {
            depth -= 1;
        }
        if depth == 0 && !in_str && i > 0 {
            return Some(&s[..=i]);
        }
    }
    None
}

/// `json_valid`: the response parses as JSON.
pub(crate) fn json_valid(p: Params, ctx: &AssertionContext) -> EvalResult {
    match serde_json::from_str::<Value>(&json_content(p, &ctx.response)) {
        Ok(_) => EvalResult::pass(true, "output is valid JSON").with_value(json!({"valid": true})),
        Err(e) => {
            EvalResult::fail(format!("invalid JSON: {e}")).with_value(json!({"valid": false}))
        }
    }
}

/// `json_schema`: the response is JSON valid against the schema.
pub(crate) fn json_schema(p: Params, ctx: &AssertionContext) -> EvalResult {
    let Some(schema) = p.get("schema").filter(|s| s.is_object()) else {
        return EvalResult::fail("no schema provided");
    };
    let target = match serde_json::from_str::<Value>(&json_content(p, &ctx.response)) {
        Ok(v) => v,
        Err(e) => return EvalResult::fail(format!("output is not valid JSON: {e}")),
    };
    let validator = match jsonschema::validator_for(schema) {
        Ok(v) => v,
        Err(e) => {
            return EvalResult {
                error: Some(format!("schema validation error: {e}")),
                ..EvalResult::default()
            };
        }
    };
    let errs: Vec<String> = validator
        .iter_errors(&target)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    if errs.is_empty() {
        EvalResult::pass(true, "output matches JSON schema")
            .with_value(json!({"valid": true, "errors": []}))
    } else {
        EvalResult::fail(format!("schema violations: {}", errs.join("; ")))
            .with_value(json!({"valid": false, "errors": errs}))
    }
}

/// Compares JSON values as the reference: numbers numerically, containers deeply.
pub(crate) fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// Runs a JMESPath expression on `data`.
pub(crate) fn jmespath_search(expr: &str, data: &Value) -> Result<Value, String> {
    let compiled = jmespath::compile(expr).map_err(|e| e.to_string())?;
    let var = jmespath::Variable::from_serializable(data).map_err(|e| e.to_string())?;
    let result = compiled.search(var).map_err(|e| e.to_string())?;
    serde_json::to_value(&*result).map_err(|e| e.to_string())
}

/// `json_path`: a JMESPath query gives the expected value, items, range or count.
pub(crate) fn json_path(p: Params, ctx: &AssertionContext) -> EvalResult {
    let Some(expr) = p
        .non_empty("expression")
        .or_else(|| p.non_empty("jmespath_expression"))
    else {
        return EvalResult::fail("no expression specified");
    };
    let data = match serde_json::from_str::<Value>(&json_content(p, &ctx.response)) {
        Ok(v) => v,
        Err(e) => return EvalResult::fail(format!("invalid JSON: {e}")),
    };
    let result = match jmespath_search(expr, &data) {
        Ok(v) => v,
        Err(e) => {
            return EvalResult::fail(format!("JMESPath error: {e}"))
                .with_details(json!({"expression": expr}));
        }
    };
    let value = json!({"path": expr, "result": result});
    let fail = |msg: String, details: Value| {
        EvalResult::fail(msg)
            .with_details(details)
            .with_value(value.clone())
    };
    if let Some(expected) = p.get("expected")
        && !json_equal(&result, expected)
    {
        return fail(
            "result does not match expected value".into(),
            json!({"expected": expected, "actual": result}),
        );
    }
    if let Some(contains) = p.get("contains")
        && let Some(msg) = check_contains(&result, contains)
    {
        return fail(msg, json!({"result": result}));
    }
    if let Some(msg) = check_range(&result, p) {
        return fail(msg, Value::Null);
    }
    if let Some(msg) = check_count(&result, p) {
        return fail(msg, Value::Null);
    }
    EvalResult::pass(true, "JSON path validation passed")
        .with_value(value.clone())
        .with_details(json!({"result": result}))
}

fn check_contains(result: &Value, contains: &Value) -> Option<String> {
    let Some(items) = result.as_array() else {
        return Some("result is not an array, cannot check contains".into());
    };
    let Some(wanted) = contains.as_array() else {
        return Some("contains parameter must be an array".into());
    };
    wanted
        .iter()
        .find(|w| !items.iter().any(|i| json_equal(i, w)))
        .map(|w| {
            format!(
                "expected item {} not found in result",
                super::params::go_string(w)
            )
        })
}

fn check_range(result: &Value, p: Params) -> Option<String> {
    let (min, max) = (p.num("min"), p.num("max"));
    if min.is_none() && max.is_none() {
        return None;
    }
    let Some(n) = result.as_f64() else {
        return Some("result is not a number for range check".into());
    };
    if let Some(m) = min.filter(|m| n < *m) {
        return Some(format!("value {n:.2} is below minimum {m:.2}"));
    }
    max.filter(|m| n > *m)
        .map(|m| format!("value {n:.2} exceeds maximum {m:.2}"))
}

fn check_count(result: &Value, p: Params) -> Option<String> {
    let min = p.get("min_results").and_then(as_int).unwrap_or(0);
    let max = p.get("max_results").and_then(as_int).unwrap_or(0);
    if min == 0 && max == 0 {
        return None;
    }
    let Some(items) = result.as_array() else {
        return Some("result is not an array for count check".into());
    };
    let n = items.len() as i64;
    if min > 0 && n < min {
        return Some(format!("array has {n} items, minimum is {min}"));
    }
    (max > 0 && n > max).then(|| format!("array has {n} items, maximum is {max}"))
}
