//! OpenAI-compatible chat completions: OpenAI, Azure OpenAI, vLLM, Ollama's `/v1`, and
//! any server speaking the same API (`base_url`). Tools, streaming (SSE, tool-call
//! argument deltas assembled), `content` as a string or an array of parts (text and
//! thinking parts of reasoning vendors), reasoning (`reasoning_content`, `reasoning`,
//! thinking parts) and refusals, usage (with cached and reasoning tokens),
//! `reasoning_effort`, and cost from pricing.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::http::{Secret, Transport};
use super::platform::{Prepared, SharedPlatform};
pub use super::pricing::Pricing;
use super::settings::Settings;
use super::sse::SseEvent;
use super::streaming::{self, Decoder};
use crate::media::data_url;
use crate::message::{ContentPart, Message, Reasoning, Role, ToolCall, Usage};
use crate::provider::{
    BoxFuture, BoxStream, ChatRequest, ChatResponse, ErrorKind, Provider, ProviderError,
    StreamChunk, whole_as_stream,
};

/// How requests authenticate.
#[derive(Debug, Clone)]
pub enum Auth {
    /// `Authorization: Bearer <key>` (OpenAI, vLLM, most compatibles).
    Bearer(Secret),
    /// `api-key: <key>` (Azure OpenAI).
    ApiKey(Secret),
    /// No key (local servers).
    None,
}

impl Auth {
    fn secret(&self) -> Option<&Secret> {
        match self {
            Auth::Bearer(s) | Auth::ApiKey(s) => Some(s),
            Auth::None => None,
        }
    }
}

/// An OpenAI-compatible provider.
#[derive(Debug, Clone)]
pub struct OpenAi {
    id: String,
    model: String,
    endpoint: String,
    auth: Auth,
    platform: Option<SharedPlatform>,
    settings: Settings,
    transport: Transport,
}

/// The public OpenAI API.
pub const OPENAI_BASE_URL: &str = "https://api.openai.com/v1";

impl OpenAi {
    /// A provider `id` for `model` at `base_url` (e.g. `http://localhost:11434/v1`).
    pub fn new(
        id: impl Into<String>,
        model: impl Into<String>,
        base_url: &str,
        auth: Auth,
        transport: Transport,
    ) -> Self {
        Self {
            id: id.into(),
            model: model.into(),
            endpoint: format!("{}/chat/completions", base_url.trim_end_matches('/')),
            auth,
            platform: None,
            settings: Settings::default(),
            transport,
        }
    }

    /// A provider `id` for `model` on a cloud `platform`: Bedrock's InvokeModel with a
    /// Chat Completions body, or Vertex's OpenAI-compatible (Model Garden) endpoint.
    pub fn on_platform(
        id: impl Into<String>,
        model: impl Into<String>,
        platform: SharedPlatform,
        transport: Transport,
    ) -> Self {
        let model = model.into();
        let mut provider = Self::new(id, model.clone(), "", Auth::None, transport);
        provider.endpoint = platform.openai_url(&model, false);
        provider.platform = Some(platform);
        provider
    }

    /// The platform request for `body` (`None` for the vendor's own API).
    async fn prepare(&self, body: &Value, stream: bool) -> Option<Result<Prepared, ProviderError>> {
        let platform = self.platform.as_ref()?;
        let url = platform.openai_url(&self.model, stream);
        let body = platform.openai_body(body.clone());
        Some(
            platform
                .prepare(&self.id, &self.transport, url, &body)
                .await,
        )
    }

    /// OpenAI itself, with the key from `OPENAI_API_KEY`.
    pub fn from_env(model: &str) -> Result<Self, ProviderError> {
        let key = Secret::from_env(&["OPENAI_API_KEY".into(), "OPENAI_TOKEN".into()]).ok_or_else(
            || {
                ProviderError::new(
                    "openai",
                    "create provider",
                    ErrorKind::Config,
                    "set OPENAI_API_KEY in the environment",
                )
            },
        )?;
        let transport = Transport::shared().map_err(|e| {
            ProviderError::new(
                "openai",
                "create provider",
                ErrorKind::Config,
                e.to_string(),
            )
        })?;
        Ok(Self::new(
            "openai",
            model,
            OPENAI_BASE_URL,
            Auth::Bearer(key),
            transport,
        ))
    }

