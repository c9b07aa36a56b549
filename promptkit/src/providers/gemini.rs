//! Google Gemini `generateContent` and `streamGenerateContent?alt=sse`: function
//! calling (`functionCall` / `functionResponse` parts, each call's `thoughtSignature`
//! kept and sent back), thoughts (`thought: true` parts) as reasoning, usage metadata
//! with thinking tokens billed as output, `thinkingConfig` from `thinking_budget` /
//! `include_thoughts`, cost from pricing. The key goes in the `x-goog-api-key`
//! header, never in the URL.

use std::time::Instant;

use serde_json::{Value, json};

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
pub const GEMINI_BASE_URL: &str = "https://generativelanguage.googleapis.com/v1beta";

/// A Gemini provider.
#[derive(Debug, Clone)]
pub struct Gemini {
    id: String,
    model: String,
    base_url: String,
    key: Secret,
    platform: Option<SharedPlatform>,
    settings: Settings,
    transport: Transport,
}

impl Gemini {
    /// A provider `id` for `model` at `base_url` (up to the API version).
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
            base_url: base_url.trim_end_matches('/').to_owned(),
            key,
            platform: None,
            settings: Settings::default(),
            transport,
        }
    }

    /// A provider `id` for `model` on GCP Vertex (`base_url` is the platform's
    /// `…/publishers/google`), authorized by the platform's OAuth token.
    pub fn on_platform(
        id: impl Into<String>,
        model: impl Into<String>,
        base_url: &str,
        platform: SharedPlatform,
        transport: Transport,
    ) -> Self {
        Self {
            platform: Some(platform),
            ..Self::new(id, model, base_url, Secret::new(""), transport)
        }
    }

    /// The request for `body`: to the public API with the key, else to the platform.
    async fn prepare(&self, body: &Value, stream: bool) -> Result<Prepared, ProviderError> {
        let url = self.url(stream);
        match &self.platform {
            Some(platform) => platform.prepare(&self.id, &self.transport, url, body).await,
            None => Ok(Prepared::direct(
                url,
                body,
                vec![("x-goog-api-key".into(), self.key.expose().to_owned())],
                &self.key,
            )),
        }
    }

    fn url(&self, stream: bool) -> String {
        if stream {
            format!(
                "{}/models/{}:streamGenerateContent?alt=sse",
                self.base_url, self.model
            )
        } else {
            format!("{}/models/{}:generateContent", self.base_url, self.model)
        }
    }

    /// Headers, pricing and sampling defaults from the config.
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    fn what(&self, stream: bool) -> String {
        format!("POST {}", self.url(stream))
    }

    fn body(&self, request: &ChatRequest) -> Result<Value, ProviderError> {
        let s = &request.sampling;
        let d = &self.settings.defaults;
        let mut config = serde_json::Map::new();
        if let Some(t) = s.temperature.or(d.temperature) {
            config.insert("temperature".into(), Value::from(t));
        }
        if let Some(p) = s.top_p.or(d.top_p) {
            config.insert("topP".into(), Value::from(p));
        }
        if let Some(m) = s.max_tokens.or(d.max_tokens) {
            config.insert("maxOutputTokens".into(), Value::from(m));
        }
        if let Some(seed) = s.seed.or(d.seed) {
            config.insert("seed".into(), Value::from(seed));
        }
        let r = &self.settings.reasoning;
        if r.budget.is_some() || r.include_thoughts.is_some() {
            let mut thinking = serde_json::Map::new();
            if let Some(budget) = r.budget {
                thinking.insert("thinkingBudget".into(), Value::from(budget));
            }
            if let Some(include) = r.include_thoughts {
                thinking.insert("includeThoughts".into(), Value::from(include));
            }
            config.insert("thinkingConfig".into(), Value::Object(thinking));
        }
        let contents = contents(&request.messages)
            .map_err(|e| ProviderError::new(&self.id, self.what(false), ErrorKind::Config, e))?;
        let mut body = json!({"contents": contents});
        if !config.is_empty() {
            body["generationConfig"] = Value::Object(config);
        }
        if let Some(system) = &request.system {
            body["systemInstruction"] = json!({"parts": [{"text": system}]});
        }
        if !request.tools.is_empty() {
            let declarations: Vec<Value> = request
                .tools
                .iter()
                .map(|t| json!({"name": t.name, "description": t.description, "parameters": t.input_schema}))
                .collect();
            body["tools"] = json!([{"functionDeclarations": declarations}]);
        }
        Ok(body)
    }
}

