//! Validators (guardrails) from prompt configs, with the reference's semantics.
//!
//! A validator is an assertion type used as a guardrail: it *fires* when the type's score
//! falls below `min_score` (default 1.0) or above `max_score`. It runs on a complete
//! response and, for the streamable types (`content_excludes`/`banned_words`,
//! `max_length`/`length`), incrementally on the text streamed so far. When it fires, the
//! response is truncated (length validators) or replaced by the blocked message.

use crate::assertions::{
    AssertionContext, CustomAssertion, EvalResult, Evaluator, ParamProblem, PriorResult,
    Thresholds, check_params, eval_partial, normalize,
};
use crate::message::Message;
use promptkit_build::registry::{self, EvalType};
use serde_json::{Map, Value};
use std::sync::Arc;

/// The text that replaces a blocked response when the validator has no `message`.
pub const DEFAULT_BLOCKED_MESSAGE: &str =
    "Sorry, we can't provide this response as it would violate our content policy.";

/// Why a validator could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValidatorError {
    /// The type is unknown.
    #[error("unknown validator type `{name}`{}", .suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    UnknownType {
        /// The name as written.
        name: String,
        /// The closest known name.
        suggestion: Option<&'static str>,
    },
    /// The params do not fit the type.
    #[error("validator `{validator_type}`: {}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    InvalidParams {
        /// The type as written.
        validator_type: String,
        /// Each problem.
        problems: Vec<ParamProblem>,
    },
}

/// Which side of the provider call a validator checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// The user's input, before the call.
    Input,
    /// The model's output, after the call (the default).
    #[default]
    Output,
    /// Both.
    Both,
}

impl Direction {
    /// The direction named `s` (`input`, `output`, `both`); anything else is `Output`.
    pub fn parse(s: &str) -> Self {
        match s {
            "input" => Self::Input,
            "both" => Self::Both,
            _ => Self::Output,
        }
    }

    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Input => "input",
            Self::Output => "output",
            Self::Both => "both",
        }
    }
}

/// What a validator decided about one text.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatorOutcome {
    /// The validator's type as configured (aliases kept, e.g. `banned_words`).
    pub validator_type: String,
    /// Whether it fired.
    pub triggered: bool,
    /// The score of the underlying eval.
    pub score: Option<f64>,
    /// Why (the eval's explanation).
    pub message: String,
    /// The eval's structured value.
    pub details: Value,
    /// The direction it ran in.
    pub direction: Direction,
}

impl ValidatorOutcome {
    /// This outcome as a prior result for `guardrail_triggered` assertions.
    pub fn to_prior_result(&self) -> PriorResult {
        PriorResult {
            validator_type: self.validator_type.clone(),
            id: None,
            score: self.score,
            direction: Some(self.direction.as_str().to_owned()),
        }
    }
}

/// What a validator runs.
#[derive(Clone)]
enum Check {
    /// A registry type.
    Builtin(&'static EvalType),
    /// A user-registered check (never streamable).
    Custom(Arc<dyn CustomAssertion>),
}

/// One configured validator.
#[derive(Clone)]
pub struct Validator {
    type_name: String,
    check: Check,
    params: Map<String, Value>,
    thresholds: Thresholds,
    direction: Direction,
    message: Option<String>,
}

impl Validator {
    /// A validator of `type_name` (aliases accepted) with `params` from the prompt config.
    pub fn new(type_name: &str, params: &Map<String, Value>) -> Result<Self, ValidatorError> {
        let ty =
            registry::validator_type(type_name).ok_or_else(|| ValidatorError::UnknownType {
                name: type_name.to_owned(),
                suggestion: registry::suggest(type_name),
            })?;
        let (inner, thresholds, direction, message) = split_params(type_name, params);
        let problems: Vec<ParamProblem> = check_params(ty, &inner)
            .into_iter()
            .filter(ParamProblem::is_hard)
            .collect();
        if !problems.is_empty() {
            return Err(ValidatorError::InvalidParams {
                validator_type: type_name.to_owned(),
                problems,
            });
        }
        Ok(Self {
            type_name: type_name.to_owned(),
            check: Check::Builtin(ty),
            params: inner,
            thresholds,
            direction,
            message,
        })
    }

