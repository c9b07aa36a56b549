//! Anthropic Messages API: tools (`tool_use` / `tool_result` blocks), SSE streaming
//! (`content_block_delta` text, `input_json_delta` tool arguments, thinking and its
//! signature), extended thinking (`thinking_budget`; thinking blocks kept as reasoning
//! and sent back with their signature), usage with cache reads and thinking tokens (input counts from
//! `message_start` or `message_delta`), cost from pricing. The same provider runs on
//! AWS Bedrock and GCP Vertex ([`super::platform`]): body without `model` and with the
//! platform's `anthropic_version`, signed or token-authorized, Bedrock streams as AWS
//! event-stream frames.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{Value, json};

use super::eventstream::EventStreamFraming;
use super::http::{Secret, Transport};
use super::platform::{Prepared, SharedPlatform};
use super::pricing::Pricing;
use super::settings::Settings;
use super::sse::SseEvent;
use super::streaming::{self, Decoder};
use crate::media::data_url;
use crate::message::{ContentPart, Message, Reasoning, Role, ToolCall, Usage};
use crate::provider::{
    BoxFuture, BoxStream, ChatRequest, ChatResponse, ErrorKind, Provider, ProviderError,
    StreamChunk,
};

/// The public API.
pub const ANTHROPIC_BASE_URL: &str = "https://api.anthropic.com";
const API_VERSION: &str = "2023-06-01";
/// `max_tokens` is required by the API; used when neither request nor config sets it.
const DEFAULT_MAX_TOKENS: u64 = 1024;

/// An Anthropic provider.
#[derive(Debug, Clone)]
pub struct Anthropic {
    id: String,
    model: String,
    endpoint: String,
    key: Secret,
    platform: Option<SharedPlatform>,
    settings: Settings,
    transport: Transport,
}

impl Anthropic {
    /// A provider `id` for `model` at `base_url`.
    pub fn new(
        id: impl Into<String>,
        model: impl Into<String>,
        base_url: &str,
        key: Secret,
        transport: Transport,
    ) -> Self {
        Self {
            id: id.into(),
            model: model.into(),
            endpoint: format!("{}/v1/messages", base_url.trim_end_matches('/')),
            key,
            platform: None,
            settings: Settings::default(),
            transport,
        }
    }

    /// A provider `id` for `model` on a cloud `platform` (Bedrock, Vertex).
    pub fn on_platform(
        id: impl Into<String>,
        model: impl Into<String>,
        platform: SharedPlatform,
        transport: Transport,
    ) -> Self {
        Self {
            platform: Some(platform),
            ..Self::new(id, model, "", Secret::new(""), transport)
        }
    }

    /// Headers, pricing and sampling defaults from the config.
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    fn url(&self, stream: bool) -> String {
        match &self.platform {
            Some(platform) => platform.claude_url(&self.model, stream),
            None => self.endpoint.clone(),
        }
    }

    fn what(&self, stream: bool) -> String {
        format!("POST {} (model {})", self.url(stream), self.model)
    }

    /// The request for `body`: to the public API with the key, else to the platform.
    async fn prepare(&self, body: Value, stream: bool) -> Result<Prepared, ProviderError> {
        let url = self.url(stream);
        match &self.platform {
            Some(platform) => {
                let body = platform.claude_body(body);
                platform
                    .prepare(&self.id, &self.transport, url, &body)
                    .await
            }
            None => Ok(Prepared::direct(
                url,
                &body,
                vec![
                    ("x-api-key".into(), self.key.expose().to_owned()),
                    ("anthropic-version".into(), API_VERSION.into()),
                ],
                &self.key,
            )),
        }
    }