/// Our messages as Gemini contents: `model` for the assistant, function calls and
/// responses as parts (a tool result is a `user` turn with a `functionResponse`).
fn contents(messages: &[Message]) -> Result<Vec<Value>, String> {
    messages
        .iter()
        .filter(|m| m.role != Role::System)
        .map(|m| {
            Ok(match m.role {
            Role::Assistant => {
                let mut parts = Vec::new();
                if !m.content.is_empty() {
                    parts.push(json!({"text": m.content}));
                }
                parts.extend(m.tool_calls.iter().map(|c| {
                    let mut part = json!({"functionCall": {"name": c.name, "args": c.arguments}});
                    if let Some(signature) = &c.signature {
                        part["thoughtSignature"] = Value::from(signature.as_str());
                    }
                    part
                }));
                json!({"role": "model", "parts": parts})
            }
            Role::Tool => {
                let response = tool_response(m);
                json!({"role": "user", "parts": [{"functionResponse": {"name": m.name.clone().unwrap_or_default(), "response": response}}]})
            }
            _ if !m.parts.is_empty() => {
                let mut parts = Vec::new();
                if !m.content.is_empty() {
                    parts.push(json!({"text": m.content}));
                }
                for part in &m.parts {
                    parts.push(media_part(part)?);
                }
                json!({"role": "user", "parts": parts})
            }
            _ => json!({"role": "user", "parts": [{"text": m.content}]}),
            })
        })
        .collect()
}

/// A tool result's `functionResponse.response`: a JSON object as it is, other text as
/// `{"result": text}`; when the tool returned media, as the reference, its text as
/// `text` and its first inline media as `inlineData` (the response is one flat object).
fn tool_response(m: &Message) -> Value {
    if m.parts.is_empty() {
        return serde_json::from_str::<Value>(&m.content)
            .ok()
            .filter(Value::is_object)
            .unwrap_or_else(|| json!({"result": m.content}));
    }
    let mut response = serde_json::Map::new();
    if !m.content.is_empty() {
        response.insert("text".into(), Value::from(m.content.as_str()));
    }
    if let Some((mime, data)) = m.parts.iter().find_map(|p| data_url::split(p.url())) {
        response.insert("inlineData".into(), json!({"mimeType": mime, "data": data}));
    }
    Value::Object(response)
}

/// A media part as a Gemini part: inline bytes as `inlineData`, anything by reference
/// as `fileData` (which needs its MIME type). Gemini takes images, audio, video and
/// documents alike.
fn media_part(part: &ContentPart) -> Result<Value, String> {
    if let Some((mime, data)) = data_url::split(part.url()) {
        return Ok(json!({"inlineData": {"mimeType": mime, "data": data}}));
    }
    let mime = part.mime_type().ok_or_else(|| {
        format!(
            "Gemini needs the MIME type of {} `{}`; set `mime_type`",
            part.kind(),
            part.url()
        )
    })?;
    Ok(json!({"fileData": {"mimeType": mime, "fileUri": part.url()}}))
}

