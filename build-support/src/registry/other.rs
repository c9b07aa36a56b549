//! Workflow, agent, skill, composition, media, LLM-judge, external, behavioral and wrapper types.

use super::Family::{Behavioral, External, Judge, Media, Workflow, Wrapper};
use super::ParamKind::{
    Any, Bool, Duration, Integer, Number, Object, ObjectList, String, StringList, StringMap,
};
use super::Scope::{Both, Conversation, Turn};
use super::{EvalType, Needs, ParamSpec, p, pa, ty};

const STATE: ParamSpec = p("state", String, true, None, "Workflow state name.");
const SEQUENCE: ParamSpec = p(
    "sequence",
    StringList,
    true,
    None,
    "Names in the expected order (gaps allowed).",
);
const SKILLS: ParamSpec = p("skill_names", StringList, true, None, "Skill names.");
const EQUALS: ParamSpec = p("equals", String, false, None, "The output must equal this.");
const CONTAINS: ParamSpec = p(
    "contains",
    String,
    false,
    None,
    "The output must contain this.",
);
const FORMATS: ParamSpec = p(
    "formats",
    StringList,
    true,
    None,
    "Allowed formats (png, jpeg, mp3, wav, ...).",
);
const MIN_SECONDS: ParamSpec = p(
    "min_seconds",
    Number,
    false,
    None,
    "Minimum duration in seconds.",
);
const MAX_SECONDS: ParamSpec = p(
    "max_seconds",
    Number,
    false,
    None,
    "Maximum duration in seconds.",
);
const MIN_WIDTH: ParamSpec = p(
    "min_width",
    Integer,
    false,
    None,
    "Minimum width in pixels.",
);
const MAX_WIDTH: ParamSpec = p(
    "max_width",
    Integer,
    false,
    None,
    "Maximum width in pixels.",
);
const MIN_HEIGHT: ParamSpec = p(
    "min_height",
    Integer,
    false,
    None,
    "Minimum height in pixels.",
);
const MAX_HEIGHT: ParamSpec = p(
    "max_height",
    Integer,
    false,
    None,
    "Maximum height in pixels.",
);

/// The judge provider to use, by name (a key of the arena's judge targets).
const JUDGE_NAME: ParamSpec = p(
    "judge",
    String,
    false,
    None,
    "Which configured judge provider to use.",
);

