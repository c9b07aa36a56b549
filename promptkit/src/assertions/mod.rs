//! Every assertion type of the reference, dispatched by registry name (aliases included).
//!
//! A handler measures ([`EvalResult`]: a score in [0, 1], explanation, details); the
//! assertion wrapper turns that into a verdict ([`AssertionOutcome`]) with the
//! `min_score` / `max_score` thresholds (default: score must be 1.0). Names, aliases and
//! params come from [`promptkit_build::registry`], the table the build-time checker uses.

mod a2a;
mod behavioral;
mod classify;
mod content;
pub mod context;
mod exec;
mod json;
pub mod judge;
mod length;
mod media;
mod params;
mod rag;
mod re2;
mod regex_cache;
mod rest;
mod result;
mod skills;
mod tool_exec;
mod tool_limits;
mod tool_patterns;
mod tool_results;
mod tools;
mod when;
mod workflow;

pub use context::{
    AssertionContext, MediaItem, PriorResult, ToolCallRecord, Transition, WorkflowInfo,
    result_texts, result_with_media,
};
pub use exec::ExecEval;
pub use judge::{Judge, JudgeError, JudgeFuture, JudgeRequest, Verdict, parse_verdict};
pub use length::count_sentences;
pub use params::Params;
pub use promptkit_build::registry::{ParamProblem, check_params};
pub use rag::detect_pii;
pub use result::{AssertionOutcome, EvalResult, Thresholds};
pub use tool_exec::{ToolExecError, ToolExecutor, ToolFuture, ToolRun};
pub use when::{When, skip_reason};

use crate::classify::Classifiers;
use futures_util::FutureExt;
use promptkit_build::registry::{self, EvalKind, EvalType};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Why an assertion could not be evaluated at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AssertionError {
    /// The type is neither in the registry nor registered as custom.
    #[error("unknown assertion type `{name}`{}", .suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    UnknownType {
        /// The name as written.
        name: String,
        /// The closest known name.
        suggestion: Option<&'static str>,
    },
    /// The params do not fit the type.
    #[error("assertion `{assertion_type}`: {}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    InvalidParams {
        /// The type as written.
        assertion_type: String,
        /// Each problem found.
        problems: Vec<ParamProblem>,
    },
}

/// A user-defined assertion (registered on an [`Evaluator`]).
pub trait CustomAssertion: Send + Sync {
    /// Measures `ctx` with `params`.
    fn evaluate(&self, params: &Map<String, Value>, ctx: &AssertionContext) -> EvalResult;
}

impl<F> CustomAssertion for F
where
    F: Fn(&Map<String, Value>, &AssertionContext) -> EvalResult + Send + Sync,
{
    fn evaluate(&self, params: &Map<String, Value>, ctx: &AssertionContext) -> EvalResult {
        self(params, ctx)
    }
}

/// Evaluates assertions: built-in types by registry name, custom ones by their name.
#[derive(Clone, Default)]
pub struct Evaluator {
    judge: Option<Arc<dyn Judge>>,
    tools: Option<Arc<dyn ToolExecutor>>,
    classifiers: Option<Arc<Classifiers>>,
    custom: HashMap<String, Arc<dyn CustomAssertion>>,
    exec: HashMap<String, Arc<ExecEval>>,
}

