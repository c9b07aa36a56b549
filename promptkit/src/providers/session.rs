//! Saved conversations in the reference's formats, and [`SessionReplay`], the
//! reference's `type: replay` provider over them.
//!
//! Read: session recordings (JSON `{metadata, events}`, JSONL with a `metadata` line then
//! `event` lines, or event-store JSONL `{seq, event}`), whose `message.created` events
//! hold the messages and `provider.call.completed` events the cost of the answer before
//! them; the simplified `{"type": "message", "message": {..}}` events; and arena output
//! files (`{"Messages": [..]}`). Keys are matched case-insensitively and without
//! underscores, as Go's JSON decoding of these untagged structs does.
//!
//! Replay answers with the recorded assistant messages in order (`match: turn`, the
//! default) or by the last user message (`match: content`, falling back to order), with
//! `timing: instant | realtime | accelerated` (`speed`, default 2).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::mock::estimate_tokens;
use super::recording::RecordingError;
use crate::message::{ContentPart, Cost, Declared, Message, Role, ToolCall, Usage};
use crate::provider::{BoxFuture, ChatRequest, ChatResponse, ErrorKind, Provider, ProviderError};

/// What a recorded provider call cost.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CallInfo {
    /// Tokens.
    pub usage: Usage,
    /// Dollars.
    pub cost: f64,
    /// How long the call took.
    pub latency: Duration,
}

/// One saved message with what the recording knows about it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionMessage {
    /// The message.
    pub message: Message,
    /// When it happened, from the start of the session.
    pub offset: Option<Duration>,
    /// The provider call that produced it (assistant messages).
    pub call: Option<CallInfo>,
}

/// A saved conversation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Session {
    /// Its messages in order.
    pub messages: Vec<SessionMessage>,
}