    /// An Azure OpenAI deployment: `{base_url}/openai/deployments/{deployment}/chat/completions?api-version=...`.
    pub fn azure(
        id: impl Into<String>,
        deployment: &str,
        base_url: &str,
        api_version: &str,
        key: Secret,
        transport: Transport,
    ) -> Self {
        let mut provider = Self::new(id, deployment, base_url, Auth::ApiKey(key), transport);
        provider.endpoint = format!(
            "{}/openai/deployments/{deployment}/chat/completions?api-version={api_version}",
            base_url.trim_end_matches('/')
        );
        provider
    }

    fn body(&self, request: &ChatRequest, stream: bool) -> Result<Value, ProviderError> {
        let mut messages = Vec::new();
        if let Some(system) = &request.system {
            messages.push(json!({"role": "system", "content": system}));
        }
        for m in request.messages.iter() {
            messages
                .push(message_json(m).map_err(|e| {
                    ProviderError::new(&self.id, self.what(), ErrorKind::Config, e)
                })?);
        }
        let mut body = json!({"model": self.model, "messages": messages});
        let s = &request.sampling;
        let d = &self.settings.defaults;
        set(
            &mut body,
            "temperature",
            s.temperature.or(d.temperature).map(Value::from),
        );
        set(&mut body, "top_p", s.top_p.or(d.top_p).map(Value::from));
        set(
            &mut body,
            "max_tokens",
            s.max_tokens.or(d.max_tokens).map(Value::from),
        );
        set(&mut body, "seed", s.seed.or(d.seed).map(Value::from));
        set(
            &mut body,
            "reasoning_effort",
            self.settings.reasoning.effort.as_deref().map(Value::from),
        );
        if !request.tools.is_empty() {
            let tools: Vec<Value> = request
                .tools
                .iter()
                .map(|t| json!({"type": "function", "function": {"name": t.name, "description": t.description, "parameters": t.input_schema}}))
                .collect();
            body["tools"] = Value::Array(tools);
            if let Some(choice) = &request.tool_choice {
                body["tool_choice"] = match choice.as_str() {
                    "auto" | "none" | "required" => Value::from(choice.as_str()),
                    name => json!({"type": "function", "function": {"name": name}}),
                };
            }
        }
        if stream {
            body["stream"] = Value::Bool(true);
            body["stream_options"] = json!({"include_usage": true});
        }
        Ok(body)
    }

    fn request(&self, body: &Value) -> reqwest::RequestBuilder {
        let mut builder = self.transport.client().post(&self.endpoint).json(body);
        builder = match &self.auth {
            Auth::Bearer(key) => builder.bearer_auth(key.expose()),
            Auth::ApiKey(key) => builder.header("api-key", key.expose()),
            Auth::None => builder,
        };
        self.settings.headers(builder)
    }

    /// Headers, pricing and sampling defaults from the config.
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    fn what(&self) -> String {
        let path = self.endpoint.split('?').next().unwrap_or(&self.endpoint);
        format!("POST {path} (model {})", self.model)
    }

    fn decode_error(&self, detail: impl Into<String>) -> ProviderError {
        ProviderError::new(&self.id, self.what(), ErrorKind::Decode, detail)
    }

