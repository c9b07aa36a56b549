//! The provider contract: one chat request in, one assistant message (or a stream of
//! chunks) out. Every backend — mock, replay, OpenAI-compatible, Anthropic, Gemini —
//! implements [`Provider`]; the conversation loop and the arena engine only see this.

mod error;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::Stream;
use serde::{Deserialize, Serialize};

use crate::message::{Cost, Message, ToolCall, Usage};

pub use error::{ErrorKind, ProviderError};

/// A boxed, sendable future (keeps [`Provider`] object safe).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
/// A boxed, sendable stream of chunks.
pub type BoxStream<'a, T> = Pin<Box<dyn Stream<Item = T> + Send + 'a>>;

/// A tool the model may call, as the provider sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    /// Tool name.
    pub name: String,
    /// What the tool does.
    #[serde(default)]
    pub description: String,
    /// JSON schema of the arguments.
    pub input_schema: serde_json::Value,
}

/// Sampling parameters; `None` leaves the provider's default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sampling {
    /// Temperature.
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    pub top_p: Option<f64>,
    /// Output token cap.
    pub max_tokens: Option<u64>,
    /// Seed for reproducible sampling.
    pub seed: Option<i64>,
}

/// Who is asking: lets keyless providers (mock, replay) pick the scripted answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestContext {
    /// Scenario id when the request comes from the arena engine.
    pub scenario: Option<String>,
    /// 1-based index of this provider call within the conversation.
    pub call: usize,
    /// Repetition index (trials), 0-based.
    pub repetition: usize,
    /// Persona id when the request plays a self-play user.
    pub persona: Option<String>,
}

/// One chat request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    /// Rendered system prompt.
    pub system: Option<String>,
    /// Conversation so far (user, assistant, tool messages), shared with the
    /// conversation that sends it: a request costs no copy of the history.
    pub messages: Arc<Vec<Message>>,
    /// Tools on offer.
    pub tools: Vec<ToolSpec>,
    /// `auto` (default), `required`, `none` or a tool name.
    pub tool_choice: Option<String>,
    /// Sampling parameters.
    pub sampling: Sampling,
    /// Caller context (not sent to live APIs).
    pub context: RequestContext,
}

/// One completed provider call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatResponse {
    /// The assistant message, possibly with tool calls.
    pub message: Message,
    /// Token usage.
    pub usage: Usage,
    /// Cost; `usd: None` means not priced (never assume $0).
    pub cost: Cost,
    /// Wall time of the call.
    pub latency: Duration,
    /// Why generation stopped, as the provider said it.
    pub finish_reason: Option<String>,
}

/// A piece of a streamed response.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamChunk {
    /// More assistant text.
    Text(String),
    /// A complete tool call (providers assemble argument deltas before emitting).
    ToolCall(ToolCall),
    /// The end: the whole response, as [`Provider::chat`] would have returned it.
    Done(ChatResponse),
}

/// An LLM backend.
pub trait Provider: Send + Sync {
    /// The provider id from the arena config (used in errors and reports).
    fn id(&self) -> &str;

    /// The model name sent to the API.
    fn model(&self) -> &str;

    /// One request, whole response.
    fn chat<'a>(
        &'a self,
        request: ChatRequest,
    ) -> BoxFuture<'a, Result<ChatResponse, ProviderError>>;

    /// One request, streamed. The default runs [`Provider::chat`] and emits its text then `Done`.
    fn stream<'a>(
        &'a self,
        request: ChatRequest,
    ) -> BoxStream<'a, Result<StreamChunk, ProviderError>> {
        whole_as_stream(self.chat(request))
    }
}

/// A whole answer as a stream: the answer's [`chunks_of`], or its error.
pub fn whole_as_stream<'a>(
    answer: BoxFuture<'a, Result<ChatResponse, ProviderError>>,
) -> BoxStream<'a, Result<StreamChunk, ProviderError>> {
    use futures_util::StreamExt;
    Box::pin(futures_util::stream::once(answer).flat_map(|result| {
        let chunks: Vec<_> = match result {
            Ok(response) => chunks_of(response).into_iter().map(Ok).collect(),
            Err(error) => vec![Err(error)],
        };
        futures_util::stream::iter(chunks)
    }))
}

/// The chunks a stream would have produced for a whole response: its text, its tool
/// calls, then `Done`.
pub fn chunks_of(response: ChatResponse) -> Vec<StreamChunk> {
    let mut chunks = Vec::new();
    if !response.message.content.is_empty() {
        chunks.push(StreamChunk::Text(response.message.content.clone()));
    }
    chunks.extend(
        response
            .message
            .tool_calls
            .iter()
            .cloned()
            .map(StreamChunk::ToolCall),
    );
    chunks.push(StreamChunk::Done(response));
    chunks
}
