//! The OpenAI-compatible provider against a loopback server: plain answers, tools,
//! streaming, and every fault (429 with Retry-After, 500, timeout, reset, truncated
//! SSE, invalid JSON) retried or reported as a typed error, never a panic; the key
//! never appears in an error.

use crate::support;

use std::time::Duration;

use futures_util::StreamExt;
use promptkit::provider::{ChatRequest, ErrorKind, Provider, StreamChunk, ToolSpec};
use promptkit::providers::http::{RetryPolicy, Secret, Transport};
use promptkit::providers::openai::{Auth, OpenAi, Pricing};
use promptkit::providers::settings::Settings;
use promptkit::{Message, Role};
use serde_json::json;
use support::{MockServer, Reply};

const KEY: &str = "sk-test-0123456789abcdef";

fn provider(server: &MockServer, timeout_ms: u64, retries: u32) -> OpenAi {
    let retry = RetryPolicy {
        max_retries: retries,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(200),
    };
    let transport = Transport::new(Duration::from_millis(timeout_ms), retry, 8).expect("transport");
    OpenAi::new(
        "oai",
        "gpt-test",
        &format!("{}/v1", server.url),
        Auth::Bearer(Secret::new(KEY)),
        transport,
    )
    .with_settings(Settings {
        pricing: Some(Pricing {
            input_per_1k: 1.0,
            output_per_1k: 2.0,
        }),
        ..Settings::default()
    })
}

fn request() -> ChatRequest {
    ChatRequest {
        system: Some("be brief".into()),
        messages: vec![Message::user("hi")].into(),
        ..ChatRequest::default()
    }
}

