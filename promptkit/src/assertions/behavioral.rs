//! Behavioral comparisons and guardrail observation: outcome_equivalent, directional,
//! guardrail_triggered.

use super::context::AssertionContext;
use super::params::Params;
use super::result::EvalResult;
use serde_json::json;
use std::collections::BTreeSet;

fn compare_tools(ctx: &AssertionContext, expected: &[String], label: &str) -> EvalResult {
    let actual: BTreeSet<&str> = ctx.tool_calls.iter().map(|t| t.name.as_str()).collect();
    let wanted: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
    let (a, w): (Vec<&str>, Vec<&str>) = (
        actual.iter().copied().collect(),
        wanted.iter().copied().collect(),
    );
    let value = json!({"actual_tools": a, "expected_tools": w});
    let details = json!({"actual": a, label: w});
    if actual == wanted {
        EvalResult::pass(
            true,
            format!("tool calls match {label}: [{}]", w.join(", ")),
        )
        .with_value(value)
        .with_details(details)
    } else {
        EvalResult::fail(format!(
            "tool calls differ from {label}: got [{}], {label} [{}]",
            a.join(", "),
            w.join(", ")
        ))
        .with_value(value)
        .with_details(details)
    }
}

fn compare_state(ctx: &AssertionContext, expected: &str, label: &str) -> EvalResult {
    let Some(actual) = ctx.workflow.state.as_deref() else {
        return EvalResult::fail("workflow_state not found in eval context extras");
    };
    let value = json!({"actual_state": actual, "expected_state": expected});
    let details = json!({"actual": actual, label: expected});
    if actual == expected {
        EvalResult::pass(true, format!("state matches {label}: {expected:?}"))
            .with_value(value)
            .with_details(details)
    } else {
        EvalResult::fail(format!(
            "state {actual:?} does not match {label} {expected:?}"
        ))
        .with_value(value)
        .with_details(details)
    }
}

/// `outcome_equivalent`: the outcome equals the expected one by `metric`.
pub(crate) fn outcome_equivalent(p: Params, ctx: &AssertionContext) -> EvalResult {
    match p.str("metric").unwrap_or_default() {
        "" => EvalResult::fail("missing required param 'metric'"),
        "tool_calls" => {
            let tools = p.strings("expected_tools");
            if tools.is_empty() {
                return EvalResult::pass(
                    true,
                    "no expected_tools specified; skipping single-run comparison",
                );
            }
            compare_tools(ctx, &tools, "expected")
        }
        "final_state" => match p.non_empty("expected_state") {
            None => EvalResult::pass(
                true,
                "no expected_state specified; skipping single-run comparison",
            ),
            Some(s) => compare_state(ctx, s, "expected"),
        },
        "content_hash" => {
            let Some(expected) = p.non_empty("expected_content") else {
                return EvalResult::pass(
                    true,
                    "no expected_content specified; skipping single-run comparison",
                );
            };
            let actual = &ctx.response;
            if actual == expected {
                EvalResult::pass(true, "content matches expected output")
                    .with_value(json!({"matched": true, "length": actual.len()}))
            } else {
                EvalResult::fail("content does not match expected output").with_value(json!({
                    "matched": false, "actual_length": actual.len(), "expected_length": expected.len()
                }))
            }
        }
        other => EvalResult::fail(format!(
            "unknown metric {other:?}; must be tool_calls, final_state, or content_hash"
        )),
    }
}

/// Jaccard overlap of the lower-cased word sets of `a` and `b`.
fn word_overlap(a: &str, b: &str) -> f64 {
    let wa: BTreeSet<String> = a.split_whitespace().map(str::to_lowercase).collect();
    let wb: BTreeSet<String> = b.split_whitespace().map(str::to_lowercase).collect();
    match (wa.is_empty(), wb.is_empty()) {
        (true, true) => 1.0,
        (true, false) | (false, true) => 0.0,
        _ => wa.intersection(&wb).count() as f64 / wa.union(&wb).count() as f64,
    }
}

/// `directional`: the run behaves like its baseline.
pub(crate) fn directional(p: Params, ctx: &AssertionContext) -> EvalResult {
    match p.str("check").unwrap_or_default() {
        "" => EvalResult::fail("missing required param 'check'"),
        "same_tool_calls" => {
            let tools = p.strings("baseline_tools");
            if tools.is_empty() {
                return EvalResult::pass(true, "no baseline_tools specified; skipping comparison");
            }
            compare_tools(ctx, &tools, "baseline")
        }
        "same_outcome" => match p.non_empty("baseline_state") {
            None => EvalResult::pass(true, "no baseline_state specified; skipping comparison"),
            Some(s) => compare_state(ctx, s, "baseline"),
        },
        "similar_content" => {
            let Some(baseline) = p.non_empty("baseline_content") else {
                return EvalResult::pass(
                    true,
                    "no baseline_content specified; skipping comparison",
                );
            };
            let threshold = p.num("threshold").unwrap_or(0.5);
            let score = word_overlap(&ctx.response, baseline);
            let cmp = if score >= threshold { ">=" } else { "<" };
            EvalResult::scored(
                score,
                format!("content similarity {score:.2} {cmp} threshold {threshold:.2}"),
            )
            .with_value(json!({"overlap_score": score, "threshold": threshold}))
            .with_details(json!({"overlap_score": score, "threshold": threshold}))
        }
        other => EvalResult::fail(format!(
            "unknown check {other:?}; must be same_tool_calls, same_outcome, or similar_content"
        )),
    }
}

/// `guardrail_triggered`: the named validator fired (or not) as expected.
pub(crate) fn guardrail_triggered(p: Params, ctx: &AssertionContext) -> EvalResult {
    let Some(validator) = p
        .non_empty("validator_type")
        .or_else(|| p.non_empty("validator"))
    else {
        return EvalResult::fail("validator_type parameter required");
    };
    let should = p.bool_or("should_trigger", true);
    let direction = p
        .str("direction")
        .filter(|d| *d != "both")
        .unwrap_or_default();
    let subject = if direction.is_empty() {
        format!("{validator:?}")
    } else {
        format!("{validator:?} (direction {direction:?})")
    };
    let prior = ctx.prior_results.iter().rev().find(|r| {
        (r.validator_type == validator || r.id.as_deref() == Some(validator))
            && (direction.is_empty() || r.direction.as_deref() == Some(direction))
    });
    let Some(prior) = prior else {
        let passed = !should;
        let msg = if passed {
            format!("validator {subject} did not run (as expected)")
        } else {
            format!("expected validator {subject} to run but it did not")
        };
        let mut value = json!({"triggered": false, "validator_type": validator});
        if !direction.is_empty() {
            value["direction"] = json!(direction);
        }
        return EvalResult::pass(passed, msg)
            .with_value(value)
            .with_details(json!({"expected": should, "actual": "not run"}));
    };
    let triggered = prior.score.is_some_and(|s| s < 1.0);
    let mut value = json!({"triggered": triggered, "validator_type": validator});
    if !direction.is_empty() {
        value["direction"] = json!(direction);
    }
    if triggered == should {
        EvalResult::pass(true, format!("validator {subject} behaved as expected"))
            .with_value(value)
            .with_details(if direction.is_empty() {
                json!({"validator": validator, "triggered": triggered})
            } else {
                json!({"validator": validator, "triggered": triggered, "direction": direction})
            })
    } else {
        let action = if should { "fail" } else { "pass" };
        EvalResult::fail(format!(
            "expected validator {subject} to {action} but it did not"
        ))
        .with_value(value)
        .with_details(json!({"expected": should, "actual": triggered}))
    }
}
