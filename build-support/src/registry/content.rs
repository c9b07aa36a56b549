//! Content, JSON, length, budget and guardrail-observation types.

use super::ParamKind::{
    Any, Bool, Integer, JmesPath, JsonSchema, Number, NumberList, Regex, String, StringList,
};
use super::Scope::{Both, Turn};
use super::{EvalKind, EvalType, Needs, ParamSpec, p, pa, ty};

const PATTERNS: ParamSpec = p(
    "patterns",
    StringList,
    true,
    None,
    "Substrings to look for (case-insensitive).",
);
const ALLOW_WRAPPED: ParamSpec = p(
    "allow_wrapped",
    Bool,
    false,
    Some("false"),
    "Accept JSON inside a ```json fenced block.",
);
const EXTRACT_JSON: ParamSpec = p(
    "extract_json",
    Bool,
    false,
    Some("false"),
    "Extract the first balanced JSON object or array from the text.",
);

/// The table of this module's types.
pub(super) const TYPES: &[EvalType] = &[
    ty(
        EvalKind::Contains,
        &["content_includes"],
        Turn,
        &[PATTERNS],
        "Every pattern appears in the response (case-insensitive); score is the fraction found.",
    ),
    ty(
        EvalKind::ContainsAny,
        &["content_includes_any"],
        Both,
        &[PATTERNS],
        "At least one assistant message contains at least one of the patterns.",
    ),
    ty(
        EvalKind::ContentExcludes,
        &["content_not_includes", "banned_words"],
        Both,
        &[
            pa(
                "patterns",
                &["words"],
                StringList,
                true,
                "Forbidden substrings or words (case-insensitive).",
            ),
            p(
                "match_mode",
                String,
                false,
                Some("\"substring\""),
                "substring, or word_boundary (default for banned_words).",
            )
            .one_of(&["substring", "word_boundary"]),
        ],
        "No assistant message contains any forbidden pattern.",
    )
    .streaming(),
    ty(
        EvalKind::Regex,
        &["content_matches"],
        Turn,
        &[
            p(
                "pattern",
                Regex,
                true,
                None,
                "The regular expression searched in the response.",
            ),
            p(
                "expect_match",
                Bool,
                false,
                Some("true"),
                "Set false to require that the pattern does not match.",
            ),
        ],
        "The response matches (or, with expect_match: false, does not match) the pattern.",
    ),
    ty(
        EvalKind::FieldPresence,
        &["required_fields"],
        Turn,
        &[pa(
            "fields",
            &["required_fields"],
            StringList,
            true,
            "Field names that must appear in the response.",
        )],
        "Every field name appears in the response (case-insensitive); score is the fraction found.",
    ),
    ty(
        EvalKind::JsonValid,
        &["is_valid_json", "valid_json"],
        Turn,
        &[ALLOW_WRAPPED, EXTRACT_JSON],
        "The response parses as JSON.",
    ),
    ty(
        EvalKind::JsonSchema,
        &[],
        Turn,
        &[
            p(
                "schema",
                JsonSchema,
                true,
                None,
                "The JSON Schema the response must satisfy.",
            ),
            ALLOW_WRAPPED,
            EXTRACT_JSON,
        ],
        "The response is JSON valid against the schema.",
    ),
    ty(
        EvalKind::JsonPath,
        &[],
        Turn,
        &[
            pa(
                "expression",
                &["jmespath_expression"],
                JmesPath,
                true,
                "JMESPath expression evaluated on the response JSON.",
            ),
            p(
                "expected",
                Any,
                false,
                None,
                "The result must equal this value.",
            ),
            p(
                "contains",
                Any,
                false,
                None,
                "List of items the (array) result must contain.",
            ),
            p(
                "min",
                Number,
                false,
                None,
                "The (numeric) result must be at least this.",
            ),
            p(
                "max",
                Number,
                false,
                None,
                "The (numeric) result must be at most this.",
            ),
            p(
                "min_results",
                Integer,
                false,
                None,
                "The (array) result must have at least this many items.",
            ),
            p(
                "max_results",
                Integer,
                false,
                None,
                "The (array) result must have at most this many items.",
            ),
            ALLOW_WRAPPED,
            EXTRACT_JSON,
        ],
        "A JMESPath query on the response JSON gives the expected value, items, range or count.",
    ),
    ty(
        EvalKind::MinLength,
        &[],
        Turn,
        &[pa(
            "min",
            &["min_characters", "min_chars"],
            Integer,
            true,
            "Minimum length in bytes.",
        )],
        "The response is at least `min` characters long; score is length/min capped at 1.",
    )
    .strict(),
    ty(
        EvalKind::MaxLength,
        &["length"],
        Turn,
        &[
            pa(
                "max",
                &["max_characters", "max_chars"],
                Integer,
                true,
                "Maximum length in bytes.",
            ),
            p(
                "max_tokens",
                Integer,
                false,
                None,
                "Maximum estimated tokens (length/4).",
            ),
        ],
        "The response is at most `max` characters (and `max_tokens` estimated tokens) long.",
    )
    .strict()
    .streaming(),
    ty(
        EvalKind::SentenceCount,
        &["max_sentences"],
        Turn,
        &[pa(
            "max",
            &["max_sentences"],
            Integer,
            false,
            "Maximum number of sentences.",
        )],
        "Counts the response's sentences (split on . ! ?); fails above `max` when given.",
    ),
    ty(
        EvalKind::LatencyBudget,
        &[],
        Turn,
        &[p(
            "max_ms",
            Number,
            true,
            None,
            "Latency budget in milliseconds.",
        )],
        "The turn's latency is within budget; score is budget/latency capped at 1.",
    ),
    ty(
        EvalKind::CostBudget,
        &[],
        Both,
        &[
            p(
                "max_cost_usd",
                Number,
                false,
                None,
                "Maximum total cost in US dollars.",
            ),
            p(
                "max_input_tokens",
                Integer,
                false,
                None,
                "Maximum input tokens.",
            ),
            p(
                "max_output_tokens",
                Integer,
                false,
                None,
                "Maximum output tokens.",
            ),
            p(
                "max_total_tokens",
                Integer,
                false,
                None,
                "Maximum input + output tokens.",
            ),
        ],
        "Cost and token totals are within every given budget.",
    )
    .require_one_of(&[&[
        "max_cost_usd",
        "max_input_tokens",
        "max_output_tokens",
        "max_total_tokens",
    ]]),
    ty(
        EvalKind::GuardrailTriggered,
        &[],
        Both,
        &[
            pa(
                "validator_type",
                &["validator"],
                String,
                true,
                "The validator (guardrail) type or id to observe.",
            ),
            p(
                "should_trigger",
                Bool,
                false,
                Some("true"),
                "Whether the validator is expected to fire.",
            ),
            p(
                "direction",
                String,
                false,
                None,
                "Only results of this direction: input, output or both.",
            )
            .one_of(&["input", "output", "both"]),
        ],
        "The named validator fired (or, with should_trigger: false, did not) on this turn.",
    )
    .strict(),
    ty(
        EvalKind::CosineSimilarity,
        &[],
        Turn,
        &[
            p(
                "reference",
                NumberList,
                true,
                None,
                "The reference embedding.",
            ),
            p(
                "min_similarity",
                Number,
                true,
                None,
                "The similarity threshold (reported; the wrapper decides).",
            ),
        ],
        "Cosine similarity between the output's embedding (metadata `embedding`) and a reference.",
    )
    .needing(Needs::Embedding),
];