impl std::fmt::Debug for Evaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evaluator")
            .field("judge", &self.judge.is_some())
            .field("tools", &self.tools.is_some())
            .field("classifiers", &self.classifiers)
            .field("custom", &self.custom.keys().collect::<Vec<_>>())
            .field("exec", &self.exec.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Evaluator {
    /// An evaluator with no judge and no custom assertions.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same evaluator using `judge` for the LLM-judge family.
    pub fn with_judge(mut self, judge: Arc<dyn Judge>) -> Self {
        self.judge = Some(judge);
        self
    }

    /// The same evaluator running `tool_exec` assertions through `executor`.
    pub fn with_tool_executor(mut self, executor: Arc<dyn ToolExecutor>) -> Self {
        self.tools = Some(executor);
        self
    }

    /// The same evaluator with `classifiers` for the classifier-backed types
    /// (`text_toxicity`, `text_sentiment`, `image_moderation`, `audio_emotion`).
    pub fn with_classifiers(mut self, classifiers: Arc<Classifiers>) -> Self {
        self.classifiers = Some(classifiers);
        self
    }

    /// Registers a custom assertion under `name` (it takes precedence over a built-in).
    pub fn register(&mut self, name: impl Into<String>, assertion: Arc<dyn CustomAssertion>) {
        self.custom.insert(name.into(), assertion);
    }

    /// Registers an exec-bound eval type (it takes precedence over a built-in).
    pub fn register_exec(&mut self, eval: ExecEval) {
        self.exec.insert(eval.type_name.clone(), Arc::new(eval));
    }

    /// Whether `name` is a built-in, custom or exec assertion type.
    pub fn knows(&self, name: &str) -> bool {
        self.is_user_defined(name) || registry::assertion_type(name).is_some()
    }

    fn is_user_defined(&self, name: &str) -> bool {
        self.custom.contains_key(name) || self.exec.contains_key(name)
    }

    /// Evaluates an assertion: validates params, runs the handler, applies the thresholds.
    pub async fn assert(
        &self,
        assertion_type: &str,
        params: &Map<String, Value>,
        ctx: &AssertionContext,
    ) -> Result<AssertionOutcome, AssertionError> {
        if !self.is_user_defined(assertion_type) {
            let ty = lookup(assertion_type)?;
            let problems: Vec<ParamProblem> = check_params(ty, params)
                .into_iter()
                .filter(ParamProblem::is_hard)
                .collect();
            if !problems.is_empty() {
                return Err(AssertionError::InvalidParams {
                    assertion_type: assertion_type.to_owned(),
                    problems,
                });
            }
        }
        let thresholds = Thresholds::from_params(params);
        let mut inner = params.clone();
        inner.remove("min_score");
        inner.remove("max_score");
        let result = self.eval(assertion_type, &inner, ctx).await?;
        Ok(AssertionOutcome::from_result(
            assertion_type,
            result,
            thresholds,
        ))
    }

    /// Like [`Evaluator::assert`] for types that need no judge; a judge type whose judge
    /// does not answer at once fails with an explanation.
    pub fn assert_now(
        &self,
        assertion_type: &str,
        params: &Map<String, Value>,
        ctx: &AssertionContext,
    ) -> Result<AssertionOutcome, AssertionError> {
        self.assert(assertion_type, params, ctx)
            .now_or_never()
            .unwrap_or_else(|| {
                let r = EvalResult::error(
                    "this assertion needs an asynchronous judge; evaluate it with `assert`",
                );
                Ok(AssertionOutcome::from_result(
                    assertion_type,
                    r,
                    Thresholds::default(),
                ))
            })
    }

    /// Runs the handler as the reference does, without param validation or thresholds
    /// (param aliases and per-name defaults are still applied).
    pub async fn eval(
        &self,
        assertion_type: &str,
        params: &Map<String, Value>,
        ctx: &AssertionContext,
    ) -> Result<EvalResult, AssertionError> {
        if let Some(custom) = self.custom.get(assertion_type) {
            return Ok(custom.evaluate(params, ctx));
        }
        if let Some(exec) = self.exec.get(assertion_type) {
            return Ok(exec.eval(params, ctx).await);
        }
        let ty = lookup(assertion_type)?;
        let params = normalize(assertion_type, params);
        Ok(self.dispatch(ty, Params(&params), ctx).await)
    }

    /// [`Evaluator::eval`] for types that need no judge (see [`Evaluator::assert_now`]).
    pub fn eval_now(
        &self,
        assertion_type: &str,
        params: &Map<String, Value>,
        ctx: &AssertionContext,
    ) -> Result<EvalResult, AssertionError> {
        self.eval(assertion_type, params, ctx)
            .now_or_never()
            .unwrap_or_else(|| {
                Ok(EvalResult::error(
                    "this assertion needs an asynchronous judge; evaluate it with `eval`",
                ))
            })
    }

    /// Runs `ty`'s handler: one arm per [`EvalKind`], so a registry type without a
    /// handler does not build.
    async fn dispatch(&self, ty: &EvalType, p: Params<'_>, ctx: &AssertionContext) -> EvalResult {
        use EvalKind as K;
        let judge = self.judge.as_deref();
        match ty.kind {
            K::Contains => content::contains(p, ctx),
            K::ContainsAny => content::contains_any(p, ctx),
            K::ContentExcludes => content::content_excludes(p, ctx),
            K::Regex => content::regex(p, ctx),
            K::FieldPresence => content::field_presence(p, ctx),
            K::CosineSimilarity => content::cosine_similarity(p, ctx),
            K::JsonValid => json::json_valid(p, ctx),
            K::JsonSchema => json::json_schema(p, ctx),
            K::JsonPath => json::json_path(p, ctx),
            K::MinLength => length::min_length(p, ctx),
            K::MaxLength => length::max_length(p, ctx),
            K::SentenceCount => length::sentence_count(p, ctx),
            K::LatencyBudget => length::latency_budget(p, ctx),
            K::CostBudget => length::cost_budget(p, ctx),
            K::GuardrailTriggered => behavioral::guardrail_triggered(p, ctx),
            K::OutcomeEquivalent => behavioral::outcome_equivalent(p, ctx),
            K::Directional => behavioral::directional(p, ctx),
            K::ToolsCalled => tools::tools_called(p, ctx),
            K::ToolsNotCalled => tools::tools_not_called(p, ctx),
            K::ToolArgs => tools::tool_args(p, ctx),
            K::ToolsCalledSession => tools::tools_called_session(p, ctx),
            K::ToolsNotCalledSession => tools::tools_not_called_session(p, ctx),
            K::ToolArgsSession => tools::tool_args_session(p, ctx),
            K::ToolArgsExcludedSession => tools::tool_args_excluded_session(p, ctx),
            K::NoToolErrors => tools::no_tool_errors(p, ctx),
            K::ToolCallCount => tools::tool_call_count(p, ctx),
            K::ToolResultIncludes => tool_results::tool_result_includes(p, ctx),
            K::ToolResultMatches => tool_results::tool_result_matches(p, ctx),
            K::ToolResultHasMedia => tool_results::tool_result_media(p, ctx, false),
            K::ToolResultMediaType => tool_results::tool_result_media(p, ctx, true),
            K::ToolCallSequence => tool_patterns::tool_call_sequence(p, ctx),
            K::ToolCallChain => tool_patterns::tool_call_chain(p, ctx),
            K::ToolCallsWithArgs => tool_patterns::tool_calls_with_args(p, ctx),
            K::ToolAntiPattern => tool_patterns::tool_anti_pattern(p, ctx),
            K::ToolNoRepeat => tool_limits::tool_no_repeat(p, ctx),
            K::ToolEfficiency => tool_limits::tool_efficiency(p, ctx),
            K::InvariantFieldsPreserved => tool_limits::invariant_fields_preserved(p, ctx),
            K::AgentInvoked => workflow::agent_invoked(p, ctx),
            K::AgentNotInvoked => workflow::agent_not_invoked(p, ctx),
            K::AgentResponseContains => workflow::agent_response_contains(p, ctx),
            K::WorkflowComplete => workflow::workflow_complete(p, ctx),
            K::StateIs => workflow::state_is(p, ctx),
            K::TransitionedTo => workflow::transitioned_to(p, ctx),
            K::SpokeInState => workflow::spoke_in_state(p, ctx),
            K::WorkflowTransitionOrder => workflow::workflow_transition_order(p, ctx),
            K::WorkflowToolAccess => workflow::workflow_tool_access(p, ctx),
            K::SkillActivated => skills::skill_activated(p, ctx),
            K::SkillNotActivated => skills::skill_not_activated(p, ctx),
            K::SkillActivationOrder => skills::skill_activation_order(p, ctx),
            K::CompositionStepOutput
            | K::CompositionBranchTaken
            | K::CompositionParallelComplete
            | K::CompositionOutput => match judge::reject_thresholds(p) {
                Some(r) => r,
                None => skills::composition(ty.name, p, ctx),
            },
            K::ImageFormat => media::media_format("image", p, ctx),
            K::AudioFormat => media::media_format("audio", p, ctx),
            K::ImageDimensions => media::media_dimensions("image", p, ctx),
            K::VideoResolution => media::media_dimensions("video", p, ctx),
            K::AudioDuration => media::media_duration("audio", p, ctx),
            K::VideoDuration => media::media_duration("video", p, ctx),
            K::LlmJudge | K::LlmJudgeSession | K::LlmJudgeToolCalls => {
                judge::llm_judge(ty.name, p, ctx, judge).await
            }
            K::Faithfulness
            | K::AnswerRelevancy
            | K::ContextualPrecision
            | K::ContextualRecall
            | K::ContextualRelevancy
            | K::Hallucination => rag::rag(ty.name, p, ctx, judge).await,
            K::Bias | K::Toxicity | K::PiiLeakage | K::RoleViolation => {
                rag::safety(ty.name, p, ctx, judge).await
            }
            K::Assertion | K::Guardrail => self.wrapped(p, ctx).await,
            K::ToolExec => tool_exec::tool_exec(p, ctx, self.tools.as_deref()).await,
            K::RestEval => rest::rest_eval(p, ctx, false).await,
            K::RestEvalSession => rest::rest_eval(p, ctx, true).await,
            K::A2aEval => a2a::a2a_eval(p, ctx, false).await,
            K::A2aEvalSession => a2a::a2a_eval(p, ctx, true).await,
            K::AudioEmotion | K::ImageModeration | K::TextToxicity | K::TextSentiment => {
                classify::classify(ty.name, p, ctx, self.classifiers.as_deref()).await
            }
        }
    }
}

/// Evaluates a streamable type on the text streamed so far (`None` for other types):
/// `content_excludes` by substring and `max_length`, as the reference's partial evals.
pub fn eval_partial(
    assertion_type: &str,
    params: &Map<String, Value>,
    streamed: &str,
) -> Option<EvalResult> {
    let ty = registry::assertion_type(assertion_type).filter(|t| t.streamable)?;
    let params = normalize(assertion_type, params);
    let p = Params(&params);
    Some(match ty.kind {
        EvalKind::MaxLength => length::max_length_of(p, streamed, true),
        _ => content::content_excludes_partial(p, streamed),
    })
}

impl Evaluator {
    /// The `assertion` / `guardrail` wrappers: run `eval_type` with `eval_params` (the
    /// wrapper's own `min_score`/`max_score` are applied by [`Evaluator::assert`]).
    fn wrapped<'a>(
        &'a self,
        p: Params<'a>,
        ctx: &'a AssertionContext,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = EvalResult> + Send + 'a>> {
        Box::pin(async move {
            let Some(inner) = p.non_empty("eval_type") else {
                return EvalResult::error("assertion wrapper requires the eval_type param");
            };
            if matches!(inner, "assertion" | "guardrail") {
                return EvalResult::error("an assertion wrapper cannot wrap another wrapper");
            }
            let inner_params = p.object("eval_params").cloned().unwrap_or_default();
            match self.eval(inner, &inner_params, ctx).await {
                Ok(r) => r,
                Err(e) => EvalResult::error(format!("assertion inner eval: {e}")),
            }
        })
    }
}

fn lookup(name: &str) -> Result<&'static EvalType, AssertionError> {
    registry::assertion_type(name).ok_or_else(|| AssertionError::UnknownType {
        name: name.to_owned(),
        suggestion: registry::suggest(name),
    })
}

/// Applies the registry's per-name param aliases and defaults, as the reference does.
pub fn normalize(invoked_as: &str, params: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in registry::param_defaults_for(invoked_as) {
        if let Ok(v) = serde_json::from_str(v) {
            out.insert((*k).to_owned(), v);
        }
    }
    let aliases = registry::param_aliases_for(invoked_as);
    for (k, v) in params {
        match aliases.iter().find(|(a, _)| a == k) {
            Some((_, canonical)) if !params.contains_key(*canonical) => {
                out.insert((*canonical).to_owned(), v.clone());
            }
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}
