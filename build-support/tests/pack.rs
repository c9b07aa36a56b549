//! The pack compiler on the conformance corpus: every project compiles, every pack
//! validates against the official PromptPack schema, and compiling is deterministic.

use std::path::{Path, PathBuf};

use promptkit_build::diagnostic::RenderStyle;
use promptkit_build::load::LoadOptions;
use promptkit_build::pack::{CompileOptions, SCHEMA, compile_config};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance");

/// Projects without prompts (eval-only) cannot be packs: the reference packc refuses
/// them too ("no prompts found"), and the schema requires at least one prompt.
const PROMPTLESS: &[&str] = &["eval-test"];

fn is_promptless(config: &Path) -> bool {
    config
        .parent()
        .and_then(|d| d.file_name())
        .is_some_and(|n| PROMPTLESS.contains(&n.to_string_lossy().as_ref()))
}

fn projects() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .expect("conformance corpus")
        .flatten()
        .map(|e| e.path().join("config.arena.yaml"))
        .filter(|p| p.is_file() && !is_promptless(p))
        .collect();
    out.sort();
    out
}

fn compile_json(config: &Path) -> String {
    let compiled = compile_config(config, &LoadOptions::default(), &CompileOptions::default());
    let pack = compiled.pack.as_ref().unwrap_or_else(|| {
        panic!(
            "{} does not compile:\n{}",
            config.display(),
            compiled.render(RenderStyle::Plain)
        )
    });
    pack.to_json().expect("serialises")
}

#[test]
fn every_conformance_project_compiles_to_a_schema_valid_pack() {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let projects = projects();
    assert!(
        projects.len() >= 13,
        "corpus has {} projects",
        projects.len()
    );
    let mut failures = Vec::new();
    for config in &projects {
        let json = compile_json(config);
        let pack: serde_json::Value = serde_json::from_str(&json).expect("pack is JSON");
        let errors: Vec<String> = validator
            .iter_errors(&pack)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if !errors.is_empty() {
            failures.push(format!("{}:\n  {}", config.display(), errors.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn compiling_twice_gives_identical_bytes() {
    for config in projects() {
        assert_eq!(
            compile_json(&config),
            compile_json(&config),
            "{}",
            config.display()
        );
    }
}

#[test]
fn a_project_without_prompts_is_refused_with_a_located_error() {
    let config = Path::new(CORPUS).join("eval-test/config.arena.yaml");
    let compiled = compile_config(&config, &LoadOptions::default(), &CompileOptions::default());
    assert!(compiled.pack.is_none());
    let text = compiled.render(RenderStyle::Plain);
    assert!(text.contains("no prompt configs found"), "{text}");
    assert!(text.contains("eval-test/config.arena.yaml"), "{text}");
}

#[test]
fn workflow_errors_fail_the_compilation_at_the_workflow() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("prompts")).expect("mkdir");
    std::fs::write(
        root.join("prompts/intake.yaml"),
        "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: PromptConfig
metadata:
  name: intake
spec:
  task_type: intake
  version: 1.0.0
  description: Intake
  system_template: Hello.
",
    )
    .expect("write");
    let config = root.join("config.arena.yaml");
    std::fs::write(
        &config,
        "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Arena
metadata:
  name: wf
spec:
  prompt_configs:
    - id: intake
      file: prompts/intake.yaml
  workflow:
    version: 1
    entry: intake
    states:
      intake:
        prompt_task: intake
        on_event:
          Escalate: specialist
  defaults:
    temperature: 0.1
",
    )
    .expect("write");
    let compiled = compile_config(&config, &LoadOptions::default(), &CompileOptions::default());
    assert!(compiled.pack.is_none());
    let text = compiled.render(RenderStyle::Plain);
    assert!(
        text.contains("event `Escalate` goes to unknown state `specialist`"),
        "{text}"
    );
    assert!(text.contains("config.arena.yaml:10:5"), "{text}");
}

#[test]
fn missing_example_media_is_a_located_warning() {
    let config = Path::new(CORPUS).join("multimodal-basics/config.arena.yaml");
    let compiled = compile_config(&config, &LoadOptions::default(), &CompileOptions::default());
    assert!(compiled.pack.is_some(), "warnings do not fail the build");
    let text = compiled.render(RenderStyle::Plain);
    assert!(
        text.contains("warning: media file not found: ./test-images/sample-photo.jpg"),
        "{text}"
    );
    assert!(text.contains("prompts/image-analyzer.yaml:45:"), "{text}");
}
