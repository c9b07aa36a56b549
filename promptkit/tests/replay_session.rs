//! `type: replay` over a session recording in the reference's event format: answers
//! come back by user message, with the recorded tokens and cost.

use promptkit::arena::{RunOptions, Setup, Status, Suite};

const PROJECT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/replay-session/config.arena.yaml"
);

#[tokio::test]
async fn a_reference_session_recording_replays_keyless() {
    let suite = Suite::load(PROJECT, RunOptions::default(), &Setup::new()).expect("suite");
    let run = suite.run(|_| {}).await;
    let case = &run.cases[0];
    assert_eq!(case.status, Status::Passed, "{case}");
    assert_eq!(case.turns.len(), 2);
    assert_eq!(
        case.turns[1].reply,
        "The parcel has left the warehouse, so the address can no longer be changed."
    );
    assert_eq!(case.usage.input_tokens, 112);
    assert_eq!(case.usage.output_tokens, 30);
    let cost = case.cost_usd.expect("recorded cost");
    assert!((cost - 0.00075).abs() < 1e-9, "{cost}");
}

#[tokio::test]
async fn an_unreadable_recording_names_both_formats() {
    let temp = tempfile::tempdir().expect("temp dir");
    let root = std::path::Path::new(PROJECT)
        .parent()
        .expect("project folder");
    for rel in [
        "config.arena.yaml",
        "prompts/support.yaml",
        "providers/replay.provider.yaml",
        "scenarios/order.scenario.yaml",
    ] {
        let target = temp.path().join(rel);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(root.join(rel), &target).expect("copy");
    }
    std::fs::create_dir_all(temp.path().join("recordings")).expect("mkdir");
    std::fs::write(temp.path().join("recordings/order.recording.json"), "{}").expect("write");
    let suite = Suite::load(
        temp.path().join("config.arena.yaml"),
        RunOptions::default(),
        &Setup::new(),
    )
    .expect("suite");
    let run = suite.run(|_| {}).await;
    let case = &run.cases[0];
    assert_eq!(case.status, Status::Error, "{case}");
    let error = case.error.as_deref().unwrap_or_default();
    assert!(
        error.contains("neither `Messages` (arena output) nor `events` (session recording)"),
        "{error}"
    );
    assert!(error.contains("not a PromptKit recording"), "{error}");
}
