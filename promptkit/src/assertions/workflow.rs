//! Workflow, skill, agent and composition checks.

use super::context::{AssertionContext, Transition};
use super::params::Params;
use super::result::{EvalResult, ratio};
use crate::message::Role;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// `agent_invoked`: each named agent (tool) was called.
pub(crate) fn agent_invoked(p: Params, ctx: &AssertionContext) -> EvalResult {
    let agents = p.strings("agents");
    if agents.is_empty() {
        return EvalResult::fail("no agents specified");
    }
    let called = |a: &String| ctx.tool_calls.iter().any(|t| &t.name == a);
    let (invoked, missing): (Vec<&String>, Vec<&String>) = agents.iter().partition(|a| called(a));
    let value = json!({"invoked": invoked, "expected": agents});
    let score = ratio(invoked.len(), agents.len());
    if missing.is_empty() {
        return EvalResult::scored(score, "all expected agents were invoked").with_value(value);
    }
    let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
    EvalResult::scored(score, format!("missing agents: {}", names.join(", ")))
        .with_value(value)
        .with_details(json!({"missing_agents": missing}))
}

/// `agent_not_invoked`: none of the named agents was called.
pub(crate) fn agent_not_invoked(p: Params, ctx: &AssertionContext) -> EvalResult {
    let agents = p.strings("agents");
    if agents.is_empty() {
        return EvalResult::pass(true, "no agents specified to exclude");
    }
    let called: Vec<&str> = ctx
        .tool_calls
        .iter()
        .filter(|t| agents.contains(&t.name))
        .map(|t| t.name.as_str())
        .collect();
    if called.is_empty() {
        return EvalResult::pass(true, "no forbidden agents were invoked")
            .with_value(json!({"forbidden_invoked": []}));
    }
    EvalResult::fail(format!("forbidden agents called: {}", called.join(", ")))
        .with_value(json!({"forbidden_invoked": called}))
        .with_details(json!({"forbidden_agents_called": called}))
}

/// `agent_response_contains`: some response of the agent contains the text.
pub(crate) fn agent_response_contains(p: Params, ctx: &AssertionContext) -> EvalResult {
    let contains = p.str("contains").unwrap_or_default();
    let Some(agent) = p.non_empty("agent") else {
        return EvalResult::fail("no agent specified");
    };
    let in_calls = ctx
        .tool_calls
        .iter()
        .filter(|t| t.name == agent)
        .any(|t| t.result_text().contains(contains));
    let in_messages = ctx
        .messages
        .iter()
        .filter(|m| m.role == Role::Tool && m.name.as_deref() == Some(agent))
        .any(|m| m.content.contains(contains));
    if in_calls || in_messages {
        return EvalResult::pass(
            true,
            format!("agent {agent:?} response contains expected text"),
        )
        .with_value(json!({"agent": agent, "contains": contains, "found": true}));
    }
    EvalResult::fail(format!(
        "no response from agent {agent:?} containing {contains:?}"
    ))
    .with_value(json!({"agent": agent, "contains": contains, "found": false}))
    .with_details(json!({"agent": agent, "expected_substr": contains}))
}

/// `workflow_complete`: the workflow reached a terminal state.
pub(crate) fn workflow_complete(_: Params, ctx: &AssertionContext) -> EvalResult {
    match ctx.workflow.complete {
        None => EvalResult::fail("no workflow completion status in context"),
        Some(true) => {
            let state = ctx.workflow.current_state.as_deref().unwrap_or_default();
            EvalResult::pass(
                true,
                format!("workflow completed in terminal state {state:?}"),
            )
            .with_value(json!({"complete": true}))
        }
        Some(false) => EvalResult::fail("workflow has not reached a terminal state")
            .with_value(json!({"complete": false})),
    }
}

/// `state_is`: the current workflow state is `state`.
pub(crate) fn state_is(p: Params, ctx: &AssertionContext) -> EvalResult {
    let Some(expected) = p.non_empty("state") else {
        return EvalResult::fail("missing required param 'state'");
    };
    let Some(actual) = ctx.workflow.current_state.as_deref() else {
        return EvalResult::fail("no workflow state available in context");
    };
    let value = json!({"current_state": actual, "expected_state": expected});
    if actual == expected {
        EvalResult::pass(true, format!("workflow is in expected state {expected:?}"))
            .with_value(value)
    } else {
        EvalResult::fail(format!("expected state {expected:?} but got {actual:?}"))
            .with_value(value)
            .with_details(json!({"expected": expected, "actual": actual}))
    }
}

fn transitions(ctx: &AssertionContext) -> Result<&[Transition], Box<EvalResult>> {
    if ctx.workflow.transitions_invalid {
        return Err(Box::new(EvalResult::fail(
            "invalid transitions data in context",
        )));
    }
    ctx.workflow.transitions.as_deref().ok_or_else(|| {
        Box::new(EvalResult::fail(
            "no workflow transitions available in context",
        ))
    })
}

/// `transitioned_to`: some transition entered `state`.
pub(crate) fn transitioned_to(p: Params, ctx: &AssertionContext) -> EvalResult {
    let Some(target) = p.non_empty("state") else {
        return EvalResult::fail("missing required param 'state'");
    };
    let all = match transitions(ctx) {
        Ok(t) => t,
        Err(r) => return *r,
    };
    if let Some(t) = all.iter().find(|t| t.to == target) {
        return EvalResult::pass(true, format!("workflow transitioned to {target:?}"))
            .with_value(json!({"target": target, "found": true, "transition": t}));
    }
    EvalResult::fail(format!("no transition to state {target:?} found"))
        .with_value(json!({"target": target, "found": false, "transitions": all}))
}