    fn body(&self, request: &ChatRequest, stream: bool) -> Result<Value, ProviderError> {
        let messages = messages_json(&request.messages)
            .map_err(|e| ProviderError::new(&self.id, self.what(stream), ErrorKind::Config, e))?;
        let s = &request.sampling;
        let d = &self.settings.defaults;
        let budget = self.settings.reasoning.budget.filter(|b| *b > 0);
        // The answer needs room beyond the thinking budget when nothing sets max_tokens.
        let default_max = DEFAULT_MAX_TOKENS + budget.map_or(0, |b| b.unsigned_abs());
        let mut body = json!({
            "model": self.model,
            "max_tokens": s.max_tokens.or(d.max_tokens).unwrap_or(default_max),
            "messages": messages,
        });
        if let Some(budget) = budget {
            body["thinking"] = json!({"type": "enabled", "budget_tokens": budget});
        }
        if let Some(system) = &request.system {
            body["system"] = Value::from(system.as_str());
        }
        if let Some(t) = s.temperature.or(d.temperature) {
            body["temperature"] = Value::from(t);
        }
        if let Some(p) = s.top_p.or(d.top_p) {
            body["top_p"] = Value::from(p);
        }
        if !request.tools.is_empty() {
            body["tools"] = request
                .tools
                .iter()
                .map(|t| json!({"name": t.name, "description": t.description, "input_schema": t.input_schema}))
                .collect();
            if let Some(choice) = &request.tool_choice {
                body["tool_choice"] = match choice.as_str() {
                    "auto" => json!({"type": "auto"}),
                    "required" => json!({"type": "any"}),
                    "none" => json!({"type": "none"}),
                    name => json!({"type": "tool", "name": name}),
                };
            }
        }
        if stream {
            body["stream"] = Value::Bool(true);
        }
        Ok(body)
    }

    fn parse(&self, body: &Value, started: Instant) -> Result<ChatResponse, ProviderError> {
        let blocks = body
            .get("content")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                ProviderError::new(
                    &self.id,
                    self.what(false),
                    ErrorKind::Decode,
                    "the response has no `content`",
                )
            })?;
        let mut message = Message::assistant("");
        for block in blocks {
            match block.get("type").and_then(Value::as_str) {
                Some("thinking") => {
                    let reasoning = message.reasoning.get_or_insert_with(Reasoning::default);
                    reasoning.text.push_str(
                        block
                            .get("thinking")
                            .and_then(Value::as_str)
                            .unwrap_or_default(),
                    );
                    reasoning.signature = block
                        .get("signature")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                }
                Some("text") => message.content.push_str(
                    block
                        .get("text")
                        .and_then(Value::as_str)
                        .unwrap_or_default(),
                ),
                Some("tool_use") => message.tool_calls.push(ToolCall {
                    id: block
                        .get("id")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    name: block
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    arguments: block.get("input").cloned().unwrap_or_else(|| json!({})),
                    signature: None,
                }),
                _ => {}
            }
        }
        let usage = usage_of(body.get("usage"));
        Ok(ChatResponse {
            message,
            usage,
            cost: Pricing::cost(self.settings.pricing, &usage),
            latency: started.elapsed(),
            finish_reason: body
                .get("stop_reason")
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
    }
}

