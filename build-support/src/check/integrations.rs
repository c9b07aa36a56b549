//! Integration entries: an MCP server needs exactly one of `command`, `url` or `source`
//! (with a `scope`), and a `transport` its endpoint can take, as the reference's config
//! validation requires (errors at the entry); a `scope` without a `source` and a skill
//! `selector`, which do nothing, are warnings. (A remote A2A agent's literal `auth.token`, never sent, is
//! warned by the field table.) Providers of the reference's platform embedding types
//! (`bedrock`, `vertex`), which this runtime does not implement, are warned at their type.

use super::{at, error, warning};
use crate::diagnostic::Diagnostics;
use crate::load::Project;
use crate::model::ProviderType;

pub(super) fn check(project: &Project, out: &mut Diagnostics) {
    check_mcp(project, out);
    check_platform_embedders(project, out);
    let arena = &project.arena.spec.value;
    let path = project.config_path.as_path();
    let selector = arena
        .runtime
        .as_ref()
        .and_then(|r| r.skills.as_ref())
        .and_then(|s| s.selector.as_ref());
    if let Some(selector) = selector {
        out.push(warning(
            "skill `selector` is not applied: every skill is listed in the `skill__activate` index",
            at(path, selector),
            path,
        ));
    }
}

/// `type: bedrock` / `type: vertex`: the reference's embedding providers on a cloud
/// platform (Bedrock's Titan and Cohere bodies, Vertex's embedding models).
fn check_platform_embedders(project: &Project, out: &mut Diagnostics) {
    for entry in &project.providers {
        let kind = &entry.item.spec.r#type;
        if !matches!(kind.value, ProviderType::Bedrock | ProviderType::Vertex) {
            continue;
        }
        let path = entry.item.path.as_path();
        out.push(
            warning(
                format!(
                    "provider `{}`: `type: {}` (the reference's {} embedding provider) is not implemented in this build; the provider is never called",
                    entry.item.id,
                    kind.value,
                    match kind.value {
                        ProviderType::Bedrock => "AWS Bedrock Titan/Cohere",
                        _ => "GCP Vertex AI",
                    }
                ),
                at(path, kind),
                path,
            )
            .with_help("chat models on the platform are `type: claude`, `openai` or `gemini` with `platform: {type: bedrock | vertex}`"),
        );
    }
}

fn check_mcp(project: &Project, out: &mut Diagnostics) {
    let arena = &project.arena.spec.value;
    let path = project.config_path.as_path();
    let servers = arena
        .mcp_servers
        .iter()
        .chain(arena.runtime.iter().flat_map(|r| r.mcp_servers.iter()));
    for server in servers {
        let name = &server.name.value;
        let ways = [
            server.command.is_some(),
            server.url.is_some(),
            server.source.is_some(),
        ];
        if ways.iter().filter(|w| **w).count() != 1 {
            out.push(
                error(
                    format!("MCP server `{name}` needs exactly one of `command`, `url` or `source`"),
                    at(path, &server.name),
                    path,
                )
                .with_help("`command` starts a stdio server, `url` reaches an HTTP one (legacy SSE, or `transport: streamable_http`), `source` has a host-provisioned one opened per `scope` (e.g. `source: docker`)"),
            );
        }
        if server.source.is_some() && server.scope.is_none() {
            out.push(
                error(
                    format!("MCP server `{name}` has a `source` but no `scope`"),
                    at(path, &server.name),
                    path,
                )
                .with_help("add `scope: run`, `scope: scenario` or `scope: session`: when the source opens and closes the server"),
            );
        }
        if let Some(scope) = server.scope.as_ref().filter(|_| server.source.is_none()) {
            out.push(
                warning(
                    format!("MCP server `{name}`: `scope` applies to `source` servers only; this one is shared by the whole run"),
                    at(path, scope),
                    path,
                )
                .with_note("the reference ignores `scope` without `source` too"),
            );
        }
        let bad_path = server
            .env
            .iter()
            .flat_map(|env| env.iter())
            .find(|(key, value)| key.value == "PATH" && !value.contains('/'));
        if let Some((key, value)) = bad_path {
            out.push(
                warning(
                    format!("MCP server `{name}`: `env.PATH` is `{value}`, which names no folder"),
                    at(path, key),
                    path,
                )
                .with_note("the server gets it as its whole PATH (the reference's client does the same), so the programs it starts — `node` for `npx`, say — will not be found")
                .with_help("remove `PATH` from `env` to keep this process's PATH, or list real folders"),
            );
        }
        if let Some(transport) = &server.transport {
            let needs = match transport.value.as_str() {
                "sse" | "streamable_http" => server.url.is_none().then_some("url"),
                "stdio" => server.command.is_none().then_some("command"),
                _ => None,
            };
            if let Some(field) = needs {
                out.push(error(
                    format!(
                        "MCP server `{name}`: `transport: {}` requires `{field}`",
                        transport.value
                    ),
                    at(path, transport),
                    path,
                ));
            }
        }
    }
}