    fn parse(&self, body: &Value, latency: Duration) -> Result<ChatResponse, ProviderError> {
        let choice = body
            .get("choices")
            .and_then(|c| c.get(0))
            .ok_or_else(|| self.decode_error("the response has no `choices`"))?;
        let message = choice
            .get("message")
            .ok_or_else(|| self.decode_error("the choice has no `message`"))?;
        let mut content = Content::default();
        content.add(message);
        let mut reply = content.into_message();
        for call in message
            .get("tool_calls")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            reply.tool_calls.push(tool_call(
                call.get("id").and_then(Value::as_str).unwrap_or_default(),
                call.pointer("/function/name")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
                call.pointer("/function/arguments")
                    .and_then(Value::as_str)
                    .unwrap_or("{}"),
            ));
        }
        let usage = usage_of(body.get("usage"));
        Ok(ChatResponse {
            message: reply,
            usage,
            cost: Pricing::cost(self.settings.pricing, &usage),
            latency,
            finish_reason: choice
                .get("finish_reason")
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
    }
}

fn set(body: &mut Value, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        body[key] = v;
    }
}

fn message_json(m: &Message) -> Result<Value, String> {
    Ok(match m.role {
        Role::System => json!({"role": "system", "content": m.content}),
        Role::User if !m.parts.is_empty() => {
            let mut content = Vec::new();
            if !m.content.is_empty() {
                content.push(json!({"type": "text", "text": m.content}));
            }
            for part in &m.parts {
                content.push(media_part(part)?);
            }
            json!({"role": "user", "content": content})
        }
        Role::User => json!({"role": "user", "content": m.content}),
        Role::Tool => {
            json!({"role": "tool", "tool_call_id": m.tool_call_id, "content": tool_content(m)})
        }
        Role::Assistant => {
            let mut v = json!({"role": "assistant", "content": if m.content.is_empty() && !m.tool_calls.is_empty() { Value::Null } else { Value::from(m.content.as_str()) }});
            if !m.tool_calls.is_empty() {
                v["tool_calls"] = m
                    .tool_calls
                    .iter()
                    .map(|c| json!({"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments.to_string()}}))
                    .collect();
            }
            v
        }
    })
}

/// A tool result's content, as the reference sends it: its text, or, when the tool
/// returned images, its text part and the images as `image_url` parts (other media
/// kinds are left out).
fn tool_content(m: &Message) -> Value {
    let images: Vec<Value> = m
        .parts
        .iter()
        .filter(|p| matches!(p, ContentPart::Image { .. }))
        .map(|p| json!({"type": "image_url", "image_url": {"url": p.url()}}))
        .collect();
    if images.is_empty() {
        return Value::from(m.content.as_str());
    }
    let text = (!m.content.is_empty()).then(|| json!({"type": "text", "text": m.content}));
    Value::Array(text.into_iter().chain(images).collect())
}

/// A media part as OpenAI chat content: images as `image_url` (a URL or a `data:` URL,
/// with the part's `detail` level when it has one, as the reference),
/// audio as `input_audio` (inline WAV or MP3), documents as `file` (inline `file_data`).
/// Video, and audio or documents by reference, are not accepted by the API.
fn media_part(part: &ContentPart) -> Result<Value, String> {
    let inline = || {
        data_url::split(part.url()).ok_or_else(|| {
            format!(
                "OpenAI takes {} only inline; load it from `file_path` or `data`",
                part.kind()
            )
        })
    };
    Ok(match part {
        ContentPart::Image { url, declared, .. } => {
            let mut image_url = json!({"url": url});
            if let Some(detail) = declared.as_ref().and_then(|d| d.detail.as_deref()) {
                image_url["detail"] = Value::from(detail);
            }
            json!({"type": "image_url", "image_url": image_url})
        }
        ContentPart::Audio { .. } => {
            let (mime, data) = inline()?;
            let format = match mime {
                "audio/wav" | "audio/x-wav" | "audio/wave" => "wav",
                "audio/mpeg" | "audio/mp3" => "mp3",
                other => {
                    return Err(format!(
                        "OpenAI `input_audio` takes WAV or MP3 audio, not {other}"
                    ));
                }
            };
            json!({"type": "input_audio", "input_audio": {"data": data, "format": format}})
        }
        ContentPart::Document { url, .. } => {
            let (mime, _) = inline()?;
            let extension = mime.rsplit('/').next().unwrap_or("bin");
            json!({"type": "file", "file": {"filename": format!("document.{extension}"), "file_data": url}})
        }
        ContentPart::Video { .. } => {
            return Err(
                "OpenAI chat completions cannot take video input; use a Gemini provider".into(),
            );
        }
    })
}

/// Appends a streamed id or name piece, unless the server sent the whole value again.
fn extend_unless_repeated(so_far: &mut String, piece: &str) {
    if so_far.as_str() != piece {
        so_far.push_str(piece);
    }
}

/// A tool call; arguments that are not JSON are kept as a string (the model's words).
fn tool_call(id: &str, name: &str, arguments: &str) -> ToolCall {
    ToolCall {
        id: id.to_owned(),
        name: name.to_owned(),
        arguments: serde_json::from_str(arguments)
            .unwrap_or_else(|_| Value::String(arguments.to_owned())),
        signature: None,
    }
}

/// The text, reasoning and refusal of a message or of stream deltas, accumulated.
#[derive(Default)]
struct Content {
    text: String,
    reasoning: String,
    refusal: String,
}

impl Content {
    /// Adds a `message` or a `delta`; returns the text it added.
    fn add(&mut self, message: &Value) -> String {
        let before = self.text.len();
        match message.get("content") {
            Some(Value::String(text)) => self.text.push_str(text),
            Some(Value::Array(parts)) => parts.iter().for_each(|part| self.add_part(part)),
            _ => {}
        }
        for key in ["reasoning_content", "reasoning"] {
            if let Some(text) = message.get(key).and_then(Value::as_str) {
                self.reasoning.push_str(text);
            }
        }
        if let Some(refusal) = message.get("refusal").and_then(Value::as_str) {
            self.refusal.push_str(refusal);
        }
        self.text[before..].to_owned()
    }

    /// One part of an array `content`: `text`, or `thinking` (a string or parts).
    fn add_part(&mut self, part: &Value) {
        match part.get("type").and_then(Value::as_str) {
            Some("text") | None => {
                if let Some(text) = part.get("text").and_then(Value::as_str) {
                    self.text.push_str(text);
                }
            }
            Some("thinking" | "reasoning") => match part.get("thinking") {
                Some(Value::String(text)) => self.reasoning.push_str(text),
                Some(Value::Array(inner)) => {
                    for text in inner.iter().filter_map(|p| p.get("text")?.as_str()) {
                        self.reasoning.push_str(text);
                    }
                }
                _ => {}
            },
            Some(_) => {}
        }
    }

    fn into_message(self) -> Message {
        let mut message = Message::assistant(self.text);
        message.reasoning = Reasoning::of(self.reasoning, None);
        message.refusal = (!self.refusal.is_empty()).then_some(self.refusal);
        message
    }
}

fn usage_of(usage: Option<&Value>) -> Usage {
    let n = |path: &str| {
        usage
            .and_then(|u| u.pointer(path))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    Usage {
        input_tokens: n("/prompt_tokens"),
        output_tokens: n("/completion_tokens"),
        cached_tokens: n("/prompt_tokens_details/cached_tokens"),
        reasoning_tokens: n("/completion_tokens_details/reasoning_tokens"),
    }
}

/// Assembles a streamed answer.
#[derive(Default)]
struct StreamState {
    content: Content,
    calls: BTreeMap<u64, (String, String, String)>,
    usage: Usage,
    finish_reason: Option<String>,
    done: bool,
    pricing: Option<Pricing>,
}

impl Decoder for StreamState {
    fn apply(&mut self, event: &SseEvent) -> Result<Vec<String>, String> {
        if event.data.trim() == "[DONE]" {
            self.done = true;
            return Ok(Vec::new());
        }
        let data: Value = serde_json::from_str(&event.data)
            .map_err(|e| format!("invalid JSON in stream: {e}"))?;
        if let Some(error) = data.get("error") {
            return Err(format!("error event: {error}"));
        }
        Ok(self.delta(&data).into_iter().collect())
    }

    fn is_done(&self) -> bool {
        self.done
    }

    // Some servers omit `[DONE]` after a finish_reason.
    fn may_end(&self) -> bool {
        self.done || self.finish_reason.is_some()
    }

    fn finish(self: Box<Self>, started: Instant) -> ChatResponse {
        let pricing = self.pricing;
        (*self).into_response(pricing, started.elapsed())
    }
}

impl StreamState {
    /// Applies one data payload; returns the text delta, if any.
    fn delta(&mut self, data: &Value) -> Option<String> {
        if let Some(u) = data.get("usage").filter(|u| !u.is_null()) {
            self.usage = usage_of(Some(u));
        }
        let choice = data.get("choices")?.get(0)?;
        if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
            self.finish_reason = Some(reason.to_owned());
        }
        let delta = choice.get("delta")?;
        for call in delta
            .get("tool_calls")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let index = call.get("index").and_then(Value::as_u64).unwrap_or(0);
            let entry = self.calls.entry(index).or_default();
            // Some servers repeat the id and name in every chunk of a call.
            if let Some(id) = call.get("id").and_then(Value::as_str) {
                extend_unless_repeated(&mut entry.0, id);
            }
            if let Some(name) = call.pointer("/function/name").and_then(Value::as_str) {
                extend_unless_repeated(&mut entry.1, name);
            }
            if let Some(args) = call.pointer("/function/arguments").and_then(Value::as_str) {
                entry.2.push_str(args);
            }
        }
        Some(self.content.add(delta)).filter(|t| !t.is_empty())
    }

    fn into_response(self, pricing: Option<Pricing>, latency: Duration) -> ChatResponse {
        let mut message = self.content.into_message();
        message.tool_calls = self
            .calls
            .into_values()
            .map(|(id, name, args)| {
                tool_call(&id, &name, if args.is_empty() { "{}" } else { &args })
            })
            .collect();
        ChatResponse {
            cost: Pricing::cost(pricing, &self.usage),
            message,
            usage: self.usage,
            latency,
            finish_reason: self.finish_reason,
        }
    }
}

impl Provider for OpenAi {
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
            let body = self.body(&request, false)?;
            let what = self.what();
            let value = match self.prepare(&body, false).await.transpose()? {
                Some(prepared) => {
                    prepared
                        .send_json(&self.transport, &self.settings, &self.id, &what)
                        .await?
                }
                None => {
                    self.transport
                        .send_json(&self.id, &what, self.auth.secret(), || self.request(&body))
                        .await?
                }
            };
            self.parse(&value, started.elapsed())
        })
    }

    fn stream<'a>(
        &'a self,
        request: ChatRequest,
    ) -> BoxStream<'a, Result<StreamChunk, ProviderError>> {
        // OpenAI models on Bedrock answer a streamed turn with one InvokeModel call, as
        // the reference does (no recording of their event stream exists to decode).
        if self.platform.as_ref().is_some_and(|p| p.event_stream()) {
            return whole_as_stream(self.chat(request));
        }
        let opening = async move {
            let body = self.body(&request, true)?;
            match self.prepare(&body, true).await.transpose()? {
                Some(prepared) => {
                    prepared
                        .send_stream(&self.transport, &self.settings, &self.id, &self.what())
                        .await
                }
                None => {
                    self.transport
                        .send_stream(&self.id, &self.what(), self.auth.secret(), || {
                            self.request(&body)
                        })
                        .await
                }
            }
        };
        let decoder = StreamState {
            pricing: self.settings.pricing,
            ..StreamState::default()
        };
        streaming::open(self.id.clone(), self.what(), opening, Box::new(decoder))
    }
}
