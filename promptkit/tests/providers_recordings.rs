//! The corpus of real recorded responses (`tests/data/recordings`, sources in
//! `corpus.json`) replayed by a loopback server through providers built from configs
//! as a project would write them (`providers::live`: built-in prices, key file; cloud
//! platforms: Bedrock SigV4-signed, Vertex with a token from a service-account file):
//! every recording must parse to its expectation, whole and streamed, and every
//! recorded error must be the typed error its expectation names.

use crate::support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::StreamExt;
use promptkit::provider::{
    ChatRequest, ChatResponse, ErrorKind, Provider, ProviderError, StreamChunk,
};
use promptkit::providers::anthropic::Anthropic;
use promptkit::providers::aws_credentials::AwsCredentials;
use promptkit::providers::http::{Secret, Transport};
use promptkit::providers::live;
use promptkit::providers::openai::OpenAi;
use promptkit::providers::platform::Platform;
use promptkit::providers::settings::Settings;
use promptkit::providers::sigv4::SigV4Signer;
use promptkit::{Message, ToolCall};
use promptkit_build::model::ProviderSpec;
use serde_json::{Value, json};
use support::{MockServer, Reply};

const KEY: &str = "sk-recorded-corpus-key";
const AWS_SECRET: &str = "recorded/corpus+aws+secret/0123456789";
const VERTEX_TOKEN: &str = "ya29.recorded-corpus-token";

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/recordings")
}

fn corpus() -> Vec<Value> {
    serde_json::from_str(
        &std::fs::read_to_string(corpus_dir().join("corpus.json")).expect("corpus.json"),
    )
    .expect("corpus is JSON")
}

/// How the server sends a recording: its HTTP status and headers when the entry
/// names them (recorded errors), binary event-stream frames as they were recorded,
/// else the framing `SOURCES.md` describes.
fn reply_of(entry: &Value, stream: bool) -> Reply {
    let file = entry["file"].as_str().expect("a string");
    let path = corpus_dir().join(file);
    if file.ends_with(".eventstream") {
        let bytes = std::fs::read(&path).expect("recording");
        // Cut at a size unrelated to the frames, so frames cross reads.
        return Reply::Bytes {
            content_type: "application/vnd.amazon.eventstream".into(),
            chunks: bytes.chunks(97).map(<[u8]>::to_vec).collect(),
        };
    }
    let text = std::fs::read_to_string(&path).expect("recording");
    if let Some(status) = entry.get("status").and_then(Value::as_u64) {
        let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        for pair in entry["headers"].as_array().into_iter().flatten() {
            headers.push((
                pair[0].as_str().expect("name").to_owned(),
                pair[1].as_str().expect("value").to_owned(),
            ));
        }
        return Reply::Full {
            status: u16::try_from(status).expect("a status"),
            headers,
            body: text,
        };
    }
    let chunks: Vec<String> = if file.ends_with(".sse") {
        text.split_inclusive("\n\n").map(str::to_owned).collect()
    } else if file.ends_with(".jsonl") {
        text.lines()
            .map(|line| {
                let event: Value = serde_json::from_str(line).expect("jsonl line");
                let kind = event["type"].as_str().unwrap_or("message").to_owned();
                format!("event: {kind}\ndata: {line}\n\n")
            })
            .collect()
    } else if stream {
        let compact: Value = serde_json::from_str(&text).expect("json");
        vec![format!("data: {compact}\n\n")]
    } else {
        return Reply::Full {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: text,
        };
    };
    Reply::Chunks {
        content_type: "text/event-stream".into(),
        chunks: chunks
            .into_iter()
            .map(|c| (std::time::Duration::ZERO, c))
            .collect(),
    }
}

/// A provider for `entry` answering from `server`, and what keeps it working (the
/// config folder, the token server).
struct Built {
    provider: Arc<dyn Provider>,
    _dir: tempfile::TempDir,
    _token: Option<MockServer>,
}

