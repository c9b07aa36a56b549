//! Exec evals end to end: `spec.runtime.evals` binds an assertion type to a script that
//! reads the request on stdin; the checker accepts the type, the script sees only the
//! environment variables it lists.

use crate::support;

use std::os::unix::fs::PermissionsExt;

use promptkit::arena::{RunOptions, Setup, Status, Suite};
use support::copy_dir;

const PROJECT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/custom-assertion");

/// Scores 1 when the reply says "shipped", and reports two variables it may see.
const SCRIPT: &str = r#"#!/bin/sh
request=$(cat)
case "$request" in
  *'"content":"Order ORD-1042 has shipped."'*) score=1 ;;
  *) score=0 ;;
esac
echo "{\"score\": $score, \"detail\": \"pkg=$CARGO_PKG_NAME manifest=$CARGO_MANIFEST_DIR\", \"data\": {\"bytes\": ${#request}}}"
"#;

/// The test project copied to a temporary folder with `spec.runtime.evals: {binding}`.
fn project_with_runtime(binding: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let temp = tempfile::tempdir().expect("temp dir");
    copy_dir(std::path::Path::new(PROJECT), temp.path());
    let config = temp.path().join("config.arena.yaml");
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(
        &config,
        format!("{text}  runtime:\n    evals:\n      {binding}\n"),
    )
    .expect("write config");
    (temp, config)
}

#[tokio::test]
async fn a_runtime_exec_eval_scores_the_reply() {
    let (temp, config) = project_with_runtime(
        "shipped_check:\n        command: ./evals/shipped.sh\n        env: [CARGO_PKG_NAME]\n        timeout_ms: 10000",
    );
    let script = temp.path().join("evals/shipped.sh");
    std::fs::create_dir_all(script.parent().expect("folder")).expect("mkdir");
    std::fs::write(&script, SCRIPT).expect("write script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let scenario = temp.path().join("scenarios/order.scenario.yaml");
    let text = std::fs::read_to_string(&scenario).expect("scenario");
    std::fs::write(
        &scenario,
        text.replace("type: mentions_order", "type: shipped_check")
            .replace("order_id: ORD-1042", "min_score: 0.5"),
    )
    .expect("write scenario");

    let suite = Suite::load(&config, RunOptions::default(), &Setup::new()).expect("suite");
    let run = suite.run(|_| {}).await;
    let case = &run.cases[0];
    assert_eq!(case.status, Status::Passed, "{case}");
    let assertion = &case.turns[0].assertions[0];
    assert_eq!(assertion.assertion_type, "shipped_check");
    // Listed variables reach the script; others (cargo sets both) do not.
    assert_eq!(assertion.message, "pkg=promptkit manifest=");
    assert!(
        assertion.details["bytes"].as_u64().is_some_and(|n| n > 100),
        "the script read the request: {}",
        assertion.details
    );
}

#[test]
fn a_missing_exec_script_is_a_located_error() {
    let (_temp, config) = project_with_runtime("shipped_check:\n        command: ./evals/nope.sh");
    let mut setup = Setup::new();
    setup.assertion("mentions_order", |_: &_, _: &_| {
        promptkit::assertions::EvalResult::pass(true, "")
    });
    let Err(error) = Suite::load(&config, RunOptions::default(), &setup) else {
        panic!("the suite must be refused");
    };
    let text = error.to_string();
    assert!(
        text.contains("exec eval `shipped_check`: `./evals/nope.sh` does not exist"),
        "{text}"
    );
    assert!(text.contains("config.arena.yaml:20:18"), "{text}");
}

#[test]
fn relative_scripts_resolve_from_the_project_and_programs_from_path() {
    let (temp, config) = project_with_runtime(
        "a:\n        command: python3\n      b:\n        command: /bin/sh\n      c:\n        command: ./evals/c.sh",
    );
    std::fs::create_dir_all(temp.path().join("evals")).expect("mkdir");
    std::fs::write(temp.path().join("evals/c.sh"), "").expect("write");
    let mut setup = Setup::new();
    setup.assertion("mentions_order", |_: &_, _: &_| {
        promptkit::assertions::EvalResult::pass(true, "")
    });
    let suite = Suite::load(&config, RunOptions::default(), &setup).expect("suite");
    let project = suite.project();
    let commands: Vec<_> = project
        .exec_evals()
        .map(|(_, binding)| project.exec_command(binding))
        .collect();
    assert_eq!(
        commands,
        [
            std::path::PathBuf::from("python3"),
            std::path::PathBuf::from("/bin/sh"),
            project.config_dir().join("./evals/c.sh"),
        ]
    );
}
