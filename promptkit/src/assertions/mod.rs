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
};
pub use exec::ExecEval;
pub use judge::{Judge, JudgeFuture, JudgeRequest, Verdict, parse_verdict};
pub use length::count_sentences;
pub use params::Params;
pub use promptkit_build::registry::{ParamProblem, check_params};
pub use rag::detect_pii;
pub use result::{AssertionOutcome, EvalResult, Thresholds};
pub use tool_exec::{ToolExecutor, ToolFuture, ToolRun};
pub use when::{When, should_run};

use crate::classify::Classifiers;
use futures_util::FutureExt;
use promptkit_build::registry::{self, EvalType};
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

    async fn dispatch(&self, ty: &EvalType, p: Params<'_>, ctx: &AssertionContext) -> EvalResult {
        let judge = self.judge.as_deref();
        match ty.name {
            "contains" => content::contains(p, ctx),
            "contains_any" => content::contains_any(p, ctx),
            "content_excludes" => content::content_excludes(p, ctx),
            "regex" => content::regex(p, ctx),
            "field_presence" => content::field_presence(p, ctx),
            "cosine_similarity" => content::cosine_similarity(p, ctx),
            "json_valid" => json::json_valid(p, ctx),
            "json_schema" => json::json_schema(p, ctx),
            "json_path" => json::json_path(p, ctx),
            "min_length" => length::min_length(p, ctx),
            "max_length" => length::max_length(p, ctx),
            "sentence_count" => length::sentence_count(p, ctx),
            "latency_budget" => length::latency_budget(p, ctx),
            "cost_budget" => length::cost_budget(p, ctx),
            "guardrail_triggered" => behavioral::guardrail_triggered(p, ctx),
            "outcome_equivalent" => behavioral::outcome_equivalent(p, ctx),
            "directional" => behavioral::directional(p, ctx),
            "tools_called" => tools::tools_called(p, ctx),
            "tools_not_called" => tools::tools_not_called(p, ctx),
            "tool_args" => tools::tool_args(p, ctx),
            "tools_called_session" => tools::tools_called_session(p, ctx),
            "tools_not_called_session" => tools::tools_not_called_session(p, ctx),
            "tool_args_session" => tools::tool_args_session(p, ctx),
            "tool_args_excluded_session" => tools::tool_args_excluded_session(p, ctx),
            "no_tool_errors" => tools::no_tool_errors(p, ctx),
            "tool_call_count" => tools::tool_call_count(p, ctx),
            "tool_result_includes" => tool_results::tool_result_includes(p, ctx),
            "tool_result_matches" => tool_results::tool_result_matches(p, ctx),
            "tool_result_has_media" => tool_results::tool_result_media(p, ctx, false),
            "tool_result_media_type" => tool_results::tool_result_media(p, ctx, true),
            "tool_call_sequence" => tool_patterns::tool_call_sequence(p, ctx),
            "tool_call_chain" => tool_patterns::tool_call_chain(p, ctx),
            "tool_calls_with_args" => tool_patterns::tool_calls_with_args(p, ctx),
            "tool_anti_pattern" => tool_patterns::tool_anti_pattern(p, ctx),
            "tool_no_repeat" => tool_limits::tool_no_repeat(p, ctx),
            "tool_efficiency" => tool_limits::tool_efficiency(p, ctx),
            "invariant_fields_preserved" => tool_limits::invariant_fields_preserved(p, ctx),
            "agent_invoked" => workflow::agent_invoked(p, ctx),
            "agent_not_invoked" => workflow::agent_not_invoked(p, ctx),
            "agent_response_contains" => workflow::agent_response_contains(p, ctx),
            "workflow_complete" => workflow::workflow_complete(p, ctx),
            "state_is" => workflow::state_is(p, ctx),
            "transitioned_to" => workflow::transitioned_to(p, ctx),
            "spoke_in_state" => workflow::spoke_in_state(p, ctx),
            "workflow_transition_order" => workflow::workflow_transition_order(p, ctx),
            "workflow_tool_access" => workflow::workflow_tool_access(p, ctx),
            "skill_activated" => skills::skill_activated(p, ctx),
            "skill_not_activated" => skills::skill_not_activated(p, ctx),
            "skill_activation_order" => skills::skill_activation_order(p, ctx),
            k if k.starts_with("composition_") => match judge::reject_thresholds(p) {
                Some(r) => r,
                None => skills::composition(k, p, ctx),
            },
            k @ ("image_format" | "audio_format") => media::media_format(&k[..5], p, ctx),
            "image_dimensions" => media::media_dimensions("image", p, ctx),
            "video_resolution" => media::media_dimensions("video", p, ctx),
            "audio_duration" => media::media_duration("audio", p, ctx),
            "video_duration" => media::media_duration("video", p, ctx),
            k @ ("llm_judge" | "llm_judge_session" | "llm_judge_tool_calls") => {
                judge::llm_judge(k, p, ctx, judge).await
            }
            k @ ("faithfulness"
            | "answer_relevancy"
            | "contextual_precision"
            | "contextual_recall"
            | "contextual_relevancy"
            | "hallucination") => rag::rag(k, p, ctx, judge).await,
            k @ ("bias" | "toxicity" | "pii_leakage" | "role_violation") => {
                rag::safety(k, p, ctx, judge).await
            }
            "assertion" | "guardrail" => self.wrapped(p, ctx).await,
            "tool_exec" => tool_exec::tool_exec(p, ctx, self.tools.as_deref()).await,
            "rest_eval" => rest::rest_eval(p, ctx, false).await,
            "rest_eval_session" => rest::rest_eval(p, ctx, true).await,
            "a2a_eval" => a2a::a2a_eval(p, ctx, false).await,
            "a2a_eval_session" => a2a::a2a_eval(p, ctx, true).await,
            k @ ("audio_emotion" | "image_moderation" | "text_toxicity" | "text_sentiment") => {
                classify::classify(k, p, ctx, self.classifiers.as_deref()).await
            }
            other => EvalResult::error(format!("assertion type `{other}` has no handler")),
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
    Some(match ty.name {
        "max_length" => length::max_length_of(p, streamed, true),
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
