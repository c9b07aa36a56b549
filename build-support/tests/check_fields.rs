//! The field-status check: a field the runtime accepts but does not execute is a
//! warning at its key, a refused one an error; unset values, executed fields and the
//! fields under a reported one stay silent.

use std::path::Path;

use promptkit_build::check::check_project;
use promptkit_build::diagnostic::{Diagnostic, Severity};
use promptkit_build::load::{LoadOptions, load_project};

const ARENA: &str = r#"apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Arena
metadata:
  name: fields
spec:
  prompt_configs:
    - id: support
      file: prompt.yaml
  providers:
    - file: mock.provider.yaml
  scenarios:
    - file: chat.scenario.yaml
  provider_specs:
    inline-claude:
      type: claude
      model: claude-sonnet
      platform:
        type: bedrock
        region: us-east-1
  defaults:
    concurrency: 2
    temperature: 0.3
"#;

const PROMPT: &str = r#"apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: PromptConfig
metadata:
  name: support
spec:
  task_type: support
  system_template: "You help."
  version: "1.0.0"
  description: "Helps."
"#;

const PROVIDER: &str = r#"apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Provider
metadata:
  name: mock
spec:
  type: mock
  model: mock-model
  include_raw_output: false
  credential:
    credential_env: MOCK_KEY
    credential_file: /etc/keys/mock
  additional_config:
    mock_config: mock.yaml
"#;

const SCENARIO: &str = r#"apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Scenario
metadata:
  name: chat
spec:
  task_type: support
  streaming: true
  duplex:
    timeout: 10s
    turn_detection:
      mode: vad
  turns:
    - role: user
      content: "hi"
      streaming: false
    - role: user
      content: "again"
      streaming: true
      assertions:
        - type: content_includes
          params:
            patterns: ["hi"]
  description: "Two turns."
"#;

const MOCK: &str = r#"defaultResponse: "hello"
scenarios:
  chat:
    turns:
      1: "hi there"
      2:
        content: "again"
        audio_file: hello.wav
    steps:
      plan: "a plan"
"#;

/// Writes the project into `dir` with `provider` as its provider file, and loads it.
fn load(
    dir: &Path,
    provider: &str,
) -> promptkit_build::load::Loaded<promptkit_build::load::Project> {
    for (name, text) in [
        ("config.arena.yaml", ARENA),
        ("prompt.yaml", PROMPT),
        ("mock.provider.yaml", provider),
        ("chat.scenario.yaml", SCENARIO),
        ("mock.yaml", MOCK),
    ] {
        std::fs::write(dir.join(name), text).expect("write");
    }
    load_project(dir.join("config.arena.yaml"), &LoadOptions::default())
}

fn check() -> Vec<Diagnostic> {
    check_with(PROVIDER)
}

/// [`check`] with `provider` as the provider file.
fn check_with(provider: &str) -> Vec<Diagnostic> {
    let temp = tempfile::tempdir().expect("temp dir");
    let loaded = load(temp.path(), provider);
    assert!(!loaded.diagnostics.has_errors(), "{:?}", loaded.diagnostics);
    let mut diagnostics = check_project(&loaded).into_vec();
    for d in &mut diagnostics {
        if let Some(l) = &mut d.location {
            l.path = l
                .path
                .strip_prefix(temp.path())
                .unwrap_or(&l.path)
                .to_path_buf();
        }
    }
    diagnostics
}

/// `file:line:col severity message` of the field diagnostics.
fn lines() -> Vec<String> {
    check()
        .iter()
        .filter(|d| d.notes.iter().any(|n| n.starts_with("field status:")))
        .map(|d| {
            let l = d.location.as_ref().expect("located");
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            format!(
                "{}:{}:{} {severity} {}",
                Path::new(&l.path).display(),
                l.line,
                l.column,
                d.message
            )
        })
        .collect()
}

#[test]
fn each_unexecuted_field_is_reported_once_at_its_key() {
    let mut got = lines();
    got.sort();
    let want = [
        "chat.scenario.yaml:8:3 warning `duplex` is accepted but not executed by this runtime: duplex (voice) sessions are not implemented",
        "mock.yaml:8:9 warning `audio_file` is accepted but not executed by this runtime: read only by the reference's duplex (voice) mock sessions, which stream the file as audio chunks; duplex is not implemented",
        "mock.yaml:9:5 warning `steps` is accepted but not executed by this runtime: composition steps are not run",
    ];
    assert_eq!(got, want);
}

#[test]
fn refused_fields_are_errors_with_a_fix() {
    // The inline Bedrock provider of the arena (`platform.region`) is executed now; the
    // one refused field left is a literal key.
    let diagnostics = check_with(&PROVIDER.replace(
        "    credential_file: /etc/keys/mock\n",
        "    api_key: literal\n",
    ));
    let refused: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(refused.len(), 1, "{refused:#?}");
    for d in refused {
        assert!(d.help.iter().any(|h| h.starts_with("remove `")), "{d:?}");
        assert!(
            d.notes.iter().any(|n| n.contains("is refused (FIELDS.md)")),
            "{d:?}"
        );
    }
}

#[test]
fn a_prompt_checked_alone_reports_its_fields_too() {
    let temp = tempfile::tempdir().expect("temp dir");
    let path = temp.path().join("prompt.yaml");
    let text = format!(
        "{PROMPT}  evals:\n    - id: tone\n      type: contains\n      params: {{patterns: [thanks]}}\n      trigger: every_turn\n  parameters:\n    temperature: 0.2\n    top_k: 40\n"
    );
    std::fs::write(&path, text).expect("write");
    let loaded = promptkit_build::load::load_prompt_file(&path, &LoadOptions::default());
    let prompt = loaded.value.as_ref().expect("loads");
    let diagnostics =
        promptkit_build::check::check_prompts(std::slice::from_ref(prompt), &loaded.sources);
    let got: Vec<(u32, &str)> = diagnostics
        .warnings()
        .map(|d| {
            (
                d.location.as_ref().map_or(0, |l| l.line),
                d.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                14,
                "accepted but not executed by this runtime: `trigger: every_turn`"
            ),
            (
                17,
                "`top_k` is accepted but not executed by this runtime: copied into the pack; no provider request carries top_k"
            ),
        ]
    );
}

#[test]
fn a_refused_secret_is_blamed_on_its_mapping_and_never_shown() {
    let temp = tempfile::tempdir().expect("temp dir");
    let secret = "sk-live-DO-NOT-PRINT-1234";
    let provider = PROVIDER.replace(
        "    credential_file: /etc/keys/mock\n",
        &format!("    api_key: {secret}\n"),
    );
    let loaded = load(temp.path(), &provider);
    let diagnostics = check_project(&loaded);
    let rendered = diagnostics.render(
        &loaded.sources,
        promptkit_build::diagnostic::RenderStyle::Plain,
    );
    assert!(!rendered.contains(secret), "{rendered}");
    let error = diagnostics
        .errors()
        .find(|d| d.message.starts_with("`api_key`"))
        .expect("api_key is refused");
    // Line 9 is `credential:`; the key sits on line 11.
    assert_eq!(
        error.location.as_ref().map(|l| l.line),
        Some(9),
        "{rendered}"
    );
}
