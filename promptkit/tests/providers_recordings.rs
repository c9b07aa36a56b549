//! The corpus of real recorded responses (`tests/data/recordings`, sources in
//! `corpus.json`) replayed by a loopback server through providers built from configs
//! as a project would write them (`providers::live`: built-in prices, key file):
//! every recording must parse to its expectation, whole and streamed.

use crate::support;

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use promptkit::provider::{ChatRequest, ChatResponse, Provider, StreamChunk};
use promptkit::providers::live;
use promptkit::{Message, ToolCall};
use promptkit_build::model::ProviderSpec;
use serde_json::Value;
use support::{MockServer, Reply};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/recordings")
}

/// How the server sends a recording file.
fn reply_of(file: &str, stream: bool) -> Reply {
    let text = std::fs::read_to_string(corpus_dir().join(file)).expect("recording");
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

/// A provider config as a project writes it, keyed from a file next to it.
fn provider(kind: &str, model: &str, url: &str, dir: &Path) -> std::sync::Arc<dyn Provider> {
    std::fs::write(dir.join("key.txt"), "sk-recorded-corpus-key\n").expect("key file");
    let yaml = format!(
        "type: {kind}\nmodel: {model}\nbase_url: {url}\ncredential:\n  credential_file: key.txt\n"
    );
    let spec: ProviderSpec = serde_saphyr::from_str(&yaml).expect("provider spec");
    live("recorded", &spec, Some(dir)).expect("provider")
}

async fn run(provider: &dyn Provider, stream: bool) -> (ChatResponse, String) {
    let request = ChatRequest {
        messages: vec![Message::user("hello")].into(),
        ..ChatRequest::default()
    };
    if !stream {
        let response = provider.chat(request).await.expect("answer");
        let text = response.message.content.clone();
        return (response, text);
    }
    let mut chunks = provider.stream(request);
    let mut text = String::new();
    let mut done = None;
    while let Some(chunk) = chunks.next().await {
        match chunk.expect("chunk") {
            StreamChunk::Text(t) => text.push_str(&t),
            StreamChunk::ToolCall(_) => {}
            StreamChunk::Done(response) => done = Some(response),
        }
    }
    (done.expect("a Done chunk"), text)
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

#[tokio::test]
async fn every_recording_parses_to_its_expectation() {
    let corpus: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(corpus_dir().join("corpus.json")).expect("corpus.json"),
    )
    .expect("corpus is JSON");
    let mut checked = 0;
    for entry in &corpus {
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
            let server = MockServer::start(vec![reply_of(file, stream)]).await;
            let dir = tempfile::tempdir().expect("dir");
            let p = provider(
                entry["type"].as_str().expect("a string"),
                entry["model"].as_str().expect("a string"),
                &server.url,
                dir.path(),
            );
            let (response, text) = run(p.as_ref(), stream).await;
            check(
                &format!("{file} ({mode})"),
                &entry["expect"],
                &response,
                &text,
            );
            let request = &server.requests()[0];
            assert!(
                request
                    .headers
                    .iter()
                    .any(|(_, v)| v.contains("sk-recorded-corpus-key")),
                "{file}: the key from credential_file is sent"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 11, "every recording and mode was replayed");
}