/// `spoke_in_state`: an assistant message with text was produced in `state`.
pub(crate) fn spoke_in_state(p: Params, ctx: &AssertionContext) -> EvalResult {
    let Some(expected) = p.non_empty("state") else {
        return EvalResult::fail("missing required param 'state'");
    };
    let mut spoke: Vec<&str> = Vec::new();
    let mut any_stamped = false;
    for (i, m) in ctx.messages.iter().enumerate() {
        let Some(Some(state)) = ctx.workflow.message_states.get(i) else {
            continue;
        };
        if m.role != Role::Assistant || state.is_empty() {
            continue;
        }
        any_stamped = true;
        if !m.content.trim().is_empty() && !spoke.contains(&state.as_str()) {
            spoke.push(state);
        }
    }
    if spoke.contains(&expected) {
        return EvalResult::pass(
            true,
            format!("state {expected:?} produced assistant output"),
        )
        .with_value(json!({"state": expected}));
    }
    let explanation = if any_stamped {
        format!("no assistant message with text was produced in state {expected:?}")
    } else {
        "no assistant message carries a workflow state: the run produced no per-message state stamps, so the \
         workflow resolver is probably not wired"
            .to_owned()
    };
    EvalResult::fail(explanation)
        .with_value(json!({"state": expected}))
        .with_details(json!({"expected": expected, "states_that_spoke": spoke, "any_state_stamped": any_stamped}))
}

pub(crate) fn in_order(actual: &[&str], sequence: &[String]) -> usize {
    let mut i = 0;
    for s in actual {
        if i < sequence.len() && *s == sequence[i] {
            i += 1;
        }
    }
    i
}

/// `workflow_transition_order`: the workflow visited these states in order.
pub(crate) fn workflow_transition_order(p: Params, ctx: &AssertionContext) -> EvalResult {
    let sequence = p.strings("sequence");
    if sequence.is_empty() {
        return EvalResult::fail("missing or empty required param 'sequence'");
    }
    let all = match transitions(ctx) {
        Ok(t) => t,
        Err(r) => return *r,
    };
    let actual: Vec<&str> = all
        .iter()
        .map(|t| t.to.as_str())
        .filter(|s| !s.is_empty())
        .collect();
    let matched = in_order(&actual, &sequence);
    let value = json!({"matched_steps": matched, "total_steps": sequence.len(),
        "expected_sequence": sequence, "actual_transitions": actual});
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
        .with_value(value.clone())
        .with_details(value)
}

/// The workflow state each tool call ran in, by transcript index.
fn turn_states(ctx: &AssertionContext) -> BTreeMap<usize, String> {
    let constant = |state: &str| {
        ctx.tool_calls
            .iter()
            .map(|t| (t.turn_index, state.to_owned()))
            .collect()
    };
    let fallback = || match ctx.workflow.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => constant(s),
        None => BTreeMap::new(),
    };
    let Some(all) = ctx
        .workflow
        .transitions
        .as_deref()
        .filter(|t| !t.is_empty())
    else {
        return fallback();
    };
    if all.iter().all(|t| t.turn_index.is_none()) {
        return all.last().map(|t| constant(&t.to)).unwrap_or_else(fallback);
    }
    let mut out = BTreeMap::new();
    for tc in &ctx.tool_calls {
        let mut state = String::new();
        for t in all {
            if t.turn_index.unwrap_or(0) <= tc.turn_index {
                state = t.to.clone();
            } else {
                break;
            }
        }
        if state.is_empty() {
            state = all[0].from.clone();
        }
        if !state.is_empty() {
            out.insert(tc.turn_index, state);
        }
    }
    out
}

/// `workflow_tool_access`: tools were only called in states that allow them.
pub(crate) fn workflow_tool_access(p: Params, ctx: &AssertionContext) -> EvalResult {
    let rules: BTreeMap<String, Vec<String>> = p
        .objects("rules")
        .into_iter()
        .filter_map(|m| {
            let state = m
                .get("state")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())?;
            Some((
                state.to_owned(),
                super::params::string_list(m.get("allowed")),
            ))
        })
        .collect();
    if rules.is_empty() {
        return EvalResult::pass(true, "no access rules specified");
    }
    let states = turn_states(ctx);
    let mut violations = Vec::new();
    for tc in &ctx.tool_calls {
        let Some(state) = states.get(&tc.turn_index) else {
            continue;
        };
        let Some(allowed) = rules.get(state) else {
            continue;
        };
        if !allowed.contains(&tc.name) {
            violations.push(json!({"tool": tc.name, "state": state, "turn_index": tc.turn_index}));
        }
    }
    if violations.is_empty() {
        return EvalResult::pass(
            true,
            format!("all tool calls comply with {} access rule(s)", rules.len()),
        )
        .with_value(json!({"violations": [], "violation_count": 0}));
    }
    let msgs: Vec<String> = violations
        .iter()
        .map(|v| {
            format!(
                "{} called in state {} (turn {})",
                v["tool"].as_str().unwrap_or_default(),
                v["state"],
                v["turn_index"]
            )
        })
        .collect();
    EvalResult::fail(format!(
        "{} violation(s): {}",
        violations.len(),
        msgs.join("; ")
    ))
    .with_value(json!({"violations": violations, "violation_count": violations.len()}))
    .with_details(json!({"violations": violations}))
}
