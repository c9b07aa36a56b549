//! Every assertion written in the conformance projects names a known type and has params
//! that fit it (as checked at load time), and every validator of their prompts builds.

use promptkit::assertions::check_params;
use promptkit::validators::Validator;
use promptkit_build::load::{LoadOptions, load_project};
use promptkit_build::model::Assertion;
use promptkit_build::registry;
use serde_json::{Map, Value};

fn params_of(a: &Assertion) -> Map<String, Value> {
    a.params
        .as_ref()
        .and_then(|p| serde_json::to_value(&p.value).ok())
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default()
}

#[test]
fn conformance_assertions_and_validators_fit_the_registry() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance");
    let Ok(dirs) = std::fs::read_dir(root) else {
        return; // shared data absent (standalone checkout)
    };
    let mut checked = 0;
    let mut problems = Vec::new();
    for dir in dirs.flatten() {
        let config = dir.path().join("config.arena.yaml");
        if !config.exists() {
            continue;
        }
        let loaded = load_project(&config, &LoadOptions::default());
        let Some(project) = loaded.value else {
            continue;
        };
        for scenario in &project.scenarios {
            let spec = &scenario.spec;
            let turn_assertions = spec.turns.iter().flat_map(|t| t.assertions.iter());
            for a in spec.conversation_assertions.iter().chain(turn_assertions) {
                checked += 1;
                let name = a.r#type.value.as_str();
                let Some(ty) = registry::assertion_type(name) else {
                    problems.push(format!("{}: unknown type {name}", scenario.path.display()));
                    continue;
                };
                for p in check_params(ty, &params_of(a)) {
                    problems.push(format!("{}: {name}: {p}", scenario.path.display()));
                }
            }
        }
        for prompt in &project.prompts {
            let value = serde_json::to_value(&prompt.spec).unwrap_or_default();
            for v in value
                .get("validators")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let ty = v.get("type").and_then(Value::as_str).unwrap_or_default();
                let params = v
                    .get("params")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                checked += 1;
                if let Err(e) = Validator::new(ty, &params) {
                    problems.push(format!("{}: {e}", prompt.path.display()));
                }
            }
        }
    }
    eprintln!("conformance assertions and validators checked: {checked}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        checked > 100,
        "expected the conformance projects' assertions, found {checked}"
    );
}
