//! `defaults.fail_on: [validation_error]` turns a triggered validator into a failure of
//! its turn; without it a validator that fires acts on the reply (as the reference's
//! guardrails) and the turn fails only through its assertions.

use crate::support;

use promptkit::arena::{RunOptions, Setup, Status, Suite};
use support::copy_dir;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/arena-quickstart");

/// The quick start with a refund answer that uses a banned word, and `fail_on` when set.
async fn run(fail_on: Option<&str>) -> promptkit::arena::RunResult {
    let temp = tempfile::tempdir().expect("temp dir");
    copy_dir(std::path::Path::new(EXAMPLE), temp.path());
    let mock = temp.path().join("mock-responses.yaml");
    let text = std::fs::read_to_string(&mock).expect("mock responses");
    std::fs::write(
        &mock,
        text.replace("so a jacket", "and we guarantee a jacket"),
    )
    .expect("write");
    if let Some(fail_on) = fail_on {
        let config = temp.path().join("config.arena.yaml");
        let text = std::fs::read_to_string(&config).expect("config");
        let text = text.replace(
            "    concurrency: 2",
            &format!("    concurrency: 2\n    fail_on: [{fail_on}]"),
        );
        std::fs::write(&config, text).expect("write");
    }
    let options = RunOptions {
        scenarios: vec!["refund-policy".into()],
        ..RunOptions::default()
    };
    let suite = Suite::load(
        temp.path().join("config.arena.yaml"),
        options,
        &Setup::new(),
    )
    .expect("suite");
    suite.run(|_| {}).await
}

#[tokio::test]
async fn triggered_validators_fail_the_turn_only_under_fail_on() {
    let recorded = run(None).await;
    let case = &recorded.cases[0];
    assert!(case.turns[0].validations.iter().any(|v| v.triggered));
    assert_eq!(
        case.turns[0].reply,
        promptkit::validators::DEFAULT_BLOCKED_MESSAGE,
        "the guardrail replaced the reply: {case}"
    );
    let has_validation_failure = |c: &promptkit::arena::CaseResult| {
        c.assertions()
            .any(|(_, a)| a.assertion_type == "validation_error")
    };
    assert!(!has_validation_failure(case), "{case}");

    let failing = run(Some("provider_error, validation_error")).await;
    let case = &failing.cases[0];
    assert_eq!(case.status, Status::Failed, "{case}");
    assert!(has_validation_failure(case), "{case}");
    let shown = case.to_string();
    assert!(
        shown.contains(
            "[turn 1] validation_error: validator `banned_words` triggered (defaults.fail_on: validation_error)"
        ),
        "{shown}"
    );
}
