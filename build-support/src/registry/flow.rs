//! Workflow, agent, skill and composition types.

use super::ParamKind::{Integer, ObjectList, String, StringList};
use super::Scope::Both;
use super::{EvalKind, EvalType, ParamSpec, p, ty};

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
        EvalKind::AgentInvoked,
        &[],
        Both,
        &[p("agents", StringList, true, None, "Agent (tool) names.")],
        "Each named agent was invoked; score is the fraction invoked.",
    ),
    ty(
        EvalKind::AgentNotInvoked,
        &[],
        Both,
        &[p("agents", StringList, true, None, "Agent (tool) names.")],
        "None of the named agents was invoked.",
    ),
    ty(
        EvalKind::AgentResponseContains,
        &[],
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
        EvalKind::WorkflowComplete,
        &[],
        Both,
        &[],
        "The workflow reached a terminal state.",
    ),
    ty(
        EvalKind::StateIs,
        &[],
        Both,
        &[STATE],
        "The workflow's current state is `state`.",
    )
    .strict(),
    ty(
        EvalKind::TransitionedTo,
        &[],
        Both,
        &[STATE],
        "The workflow transitioned to `state` at some point.",
    ),
    ty(
        EvalKind::SpokeInState,
        &[],
        Both,
        &[STATE],
        "An assistant message with text was produced while in `state`.",
    )
    .strict(),
    ty(
        EvalKind::WorkflowTransitionOrder,
        &[],
        Both,
        &[SEQUENCE],
        "The workflow visited these states in order.",
    ),
    ty(
        EvalKind::WorkflowToolAccess,
        &[],
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
        EvalKind::SkillActivated,
        &[],
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
        EvalKind::SkillNotActivated,
        &[],
        Both,
        &[SKILLS],
        "None of the named skills was activated.",
    ),
    ty(
        EvalKind::SkillActivationOrder,
        &[],
        Both,
        &[SEQUENCE],
        "Skills were activated in this order.",
    ),
    ty(
        EvalKind::CompositionStepOutput,
        &[],
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
        EvalKind::CompositionBranchTaken,
        &[],
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
        EvalKind::CompositionParallelComplete,
        &[],
        Both,
        &[p("parallel", String, true, None, "The parallel block.")],
        "A composition parallel block completed.",
    )
    .rejecting_thresholds(),
    ty(
        EvalKind::CompositionOutput,
        &[],
        Both,
        &[EQUALS, CONTAINS],
        "The composition's final output is as expected (non-empty by default).",
    )
    .rejecting_thresholds(),
];
