//! Dangling references between files: a scenario's task type and providers, a
//! prompt's allowed tools, self-play personas and roles, judges, workflow prompts, and
//! mock responses naming scenarios or tools that do not exist.

use super::{at, at_loc, error, suggestion, warning};
use crate::diagnostic::Diagnostics;
use crate::load::Project;
use crate::model::{
    MEMORY_TOOLS, ProviderRole, ProviderType, WORKFLOW_ARTIFACT_TOOL, WORKFLOW_TRANSITION_TOOL,
};

/// The tools a project may name: declared, built in, or `mcp__<server>__<tool>` of a
/// declared MCP server (whose tools are only known once it runs), or `a2a__…` when a
/// remote A2A agent is declared (its card is only read at run time).
struct KnownTools<'a> {
    names: Vec<&'a str>,
    /// The tools of mock A2A agents (`a2a__<agent>__<skill>`).
    agent_tools: Vec<String>,
    /// Whether some A2A agent is remote (`url`).
    remote_agents: bool,
    mcp_prefixes: Vec<String>,
    /// Whether some MCP server comes from a `source`: its tools, known only once it
    /// opens, keep their own names (the reference's rule), so any name but an
    /// `mcp__<server>__<tool>` one may be one.
    mcp_sources: bool,
}

impl<'a> KnownTools<'a> {
    fn new(project: &'a Project, extra_mcp_servers: &[String]) -> Self {
        let arena = &project.arena.spec.value;
        let mcp_prefixes = arena
            .mcp_servers
            .iter()
            .chain(arena.runtime.iter().flat_map(|r| r.mcp_servers.iter()))
            .map(|s| s.name.value.as_str())
            .chain(extra_mcp_servers.iter().map(String::as_str))
            .map(|server| format!("mcp__{server}__"))
            .collect();
        // The skill tools exist when the project has skills.
        let skill_tools = if arena.skills.is_empty() {
            &[][..]
        } else {
            SKILL_TOOLS
        };
        Self {
            names: project
                .tools
                .iter()
                .map(|t| t.id.as_str())
                // Tools the runtime provides itself.
                .chain(MEMORY_TOOLS)
                .chain([WORKFLOW_TRANSITION_TOOL, WORKFLOW_ARTIFACT_TOOL])
                .chain(skill_tools.iter().copied())
                .collect(),
            agent_tools: arena
                .a2a_agents
                .iter()
                .filter(|a| a.url.is_none())
                .filter_map(|a| a.card.as_ref())
                .flat_map(|card| card.skills.iter().map(|s| card.tool_name(&s.id.value)))
                .collect(),
            remote_agents: arena.a2a_agents.iter().any(|a| a.url.is_some()),
            mcp_prefixes,
            mcp_sources: arena
                .mcp_servers
                .iter()
                .chain(arena.runtime.iter().flat_map(|r| r.mcp_servers.iter()))
                .any(|s| s.source.is_some()),
        }
    }

    /// What to do about unknown tool `name`: a close name, or how MCP tools are named.
    fn help(&self, name: &str) -> String {
        if name.starts_with("mcp__") {
            let servers: Vec<&str> = self
                .mcp_prefixes
                .iter()
                .filter_map(|p| p.strip_prefix("mcp__")?.strip_suffix("__"))
                .collect();
            let server = name
                .strip_prefix("mcp__")
                .and_then(|rest| rest.split("__").next())
                .unwrap_or_default();
            return format!(
                "MCP tools are named `mcp__<server>__<tool>` after an entry of `mcp_servers`; {}",
                suggestion(server, &servers, "MCP servers")
            );
        }
        suggestion(name, &self.names, "tools")
    }

    fn contains(&self, name: &str) -> bool {
        self.names.contains(&name)
            || self.agent_tools.iter().any(|t| t == name)
            || (self.remote_agents && name.starts_with("a2a__"))
            || (self.mcp_sources && !name.starts_with("mcp__"))
            || self
                .mcp_prefixes
                .iter()
                .any(|p| name.len() > p.len() && name.starts_with(p.as_str()))
    }
}

/// Tools the runtime provides when the project has skills.
const SKILL_TOOLS: &[&str] = &[
    "skill__activate",
    "skill__deactivate",
    "skill__read_resource",
];

