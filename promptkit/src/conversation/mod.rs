//! A conversation: a system prompt, the history, and the tool loop.
//!
//! [`Conversation::send`] adds a user message, calls the provider, runs the tool calls
//! it asks for (in parallel) and calls it again with their results, until it answers
//! without tool calls or [`DEFAULT_MAX_ROUNDS`] rounds pass (as the reference). Output
//! validators then check, and where configured enforce, the final answer.

mod context;
mod prompt;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::message::{Cost, Message, Usage};
use crate::provider::{
    ChatRequest, ChatResponse, ErrorKind, Provider, ProviderError, RequestContext, Sampling,
    StreamChunk,
};
use crate::tools::{Consent, ToolOutput, Toolbox};
use crate::validators::{ValidatorOutcome, ValidatorSet};

pub use context::{ContextPolicy, Relevance, RelevanceQuery, Truncation, count_tokens};
pub use prompt::{PreparedPrompt, RenderError, prepare_prompt};
pub(crate) use prompt::{prepare, render};

/// Provider rounds per user turn before the loop stops (the reference's default).
pub const DEFAULT_MAX_ROUNDS: usize = 50;

/// Why a turn could not complete.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConversationError {
    /// The provider failed.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// The conversation does not fit the context policy's budget (`strategy: fail`).
    #[error("token budget exceeded: the messages need about {have} tokens, {budget} are available")]
    OverBudget {
        /// Estimated tokens of the messages.
        have: usize,
        /// Tokens available for them.
        budget: usize,
    },
    /// `relevance` truncation was needed but has no embedder.
    #[error(
        "context_policy strategy `relevance` cannot run: {0}; configure `relevance.provider` with its API key, or use strategy `oldest`"
    )]
    RelevanceUnavailable(String),
    /// The model kept calling tools past the round limit.
    #[error(
        "the model was still calling tools after {rounds} rounds; raise max_rounds or check the tool results"
    )]
    TooManyRounds {
        /// The limit reached.
        rounds: usize,
    },
}

/// Everything one user turn produced.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnOutcome {
    /// The final assistant message (after validator enforcement).
    pub reply: Message,
    /// Every provider response of the turn, in order (tool-call rounds included).
    pub responses: Vec<ChatResponse>,
    /// Every tool call's output, in order.
    pub tool_outputs: Vec<ToolOutput>,
    /// Output validator outcomes on the final answer.
    pub validations: Vec<ValidatorOutcome>,
    /// Tokens over all rounds.
    pub usage: Usage,
    /// Cost over all rounds (`None` when any round was unpriced).
    pub cost: Cost,
    /// Provider time over all rounds.
    pub latency: Duration,
}

/// A conversation with one provider.
pub struct Conversation {
    provider: Arc<dyn Provider>,
    system: Option<String>,
    tools: Arc<Toolbox>,
    allowed_tools: Vec<String>,
    validators: ValidatorSet,
    enforce: bool,
    sampling: Sampling,
    max_rounds: usize,
    context_policy: Option<ContextPolicy>,
    context: RequestContext,
    calls: Arc<AtomicUsize>,
    messages: Vec<Message>,
}

impl Conversation {
    /// A conversation with `provider` and no system prompt, tools or validators.
    pub fn new(provider: Arc<dyn Provider>) -> Self {
        Self {
            provider,
            system: None,
            tools: Arc::new(Toolbox::new()),
            allowed_tools: Vec::new(),
            validators: ValidatorSet::default(),
            enforce: true,
            sampling: Sampling::default(),
            max_rounds: DEFAULT_MAX_ROUNDS,
            context_policy: None,
            context: RequestContext::default(),
            calls: Arc::new(AtomicUsize::new(0)),
            messages: Vec::new(),
        }
    }

    /// Uses a prepared prompt: its system text, allowed tools, validators and sampling.
    pub fn prompt(mut self, prompt: PreparedPrompt) -> Self {
        self.set_prompt(prompt);
        self
    }

    /// Switches to another prepared prompt mid-conversation (history kept), as a
    /// workflow does when it changes state.
    pub fn set_prompt(&mut self, prompt: PreparedPrompt) {
        self.system = Some(prompt.system);
        self.allowed_tools = prompt.allowed_tools;
        self.validators = prompt.validators;
        self.sampling = prompt.sampling;
    }

    /// Sets the system prompt text.
    pub fn system(mut self, system: impl Into<String>) -> Self {
        self.system = Some(system.into());
        self
    }

    /// The tools the model may call (only those named by [`Conversation::allow_tools`]
    /// are offered).
    pub fn tools(mut self, tools: Arc<Toolbox>) -> Self {
        self.tools = tools;
        self
    }

    /// Names the tools offered to the model.
    pub fn allow_tools(mut self, names: Vec<String>) -> Self {
        self.allowed_tools = names;
        self
    }

    /// Output validators.
    pub fn validators(mut self, validators: ValidatorSet) -> Self {
        self.validators = validators;
        self
    }

    /// Whether a validator that fires replaces the answer (default) or only records its
    /// outcome (the arena's mode: assertions judge what the model really said).
    pub fn enforce_validators(mut self, enforce: bool) -> Self {
        self.enforce = enforce;
        self
    }

    /// Sampling parameters.
    pub fn sampling(mut self, sampling: Sampling) -> Self {
        self.sampling = sampling;
        self
    }

    /// Round limit of the tool loop.
    pub fn max_rounds(mut self, rounds: usize) -> Self {
        self.max_rounds = rounds.max(1);
        self
    }

    /// Keeps what is sent within a token budget.
    pub fn context_policy(mut self, policy: Option<ContextPolicy>) -> Self {
        self.context_policy = policy;
        self
    }

