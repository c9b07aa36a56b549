//! One configured assertion, scored: its `when:` condition, the evaluator's verdict and
//! the author's message, as the record every report shows.

use promptkit_build::model::{Assertion, AssertionWhen};
use serde_json::{Map, Value};

use super::results::AssertionRecord;
use crate::assertions::{AssertionContext, Evaluator, ToolCallRecord, When, skip_reason};

/// Evaluates one configured assertion; problems become a failed record, never a panic.
pub(crate) async fn evaluate(
    evaluator: &Evaluator,
    assertion: &Assertion,
    ctx: &AssertionContext,
    turn_calls: &[ToolCallRecord],
) -> AssertionRecord {
    let kind = assertion.r#type.value.clone();
    let params: Map<String, Value> = assertion
        .params
        .as_ref()
        .map(|p| p.value.to_json_map())
        .unwrap_or_default();
    let author_message = assertion
        .message
        .as_ref()
        .map(|m| m.value.clone())
        .or_else(|| {
            params
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
    let pass_threshold = assertion.pass_threshold.as_ref().map(|t| t.value);
    if let Some(when) = assertion.when.as_ref() {
        let when = when_of(&when.value);
        if let Some(why) = skip_reason(Some(&when), turn_calls) {
            return AssertionRecord {
                assertion_type: kind,
                passed: true,
                skipped: true,
                message: format!("skipped: {why}"),
                details: Value::Null,
                pass_threshold,
            };
        }
    }
    match evaluator.assert(&kind, &params, ctx).await {
        Ok(outcome) => AssertionRecord {
            assertion_type: kind,
            passed: outcome.passed,
            skipped: outcome.skipped,
            message: match (&author_message, outcome.passed) {
                (Some(m), false) => format!("{m} ({})", outcome.message),
                (Some(m), true) => m.clone(),
                (None, _) => outcome.message,
            },
            details: outcome.details,
            pass_threshold,
        },
        Err(error) => AssertionRecord {
            assertion_type: kind,
            passed: false,
            skipped: false,
            message: error.to_string(),
            details: Value::Null,
            pass_threshold,
        },
    }
}

/// The runtime form of a `when:` condition.
pub(crate) fn when_of(when: &AssertionWhen) -> When {
    When {
        tool_called: when.tool_called.as_ref().map(|t| t.value.clone()),
        tool_called_pattern: when.tool_called_pattern.as_ref().map(|t| t.value.clone()),
        any_tool_called: when.any_tool_called.unwrap_or(false),
        min_tool_calls: when
            .min_tool_calls
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(0),
    }
}
