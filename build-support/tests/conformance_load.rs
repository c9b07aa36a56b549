//! Every project under `shared/conformance` (any folder with a `config.arena.yaml`,
//! picked up without code changes) loads with zero errors, and the loaded project holds
//! exactly what its arena config lists.

use std::path::PathBuf;

use promptkit_build::diagnostic::RenderStyle;
use promptkit_build::load::{LoadOptions, load_project};
use promptkit_build::model::{Node, Value};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance");

/// The corpus folder without `..` (the loader folds `..` lexically, like Go's `filepath.Join`).
fn corpus() -> PathBuf {
    std::fs::canonicalize(CORPUS).expect("conformance corpus present")
}

fn projects() -> Vec<PathBuf> {
    crate::support::conformance_configs()
}

/// Length of the list at `spec.<key>` (or `spec.<a>.<b>`) read generically, not via the loader.
fn listed(config: &Node, path: &[&str]) -> usize {
    let mut node = config.value.as_map().and_then(|m| m.get("spec"));
    for key in path {
        node = node
            .and_then(|n| n.value.as_map())
            .and_then(|m| m.get(*key));
    }
    match node.map(|n| &n.value) {
        Some(Value::Seq(items)) => items.len(),
        Some(Value::Map(map)) => map.len(),
        _ => 0,
    }
}

#[test]
fn every_conformance_project_loads_clean() {
    let projects = projects();
    assert!(
        projects.len() >= 14,
        "found only {} projects",
        projects.len()
    );
    let mut failures = Vec::new();
    for config_path in &projects {
        let loaded = load_project(config_path, &LoadOptions::default());
        if loaded.diagnostics.has_errors() || loaded.value.is_none() {
            failures.push(loaded.render(RenderStyle::Plain));
            continue;
        }
        let Some(project) = loaded.value else {
            continue;
        };
        let text = std::fs::read_to_string(config_path).expect("readable");
        let config: Node = serde_saphyr::from_str(&text).expect("arena config is YAML");
        let name = config_path.display();
        let count = |keys: &[&[&str]]| keys.iter().map(|k| listed(&config, k)).sum::<usize>();
        assert_eq!(
            project.prompts.len(),
            count(&[&["prompt_configs"], &["prompt_specs"]]),
            "{name}: prompts"
        );
        assert_eq!(
            project.providers.len(),
            count(&[
                &["providers"],
                &["provider_specs"],
                &["tts_providers"],
                &["stt_providers"],
                &["embedding_providers"],
                &["image_providers"],
            ]),
            "{name}: providers"
        );
        assert_eq!(
            project.scenarios.len(),
            count(&[&["scenarios"], &["scenario_specs"]]),
            "{name}: scenarios"
        );
        assert_eq!(
            project.tools.len(),
            count(&[&["tools"], &["tool_specs"]]),
            "{name}: tools"
        );
        assert_eq!(
            project.evals.len(),
            count(&[&["evals"], &["eval_specs"]]),
            "{name}: evals"
        );
        let self_play_on = config
            .value
            .as_map()
            .and_then(|m| m.get("spec"))
            .and_then(|s| s.value.as_map())
            .and_then(|s| s.get("self_play"))
            .and_then(|s| s.value.as_map())
            .and_then(|s| s.get("enabled"))
            .is_none_or(|e| e.value.as_bool() != Some(false));
        let personas = count(&[&["self_play", "personas"], &["self_play", "persona_specs"]]);
        let expected = if self_play_on { personas } else { 0 };
        assert_eq!(project.personas.len(), expected, "{name}: personas");
        // Every scenario's task_type names a loaded prompt (as in the reference's validator).
        for scenario in &project.scenarios {
            if let Some(task) = &scenario.spec.task_type {
                assert!(
                    project.prompt_for_task(&task.value).is_some(),
                    "{name}: scenario {} names unknown task_type {}",
                    scenario.id,
                    task.value
                );
            }
        }
        // Every mock provider's response file was found and parsed.
        for provider in &project.providers {
            if let Some(path) = &provider.mock_config {
                assert!(
                    project.mock_config_of(provider).is_some(),
                    "{name}: {}",
                    path.display()
                );
            }
        }
        // Only referenced files are read, all inside the project folder, the config first.
        let root = config_path.parent().expect("folder");
        assert_eq!(loaded.files.first(), Some(config_path));
        for file in &loaded.files {
            assert!(file.starts_with(root), "{name}: read {}", file.display());
            assert!(
                !file.ends_with("mock-tool-scenarios.provider.yaml"),
                "{name}: read the unreferenced invalid file"
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} projects failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn mock_config_resolves_from_the_arena_folder() {
    let config = corpus().join("customer-support-integrated/config.arena.yaml");
    let loaded = load_project(&config, &LoadOptions::default());
    let project = loaded.value.expect("loads");
    let mock = project
        .provider("mock-tool-simulation")
        .expect("provider present");
    let expected = corpus().join("customer-support-integrated/providers/mock-tool-scenarios.yaml");
    assert_eq!(mock.mock_config.as_deref(), Some(expected.as_path()));
    let file = project.mock_config_of(mock).expect("parsed");
    let scenarios = file.config.scenarios.as_ref().expect("scenarios");
    assert!(scenarios.contains_key("billing-question"));
    // That file spells `default_response`, which the reference ignores: a warning, not an error.
    assert!(
        loaded
            .diagnostics
            .warnings()
            .any(|d| d.message.contains("default_response"))
    );
}