/// Parameters of every classifier-backed type.
const CLASSIFY: &[ParamSpec] = &[
    p("model", String, true, None, "The classifier model."),
    p(
        "expected_label",
        String,
        true,
        None,
        "The label whose score is reported.",
    ),
    p(
        "message_role",
        String,
        false,
        None,
        "Role of the message classified.",
    ),
    p(
        "message_index",
        Integer,
        false,
        Some("-1"),
        "Which matching message (-1 = last).",
    ),
    p(
        "classifier_id",
        String,
        false,
        None,
        "Which configured classifier to use.",
    ),
];

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
        "agent_invoked",
        &[],
        Workflow,
        Both,
        &[p("agents", StringList, true, None, "Agent (tool) names.")],
        "Each named agent was invoked; score is the fraction invoked.",
    ),
    ty(
        "agent_not_invoked",
        &[],
        Workflow,
        Both,
        &[p("agents", StringList, true, None, "Agent (tool) names.")],
        "None of the named agents was invoked.",
    ),
    ty(
        "agent_response_contains",
        &[],
        Workflow,
        Both,
        &[
            p("agent", String, true, None, "The agent (tool) name."),
            p(
                "contains",
                String,
                false,
                None,
                "Substring its response must contain (case-sensitive).",
            ),
        ],
        "Some response of the agent contains the text.",
    ),
    ty(
        "workflow_complete",
        &[],
        Workflow,
        Both,
        &[],
        "The workflow reached a terminal state.",
    ),
    ty(
        "state_is",
        &[],
        Workflow,
        Both,
        &[STATE],
        "The workflow's current state is `state`.",
    )
    .strict(),
    ty(
        "transitioned_to",
        &[],
        Workflow,
        Both,
        &[STATE],
        "The workflow transitioned to `state` at some point.",
    ),
    ty(
        "spoke_in_state",
        &[],
        Workflow,
        Both,
        &[STATE],
        "An assistant message with text was produced while in `state`.",
    )
    .strict(),
    ty(
        "workflow_transition_order",
        &[],
        Workflow,
        Both,
        &[SEQUENCE],
        "The workflow visited these states in order.",
    ),
    ty(
        "workflow_tool_access",
        &[],
        Workflow,
        Both,
        &[p(
            "rules",
            ObjectList,
            true,
            None,
            "Rules {state, allowed: [tools]}.",
        )],
        "Tools were only called in states that allow them.",
    ),
    ty(
        "skill_activated",
        &[],
        Workflow,
        Both,
        &[
            SKILLS,
            p(
                "min_calls",
                Integer,
                false,
                Some("1"),
                "Minimum activations per skill.",
            ),
        ],
        "Each named skill was activated (skill__activate) at least min_calls times.",
    ),
    ty(
        "skill_not_activated",
        &[],
        Workflow,
        Both,
        &[SKILLS],
        "None of the named skills was activated.",
    ),
    ty(
        "skill_activation_order",
        &[],
        Workflow,
        Both,
        &[SEQUENCE],
        "Skills were activated in this order.",
    ),
    ty(
        "composition_step_output",
        &[],
        Workflow,
        Both,
        &[
            p("step", String, true, None, "The composition step."),
            EQUALS,
            CONTAINS,
        ],
        "A composition step produced the expected output.",
    )
    .rejecting_thresholds(),
    ty(
        "composition_branch_taken",
        &[],
        Workflow,
        Both,
        &[
            p("branch", String, true, None, "The branch point."),
            p(
                "expected",
                String,
                true,
                None,
                "The branch that must have been taken.",
            ),
        ],
        "A composition branch took the expected arm.",
    )
    .rejecting_thresholds(),
    ty(
        "composition_parallel_complete",
        &[],
        Workflow,
        Both,
        &[p("parallel", String, true, None, "The parallel block.")],
        "A composition parallel block completed.",
    )
    .rejecting_thresholds(),
    ty(
        "composition_output",
        &[],
        Workflow,
        Both,
        &[EQUALS, CONTAINS],
        "The composition's final output is as expected (non-empty by default).",
    )
    .rejecting_thresholds(),
    ty(
        "image_format",
        &[],
        Media,
        Both,
        &[FORMATS],
        "Every image in the output has an allowed format.",
    ),
    ty(
        "image_dimensions",
        &[],
        Media,
        Both,
        &[
            p("width", Integer, false, None, "Exact width."),
            p("height", Integer, false, None, "Exact height."),
            MIN_WIDTH,
            MAX_WIDTH,
            MIN_HEIGHT,
            MAX_HEIGHT,
        ],
        "Every image in the output meets the dimension constraints.",
    ),
    ty(
        "audio_format",
        &[],
        Media,
        Both,
        &[FORMATS],
        "Every audio clip in the output has an allowed format.",
    ),
    ty(
        "audio_duration",
        &[],
        Media,
        Both,
        &[MIN_SECONDS, MAX_SECONDS],
        "Every audio clip's duration is in range.",
    ),
    ty(
        "video_duration",
        &[],
        Media,
        Both,
        &[MIN_SECONDS, MAX_SECONDS],
        "Every video's duration is in range.",
    ),
    ty(
        "video_resolution",
        &[],
        Media,
        Both,
        &[
            MIN_WIDTH,
            MAX_WIDTH,
            MIN_HEIGHT,
            MAX_HEIGHT,
            p(
                "presets",
                StringList,
                false,
                None,
                "Allowed presets: 480p, 720p, 1080p, 1440p, 4k, 8k, ...",
            ),
        ],
        "Every video meets the resolution constraints.",
    ),
    ty(
        "audio_emotion",
        &[],
        External,
        Both,
        CLASSIFY,
        "Classifier score of an emotion label on audio.",
    )
    .needing(Needs::Classifier)
    .rejecting_thresholds(),
    ty(
        "image_moderation",
        &[],
        External,
        Both,
        CLASSIFY,
        "Classifier score of a moderation label on an image.",
    )
    .needing(Needs::Classifier)
    .rejecting_thresholds(),
    ty(
        "text_toxicity",
        &[],
        External,
        Both,
        CLASSIFY,
        "Classifier score of a toxicity label on text.",
    )
    .needing(Needs::Classifier)
    .rejecting_thresholds(),
    ty(
        "text_sentiment",
        &[],
        External,
        Both,
        CLASSIFY,
        "Classifier score of a sentiment label on text.",
    )
    .needing(Needs::Classifier)
    .rejecting_thresholds(),
    ty(
        "llm_judge",
        &[],
        Judge,
        Turn,
        JUDGE,
        "An LLM judge scores the response against the criteria.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        "llm_judge_session",
        &["llm_judge_conversation"],
        Judge,
        Conversation,
        JUDGE,
        "An LLM judge scores the whole transcript against the criteria.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        "llm_judge_tool_calls",
        &[],
        Judge,
        Both,
        JUDGE_TOOLS,
        "An LLM judge scores the tool calls.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        "faithfulness",
        &[],
        Judge,
        Turn,
        RAG,
        "Judge: the answer's claims are supported by the context.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        "answer_relevancy",
        &[],
        Judge,
        Turn,
        RAG,
        "Judge: the answer addresses the question.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        "contextual_precision",
        &[],
        Judge,
        Turn,
        RAG,
        "Judge: the retrieved chunks are relevant.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        "contextual_recall",
        &[],
        Judge,
        Turn,
        RAG,
        "Judge: the chunks cover the reference answer.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        "contextual_relevancy",
        &[],
        Judge,
        Turn,
        RAG,
        "Judge: mean per-chunk relevance to the question.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        "hallucination",
        &[],
        Judge,
        Turn,
        RAG,
        "Judge: the answer has no claims unsupported by the context.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        "bias",
        &[],
        Judge,
        Turn,
        JUDGE,
        "Judge: the answer is free of bias.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        "toxicity",
        &[],
        Judge,
        Turn,
        JUDGE,
        "Judge: the answer is free of toxicity.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        "pii_leakage",
        &[],
        Judge,
        Turn,
        JUDGE,
        "No PII: a regex pre-pass (email, SSN, card), then the judge when one is configured.",
    )
    .rejecting_thresholds(),
    ty(
        "role_violation",
        &[],
        Judge,
        Turn,
        ROLE,
        "Judge: the answer stays within the agent's role.",
    )
    .needing(Needs::Judge)
    .rejecting_thresholds(),
    ty(
        "rest_eval",
        &[],
        External,
        Turn,
        REST,
        "A REST endpoint scores the response.",
    )
    .needing(Needs::Network),
    ty(
        "rest_eval_session",
        &[],
        External,
        Conversation,
        REST,
        "A REST endpoint scores the conversation.",
    )
    .needing(Needs::Network),
    ty(
        "a2a_eval",
        &[],
        External,
        Turn,
        A2A,
        "An A2A agent scores the response.",
    )
    .needing(Needs::Network),
    ty(
        "a2a_eval_session",
        &[],
        External,
        Conversation,
        A2A,
        "An A2A agent scores the conversation.",
    )
    .needing(Needs::Network),
    ty(
        "outcome_equivalent",
        &[],
        Behavioral,
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
        "directional",
        &[],
        Behavioral,
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
        "assertion",
        &[],
        Wrapper,
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
        "guardrail",
        &[],
        Wrapper,
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