async fn build(entry: &Value, server: &MockServer) -> Built {
    let kind = entry["type"].as_str().expect("a string");
    let model = entry["model"].as_str().expect("a string");
    let dir = tempfile::tempdir().expect("dir");
    let spec =
        |yaml: String| -> ProviderSpec { serde_saphyr::from_str(&yaml).expect("provider spec") };
    match entry.get("platform").and_then(Value::as_str) {
        None => {
            std::fs::write(dir.path().join("key.txt"), format!("{KEY}\n")).expect("key file");
            let spec = spec(format!(
                "type: {kind}\nmodel: {model}\nbase_url: {}\ncredential:\n  credential_file: key.txt\n",
                server.url
            ));
            let provider = live("recorded", &spec, Some(dir.path())).expect("provider");
            Built {
                provider,
                _dir: dir,
                _token: None,
            }
        }
        // Built as `live` builds it, with fixed credentials instead of the process
        // environment (the CLI test covers the environment chain).
        Some("bedrock") => {
            let credentials = AwsCredentials {
                access_key_id: Secret::new("AKIDRECORDEDCORPUS"),
                secret_access_key: Secret::new(AWS_SECRET),
                session_token: None,
            };
            let platform = Arc::new(Platform::Bedrock {
                base: server.url.clone(),
                signer: SigV4Signer::new(credentials, "us-east-1", "bedrock"),
            });
            let settings = Settings::from_spec(&spec(format!("type: {kind}\nmodel: {model}\n")));
            let transport = Transport::shared().expect("transport");
            let provider: Arc<dyn Provider> = match kind {
                "openai" => Arc::new(
                    OpenAi::on_platform("recorded", model, platform, transport)
                        .with_settings(settings),
                ),
                _ => Arc::new(
                    Anthropic::on_platform("recorded", model, platform, transport)
                        .with_settings(settings),
                ),
            };
            Built {
                provider,
                _dir: dir,
                _token: None,
            }
        }
        Some("vertex") => {
            let token = MockServer::start(vec![Reply::json(
                200,
                json!({"access_token": VERTEX_TOKEN, "expires_in": 3599, "token_type": "Bearer"}),
            )])
            .await;
            let dir = support::service_account_dir(&format!("{}/token", token.url));
            let spec = spec(format!(
                "type: {kind}\nmodel: {model}\ncredential:\n  credential_file: sa.json\nplatform:\n  type: vertex\n  project: recorded-corpus\n  region: us-central1\n  endpoint: {}\n",
                server.url
            ));
            let provider = live("recorded", &spec, Some(dir.path())).expect("provider");
            Built {
                provider,
                _dir: dir,
                _token: Some(token),
            }
        }
        Some(other) => panic!("unknown platform {other}"),
    }
}

async fn run(
    provider: &dyn Provider,
    stream: bool,
) -> Result<(ChatResponse, String), ProviderError> {
    let request = ChatRequest {
        messages: vec![Message::user("hello")].into(),
        ..ChatRequest::default()
    };
    if !stream {
        let response = provider.chat(request).await?;
        let text = response.message.content.clone();
        return Ok((response, text));
    }
    let mut chunks = provider.stream(request);
    let mut text = String::new();
    let mut done = None;
    while let Some(chunk) = chunks.next().await {
        match chunk? {
            StreamChunk::Text(t) => text.push_str(&t),
            StreamChunk::ToolCall(_) => {}
            StreamChunk::Done(response) => done = Some(response),
        }
    }
    Ok((done.expect("a Done chunk"), text))
}

fn check(name: &str, expect: &Value, response: &ChatResponse, streamed_text: &str) {
    let m = &response.message;
    assert_eq!(
        m.content,
        expect["text"].as_str().expect("a string"),
        "{name}: text"
    );
    assert_eq!(streamed_text, m.content, "{name}: streamed text");
    assert_eq!(
        m.reasoning.as_ref().map(|r| r.text.as_str()),
        expect.get("reasoning").and_then(Value::as_str),
        "{name}: reasoning"
    );
    if let Some(signature) = expect.get("reasoning_signature").and_then(Value::as_str) {
        assert_eq!(
            m.reasoning.as_ref().and_then(|r| r.signature.as_deref()),
            Some(signature),
            "{name}: reasoning signature"
        );
    }
    let calls: Vec<ToolCall> = expect
        .get("tool_calls")
        .map(|c| serde_json::from_value(c.clone()).expect("expected calls"))
        .unwrap_or_default();
    assert_eq!(m.tool_calls, calls, "{name}: tool calls");
    assert_eq!(
        response.finish_reason.as_deref(),
        expect["finish_reason"].as_str(),
        "{name}: finish reason"
    );
    let u = &expect["usage"];
    assert_eq!(
        (
            response.usage.input_tokens,
            response.usage.output_tokens,
            response.usage.reasoning_tokens
        ),
        (
            u["input_tokens"].as_u64().expect("a count"),
            u["output_tokens"].as_u64().expect("a count"),
            u["reasoning_tokens"].as_u64().expect("a count")
        ),
        "{name}: usage"
    );
    match (response.cost.usd, expect["cost_usd"].as_f64()) {
        (Some(got), Some(want)) => {
            assert!((got - want).abs() < 1e-12, "{name}: cost {got} != {want}")
        }
        (got, want) => assert_eq!(got, want, "{name}: cost"),
    }
}

