//! Skill activation and composition checks.

use super::context::AssertionContext;
use super::params::Params;
use super::result::{EvalResult, ratio};
use super::workflow::in_order;
use serde_json::{Value, json};
use std::collections::BTreeMap;

const SKILL_TOOL: &str = "skill__activate";

fn skill_names(ctx: &AssertionContext, successful_only: bool) -> Vec<&str> {
    ctx.tool_calls
        .iter()
        .filter(|t| t.name == SKILL_TOOL && !(successful_only && t.failed()))
        .filter_map(|t| {
            t.arg("name")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        })
        .collect()
}

/// `skill_activated`: each named skill was activated at least min_calls times.
pub(crate) fn skill_activated(p: Params, ctx: &AssertionContext) -> EvalResult {
    let required = p.strings("skill_names");
    let min = p.int_or("min_calls", 1);
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for s in skill_names(ctx, true) {
        *counts.entry(s).or_default() += 1;
    }
    let missing: Vec<&String> = required
        .iter()
        .filter(|n| counts.get(n.as_str()).copied().unwrap_or(0) < min)
        .collect();
    let activated: Vec<&&str> = counts.keys().collect();
    let value = json!({"activated": activated, "expected": required});
    let score = ratio(required.len() - missing.len(), required.len());
    if missing.is_empty() {
        return EvalResult::scored(score, "all required skills were activated")
            .with_value(value)
            .with_details(json!({"counts": counts}));
    }
    let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
    EvalResult::scored(
        score,
        format!("missing skill activations: {}", names.join(", ")),
    )
    .with_value(value)
    .with_details(json!({"counts": counts, "min_calls": min}))
}

/// `skill_not_activated`: none of the named skills was activated.
pub(crate) fn skill_not_activated(p: Params, ctx: &AssertionContext) -> EvalResult {
    let forbidden = p.strings("skill_names");
    let hits: Vec<&str> = skill_names(ctx, true)
        .into_iter()
        .filter(|s| forbidden.iter().any(|f| f == s))
        .collect();
    if hits.is_empty() {
        return EvalResult::pass(true, "no forbidden skills were activated")
            .with_value(json!({"forbidden_activated": []}));
    }
    EvalResult::fail(format!("forbidden skills activated: {}", hits.join(", ")))
        .with_value(json!({"forbidden_activated": hits}))
}

/// `skill_activation_order`: skills were activated in this order.
pub(crate) fn skill_activation_order(p: Params, ctx: &AssertionContext) -> EvalResult {
    let sequence = p.strings("sequence");
    if sequence.is_empty() {
        return EvalResult::fail("sequence param is required and must be non-empty");
    }
    let activated = skill_names(ctx, false);
    if activated.is_empty() {
        return EvalResult::fail("no skill activations found")
            .with_details(json!({"expected_sequence": sequence, "activated_skills": activated}));
    }
    let matched = in_order(&activated, &sequence);
    let value = json!({"matched_steps": matched, "total_steps": sequence.len(),
        "expected_sequence": sequence, "activated_skills": activated});
    let explanation = if matched < sequence.len() {
        format!(
            "sequence incomplete: matched {matched}/{}, missing {:?}",
            sequence.len(),
            sequence[matched]
        )
    } else {
        format!(
            "skill activation sequence [{}] fully matched",
            sequence.join(" → ")
        )
    };
    EvalResult::scored(ratio(matched, sequence.len()), explanation).with_value(value)
}

fn meta_string_map(ctx: &AssertionContext, key: &str) -> BTreeMap<String, String> {
    ctx.metadata
        .get(key)
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn match_output(haystack: &str, p: Params) -> (bool, String) {
    if let Some(eq) = p.str("equals") {
        return (haystack == eq, format!("equals {eq:?}"));
    }
    if let Some(c) = p.str("contains") {
        return (haystack.contains(c), format!("contains {c:?}"));
    }
    (!haystack.is_empty(), "is non-empty \"\"".to_owned())
}

/// The composition handlers: `composition_step_output`, `_branch_taken`,
/// `_parallel_complete`, `_output`.
pub(crate) fn composition(kind: &str, p: Params, ctx: &AssertionContext) -> EvalResult {
    match kind {
        "composition_step_output" => {
            let Some(step) = p.non_empty("step") else {
                return EvalResult::error("missing required param: step");
            };
            let outputs = meta_string_map(ctx, "composition_step_outputs");
            let Some(got) = outputs.get(step) else {
                return EvalResult::fail(format!("step {step:?} produced no recorded output"))
                    .with_details(json!({"step": step}));
            };
            let (ok, how) = match_output(got, p);
            EvalResult::pass(ok, format!("step {step:?} output {how}"))
                .with_details(json!({"step": step, "output": got}))
        }
        "composition_branch_taken" => {
            let Some(branch) = p.non_empty("branch") else {
                return EvalResult::error("missing required param: branch");
            };
            let Some(expected) = p.non_empty("expected") else {
                return EvalResult::error("missing required param: expected");
            };
            let got = meta_string_map(ctx, "composition_branch_taken")
                .remove(branch)
                .unwrap_or_default();
            EvalResult::pass(
                got == expected,
                format!("branch {branch:?} took {got:?}, expected {expected:?}"),
            )
            .with_details(json!({"branch": branch, "taken": got, "expected": expected}))
        }
        "composition_parallel_complete" => {
            let Some(parallel) = p.non_empty("parallel") else {
                return EvalResult::error("missing required param: parallel");
            };
            let got = meta_string_map(ctx, "composition_parallel_status")
                .remove(parallel)
                .unwrap_or_default();
            EvalResult::pass(
                got == "complete",
                format!("parallel {parallel:?} status {got:?}"),
            )
            .with_details(json!({"parallel": parallel, "status": got}))
        }
        _ => {
            let (ok, how) = match_output(&ctx.response, p);
            EvalResult::pass(ok, format!("composition output {how}"))
                .with_details(json!({"output": ctx.response}))
        }
    }
}
