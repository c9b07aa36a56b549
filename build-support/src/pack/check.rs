//! Structural checks of a pack the JSON Schema cannot express: cross-references
//! between prompts, tools, workflow states and agents (what packc validates on top of
//! the schema).

use super::model::PromptPack;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The pack cannot be used as intended.
    Error,
    /// Worth fixing; the pack still loads and renders.
    Warning,
}

/// The part of the pack a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Pack-level fields.
    Pack,
    /// A prompt.
    Prompt,
    /// The workflow.
    Workflow,
    /// The agents.
    Agents,
}

/// One structural finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Error or warning.
    pub level: Level,
    /// Where in the pack.
    pub section: Section,
    /// What is wrong, naming the prompt, state or member.
    pub message: String,
}

/// Every structural finding of `pack`.
pub fn check(pack: &PromptPack) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |level, section, message: String| {
        out.push(Finding {
            level,
            section,
            message,
        })
    };
    if pack.prompts.is_empty() {
        push(
            Level::Error,
            Section::Pack,
            "pack has no prompts".to_owned(),
        );
    }
    if pack.template_engine.is_none() {
        push(
            Level::Warning,
            Section::Pack,
            "missing template_engine".to_owned(),
        );
    }
    if pack.compilation.is_none() {
        push(
            Level::Warning,
            Section::Pack,
            "missing compilation metadata".to_owned(),
        );
    }
    for (task, prompt) in &pack.prompts {
        if prompt.id != *task {
            push(
                Level::Warning,
                Section::Prompt,
                format!(
                    "prompt `{task}` has id `{}`; they should be equal",
                    prompt.id
                ),
            );
        }
        if prompt.system_template.is_empty() {
            push(
                Level::Error,
                Section::Prompt,
                format!("prompt `{task}`: missing system_template"),
            );
        }
        if prompt.variables.is_empty() && prompt.system_template.contains("{{") {
            push(
                Level::Warning,
                Section::Prompt,
                format!(
                    "prompt `{task}`: system_template references variables, but none are declared"
                ),
            );
        }
        for tool in &prompt.tools {
            if !pack.tools.is_empty() && !pack.tools.contains_key(tool) {
                push(
                    Level::Warning,
                    Section::Prompt,
                    format!("prompt `{task}`: tool `{tool}` is not defined in the pack"),
                );
            }
        }
    }
    if let Some(workflow) = &pack.workflow {
        if !workflow.states.contains_key(&workflow.entry) {
            push(
                Level::Error,
                Section::Workflow,
                format!("workflow: entry `{}` is not a state", workflow.entry),
            );
        }
        for (name, state) in &workflow.states {
            if !pack.prompts.contains_key(&state.prompt_task) {
                push(
                    Level::Error,
                    Section::Workflow,
                    format!(
                        "workflow: state `{name}` runs prompt `{}`, which the pack does not have",
                        state.prompt_task
                    ),
                );
            }
            for (event, target) in &state.on_event {
                if !workflow.states.contains_key(target) {
                    push(
                        Level::Error,
                        Section::Workflow,
                        format!(
                            "workflow: state `{name}` event `{event}` goes to unknown state `{target}`"
                        ),
                    );
                }
            }
        }
    }
    if let Some(agents) = &pack.agents {
        if !agents.members.contains_key(&agents.entry) {
            push(
                Level::Error,
                Section::Agents,
                format!("agents: entry `{}` is not a member", agents.entry),
            );
        }
        for member in agents.members.keys() {
            if !pack.prompts.contains_key(member) {
                push(
                    Level::Error,
                    Section::Agents,
                    format!("agents: member `{member}` is not a prompt of the pack"),
                );
            }
        }
    }
    out
}
