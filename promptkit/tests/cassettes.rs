//! Cassettes end to end: a case on a live OpenAI-compatible provider records against a
//! loopback server, then replays keyless with the server gone; a changed prompt fails
//! with the field that changed and the command that records again; `update` records
//! only what changed; the key never lands in a cassette; a turn's image is stored beside
//! the cassettes by hash, not as base64, and replays byte for byte.

use crate::support;

use std::path::Path;

use promptkit::arena::{RunOptions, RunResult, Setup, Status, Suite};
use promptkit::providers::cassette::{CassetteMode, Cassettes};
use serde_json::json;
use support::{MockServer, Reply};

const KEY: &str = "sk-cassette-test-key-0123456789";

/// A one-scenario project on an OpenAI-compatible provider at `url`, keyed by a file.
fn project(dir: &Path, url: &str, system: &str) {
    let files = [
        (
            "config.arena.yaml",
            "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Arena\nmetadata:\n  name: cassettes\nspec:\n  prompt_configs:\n    - id: support\n      file: support.yaml\n  providers:\n    - file: live.provider.yaml\n  scenarios:\n    - file: order.scenario.yaml\n  defaults:\n    concurrency: 1\n".to_owned(),
        ),
        (
            "support.yaml",
            format!("apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: PromptConfig\nmetadata:\n  name: support\nspec:\n  task_type: support\n  version: \"1.0.0\"\n  description: Support\n  system_template: \"{system}\"\n"),
        ),
        (
            "live.provider.yaml",
            format!("apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Provider\nmetadata:\n  name: live\nspec:\n  id: live\n  type: openai\n  model: gpt-test\n  base_url: {url}/v1\n  credential:\n    credential_file: key.txt\n"),
        ),
        (
            "order.scenario.yaml",
            "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Scenario\nmetadata:\n  name: order\nspec:\n  id: order\n  description: Order status\n  task_type: support\n  turns:\n    - role: user\n      content: \"Where is ORD-1042?\"\n      assertions:\n        - type: content_includes\n          params:\n            patterns: [\"shipped\"]\n".to_owned(),
        ),
        ("key.txt", KEY.to_owned()),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write project file");
    }
}

async fn run(dir: &Path, mode: CassetteMode) -> RunResult {
    let options = RunOptions {
        cassettes: Some(Cassettes {
            dir: dir.join("cassettes"),
            mode,
            rerecord: "PROMPTKIT_RECORD=update cargo test".to_owned(),
        }),
        ..RunOptions::default()
    };
    let suite = Suite::load(dir.join("config.arena.yaml"), options, &Setup::new()).expect("suite");
    suite.run(|_| {}).await
}

/// Runs in `mode`; the case must pass.
async fn passing(dir: &Path, mode: CassetteMode) -> RunResult {
    let run = run(dir, mode).await;
    assert_eq!(run.cases[0].status, Status::Passed, "{}", run.cases[0]);
    run
}

/// Replays with the key file gone; the case must pass.
async fn replay_keyless(dir: &Path) -> RunResult {
    std::fs::remove_file(dir.join("key.txt")).expect("rm key");
    passing(dir, CassetteMode::Replay).await
}

fn answer() -> Reply {
    Reply::json(
        200,
        json!({"choices": [{"message": {"content": "It has shipped."}, "finish_reason": "stop"}],
               "usage": {"prompt_tokens": 12, "completion_tokens": 4}}),
    )
}

