//! The build-script API: the pack lands in the out dir, cargo is told to rerun on
//! exactly the files read, errors carry file:line:col, and credentials never reach a pack.

use std::path::{Path, PathBuf};

use promptkit_build::diagnostic::RenderStyle;
use promptkit_build::{BuildError, Builder};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance");

fn write(root: &Path, rel: &str, text: &str) -> PathBuf {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
    std::fs::write(&path, text).expect("write");
    path
}

const PROMPT: &str = "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: PromptConfig
metadata:
  name: support
spec:
  task_type: support
  version: v1.0.0
  description: Customer support
  system_template: You help {{customer}}.
  variables:
    - name: customer
      required: true
";

fn project(root: &Path, provider: &str) -> PathBuf {
    write(root, "prompts/support.yaml", PROMPT);
    write(root, "providers/openai.yaml", provider);
    write(root, "README.md", "not read by the compiler");
    write(
        root,
        "config.arena.yaml",
        "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Arena
metadata:
  name: app
spec:
  prompt_configs:
    - id: support
      file: prompts/support.yaml
  providers:
    - file: providers/openai.yaml
  defaults:
    temperature: 0.2
",
    )
}

const SECRET: &str = "sk-live-THIS-MUST-NEVER-LEAK-1234567890";

fn provider_with_credentials() -> String {
    format!(
        "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Provider
metadata:
  name: openai
spec:
  id: openai
  type: openai
  model: gpt-4o-mini
  headers:
    Authorization: Bearer {SECRET}
  credential:
    api_key: {SECRET}
    credential_env: OPENAI_API_KEY
"
    )
}

#[test]
fn writes_the_pack_and_reruns_on_exactly_the_files_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = project(dir.path(), &provider_with_credentials());
    let out = dir.path().join("out");
    let mut directives = Vec::new();
    let output = Builder::new(&config)
        .pack("app.pack.json")
        .out_dir(&out)
        .dist(dir.path().join("dist/app.pack.json"))
        .run_with(&mut directives)
        .expect("builds");
    let directives = String::from_utf8(directives).expect("utf-8");
    let reruns: Vec<&str> = directives
        .lines()
        .filter_map(|l| l.strip_prefix("cargo:rerun-if-changed="))
        .collect();
    let mut expected: Vec<String> = [
        "config.arena.yaml",
        "prompts/support.yaml",
        "providers/openai.yaml",
    ]
    .iter()
    .map(|f| dir.path().join(f).display().to_string())
    .collect();
    let mut got: Vec<String> = reruns.iter().map(|s| (*s).to_owned()).collect();
    expected.sort();
    got.sort();
    assert_eq!(got, expected, "{directives}");
    assert!(!directives.contains("README.md"));
    assert_eq!(output.pack_path, out.join("app.pack.json"));
    let written = std::fs::read_to_string(&output.pack_path).expect("pack written");
    assert!(written.contains("\"support\""));
    let dist = std::fs::read_to_string(output.dist_path.expect("dist")).expect("dist written");
    assert_eq!(dist, written);
}

#[test]
fn provider_credentials_never_reach_the_pack() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = project(dir.path(), &provider_with_credentials());
    let output = Builder::new(&config)
        .out_dir(dir.path())
        .run_with(&mut Vec::new())
        .expect("builds");
    let written = std::fs::read_to_string(&output.pack_path).expect("pack written");
    assert!(!written.contains(SECRET), "secret leaked:\n{written}");
    assert!(!written.contains("OPENAI_API_KEY"));
    assert!(!written.contains("api_key"));
}

#[test]
fn errors_name_file_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = project(dir.path(), &provider_with_credentials());
    write(
        dir.path(),
        "prompts/support.yaml",
        &PROMPT.replace("version: v1.0.0", "version: one"),
    );
    let mut directives = Vec::new();
    let err = Builder::new(&config)
        .out_dir(dir.path())
        .run_with(&mut directives)
        .expect_err("bad version");
    assert!(matches!(err, BuildError::Compile { .. }));
    let text = err.render(RenderStyle::Plain);
    assert!(text.contains("support.yaml:7:12"), "{text}");
    assert!(text.contains("not a semantic version"), "{text}");
    // Even a failed build reruns when the broken file changes.
    assert!(String::from_utf8_lossy(&directives).contains("prompts/support.yaml"));
}

#[test]
fn compiles_a_conformance_project_with_the_default_pack_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = Builder::new(Path::new(CORPUS).join("client-tools/config.arena.yaml"))
        .out_dir(dir.path())
        .run_with(&mut Vec::new())
        .expect("builds");
    assert_eq!(output.pack_path, dir.path().join("client-tools.pack.json"));
    assert!(output.pack.tools.contains_key("get_location"));
}

#[test]
fn a_project_the_checker_refuses_is_a_build_error_and_no_pack_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = project(dir.path(), &provider_with_credentials());
    write(
        dir.path(),
        "prompts/support.yaml",
        &PROMPT.replace("You help {{customer}}.", "You help {{custmer}}."),
    );
    let out = dir.path().join("out");
    let err = Builder::new(&config)
        .out_dir(&out)
        .run_with(&mut Vec::new())
        .expect_err("undeclared variable");
    let text = err.render(RenderStyle::Plain);
    assert!(
        text.contains("error: template uses undeclared variable `custmer`"),
        "{text}"
    );
    assert!(text.contains("support.yaml:9:29"), "{text}");
    assert!(text.contains("did you mean `customer`?"), "{text}");
    assert!(!out.exists(), "nothing is written for a refused project");
}

#[test]
fn fragments_are_composed_into_the_pack_and_tracked_for_reruns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = project(dir.path(), &provider_with_credentials());
    write(
        dir.path(),
        "prompts/support.yaml",
        &PROMPT.replace(
            "system_template: You help {{customer}}.",
            "system_template: You help {{customer}}. {{tone}}\n  fragments:\n    - {name: tone, required: true}",
        ),
    );
    let fragment = write(
        dir.path(),
        "prompts/fragments/tone.yaml",
        "content: Be kind to {{customer}}.",
    );
    let mut directives = Vec::new();
    let output = Builder::new(&config)
        .out_dir(dir.path())
        .run_with(&mut directives)
        .expect("builds");
    let directives = String::from_utf8(directives).expect("utf-8");
    assert!(
        directives.contains(&format!("cargo:rerun-if-changed={}", fragment.display())),
        "{directives}"
    );
    let prompt = &output.pack.prompts["support"];
    assert_eq!(
        prompt.system_template,
        "You help {{customer}}. Be kind to {{customer}}."
    );
    assert_eq!(output.pack.fragments["tone"], "Be kind to {{customer}}.");
}
