//! `validate` on clean and broken projects: exit codes, rustc-style output, JSON, and
//! both invocation forms (`cargo-promptkit validate`, `cargo promptkit validate`).

use std::process::Command;

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
    for entry in walk(std::path::Path::new(EXAMPLE)) {
        let rel = entry.strip_prefix(EXAMPLE).expect("inside");
        if !rel.starts_with("src") && !rel.starts_with("tests") && !rel.starts_with("out") {
            let target = temp.path().join(rel);
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::copy(&entry, target).expect("copy");
        }
    }
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

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