impl Session {
    /// Reads the conversation saved at `path`.
    pub fn load(path: &Path) -> Result<Self, RecordingError> {
        let text = std::fs::read_to_string(path).map_err(|e| RecordingError::Read {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        Self::parse(&text).map_err(|e| match e {
            RecordingError::Format { reason, .. } => RecordingError::Format {
                path: path.to_owned(),
                reason,
            },
            other => other,
        })
    }

    /// Reads a conversation from its text (any of the formats above).
    pub fn parse(text: &str) -> Result<Self, RecordingError> {
        Self::parse_text(text).map_err(|reason| RecordingError::Format {
            path: PathBuf::new(),
            reason,
        })
    }

    fn parse_text(text: &str) -> Result<Self, String> {
        let mut session = Self::default();
        match serde_json::from_str::<Value>(text) {
            Ok(doc) => {
                if let Some(messages) = field(&doc, "Messages").and_then(Value::as_array) {
                    for m in messages {
                        session.push_message(m, None)?;
                    }
                } else if let Some(events) = field(&doc, "events").and_then(Value::as_array) {
                    for event in events {
                        session.push_event(event)?;
                    }
                } else {
                    return Err(
                        "neither `Messages` (arena output) nor `events` (session recording)".into(),
                    );
                }
            }
            Err(whole) => {
                for (i, line) in text
                    .lines()
                    .enumerate()
                    .filter(|(_, l)| !l.trim().is_empty())
                {
                    let value: Value = serde_json::from_str(line).map_err(|e| {
                        format!("not JSON ({whole}) nor JSON lines (line {}: {e})", i + 1)
                    })?;
                    if let Some(event) = field(&value, "event") {
                        session.push_event(event)?;
                    }
                }
            }
        }
        Ok(session)
    }

    /// The messages alone.
    pub fn transcript(&self) -> Vec<Message> {
        self.messages.iter().map(|m| m.message.clone()).collect()
    }

    fn push_event(&mut self, event: &Value) -> Result<(), String> {
        let kind = field(event, "type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let offset = field(event, "offset")
            .and_then(Value::as_u64)
            .map(Duration::from_nanos);
        match kind {
            "message" => match field(event, "message") {
                Some(m) => self.push_message(m, offset),
                None => Ok(()),
            },
            "message.created" => match field(event, "data") {
                Some(m) => self.push_message(m, offset),
                None => Ok(()),
            },
            "provider.call.completed" => {
                let data = field(event, "data");
                let int = |name: &str| {
                    data.and_then(|d| field(d, name))
                        .and_then(Value::as_u64)
                        .unwrap_or(0)
                };
                let call = CallInfo {
                    usage: Usage {
                        input_tokens: int("InputTokens"),
                        output_tokens: int("OutputTokens"),
                        cached_tokens: int("CachedTokens"),
                        ..Usage::default()
                    },
                    cost: data
                        .and_then(|d| field(d, "Cost"))
                        .and_then(Value::as_f64)
                        .unwrap_or(0.0),
                    latency: Duration::from_nanos(int("Duration")),
                };
                // The cost belongs to the latest answer that has none yet.
                if let Some(last) = self
                    .messages
                    .iter_mut()
                    .rev()
                    .find(|m| m.message.role == Role::Assistant)
                    .filter(|m| m.call.is_none())
                {
                    last.call = Some(call);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn push_message(&mut self, value: &Value, offset: Option<Duration>) -> Result<(), String> {
        let index = self.messages.len();
        let message = message(value).ok_or_else(|| format!("message {index} has no known role"))?;
        self.messages.push(SessionMessage {
            message,
            offset,
            call: None,
        });
        Ok(())
    }
}

/// The provider call of a recorded answer, as the reference's `provider.call.completed`
/// event names it.
#[derive(Debug, Clone, Copy)]
pub struct RecordedCall<'a> {
    /// The provider id.
    pub provider: &'a str,
    /// The model, when known.
    pub model: &'a str,
}

/// `messages` as a session recording in the reference's event-store format (what its
/// `FileEventStore` writes for `defaults.output.recording`, one JSON line per event:
/// `{"seq", "event": {type, timestamp, session_id, data_type, data}}`), which
/// [`Session::parse`] reads back: a `conversation.started` with `system_prompt`, a
/// `message.created` per message, and a `provider.call.completed` after each answer
/// whose call is known. `timestamp` is RFC 3339; credential-looking environment values
/// are masked.
pub fn event_store_jsonl(
    session_id: &str,
    timestamp: &str,
    system_prompt: &str,
    messages: &[SessionMessage],
    call: RecordedCall<'_>,
) -> String {
    let mut lines = Vec::new();
    let mut push = |kind: &str, data_type: &str, data: Value| {
        let line = serde_json::json!({
            "seq": lines.len() + 1,
            "event": {
                "type": kind,
                "timestamp": timestamp,
                "session_id": session_id,
                "conversation_id": session_id,
                "data_type": data_type,
                "data": data,
            },
        });
        lines.push(line.to_string());
    };
    push(
        "conversation.started",
        "*events.ConversationStartedData",
        serde_json::json!({ "SystemPrompt": system_prompt }),
    );
    for (index, recorded) in messages.iter().enumerate() {
        push(
            "message.created",
            "*events.MessageCreatedData",
            message_created(index, &recorded.message),
        );
        if let Some(info) = recorded.call {
            push(
                "provider.call.completed",
                "*events.ProviderCallCompletedData",
                serde_json::json!({
                    "Provider": call.provider,
                    "Model": call.model,
                    "Duration": u64::try_from(info.latency.as_nanos()).unwrap_or(u64::MAX),
                    "InputTokens": info.usage.input_tokens,
                    "OutputTokens": info.usage.output_tokens,
                    "CachedTokens": info.usage.cached_tokens,
                    "Cost": info.cost,
                    "ToolCallCount": recorded.message.tool_calls.len(),
                }),
            );
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    super::recording::mask_credentials(&text)
}

/// The reference's `MessageCreatedData` of `message` at `index` (Go field names, no
/// JSON tags; tool calls and results carry their own tags).
fn message_created(index: usize, message: &Message) -> Value {
    let parts: Vec<Value> = message.parts.iter().map(media_part).collect();
    let tool_calls: Vec<Value> = message
        .tool_calls
        .iter()
        .map(|c| serde_json::json!({ "id": c.id, "name": c.name, "args": c.arguments.to_string() }))
        .collect();
    let tool_result = (message.role == Role::Tool).then(|| {
        serde_json::json!({
            "id": message.tool_call_id.clone().unwrap_or_default(),
            "name": message.name.clone().unwrap_or_default(),
            "parts": [{ "type": "text", "text": message.content }],
        })
    });
    let or_null = |v: Vec<Value>| {
        if v.is_empty() {
            Value::Null
        } else {
            Value::Array(v)
        }
    };
    serde_json::json!({
        "Role": message.role.as_str(),
        "Content": message.content,
        "Index": index,
        "Parts": or_null(parts),
        "ToolCalls": or_null(tool_calls),
        "ToolResult": tool_result,
    })
}

/// The reference's `ContentPart` of a media part: inline `data` for a `data:` URL, the
/// `url` otherwise; what was declared about it (sizes, duration, `detail`, `caption`).
fn media_part(part: &ContentPart) -> Value {
    let (source, mime) = match crate::media::data_url::split(part.url()) {
        Some((mime, data)) => (serde_json::json!({ "data": data }), Some(mime)),
        None => (serde_json::json!({ "url": part.url() }), part.mime_type()),
    };
    let mut media = source;
    media["mime_type"] = Value::String(mime.unwrap_or_default().to_owned());
    if let Some(declared) = part.declared() {
        let numbers = [
            ("width", declared.width),
            ("height", declared.height),
            ("duration", declared.duration_secs.map(|d| d as u64)),
        ];
        for (key, value) in numbers {
            if let Some(value) = value {
                media[key] = Value::from(value);
            }
        }
        for (key, value) in [("detail", &declared.detail), ("caption", &declared.caption)] {
            if let Some(value) = value {
                media[key] = Value::from(value.as_str());
            }
        }
    }
    serde_json::json!({ "type": part.kind(), "media": media })
}

/// `name` in `value`, matched as Go decodes untagged fields: exactly, else ignoring case
/// and underscores.
fn field<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    let object = value.as_object()?;
    if let Some(v) = object.get(name) {
        return Some(v);
    }
    let squash = |s: &str| s.replace('_', "").to_ascii_lowercase();
    let wanted = squash(name);
    object
        .iter()
        .find(|(k, _)| squash(k) == wanted)
        .map(|(_, v)| v)
}

/// A saved message: role, `content` (else the text of its `parts`), media parts, tool calls (with
/// `args` as a JSON string or value) and the id of the call a tool message answers.
fn message(value: &Value) -> Option<Message> {
    let role = match field(value, "role")?.as_str()? {
        "system" => Role::System,
        "user" => Role::User,
        "assistant" => Role::Assistant,
        "tool" => Role::Tool,
        _ => return None,
    };
    let content = field(value, "content")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| {
            field(value, "parts")
                .and_then(Value::as_array)
                .map(|parts| {
                    parts
                        .iter()
                        .filter_map(|p| field(p, "text").and_then(Value::as_str))
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default()
        });
    let mut message = Message::text(role, content);
    message.parts = field(value, "parts")
        .and_then(Value::as_array)
        .map(|parts| parts.iter().filter_map(read_media_part).collect())
        .unwrap_or_default();
    message.tool_calls = field(value, "tool_calls")
        .and_then(Value::as_array)
        .map(|calls| calls.iter().filter_map(tool_call).collect())
        .unwrap_or_default();
    message.tool_call_id = field(value, "tool_call_id")
        .or_else(|| field(value, "tool_result").and_then(|r| field(r, "id")))
        .and_then(Value::as_str)
        .map(str::to_owned);
    Some(message)
}

/// A media part of a saved message (the reference's `ContentPart` with `media`): inline
/// `data` becomes a `data:` URL; `url` or `file_path` stays a reference; the declared
/// sizes, duration, `detail` and `caption` stay with the part.
fn read_media_part(part: &Value) -> Option<ContentPart> {
    let kind = field(part, "type").and_then(Value::as_str)?;
    let media = field(part, "media")?;
    let text = |name: &str| {
        field(media, name)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
    };
    let mime = text("mime_type");
    let url = match (text("data"), text("url").or_else(|| text("file_path"))) {
        (Some(data), _) => format!(
            "data:{};base64,{data}",
            mime.unwrap_or("application/octet-stream")
        ),
        (None, Some(url)) => url.to_owned(),
        (None, None) => return None,
    };
    let number = |name: &str| field(media, name).and_then(Value::as_u64);
    let declared = Declared {
        width: number("width"),
        height: number("height"),
        duration_secs: number("duration").map(|d| d as f64),
        detail: text("detail").map(str::to_owned),
        caption: text("caption").map(str::to_owned),
    };
    ContentPart::of_kind(kind, url, mime.map(str::to_owned)).map(|p| p.with_declared(declared))
}

fn tool_call(c: &Value) -> Option<ToolCall> {
    let name = field(c, "name").and_then(Value::as_str)?.to_owned();
    let arguments = match field(c, "args").or_else(|| field(c, "arguments")) {
        Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::String(s.clone())),
        Some(v) => v.clone(),
        None => Value::Object(Default::default()),
    };
    Some(ToolCall {
        id: field(c, "id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        name,
        arguments,
        signature: None,
    })
}

/// How replayed answers are timed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Timing {
    /// At once.
    Instant,
    /// With the recorded gaps between answers.
    RealTime,
    /// With the recorded gaps divided by this speed.
    Accelerated(f64),
}

/// The reference's replay provider: recorded answers by turn or by user message.
pub struct SessionReplay {
    id: String,
    turns: Vec<SessionMessage>,
    by_content: HashMap<String, usize>,
    match_content: bool,
    timing: Timing,
    next: Mutex<usize>,
}

impl SessionReplay {
    /// A replay of `session` as provider `id`; `Err` when it holds no answer.
    pub fn new(
        id: impl Into<String>,
        session: Session,
        match_content: bool,
        timing: Timing,
    ) -> Result<Self, RecordingError> {
        let mut turns = Vec::new();
        let mut by_content = HashMap::new();
        let mut user = String::new();
        for m in session.messages {
            match m.message.role {
                Role::User => user = m.message.content.clone(),
                Role::Assistant => {
                    if !user.is_empty() {
                        by_content.insert(user.clone(), turns.len());
                    }
                    turns.push(m);
                }
                _ => {}
            }
        }
        if turns.is_empty() {
            return Err(RecordingError::NoAnswers);
        }
        Ok(Self {
            id: id.into(),
            turns,
            by_content,
            match_content,
            timing,
            next: Mutex::new(0),
        })
    }

    /// The turn answering `request`, and the one played before it in order.
    fn pick(&self, request: &ChatRequest) -> Option<(usize, Option<usize>)> {
        let last_user = request
            .messages
            .iter()
            .rev()
            .find(|m| m.role == Role::User)
            .map(|m| m.content.as_str());
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        if self.match_content
            && let Some(i) = last_user.and_then(|u| self.by_content.get(u))
        {
            return Some((*i, i.checked_sub(1)));
        }
        let i = *next;
        *next += 1;
        (i < self.turns.len()).then_some((i, i.checked_sub(1)))
    }

    fn delay(&self, turn: usize, previous: Option<usize>) -> Duration {
        let offset = |i: usize| self.turns[i].offset.unwrap_or_default();
        let gap = previous.map_or(Duration::ZERO, |p| offset(turn).saturating_sub(offset(p)));
        match self.timing {
            Timing::Instant => Duration::ZERO,
            Timing::RealTime => gap,
            Timing::Accelerated(speed) if speed > 0.0 => gap.div_f64(speed),
            Timing::Accelerated(_) => gap,
        }
    }
}

impl Provider for SessionReplay {
    fn id(&self) -> &str {
        &self.id
    }

    fn model(&self) -> &str {
        "replay"
    }

    fn chat<'a>(
        &'a self,
        request: ChatRequest,
    ) -> BoxFuture<'a, Result<ChatResponse, ProviderError>> {
        Box::pin(async move {
            let started = Instant::now();
            let what = format!("replay call {}", request.context.call);
            let Some((i, previous)) = self.pick(&request) else {
                return Err(ProviderError::new(
                    &self.id,
                    &what,
                    ErrorKind::NoResponse,
                    format!(
                        "replay exhausted: the recording has {} answers",
                        self.turns.len()
                    ),
                ));
            };
            tokio::time::sleep(self.delay(i, previous)).await;
            let turn = &self.turns[i];
            let call = turn.call.unwrap_or_else(|| CallInfo {
                // As the reference: about 4 characters per token when nothing was recorded.
                usage: Usage {
                    output_tokens: estimate_tokens(turn.message.content.len(), 1),
                    ..Usage::default()
                },
                ..CallInfo::default()
            });
            Ok(ChatResponse {
                message: turn.message.clone(),
                usage: call.usage,
                cost: Cost {
                    usd: Some(call.cost),
                },
                latency: if call.latency.is_zero() {
                    started.elapsed()
                } else {
                    call.latency
                },
                finish_reason: Some("stop".into()),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORDING: &str = r#"{
      "metadata": {"session_id": "s", "version": "1.0"},
      "events": [
        {"type": "message.created", "offset": 0, "data": {"Role": "user", "Content": "Where is ORD-1?"}},
        {"type": "message.created", "offset": 1000000000, "data": {"Role": "assistant", "Content": "",
          "ToolCalls": [{"id": "c1", "name": "lookup", "args": "{\"id\":\"ORD-1\"}"}]}},
        {"type": "provider.call.completed", "data": {"InputTokens": 12, "OutputTokens": 3, "Cost": 0.002, "Duration": 500000000}},
        {"type": "message.created", "data": {"Role": "tool", "Content": "shipped", "ToolResult": {"id": "c1"}}},
        {"type": "message.created", "offset": 3000000000, "data": {"Role": "assistant", "Content": "It has shipped."}},
        {"type": "message.created", "data": {"Role": "user", "Content": "Thanks"}},
        {"type": "message.created", "data": {"Role": "assistant", "Content": "You're welcome."}}
      ]
    }"#;

    #[test]
    fn event_store_recordings_read_back_as_written() {
        let recorded = Session::parse(RECORDING).expect("parses");
        let mut messages = recorded.messages.clone();
        messages[0].message.parts = ContentPart::of_kind(
            "image",
            crate::media::data_url::encode("image/png", b"\x89PNG"),
            Some("image/png".into()),
        )
        .map(|p| {
            // What was declared about the part travels with it, as the reference's
            // `MediaContent` keeps it.
            p.with_declared(crate::message::Declared {
                width: Some(3),
                detail: Some("high".into()),
                caption: Some("A chart".into()),
                ..Default::default()
            })
        })
        .into_iter()
        .collect();
        messages[2].message.name = Some("lookup".into());
        let text = event_store_jsonl(
            "run-1",
            "2026-11-29T00:00:00Z",
            "Be brief.",
            &messages,
            RecordedCall {
                provider: "mock",
                model: "m",
            },
        );
        assert!(text.lines().all(|l| l.starts_with("{\"seq\":")), "{text}");
        let back = Session::parse(&text).expect("reads back");
        assert_eq!(
            back.transcript(),
            messages
                .iter()
                .map(|m| m.message.clone())
                .map(|mut m| {
                    m.name = None;
                    m
                })
                .collect::<Vec<_>>()
        );
        let calls: Vec<_> = back.messages.iter().map(|m| m.call).collect();
        let expected: Vec<_> = messages.iter().map(|m| m.call).collect();
        assert_eq!(calls, expected);
    }

    fn request(user: &str) -> ChatRequest {
        ChatRequest {
            messages: vec![Message::user(user)].into(),
            ..ChatRequest::default()
        }
    }

    #[test]
    fn reads_session_recordings_in_json_and_json_lines() {
        let session = Session::parse(RECORDING).expect("json");
        assert_eq!(session.messages.len(), 6);
        let call = &session.messages[1];
        assert_eq!(call.message.tool_calls[0].arguments["id"], "ORD-1");
        assert_eq!(call.call.map(|c| c.usage.input_tokens), Some(12));
        assert_eq!(
            session.messages[2].message.tool_call_id.as_deref(),
            Some("c1")
        );
        let lines = "{\"type\":\"metadata\",\"metadata\":{\"version\":\"1\"}}\n\
            {\"type\":\"event\",\"event\":{\"type\":\"message.created\",\"data\":{\"Role\":\"user\",\"Content\":\"hi\"}}}\n\
            {\"seq\":2,\"event\":{\"type\":\"message.created\",\"data\":{\"role\":\"assistant\",\"content\":\"hello\"}}}\n";
        let session = Session::parse(lines).expect("jsonl");
        assert_eq!(session.transcript().len(), 2);
        let arena_output = r#"{"Messages":[{"role":"system","parts":[{"type":"text","text":"sys"}]},
            {"role":"user","content":"hi"},
            {"role":"assistant","content":"","tool_calls":[{"id":"1","name":"t","args":"{\"x\":1}"}]}]}"#;
        let m = Session::parse(arena_output)
            .expect("arena output")
            .transcript();
        assert_eq!(m[0].content, "sys");
        assert_eq!(m[2].tool_calls[0].arguments, serde_json::json!({"x": 1}));
        let simple = r#"{"events":[{"type":"message","message":{"role":"user","content":"q"}},{"type":"other"}]}"#;
        assert_eq!(
            Session::parse(simple)
                .expect("simplified")
                .transcript()
                .len(),
            1
        );
        assert!(Session::parse("{}").is_err());
        assert!(Session::parse("not json\n").is_err());
    }

    #[tokio::test]
    async fn replays_by_turn_then_runs_out() {
        let session = Session::parse(RECORDING).expect("json");
        let replay = SessionReplay::new("r", session, false, Timing::Instant).expect("replay");
        let first = replay.chat(request("anything")).await.expect("first");
        assert_eq!(first.message.tool_calls[0].name, "lookup");
        assert_eq!(first.cost.usd, Some(0.002));
        assert_eq!(first.latency, Duration::from_millis(500));
        let second = replay.chat(request("anything")).await.expect("second");
        assert_eq!(second.message.content, "It has shipped.");
        assert_eq!(second.usage.output_tokens, 3, "estimated: 15 chars / 4");
        replay.chat(request("x")).await.expect("third");
        let over = replay.chat(request("x")).await.expect_err("exhausted");
        assert!(over.to_string().contains("replay exhausted"), "{over}");
    }

    #[tokio::test]
    async fn replays_by_content_with_order_as_fallback() {
        let session = Session::parse(RECORDING).expect("json");
        let replay = SessionReplay::new("r", session, true, Timing::Instant).expect("replay");
        let thanks = replay.chat(request("Thanks")).await.expect("by content");
        assert_eq!(thanks.message.content, "You're welcome.");
        let unknown = replay.chat(request("???")).await.expect("in order");
        assert_eq!(unknown.message.tool_calls.len(), 1);
    }

    #[test]
    fn realtime_keeps_the_recorded_gaps() {
        let session = Session::parse(RECORDING).expect("json");
        let replay =
            SessionReplay::new("r", session.clone(), false, Timing::RealTime).expect("replay");
        assert_eq!(replay.delay(0, None), Duration::ZERO);
        assert_eq!(replay.delay(1, Some(0)), Duration::from_secs(2));
        let fast =
            SessionReplay::new("r", session, false, Timing::Accelerated(2.0)).expect("replay");
        assert_eq!(fast.delay(1, Some(0)), Duration::from_secs(1));
    }
}
