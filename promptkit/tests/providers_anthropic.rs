//! The Anthropic provider against a loopback server: plain, tools (blocks both ways),
//! streaming with tool-argument deltas, and faults as typed errors.

use crate::support;

use std::time::Duration;

use futures_util::StreamExt;
use promptkit::provider::{ChatRequest, ErrorKind, Provider, StreamChunk, ToolSpec};
use promptkit::providers::anthropic::Anthropic;
use promptkit::providers::http::{RetryPolicy, Secret, Transport};
use promptkit::{Message, ToolCall};
use serde_json::json;
use support::{MockServer, Reply};

const KEY: &str = "sk-ant-test-abcdef123456";

fn provider(server: &MockServer, retries: u32) -> Anthropic {
    let retry = RetryPolicy {
        max_retries: retries,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(100),
    };
    let transport = Transport::new(Duration::from_millis(1500), retry, 8).expect("transport");
    Anthropic::new(
        "claude",
        "claude-test",
        &server.url,
        Secret::new(KEY),
        transport,
    )
}

fn request() -> ChatRequest {
    let mut messages = vec![Message::user("find order 7")];
    messages.push(Message {
        tool_calls: vec![ToolCall {
            id: "t1".into(),
            name: "lookup".into(),
            arguments: json!({"id": 7}),
            signature: None,
        }],
        ..Message::assistant("")
    });
    messages.push(Message::tool_result(
        "t1",
        "lookup",
        "{\"status\":\"shipped\"}",
    ));
    ChatRequest {
        system: Some("be brief".into()),
        messages: messages.into(),
        tools: vec![ToolSpec {
            name: "lookup".into(),
            description: "find".into(),
            input_schema: json!({"type": "object"}),
        }],
        ..ChatRequest::default()
    }
}

#[tokio::test]
async fn messages_tools_and_usage() {
    let reply = json!({
        "content": [
            {"type": "text", "text": "Let me check."},
            {"type": "tool_use", "id": "t2", "name": "lookup", "input": {"id": 8}}
        ],
        "stop_reason": "tool_use",
        "usage": {"input_tokens": 10, "output_tokens": 5, "cache_read_input_tokens": 3}
    });
    let server = MockServer::start(vec![Reply::json(200, reply)]).await;
    let response = provider(&server, 0).chat(request()).await.expect("answer");
    assert_eq!(response.message.content, "Let me check.");
    assert_eq!(response.message.tool_calls[0].arguments, json!({"id": 8}));
    assert_eq!(response.usage.cached_tokens, 3);
    assert_eq!(response.cost.usd, None, "not priced is not $0");
    let sent = &server.requests()[0];
    assert_eq!(sent.path, "/v1/messages");
    assert_eq!(sent.header("x-api-key"), Some(KEY));
    assert_eq!(sent.header("anthropic-version"), Some("2023-06-01"));
    let body = sent.json();
    assert_eq!(body["system"], "be brief");
    assert_eq!(body["max_tokens"], 1024);
    assert_eq!(body["messages"][1]["content"][0]["type"], "tool_use");
    assert_eq!(body["messages"][2]["content"][0]["tool_use_id"], "t1");
    assert_eq!(body["tools"][0]["input_schema"], json!({"type": "object"}));
}

#[tokio::test]
async fn streaming_text_and_tool_arguments() {
    let events = [
        r#"{"type":"message_start","message":{"usage":{"input_tokens":12}}}"#,
        r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi "}}"#,
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"there"}}"#,
        r#"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t9","name":"lookup"}}"#,
        r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"id\":"}}"#,
        r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"9}"}}"#,
        r#"{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":7}}"#,
        r#"{"type":"message_stop"}"#,
    ];
    let server = MockServer::start(vec![Reply::sse(&events)]).await;
    let chunks: Vec<_> = provider(&server, 0).stream(request()).collect().await;
    let Some(Ok(StreamChunk::Done(done))) = chunks.last() else {
        panic!("{chunks:?}")
    };
    assert_eq!(done.message.content, "Hi there");
    assert_eq!(done.message.tool_calls[0].arguments, json!({"id": 9}));
    assert_eq!((done.usage.input_tokens, done.usage.output_tokens), (12, 7));
    assert!(
        chunks
            .iter()
            .any(|c| matches!(c, Ok(StreamChunk::ToolCall(t)) if t.id == "t9"))
    );
}

#[tokio::test]
async fn faults_are_typed_and_keyless() {
    let overloaded = MockServer::start(vec![Reply::json(
        529,
        json!({"type": "error", "error": {"type": "overloaded_error"}}),
    )])
    .await;
    let err = provider(&overloaded, 1)
        .chat(request())
        .await
        .expect_err("overloaded");
    assert_eq!(err.kind, ErrorKind::Status { code: 529 });
    assert_eq!(err.attempts, 2);

    let events = [r#"{"type":"error","error":{"type":"overloaded_error","message":"busy"}}"#];
    let failing = MockServer::start(vec![Reply::sse(&events)]).await;
    let chunks: Vec<_> = provider(&failing, 0).stream(request()).collect().await;
    assert!(
        matches!(chunks.last(), Some(Err(e)) if e.detail.contains("busy")),
        "{chunks:?}"
    );

    let truncated = MockServer::start(vec![Reply::sse(&[
        r#"{"type":"message_start","message":{}}"#,
    ])])
    .await;
    let chunks: Vec<_> = provider(&truncated, 0).stream(request()).collect().await;
    assert!(
        matches!(chunks.last(), Some(Err(e)) if e.kind == ErrorKind::Decode),
        "{chunks:?}"
    );

    let echo = MockServer::start(vec![Reply::json(
        401,
        json!({"error": format!("bad key {KEY}")}),
    )])
    .await;
    let err = provider(&echo, 0)
        .chat(request())
        .await
        .expect_err("unauthorized");
    assert!(!format!("{err}{err:?}").contains(KEY));
}
