//! The same fault matrix for every live provider: 429 with Retry-After (retried), 500
//! (retried, then typed), timeout, connection reset, invalid JSON, truncated SSE —
//! each a typed error or a recovery, never a panic.

use crate::support;

use std::time::Duration;

use futures_util::StreamExt;
use promptkit::Message;
use promptkit::provider::{ChatRequest, ErrorKind, Provider, StreamChunk};
use promptkit::providers::anthropic::Anthropic;
use promptkit::providers::gemini::Gemini;
use promptkit::providers::http::{RetryPolicy, Secret, Transport};
use promptkit::providers::openai::{Auth, OpenAi};
use serde_json::json;
use support::{MockServer, Reply};

#[derive(Clone, Copy, Debug)]
enum Kind {
    OpenAi,
    Anthropic,
    Gemini,
}

const KINDS: [Kind; 3] = [Kind::OpenAi, Kind::Anthropic, Kind::Gemini];

fn provider(kind: Kind, server: &MockServer, retries: u32, timeout_ms: u64) -> Box<dyn Provider> {
    let retry = RetryPolicy {
        max_retries: retries,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(200),
    };
    let transport = Transport::new(Duration::from_millis(timeout_ms), retry, 8).expect("transport");
    let key = Secret::new("test-key-0123456789");
    match kind {
        Kind::OpenAi => Box::new(OpenAi::new(
            "p",
            "m",
            &format!("{}/v1", server.url),
            Auth::Bearer(key),
            transport,
        )),
        Kind::Anthropic => Box::new(Anthropic::new("p", "m", &server.url, key, transport)),
        Kind::Gemini => Box::new(Gemini::new("p", "m", &server.url, key, transport)),
    }
}

/// A minimal successful answer in each API's shape.
fn ok_body(kind: Kind) -> serde_json::Value {
    match kind {
        Kind::OpenAi => {
            json!({"choices": [{"message": {"content": "ok"}, "finish_reason": "stop"}]})
        }
        Kind::Anthropic => {
            json!({"content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn"})
        }
        Kind::Gemini => {
            json!({"candidates": [{"content": {"parts": [{"text": "ok"}]}, "finishReason": "STOP"}]})
        }
    }
}

/// The first event of a stream in each API's shape (never a complete answer).
fn partial_event(kind: Kind) -> &'static str {
    match kind {
        Kind::OpenAi => r#"{"choices":[{"delta":{"content":"par"}}]}"#,
        Kind::Anthropic => {
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"par"}}"#
        }
        Kind::Gemini => r#"{"candidates":[{"content":{"parts":[{"text":"par"}]}}]}"#,
    }
}

fn request() -> ChatRequest {
    ChatRequest {
        messages: vec![Message::user("hi")].into(),
        ..ChatRequest::default()
    }
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_retried() {
    for kind in KINDS {
        let limited = Reply::Full {
            status: 429,
            headers: vec![("retry-after".into(), "0".into())],
            body: "{}".into(),
        };
        let server = MockServer::start(vec![
            limited,
            Reply::json(500, json!({})),
            Reply::json(200, ok_body(kind)),
        ])
        .await;
        let response = provider(kind, &server, 3, 2000).chat(request()).await;
        assert_eq!(
            response.map(|r| r.message.content).ok().as_deref(),
            Some("ok"),
            "{kind:?}"
        );
        assert_eq!(server.requests().len(), 3, "{kind:?}");

        let failing = MockServer::start(vec![Reply::json(500, json!({}))]).await;
        let err = provider(kind, &failing, 1, 2000)
            .chat(request())
            .await
            .expect_err("500");
        assert_eq!(
            (err.kind.clone(), err.attempts),
            (ErrorKind::Status { code: 500 }, 2),
            "{kind:?}"
        );
    }
}

#[tokio::test]
async fn timeouts_resets_and_invalid_json_are_typed() {
    for kind in KINDS {
        let hang = MockServer::start(vec![Reply::Hang]).await;
        let err = provider(kind, &hang, 0, 100)
            .chat(request())
            .await
            .expect_err("timeout");
        assert_eq!(err.kind, ErrorKind::Timeout, "{kind:?}");

        let reset = MockServer::start(vec![Reply::Reset]).await;
        let err = provider(kind, &reset, 0, 1000)
            .chat(request())
            .await
            .expect_err("reset");
        assert!(
            matches!(err.kind, ErrorKind::Connect | ErrorKind::Decode),
            "{kind:?}: {err:?}"
        );

        let garbage = MockServer::start(vec![Reply::Full {
            status: 200,
            headers: vec![],
            body: "<html>oops".into(),
        }])
        .await;
        let err = provider(kind, &garbage, 0, 1000)
            .chat(request())
            .await
            .expect_err("invalid JSON");
        assert_eq!(err.kind, ErrorKind::Decode, "{kind:?}");
        assert!(err.detail.contains("invalid JSON"), "{kind:?}: {err}");
    }
}

#[tokio::test]
async fn truncated_streams_end_with_an_error() {
    for kind in KINDS {
        let server = MockServer::start(vec![Reply::Chunks {
            content_type: "text/event-stream".into(),
            chunks: vec![
                (Duration::ZERO, format!("data: {}\n\n", partial_event(kind))),
                (Duration::ZERO, "data: {\"cut".into()),
            ],
        }])
        .await;
        let chunks: Vec<_> = provider(kind, &server, 0, 2000)
            .stream(request())
            .collect()
            .await;
        assert!(
            matches!(chunks.first(), Some(Ok(StreamChunk::Text(t))) if t == "par"),
            "{kind:?}: {chunks:?}"
        );
        assert!(
            matches!(chunks.last(), Some(Err(e)) if e.kind == ErrorKind::Decode),
            "{kind:?}: {chunks:?}"
        );
    }
}
