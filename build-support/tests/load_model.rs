//! Every YAML document of the conformance corpus parses into the model by its kind.

use std::path::{Path, PathBuf};

use promptkit_build::model::{
    ArenaSpec, Envelope, EvalSpec, Kind, Manifest, MockConfig, PersonaSpec, PromptSpec,
    ProviderSpec, ScenarioSpec, ToolSpec,
};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance");
const INVALID: &str = "customer-support-integrated/providers/mock-tool-scenarios.provider.yaml";

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

fn parse_as<S: serde::de::DeserializeOwned>(text: &str) -> Result<(), String> {
    serde_saphyr::from_str::<Manifest<S>>(text)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[test]
fn every_corpus_document_parses_by_kind() {
    let mut files = Vec::new();
    yaml_files(Path::new(CORPUS), &mut files);
    files.sort();
    let mut failures = Vec::new();
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for path in &files {
        if path.ends_with(INVALID) {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("readable");
        let result = match serde_saphyr::from_str::<Envelope>(&text) {
            Ok(env) => {
                let kind = env.parsed_kind().expect("known kind");
                *counts.entry(kind.to_string()).or_default() += 1;
                match kind {
                    Kind::Arena => parse_as::<ArenaSpec>(&text),
                    Kind::PromptConfig => parse_as::<PromptSpec>(&text),
                    Kind::Scenario => parse_as::<ScenarioSpec>(&text),
                    Kind::Provider => parse_as::<ProviderSpec>(&text),
                    Kind::Tool => parse_as::<ToolSpec>(&text),
                    Kind::Persona => parse_as::<PersonaSpec>(&text),
                    Kind::Eval => parse_as::<EvalSpec>(&text),
                }
            }
            Err(_) => {
                // Not a manifest: the mock response files (and the mock *tool* file no config names).
                *counts.entry("mock".into()).or_default() += 1;
                if path.ends_with("customer-support-integrated/mock-tool-scenarios.yaml") {
                    Ok(())
                } else {
                    serde_saphyr::from_str::<MockConfig>(&text)
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                }
            }
        };
        if let Err(e) = result {
            failures.push(format!("{}: {e}", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    let arenas = files
        .iter()
        .filter(|p| p.ends_with("config.arena.yaml"))
        .count();
    assert!(arenas > 0);
    assert_eq!(counts.get("Arena"), Some(&arenas), "{counts:?}");
}