fn completion(content: serde_json::Value, tool_calls: serde_json::Value) -> serde_json::Value {
    json!({
        "choices": [{"message": {"role": "assistant", "content": content, "tool_calls": tool_calls}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 500, "prompt_tokens_details": {"cached_tokens": 200}}
    })
}

#[tokio::test]
async fn plain_answer_with_usage_cost_and_auth() {
    let server = MockServer::start(vec![Reply::json(
        200,
        completion(json!("hello"), json!(null)),
    )])
    .await;
    let response = provider(&server, 2000, 0)
        .chat(request())
        .await
        .expect("answer");
    assert_eq!(response.message.content, "hello");
    assert_eq!(response.message.role, Role::Assistant);
    assert_eq!(response.usage.input_tokens, 1000);
    assert_eq!(response.usage.cached_tokens, 200);
    assert_eq!(response.cost.usd, Some(2.0));
    let sent = &server.requests()[0];
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    let body = sent.json();
    assert_eq!(body["model"], "gpt-test");
    assert_eq!(
        body["messages"][0],
        json!({"role": "system", "content": "be brief"})
    );
    assert_eq!(
        body["messages"][1],
        json!({"role": "user", "content": "hi"})
    );
}

#[tokio::test]
async fn tools_go_out_and_calls_come_back() {
    let calls = json!([{"id": "c1", "type": "function", "function": {"name": "lookup", "arguments": "{\"id\":7}"}}]);
    let server = MockServer::start(vec![Reply::json(200, completion(json!(null), calls))]).await;
    let mut req = request();
    req.tools = vec![ToolSpec {
        name: "lookup".into(),
        description: "find".into(),
        input_schema: json!({"type": "object"}),
    }];
    std::sync::Arc::make_mut(&mut req.messages).push(Message {
        tool_calls: vec![promptkit::ToolCall {
            id: "c0".into(),
            name: "lookup".into(),
            arguments: json!({"id": 1}),
            signature: None,
        }],
        ..Message::assistant("")
    });
    std::sync::Arc::make_mut(&mut req.messages).push(Message::tool_result(
        "c0",
        "lookup",
        "{\"ok\":true}",
    ));
    let response = provider(&server, 2000, 0).chat(req).await.expect("answer");
    assert_eq!(response.message.tool_calls[0].name, "lookup");
    assert_eq!(response.message.tool_calls[0].arguments, json!({"id": 7}));
    let body = server.requests()[0].json();
    assert_eq!(body["tools"][0]["function"]["name"], "lookup");
    assert_eq!(
        body["messages"][2]["tool_calls"][0]["function"]["arguments"],
        "{\"id\":1}"
    );
    assert_eq!(
        body["messages"][3],
        json!({"role": "tool", "tool_call_id": "c0", "content": "{\"ok\":true}"})
    );
}

#[tokio::test]
async fn streaming_assembles_text_tool_calls_and_usage() {
    let server = MockServer::start(vec![Reply::sse(&[
        r#"{"choices":[{"delta":{"content":"Hel"}}]}"#,
        r#"{"choices":[{"delta":{"content":"lo"}}]}"#,
        r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"look","arguments":"{\"i"}}]}}]}"#,
        r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"name":"up","arguments":"d\":1}"}}]},"finish_reason":"tool_calls"}]}"#,
        r#"{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}}"#,
        "[DONE]",
    ])])
    .await;
    let p = provider(&server, 2000, 0);
    let chunks: Vec<_> = p.stream(request()).collect().await;
    let texts: Vec<String> = chunks
        .iter()
        .filter_map(|c| match c {
            Ok(StreamChunk::Text(t)) => Some(t.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(texts, ["Hel", "lo"]);
    let Some(Ok(StreamChunk::Done(done))) = chunks.last() else {
        panic!("ends with Done: {chunks:?}")
    };
    assert_eq!(done.message.content, "Hello");
    assert_eq!(done.message.tool_calls[0].name, "lookup");
    assert_eq!(done.message.tool_calls[0].arguments, json!({"id": 1}));
    assert_eq!(done.usage.output_tokens, 4);
    assert_eq!(done.finish_reason.as_deref(), Some("tool_calls"));
    assert_eq!(server.requests()[0].json()["stream"], true);
}

#[tokio::test]
async fn rate_limits_are_retried_after_the_servers_delay() {
    let limited = Reply::Full {
        status: 429,
        headers: vec![("retry-after".into(), "0.05".into())],
        body: "slow down".into(),
    };
    let server = MockServer::start(vec![
        limited,
        Reply::json(200, completion(json!("ok"), json!(null))),
    ])
    .await;
    let started = std::time::Instant::now();
    let response = provider(&server, 2000, 2)
        .chat(request())
        .await
        .expect("retried");
    assert_eq!(response.message.content, "ok");
    assert_eq!(server.requests().len(), 2);
    assert!(started.elapsed() >= Duration::from_millis(50));
}

#[tokio::test]
async fn server_errors_are_retried_then_reported_typed() {
    let server = MockServer::start(vec![Reply::json(500, json!({"error": "boom"}))]).await;
    let err = provider(&server, 2000, 2)
        .chat(request())
        .await
        .expect_err("fails");
    assert_eq!(err.kind, ErrorKind::Status { code: 500 });
    assert_eq!(err.attempts, 3);
    assert_eq!(server.requests().len(), 3);
    assert!(err.to_string().contains("provider `oai`"), "{err}");
    assert!(
        err.to_string().contains("HTTP 500 after 3 attempts"),
        "{err}"
    );
}

#[tokio::test]
async fn client_errors_are_not_retried_and_never_show_the_key() {
    let echo = json!({"error": {"message": format!("Incorrect API key provided: {KEY}")}});
    let server = MockServer::start(vec![Reply::json(401, echo)]).await;
    let err = provider(&server, 2000, 3)
        .chat(request())
        .await
        .expect_err("fails");
    assert_eq!(err.kind, ErrorKind::Status { code: 401 });
    assert_eq!(server.requests().len(), 1);
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("***"), "{shown}");
}

#[tokio::test]
async fn timeouts_resets_and_bad_json_are_typed_errors() {
    let hang = MockServer::start(vec![Reply::Hang]).await;
    let err = provider(&hang, 100, 1)
        .chat(request())
        .await
        .expect_err("times out");
    assert_eq!(err.kind, ErrorKind::Timeout);
    assert_eq!(hang.requests().len(), 2, "a timeout is retried");

    let reset = MockServer::start(vec![Reply::Reset]).await;
    let err = provider(&reset, 1000, 1)
        .chat(request())
        .await
        .expect_err("reset");
    assert!(
        matches!(err.kind, ErrorKind::Connect | ErrorKind::Decode),
        "{err:?}"
    );

    let garbage = MockServer::start(vec![Reply::Full {
        status: 200,
        headers: vec![],
        body: "{not json".into(),
    }])
    .await;
    let err = provider(&garbage, 1000, 0)
        .chat(request())
        .await
        .expect_err("bad JSON");
    assert_eq!(err.kind, ErrorKind::Decode);
    assert!(err.detail.contains("invalid JSON"), "{err}");

    let no_choices = MockServer::start(vec![Reply::json(200, json!({"id": "x"}))]).await;
    let err = provider(&no_choices, 1000, 0)
        .chat(request())
        .await
        .expect_err("no choices");
    assert_eq!(err.kind, ErrorKind::Decode);
}

#[tokio::test]
async fn truncated_and_corrupt_streams_end_with_an_error() {
    let truncated = MockServer::start(vec![Reply::Chunks {
        content_type: "text/event-stream".into(),
        chunks: vec![
            (
                Duration::ZERO,
                "data: {\"choices\":[{\"delta\":{\"content\":\"par\"}}]}\n\n".into(),
            ),
            (Duration::ZERO, "data: {\"choices\":[{\"del".into()),
        ],
    }])
    .await;
    let chunks: Vec<_> = provider(&truncated, 2000, 0)
        .stream(request())
        .collect()
        .await;
    assert!(
        matches!(chunks.first(), Some(Ok(StreamChunk::Text(t))) if t == "par"),
        "{chunks:?}"
    );
    let last = chunks.last().expect("some chunk");
    assert!(
        matches!(last, Err(e) if e.kind == ErrorKind::Decode),
        "{chunks:?}"
    );

    let corrupt = MockServer::start(vec![Reply::sse(&["{oops", "[DONE]"])]).await;
    let chunks: Vec<_> = provider(&corrupt, 2000, 0)
        .stream(request())
        .collect()
        .await;
    assert!(
        matches!(chunks.last(), Some(Err(e)) if e.detail.contains("invalid JSON")),
        "{chunks:?}"
    );

    let refused = MockServer::start(vec![Reply::json(503, json!({}))]).await;
    let chunks: Vec<_> = provider(&refused, 2000, 0)
        .stream(request())
        .collect()
        .await;
    assert!(
        matches!(chunks.as_slice(), [Err(e)] if e.kind == ErrorKind::Status { code: 503 }),
        "{chunks:?}"
    );
}
