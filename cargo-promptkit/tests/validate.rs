//! `validate` on clean and broken projects: exit codes, rustc-style output, JSON, and
//! both invocation forms (`cargo-promptkit validate`, `cargo promptkit validate`).

use std::process::Command;

use crate::support;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/arena-quickstart");

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cargo-promptkit"))
}

#[test]
fn a_clean_project_exits_0() {
    let out = cli()
        .args(["validate", "-c"])
        .arg(format!("{EXAMPLE}/config.arena.yaml"))
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("is valid"));
}

#[test]
fn works_as_a_cargo_subcommand_with_the_default_config() {
    // `cargo promptkit validate` runs `cargo-promptkit promptkit validate` in the
    // current folder, where `config.arena.yaml` is the default.
    let out = cli()
        .args(["promptkit", "validate"])
        .current_dir(EXAMPLE)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_broken_project_exits_1_with_located_errors() {
    let temp = tempfile::tempdir().expect("temp dir");
    support::copy_dir(std::path::Path::new(EXAMPLE), temp.path());
    let prompt = temp.path().join("prompts/support.yaml");
    let text = std::fs::read_to_string(&prompt).expect("read");
    std::fs::write(&prompt, text.replace("of {{company}}", "of {{compnay}}")).expect("write");
    let out = cli()
        .args(["validate"])
        .current_dir(temp.path())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: template uses undeclared variable `compnay`"),
        "{stderr}"
    );
    assert!(stderr.contains("--> prompts/support.yaml:23:"), "{stderr}");
    assert!(stderr.contains("help: did you mean `company`?"), "{stderr}");

    let json = cli()
        .args(["validate", "--format", "json"])
        .current_dir(temp.path())
        .output()
        .expect("run");
    let parsed: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON output");
    assert!(parsed.as_array().is_some_and(|d| !d.is_empty()), "{parsed}");
}

#[test]
fn a_missing_config_exits_1_and_says_so() {
    let temp = tempfile::tempdir().expect("temp dir");
    let out = cli()
        .arg("validate")
        .current_dir(temp.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("config.arena.yaml"));
}