pub(super) fn check(project: &Project, mcp_servers: &[String], out: &mut Diagnostics) {
    let task_types: Vec<&str> = project
        .prompts
        .iter()
        .map(|p| p.spec.task_type.value.as_str())
        .collect();
    let providers: Vec<&str> = project
        .providers
        .iter()
        .map(|p| p.item.id.as_str())
        .collect();
    let known_tools = KnownTools::new(project, mcp_servers);
    let personas: Vec<&str> = project.personas.iter().map(|p| p.id.as_str()).collect();
    let scenarios: Vec<&str> = project.scenarios.iter().map(|s| s.id.as_str()).collect();
    let arena = &project.arena.spec.value;
    let arena_path = project.config_path.as_path();
    let roles: Vec<&str> = arena
        .self_play
        .as_ref()
        .map(|sp| sp.roles.iter().map(|r| r.id.value.as_str()).collect())
        .unwrap_or_default();

    for scenario in &project.scenarios {
        let spec = &scenario.spec;
        let path = scenario.path.as_path();
        if let Some(task) = &spec.task_type
            && !task_types.contains(&task.value.as_str())
        {
            out.push(
                error(
                    format!("no prompt config has task_type `{}`", task.value),
                    at(path, task),
                    path,
                )
                .with_label("scenario names this task type")
                .with_help(suggestion(&task.value, &task_types, "task types")),
            );
        }
        for provider in &spec.providers {
            if !providers.contains(&provider.value.as_str()) {
                out.push(
                    error(
                        format!("unknown provider `{}`", provider.value),
                        at(path, provider),
                        path,
                    )
                    .with_help(suggestion(
                        &provider.value,
                        &providers,
                        "providers",
                    )),
                );
            } else if let Some(entry) = project
                .provider(&provider.value)
                .filter(|p| !crate::plan::is_chat(&p.item.spec))
            {
                let role = entry
                    .item
                    .spec
                    .role
                    .as_ref()
                    .map_or("llm", |r| r.value.as_str());
                out.push(
                    error(
                        format!(
                            "provider `{}` has role `{role}`; scenarios run on chat providers",
                            provider.value
                        ),
                        at(path, provider),
                        path,
                    )
                    .with_help("name a provider with role `llm` (the default) or `image`"),
                );
            }
        }
        for turn in &spec.turns {
            if let Some(persona) = &turn.persona
                && !personas.contains(&persona.value.as_str())
            {
                out.push(
                    error(
                        format!("unknown persona `{}`", persona.value),
                        at(path, persona),
                        path,
                    )
                    .with_help(suggestion(&persona.value, &personas, "personas"))
                    .with_note(
                        "personas are listed under `self_play.personas` of the arena config",
                    ),
                );
            }
            let role = turn.role.value.as_str();
            if turn.persona.is_some() && !roles.contains(&role) {
                out.push(
                    error(format!("self-play role `{role}` is not defined"), at(path, &turn.role), path)
                        .with_help(suggestion(role, &roles, "self-play roles"))
                        .with_note("roles are listed under `self_play.roles` of the arena config, each with a provider"),
                );
            }
        }
    }

    for prompt in &project.prompts {
        let path = prompt.path.as_path();
        for tool in &prompt.spec.allowed_tools {
            if !known_tools.contains(&tool.value) {
                out.push(
                    error(
                        format!("allowed tool `{}` is not defined", tool.value),
                        at(path, tool),
                        path,
                    )
                    .with_help(known_tools.help(&tool.value)),
                );
            }
        }
    }

    if let Some(self_play) = &arena.self_play {
        for role in &self_play.roles {
            if !providers.contains(&role.provider.value.as_str()) {
                out.push(
                    error(
                        format!(
                            "self-play role `{}` uses unknown provider `{}`",
                            role.id.value, role.provider.value
                        ),
                        at(arena_path, &role.provider),
                        arena_path,
                    )
                    .with_help(suggestion(
                        &role.provider.value,
                        &providers,
                        "providers",
                    )),
                );
            }
        }
    }
    let judge_providers = arena.judges.iter().map(|j| &j.provider).chain(
        arena
            .judge_specs
            .iter()
            .flat_map(|s| s.values().map(|j| &j.provider)),
    );
    for provider in judge_providers {
        if !providers.contains(&provider.value.as_str()) {
            out.push(
                error(
                    format!("judge uses unknown provider `{}`", provider.value),
                    at(arena_path, provider),
                    arena_path,
                )
                .with_help(suggestion(&provider.value, &providers, "providers")),
            );
        }
    }
    check_workflow(project, &task_types, out);
    check_inference(project, out);
    check_exec_evals(project, out);

    for mock in &project.mock_configs {
        let path = mock.path.as_path();
        for (key, scenario) in mock.config.scenarios.iter().flat_map(|s| s.iter()) {
            if !project.partial
                && !scenarios.contains(&key.value.as_str())
                && !project
                    .evals
                    .iter()
                    .any(|e| crate::plan::eval_id(e) == key.value)
            {
                out.push(
                    warning(
                        format!("mock responses for unknown scenario `{}`", key.value),
                        at(path, key),
                        path,
                    )
                    .with_help(suggestion(&key.value, &scenarios, "scenarios"))
                    .with_note("these responses are never used by this project"),
                );
            }
            for turn in scenario.turns.iter().flat_map(|t| t.values()) {
                for call in turn.value.tool_calls() {
                    if !known_tools.contains(&call.name.value) {
                        out.push(
                            error(
                                format!("mock response calls unknown tool `{}`", call.name.value),
                                at(path, &call.name),
                                path,
                            )
                            .with_help(known_tools.help(&call.name.value)),
                        );
                    }
                }
            }
        }
    }
}