    /// A validator running a custom check registered under `type_name`, with the same
    /// threshold, direction and message params as the built-in ones.
    pub fn custom(
        type_name: &str,
        params: &Map<String, Value>,
        check: Arc<dyn CustomAssertion>,
    ) -> Self {
        let (params, thresholds, direction, message) = split_params(type_name, params);
        Self {
            type_name: type_name.to_owned(),
            check: Check::Custom(check),
            params,
            thresholds,
            direction,
            message,
        }
    }

    /// The same validator with the user-facing blocked `message` (a config's `message:`).
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// The type as configured.
    pub fn type_name(&self) -> &str {
        &self.type_name
    }

    /// The direction it checks.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// Whether it can check a partial stream.
    pub fn is_streamable(&self) -> bool {
        matches!(self.check, Check::Builtin(ty) if ty.streamable)
    }

    fn outcome(&self, result: EvalResult) -> ValidatorOutcome {
        ValidatorOutcome {
            validator_type: self.type_name.clone(),
            triggered: !self.thresholds.passes(&result) || result.error.is_some(),
            score: result.score,
            message: result.error.clone().unwrap_or(result.explanation),
            details: result.value,
            direction: self.direction,
        }
    }

    /// Checks a complete `response` (with the conversation so far in `messages`).
    pub fn check(&self, response: &str, messages: &Arc<Vec<Message>>) -> ValidatorOutcome {
        let ctx = AssertionContext {
            response: response.to_owned(),
            messages: Arc::clone(messages),
            current_only: true,
            ..AssertionContext::default()
        };
        self.check_context(&ctx)
    }

    /// Checks against a full context (budgets, tool calls...); content checks look only at
    /// `ctx.response`.
    pub fn check_context(&self, ctx: &AssertionContext) -> ValidatorOutcome {
        let mut ctx = ctx.clone();
        ctx.current_only = true;
        let result = match &self.check {
            Check::Custom(c) => c.evaluate(&self.params, &ctx),
            Check::Builtin(ty) => Evaluator::new()
                .eval_now(ty.name, &self.params, &ctx)
                .unwrap_or_else(|e| EvalResult::error(e.to_string())),
        };
        self.outcome(result)
    }

    /// Checks the text streamed so far; `None` for types that only check complete responses.
    pub fn check_partial(&self, streamed: &str) -> Option<ValidatorOutcome> {
        match self.check {
            Check::Builtin(ty) if ty.streamable => {
                eval_partial(ty.name, &self.params, streamed).map(|r| self.outcome(r))
            }
            _ => None,
        }
    }

    /// The text that replaces `content` when this validator fires on the model's
    /// output: truncated to the length limit for length validators (when `content` is
    /// longer), else the blocked message.
    pub fn enforce(&self, content: &str) -> String {
        let max = ["max_characters", "max", "max_chars"]
            .iter()
            .find_map(|k| self.params.get(*k).and_then(Value::as_f64))
            .map(|f| f as usize)
            .filter(|m| *m > 0);
        match max {
            Some(m) if content.len() > m => truncate_at_char(content, m).to_owned(),
            _ => self.blocked_message(),
        }
    }

    /// The user-facing text of a blocked message: the validator's `message`, else
    /// [`DEFAULT_BLOCKED_MESSAGE`]. An input validator that fires answers with it
    /// instead of calling the provider.
    pub fn blocked_message(&self) -> String {
        self.message
            .clone()
            .unwrap_or_else(|| DEFAULT_BLOCKED_MESSAGE.to_owned())
    }
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator")
            .field("type_name", &self.type_name)
            .field("custom", &matches!(self.check, Check::Custom(_)))
            .field("params", &self.params)
            .field("direction", &self.direction)
            .finish()
    }
}

