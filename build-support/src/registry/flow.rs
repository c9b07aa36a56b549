//! Workflow, agent, skill and composition types.

use super::Family::Workflow;
use super::ParamKind::{Integer, ObjectList, String, StringList};
use super::Scope::Both;
use super::{EvalType, ParamSpec, p, ty};

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
];
