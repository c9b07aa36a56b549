//! The Gemini provider against a loopback server: plain, function calls both ways,
//! streaming, the key kept out of the URL, and faults as typed errors.

use crate::support;

use std::time::Duration;

use futures_util::StreamExt;
use promptkit::provider::{ChatRequest, ErrorKind, Provider, StreamChunk, ToolSpec};
use promptkit::providers::gemini::Gemini;
use promptkit::providers::http::{RetryPolicy, Secret, Transport};
use promptkit::providers::pricing::Pricing;
use promptkit::providers::settings::Settings;
use promptkit::{Message, ToolCall};
use serde_json::json;
use support::{MockServer, Reply};

const KEY: &str = "AIza-test-key-0123456789";

fn provider(server: &MockServer) -> Gemini {
    let retry = RetryPolicy {
        max_retries: 1,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
    };
    let transport = Transport::new(Duration::from_millis(1500), retry, 8).expect("transport");
    Gemini::new(
        "gem",
        "gemini-test",
        &server.url,
        Secret::new(KEY),
        transport,
    )
    .with_settings(Settings {
        pricing: Some(Pricing {
            input_per_1k: 0.5,
            output_per_1k: 1.0,
        }),
        ..Settings::default()
    })
}

fn request() -> ChatRequest {
    ChatRequest {
        system: Some("be brief".into()),
        messages: vec![
            Message::user("weather?"),
            Message {
                tool_calls: vec![ToolCall {
                    id: "call_1".into(),
                    name: "weather".into(),
                    arguments: json!({"city": "Oslo"}),
                    signature: None,
                }],
                ..Message::assistant("")
            },
            Message::tool_result("call_1", "weather", "{\"temp\":3}"),
        ]
        .into(),
        tools: vec![ToolSpec {
            name: "weather".into(),
            description: "w".into(),
            input_schema: json!({"type": "object"}),
        }],
        ..ChatRequest::default()
    }
}

#[tokio::test]
async fn generate_content_with_function_calls() {
    let reply = json!({
        "candidates": [{"content": {"role": "model", "parts": [
            {"text": "Checking."},
            {"functionCall": {"name": "weather", "args": {"city": "Bergen"}}}
        ]}, "finishReason": "STOP"}],
        "usageMetadata": {"promptTokenCount": 2000, "candidatesTokenCount": 1000}
    });
    let server = MockServer::start(vec![Reply::json(200, reply)]).await;
    let response = provider(&server).chat(request()).await.expect("answer");
    assert_eq!(response.message.content, "Checking.");
    assert_eq!(
        response.message.tool_calls[0].arguments,
        json!({"city": "Bergen"})
    );
    assert_eq!(response.cost.usd, Some(2.0));
    let sent = &server.requests()[0];
    assert_eq!(sent.path, "/models/gemini-test:generateContent");
    assert!(!sent.path.contains(KEY), "the key is not in the URL");
    assert_eq!(sent.header("x-goog-api-key"), Some(KEY));
    let body = sent.json();
    assert_eq!(body["systemInstruction"]["parts"][0]["text"], "be brief");
    assert_eq!(body["contents"][1]["role"], "model");
    assert_eq!(
        body["contents"][1]["parts"][0]["functionCall"]["name"],
        "weather"
    );
    assert_eq!(
        body["contents"][2]["parts"][0]["functionResponse"]["response"],
        json!({"temp": 3})
    );
    assert_eq!(
        body["tools"][0]["functionDeclarations"][0]["name"],
        "weather"
    );
}

#[tokio::test]
async fn streaming_and_faults() {
    let server = MockServer::start(vec![Reply::sse(&[
        r#"{"candidates":[{"content":{"parts":[{"text":"Cold "}]}}]}"#,
        r#"{"candidates":[{"content":{"parts":[{"text":"today."}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2}}"#,
    ])])
    .await;
    let chunks: Vec<_> = provider(&server).stream(request()).collect().await;
    let Some(Ok(StreamChunk::Done(done))) = chunks.last() else {
        panic!("{chunks:?}")
    };
    assert_eq!(done.message.content, "Cold today.");
    assert_eq!(done.usage.output_tokens, 2);
    assert_eq!(
        server.requests()[0].path,
        "/models/gemini-test:streamGenerateContent?alt=sse"
    );

    let cut = MockServer::start(vec![Reply::sse(&[
        r#"{"candidates":[{"content":{"parts":[{"text":"Co"}]}}]}"#,
    ])])
    .await;
    let chunks: Vec<_> = provider(&cut).stream(request()).collect().await;
    assert!(
        matches!(chunks.last(), Some(Err(e)) if e.kind == ErrorKind::Decode),
        "{chunks:?}"
    );

    let blocked = MockServer::start(vec![Reply::json(
        200,
        json!({"promptFeedback": {"blockReason": "SAFETY"}}),
    )])
    .await;
    let err = provider(&blocked)
        .chat(request())
        .await
        .expect_err("blocked");
    assert!(err.detail.contains("SAFETY"), "{err}");

    let limited =
        MockServer::start(vec![Reply::json(429, json!({"error": {"message": KEY}}))]).await;
    let err = provider(&limited)
        .chat(request())
        .await
        .expect_err("rate limited");
    assert!(matches!(err.kind, ErrorKind::RateLimited { .. }), "{err:?}");
    assert_eq!(err.attempts, 2);
    assert!(!format!("{err}{err:?}").contains(KEY));
}
