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
        match regex::Regex::new(pattern) {
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
        match regex::Regex::new(&pattern) {
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
    result_re: Option<&Result<regex::Regex, String>>,
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
        match regex::Regex::new(&pattern) {
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
        .map(|s| regex::Regex::new(s).map_err(|e| e.to_string()));
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

/// `tool_no_repeat`: no tool is called more than max_repeats times in a row.
pub(crate) fn tool_no_repeat(p: Params, ctx: &AssertionContext) -> EvalResult {
    let scope = p.strings("tools");
    let max = p.int("max_repeats").unwrap_or(1);
    let mut violations = Vec::new();
    let mut run = 1i64;
    for w in ctx.tool_calls.windows(2) {
        run = if w[1].name == w[0].name { run + 1 } else { 1 };
        if run > max && (scope.is_empty() || scope.contains(&w[1].name)) {
            violations
                .push(json!({"tool": w[1].name, "consecutive": run, "at_index": w[1].turn_index}));
        }
    }
    if violations.is_empty() {
        return EvalResult::pass(
            true,
            format!("no tool called more than {max} time(s) consecutively"),
        )
        .with_value(json!({"repeated_tools": []}));
    }
    let names: Vec<String> = violations
        .iter()
        .map(|v| {
            format!(
                "{}({}x)",
                v["tool"].as_str().unwrap_or_default(),
                v["consecutive"]
            )
        })
        .collect();
    EvalResult::fail(format!(
        "repeated tool calls detected (max {max}): {}",
        names.join(", ")
    ))
    .with_value(json!({"repeated_tools": violations}))
    .with_details(json!({"violations": violations}))
}

/// `tool_efficiency`: call count, errors and error rate are within limits.
pub(crate) fn tool_efficiency(p: Params, ctx: &AssertionContext) -> EvalResult {
    let (max_calls, max_errors, max_rate) = (
        p.int("max_calls"),
        p.int("max_errors"),
        p.num("max_error_rate"),
    );
    if max_calls.is_none() && max_errors.is_none() && max_rate.is_none() {
        return EvalResult::fail(
            "no efficiency thresholds specified (need max_calls, max_errors, or max_error_rate)",
        );
    }
    let total = ctx.tool_calls.len() as i64;
    let errors = ctx.tool_calls.iter().filter(|t| t.failed()).count() as i64;
    let rate = if total == 0 {
        0.0
    } else {
        errors as f64 / total as f64
    };
    let mut value = json!({"total_calls": total, "errors": errors});
    if total > 0 {
        value["error_rate"] = json!(rate);
    }
    let mut failures = Vec::new();
    if let Some(m) = max_calls.filter(|m| total > *m) {
        failures.push(format!("too many calls: {total} (max {m})"));
    }
    if let Some(m) = max_errors.filter(|m| errors > *m) {
        failures.push(format!("too many errors: {errors} (max {m})"));
    }
    if let Some(m) = max_rate.filter(|m| total > 0 && rate > *m) {
        failures.push(format!(
            "error rate {:.1}% exceeds max {:.1}%",
            rate * 100.0,
            m * 100.0
        ));
    }
    if !failures.is_empty() {
        return EvalResult::scored(
            0.0,
            format!("efficiency check failed: [{}]", failures.join(" ")),
        )
        .with_value(value.clone())
        .with_details(value);
    }
    let score = match max_calls {
        Some(m) if m > 0 => (1.0 - total as f64 / m as f64).max(0.0),
        _ => 1.0,
    };
    EvalResult::scored(
        score,
        format!("{total} calls, {errors} errors — within limits"),
    )
    .with_value(value.clone())
    .with_details(value)
}

/// `invariant_fields_preserved`: fields present in a call stay present in later calls.
pub(crate) fn invariant_fields_preserved(p: Params, ctx: &AssertionContext) -> EvalResult {
    let tool = p.str("tool").unwrap_or_default();
    let fields = p.strings("fields");
    if tool.is_empty() || fields.is_empty() {
        return EvalResult::fail("both 'tool' and 'fields' params are required");
    }
    let calls: Vec<&ToolCallRecord> = ctx.tool_calls.iter().filter(|t| t.name == tool).collect();
    if calls.len() < 2 {
        return EvalResult::pass(
            true,
            format!("fewer than 2 calls to {tool:?} — nothing to compare"),
        );
    }
    let mut violations = Vec::new();
    for field in &fields {
        let mut seen = false;
        for (i, tc) in calls.iter().enumerate() {
            if tc.args().contains_key(field) {
                seen = true;
            } else if seen {
                violations.push(json!({"field": field, "lost_at": i, "call_index": i}));
                break;
            }
        }
    }
    let preserved = fields.len() - violations.len();
    let value = json!({"preserved": preserved, "total": fields.len(), "tool": tool});
    if violations.is_empty() {
        return EvalResult::scored(
            ratio(preserved, fields.len()),
            format!(
                "all {} tracked field(s) preserved across {} calls to {tool:?}",
                fields.len(),
                calls.len()
            ),
        )
        .with_value(value);
    }
    let msgs: Vec<String> = violations
        .iter()
        .map(|v| format!("field {} lost at call {}", v["field"], v["call_index"]))
        .collect();
    EvalResult::scored(
        ratio(preserved, fields.len()),
        format!("{} field(s) lost: {}", violations.len(), msgs.join("; ")),
    )
    .with_value(value)
    .with_details(json!({"violations": violations, "tool": tool}))
}
