//! `compile`, `validate-pack` and `inspect` end to end, with packc's flags.

use std::path::Path;
use std::process::{Command, Output};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance");
const EXAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/schemas/example-packs"
);

fn cli(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-promptkit"))
        .current_dir(cwd)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn compile_validate_and_inspect_a_conformance_project() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = Path::new(CORPUS).join("customer-support-integrated/config.arena.yaml");
    let config = config.to_str().expect("utf-8");
    let out = cli(
        dir.path(),
        &[
            "promptkit",
            "compile",
            "-c",
            config,
            "-o",
            "dist/app.pack.json",
            "--id",
            "support-app",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("✓ Pack compiled successfully: dist/app.pack.json"));
    let pack = dir.path().join("dist/app.pack.json");
    let json = std::fs::read_to_string(&pack).expect("written");
    assert!(json.contains("\"id\": \"support-app\""));

    let out = cli(dir.path(), &["validate-pack", "dist/app.pack.json"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("✓ Schema validation passed"));

    let out = cli(dir.path(), &["inspect", "dist/app.pack.json"]);
    assert!(out.status.success(), "{}", text(&out));
    let summary = text(&out);
    assert!(summary.contains("ID: support-app"), "{summary}");
    assert!(summary.contains("[customer-support]"), "{summary}");
    assert!(summary.contains("banned_words (enabled)"), "{summary}");

    // Default output and id: `<current folder>.pack.json`, as packc.
    let named = dir.path().join("My Project");
    std::fs::create_dir_all(&named).expect("mkdir");
    let out = cli(&named, &["compile", "--config", config]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(named.join("my-project.pack.json").is_file());
}

#[test]
fn validate_pack_reports_schema_violations_and_third_party_packs_pass() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.pack.json");
    std::fs::write(
        &bad,
        r#"{"id": "Bad", "name": "x", "version": "1.0.0", "template_engine": {"version": "v1", "syntax": "{{variable}}"}, "prompts": {}}"#,
    )
    .expect("write");
    let out = cli(dir.path(), &["validate-pack", "bad.pack.json"]);
    assert!(!out.status.success());
    let report = text(&out);
    assert!(report.contains("/id"), "{report}");
    assert!(report.contains("/prompts"), "{report}");

    for name in ["customer-support.json", "sales-assistant.json"] {
        let path = Path::new(EXAMPLES).join(name);
        let out = cli(
            dir.path(),
            &["validate-pack", path.to_str().expect("utf-8")],
        );
        assert!(out.status.success(), "{name}: {}", text(&out));
    }
}

#[test]
fn compile_errors_are_located_and_fail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = Path::new(CORPUS).join("eval-test/config.arena.yaml");
    let out = cli(
        dir.path(),
        &["compile", "-c", config.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out);
    assert!(report.contains("no prompt configs found"), "{report}");
    assert!(report.contains("eval-test/config.arena.yaml"), "{report}");
}

#[test]
fn compile_prompt_packs_single_prompt_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let prompt = Path::new(CORPUS).join("workflow-support/prompts/intake.yaml");
    let out = cli(
        dir.path(),
        &[
            "compile-prompt",
            "-p",
            prompt.to_str().expect("utf-8"),
            "-o",
            "intake.pack.json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let json = std::fs::read_to_string(dir.path().join("intake.pack.json")).expect("written");
    assert!(json.contains("\"id\": \"intake\""), "{json}");
    let out = cli(dir.path(), &["validate-pack", "intake.pack.json"]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn source_date_epoch_sets_the_timestamp_and_output_is_reproducible() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = Path::new(CORPUS).join("client-tools/config.arena.yaml");
    let config = config.to_str().expect("utf-8");
    let compile = |out: &str, epoch: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-promptkit"));
        cmd.current_dir(dir.path())
            .args(["compile", "-c", config, "-o", out, "--id", "stamped"]);
        match epoch {
            Some(e) => cmd.env("SOURCE_DATE_EPOCH", e),
            None => cmd.env_remove("SOURCE_DATE_EPOCH"),
        };
        let result = cmd.output().expect("runs");
        assert!(result.status.success(), "{}", text(&result));
        std::fs::read_to_string(dir.path().join(out)).expect("written")
    };
    let stamped = compile("a.json", Some("1700000000"));
    assert!(
        stamped.contains("\"created_at\": \"2023-11-14T22:13:20Z\""),
        "{stamped}"
    );
    assert_eq!(stamped, compile("b.json", Some("1700000000")));
    let unset = compile("c.json", None);
    assert!(
        unset.contains("\"created_at\": \"1970-01-01T00:00:00Z\""),
        "{unset}"
    );
}
