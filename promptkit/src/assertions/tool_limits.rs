//! Tool-call limits: repeats, efficiency and argument invariants.

use super::context::{AssertionContext, ToolCallRecord};
use super::params::Params;
use super::result::{EvalResult, ratio};
use serde_json::json;

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
