//! `type: replay` over a session recording in the reference's event format: answers
//! come back by user message, with the recorded tokens and cost.

use std::path::PathBuf;
use std::sync::Arc;

use promptkit::arena::{RunOptions, Setup, Status, Suite};
use promptkit_build::frontend::Frontend;
use promptkit_build::load::Embedded;

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

/// A copy of the project's YAML files in a temporary folder (no recording yet).
fn copy_project() -> tempfile::TempDir {
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
    temp
}

#[tokio::test]
async fn the_recording_is_read_by_the_loader() {
    // The project's files as `#[arena_test]` embeds them: the recording exists only in
    // the table the front-end reads, so the run can only use what the loader read.
    let temp = copy_project();
    let recording = std::path::Path::new(PROJECT)
        .parent()
        .expect("project folder")
        .join("recordings/order.recording.json");
    let mut files: Vec<(PathBuf, Arc<str>)> = Vec::new();
    for entry in walk(temp.path()) {
        let text = std::fs::read_to_string(&entry).expect("read");
        files.push((entry, Arc::from(text)));
    }
    let text = std::fs::read_to_string(recording).expect("read recording");
    files.push((
        temp.path().join("recordings/order.recording.json"),
        Arc::from(text),
    ));
    let frontend = Frontend::new().embedded(Arc::new(files.into_iter().collect::<Embedded>()));
    let suite = Suite::load_with(
        &frontend,
        temp.path().join("config.arena.yaml"),
        RunOptions::default(),
        &Setup::new(),
    )
    .expect("suite");
    let run = suite.run(|_| {}).await;
    assert_eq!(run.cases[0].status, Status::Passed, "{}", run.cases[0]);
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[cfg(unix)]
#[tokio::test]
async fn a_fifo_recording_is_refused_without_blocking() {
    let temp = copy_project();
    let fifo = temp.path().join("recordings/order.recording.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    // Opening a FIFO for reading would block until a writer comes: neither the check
    // nor the run may open it.
    let suite = Suite::load(
        temp.path().join("config.arena.yaml"),
        RunOptions::default(),
        &Setup::new(),
    )
    .expect("the replay provider's recording problems are warnings");
    let run = suite.run(|_| {}).await;
    let case = &run.cases[0];
    assert_eq!(case.status, Status::Error, "{case}");
    let error = case.error.as_deref().unwrap_or_default();
    assert!(error.contains("could not be read"), "{error}");
    assert!(error.contains("order.recording.json"), "{error}");
}

#[tokio::test]
async fn an_unreadable_recording_names_both_formats() {
    let temp = copy_project();
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
