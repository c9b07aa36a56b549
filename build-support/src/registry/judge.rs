//! LLM-judge, external evaluator, behavioral and wrapper types.

use super::ParamKind::{Any, Bool, Duration, Number, Object, String, StringList, StringMap};
use super::Scope::{Both, Conversation, Turn};
use super::{EvalKind, EvalType, Needs, ParamSpec, p, pa, ty};

/// The judge provider to use, by name (a key of the arena's judge targets).
const JUDGE_NAME: ParamSpec = p(
    "judge",
    String,
    false,
    None,
    "Which configured judge provider to use.",
);

/// Parameters of every LLM-judge type.
const JUDGE: &[ParamSpec] = &[
    p("criteria", String, false, None, "What the judge evaluates."),
    p(
        "rubric",
        String,
        false,
        None,
        "Scoring rubric given to the judge.",
    ),
    p("model", String, false, None, "Judge model override."),
    p(
        "system_prompt",
        String,
        false,
        None,
        "Judge system prompt override.",
    ),
    JUDGE_NAME,
];

/// Parameters of the LLM-judge types on tool calls.
const JUDGE_TOOLS: &[ParamSpec] = &[
    p("criteria", String, false, None, "What the judge evaluates."),
    p(
        "rubric",
        String,
        false,
        None,
        "Scoring rubric given to the judge.",
    ),
    p("model", String, false, None, "Judge model override."),
    p(
        "system_prompt",
        String,
        false,
        None,
        "Judge system prompt override.",
    ),
    p(
        "tools",
        StringList,
        false,
        None,
        "Only calls of these tools are judged.",
    ),
    JUDGE_NAME,
];

/// Parameters of the RAG judge types.
const RAG: &[ParamSpec] = &[
    p(
        "criteria",
        String,
        false,
        None,
        "What the judge evaluates (a hardened default applies).",
    ),
    p(
        "rubric",
        String,
        false,
        None,
        "Scoring rubric given to the judge.",
    ),
    p("model", String, false, None, "Judge model override."),
    p(
        "system_prompt",
        String,
        false,
        None,
        "Judge system prompt override (a hardened default applies).",
    ),
    JUDGE_NAME,
    p(
        "contexts",
        StringList,
        false,
        None,
        "Retrieved context chunks.",
    ),
    p(
        "context",
        String,
        false,
        None,
        "A single retrieved context.",
    ),
    p(
        "context_field",
        String,
        false,
        None,
        "Metadata key holding the retrieved contexts.",
    ),
    p(
        "question",
        String,
        false,
        None,
        "The question (default: the last user message).",
    ),
    pa(
        "reference",
        &["expected_output"],
        String,
        false,
        "Ground-truth answer.",
    ),
];

/// Parameters of the role-violation judge.
const ROLE: &[ParamSpec] = &[
    p(
        "criteria",
        String,
        false,
        None,
        "What the judge evaluates (a hardened default applies).",
    ),
    p(
        "rubric",
        String,
        false,
        None,
        "Scoring rubric given to the judge.",
    ),
    p("model", String, false, None, "Judge model override."),
    p(
        "system_prompt",
        String,
        false,
        None,
        "Judge system prompt override (a hardened default applies).",
    ),
    JUDGE_NAME,
    p(
        "agent_role",
        String,
        false,
        None,
        "The role (default: metadata system_prompt).",
    ),
];

/// Parameters of the external (REST / A2A) types besides the endpoint.
macro_rules! external {
    ($endpoint:expr) => {
        &[
            $endpoint,
            p(
                "method",
                String,
                false,
                Some("\"POST\""),
                "HTTP method (REST only).",
            ),
            p(
                "headers",
                StringMap,
                false,
                None,
                "Request headers; ${VAR} expands from the environment.",
            ),
            p(
                "auth_token",
                String,
                false,
                None,
                "Bearer token (A2A only); ${VAR} expands.",
            ),
            p(
                "timeout",
                Duration,
                false,
                None,
                "Request timeout such as 30s.",
            ),
            p(
                "criteria",
                String,
                false,
                None,
                "Criteria sent to the evaluator.",
            ),
            p(
                "include_messages",
                Bool,
                false,
                Some("true"),
                "Send the transcript.",
            ),
            p(
                "include_tool_calls",
                Bool,
                false,
                Some("false"),
                "Send the tool calls.",
            ),
            p(
                "extra",
                Object,
                false,
                None,
                "Extra fields sent to the evaluator.",
            ),
        ]
    };
}

const REST: &[ParamSpec] = external!(p("url", String, true, None, "The evaluator endpoint."));

const A2A: &[ParamSpec] = external!(p("agent_url", String, true, None, "The A2A agent URL."));