/// Our messages as Anthropic's: tool results become `tool_result` blocks of a user
/// message (consecutive ones merged), tool calls `tool_use` blocks.
fn messages_json(messages: &[Message]) -> Result<Vec<Value>, String> {
    let mut out: Vec<Value> = Vec::new();
    for m in messages {
        match m.role {
            Role::System => {}
            Role::User if !m.parts.is_empty() => {
                let mut blocks = Vec::new();
                for part in &m.parts {
                    blocks.push(media_block(part)?);
                }
                if !m.content.is_empty() {
                    blocks.push(json!({"type": "text", "text": m.content}));
                }
                out.push(json!({"role": "user", "content": blocks}));
            }
            Role::User => out.push(json!({"role": "user", "content": m.content})),
            Role::Assistant => {
                let mut blocks = Vec::new();
                // A thinking block goes back first and unchanged (the API checks its signature).
                if let Some(Reasoning {
                    text,
                    signature: Some(signature),
                }) = &m.reasoning
                {
                    blocks.push(
                        json!({"type": "thinking", "thinking": text, "signature": signature}),
                    );
                }
                if !m.content.is_empty() {
                    blocks.push(json!({"type": "text", "text": m.content}));
                }
                for c in &m.tool_calls {
                    blocks.push(json!({"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments}));
                }
                out.push(json!({"role": "assistant", "content": blocks}));
            }
            Role::Tool => {
                let block = json!({"type": "tool_result", "tool_use_id": m.tool_call_id, "content": tool_result_content(m)});
                let merged = out.last_mut().is_some_and(|last| {
                    last["role"] == "user"
                        && last["content"]
                            .as_array()
                            .is_some_and(|c| c.iter().all(|b| b["type"] == "tool_result"))
                });
                match out.last_mut() {
                    Some(last) if merged => {
                        if let Some(blocks) = last["content"].as_array_mut() {
                            blocks.push(block);
                        }
                    }
                    _ => out.push(json!({"role": "user", "content": [block]})),
                }
            }
        }
    }
    Ok(out)
}

/// A tool result's `content`, as the reference sends it: its text, or, when the tool
/// returned media, a text block and its images and documents as blocks (audio, video
/// and documents Claude cannot read are left out).
fn tool_result_content(m: &Message) -> Value {
    if m.parts.is_empty() {
        return Value::from(m.content.as_str());
    }
    let text = (!m.content.is_empty()).then(|| json!({"type": "text", "text": m.content}));
    let media = m.parts.iter().filter_map(|p| media_block(p).ok());
    Value::Array(text.into_iter().chain(media).collect())
}

/// A media part as a Claude content block: images (inline or by URL), PDF documents
/// (inline or by URL) and plain-text documents; Claude takes no audio or video.
fn media_block(part: &ContentPart) -> Result<Value, String> {
    let source = |url: &str| match data_url::split(url) {
        Some((mime, data)) => json!({"type": "base64", "media_type": mime, "data": data}),
        None => json!({"type": "url", "url": url}),
    };
    match part {
        ContentPart::Image { url, .. } => Ok(json!({"type": "image", "source": source(url)})),
        ContentPart::Document { url, mime_type, .. } => {
            if let Some(text) = mime_type
                .as_deref()
                .filter(|m| m.starts_with("text/"))
                .and_then(|_| data_url::decode(url))
                .and_then(|(_, bytes)| String::from_utf8(bytes).ok())
            {
                return Ok(
                    json!({"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": text}}),
                );
            }
            match mime_type.as_deref() {
                Some("application/pdf") => Ok(json!({"type": "document", "source": source(url)})),
                other => Err(format!(
                    "Claude takes PDF or plain-text documents, not {}",
                    other.unwrap_or("an untyped document")
                )),
            }
        }
        ContentPart::Audio { .. } | ContentPart::Video { .. } => Err(format!(
            "Claude cannot take {} input; use a Gemini provider (or OpenAI for audio)",
            part.kind()
        )),
    }
}

/// Usage from an Anthropic `usage` object; the thinking share of the output from
/// `output_tokens_details.thinking_tokens` when the API reports it (Claude 4.5 does).
fn usage_of(usage: Option<&Value>) -> Usage {
    let n = |k: &str| {
        usage
            .and_then(|u| u.pointer(k))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    Usage {
        input_tokens: n("/input_tokens"),
        output_tokens: n("/output_tokens"),
        cached_tokens: n("/cache_read_input_tokens"),
        reasoning_tokens: n("/output_tokens_details/thinking_tokens"),
    }
}

/// Assembles a streamed answer from Anthropic's events.
#[derive(Default)]
struct Stream {
    text: String,
    thinking: String,
    signature: Option<String>,
    tools: BTreeMap<u64, (String, String, String)>,
    usage: Usage,
    stop_reason: Option<String>,
    done: bool,
    pricing: Option<Pricing>,
}

impl Decoder for Stream {
    fn apply(&mut self, event: &SseEvent) -> Result<Vec<String>, String> {
        let data: Value = serde_json::from_str(&event.data)
            .map_err(|e| format!("invalid JSON in stream: {e}"))?;
        let index = data.get("index").and_then(Value::as_u64).unwrap_or(0);
        match data.get("type").and_then(Value::as_str).unwrap_or_default() {
            "message_start" => {
                let u = usage_of(data.pointer("/message/usage"));
                self.usage.input_tokens = u.input_tokens;
                self.usage.cached_tokens = u.cached_tokens;
            }
            "content_block_start" => {
                if let Some(block) = data
                    .get("content_block")
                    .filter(|b| b["type"] == "tool_use")
                {
                    let id = block
                        .get("id")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    let name = block
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    self.tools.insert(index, (id, name, String::new()));
                }
            }
            "content_block_delta" => {
                let delta = data.get("delta").cloned().unwrap_or_default();
                match delta.get("type").and_then(Value::as_str) {
                    Some("text_delta") => {
                        let text = delta
                            .get("text")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned();
                        self.text.push_str(&text);
                        return Ok(vec![text]);
                    }
                    Some("thinking_delta") => {
                        if let Some(t) = delta.get("thinking").and_then(Value::as_str) {
                            self.thinking.push_str(t);
                        }
                    }
                    Some("signature_delta") => {
                        self.signature = delta
                            .get("signature")
                            .and_then(Value::as_str)
                            .map(str::to_owned);
                    }
                    Some("input_json_delta") => {
                        if let Some(tool) = self.tools.get_mut(&index) {
                            tool.2.push_str(
                                delta
                                    .get("partial_json")
                                    .and_then(Value::as_str)
                                    .unwrap_or_default(),
                            );
                        }
                    }
                    _ => {}
                }
            }
            "message_delta" => {
                if let Some(reason) = data.pointer("/delta/stop_reason").and_then(Value::as_str) {
                    self.stop_reason = Some(reason.to_owned());
                }
                // The counts of `message_delta` are cumulative; some deployments put the
                // input counts here rather than in `message_start` (zero means "not given").
                let u = usage_of(data.get("usage"));
                if data.pointer("/usage/output_tokens").is_some() {
                    self.usage.output_tokens = u.output_tokens;
                    self.usage.reasoning_tokens = u.reasoning_tokens;
                }
                if u.input_tokens > 0 {
                    self.usage.input_tokens = u.input_tokens;
                }
                if u.cached_tokens > 0 {
                    self.usage.cached_tokens = u.cached_tokens;
                }
            }
            "message_stop" => self.done = true,
            "error" => {
                return Err(format!(
                    "error event: {}",
                    data.get("error").unwrap_or(&data)
                ));
            }
            _ => {}
        }
        Ok(Vec::new())
    }

    fn is_done(&self) -> bool {
        self.done
    }

    fn finish(self: Box<Self>, started: Instant) -> ChatResponse {
        let this = *self;
        let mut message = Message::assistant(this.text);
        message.tool_calls = this
            .tools
            .into_values()
            .map(|(id, name, args)| ToolCall {
                id,
                name,
                arguments: if args.is_empty() {
                    json!({})
                } else {
                    serde_json::from_str(&args).unwrap_or(Value::String(args))
                },
                signature: None,
            })
            .collect();
        message.reasoning = Reasoning::of(this.thinking, this.signature);
        ChatResponse {
            message,
            cost: Pricing::cost(this.pricing, &this.usage),
            usage: this.usage,
            latency: started.elapsed(),
            finish_reason: this.stop_reason,
        }
    }
}

impl Provider for Anthropic {
    fn id(&self) -> &str {
        &self.id
    }

    fn model(&self) -> &str {
        &self.model
    }

    fn chat<'a>(
        &'a self,
        request: ChatRequest,
    ) -> BoxFuture<'a, Result<ChatResponse, ProviderError>> {
        Box::pin(async move {
            let started = Instant::now();
            let prepared = self.prepare(self.body(&request, false)?, false).await?;
            let what = self.what(false);
            let value = prepared
                .send_json(&self.transport, &self.settings, &self.id, &what)
                .await?;
            self.parse(&value, started)
        })
    }

    fn stream<'a>(
        &'a self,
        request: ChatRequest,
    ) -> BoxStream<'a, Result<StreamChunk, ProviderError>> {
        let opening = async move {
            let prepared = self.prepare(self.body(&request, true)?, true).await?;
            prepared
                .send_stream(&self.transport, &self.settings, &self.id, &self.what(true))
                .await
        };
        let decoder = Stream {
            pricing: self.settings.pricing,
            ..Stream::default()
        };
        let what = self.what(true);
        match self.platform.as_ref().is_some_and(|p| p.event_stream()) {
            true => streaming::open_framed(
                self.id.clone(),
                what,
                opening,
                Box::new(EventStreamFraming::default()),
                Box::new(decoder),
            ),
            false => streaming::open(self.id.clone(), what, opening, Box::new(decoder)),
        }
    }
}
