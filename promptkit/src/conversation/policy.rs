//! The tool-use policy of a conversation, with the reference's semantics: which tools
//! are offered and how (`tool_choice`), how many rounds a turn may take, which calls
//! are refused (blocklist, call caps), the repeated-identical-call breaker and the
//! cost cap.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::message::ToolCall;
use crate::tools::ToolOutput;

/// Provider rounds per user turn before the loop stops (the reference's default).
pub const DEFAULT_MAX_ROUNDS: usize = 50;

/// Identical calls (same tool, same arguments) in one turn before the breaker acts
/// (the reference's default).
pub const DEFAULT_MAX_IDENTICAL_TOOL_CALLS: usize = 3;

/// Cost cap of an arena conversation when the scenario sets none: the reference's
/// Arena never runs without one.
pub const ARENA_DEFAULT_MAX_COST_USD: f64 = 2.0;

/// Constraints on tool use (a scenario's `tool_policy`).
#[derive(Debug, Clone, PartialEq)]
pub struct ToolPolicy {
    /// `auto`, `required`, `none` or a tool name, sent on the first round of a turn
    /// (later rounds use `auto`, as the reference); `none` offers no tools at all.
    pub tool_choice: Option<String>,
    /// Provider rounds per turn.
    pub max_rounds: usize,
    /// Calls executed per turn; further calls get a refusal result.
    pub max_tool_calls_per_turn: Option<usize>,
    /// Calls executed over the conversation; further calls get a refusal result.
    pub max_total_tool_calls: Option<usize>,
    /// Tools never executed: a call gets a "blocked by policy" error result.
    pub blocklist: Vec<String>,
    /// The conversation's spend (every turn so far) that stops it with an error.
    pub max_cost_usd: Option<f64>,
    /// Identical calls in a turn before the breaker: the first time, the repeated
    /// calls are answered with a "stop repeating" result instead of running; if the
    /// model repeats again, the turn fails.
    pub max_identical_tool_calls: usize,
}

impl Default for ToolPolicy {
    /// The runtime's defaults: 50 rounds, 3 identical calls, no caps.
    fn default() -> Self {
        Self {
            tool_choice: None,
            max_rounds: DEFAULT_MAX_ROUNDS,
            max_tool_calls_per_turn: None,
            max_total_tool_calls: None,
            blocklist: Vec::new(),
            max_cost_usd: None,
            max_identical_tool_calls: DEFAULT_MAX_IDENTICAL_TOOL_CALLS,
        }
    }
}

impl ToolPolicy {
    /// The policy of a scenario's `tool_policy` with the reference Arena's defaults:
    /// zero or unset `max_rounds`, `max_cost_usd` and `max_identical_tool_calls` take
    /// 50, $2.00 and 3.
    pub fn arena(model: Option<&promptkit_build::model::ToolPolicy>) -> Self {
        let positive = |n: Option<i64>| n.and_then(|n| usize::try_from(n).ok()).filter(|n| *n > 0);
        let Some(p) = model else {
            return Self {
                max_cost_usd: Some(ARENA_DEFAULT_MAX_COST_USD),
                ..Self::default()
            };
        };
        Self {
            tool_choice: p
                .tool_choice
                .as_ref()
                .map(|c| c.value.clone())
                .filter(|c| !c.is_empty()),
            max_rounds: positive(p.max_rounds).unwrap_or(DEFAULT_MAX_ROUNDS),
            max_tool_calls_per_turn: positive(p.max_tool_calls_per_turn),
            max_total_tool_calls: positive(p.max_total_tool_calls),
            blocklist: p.blocklist.iter().map(|b| b.value.clone()).collect(),
            max_cost_usd: Some(
                p.max_cost_usd
                    .filter(|c| *c > 0.0)
                    .unwrap_or(ARENA_DEFAULT_MAX_COST_USD),
            ),
            max_identical_tool_calls: positive(p.max_identical_tool_calls)
                .unwrap_or(DEFAULT_MAX_IDENTICAL_TOOL_CALLS),
        }
    }

