//! What a failing `#[arena_test]` prints: the transcript, then each failed assertion
//! with expected vs actual.

use std::path::Path;

use promptkit::__private::{ArenaProject, ArenaTest};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/arena-quickstart");

fn files(root: &Path) -> Vec<(String, String)> {
    [
        "config.arena.yaml",
        "mock-responses.yaml",
        "prompts/support.yaml",
        "providers/mock.provider.yaml",
        "scenarios/order-status.scenario.yaml",
        "scenarios/refund-policy.scenario.yaml",
        "tools/get-order-status.tool.yaml",
    ]
    .iter()
    .map(|rel| {
        let path = root.join(rel);
        let text = std::fs::read_to_string(&path).expect("read example file");
        (path.to_string_lossy().into_owned(), text)
    })
    .collect()
}

/// A project as `#[arena_test]` embeds it: static, one per attribute.
fn project(config: &Path, files: Vec<(String, String)>) -> &'static ArenaProject {
    let leaked: Vec<(&'static str, &'static str)> = files
        .into_iter()
        .map(|(p, t)| (&*p.leak(), &*t.leak()))
        .collect();
    let scenario_file = leaked
        .iter()
        .map(|(path, _)| *path)
        .find(|path| path.ends_with("refund-policy.scenario.yaml"))
        .expect("the scenario is embedded");
    let config = config.to_string_lossy().into_owned().leak();
    Box::leak(Box::new(ArenaProject::new(
        config,
        leaked.leak(),
        "arena_test_failure",
        vec![ArenaTest {
            name: "refund_policy__mock",
            ignored: false,
            scenario: "refund-policy",
            provider: "mock",
            scenario_file,
        }]
        .leak(),
    )))
}

#[test]
fn a_failing_case_panics_with_transcript_and_expected_vs_actual() {
    let root = Path::new(ROOT).canonicalize().expect("example present");
    let mut files = files(&root);
    for (path, text) in &mut files {
        if path.ends_with("refund-policy.scenario.yaml") {
            *text = text.replace("30 days", "45 days");
        }
    }
    let config = root.join("config.arena.yaml");
    let edited = project(&config, files);
    let outcome = std::panic::catch_unwind(|| {
        promptkit::__private::arena_case(edited, 0, |_| {});
    });
    let payload = outcome.expect_err("the edited scenario fails");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("refund-policy/mock — failed"), "{message}");
    assert!(message.contains("transcript:"), "{message}");
    assert!(message.contains("user: "), "{message}");
    assert!(
        message.contains("expected: \"\\\\b45 days\\\\b\""),
        "{message}"
    );
    assert!(message.contains("actual:"), "{message}");

    // The unedited embedded project passes (and never touched the disk copy).
    let unedited = project(&config, self::files(&root));
    promptkit::__private::arena_case(unedited, 0, |_| {});
}

/// A process that runs one case reads only that case's scenario file: another
/// scenario's embedded text is never parsed (broken here, it would fail the load).
#[test]
fn one_case_reads_only_its_own_scenario() {
    let root = Path::new(ROOT).canonicalize().expect("example present");
    let mut files = files(&root);
    let mut broken = false;
    for (path, text) in &mut files {
        if path.ends_with("order-status.scenario.yaml") {
            *text = "spec: [not, a, scenario".to_owned();
            broken = true;
        }
    }
    assert!(broken, "the example has another scenario to break");
    promptkit::__private::arena_case(project(&root.join("config.arena.yaml"), files), 0, |_| {});
}
