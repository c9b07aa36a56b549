//! The corpus' streaming scenario streams over the wire: `customer-support`'s
//! `streaming-demo` (scenario `streaming: true`, its second turn `false`) is run with
//! its OpenAI and Gemini providers pointed at loopback servers, which must see a
//! streamed request (`"stream": true` / `:streamGenerateContent`) for turns 1, 3 and 4
//! and a whole one for turn 2. The corpus is copied, never edited: only the copies'
//! provider files gain a `base_url` and a key file.

use crate::support;

use std::path::Path;

use promptkit::arena::{RunOptions, Setup, Suite};
use serde_json::json;
use support::{MockServer, Reply, copy_dir};

const PROJECT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/conformance/customer-support"
);

/// Which turns streamed in `streaming-demo`, by its `streaming` fields.
const STREAMED: [bool; 4] = [true, false, true, true];

const TEXT: &str = "Our support team is glad to help: we work business hours and assist every customer with their problem, you're welcome.";

/// Copies the project and points provider `file` at `url` with a key file.
fn copy_with_provider(dir: &Path, file: &str, url: &str) {
    copy_dir(Path::new(PROJECT), dir);
    let path = dir.join("providers").join(file);
    let mut text = std::fs::read_to_string(&path).expect("provider file");
    text.push_str(&format!(
        "  base_url: {url}\n  credential:\n    credential_file: key.txt\n"
    ));
    std::fs::write(&path, text).expect("write provider");
    std::fs::write(dir.join("providers/key.txt"), "sk-loopback").expect("key file");
}

/// Runs `streaming-demo` on `provider` (its file `file`) against a server answering
/// `streamed` or `whole` per turn, and checks that the server saw a streamed request
/// (`is_streamed`) exactly where the scenario streams, and that the report says so.
async fn streams_as_configured(
    file: &str,
    provider: &str,
    streamed: Reply,
    whole: Reply,
    is_streamed: impl Fn(&support::Request) -> bool,
) {
    let replies = STREAMED.map(|s| if s { streamed.clone() } else { whole.clone() });
    let server = MockServer::start(replies.to_vec()).await;
    let temp = tempfile::tempdir().expect("temp dir");
    copy_with_provider(temp.path(), file, &server.url);
    let options = RunOptions {
        scenarios: vec!["streaming-demo".into()],
        providers: vec![provider.into()],
        ..RunOptions::default()
    };
    let suite = Suite::load(
        temp.path().join("config.arena.yaml"),
        options,
        &Setup::new(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let result = suite.run(|_| {}).await;
    let case = &result.cases[0];
    let sent: Vec<bool> = server.requests().iter().map(is_streamed).collect();
    assert_eq!(sent, STREAMED, "what the server saw; {case}");
    let recorded: Vec<bool> = case.turns.iter().map(|t| t.streamed).collect();
    assert_eq!(recorded, STREAMED, "what the report says");
}

#[tokio::test]
async fn streaming_demo_streams_over_openai() {
    let chunk = |text: &str| json!({"choices": [{"delta": {"content": text}}]}).to_string();
    let last = json!({"choices": [{"delta": {}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 5, "completion_tokens": 20}}).to_string();
    let streamed = Reply::sse(&[&chunk(&TEXT[..40]), &chunk(&TEXT[40..]), &last, "[DONE]"]);
    let whole = Reply::json(
        200,
        json!({"choices": [{"message": {"role": "assistant", "content": TEXT}, "finish_reason": "stop"}],
               "usage": {"prompt_tokens": 5, "completion_tokens": 20}}),
    );
    streams_as_configured(
        "openai-gpt4o-mini.provider.yaml",
        "openai-gpt-4o-mini",
        streamed,
        whole,
        |r| r.path.ends_with("/chat/completions") && r.json()["stream"] == json!(true),
    )
    .await;
}

#[tokio::test]
async fn streaming_demo_streams_over_gemini() {
    let part = |text: &str| {
        json!({"candidates": [{"content": {"parts": [{"text": text}], "role": "model"}}]})
            .to_string()
    };
    let done = json!({"candidates": [{"content": {"parts": [{"text": ""}], "role": "model"}, "finishReason": "STOP"}],
                      "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 20}})
    .to_string();
    let streamed = Reply::sse(&[&part(&TEXT[..40]), &part(&TEXT[40..]), &done]);
    let whole = Reply::json(
        200,
        json!({"candidates": [{"content": {"parts": [{"text": TEXT}], "role": "model"}, "finishReason": "STOP"}],
               "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 20}}),
    );
    streams_as_configured(
        "gemini-2-0-flash.provider.yaml",
        "gemini-2-0-flash",
        streamed,
        whole,
        |r| r.path.contains(":streamGenerateContent"),
    )
    .await;
}
