//! What an assertion sees: the turn's response, the transcript, tool calls, budgets, state.

use std::sync::Arc;

use crate::message::{ContentPart, Cost, Message, Role, Usage};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One tool call with its outcome, as the assertions see it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ToolCallRecord {
    /// The tool's name.
    pub name: String,
    /// The arguments (a JSON object; anything else counts as no arguments).
    pub arguments: Value,
    /// The result: a string, or content parts (`[{type, text | media}]`), or any JSON.
    pub result: Option<Value>,
    /// The error the tool reported, if any.
    pub error: Option<String>,
    /// Whether the error was an argument-validation error (`tools_called` may still count it).
    pub validation_error: bool,
    /// Index of the message (in the transcript) that requested the call.
    pub turn_index: usize,
    /// The call id, when known.
    pub id: Option<String>,
    /// How long the tool took, in milliseconds.
    pub latency_ms: Option<f64>,
}

impl ToolCallRecord {
    /// A successful call of `name` with `arguments`.
    pub fn new(name: impl Into<String>, arguments: Value) -> Self {
        Self {
            name: name.into(),
            arguments,
            ..Self::default()
        }
    }

    /// The argument `key`, if the arguments are an object holding it.
    pub fn arg(&self, key: &str) -> Option<&Value> {
        self.arguments.as_object().and_then(|m| m.get(key))
    }

    /// The arguments as a map (empty when they are not an object).
    pub fn args(&self) -> &Map<String, Value> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        self.arguments
            .as_object()
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }

    /// Whether the call failed.
    pub fn failed(&self) -> bool {
        self.error.as_deref().is_some_and(|e| !e.is_empty())
    }

    /// The result rendered as text (strings as-is, content parts as text, else JSON).
    pub fn result_text(&self) -> String {
        match &self.result {
            None | Some(Value::Null) => String::new(),
            Some(v) => stringify_result(v),
        }
    }
}

/// Renders a tool result as text the way the reference does.
pub(crate) fn stringify_result(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) if !items.is_empty() && items.iter().all(is_content_part) => {
            let mut out = String::new();
            for part in items {
                if let Some(t) = part.get("text").and_then(Value::as_str) {
                    out.push_str(t);
                } else if let Some(media) = part.get("media") {
                    let kind = part.get("type").and_then(Value::as_str).unwrap_or_default();
                    let mime = media
                        .get("mime_type")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    out.push_str(&format!("[{kind}:{mime}]"));
                }
            }
            out
        }
        other => crate::go_json::to_string(other),
    }
}

/// The texts of a tool result that carries media: a string result, or the strings of
/// a list (another JSON value is not text: the media stand for it); empty ones left out.
pub fn result_texts(result: &Value) -> Vec<String> {
    let texts = match result {
        Value::String(text) => vec![text.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    texts.into_iter().filter(|t| !t.is_empty()).collect()
}

/// A tool result as the assertions read it: without media, the result itself; with
/// media, content parts as the reference records them (`{type: text, text}` for each
/// text, `{type: image|audio|video|document, media: {url, mime_type}}` for each part).
pub fn result_with_media(result: Option<&Value>, parts: &[ContentPart]) -> Option<Value> {
    if parts.is_empty() {
        return result.cloned();
    }
    let texts = result.map(result_texts).unwrap_or_default();
    let content = texts
        .into_iter()
        .map(|text| serde_json::json!({"type": "text", "text": text}))
        .chain(parts.iter().map(|part| {
            serde_json::json!({"type": part.kind(), "media": {"url": part.url(), "mime_type": part.mime_type()}})
        }))
        .collect();
    Some(Value::Array(content))
}

fn is_content_part(v: &Value) -> bool {
    v.get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| !t.is_empty())
}

/// A media item found in the output (assistant messages and tool results).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MediaItem {
    /// `image`, `audio` or `video`.
    pub kind: String,
    /// The MIME type.
    pub mime_type: String,
    /// Width in pixels, when known.
    pub width: Option<u64>,
    /// Height in pixels, when known.
    pub height: Option<u64>,
    /// Duration in seconds, when known.
    pub duration_secs: Option<f64>,
}

/// A validator (guardrail) result recorded earlier in the turn.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PriorResult {
    /// The validator's type (as configured, aliases included).
    pub validator_type: String,
    /// The validator's id, when it has one.
    pub id: Option<String>,
    /// Its score (below 1.0 means it fired).
    pub score: Option<f64>,
    /// `input` or `output`, when recorded.
    pub direction: Option<String>,
}

/// One workflow state transition.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Transition {
    /// The state left.
    pub from: String,
    /// The state entered.
    pub to: String,
    /// The transcript index at which it happened, when known.
    pub turn_index: Option<usize>,
}

/// Workflow state, where the conversation runs a workflow.
///
/// Read leniently: `transitions` that are not a list of transitions (say, a malformed
/// recording) become `None` with `transitions_invalid` set, which
/// `workflow_transition_order` reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, from = "RawWorkflowInfo")]
pub struct WorkflowInfo {
    /// The current state.
    pub current_state: Option<String>,
    /// The state recorded as the final outcome (`workflow_state`), when different.
    pub state: Option<String>,
    /// Whether a terminal state was reached (`None`: unknown).
    pub complete: Option<bool>,
    /// Transitions in order (`None`: none recorded at all).
    pub transitions: Option<Vec<Transition>>,
    /// For each transcript message, the workflow state it was produced in.
    pub message_states: Vec<Option<String>>,
    /// Whether transitions were recorded in a shape that is not a list of transitions.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub transitions_invalid: bool,
}

