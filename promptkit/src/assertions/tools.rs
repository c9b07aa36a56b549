//! Tool-call checks on presence, arguments and results.

use super::context::{AssertionContext, ToolCallRecord};
use super::params::{Params, go_string};
use super::result::{EvalResult, ratio};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashSet};

/// `tool_names`, else `tools`, else the single `tool_name` (which the reference ignores,
/// failing the assertion; accepted here because its own examples use it).
fn tool_names(p: Params) -> Vec<String> {
    let mut names = p.strings("tool_names");
    if names.is_empty() {
        names = p.strings("tools");
    }
    if names.is_empty() {
        names.extend(p.non_empty("tool_name").map(str::to_owned));
    }
    names
}

/// `tools_called`: each named tool was called within bounds.
pub(crate) fn tools_called(p: Params, ctx: &AssertionContext) -> EvalResult {
    let names = tool_names(p);
    if names.is_empty() {
        return EvalResult::fail("no tool_names specified");
    }
    let min = p.int_or("min_calls", 1);
    let max = p.int_or("max_calls", -1);
    let ignore_validation = p.flag("ignore_validation");
    let require_args = p.flag("require_args");
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for tc in &ctx.tool_calls {
        if tc.failed() && !(ignore_validation && tc.validation_error) {
            continue;
        }
        if require_args && tc.args().is_empty() {
            continue;
        }
        *counts.entry(tc.name.as_str()).or_default() += 1;
    }
    let (mut missing, mut over) = (Vec::new(), Vec::new());
    for name in &names {
        let c = counts.get(name.as_str()).copied().unwrap_or(0);
        if c < min {
            missing.push(format!("{name} (called {c}, need {min})"));
        }
        if max >= 0 && c > max {
            over.push(format!("{name} (called {c}, max {max})"));
        }
    }
    let explanation = match (missing.is_empty(), over.is_empty()) {
        (true, true) => "all expected tools were called within bounds".to_owned(),
        (false, false) => format!(
            "tools called outside bounds: under min: {}; over max: {}",
            missing.join(", "),
            over.join(", ")
        ),
        (true, false) => format!("tools called too many times: {}", over.join(", ")),
        (false, true) => format!("tools not called enough: {}", missing.join(", ")),
    };
    let found = names.len() - missing.len();
    let score = if over.is_empty() {
        ratio(found, names.len())
    } else {
        0.0
    };
    let called: Vec<&str> = ctx.tool_calls.iter().map(|t| t.name.as_str()).collect();
    EvalResult::scored(score, explanation)
        .with_value(json!({"found": found, "expected": names.len(), "missing": missing, "over_limit": over}))
        .with_details(json!({"expected": names, "actual": called}))
}

/// `tools_not_called`: none of the named tools was called.
pub(crate) fn tools_not_called(p: Params, ctx: &AssertionContext) -> EvalResult {
    let names = tool_names(p);
    if names.is_empty() {
        return EvalResult::fail("no tool_names specified");
    }
    let mut called: Vec<&str> = Vec::new();
    for tc in &ctx.tool_calls {
        if names.contains(&tc.name) && !called.contains(&tc.name.as_str()) {
            called.push(&tc.name);
        }
    }
    let explanation = if called.is_empty() {
        "none of the forbidden tools were called".to_owned()
    } else {
        format!("forbidden tools were called: {}", called.join(", "))
    };
    EvalResult::pass(called.is_empty(), explanation).with_value(json!({"forbidden_called": called}))
}

/// Whether `actual` carries every expected argument (compared as strings).
pub(crate) fn args_match(actual: &Map<String, Value>, expected: &Map<String, Value>) -> bool {
    expected
        .iter()
        .all(|(k, v)| actual.get(k).is_some_and(|a| go_string(a) == go_string(v)))
}

