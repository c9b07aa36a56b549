//! Tool-call pattern checks: sequence, chain, per-call constraints, anti-patterns,
//! repeats, efficiency and argument invariants.

use super::context::{AssertionContext, ToolCallRecord};
use super::params::{Params, go_string, string_list};
use super::result::{EvalResult, ratio};
use serde_json::{Map, Value, json};

/// How many names of `sequence` appear in order (as a subsequence) in the calls.
fn subsequence_matched(calls: &[ToolCallRecord], sequence: &[String]) -> usize {
    let mut matched = 0;
    for tc in calls {
        if matched < sequence.len() && tc.name == sequence[matched] {
            matched += 1;
        }
    }
    matched
}

/// `tool_call_sequence`: the tools were called in this order (gaps allowed).
pub(crate) fn tool_call_sequence(p: Params, ctx: &AssertionContext) -> EvalResult {
    let sequence = p.strings("sequence");
    if sequence.is_empty() {
        return EvalResult::pass(true, "empty sequence always passes");
    }
    let matched = subsequence_matched(&ctx.tool_calls, &sequence);
    let actual: Vec<&str> = ctx.tool_calls.iter().map(|t| t.name.as_str()).collect();
    let value = json!({"actual_sequence": actual, "expected_sequence": sequence});
    let explanation = if matched < sequence.len() {
        format!(
            "sequence incomplete: matched {matched}/{}, missing {:?}",
            sequence.len(),
            sequence[matched]
        )
    } else {
        format!("sequence [{}] fully matched", sequence.join(" → "))
    };
    EvalResult::scored(ratio(matched, sequence.len()), explanation)
        .with_value(value)
        .with_details(json!({"matched_steps": matched, "total_steps": sequence.len(), "actual_tools": actual}))
}

fn step_failure(index: usize, tool: &str, reason: String, extra: Value) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "message".into(),
        json!(format!("step {index} ({tool}): {reason}")),
    );
    m.insert("step_index".into(), json!(index));
    m.insert("tool".into(), json!(tool));
    if let Value::Object(e) = extra {
        m.extend(e);
    }
    m
}

fn check_step(
    tc: &ToolCallRecord,
    step: &Map<String, Value>,
    index: usize,
    tool: &str,
) -> Option<Map<String, Value>> {
    let p = Params(step);
    if p.flag("no_error") && tc.failed() {
        return Some(step_failure(
            index,
            tool,
            "unexpected error".into(),
            json!({"error": tc.error}),
        ));
    }
    let result = tc.result_text();
    let lower = result.to_lowercase();
    for pat in string_list(step.get("result_includes")) {
        if !lower.contains(&pat.to_lowercase()) {
            let reason = format!("result missing pattern {pat:?}");
            return Some(step_failure(
                index,
                tool,
                reason,
                json!({"missing_pattern": pat}),
            ));
        }
    }
    if let Some(pattern) = p.non_empty("result_matches") {
        match super::regex_cache::compile(pattern) {
            Err(e) => {
                let reason = format!("invalid regex {pattern:?}");
                return Some(step_failure(
                    index,
                    tool,
                    reason,
                    json!({"error": e.to_string()}),
                ));
            }
            Ok(re) if !re.is_match(&result) => {
                let reason = "result does not match pattern".into();
                return Some(step_failure(
                    index,
                    tool,
                    reason,
                    json!({"pattern": pattern}),
                ));
            }
            Ok(_) => {}
        }
    }
    for (arg, pattern) in p.string_map("args_match") {
        let Some(actual) = tc.args().get(&arg) else {
            let reason = format!("missing argument {arg:?}");
            return Some(step_failure(index, tool, reason, json!({"argument": arg})));
        };
        match super::regex_cache::compile(&pattern) {
            Err(e) => {
                let reason = format!("invalid arg regex {pattern:?}");
                return Some(step_failure(
                    index,
                    tool,
                    reason,
                    json!({"error": e.to_string()}),
                ));
            }
            Ok(re) if !re.is_match(&go_string(actual)) => {
                let reason = format!("argument {arg:?} does not match pattern");
                let extra = json!({"argument": arg, "pattern": pattern, "actual": actual});
                return Some(step_failure(index, tool, reason, extra));
            }
            Ok(_) => {}
        }
    }
    None
}

/// `tool_call_chain`: the calls satisfy an ordered chain of steps.
pub(crate) fn tool_call_chain(p: Params, ctx: &AssertionContext) -> EvalResult {
    let steps = p.objects("steps");
    if steps.is_empty() {
        return EvalResult::pass(true, "empty chain always passes");
    }
    let names: Vec<&str> = steps
        .iter()
        .map(|s| s.get("tool").and_then(Value::as_str).unwrap_or_default())
        .collect();
    let mut done = 0;
    for tc in &ctx.tool_calls {
        if done >= steps.len() {
            break;
        }
        if tc.name != names[done] {
            continue;
        }
        if let Some(failure) = check_step(tc, steps[done], done, names[done]) {
            let msg = failure["message"].as_str().unwrap_or_default().to_owned();
            return EvalResult::scored(ratio(done, steps.len()), msg)
                .with_value(
                    json!({"completed_steps": done, "total_steps": steps.len(), "chain": names}),
                )
                .with_details(Value::Object(failure));
        }
        done += 1;
    }
    let value = json!({"completed_steps": done, "total_steps": steps.len(), "chain": names});
    let explanation = if done < steps.len() {
        format!(
            "chain incomplete: satisfied {done}/{} steps, missing {:?}",
            steps.len(),
            names[done]
        )
    } else {
        "chain fully satisfied".to_owned()
    };
    EvalResult::scored(ratio(done, steps.len()), explanation)
        .with_value(value)
        .with_details(json!({"completed_steps": done, "total_steps": steps.len()}))
}