/// A recorded error: its kind (`status` code or `decode`) and what the detail says.
fn check_error(name: &str, expect: &Value, error: &ProviderError) {
    match expect.get("status").and_then(Value::as_u64) {
        Some(code) => assert_eq!(
            error.kind,
            ErrorKind::Status {
                code: u16::try_from(code).expect("a status")
            },
            "{name}: {error}"
        ),
        None => assert_eq!(error.kind, ErrorKind::Decode, "{name}: {error}"),
    }
    let shown = error.to_string();
    for part in expect["contains"].as_array().expect("a list") {
        let part = part.as_str().expect("a string");
        assert!(
            shown.contains(part),
            "{name}: `{part}` missing from {shown}"
        );
    }
    for part in expect["lacks"].as_array().into_iter().flatten() {
        let part = part.as_str().expect("a string");
        assert!(!shown.contains(part), "{name}: `{part}` in {shown}");
    }
    assert!(!shown.contains(AWS_SECRET) && !shown.contains(KEY));
}

/// What the request must look like for the entry's platform: the key from the key
/// file; Bedrock's InvokeModel path, signed; Vertex's publisher path with the token.
fn check_request(name: &str, entry: &Value, stream: bool, request: &support::Request) {
    let model = entry["model"].as_str().expect("a string");
    match entry.get("platform").and_then(Value::as_str) {
        None => assert!(
            request.headers.iter().any(|(_, v)| v.contains(KEY)),
            "{name}: the key from credential_file is sent"
        ),
        Some("bedrock") => {
            let operation = if stream {
                "invoke-with-response-stream"
            } else {
                "invoke"
            };
            let encoded = model.replace('/', "%2F");
            assert_eq!(
                request.path,
                format!("/model/{encoded}/{operation}"),
                "{name}: path"
            );
            let auth = request.header("authorization").unwrap_or_default();
            assert!(
                auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDRECORDEDCORPUS/"),
                "{name}: {auth}"
            );
            if entry["type"] == "claude" {
                assert_eq!(request.json()["anthropic_version"], "bedrock-2023-05-31");
            }
        }
        Some("vertex") => {
            let (publisher, operation) = match (entry["type"].as_str(), stream) {
                (Some("gemini"), false) => ("google", "generateContent"),
                (Some("gemini"), true) => ("google", "streamGenerateContent?alt=sse"),
                (_, false) => ("anthropic", "rawPredict"),
                (_, true) => ("anthropic", "streamRawPredict"),
            };
            assert_eq!(
                request.path,
                format!(
                    "/v1/projects/recorded-corpus/locations/us-central1/publishers/{publisher}/models/{model}:{operation}"
                ),
                "{name}: path"
            );
            assert_eq!(
                request.header("authorization"),
                Some(format!("Bearer {VERTEX_TOKEN}").as_str()),
                "{name}: token"
            );
        }
        Some(other) => panic!("unknown platform {other}"),
    }
}

#[tokio::test]
async fn every_recording_parses_to_its_expectation() {
    let (mut checked, mut failed) = (0, Vec::new());
    for entry in &corpus() {
        let file = entry["file"].as_str().expect("a string");
        let source = &entry["source"];
        for key in ["repo", "path", "commit"] {
            assert!(
                source[key].as_str().is_some_and(|s| !s.is_empty()),
                "{file}: source.{key}"
            );
        }
        for mode in entry["modes"].as_array().expect("a list") {
            let stream = mode == "stream";
            let name = format!("{file} ({mode})");
            let server = MockServer::start(vec![reply_of(entry, stream)]).await;
            let built = build(entry, &server).await;
            let outcome = run(built.provider.as_ref(), stream).await;
            let requests = server.requests();
            let verdict = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                match (entry["expect"].get("error"), outcome) {
                    (Some(expected), Err(error)) => check_error(&name, expected, &error),
                    (Some(_), Ok((response, _))) => panic!("{name}: answered {response:?}"),
                    (None, Ok((response, text))) => {
                        check(&name, &entry["expect"], &response, &text)
                    }
                    (None, Err(error)) => panic!("{name}: {error}"),
                }
                assert_eq!(requests.len(), 1, "{name}: one request, no retry");
                check_request(&name, entry, stream, &requests[0]);
            }));
            if verdict.is_err() {
                failed.push(name);
            }
            checked += 1;
        }
    }
    assert!(
        failed.is_empty(),
        "recordings not parsed to their expectation: {failed:#?}"
    );
    assert_eq!(checked, 29, "every recording and mode was replayed");
}