/// Splits validator params into the check's own params, thresholds, direction, message.
fn split_params(
    type_name: &str,
    params: &Map<String, Value>,
) -> (Map<String, Value>, Thresholds, Direction, Option<String>) {
    let mut inner = normalize(type_name, params);
    let thresholds = Thresholds::from_params(&inner);
    let direction = inner
        .get("direction")
        .and_then(Value::as_str)
        .map_or(Direction::Output, Direction::parse);
    let message = inner
        .get("message")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    for k in ["min_score", "max_score", "direction", "message", "action"] {
        inner.remove(k);
    }
    (inner, thresholds, direction, message)
}

/// The longest prefix of `s` of at most `max` bytes ending on a char boundary.
fn truncate_at_char(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The validators of one prompt config, applied in order.
#[derive(Debug, Clone, Default)]
pub struct ValidatorSet {
    validators: Vec<Validator>,
}

impl ValidatorSet {
    /// A set of `validators`.
    pub fn new(validators: Vec<Validator>) -> Self {
        Self { validators }
    }

    /// The validators.
    pub fn validators(&self) -> &[Validator] {
        &self.validators
    }

    /// Checks a complete response with every output validator, in order.
    pub fn check_output(
        &self,
        response: &str,
        messages: &Arc<Vec<Message>>,
    ) -> Vec<ValidatorOutcome> {
        self.validators
            .iter()
            .filter(|v| v.direction != Direction::Input)
            .map(|v| v.check(response, messages))
            .collect()
    }

    /// Checks the user's input with every input validator, in order.
    pub fn check_input(&self, input: &str, messages: &Arc<Vec<Message>>) -> Vec<ValidatorOutcome> {
        self.validators
            .iter()
            .filter(|v| v.direction != Direction::Output)
            .map(|v| v.check(input, messages))
            .collect()
    }

    /// The first streamable output validator that fires on the text streamed so far.
    pub fn check_stream(&self, streamed: &str) -> Option<(&Validator, ValidatorOutcome)> {
        self.validators
            .iter()
            .filter(|v| v.direction != Direction::Input)
            .filter_map(|v| v.check_partial(streamed).map(|o| (v, o)))
            .find(|(_, o)| o.triggered)
    }

    /// Applies the output validators to `response` in order, as the reference's
    /// after-call hooks: the first that fires enforces (truncates or replaces) and the
    /// rest do not run. Returns the outcomes of those that ran and the text to deliver.
    pub fn enforce_output(
        &self,
        response: &str,
        messages: &Arc<Vec<Message>>,
    ) -> (Vec<ValidatorOutcome>, String) {
        let (outcomes, fired) = self.until_fired(Direction::Input, response, messages);
        let text = fired.map_or_else(|| response.to_owned(), |v| v.enforce(response));
        (outcomes, text)
    }

    /// Applies the input validators to the user's `input` in order, as the
    /// reference's before-call hooks: the first that fires stops the rest and gives
    /// the blocked message that answers instead of the provider (`None` when none
    /// fired).
    pub fn enforce_input(
        &self,
        input: &str,
        messages: &Arc<Vec<Message>>,
    ) -> (Vec<ValidatorOutcome>, Option<String>) {
        let (outcomes, fired) = self.until_fired(Direction::Output, input, messages);
        (outcomes, fired.map(Validator::blocked_message))
    }

    /// Checks `text` with the validators not of direction `skip`, in order, up to the
    /// first that fires: the outcomes of those that ran, and the one that fired.
    fn until_fired(
        &self,
        skip: Direction,
        text: &str,
        messages: &Arc<Vec<Message>>,
    ) -> (Vec<ValidatorOutcome>, Option<&Validator>) {
        let mut outcomes = Vec::new();
        for v in self.validators.iter().filter(|v| v.direction != skip) {
            let outcome = v.check(text, messages);
            let fired = outcome.triggered;
            outcomes.push(outcome);
            if fired {
                return (outcomes, Some(v));
            }
        }
        (outcomes, None)
    }
}

#[cfg(test)]
mod tests;