/// Exec-bound evals (`spec.runtime.evals`) whose command is a path name a file that
/// exists (relative paths from the config's folder).
fn check_exec_evals(project: &Project, out: &mut Diagnostics) {
    let arena_path = project.config_path.as_path();
    for (name, binding) in project.exec_evals() {
        let command = &binding.command;
        if !command.value.contains('/') {
            continue;
        }
        let path = project.exec_command(binding);
        if !path.is_file() {
            out.push(
                error(
                    format!(
                        "exec eval `{}`: `{}` does not exist",
                        name.value, command.value
                    ),
                    at(arena_path, command),
                    arena_path,
                )
                .with_note(format!("resolved to `{}`", path.display()))
                .with_help("a relative command is resolved from the arena config's folder"),
            );
        }
    }
}

/// `role: inference` providers have a supported type, and `defaults.inference` names
/// them.
fn check_inference(project: &Project, out: &mut Diagnostics) {
    let is_inference = |p: &&crate::load::ProviderEntry| {
        p.item
            .spec
            .role
            .as_ref()
            .is_some_and(|r| r.value == ProviderRole::Inference)
    };
    let inference: Vec<&str> = project
        .providers
        .iter()
        .filter(is_inference)
        .map(|p| p.item.id.as_str())
        .collect();
    for entry in project.providers.iter().filter(is_inference) {
        let kind = &entry.item.spec.r#type;
        if kind.value != ProviderType::HuggingFace {
            let path = entry.item.path.as_path();
            out.push(
                error(
                    format!("inference provider type `{}` is not supported", kind.value),
                    at(path, kind),
                    path,
                )
                .with_help("use `type: huggingface` (the only classifier backend)"),
            );
        }
    }
    let arena_path = project.config_path.as_path();
    let Some(defaults) = project
        .arena
        .spec
        .value
        .defaults
        .as_ref()
        .and_then(|d| d.inference.as_ref())
    else {
        return;
    };
    for id in [
        &defaults.text_classifier,
        &defaults.image_classifier,
        &defaults.audio_classifier,
        &defaults.video_classifier,
        &defaults.embedder,
    ]
    .into_iter()
    .flatten()
    {
        if !inference.contains(&id.value.as_str()) {
            out.push(
                error(
                    format!("`{}` is not a `role: inference` provider", id.value),
                    at(arena_path, id),
                    arena_path,
                )
                .with_help(suggestion(
                    &id.value,
                    &inference,
                    "inference providers",
                )),
            );
        }
    }
}

/// Every workflow state's `prompt_task` names a prompt.
fn check_workflow(project: &Project, task_types: &[&str], out: &mut Diagnostics) {
    let arena_path = project.config_path.as_path();
    // The pack schema requires these three; `compile` would refuse the pack without them.
    if let Some(workflow) = &project.arena.spec.value.workflow
        && let Some(map) = workflow.value.as_map()
    {
        for key in ["version", "entry", "states"] {
            if map.get(key).is_none() {
                out.push(
                    error(
                        format!("the workflow has no `{key}`"),
                        at_loc(arena_path, &workflow.referenced),
                        arena_path,
                    )
                    .with_help(match key {
                        "version" => "add `version: 1`",
                        "entry" => "name the initial state: `entry: <state>`",
                        _ => "define the states: `states: {<name>: {prompt_task: ...}}`",
                    }),
                );
            }
        }
    }
    let Some(states) = super::workflow(project)
        .and_then(|w| w.get("states"))
        .and_then(|s| s.value.as_map())
    else {
        return;
    };
    for (name, state) in states.iter() {
        let Some(task) = state.value.as_map().and_then(|s| s.get("prompt_task")) else {
            continue;
        };
        if let Some(task_name) = task.value.as_str()
            && !task_types.contains(&task_name)
        {
            out.push(
                error(
                    format!(
                        "workflow state `{}` uses unknown prompt task `{task_name}`",
                        name.value
                    ),
                    at_loc(arena_path, &task.referenced),
                    arena_path,
                )
                .with_help(suggestion(task_name, task_types, "task types")),
            );
        }
    }
}
