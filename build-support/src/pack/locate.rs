//! Where in the YAML a value of a compiled pack came from, by its JSON pointer: a
//! prompt's field in its prompt file, a tool in its tool file, the workflow, agents and
//! evals in the arena config. Schema failures of a pack are reported there.

use std::path::Path;

use serde_saphyr::Spanned;

use crate::diagnostic::SourceLocation;
use crate::load::Project;
use crate::model::Node;

/// The YAML location that produced the pack value at `pointer` (`/prompts/support/version`),
/// or the nearest enclosing one; the arena config when none is closer.
pub(super) fn source_of(project: &Project, pointer: &str) -> SourceLocation {
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let segment = |i: usize| segments.get(i).map(String::as_str);
    let config = project.config_path.as_path();
    let arena = &project.arena.spec.value;
    let found = match segment(0) {
        Some("prompts") => segment(1).and_then(|id| {
            let prompt = project
                .prompts
                .iter()
                .find(|p| p.spec.task_type.value == id)?;
            let spec = &prompt.spec;
            let index = segment(3).and_then(|i| i.parse::<usize>().ok());
            let field = match segment(2) {
                Some("version") => spec.version.as_ref().and_then(|v| at(&prompt.path, v)),
                Some("description") => spec.description.as_ref().and_then(|v| at(&prompt.path, v)),
                Some("system_template") => spec
                    .system_template
                    .as_ref()
                    .and_then(|v| at(&prompt.path, v)),
                Some("variables") => index
                    .and_then(|i| spec.variables.get(i))
                    .and_then(|v| at(&prompt.path, &v.name)),
                Some("validators") => index
                    .and_then(|i| spec.validators.get(i))
                    .and_then(|v| at(&prompt.path, &v.r#type)),
                Some("tools") => index
                    .and_then(|i| spec.allowed_tools.get(i))
                    .and_then(|v| at(&prompt.path, v)),
                Some("evals") => index
                    .and_then(|i| spec.evals.get(i))
                    .and_then(|e| at(&prompt.path, &e.id)),
                _ => None,
            };
            field.or_else(|| at(&prompt.path, &spec.task_type))
        }),
        Some("tools") => segment(1).and_then(|name| {
            let tool = project.tools.iter().find(|t| {
                t.spec
                    .name
                    .as_ref()
                    .map_or(t.id.as_str(), |n| n.value.as_str())
                    == name
            })?;
            tool.spec
                .name
                .as_ref()
                .and_then(|n| at(&tool.path, n))
                .or_else(|| Some(SourceLocation::file(&tool.path)))
        }),
        Some("evals") => segment(1)
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| arena.pack_evals.get(i))
            .and_then(|e| at(config, &e.id)),
        Some("workflow") => arena
            .workflow
            .as_ref()
            .and_then(|n| at(config, deepest(n, &segments[1..]))),
        Some("agents") => arena
            .agents
            .as_ref()
            .and_then(|n| at(config, deepest(n, &segments[1..]))),
        _ => None,
    };
    found.unwrap_or_else(|| SourceLocation::file(config))
}

/// The node the map keys of `path` lead to from `node`, as far as they go.
fn deepest<'a>(node: &'a Node, path: &[String]) -> &'a Node {
    path.iter()
        .try_fold(node, |node, key| {
            node.value.as_map().and_then(|m| m.get(key.as_str()))
        })
        .or_else(|| path.len().checked_sub(1).map(|n| deepest(node, &path[..n])))
        .unwrap_or(node)
}

fn at<T>(path: &Path, value: &Spanned<T>) -> Option<SourceLocation> {
    SourceLocation::from_yaml(path, &value.referenced)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadOptions, load_project};

    const EXAMPLE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/arena-quickstart/config.arena.yaml"
    );

    fn place(project: &Project, pointer: &str) -> (String, u32) {
        let at = source_of(project, pointer);
        let file = at
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        (file, at.line)
    }

    #[test]
    fn pointers_lead_back_to_the_yaml_that_made_them() {
        let loaded = load_project(EXAMPLE, &LoadOptions::default());
        let project = loaded.value.as_ref().expect("the example loads");
        let prompt = std::fs::read_to_string(&project.prompts[0].path).expect("prompt file");
        let line_of = |needle: &str| {
            prompt
                .lines()
                .position(|l| l.trim_start().starts_with(needle))
                .map(|i| i as u32 + 1)
                .expect("in the prompt file")
        };
        assert_eq!(
            place(project, "/prompts/support/version"),
            ("support.yaml".into(), line_of("version:"))
        );
        assert_eq!(
            place(project, "/prompts/support/validators/0/type"),
            ("support.yaml".into(), line_of("- type: banned_words"))
        );
        // A field without a finer location: the prompt's task_type.
        assert_eq!(
            place(project, "/prompts/support/parameters/temperature"),
            ("support.yaml".into(), line_of("task_type:"))
        );
        assert_eq!(
            place(project, "/tools/get_order_status/parameters").0,
            "get-order-status.tool.yaml"
        );
        assert_eq!(place(project, "/id").0, "config.arena.yaml");
    }

    #[test]
    fn pointers_into_free_form_sections_reach_the_key() {
        let config = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../promptkit/tests/data/workflow-agent-loops/config.arena.yaml"
        );
        let outcome = crate::frontend::Frontend::new().project(config);
        let project: &Project = outcome.checked.as_ref().expect("the example checks");
        let text = std::fs::read_to_string(config).expect("config");
        let line_of = |needle: &str| {
            text.lines()
                .position(|l| l.trim_start().starts_with(needle))
                .map(|i| i as u32 + 1)
                .expect("in the config")
        };
        let state = line_of("state: research");
        assert_eq!(place(project, "/agents/members/research/state").1, state);
        // Keys that do not exist stop at the deepest one that does: the `research`
        // mapping, which starts at its first key.
        assert_eq!(place(project, "/agents/members/research/nope").1, state);
        assert_eq!(place(project, "/agents/nope/x").1, line_of("agents:") + 1);
        // A mapping value starts at its first key, the line after its own key.
        assert_eq!(
            place(project, "/workflow/states/summarize").1,
            line_of("summarize:") + 1
        );
    }
}
