//! Tool-call types.

use super::ParamKind::{
    Bool, Integer, Number, Object, ObjectList, Regex, RegexMap, String, StringList,
};
use super::Scope::{Both, Conversation, Turn};
use super::{EvalKind, EvalType, Needs, ParamSpec, p, pa, ty};

const TOOL_NAMES: ParamSpec = pa("tool_names", &["tools"], StringList, false, "Tool names.");
const TOOL_NAME_COMPAT: ParamSpec = p(
    "tool_name",
    String,
    false,
    None,
    "One tool name (accepted here; the reference ignores it and fails).",
);
const ONE_TOOL_NAME: &[&[&str]] = &[&["tool_names", "tools", "tool_name"]];
const TOOL_FILTER: ParamSpec = p(
    "tool",
    String,
    false,
    None,
    "Only calls of this tool (all tools when absent).",
);
const TOOL_NAME: ParamSpec = p(
    "tool_name",
    String,
    true,
    None,
    "The tool whose calls are checked.",
);

/// The table of this module's types.
pub(super) const TYPES: &[EvalType] = &[
    ty(
        EvalKind::ToolsCalled,
        &["tool_called"],
        Turn,
        &[
            TOOL_NAMES,
            TOOL_NAME_COMPAT,
            p(
                "min_calls",
                Integer,
                false,
                Some("1"),
                "Each tool must be called at least this often.",
            ),
            p(
                "max_calls",
                Integer,
                false,
                None,
                "Each tool may be called at most this often.",
            ),
            p(
                "ignore_validation",
                Bool,
                false,
                Some("false"),
                "Count calls that failed argument validation.",
            ),
            p(
                "require_args",
                Bool,
                false,
                Some("false"),
                "Only count calls with non-empty arguments.",
            ),
        ],
        "Each named tool was called (successfully) within the min/max bounds.",
    )
    .require_one_of(ONE_TOOL_NAME),
    ty(
        EvalKind::ToolsNotCalled,
        &[],
        Turn,
        &[TOOL_NAMES, TOOL_NAME_COMPAT],
        "None of the named tools was called.",
    )
    .require_one_of(ONE_TOOL_NAME),
    ty(
        EvalKind::ToolArgs,
        &[],
        Turn,
        &[
            TOOL_NAME,
            p(
                "expected_args",
                Object,
                true,
                None,
                "Arguments (compared as strings) at least one call must carry.",
            ),
        ],
        "At least one call of the tool carries the expected arguments.",
    ),
    ty(
        EvalKind::ToolsCalledSession,
        &[],
        Conversation,
        &[
            TOOL_NAMES,
            TOOL_NAME_COMPAT,
            p(
                "min_calls",
                Integer,
                false,
                Some("1"),
                "Each tool must be called at least this often.",
            ),
        ],
        "Across the conversation, each named tool was called at least min_calls times.",
    )
    .require_one_of(ONE_TOOL_NAME),
    ty(
        EvalKind::ToolsNotCalledSession,
        &[],
        Conversation,
        &[TOOL_NAMES, TOOL_NAME_COMPAT],
        "Across the conversation, none of the named tools was called.",
    )
    .require_one_of(ONE_TOOL_NAME),
    ty(
        EvalKind::ToolArgsSession,
        &[],
        Conversation,
        &[
            TOOL_NAME,
            p(
                "expected_args",
                Object,
                false,
                None,
                "Arguments (compared as strings) at least one call must carry.",
            ),
        ],
        "Across the conversation, some call of the tool carries the expected arguments.",
    ),
    ty(
        EvalKind::ToolArgsExcludedSession,
        &["tools_not_called_with_args"],
        Conversation,
        &[
            TOOL_NAME,
            p(
                "excluded_args",
                Object,
                false,
                None,
                "Argument values no call may carry.",
            ),
            p(
                "forbidden_args",
                Object,
                false,
                None,
                "Argument name to a value or list of values no call may carry.",
            ),
        ],
        "No call of the tool carries a forbidden argument value.",
    ),
    ty(
        EvalKind::NoToolErrors,
        &[],
        Both,
        &[p(
            "tools",
            StringList,
            false,
            None,
            "Only these tools (all when absent).",
        )],
        "No tool call returned an error; score is the fraction of calls without error.",
    ),
    ty(
        EvalKind::ToolCallCount,
        &[],
        Both,
        &[
            TOOL_FILTER,
            p("min", Integer, false, None, "At least this many calls."),
            p("max", Integer, false, None, "At most this many calls."),
        ],
        "The number of (matching) tool calls is within bounds.",
    ),
    ty(
        EvalKind::ToolResultIncludes,
        &[],
        Both,
        &[
            TOOL_FILTER,
            p(
                "patterns",
                StringList,
                true,
                None,
                "Substrings every counted result must contain (case-insensitive).",
            ),
            p(
                "occurrence",
                Integer,
                false,
                Some("1"),
                "How many calls must match.",
            ),
        ],
        "At least `occurrence` tool results contain all the patterns.",
    ),
    ty(
        EvalKind::ToolResultMatches,
        &[],
        Both,
        &[
            TOOL_FILTER,
            p(
                "pattern",
                Regex,
                true,
                None,
                "Regular expression searched in each result.",
            ),
            p(
                "occurrence",
                Integer,
                false,
                Some("1"),
                "How many calls must match.",
            ),
        ],
        "At least `occurrence` tool results match the pattern.",
    ),
    ty(
        EvalKind::ToolResultHasMedia,
        &[],
        Both,
        &[
            TOOL_FILTER,
            p(
                "media_type",
                String,
                true,
                None,
                "Content part type: image, audio, video, ...",
            ),
        ],
        "Some tool result carries a content part of this type.",
    ),
    ty(
        EvalKind::ToolResultMediaType,
        &[],
        Both,
        &[
            TOOL_FILTER,
            p(
                "mime_type",
                String,
                true,
                None,
                "MIME type such as image/png.",
            ),
        ],
        "Some tool result carries media of this MIME type.",
    ),
    ty(
        EvalKind::ToolCallSequence,
        &[],
        Both,
        &[p(
            "sequence",
            StringList,
            true,
            None,
            "Tool names that must be called in this order (gaps allowed).",
        )],
        "The tools were called in this order as a subsequence; score is the fraction matched.",
    ),
    ty(
        EvalKind::ToolCallChain,
        &[],
        Both,
        &[p(
            "steps",
            ObjectList,
            true,
            None,
            "Ordered steps {tool, result_includes, result_matches, args_match, no_error}.",
        )],
        "The tool calls satisfy an ordered chain of steps with per-step result and argument checks.",
    ),
    ty(
        EvalKind::ToolCallsWithArgs,
        &[],
        Both,
        &[
            p(
                "tool_name",
                String,
                false,
                None,
                "Only calls of this tool (must be called when given).",
            ),
            p(
                "expected_args",
                Object,
                false,
                None,
                "Exact argument values (null means only presence).",
            ),
            p(
                "args_match",
                RegexMap,
                false,
                None,
                "Argument name to a regular expression its value must match.",
            ),
            p(
                "result_includes",
                StringList,
                false,
                None,
                "Substrings every result must contain.",
            ),
            p(
                "result_matches",
                Regex,
                false,
                None,
                "Regular expression every result must match.",
            ),
            p(
                "no_error",
                Bool,
                false,
                Some("false"),
                "No matching call may fail.",
            ),
        ],
        "Every matching call satisfies the argument and result constraints.",
    ),
    ty(
        EvalKind::ToolAntiPattern,
        &[],
        Both,
        &[p(
            "patterns",
            ObjectList,
            true,
            None,
            "Forbidden call sequences {sequence: [tools], message}.",
        )],
        "None of the forbidden call sequences occurs.",
    ),
    ty(
        EvalKind::ToolNoRepeat,
        &[],
        Both,
        &[
            p(
                "tools",
                StringList,
                false,
                None,
                "Only these tools (all when absent).",
            ),
            p(
                "max_repeats",
                Integer,
                false,
                Some("1"),
                "Maximum consecutive calls of the same tool.",
            ),
        ],
        "No tool is called more than max_repeats times in a row.",
    ),
    ty(
        EvalKind::ToolEfficiency,
        &[],
        Both,
        &[
            p(
                "max_calls",
                Integer,
                false,
                None,
                "Maximum number of tool calls.",
            ),
            p(
                "max_errors",
                Integer,
                false,
                None,
                "Maximum number of failed calls.",
            ),
            p(
                "max_error_rate",
                Number,
                false,
                None,
                "Maximum fraction of failed calls.",
            ),
        ],
        "Tool call count, errors and error rate are within limits.",
    )
    .require_one_of(&[&["max_calls", "max_errors", "max_error_rate"]]),
    ty(
        EvalKind::InvariantFieldsPreserved,
        &[],
        Both,
        &[
            p(
                "tool",
                String,
                true,
                None,
                "The tool whose successive calls are compared.",
            ),
            p(
                "fields",
                StringList,
                true,
                None,
                "Argument fields that, once present, must stay present.",
            ),
        ],
        "Argument fields present in one call of the tool stay present in later calls.",
    ),
    ty(
        EvalKind::ToolExec,
        &[],
        Both,
        &[
            p(
                "tool",
                String,
                true,
                None,
                "The registered tool to execute.",
            ),
            p("args", Object, false, None, "Arguments passed to the tool."),
            p(
                "success_pattern",
                Regex,
                false,
                None,
                "The output must match this.",
            ),
            p(
                "failure_pattern",
                Regex,
                false,
                None,
                "The output must not match this.",
            ),
            p(
                "timeout_seconds",
                Integer,
                false,
                Some("120"),
                "Execution timeout.",
            ),
        ],
        "Executes a registered tool and passes when it succeeds.",
    )
    .needing(Needs::ToolRegistry),
];
