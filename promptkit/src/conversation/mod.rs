//! A conversation: a system prompt, the history, and the tool loop.
//!
//! [`Conversation::send`] adds a user message, calls the provider, runs the tool calls
//! it asks for (in parallel) and calls it again with their results, until it answers
//! without tool calls or [`DEFAULT_MAX_ROUNDS`] rounds pass (as the reference). Output
//! validators then check, and where configured enforce, the final answer.

mod context;
mod policy;
mod prompt;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::message::ToolCall;
use crate::message::{Cost, Message, Usage};
use crate::provider::{
    ChatRequest, ChatResponse, ErrorKind, Provider, ProviderError, RequestContext, Sampling,
    StreamChunk,
};
use crate::tools::chaos::{Chaos, ChaosEffect, SLOW_DELAY};
use crate::tools::{Consent, ToolOutput, Toolbox};
use crate::validators::{ValidatorOutcome, ValidatorSet};
use serde_json::Value;

pub use context::{ContextPolicy, Relevance, RelevanceQuery, Truncation, count_tokens};
pub use policy::{
    ARENA_DEFAULT_MAX_COST_USD, DEFAULT_MAX_IDENTICAL_TOOL_CALLS, DEFAULT_MAX_ROUNDS, ToolPolicy,
};
pub use prompt::{PreparedPrompt, RenderError, prepare_prompt};
pub(crate) use prompt::{prepare, render};

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
    /// The conversation spent more than the tool policy's `max_cost_usd`.
    #[error(
        "cost budget exceeded: the conversation spent ${spent:.4}, more than its ${budget:.4} limit; raise tool_policy.max_cost_usd or shorten the scenario"
    )]
    CostBudgetExceeded {
        /// Dollars spent so far.
        spent: f64,
        /// The limit.
        budget: f64,
    },
    /// The model repeated an identical tool call after being told once to stop.
    #[error(
        "the tool loop persisted after a self-correction nudge: `{tool}` was called again with identical arguments; raise tool_policy.max_identical_tool_calls or check the tool results"
    )]
    RepeatedToolCall {
        /// The tool called.
        tool: String,
    },
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
    /// Why the last provider call stopped (`stop`, `length`, `tool_calls`...);
    /// `safety` when a guardrail blocked, truncated or replaced the reply.
    pub finish_reason: Option<String>,
    /// Whether the turn used the streaming path.
    pub streamed: bool,
    /// Time from the first streamed request to its first text, when streamed.
    pub time_to_first_token: Option<Duration>,
    /// Every provider response of the turn, in order (tool-call rounds included).
    pub responses: Vec<ChatResponse>,
    /// Every tool call's output, in order.
    pub tool_outputs: Vec<ToolOutput>,
    /// Guardrail outcomes on the final answer (input ones when they blocked the turn);
    /// the validators after the first that fired did not run, as the reference.
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
    policy: ToolPolicy,
    chaos: Option<Chaos>,
    chaos_draws: u64,
    spent_usd: f64,
    total_tool_calls: usize,
    context_policy: Option<ContextPolicy>,
    context: RequestContext,
    calls: Arc<AtomicUsize>,
    /// The history, shared with the request in flight (pushing after it returned
    /// copies nothing).
    messages: Arc<Vec<Message>>,
    between_rounds: Option<RoundHook>,
}