/// `tool_args`: some call of the tool carries the expected arguments.
pub(crate) fn tool_args(p: Params, ctx: &AssertionContext) -> EvalResult {
    let Some(tool) = p.non_empty("tool_name") else {
        return EvalResult::fail("no tool_name specified");
    };
    let Some(expected) = p.object("expected_args").filter(|m| !m.is_empty()) else {
        return EvalResult::fail("no expected_args specified");
    };
    let matching: Vec<&ToolCallRecord> = ctx.tool_calls.iter().filter(|t| t.name == tool).collect();
    let Some(last) = matching.last() else {
        return EvalResult::fail(format!("tool {tool:?} was not called"));
    };
    if matching.iter().any(|t| args_match(t.args(), expected)) {
        return EvalResult::pass(true, format!("tool {tool:?} called with expected args"))
            .with_value(json!({"matched": true}));
    }
    let mut violations = Vec::new();
    for (k, want) in expected {
        match last.args().get(k) {
            None => violations.push(format!("missing arg {k:?}")),
            Some(got) if go_string(got) != go_string(want) => {
                violations.push(format!(
                    "arg {k:?}: got {}, want {}",
                    go_string(got),
                    go_string(want)
                ));
            }
            Some(_) => {}
        }
    }
    EvalResult::fail(format!(
        "tool {tool:?} args mismatch: {}",
        violations.join("; ")
    ))
    .with_value(json!({"matched": false}))
    .with_details(json!({"expected": expected, "actual": last.arguments}))
}

/// `tools_called_session`: each named tool was called at least min_calls times.
pub(crate) fn tools_called_session(p: Params, ctx: &AssertionContext) -> EvalResult {
    let names = tool_names(p);
    let min = p.int("min_calls").filter(|m| *m > 0).unwrap_or(1);
    let mut missing = Vec::new();
    for name in &names {
        let c = ctx.tool_calls.iter().filter(|t| &t.name == name).count() as i64;
        if c < min {
            missing.push(format!("{name} (got {c}, need {min})"));
        }
    }
    let found = names.len() - missing.len();
    let value = json!({"found": found, "expected": names.len(), "missing": missing});
    let explanation = if missing.is_empty() {
        "all required tools were called".to_owned()
    } else {
        format!("missing required tools: {}", missing.join("; "))
    };
    EvalResult::scored(ratio(found, names.len()), explanation).with_value(value)
}

/// `tools_not_called_session`: none of the named tools was called in the conversation.
pub(crate) fn tools_not_called_session(p: Params, ctx: &AssertionContext) -> EvalResult {
    let names = tool_names(p);
    let found: Vec<String> = ctx
        .tool_calls
        .iter()
        .filter(|t| names.contains(&t.name))
        .map(|t| format!("{} at turn {}", t.name, t.turn_index))
        .collect();
    if found.is_empty() {
        EvalResult::pass(true, "no forbidden tools called")
            .with_value(json!({"forbidden_called": []}))
    } else {
        EvalResult::fail(format!("forbidden tools were called: {}", found.join("; ")))
            .with_value(json!({"forbidden_called": found}))
    }
}

/// `tool_args_session`: some call of the tool in the conversation has the expected args.
pub(crate) fn tool_args_session(p: Params, ctx: &AssertionContext) -> EvalResult {
    let Some(tool) = p.non_empty("tool_name") else {
        return EvalResult::fail("tool_name parameter is required");
    };
    let Some(expected) = p.object("expected_args").filter(|m| !m.is_empty()) else {
        return EvalResult::pass(true, "no expected_args to check");
    };
    let mut mismatches = Vec::new();
    for tc in ctx.tool_calls.iter().filter(|t| t.name == tool) {
        if args_match(tc.args(), expected) {
            return EvalResult::pass(true, format!("{tool} was called with expected args"))
                .with_value(json!({"matched": true}));
        }
        mismatches.push(format!(
            "turn {}: args={}",
            tc.turn_index,
            go_string(&tc.arguments)
        ));
    }
    let explanation = if mismatches.is_empty() {
        format!("tool {tool:?} was never called")
    } else {
        format!(
            "{tool} called but args did not match: {}",
            mismatches.join("; ")
        )
    };
    EvalResult::fail(explanation).with_value(json!({"matched": false}))
}