fn usage_of(meta: Option<&Value>) -> Usage {
    let n = |k: &str| {
        meta.and_then(|u| u.get(k))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    // `candidatesTokenCount` leaves out the thinking tokens, which are billed as output.
    let thoughts = n("thoughtsTokenCount");
    Usage {
        input_tokens: n("promptTokenCount"),
        output_tokens: n("candidatesTokenCount") + thoughts,
        cached_tokens: n("cachedContentTokenCount"),
        reasoning_tokens: thoughts,
    }
}

/// Accumulates candidate parts (whole responses are one chunk).
#[derive(Default)]
struct Parts {
    text: String,
    thoughts: String,
    calls: Vec<ToolCall>,
    usage: Usage,
    finish_reason: Option<String>,
    pricing: Option<Pricing>,
}

impl Parts {
    /// Adds one response (or stream chunk); returns its text.
    fn add(&mut self, data: &Value) -> Result<String, String> {
        if let Some(error) = data.get("error") {
            return Err(format!("error: {error}"));
        }
        if data.get("usageMetadata").is_some() {
            self.usage = usage_of(data.get("usageMetadata"));
        }
        let Some(candidate) = data.get("candidates").and_then(|c| c.get(0)) else {
            return Ok(String::new());
        };
        if let Some(reason) = candidate.get("finishReason").and_then(Value::as_str) {
            self.finish_reason = Some(reason.to_owned());
        }
        let mut text = String::new();
        for part in candidate
            .pointer("/content/parts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let thought = part.get("thought").and_then(Value::as_bool) == Some(true);
            match part.get("text").and_then(Value::as_str) {
                Some(t) if thought => self.thoughts.push_str(t),
                Some(t) => text.push_str(t),
                None => {}
            }
            if let Some(call) = part.get("functionCall") {
                let n = self.calls.len() + 1;
                let str_of = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
                self.calls.push(ToolCall {
                    id: str_of(call.get("id")).unwrap_or_else(|| format!("call_{n}")),
                    name: str_of(call.get("name")).unwrap_or_default(),
                    arguments: call.get("args").cloned().unwrap_or_else(|| json!({})),
                    signature: str_of(part.get("thoughtSignature")),
                });
            }
        }
        self.text.push_str(&text);
        Ok(text)
    }

    fn response(self, started: Instant) -> ChatResponse {
        let mut message = Message::assistant(self.text);
        message.tool_calls = self.calls;
        message.reasoning = Reasoning::of(self.thoughts, None);
        ChatResponse {
            message,
            cost: Pricing::cost(self.pricing, &self.usage),
            usage: self.usage,
            latency: started.elapsed(),
            finish_reason: self.finish_reason,
        }
    }
}

impl Decoder for Parts {
    fn apply(&mut self, event: &SseEvent) -> Result<Vec<String>, String> {
        let data: Value = serde_json::from_str(&event.data)
            .map_err(|e| format!("invalid JSON in stream: {e}"))?;
        let text = self.add(&data)?;
        Ok(if text.is_empty() {
            Vec::new()
        } else {
            vec![text]
        })
    }

    /// Gemini has no end marker: the stream ends after a chunk with a finish reason.
    fn is_done(&self) -> bool {
        false
    }

    fn may_end(&self) -> bool {
        self.finish_reason.is_some()
    }

    fn finish(self: Box<Self>, started: Instant) -> ChatResponse {
        (*self).response(started)
    }
}

impl Provider for Gemini {
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
            let prepared = self.prepare(&self.body(&request)?, false).await?;
            let what = self.what(false);
            let value = prepared
                .send_json(&self.transport, &self.settings, &self.id, &what)
                .await?;
            let decode =
                |detail: String| ProviderError::new(&self.id, &what, ErrorKind::Decode, detail);
            if value
                .get("candidates")
                .and_then(Value::as_array)
                .is_none_or(Vec::is_empty)
            {
                let reason = value
                    .pointer("/promptFeedback/blockReason")
                    .and_then(Value::as_str)
                    .unwrap_or("no candidates");
                return Err(decode(format!("the response has no candidate ({reason})")));
            }
            let mut parts = Parts {
                pricing: self.settings.pricing,
                ..Parts::default()
            };
            parts.add(&value).map_err(decode)?;
            Ok(parts.response(started))
        })
    }

    fn stream<'a>(
        &'a self,
        request: ChatRequest,
    ) -> BoxStream<'a, Result<StreamChunk, ProviderError>> {
        let opening = async move {
            let prepared = self.prepare(&self.body(&request)?, true).await?;
            prepared
                .send_stream(&self.transport, &self.settings, &self.id, &self.what(true))
                .await
        };
        let decoder = Parts {
            pricing: self.settings.pricing,
            ..Parts::default()
        };
        streaming::open(self.id.clone(), self.what(true), opening, Box::new(decoder))
    }
}
