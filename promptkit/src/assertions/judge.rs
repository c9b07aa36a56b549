//! The LLM-judge family: llm_judge, llm_judge_session, llm_judge_tool_calls, the RAG
//! judges, and the safety judges (bias, toxicity, pii_leakage, role_violation).
//!
//! The judge itself is injected ([`Judge`]): it receives a [`JudgeRequest`] (system prompt
//! and user content ready to send) and returns the judge model's raw text, which is parsed
//! here as the reference does.

use super::context::{AssertionContext, ToolCallRecord};
use super::params::Params;
use super::result::EvalResult;
use crate::message::Role;
use serde_json::{Value, json};
use std::future::Future;
use std::pin::Pin;

/// A boxed future returned by a [`Judge`].
pub type JudgeFuture<'a> = Pin<Box<dyn Future<Output = Result<String, JudgeError>> + Send + 'a>>;

/// Why a judge gave no reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JudgeError {
    /// The run has no judge to ask.
    #[error("no LLM judge is configured; add `judges: [{{name, provider}}]` to the arena config")]
    NotConfigured,
    /// The assertion names a judge the run does not have.
    #[error("unknown judge `{0}`")]
    Unknown(String),
    /// The judge's model call failed.
    #[error("{0}")]
    Failed(String),
}

impl From<String> for JudgeError {
    fn from(message: String) -> Self {
        Self::Failed(message)
    }
}

impl From<&str> for JudgeError {
    fn from(message: &str) -> Self {
        Self::Failed(message.to_owned())
    }
}

/// What is sent to the judge model.
#[derive(Debug, Clone, PartialEq)]
pub struct JudgeRequest {
    /// The system prompt.
    pub system_prompt: String,
    /// The user message (content, criteria and rubric).
    pub user_content: String,
    /// The content under evaluation alone.
    pub content: String,
    /// The criteria alone.
    pub criteria: String,
    /// The rubric alone (empty when none).
    pub rubric: String,
    /// The judge model override from the params, if any.
    pub model: Option<String>,
    /// Which configured judge provider to use (the `judge` param), if named.
    pub judge: Option<String>,
}

/// A judge LLM: returns the model's raw reply text.
pub trait Judge: Send + Sync {
    /// Sends `request` to the judge model.
    fn judge<'a>(&'a self, request: &'a JudgeRequest) -> JudgeFuture<'a>;
}

impl<F> Judge for F
where
    F: Fn(&JudgeRequest) -> Result<String, JudgeError> + Send + Sync,
{
    fn judge<'a>(&'a self, request: &'a JudgeRequest) -> JudgeFuture<'a> {
        let reply = self(request);
        Box::pin(async move { reply })
    }
}

/// A parsed judge verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The judge's pass flag (or score >= 0.5 when it gave none).
    pub passed: bool,
    /// The judge's score.
    pub score: f64,
    /// The judge's reasoning.
    pub reasoning: String,
}

const DEFAULT_PASS_THRESHOLD: f64 = 0.5;
const DEFAULT_SYSTEM_PROMPT: &str = "You are an evaluation judge. Evaluate the content below and answer with \
    a JSON object with the fields \"passed\" (boolean), \"score\" (number from 0 to 1) and \"reasoning\" (string).";

/// Parses a judge reply: the JSON object between the first `{` and the last `}`.
///
/// An unparseable reply counts as passed with score 0.5, as in the reference.
pub fn parse_verdict(raw: &str) -> Verdict {
    let body = match (raw.find('{'), raw.rfind('}')) {
        (Some(i), Some(j)) if j >= i => &raw[i..=j],
        _ => raw,
    };
    let unparsed = Verdict {
        passed: true,
        score: DEFAULT_PASS_THRESHOLD,
        reasoning: "Could not parse judge response".into(),
    };
    let Ok(Value::Object(m)) = serde_json::from_str::<Value>(body) else {
        return unparsed;
    };
    let score = match m.get("score") {
        None | Some(Value::Null) => 0.0,
        Some(Value::Number(n)) => n.as_f64().unwrap_or(0.0),
        Some(_) => return unparsed,
    };
    let reasoning = match m.get("reasoning") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return unparsed,
    };
    let passed = match m.get("passed") {
        None | Some(Value::Null) => score >= DEFAULT_PASS_THRESHOLD,
        Some(Value::Bool(b)) => *b,
        Some(_) => return unparsed,
    };
    Verdict {
        passed,
        score,
        reasoning,
    }
}

/// The message rejecting a threshold param on a judge eval, if one is present.
pub(crate) fn reject_thresholds(p: Params) -> Option<EvalResult> {
    ["min_score", "max_score"].into_iter().find(|k| p.has(k)).map(|k| {
        EvalResult::error(format!(
            "{k} is not a valid param on an eval handler; wrap with `type: assertion` and put the threshold there"
        ))
    })
}