fn forbidden_args(p: Params) -> Vec<(String, HashSet<String>)> {
    if let Some(ex) = p.object("excluded_args").filter(|m| !m.is_empty()) {
        return ex
            .iter()
            .map(|(k, v)| (k.clone(), HashSet::from([go_string(v)])))
            .collect();
    }
    let Some(fa) = p.object("forbidden_args") else {
        return Vec::new();
    };
    fa.iter()
        .map(|(k, v)| {
            let set = match v {
                Value::Array(items) => items.iter().map(go_string).collect(),
                other => HashSet::from([go_string(other)]),
            };
            (k.clone(), set)
        })
        .collect()
}

/// `tool_args_excluded_session`: no call of the tool carries a forbidden value.
pub(crate) fn tool_args_excluded_session(p: Params, ctx: &AssertionContext) -> EvalResult {
    let Some(tool) = p.non_empty("tool_name") else {
        return EvalResult::fail("tool_name parameter is required");
    };
    let forbidden = forbidden_args(p);
    if forbidden.is_empty() {
        return EvalResult::pass(true, "no excluded_args to check");
    }
    let mut violations = Vec::new();
    for tc in ctx.tool_calls.iter().filter(|t| t.name == tool) {
        for (k, set) in &forbidden {
            if let Some(v) = tc.args().get(k).filter(|v| set.contains(&go_string(v))) {
                violations.push(format!("turn {}: {k}={}", tc.turn_index, go_string(v)));
            }
        }
    }
    if violations.is_empty() {
        EvalResult::pass(true, "no excluded args detected").with_value(json!({"violations": []}))
    } else {
        EvalResult::fail(format!("excluded args found: {}", violations.join("; ")))
            .with_value(json!({"violations": violations}))
    }
}

/// `no_tool_errors`: no (in-scope) tool call failed.
pub(crate) fn no_tool_errors(p: Params, ctx: &AssertionContext) -> EvalResult {
    let scope = p.strings("tools");
    let total = ctx.tool_calls.len();
    let errors: Vec<Value> = ctx
        .tool_calls
        .iter()
        .filter(|t| scope.is_empty() || scope.contains(&t.name))
        .filter(|t| t.failed())
        .map(|t| json!({"tool": t.name, "error": t.error, "index": t.turn_index}))
        .collect();
    if errors.is_empty() {
        return EvalResult::pass(true, "no tool errors found")
            .with_value(json!({"error_count": 0, "total_calls": total}));
    }
    let names: Vec<String> = errors
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["tool"].as_str().unwrap_or_default(),
                e["error"].as_str().unwrap_or_default()
            )
        })
        .collect();
    let score = if total == 0 {
        1.0
    } else {
        (1.0 - errors.len() as f64 / total as f64).max(0.0)
    };
    EvalResult::scored(score, format!("tool errors found: {}", names.join("; ")))
        .with_value(json!({"error_count": errors.len(), "total_calls": total}))
        .with_details(json!({"errors": errors}))
}

/// `tool_call_count`: the number of (matching) calls is within bounds.
pub(crate) fn tool_call_count(p: Params, ctx: &AssertionContext) -> EvalResult {
    let tool = p.str("tool").unwrap_or_default();
    let count = ctx
        .tool_calls
        .iter()
        .filter(|t| tool.is_empty() || t.name == tool)
        .count() as i64;
    let value = json!({"count": count, "tool": tool});
    let details = json!({"tool": tool, "count": count});
    if let Some(min) = p.int("min").filter(|m| count < *m) {
        return EvalResult::fail(format!("expected at least {min} call(s), got {count}"))
            .with_value(value)
            .with_details(details);
    }
    if let Some(max) = p.int("max").filter(|m| count > *m) {
        return EvalResult::fail(format!("expected at most {max} call(s), got {count}"))
            .with_value(value)
            .with_details(details);
    }
    EvalResult::pass(true, format!("tool call count {count} is within bounds"))
        .with_value(value)
        .with_details(details)
}