fn call_violations(
    tc: &ToolCallRecord,
    p: Params,
    result_re: Option<&Result<std::sync::Arc<regex::Regex>, String>>,
) -> Vec<Value> {
    let mut out = Vec::new();
    let name = &tc.name;
    for (arg, expected) in p.object("expected_args").into_iter().flatten() {
        match tc.args().get(arg) {
            None => out.push(json!({"type": "missing_argument", "tool": name, "argument": arg})),
            Some(actual) if !expected.is_null() && go_string(actual) != go_string(expected) => out.push(json!({
                "type": "value_mismatch", "tool": name, "argument": arg, "expected": expected, "actual": actual
            })),
            Some(_) => {}
        }
    }
    for (arg, pattern) in p.string_map("args_match") {
        let Some(actual) = tc.args().get(&arg) else {
            out.push(json!({"type": "missing_argument_for_pattern", "tool": name, "argument": arg, "pattern": pattern}));
            continue;
        };
        match super::regex_cache::compile(&pattern) {
            Err(e) => out.push(
                json!({"type": "invalid_pattern", "tool": name, "argument": arg,
                "pattern": pattern, "error": e.to_string()}),
            ),
            Ok(re) if !re.is_match(&go_string(actual)) => out
                .push(json!({"type": "pattern_mismatch",
                "tool": name, "argument": arg, "pattern": pattern, "actual": actual})),
            Ok(_) => {}
        }
    }
    if p.flag("no_error") && tc.failed() {
        out.push(json!({"type": "tool_error", "tool": name, "error": tc.error}));
    }
    let result = tc.result_text();
    for pat in p.strings("result_includes") {
        if !result.to_lowercase().contains(&pat.to_lowercase()) {
            out.push(json!({"type": "result_missing_pattern", "tool": name, "pattern": pat}));
        }
    }
    match result_re {
        Some(Err(e)) => out.push(json!({"type": "invalid_result_pattern", "tool": name,
            "pattern": p.str("result_matches"), "error": e})),
        Some(Ok(re)) if !re.is_match(&result) => out
            .push(json!({"type": "result_pattern_mismatch",
            "tool": name, "pattern": p.str("result_matches")})),
        _ => {}
    }
    out
}

/// `tool_calls_with_args`: every matching call satisfies argument and result constraints.
pub(crate) fn tool_calls_with_args(p: Params, ctx: &AssertionContext) -> EvalResult {
    let tool = p.str("tool_name").unwrap_or_default();
    let matching: Vec<&ToolCallRecord> = ctx
        .tool_calls
        .iter()
        .filter(|t| tool.is_empty() || t.name == tool)
        .collect();
    if !tool.is_empty() && matching.is_empty() {
        return EvalResult::fail(format!("tool {tool:?} was not called"))
            .with_details(json!({"tool_name": tool}));
    }
    let result_re = p
        .non_empty("result_matches")
        .map(|s| super::regex_cache::compile(s).map_err(|e| e.to_string()));
    let violations: Vec<Value> = matching
        .iter()
        .flat_map(|tc| call_violations(tc, p, result_re.as_ref()))
        .collect();
    EvalResult::pass(
        violations.is_empty(),
        format!("{} matching call(s), {} violation(s)", matching.len(), violations.len()),
    )
    .with_value(json!({"matching_calls": matching.len(), "violation_count": violations.len(), "tool_name": tool}))
    .with_details(json!({"violations": violations, "matching_calls": matching.len()}))
}

/// `tool_anti_pattern`: none of the forbidden call sequences occurs.
pub(crate) fn tool_anti_pattern(p: Params, ctx: &AssertionContext) -> EvalResult {
    let patterns: Vec<(Vec<String>, String)> = p
        .objects("patterns")
        .into_iter()
        .map(|m| {
            (
                string_list(m.get("sequence")),
                m.get("message")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .filter(|(s, _)| !s.is_empty())
        .collect();
    if patterns.is_empty() {
        return EvalResult::pass(true, "no anti-patterns specified");
    }
    let hits: Vec<&(Vec<String>, String)> = patterns
        .iter()
        .filter(|(seq, _)| subsequence_matched(&ctx.tool_calls, seq) >= seq.len())
        .collect();
    if hits.is_empty() {
        return EvalResult::pass(
            true,
            format!("none of {} anti-patterns detected", patterns.len()),
        )
        .with_value(json!({"violations": []}));
    }
    let violations: Vec<Value> = hits
        .iter()
        .map(|(s, m)| json!({"sequence": s, "message": m}))
        .collect();
    let msgs: Vec<String> = hits
        .iter()
        .map(|(s, m)| {
            if m.is_empty() {
                format!("[{}]", s.join(" → "))
            } else {
                format!("[{}]: {m}", s.join(" → "))
            }
        })
        .collect();
    EvalResult::fail(format!(
        "found {} anti-pattern(s): {}",
        hits.len(),
        msgs.join("; ")
    ))
    .with_value(json!({"violations": violations}))
    .with_details(json!({"violations": violations}))
}