/// The table of this module's types.
pub(super) const TYPES: &[EvalType] = &[
    ty(
        EvalKind::LlmJudge,
        &[],
        Turn,
        JUDGE,
        "An LLM judge scores the response against the criteria.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        EvalKind::LlmJudgeSession,
        &["llm_judge_conversation"],
        Conversation,
        JUDGE,
        "An LLM judge scores the whole transcript against the criteria.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        EvalKind::LlmJudgeToolCalls,
        &[],
        Both,
        JUDGE_TOOLS,
        "An LLM judge scores the tool calls.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        EvalKind::Faithfulness,
        &[],
        Turn,
        RAG,
        "Judge: the answer's claims are supported by the context.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        EvalKind::AnswerRelevancy,
        &[],
        Turn,
        RAG,
        "Judge: the answer addresses the question.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        EvalKind::ContextualPrecision,
        &[],
        Turn,
        RAG,
        "Judge: the retrieved chunks are relevant.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        EvalKind::ContextualRecall,
        &[],
        Turn,
        RAG,
        "Judge: the chunks cover the reference answer.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        EvalKind::ContextualRelevancy,
        &[],
        Turn,
        RAG,
        "Judge: mean per-chunk relevance to the question.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        EvalKind::Hallucination,
        &[],
        Turn,
        RAG,
        "Judge: the answer has no claims unsupported by the context.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        EvalKind::Bias,
        &[],
        Turn,
        JUDGE,
        "Judge: the answer is free of bias.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        EvalKind::Toxicity,
        &[],
        Turn,
        JUDGE,
        "Judge: the answer is free of toxicity.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        EvalKind::PiiLeakage,
        &[],
        Turn,
        JUDGE,
        "No PII: a regex pre-pass (email, SSN, card), then the judge when one is configured.",
    )
    .rejecting_thresholds(),
    ty(
        EvalKind::RoleViolation,
        &[],
        Turn,
        ROLE,
        "Judge: the answer stays within the agent's role.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        EvalKind::RestEval,
        &[],
        Turn,
        REST,
        "A REST endpoint scores the response.",
    )
    .needing(Needs::Network),
    ty(
        EvalKind::RestEvalSession,
        &[],
        Conversation,
        REST,
        "A REST endpoint scores the conversation.",
    )
    .needing(Needs::Network),
    ty(
        EvalKind::A2aEval,
        &[],
        Turn,
        A2A,
        "An A2A agent scores the response.",
    )
    .needing(Needs::Network),
    ty(
        EvalKind::A2aEvalSession,
        &[],
        Conversation,
        A2A,
        "An A2A agent scores the conversation.",
    )
    .needing(Needs::Network),
    ty(
        EvalKind::OutcomeEquivalent,
        &[],
        Both,
        &[
            p(
                "metric",
                String,
                true,
                None,
                "tool_calls, final_state or content_hash.",
            )
            .one_of(&["tool_calls", "final_state", "content_hash"]),
            p(
                "expected_tools",
                StringList,
                false,
                None,
                "Expected set of tools (metric tool_calls).",
            ),
            p(
                "expected_state",
                String,
                false,
                None,
                "Expected workflow state (metric final_state).",
            ),
            p(
                "expected_content",
                String,
                false,
                None,
                "Expected exact content (metric content_hash).",
            ),
        ],
        "The run's outcome equals the expected one by the chosen metric.",
    ),
    ty(
        EvalKind::Directional,
        &[],
        Both,
        &[
            p(
                "check",
                String,
                true,
                None,
                "same_tool_calls, same_outcome or similar_content.",
            )
            .one_of(&["same_tool_calls", "same_outcome", "similar_content"]),
            p(
                "baseline_tools",
                StringList,
                false,
                None,
                "Baseline tool set.",
            ),
            p(
                "baseline_state",
                String,
                false,
                None,
                "Baseline workflow state.",
            ),
            p(
                "baseline_content",
                String,
                false,
                None,
                "Baseline content (word-overlap similarity).",
            ),
            p(
                "threshold",
                Number,
                false,
                Some("0.5"),
                "Minimum similarity for similar_content.",
            ),
        ],
        "The run behaves like a baseline under a perturbation.",
    ),
    ty(
        EvalKind::Assertion,
        &[],
        Both,
        &[
            p("eval_type", String, true, None, "The wrapped type."),
            p(
                "eval_params",
                Object,
                false,
                None,
                "The wrapped type's params.",
            ),
            p(
                "min_score",
                Number,
                false,
                None,
                "Pass when the score is at least this (default 1.0).",
            ),
            p(
                "max_score",
                Number,
                false,
                None,
                "Pass when the score is at most this.",
            ),
        ],
        "Wraps another type and decides pass/fail from its score.",
    ),
    ty(
        EvalKind::Guardrail,
        &[],
        Both,
        &[
            p("eval_type", String, true, None, "The wrapped type."),
            p(
                "eval_params",
                Object,
                false,
                None,
                "The wrapped type's params.",
            ),
            p(
                "min_score",
                Number,
                false,
                None,
                "Trigger when the score is below this (default 1.0).",
            ),
            p(
                "max_score",
                Number,
                false,
                None,
                "Trigger when the score is above this.",
            ),
            p(
                "action",
                String,
                false,
                Some("\"block\""),
                "What to do when triggered.",
            ),
            p("value", Any, false, None, "Unused; kept for compatibility."),
        ],
        "Wraps another type and decides whether it fires.",
    ),
];