    /// Caller context passed to the provider (scenario id for keyless providers).
    pub fn context(mut self, context: RequestContext) -> Self {
        self.context = context;
        self
    }

    /// Shares the provider-call counter (`RequestContext::call`) with other requests of
    /// the same run, such as judge calls, as the reference's mock turn numbering does.
    pub fn call_counter(mut self, calls: Arc<AtomicUsize>) -> Self {
        self.calls = calls;
        self
    }

    /// The history so far.
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// The system prompt.
    pub fn system_prompt(&self) -> Option<&str> {
        self.system.as_deref()
    }

    /// Sends a user text and runs the turn to its final answer.
    pub async fn send(
        &mut self,
        text: impl Into<String>,
    ) -> Result<TurnOutcome, ConversationError> {
        self.send_message(Message::user(text), &Consent::new())
            .await
    }

    /// Sends any user message, with consent decisions for client tools.
    pub async fn send_message(
        &mut self,
        message: Message,
        consent: &Consent,
    ) -> Result<TurnOutcome, ConversationError> {
        self.turn(message, consent, None).await
    }

    /// Like [`Conversation::send_message`], streaming: `on_text` sees the answer's
    /// text as it arrives. Streamable output validators watch the text so far; when
    /// one fires (and validators are enforced) the stream is stopped and the answer
    /// replaced, so a blocked reply is never delivered in full.
    pub async fn send_streaming(
        &mut self,
        message: Message,
        consent: &Consent,
        mut on_text: impl FnMut(&str) + Send,
    ) -> Result<TurnOutcome, ConversationError> {
        self.turn(message, consent, Some(&mut on_text)).await
    }

    async fn turn(
        &mut self,
        message: Message,
        consent: &Consent,
        mut on_text: Option<&mut (dyn FnMut(&str) + Send)>,
    ) -> Result<TurnOutcome, ConversationError> {
        self.messages.push(message);
        let tool_specs = self.tools.specs(&self.allowed_tools);
        let mut responses = Vec::new();
        let mut tool_outputs = Vec::new();
        for _ in 0..self.max_rounds {
            self.context.call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            let messages = match &self.context_policy {
                None => self.messages.clone(),
                Some(policy) => policy.fit(self.system.as_deref(), &self.messages).await?,
            };
            let request = ChatRequest {
                system: self.system.clone(),
                messages,
                tools: tool_specs.clone(),
                tool_choice: None,
                sampling: self.sampling.clone(),
                context: self.context.clone(),
            };
            let response = match on_text.as_deref_mut() {
                None => self.provider.chat(request).await?,
                Some(on_text) => self.stream_round(request, on_text).await?,
            };
            let calls = response.message.tool_calls.clone();
            self.messages.push(response.message.clone());
            responses.push(response);
            if calls.is_empty() {
                return Ok(self.finish(responses, tool_outputs));
            }
            let outputs = self.tools.call_all(&calls, consent).await;
            for output in &outputs {
                self.messages.push(Message::tool_result(
                    output.call.id.clone(),
                    output.call.name.clone(),
                    output.content(),
                ));
            }
            tool_outputs.extend(outputs);
        }
        Err(ConversationError::TooManyRounds {
            rounds: self.max_rounds,
        })
    }

    /// One streamed provider call, watched by the streamable validators.
    async fn stream_round(
        &self,
        request: ChatRequest,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<ChatResponse, ConversationError> {
        use futures_util::StreamExt;
        let started = std::time::Instant::now();
        let mut stream = self.provider.stream(request);
        let mut text = String::new();
        while let Some(chunk) = stream.next().await {
            match chunk? {
                StreamChunk::Text(delta) => {
                    text.push_str(&delta);
                    if self.enforce
                        && let Some((validator, _)) = self.validators.check_stream(&text)
                    {
                        // Stop reading: the rest of the answer will not be delivered.
                        let blocked = validator.enforce(&text);
                        on_text(&blocked);
                        return Ok(ChatResponse {
                            message: Message::assistant(blocked),
                            usage: Usage::default(),
                            cost: Cost { usd: None },
                            latency: started.elapsed(),
                            finish_reason: Some("guardrail".into()),
                        });
                    }
                    on_text(&delta);
                }
                StreamChunk::ToolCall(_) => {}
                StreamChunk::Done(response) => return Ok(response),
            }
        }
        Err(ConversationError::Provider(ProviderError::new(
            self.provider.id(),
            "stream",
            ErrorKind::Decode,
            "the stream ended without a final response",
        )))
    }

    /// Validates (and enforces) the final answer and totals the turn.
    fn finish(
        &mut self,
        responses: Vec<ChatResponse>,
        tool_outputs: Vec<ToolOutput>,
    ) -> TurnOutcome {
        let mut usage = Usage::default();
        let mut usd = Some(0.0);
        let mut latency = Duration::ZERO;
        for response in &responses {
            usage += response.usage;
            usd = usd.zip(response.cost.usd).map(|(a, b)| a + b);
            latency += response.latency;
        }
        let mut reply = self
            .messages
            .last()
            .cloned()
            .unwrap_or_else(|| Message::assistant(""));
        let (validations, text) = self
            .validators
            .enforce_output(&reply.content, &self.messages);
        if self.enforce && text != reply.content {
            reply.content = text;
            if let Some(last) = self.messages.last_mut() {
                last.content = reply.content.clone();
            }
        }
        TurnOutcome {
            reply,
            responses,
            tool_outputs,
            validations,
            usage,
            cost: Cost { usd },
            latency,
        }
    }
}
