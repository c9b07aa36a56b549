//! The pack compiler on the conformance corpus: every project compiles, every pack
//! validates against the official PromptPack schema, and compiling is deterministic.

use std::path::{Path, PathBuf};

use promptkit_build::diagnostic::RenderStyle;
use promptkit_build::frontend::Frontend;
use promptkit_build::pack::{CompileOptions, SCHEMA};

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
    let compiled = Frontend::new()
        .project(config)
        .compile(&CompileOptions::default());
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
    let compiled = Frontend::new()
        .project(&config)
        .compile(&CompileOptions::default());
    assert!(compiled.pack.is_none());
    let text = compiled.render(RenderStyle::Plain);
    assert!(text.contains("no prompt configs found"), "{text}");
    assert!(text.contains("eval-test/config.arena.yaml"), "{text}");
}

/// The diagnostics of compiling `config`, which must give no pack.
fn refused(config: &Path) -> String {
    let compiled = Frontend::new()
        .project(config)
        .compile(&CompileOptions::default());
    assert!(compiled.pack.is_none());
    compiled.render(RenderStyle::Plain)
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
    let text = refused(&config);
    assert!(
        text.contains("event `Escalate` goes to unknown state `specialist`"),
        "{text}"
    );
    assert!(text.contains("config.arena.yaml:10:5"), "{text}");
}

/// The reference's RFC 0011 example backs agents with workflow states (`state:`), which
/// the official schema does not have: compiling refuses it at the field, and says why.
#[test]
fn state_backed_agents_are_refused_at_their_line_with_the_reason() {
    let config = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../promptkit/tests/data/workflow-agent-loops/config.arena.yaml");
    let text = refused(&config);
    assert!(
        text.contains("breaks the PromptPack schema at `/agents/members/research`"),
        "{text}"
    );
    assert!(text.contains("config.arena.yaml:85:16"), "{text}");
    assert!(
        text.contains("not in the official PromptPack schema; the reference's packc accepts it only against the pre-release schema 1.5.0"),
        "{text}"
    );
}

#[test]
fn missing_example_media_is_a_located_warning() {
    let config = Path::new(CORPUS).join("multimodal-basics/config.arena.yaml");
    let compiled = Frontend::new()
        .project(&config)
        .compile(&CompileOptions::default());
    assert!(compiled.pack.is_some(), "warnings do not fail the build");
    let text = compiled.render(RenderStyle::Plain);
    assert!(
        text.contains("warning: media file not found: ./test-images/sample-photo.jpg"),
        "{text}"
    );
    assert!(text.contains("prompts/image-analyzer.yaml:45:"), "{text}");
}

