//! Evals: assertions run over a saved conversation instead of a live one. `all_turns`
//! assertions check every assistant answer (with the conversation up to it), then the
//! conversation assertions check the whole transcript; LLM judges work as in scenarios;
//! the pack evals score the transcript as they do a live conversation.

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use super::judge::ProviderJudge;
use super::results::{CaseResult, Status, TurnRecord};
use super::scoring::evaluate;
use super::suite::Suite;
use crate::assertions::AssertionContext;
use crate::message::{Role, Usage};
use crate::providers::session::Session;
use promptkit_build::plan::{Case, eval_id};

/// Runs the eval of `case`.
pub(crate) async fn run(suite: &Suite, case: &Case) -> Result<CaseResult, String> {
    let eval = suite
        .project
        .evals
        .iter()
        .find(|e| eval_id(e) == case.scenario)
        .ok_or_else(|| format!("unknown eval `{}`", case.scenario))?;
    let path = suite.project.recording_path(eval);
    let recording = suite
        .project
        .eval_recording(eval)
        .ok_or_else(|| format!("the recording `{}` was not read", path.display()))?;
    let messages = Session::parse(&recording.text)
        .map_err(|e| format!("recording `{}`: {e}", path.display()))?
        .transcript();
    let evaluator = suite
        .evaluator
        .clone()
        .with_judge(Arc::new(ProviderJudge::new(
            suite,
            &case.scenario,
            Arc::new(AtomicUsize::new(0)),
        )));
    let turn_assertions: Vec<_> = eval
        .spec
        .turns
        .iter()
        .filter_map(|t| t.all_turns.as_ref())
        .flat_map(|t| &t.assertions)
        .collect();
    let mut turns = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        if m.role != Role::Assistant || (m.content.is_empty() && !m.tool_calls.is_empty()) {
            continue;
        }
        let user = messages[..i]
            .iter()
            .rev()
            .find(|m| m.role == Role::User)
            .map(|m| m.content.clone())
            .unwrap_or_default();
        let mut ctx = AssertionContext::from_messages(messages[..=i].to_vec());
        ctx.turn_index = turns.len();
        let mut assertions = Vec::new();
        for assertion in &turn_assertions {
            assertions.push(evaluate(&evaluator, assertion, &ctx, &ctx.tool_calls).await);
        }
        turns.push(TurnRecord {
            index: turns.len(),
            role: "recording".into(),
            user,
            reply: m.content.clone(),
            tool_calls: Vec::new(),
            assertions,
            validations: Vec::new(),
            usage: Usage::default(),
            cost_usd: None,
            latency_ms: 0.0,
            ..TurnRecord::default()
        });
    }
    let ctx = AssertionContext::from_messages(messages.clone());
    let mut conversation_assertions = Vec::new();
    for assertion in &eval.spec.conversation_assertions {
        conversation_assertions.push(evaluate(&evaluator, assertion, &ctx, &ctx.tool_calls).await);
    }
    let evals = super::pack_evals::run_session_evals(
        &evaluator,
        &super::pack_evals::definitions(suite),
        &ctx,
        &case.scenario,
    )
    .await;
    let failed = turns
        .iter()
        .flat_map(|t| &t.assertions)
        .chain(&conversation_assertions)
        .any(|a| !a.passed);
    Ok(CaseResult {
        scenario: case.scenario.clone(),
        provider: case.provider.clone(),
        trial: 0,
        trials: 1,
        status: if failed {
            Status::Failed
        } else {
            Status::Passed
        },
        error: None,
        turns,
        conversation_assertions,
        evals,
        system_prompt: String::new(),
        usage: Usage::default(),
        cost_usd: None,
        duration_ms: 0.0,
        media: super::results::CaseMedia::of(&messages),
        workflow: None,
        messages,
    })
}
