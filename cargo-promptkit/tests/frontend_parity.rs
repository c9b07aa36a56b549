//! `compile` refuses every project `validate` refuses, with the same located errors,
//! and writes no pack: both go through the one front-end. One broken copy of the
//! quick-start project per class of error (loader and checker).

use std::path::Path;
use std::process::{Command, Output};

use crate::support;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/arena-quickstart");

/// (file, from, to): the edits that break the example, one class of error each.
const BROKEN: &[(&str, &str, &str)] = &[
    ("prompts/support.yaml", "of {{company}}", "of {{compnay}}"),
    (
        "prompts/support.yaml",
        "- get_order_status",
        "- get_order_statuz",
    ),
    (
        "scenarios/refund-policy.scenario.yaml",
        "type: max_length",
        "type: max_lenght",
    ),
    (
        "scenarios/order-status.scenario.yaml",
        "\"(?i)shipped\"",
        "\"(?i)shipped(\"",
    ),
    (
        "scenarios/refund-policy.scenario.yaml",
        "task_type: support",
        "task_type: suport",
    ),
    (
        "scenarios/refund-policy.scenario.yaml",
        "task_type: support",
        "task_type: support\n  providers: [mok]",
    ),
    (
        "mock-responses.yaml",
        "name: get_order_status",
        "name: get_order",
    ),
    (
        "config.arena.yaml",
        "concurrency: 2",
        "concurrency: 2\n    temperature: 5",
    ),
    (
        "config.arena.yaml",
        "concurrency: 2",
        "concurrency: 2\n    inference:\n      text_classifier: mock",
    ),
    ("providers/mock.provider.yaml", "type: mock", "type: opneai"),
    (
        "prompts/support.yaml",
        "task_type: support",
        "task_type: support\n  fragments:\n    - {name: tone, required: true}",
    ),
    (
        "prompts/support.yaml",
        "task_type: support",
        "task_type: support\n  fragments:\n    - {name: tone, path: ../../outside.yaml, required: true}",
    ),
    (
        "prompts/support.yaml",
        "kind: PromptConfig",
        "kind: PromptConfg",
    ),
];

fn cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-promptkit"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run cargo-promptkit")
}

/// Each located error: its `error: …` line with the first `--> file:line:col` line of
/// its block (summary lines have no location).
fn located_errors(stderr: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(stderr);
    let mut out = Vec::new();
    let mut current: Option<&str> = None;
    for line in text.lines() {
        if line.starts_with("error: ") || line.starts_with("warning: ") {
            current = line.starts_with("error: ").then_some(line);
        } else if let Some(error) = current
            && line.trim_start().starts_with("-->")
        {
            out.push(format!("{error} {}", line.trim()));
            current = None;
        }
    }
    out
}

#[test]
fn compile_refuses_what_validate_refuses_at_the_same_place_and_writes_nothing() {
    for (file, from, to) in BROKEN {
        let temp = tempfile::tempdir().expect("temp dir");
        let root = temp.path().join("project");
        support::copy_dir(Path::new(EXAMPLE), &root);
        let edited = root.join(file);
        let text = std::fs::read_to_string(&edited).expect("example file");
        assert!(text.contains(from), "`{from}` not in {file}");
        std::fs::write(&edited, text.replacen(from, to, 1)).expect("write");
        std::fs::write(temp.path().join("outside.yaml"), "content: secret").expect("write");

        let validate = cli(&root, &["validate"]);
        assert_eq!(validate.status.code(), Some(1), "validate accepts {to:?}");
        let compile = cli(&root, &["compile", "-o", "out.pack.json"]);
        assert_eq!(
            compile.status.code(),
            Some(1),
            "compile accepts {to:?}: {}",
            String::from_utf8_lossy(&compile.stdout)
        );
        assert!(!root.join("out.pack.json").exists(), "a pack was written");

        let expected = located_errors(&validate.stderr);
        assert!(
            !expected.is_empty(),
            "{}",
            String::from_utf8_lossy(&validate.stderr)
        );
        let got = located_errors(&compile.stderr);
        for error in &expected {
            assert!(
                got.contains(error),
                "compile does not report `{error}` for {to:?}:\n{}",
                String::from_utf8_lossy(&compile.stderr)
            );
        }
    }
}