#[test]
fn prompt_fields_are_compiled_as_the_reference_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("prompts/fragments")).expect("mkdir");
    std::fs::write(
        root.join("prompts/fragments/policy.yaml"),
        "content: Be polite.",
    )
    .expect("write");
    std::fs::write(
        root.join("prompts/support.yaml"),
        r#"apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: PromptConfig
metadata:
  name: support-bot
spec:
  task_type: support
  version: 1.2.0
  description: Support
  system_template: "Hi {{user}}. {{policy}}"
  fragments:
    - name: policy
      required: false
  variables:
    - name: user
      required: true
      binding:
        kind: project
        field: name
    - name: tier
      type: string
      default: null
      validation:
        enum: [gold, silver]
  validators:
    - type: banned_words
      message: Blocked.
      params:
        words: [x]
    - type: max_length
      enabled: false
      params: {}
  tool_policy:
    tool_choice: auto
    max_rounds: 3
  parameters:
    temperature: 0.3
    max_tokens: 200
  model_overrides:
    gpt-4o:
      system_template_suffix: " Be brief."
  tested_models:
    - provider: openai
      model: gpt-4o
      date: "2025-01-01"
      success_rate: 0.9
"#,
    )
    .expect("write");
    let config = root.join("config.arena.yaml");
    std::fs::write(
        &config,
        "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Arena
metadata:
  name: fields
spec:
  prompt_configs:
    - id: support
      file: prompts/support.yaml
  defaults:
    temperature: 0.1
",
    )
    .expect("write");
    let options = CompileOptions {
        pack_id: Some("fields".into()),
        ..CompileOptions::default()
    };
    let compiled = Frontend::new().project(&config).compile(&options);
    let pack = compiled
        .pack
        .as_ref()
        .unwrap_or_else(|| panic!("{}", compiled.render(RenderStyle::Plain)));
    let json: serde_json::Value =
        serde_json::from_str(&pack.to_json().expect("json")).expect("json");
    let p = &json["prompts"]["support"];
    assert_eq!(p["name"], "support-bot");
    assert_eq!(
        p["variables"],
        serde_json::json!([
            {"name": "user", "type": "string", "required": true},
            {"name": "tier", "type": "string", "required": false, "validation": {"enum": ["gold", "silver"]}}
        ]),
        "type defaults to string, binding and null default dropped"
    );
    assert_eq!(
        p["validators"],
        serde_json::json!([
            {"type": "banned_words", "enabled": true, "params": {"message": "Blocked.", "words": ["x"]}},
            {"type": "max_length", "enabled": false}
        ]),
        "message folded into params, enabled defaults to true, empty params dropped"
    );
    assert_eq!(
        p["tool_policy"],
        serde_json::json!({"tool_choice": "auto", "max_rounds": 3})
    );
    assert_eq!(
        p["parameters"],
        serde_json::json!({"temperature": 0.3, "max_tokens": 200})
    );
    assert_eq!(
        p["model_overrides"],
        serde_json::json!({"gpt-4o": {"system_template_suffix": " Be brief."}})
    );
    assert_eq!(p["tested_models"][0]["success_rate"], 0.9);
    // Unlike the reference's `{"policy": "{{policy}}"}`, the fragment's text: composed
    // into the template and kept in `fragments`, so every PromptPack client renders it.
    assert_eq!(
        json["fragments"],
        serde_json::json!({"policy": "Be polite."})
    );
    assert_eq!(p["system_template"], "Hi {{user}}. Be polite.");
    assert_eq!(json["description"], "Pack containing 1 prompts");
    assert_eq!(json["version"], "v1.0.0");
    assert_eq!(json["compilation"]["schema"], "v1");
    let keys: Vec<&String> = json.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        [
            "$schema",
            "id",
            "name",
            "version",
            "description",
            "template_engine",
            "prompts",
            "fragments",
            "compilation"
        ],
        "the reference's key order"
    );
}

fn skills_project(root: &Path, skills: &str) -> PathBuf {
    std::fs::create_dir_all(root.join("prompts")).expect("mkdir");
    std::fs::create_dir_all(root.join("skills/refunds")).expect("mkdir");
    std::fs::write(
        root.join("prompts/p.yaml"),
        "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: PromptConfig
metadata:
  name: p
spec:
  task_type: p
  version: 1.0.0
  description: P
  system_template: Hello.
",
    )
    .expect("write");
    let config = root.join("config.arena.yaml");
    std::fs::write(
        &config,
        format!(
            "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Arena
metadata:
  name: skills
spec:
  prompt_configs:
    - id: p
      file: prompts/p.yaml
  skills:
{skills}
  defaults:
    temperature: 0.1
"
        ),
    )
    .expect("write");
    config
}

#[test]
fn skills_are_packed_as_relative_paths_and_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = skills_project(
        dir.path(),
        "    - path: ./skills/\n    - name: tone\n      description: Tone\n      instructions: Be kind.\n",
    );
    let compiled = Frontend::new()
        .project(&config)
        .compile(&CompileOptions::default());
    let pack = compiled
        .pack
        .as_ref()
        .unwrap_or_else(|| panic!("{}", compiled.render(RenderStyle::Plain)));
    assert_eq!(
        serde_json::to_value(&pack.skills).expect("json"),
        serde_json::json!([
            {"path": "skills"},
            {"name": "tone", "description": "Tone", "instructions": "Be kind."}
        ])
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let config = skills_project(
        dir.path(),
        "    - name: tone\n      description: Tone\n    - name: tone\n      description: T\n      instructions: I\n",
    );
    let compiled = Frontend::new()
        .project(&config)
        .compile(&CompileOptions::default());
    assert!(compiled.pack.is_none());
    let text = compiled.render(RenderStyle::Plain);
    assert!(
        text.contains("skills[0]: inline skill `tone` is missing required field `instructions`"),
        "{text}"
    );
    assert!(
        text.contains("skills[1]: duplicate skill name `tone`"),
        "{text}"
    );
}