/// Builds the request for `content` with the params' criteria, rubric, model, system prompt.
pub(super) fn request(
    p: Params,
    content: &str,
    default_system: Option<&str>,
    default_criteria: Option<&str>,
) -> JudgeRequest {
    let system = p
        .non_empty("system_prompt")
        .or(default_system)
        .unwrap_or(DEFAULT_SYSTEM_PROMPT);
    let criteria = p
        .non_empty("criteria")
        .or(default_criteria)
        .unwrap_or_default();
    let mut user = format!("Content to evaluate:\n{content}\n\nCriteria: {criteria}");
    if let Some(rubric) = p.non_empty("rubric") {
        user.push_str(&format!("\n\nRubric: {rubric}"));
    }
    JudgeRequest {
        system_prompt: system.to_owned(),
        user_content: user,
        content: content.to_owned(),
        criteria: criteria.to_owned(),
        rubric: p.non_empty("rubric").unwrap_or_default().to_owned(),
        model: p.non_empty("model").map(str::to_owned),
        judge: p.non_empty("judge").map(str::to_owned),
    }
}

/// Asks the judge and turns its verdict into a result.
pub(super) async fn ask(judge: Option<&dyn Judge>, req: JudgeRequest) -> EvalResult {
    let Some(judge) = judge else {
        return EvalResult::fail("judge_provider not found in metadata");
    };
    match judge.judge(&req).await {
        Err(e) => EvalResult::fail(format!("judge error: {e}")),
        Ok(raw) => {
            let v = parse_verdict(&raw);
            EvalResult::scored(v.score, v.reasoning.clone()).with_details(
                json!({"score": v.score, "passed": v.passed, "reasoning": v.reasoning}),
            )
        }
    }
}

/// Renders tool calls for the judge.
fn format_calls(calls: &[&ToolCallRecord]) -> String {
    let mut out = Vec::new();
    for (i, tc) in calls.iter().enumerate() {
        let args: std::collections::BTreeMap<&String, &Value> = tc.args().iter().collect();
        let args = if tc.arguments.is_object() {
            serde_json::to_string(&args).unwrap_or_default()
        } else {
            "null".into()
        };
        let result = tc.result_text();
        let result = if result.is_empty() {
            "(none)".to_owned()
        } else {
            result
        };
        let error = tc
            .error
            .clone()
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| "(none)".into());
        out.push(format!(
            "TOOL CALL {} (index {}):\n  Tool: {}\n  Arguments: {args}\n  Result: {result}\n  Error: {error}\n",
            i + 1,
            tc.turn_index,
            tc.name
        ));
    }
    out.join("\n")
}

/// The transcript as `Role: text` lines (no system or tool messages), then the tool calls.
fn transcript(ctx: &AssertionContext) -> String {
    let mut out = String::new();
    for m in ctx.messages.iter() {
        let text = m.content.trim();
        if matches!(m.role, Role::System | Role::Tool) || text.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        let role = match m.role {
            Role::User => "User",
            Role::Assistant => "Assistant",
            Role::System => "System",
            Role::Tool => "Tool",
        };
        out.push_str(&format!("{role}: {text}"));
    }
    if !ctx.tool_calls.is_empty() {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str("Tool calls (name, arguments, result):\n");
        out.push_str(&format_calls(&ctx.tool_calls.iter().collect::<Vec<_>>()));
    }
    out
}

/// `llm_judge`, `llm_judge_session`, `llm_judge_tool_calls`.
pub(crate) async fn llm_judge(
    kind: &str,
    p: Params<'_>,
    ctx: &AssertionContext,
    judge: Option<&dyn Judge>,
) -> EvalResult {
    if let Some(r) = reject_thresholds(p) {
        return r;
    }
    match kind {
        "llm_judge_session" => ask(judge, request(p, &transcript(ctx), None, None)).await,
        "llm_judge_tool_calls" => {
            let only = p.strings("tools");
            let calls: Vec<&ToolCallRecord> = ctx
                .tool_calls
                .iter()
                .filter(|t| only.is_empty() || only.contains(&t.name))
                .collect();
            if calls.is_empty() {
                return EvalResult {
                    explanation: "no matching tool calls to judge".into(),
                    ..EvalResult::skip("no matching tool calls")
                };
            }
            let mut r = ask(judge, request(p, &format_calls(&calls), None, None)).await;
            r.details
                .insert("tool_calls_sent".into(), json!(calls.len()));
            r
        }
        _ => ask(judge, request(p, &ctx.response, None, None)).await,
    }
}
