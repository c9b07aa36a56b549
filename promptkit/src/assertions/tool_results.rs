//! Tool-result checks: includes, matches, media.

use super::context::{AssertionContext, ToolCallRecord};
use super::params::Params;
use super::result::EvalResult;
use serde_json::{Map, Value, json};

fn in_scope<'a>(
    ctx: &'a AssertionContext,
    tool: &'a str,
) -> impl Iterator<Item = &'a ToolCallRecord> {
    ctx.tool_calls
        .iter()
        .filter(move |t| tool.is_empty() || t.name == tool)
}

/// `tool_result_includes`: at least `occurrence` results contain every pattern.
pub(crate) fn tool_result_includes(p: Params, ctx: &AssertionContext) -> EvalResult {
    let tool = p.str("tool").unwrap_or_default();
    let patterns = p.strings("patterns");
    let occurrence = p.int_or("occurrence", 1);
    if patterns.is_empty() {
        return EvalResult::fail("no patterns specified");
    }
    let mut matches = 0i64;
    let mut missing_details = Vec::new();
    for tc in in_scope(ctx, tool) {
        let text = tc.result_text().to_lowercase();
        let missing: Vec<&String> = patterns
            .iter()
            .filter(|p| !text.contains(&p.to_lowercase()))
            .collect();
        if missing.is_empty() {
            matches += 1;
        } else {
            missing_details.push(
                json!({"tool": tc.name, "missing_patterns": missing, "index": tc.turn_index}),
            );
        }
    }
    let passed = matches >= occurrence;
    let explanation = if passed {
        format!("{matches} call(s) matched all patterns (required: {occurrence})")
    } else {
        format!("only {matches} call(s) matched all patterns (required: {occurrence})")
    };
    EvalResult::pass(passed, explanation)
        .with_value(json!({"match_count": matches, "occurrence": occurrence, "patterns": patterns}))
        .with_details(json!({"match_count": matches, "occurrence": occurrence, "missing_details": missing_details}))
}

/// `tool_result_matches`: at least `occurrence` results match the pattern.
pub(crate) fn tool_result_matches(p: Params, ctx: &AssertionContext) -> EvalResult {
    let tool = p.str("tool").unwrap_or_default();
    let Some(pattern) = p.non_empty("pattern") else {
        return EvalResult::fail("no pattern specified");
    };
    let occurrence = p.int_or("occurrence", 1);
    let re = match super::regex_cache::compile(pattern) {
        Ok(re) => re,
        Err(e) => return EvalResult::fail(format!("invalid regex: {e}")),
    };
    let matches = in_scope(ctx, tool)
        .filter(|t| re.is_match(&t.result_text()))
        .count() as i64;
    let passed = matches >= occurrence;
    let explanation = if passed {
        format!("{matches} call(s) matched pattern (required: {occurrence})")
    } else {
        format!("only {matches} call(s) matched pattern (required: {occurrence})")
    };
    let v = json!({"match_count": matches, "occurrence": occurrence, "pattern": pattern});
    EvalResult::pass(passed, explanation)
        .with_value(v.clone())
        .with_details(v)
}

fn result_parts(tc: &ToolCallRecord) -> Vec<&Map<String, Value>> {
    match &tc.result {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_object)
            .filter(|m| {
                m.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| !t.is_empty())
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `tool_result_has_media` / `tool_result_media_type`: some result carries the media.
pub(crate) fn tool_result_media(p: Params, ctx: &AssertionContext, by_mime: bool) -> EvalResult {
    let tool = p.str("tool").unwrap_or_default();
    let (key, label) = if by_mime {
        ("mime_type", "media with MIME type")
    } else {
        ("media_type", "media of type")
    };
    let Some(wanted) = p.non_empty(key) else {
        return EvalResult::fail(format!("no {key} specified"));
    };
    for tc in in_scope(ctx, tool) {
        for part in result_parts(tc) {
            let kind = part.get("type").and_then(Value::as_str).unwrap_or_default();
            let hit = if by_mime {
                kind != "text"
                    && part
                        .get("media")
                        .and_then(|m| m.get("mime_type"))
                        .and_then(Value::as_str)
                        .is_some_and(|m| m.eq_ignore_ascii_case(wanted))
            } else {
                kind.eq_ignore_ascii_case(wanted)
            };
            if hit {
                return EvalResult::pass(
                    true,
                    format!("tool {:?} returned {label} {wanted:?}", tc.name),
                )
                .with_value(json!({"tool": tc.name, key: wanted, "found": true}));
            }
        }
    }
    EvalResult::fail(format!("no tool result contains {label} {wanted:?}"))
        .with_value(json!({"tool": tool, key: wanted, "found": false}))
}