/// [`WorkflowInfo`] as written, before its transitions are checked.
#[derive(Default, Deserialize)]
#[serde(default)]
struct RawWorkflowInfo {
    current_state: Option<String>,
    state: Option<String>,
    complete: Option<bool>,
    transitions: Option<Value>,
    message_states: Vec<Option<String>>,
    transitions_invalid: bool,
}

impl From<RawWorkflowInfo> for WorkflowInfo {
    fn from(raw: RawWorkflowInfo) -> Self {
        let parsed = raw
            .transitions
            .filter(|v| !v.is_null())
            .map(serde_json::from_value::<Vec<Transition>>);
        Self {
            current_state: raw.current_state,
            state: raw.state,
            complete: raw.complete,
            transitions_invalid: raw.transitions_invalid || matches!(parsed, Some(Err(_))),
            transitions: parsed.and_then(Result::ok),
            message_states: raw.message_states,
        }
    }
}

/// Everything an assertion can look at.
///
/// How the engine fills it, as the reference does:
/// - `response`: the turn's last assistant text; `messages`: the transcript in scope
///   (`from_messages` derives `response`, `tool_calls` and `media` from it).
/// - `tool_calls`: every call with its result and error (`validation_error` when the
///   arguments failed validation); `turn_index` is the index of the requesting message.
/// - `latency_ms`: the provider latency of the turn; `usage` / `cost`: the sums over the
///   messages in scope (the reference's `input_tokens`, `output_tokens`, `total_cost`).
/// - `prior_results`: the validator outcomes recorded on the last assistant message
///   ([`crate::validators::ValidatorOutcome::to_prior_result`]), read by
///   `guardrail_triggered`.
/// - `workflow`: current state, final state, completion, transitions and the state each
///   message was produced in; `metadata`: `embedding`, `system_prompt`, RAG context
///   fields and the `composition_*` maps, under the reference's keys.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssertionContext {
    /// The assistant response under test (the turn's last assistant text).
    pub response: String,
    /// The transcript: the turn's messages for a turn assertion, all for a conversation
    /// one (shared with the conversation, never copied per turn).
    pub messages: Arc<Vec<Message>>,
    /// Tool calls with their results, in order.
    pub tool_calls: Vec<ToolCallRecord>,
    /// Index of the turn under test.
    pub turn_index: usize,
    /// When true, content checks look only at `response` (guardrails), else at every
    /// assistant message of `messages`.
    pub current_only: bool,
    /// The turn's latency in milliseconds.
    pub latency_ms: Option<f64>,
    /// Token usage in scope.
    pub usage: Usage,
    /// Cost in scope.
    pub cost: Cost,
    /// Validator results of this turn, in order.
    pub prior_results: Vec<PriorResult>,
    /// Workflow state, where the reference has it.
    pub workflow: WorkflowInfo,
    /// Media in the output.
    pub media: Vec<MediaItem>,
    /// Free metadata (`embedding`, `system_prompt`, context fields, composition results...).
    pub metadata: Map<String, Value>,
}

impl AssertionContext {
    /// A context for one response and its transcript (tool calls taken from the messages).
    pub fn from_messages(messages: impl Into<Arc<Vec<Message>>>) -> Self {
        let messages = messages.into();
        let response = messages
            .iter()
            .rev()
            .find(|m| m.role == Role::Assistant)
            .map(|m| m.content.clone())
            .unwrap_or_default();
        let tool_calls = tool_calls_of(&messages);
        let media = media_of(&messages);
        Self {
            response,
            messages,
            tool_calls,
            media,
            ..Self::default()
        }
    }

    /// A context holding only a response.
    pub fn for_response(response: impl Into<String>) -> Self {
        Self {
            response: response.into(),
            ..Self::default()
        }
    }

    /// The texts under test with their transcript index: the response alone when
    /// `current_only`, else every assistant message.
    pub(crate) fn content_under_test(&self) -> Vec<(usize, &str)> {
        if self.current_only && !self.response.is_empty() {
            return vec![(
                self.messages.len().saturating_sub(1),
                self.response.as_str(),
            )];
        }
        self.messages
            .iter()
            .enumerate()
            .filter(|(_, m)| m.role == Role::Assistant)
            .map(|(i, m)| (i, m.content.as_str()))
            .collect()
    }
}

/// Pairs every tool call of `messages` with its result message.
pub fn tool_calls_of(messages: &[Message]) -> Vec<ToolCallRecord> {
    let mut calls = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        for tc in &m.tool_calls {
            let result = messages[i + 1..]
                .iter()
                .find(|r| r.role == Role::Tool && r.tool_call_id.as_deref() == Some(tc.id.as_str()))
                .and_then(|r| result_with_media(Some(&Value::String(r.content.clone())), &r.parts));
            calls.push(ToolCallRecord {
                name: tc.name.clone(),
                arguments: tc.arguments.clone(),
                result,
                turn_index: i,
                id: Some(tc.id.clone()),
                ..ToolCallRecord::default()
            });
        }
    }
    calls
}

/// The media parts of assistant and tool messages, probed from their bytes (MIME type
/// by content, image dimensions from the header).
pub fn media_of(messages: &[Message]) -> Vec<MediaItem> {
    let mut out = Vec::new();
    for m in messages
        .iter()
        .filter(|m| matches!(m.role, Role::Assistant | Role::Tool))
    {
        for part in &m.parts {
            let probe = crate::media::probe(part);
            out.push(MediaItem {
                kind: part.kind().to_owned(),
                mime_type: probe.mime_type.unwrap_or_default(),
                width: probe.width,
                height: probe.height,
                duration_secs: probe.duration_secs,
            });
        }
    }
    out
}
