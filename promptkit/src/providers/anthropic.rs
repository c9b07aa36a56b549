//! Anthropic Messages API: tools (`tool_use` / `tool_result` blocks), SSE streaming
//! (`content_block_delta` text and `input_json_delta` tool arguments), usage with
//! cache reads, cost from pricing.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{Value, json};

use super::http::{Secret, Transport};
use super::pricing::Pricing;
use super::settings::Settings;
use super::sse::SseEvent;
use super::streaming::{self, Decoder};
use crate::message::{Message, Role, ToolCall, Usage};
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
            settings: Settings::default(),
            transport,
        }
    }

    /// Headers, pricing and sampling defaults from the config.
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    fn what(&self) -> String {
        format!("POST {} (model {})", self.endpoint, self.model)
    }

    fn body(&self, request: &ChatRequest, stream: bool) -> Value {
        let s = &request.sampling;
        let d = &self.settings.defaults;
        let mut body = json!({
            "model": self.model,
            "max_tokens": s.max_tokens.or(d.max_tokens).unwrap_or(DEFAULT_MAX_TOKENS),
            "messages": messages_json(&request.messages),
        });
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
        body
    }

    fn request(&self, body: &Value) -> reqwest::RequestBuilder {
        let b = self
            .transport
            .client()
            .post(&self.endpoint)
            .header("x-api-key", self.key.expose())
            .header("anthropic-version", API_VERSION)
            .json(body);
        self.settings.headers(b)
    }

    fn parse(&self, body: &Value, started: Instant) -> Result<ChatResponse, ProviderError> {
        let blocks = body
            .get("content")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                ProviderError::new(
                    &self.id,
                    self.what(),
                    ErrorKind::Decode,
                    "the response has no `content`",
                )
            })?;
        let mut message = Message::assistant("");
        for block in blocks {
            match block.get("type").and_then(Value::as_str) {
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
fn messages_json(messages: &[Message]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for m in messages {
        match m.role {
            Role::System => {}
            Role::User => out.push(json!({"role": "user", "content": m.content})),
            Role::Assistant => {
                let mut blocks = Vec::new();
                if !m.content.is_empty() {
                    blocks.push(json!({"type": "text", "text": m.content}));
                }
                for c in &m.tool_calls {
                    blocks.push(json!({"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments}));
                }
                out.push(json!({"role": "assistant", "content": blocks}));
            }
            Role::Tool => {
                let block = json!({"type": "tool_result", "tool_use_id": m.tool_call_id, "content": m.content});
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
    out
}

fn usage_of(usage: Option<&Value>) -> Usage {
    let n = |k: &str| {
        usage
            .and_then(|u| u.get(k))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    Usage {
        input_tokens: n("input_tokens"),
        output_tokens: n("output_tokens"),
        cached_tokens: n("cache_read_input_tokens"),
    }
}

/// Assembles a streamed answer from Anthropic's events.
#[derive(Default)]
struct Stream {
    text: String,
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
                if let Some(out) = data.pointer("/usage/output_tokens").and_then(Value::as_u64) {
                    self.usage.output_tokens = out;
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
        let mut message = Message::assistant(self.text);
        message.tool_calls = self
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
            })
            .collect();
        ChatResponse {
            message,
            cost: Pricing::cost(self.pricing, &self.usage),
            usage: self.usage,
            latency: started.elapsed(),
            finish_reason: self.stop_reason,
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
            let body = self.body(&request, false);
            let what = self.what();
            let value = self
                .transport
                .send_json(&self.id, &what, Some(&self.key), || self.request(&body))
                .await?;
            self.parse(&value, started)
        })
    }

    fn stream<'a>(
        &'a self,
        request: ChatRequest,
    ) -> BoxStream<'a, Result<StreamChunk, ProviderError>> {
        let opening = async move {
            let body = self.body(&request, true);
            self.transport
                .send(&self.id, &self.what(), Some(&self.key), || {
                    self.request(&body)
                })
                .await
        };
        let decoder = Stream {
            pricing: self.settings.pricing,
            ..Stream::default()
        };
        streaming::open(self.id.clone(), self.what(), opening, Box::new(decoder))
    }
}
