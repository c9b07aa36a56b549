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