    /// Whether tools are offered at all (`tool_choice: none` offers none).
    pub fn offers_tools(&self) -> bool {
        self.tool_choice.as_deref() != Some("none")
    }

    /// Why `call` must not run, given the calls already executed this turn and in the
    /// conversation; `None` when it may run.
    pub fn refusal(&self, call: &ToolCall, this_turn: usize, total: usize) -> Option<String> {
        if self.blocklist.contains(&call.name) {
            return Some(format!("Tool {} is blocked by policy", call.name));
        }
        if let Some(max) = self.max_tool_calls_per_turn
            && this_turn >= max
        {
            return Some(format!(
                "Tool {} was not executed: the turn reached its limit of {max} tool calls (tool_policy.max_tool_calls_per_turn)",
                call.name
            ));
        }
        if let Some(max) = self.max_total_tool_calls
            && total >= max
        {
            return Some(format!(
                "Tool {} was not executed: the conversation reached its limit of {max} tool calls (tool_policy.max_total_tool_calls)",
                call.name
            ));
        }
        None
    }
}

/// The result a refused or skipped call gets instead of running.
pub(crate) fn refused(call: &ToolCall, why: String) -> ToolOutput {
    ToolOutput {
        call: call.clone(),
        result: None,
        error: Some(why),
        parts: Vec::new(),
        latency: std::time::Duration::ZERO,
    }
}

/// Counts identical calls (tool name and arguments, key order ignored) over one turn.
#[derive(Debug, Default)]
pub(crate) struct IdenticalCalls {
    counts: BTreeMap<String, usize>,
    /// Whether the model was already told once to stop repeating.
    pub nudged: bool,
}

impl IdenticalCalls {
    /// Counts `calls` and returns the indexes of those that reached `threshold`.
    pub fn looping(&mut self, calls: &[ToolCall], threshold: usize) -> Vec<usize> {
        let mut out = Vec::new();
        for (i, call) in calls.iter().enumerate() {
            let key = format!("{}\0{}", call.name, canonical(&call.arguments));
            let n = self.counts.entry(key).or_insert(0);
            *n += 1;
            if *n >= threshold {
                out.push(i);
            }
        }
        out
    }
}

/// The text a repeated call gets instead of running (the model is asked to stop).
pub(crate) fn repeated_call_message(name: &str, threshold: usize) -> String {
    format!(
        "Repeated call ignored: \"{name}\" has been called {threshold} times with identical arguments and was NOT executed again — the result will not change. Stop repeating this exact call: change the arguments, use a different tool, or finish the task."
    )
}

/// Arguments with object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` match.
fn canonical(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let ordered: BTreeMap<&String, Value> =
                    map.iter().map(|(k, v)| (k, sorted(v))).collect();
                Value::Object(ordered.into_iter().map(|(k, v)| (k.clone(), v)).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(name: &str, args: Value) -> ToolCall {
        ToolCall::new("c", name, args)
    }

    #[test]
    fn identical_calls_ignore_key_order() {
        let mut seen = IdenticalCalls::default();
        assert!(
            seen.looping(&[call("t", json!({"a":1,"b":2}))], 2)
                .is_empty()
        );
        assert_eq!(seen.looping(&[call("t", json!({"b":2,"a":1}))], 2), [0]);
    }

    #[test]
    fn arena_defaults_are_the_references() {
        let p = ToolPolicy::arena(None);
        assert_eq!(p.max_rounds, 50);
        assert_eq!(p.max_identical_tool_calls, 3);
        assert_eq!(p.max_cost_usd, Some(2.0));
    }

    #[test]
    fn refusals_name_the_rule() {
        let p = ToolPolicy {
            blocklist: vec!["rm".into()],
            max_tool_calls_per_turn: Some(1),
            ..ToolPolicy::default()
        };
        assert_eq!(
            p.refusal(&call("rm", json!({})), 0, 0).as_deref(),
            Some("Tool rm is blocked by policy")
        );
        assert!(p.refusal(&call("ls", json!({})), 0, 0).is_none());
        assert!(
            p.refusal(&call("ls", json!({})), 1, 1)
                .is_some_and(|r| r.contains("max_tool_calls_per_turn"))
        );
    }
}