/// Called after each tool round with the history so far; a prompt it returns
/// replaces the current one for the next round (a workflow's in-turn handoff).
pub type RoundHook = Arc<dyn Fn(&[Message]) -> Option<PreparedPrompt> + Send + Sync>;

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
            policy: ToolPolicy::default(),
            chaos: None,
            chaos_draws: 0,
            spent_usd: 0.0,
            total_tool_calls: 0,
            context_policy: None,
            context: RequestContext::default(),
            calls: Arc::new(AtomicUsize::new(0)),
            messages: Arc::default(),
            between_rounds: None,
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

    /// Sets the hook run after every tool round (see [`RoundHook`]).
    pub fn between_rounds(mut self, hook: RoundHook) -> Self {
        self.between_rounds = Some(hook);
        self
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
        self.policy.max_rounds = rounds.max(1);
        self
    }

    /// The tool policy (round limit included).
    pub fn tool_policy(mut self, policy: ToolPolicy) -> Self {
        self.policy = ToolPolicy {
            max_rounds: policy.max_rounds.max(1),
            ..policy
        };
        self
    }

    /// Sampling for the next turns (a turn's own temperature, say).
    pub fn set_sampling(&mut self, sampling: Sampling) {
        self.sampling = sampling;
    }

    /// The sampling the next turn uses.
    pub fn current_sampling(&self) -> &Sampling {
        &self.sampling
    }

    /// Injected tool failures for the next turns (`None` for none).
    pub fn set_chaos(&mut self, chaos: Option<Chaos>) {
        self.chaos = chaos;
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

    /// The history, shared: cloning it copies no message.
    pub fn shared_messages(&self) -> &Arc<Vec<Message>> {
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
    /// truncated or replaced, as the reference's chunk guardrails do. The delta that
    /// made it fire is not delivered (only the part a truncation keeps).
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
        let streamed = on_text.is_some();
        Arc::make_mut(&mut self.messages).push(message);
        if self.enforce
            && let Some(outcome) = self.guard_input(streamed)
        {
            if let Some(on_text) = on_text.as_deref_mut() {
                on_text(&outcome.reply.content);
            }
            return Ok(outcome);
        }
        let mut tool_specs = if self.policy.offers_tools() {
            self.tools.specs(&self.allowed_tools)
        } else {
            Vec::new()
        };
        let mut tool_choice = self
            .policy
            .tool_choice
            .clone()
            .filter(|_| !tool_specs.is_empty());
        let mut turn = TurnState {
            streamed,
            ..TurnState::default()
        };
        for _ in 0..self.policy.max_rounds {
            self.context.call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            let messages = match &self.context_policy {
                None => Arc::clone(&self.messages),
                Some(policy) => Arc::new(policy.fit(self.system.as_deref(), &self.messages).await?),
            };
            let request = ChatRequest {
                system: self.system.clone(),
                messages,
                tools: tool_specs.clone(),
                tool_choice: tool_choice.clone(),
                sampling: self.sampling.clone(),
                context: self.context.clone(),
            };
            let (mut response, mut validations) = match on_text.as_deref_mut() {
                None => (self.provider.chat(request).await?, Vec::new()),
                Some(on_text) => self.stream_round(request, on_text, &mut turn).await?,
            };
            self.guard_output(&mut response, &mut validations);
            turn.validations = validations;
            self.spent_usd += response.cost.usd.unwrap_or(0.0);
            let calls = response.message.tool_calls.clone();
            Arc::make_mut(&mut self.messages).push(response.message.clone());
            turn.responses.push(response);
            if let Some(max) = self.policy.max_cost_usd
                && self.spent_usd > max
            {
                return Err(ConversationError::CostBudgetExceeded {
                    spent: self.spent_usd,
                    budget: max,
                });
            }
            if calls.is_empty() {
                return Ok(self.finish(turn));
            }
            let outputs = self.run_tools(&calls, consent, &mut turn).await?;
            for output in &outputs {
                let mut message = Message::tool_result(
                    output.call.id.clone(),
                    output.call.name.clone(),
                    output.content(),
                );
                message.parts = output.parts.clone();
                Arc::make_mut(&mut self.messages).push(message);
            }
            turn.tool_outputs.extend(outputs);
            // As the reference: the configured choice applies to the first round.
            tool_choice = None;
            if let Some(prompt) = self.between_rounds.as_ref().and_then(|h| h(&self.messages)) {
                self.set_prompt(prompt);
                tool_specs = self.tools.specs(&self.allowed_tools);
            }
            if !self.policy.offers_tools() {
                tool_specs.clear();
            }
        }
        Err(ConversationError::TooManyRounds {
            rounds: self.policy.max_rounds,
        })
    }

    /// The input guardrails, before the provider is called: when one fires, its
    /// blocked message answers the turn and the provider is not called.
    fn guard_input(&mut self, streamed: bool) -> Option<TurnOutcome> {
        let input = self.messages.last()?.content.clone();
        let (validations, blocked) = self.validators.enforce_input(&input, &self.messages);
        let blocked = blocked?;
        let response = ChatResponse {
            message: Message::assistant(blocked),
            usage: Usage::default(),
            cost: Cost { usd: Some(0.0) },
            latency: Duration::ZERO,
            finish_reason: Some(FINISH_SAFETY.into()),
        };
        Arc::make_mut(&mut self.messages).push(response.message.clone());
        Some(self.finish(TurnState {
            streamed,
            responses: vec![response],
            validations,
            ..TurnState::default()
        }))
    }

    /// The output guardrails on one round's response, as the reference's after-call
    /// hooks: the first that fires rewrites the message, drops its tool calls and
    /// marks it `safety`. `validations` gets the outcomes (a validator that already
    /// fired on the stream keeps that record).
    fn guard_output(&self, response: &mut ChatResponse, validations: &mut Vec<ValidatorOutcome>) {
        let (outcomes, text) = self
            .validators
            .enforce_output(&response.message.content, &self.messages);
        let fired = outcomes.iter().any(|o| o.triggered);
        for outcome in outcomes {
            let recorded = validations
                .iter()
                .any(|v| v.validator_type == outcome.validator_type && v.triggered);
            if !recorded {
                validations.push(outcome);
            }
        }
        if fired && self.enforce {
            response.message.content = text;
            response.message.tool_calls.clear();
            response.finish_reason = Some(FINISH_SAFETY.into());
        }
    }

    /// Runs one round's tool calls under the policy and chaos: refused calls, repeated
    /// identical calls and injected failures get a result without running; the rest
    /// run in parallel. Fails the turn when the model keeps repeating a call after
    /// being told once.
    async fn run_tools(
        &mut self,
        calls: &[ToolCall],
        consent: &Consent,
        turn: &mut TurnState,
    ) -> Result<Vec<ToolOutput>, ConversationError> {
        let threshold = self.policy.max_identical_tool_calls.max(1);
        let looping = turn.identical.looping(calls, threshold);
        if !looping.is_empty() {
            if turn.identical.nudged {
                return Err(ConversationError::RepeatedToolCall {
                    tool: calls[looping[0]].name.clone(),
                });
            }
            turn.identical.nudged = true;
        }
        let mut slots: Vec<Option<ToolOutput>> = Vec::with_capacity(calls.len());
        let mut slow = Vec::with_capacity(calls.len());
        for (i, call) in calls.iter().enumerate() {
            slow.push(false);
            if looping.contains(&i) {
                slots.push(Some(ToolOutput {
                    call: call.clone(),
                    result: Some(Value::String(policy::repeated_call_message(
                        &call.name, threshold,
                    ))),
                    error: None,
                    parts: Vec::new(),
                    latency: Duration::ZERO,
                }));
                continue;
            }
            if let Some(why) = self
                .policy
                .refusal(call, turn.tool_calls, self.total_tool_calls)
            {
                slots.push(Some(policy::refused(call, why)));
                continue;
            }
            turn.tool_calls += 1;
            self.total_tool_calls += 1;
            match self.chaos.as_ref().map(|c| {
                self.chaos_draws += 1;
                c.effect(call, self.chaos_draws - 1)
            }) {
                Some(ChaosEffect::Fail(why)) => {
                    slots.push(Some(policy::refused(call, why)));
                    continue;
                }
                Some(ChaosEffect::Slow) => slow[i] = true,
                _ => {}
            }
            slots.push(None);
        }
        let to_run: Vec<(usize, ToolCall)> = slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_none())
            .map(|(i, _)| (i, calls[i].clone()))
            .collect();
        let tools = self.tools.clone();
        let ran = futures_util::future::join_all(to_run.iter().map(|(i, call)| {
            let tools = tools.clone();
            let delay = slow[*i];
            async move {
                if delay {
                    tokio::time::sleep(SLOW_DELAY).await;
                }
                tools.call(call, consent).await
            }
        }))
        .await;
        for ((i, _), output) in to_run.into_iter().zip(ran) {
            slots[i] = Some(output);
        }
        Ok(slots.into_iter().flatten().collect())
    }

    /// One streamed provider call, watched by the streamable validators.
    async fn stream_round(
        &self,
        request: ChatRequest,
        on_text: &mut (dyn FnMut(&str) + Send),
        turn: &mut TurnState,
    ) -> Result<(ChatResponse, Vec<ValidatorOutcome>), ConversationError> {
        use futures_util::StreamExt;
        let started = std::time::Instant::now();
        let mut stream = self.provider.stream(request);
        let mut text = String::new();
        let mut calls = Vec::new();
        while let Some(chunk) = stream.next().await {
            match chunk? {
                StreamChunk::Text(delta) => {
                    if delta.is_empty() {
                        continue;
                    }
                    if turn.first_token.is_none() {
                        turn.first_token = Some(started.elapsed());
                    }
                    let delivered = text.len();
                    text.push_str(&delta);
                    if self.enforce
                        && let Some((validator, outcome)) = self.validators.check_stream(&text)
                    {
                        // Stop reading: the rest of the answer is never delivered.
                        let enforced = validator.enforce(&text);
                        if let Some(kept) = enforced
                            .strip_prefix(&text[..delivered])
                            .filter(|k| !k.is_empty())
                        {
                            on_text(kept);
                        }
                        let mut message = Message::assistant(enforced);
                        message.tool_calls = calls;
                        return Ok((
                            ChatResponse {
                                message,
                                usage: Usage::default(),
                                cost: Cost { usd: None },
                                latency: started.elapsed(),
                                finish_reason: Some(FINISH_SAFETY.into()),
                            },
                            vec![outcome],
                        ));
                    }
                    on_text(&delta);
                }
                StreamChunk::ToolCall(call) => calls.push(call),
                StreamChunk::Done(response) => return Ok((response, Vec::new())),
            }
        }
        Err(ConversationError::Provider(ProviderError::new(
            self.provider.id(),
            "stream",
            ErrorKind::Decode,
            "the stream ended without a final response",
        )))
    }

    /// Totals the turn.
    fn finish(&mut self, turn: TurnState) -> TurnOutcome {
        let mut usage = Usage::default();
        let mut usd = Some(0.0);
        let mut latency = Duration::ZERO;
        for response in &turn.responses {
            usage += response.usage;
            usd = usd.zip(response.cost.usd).map(|(a, b)| a + b);
            latency += response.latency;
        }
        let reply = self
            .messages
            .last()
            .cloned()
            .unwrap_or_else(|| Message::assistant(""));
        TurnOutcome {
            reply,
            finish_reason: turn.responses.last().and_then(|r| r.finish_reason.clone()),
            streamed: turn.streamed,
            time_to_first_token: turn.first_token,
            responses: turn.responses,
            tool_outputs: turn.tool_outputs,
            validations: turn.validations,
            usage,
            cost: Cost { usd },
            latency,
        }
    }
}

/// The finish reason of a reply a guardrail blocked, truncated or replaced (the
/// reference's `safety`).
pub const FINISH_SAFETY: &str = "safety";

/// What a turn has gathered so far.
#[derive(Default)]
struct TurnState {
    streamed: bool,
    first_token: Option<Duration>,
    responses: Vec<ChatResponse>,
    tool_outputs: Vec<ToolOutput>,
    validations: Vec<ValidatorOutcome>,
    tool_calls: usize,
    identical: policy::IdenticalCalls,
}
