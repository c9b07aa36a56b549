//! An API key never reaches an error, a log line, a recording or a report, even when
//! the server echoes it back.

mod support;

use std::sync::Arc;
use std::time::Duration;

use promptkit::arena::report::Format;
use promptkit::arena::{RunOptions, Setup, Status, Suite};
use promptkit::provider::Provider;
use promptkit::providers::http::{RetryPolicy, Secret, Transport};
use promptkit::providers::openai::{Auth, OpenAi};
use promptkit::providers::recording::Recorder;
use serde_json::json;
use support::{MockServer, Reply};

const KEY: &str = "sk-secret-never-print-0123456789";
const CONFIG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../examples/arena-quickstart/config.arena.yaml"
);

#[tokio::test]
async fn keys_stay_out_of_errors_recordings_and_reports() {
    let echo =
        json!({"error": {"message": format!("Incorrect API key provided: {KEY}"), "key": KEY}});
    let server = MockServer::start(vec![Reply::json(401, echo)]).await;
    let transport = Transport::new(
        Duration::from_secs(2),
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        },
        4,
    )
    .expect("transport");
    let live = OpenAi::new(
        "mock",
        "gpt-test",
        &format!("{}/v1", server.url),
        Auth::Bearer(Secret::new(KEY)),
        transport,
    );
    assert!(!format!("{live:?}").contains(KEY), "Debug of the provider");
    let recorder = Arc::new(Recorder::new(Arc::new(live)));

    let mut setup = Setup::new();
    setup.provider("mock", recorder.clone() as Arc<dyn Provider>);
    let suite = Suite::load(CONFIG, RunOptions::default(), &setup).expect("suite");
    let run = suite.run(|_| {}).await;
    assert!(
        run.cases.iter().all(|c| c.status == Status::Error),
        "the server refused every call"
    );
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );

    for format in Format::ALL {
        let text = format.render(&run);
        assert!(!text.contains(KEY), "{format:?} report leaks the key");
        assert!(
            text.contains("HTTP 401"),
            "{format:?} report shows the failure"
        );
    }
    let shown: String = run.cases.iter().map(|c| format!("{c}{c:?}")).collect();
    assert!(!shown.contains(KEY));

    let recording = recorder.recording();
    assert!(!recording.entries.is_empty());
    assert!(
        recording
            .entries
            .iter()
            .all(|e| e.response.is_none() && e.error.is_some()),
        "errors stay errors"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("session.json");
    recording.save(&path).expect("saved");
    let saved = std::fs::read_to_string(&path).expect("read");
    assert!(!saved.contains(KEY), "recording leaks the key");
}

/// A key from `credential.credential_file` is sent, but never shown: not in the
/// provider's Debug, not in the error when the server echoes it back, and a literal
/// `credential.api_key` in YAML is refused without being quoted.
#[tokio::test]
async fn keys_from_a_credential_file_stay_out_of_errors() {
    use promptkit::providers::live;
    use promptkit_build::model::ProviderSpec;

    let echo = json!({"error": {"message": format!("Incorrect API key provided: {KEY}")}});
    let server = MockServer::start(vec![Reply::json(401, echo)]).await;
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("openai.key"), format!("{KEY}\n")).expect("key file");
    let yaml = format!(
        "type: openai\nmodel: gpt-4o\nbase_url: {}/v1\ncredential:\n  credential_file: openai.key\n",
        server.url
    );
    let spec: ProviderSpec = serde_saphyr::from_str(&yaml).expect("spec");
    let provider = live("openai", &spec, Some(dir.path())).expect("provider");
    let error = provider
        .chat(promptkit::provider::ChatRequest::default())
        .await
        .expect_err("refused");
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert!(!error.to_string().contains(KEY), "{error}");
    assert!(!format!("{error:?}").contains(KEY));

    let literal =
        "type: openai\nmodel: gpt-4o\ncredential:\n  api_key: sk-literal-in-yaml-123456\n";
    let spec: ProviderSpec = serde_saphyr::from_str(literal).expect("spec");
    let error = live("openai", &spec, Some(dir.path()))
        .err()
        .expect("a literal key is refused");
    assert!(error.to_string().contains("credential.api_key"), "{error}");
    assert!(!error.to_string().contains("sk-literal-in-yaml"), "{error}");

    let outside = "type: openai\nmodel: gpt-4o\ncredential:\n  credential_file: ../elsewhere.key\n";
    let spec: ProviderSpec = serde_saphyr::from_str(outside).expect("spec");
    let error = live("openai", &spec, Some(dir.path()))
        .err()
        .expect("a key file outside the config folder is refused");
    assert!(error.to_string().contains("credential_file"), "{error}");
}
