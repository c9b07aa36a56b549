//! Integration entries the runtime cannot serve as written, each a warning at its
//! line (the rest of an entry runs): MCP servers from host-provisioned sources
//! (`source`, `source_args`, `scope`); a skill `selector`. (A remote A2A agent's literal `auth.token`, never sent, is warned by
//! the field table.) Providers of the reference's platform embedding types (`bedrock`,
//! `vertex`), which this runtime does not implement.

use super::{at, warning};
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
        if server.source.is_some() || server.source_args.is_some() {
            out.push(
                warning(
                    format!("MCP server `{name}`: `source` (host-provisioned servers) is not run by this runtime"),
                    at(path, &server.name),
                    path,
                )
                .with_help("give the server a `command` (stdio) or a `url` (legacy SSE, or `transport: streamable_http`)"),
            );
        }
        if let Some(scope) = &server.scope {
            out.push(
                warning(
                    format!("MCP server `{name}`: `scope` is not applied; every server is shared by the whole run"),
                    at(path, scope),
                    path,
                )
                .with_note("the reference applies `scope` to `source` servers only"),
            );
        }
    }
}
