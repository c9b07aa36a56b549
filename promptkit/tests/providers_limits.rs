//! A provider config's limits at work against a loopback server: `stream_idle_timeout`
//! ends a silent stream, `request_timeout` no longer cuts a stream that keeps talking,
//! `stream_max_concurrent` holds a second stream until the first ends, and `rate_limit`
//! paces requests.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use promptkit::Message;
use promptkit::provider::{ChatRequest, ErrorKind, Provider, StreamChunk};
use promptkit::providers::live;
use promptkit_build::model::ProviderSpec;
use serde_json::json;
use support::{MockServer, Reply};

/// An OpenAI-compatible provider at `server` with `extra` config lines (its key read
/// from a key file, as a project's would be).
fn provider(server: &MockServer, extra: &str) -> Arc<dyn Provider> {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("key.txt"), "limits-test-key-0123").expect("key");
    let yaml = format!(
        "type: openai\nmodel: m\nbase_url: {}/v1\ncredential:\n  credential_file: key.txt\n{extra}",
        server.url
    );
    let spec: ProviderSpec = serde_saphyr::from_str(&yaml).expect("provider spec");
    live("p", &spec, Some(dir.path())).expect("provider")
}

fn request() -> ChatRequest {
    ChatRequest {
        messages: vec![Message::user("hi")].into(),
        ..ChatRequest::default()
    }
}

fn delta(text: &str) -> String {
    format!(
        "data: {}\n\n",
        json!({"choices": [{"delta": {"content": text}}]})
    )
}

fn finish() -> String {
    format!(
        "data: {}\n\ndata: [DONE]\n\n",
        json!({"choices": [{"delta": {}, "finish_reason": "stop"}]})
    )
}

/// A stream of `parts` deltas, each `gap` after the previous, then the end.
fn paced_stream(parts: &[&str], gap: Duration) -> Reply {
    let mut chunks: Vec<(Duration, String)> = parts.iter().map(|p| (gap, delta(p))).collect();
    chunks.push((gap, finish()));
    Reply::Chunks {
        content_type: "text/event-stream".into(),
        chunks,
    }
}

#[tokio::test]
async fn a_silent_stream_ends_with_a_timeout_naming_the_setting() {
    let reply = Reply::Chunks {
        content_type: "text/event-stream".into(),
        chunks: vec![
            (Duration::ZERO, delta("par")),
            (Duration::from_secs(30), finish()),
        ],
    };
    let server = MockServer::start(vec![reply]).await;
    let provider = provider(&server, "stream_idle_timeout: 200ms\n");
    let chunks: Vec<_> = provider.stream(request()).collect().await;
    assert!(
        matches!(&chunks[0], Ok(StreamChunk::Text(t)) if t == "par"),
        "{chunks:?}"
    );
    let error = chunks
        .iter()
        .find_map(|c| c.as_ref().err())
        .expect("the stream fails");
    assert_eq!(error.kind, ErrorKind::Timeout, "{error}");
    assert!(error.to_string().contains("stream_idle_timeout"), "{error}");
}

#[tokio::test]
async fn a_stream_that_keeps_talking_outlives_the_request_timeout() {
    let server = MockServer::start(vec![paced_stream(
        &["a", "b", "c", "d", "e", "f"],
        Duration::from_millis(100),
    )])
    .await;
    // The whole stream takes ~700 ms; the request timeout bounds only the headers.
    let provider = provider(&server, "request_timeout: 300ms\nstream_idle_timeout: 2s\n");
    let chunks: Vec<_> = provider.stream(request()).collect().await;
    let done = chunks.iter().find_map(|c| match c {
        Ok(StreamChunk::Done(response)) => Some(response),
        _ => None,
    });
    let done = done.unwrap_or_else(|| panic!("the stream completes: {chunks:?}"));
    assert_eq!(done.message.content, "abcdef");
}

#[tokio::test]
async fn a_second_stream_waits_for_the_providers_only_slot() {
    let first = Reply::Chunks {
        content_type: "text/event-stream".into(),
        chunks: vec![
            (Duration::ZERO, delta("one")),
            (Duration::from_millis(400), finish()),
        ],
    };
    let server = MockServer::start(vec![first, paced_stream(&["two"], Duration::ZERO)]).await;
    let provider = provider(&server, "stream_max_concurrent: 1\n");
    let mut stream_one = provider.stream(request());
    assert!(matches!(
        stream_one.next().await,
        Some(Ok(StreamChunk::Text(_)))
    ));
    let second = {
        let provider = provider.clone();
        tokio::spawn(async move { provider.stream(request()).collect::<Vec<_>>().await })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(
        server.requests().len(),
        1,
        "the second stream is not sent while the first holds the slot"
    );
    while stream_one.next().await.is_some() {}
    drop(stream_one);
    let chunks = second.await.expect("second stream");
    assert!(
        chunks.iter().any(|c| matches!(c, Ok(StreamChunk::Done(_)))),
        "{chunks:?}"
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn requests_beyond_the_burst_wait_for_the_rate() {
    let ok = Reply::json(
        200,
        json!({"choices": [{"message": {"content": "ok"}, "finish_reason": "stop"}]}),
    );
    let server = MockServer::start(vec![ok]).await;
    let provider = provider(&server, "rate_limit:\n  rps: 1\n  burst: 2\n");
    for _ in 0..2 {
        provider.chat(request()).await.expect("within the burst");
    }
    let third = {
        let provider = provider.clone();
        tokio::spawn(async move { provider.chat(request()).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        server.requests().len(),
        2,
        "the third request waits for a token (1 per second)"
    );
    third.await.expect("task").expect("sent once refilled");
    assert_eq!(server.requests().len(), 3);
}