#[tokio::test]
async fn record_once_then_replay_keyless_and_fail_clearly_on_change() {
    let dir = tempfile::tempdir().expect("dir");
    let server = MockServer::start(vec![answer()]).await;
    project(dir.path(), &server.url, "You are a support assistant.");

    // Live once, recording.
    passing(dir.path(), CassetteMode::Record).await;
    assert_eq!(server.requests().len(), 1);
    let cassette = dir.path().join("cassettes/order__live.json");
    let text = std::fs::read_to_string(&cassette).expect("cassette written");
    assert!(text.contains("It has shipped."), "{text}");
    assert!(!text.contains(KEY), "the key must never land in a cassette");
    assert!(
        !server.requests()[0].body.contains(KEY),
        "nor in a request body"
    );

    // Keyless and serverless: no key file, the server never called again.
    let replayed = replay_keyless(dir.path()).await;
    assert_eq!(replayed.cases[0].turns[0].reply, "It has shipped.");
    assert_eq!(
        server.requests().len(),
        1,
        "a replay never calls the server"
    );

    // A changed prompt no longer matches: the error names the field and the fix.
    std::fs::write(dir.path().join("key.txt"), KEY).expect("key back");
    project(
        dir.path(),
        &server.url,
        "You are a terse support assistant.",
    );
    let changed = run(dir.path(), CassetteMode::Replay).await;
    let case = &changed.cases[0];
    assert_eq!(case.status, Status::Error, "{case}");
    let error = case.error.as_deref().unwrap_or_default();
    assert!(error.contains("the system prompt changed"), "{error}");
    assert!(error.contains("terse support assistant"), "{error}");
    assert!(
        error.contains("PROMPTKIT_RECORD=update cargo test"),
        "{error}"
    );
    assert_eq!(server.requests().len(), 1);

    // `update` records what changed, and the next replay passes again.
    passing(dir.path(), CassetteMode::Update).await;
    assert_eq!(server.requests().len(), 2);
    passing(dir.path(), CassetteMode::Replay).await;
    assert_eq!(server.requests().len(), 2);
    let text = std::fs::read_to_string(&cassette).expect("cassette");
    assert!(!text.contains(KEY));
    assert!(text.contains("terse support assistant"), "{text}");
}

#[tokio::test]
async fn without_a_cassette_replay_mode_calls_the_provider_as_before() {
    let dir = tempfile::tempdir().expect("dir");
    let server = MockServer::start(vec![answer()]).await;
    project(dir.path(), &server.url, "You are a support assistant.");
    passing(dir.path(), CassetteMode::Replay).await;
    assert_eq!(server.requests().len(), 1);
    assert!(
        !dir.path().join("cassettes").exists(),
        "replays never write"
    );
}

#[tokio::test]
async fn a_turn_with_an_image_records_the_image_by_reference_and_replays_it() {
    let png: &[u8] = include_bytes!("data/media/red-3x2.png");
    let dir = tempfile::tempdir().expect("dir");
    let server = MockServer::start(vec![answer()]).await;
    project(dir.path(), &server.url, "You are a support assistant.");
    std::fs::write(dir.path().join("parcel.png"), png).expect("write");
    let scenario = dir.path().join("order.scenario.yaml");
    let text = std::fs::read_to_string(&scenario).expect("read").replace(
        "      content: \"Where is ORD-1042?\"\n",
        "      parts:\n        - type: text\n          text: \"Where is this parcel, ORD-1042?\"\n        - type: image\n          media:\n            file_path: parcel.png\n            mime_type: image/png\n",
    );
    std::fs::write(&scenario, text).expect("write");

    let recorded = passing(dir.path(), CassetteMode::Record).await;
    let data_url = promptkit::media::data_url::encode("image/png", png);
    assert!(
        server.requests()[0].body.contains(&data_url),
        "the image was sent"
    );
    let text = std::fs::read_to_string(dir.path().join("cassettes/order__live.json"))
        .expect("cassette written");
    assert!(!text.contains("base64"), "{text}");
    assert!(text.contains("\"media_ref\""), "{text}");
    let stored: Vec<_> = std::fs::read_dir(dir.path().join("cassettes/media"))
        .expect("media folder")
        .map(|e| std::fs::read(e.expect("entry").path()).expect("read"))
        .collect();
    assert_eq!(stored, vec![png.to_vec()], "the image, stored once");

    let replayed = replay_keyless(dir.path()).await;
    assert_eq!(
        server.requests().len(),
        1,
        "a replay never calls the server"
    );
    assert_eq!(replayed.cases[0].messages, recorded.cases[0].messages);
    assert_eq!(replayed.cases[0].media, recorded.cases[0].media);
    assert_eq!(replayed.cases[0].media.total.bytes, png.len() as u64);
}
