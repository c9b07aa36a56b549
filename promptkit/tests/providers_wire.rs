//! Defects found by replaying real wire traffic, one test each: Gemini thought
//! signatures sent back, Gemini `retryDelay` honoured, OpenAI-compatible streams that
//! repeat a call's id and name in every chunk, Anthropic input counts given in
//! `message_delta`, and providers on a cloud `platform:` never sent to the public API.

use crate::support;

use std::time::Duration;

use futures_util::StreamExt;
use promptkit::provider::{ChatRequest, ErrorKind, Provider, StreamChunk};
use promptkit::providers::anthropic::Anthropic;
use promptkit::providers::gemini::Gemini;
use promptkit::providers::http::{RetryPolicy, Secret, Transport};
use promptkit::providers::live;
use promptkit::providers::openai::{Auth, OpenAi};
use promptkit::{Message, ToolCall};
use promptkit_build::model::ProviderSpec;
use serde_json::json;
use support::{MockServer, Reply};

fn transport(max_retries: u32) -> Transport {
    let retry = RetryPolicy {
        max_retries,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(20),
    };
    Transport::new(Duration::from_secs(2), retry, 4).expect("transport")
}

/// A recorded JSON body from the corpus, with `status`.
fn recorded(status: u16, file: &str) -> Reply {
    let path = format!(
        "{}/tests/data/recordings/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    Reply::Full {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: std::fs::read_to_string(path).expect("recording"),
    }
}

fn gemini(model: &str, server: &MockServer) -> Gemini {
    Gemini::new(
        "g",
        model,
        &server.url,
        Secret::new("AIza-k-123456"),
        transport(0),
    )
}

fn claude(server: &MockServer) -> Anthropic {
    Anthropic::new(
        "c",
        "claude-sonnet-4",
        &server.url,
        Secret::new("sk-ant-123456"),
        transport(0),
    )
}

async fn done(provider: &dyn Provider, request: ChatRequest) -> promptkit::provider::ChatResponse {
    let mut stream = provider.stream(request);
    while let Some(chunk) = stream.next().await {
        if let StreamChunk::Done(response) = chunk.expect("chunk") {
            return response;
        }
    }
    panic!("no Done chunk");
}

#[tokio::test]
async fn a_gemini_thought_signature_goes_back_with_its_call() {
    let answer = json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "Done."}]}, "finishReason": "STOP"}]});
    let server = MockServer::start(vec![
        recorded(200, "gemini/function_call_thought_signature.json"),
        Reply::json(200, answer),
    ])
    .await;
    let gemini = gemini("gemini-2.5-flash", &server);
    let mut request = ChatRequest {
        messages: vec![Message::user("what is today's step?")].into(),
        ..ChatRequest::default()
    };
    let first = gemini.chat(request.clone()).await.expect("first round");
    let call = first.message.tool_calls[0].clone();
    assert!(
        call.signature
            .as_deref()
            .is_some_and(|s| s.starts_with("CpQCAdHtim"))
    );
    std::sync::Arc::make_mut(&mut request.messages).push(first.message);
    std::sync::Arc::make_mut(&mut request.messages).push(Message::tool_result(
        &call.id,
        &call.name,
        "{\"step\":\"outline\"}",
    ));
    gemini.chat(request).await.expect("second round");
    let sent = server.requests()[1].json();
    let part = &sent["contents"][1]["parts"][0];
    assert_eq!(part["functionCall"]["name"], "getTodayStep");
    assert_eq!(part["thoughtSignature"], json!(call.signature));
}

#[tokio::test]
async fn a_gemini_retry_delay_in_the_body_is_the_retry_hint() {
    let server = MockServer::start(vec![recorded(429, "gemini/error_429_retry_delay.json")]).await;
    let gemini = gemini("gemini-3-flash", &server);
    let error = gemini.chat(ChatRequest::default()).await.expect_err("429");
    assert_eq!(
        error.kind,
        ErrorKind::RateLimited {
            retry_after: Some(Duration::from_secs(58))
        }
    );
}

#[tokio::test]
async fn repeated_stream_ids_and_names_are_not_concatenated() {
    let chunk = |args: &str| {
        json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "call_x", "type": "function", "function": {"name": "lookup", "arguments": args}}]}}]}).to_string()
    };
    let finish =
        json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}).to_string();
    let (a, b) = (chunk("{\"q\":"), chunk("\"x\"}"));
    let server = MockServer::start(vec![Reply::sse(&[&a, &b, &finish, "[DONE]"])]).await;
    let openai = OpenAi::new("o", "some-model", &server.url, Auth::None, transport(0));
    let response = done(&openai, ChatRequest::default()).await;
    assert_eq!(
        response.message.tool_calls,
        vec![ToolCall::new("call_x", "lookup", json!({"q": "x"}))]
    );
}

#[tokio::test]
async fn anthropic_input_counts_in_message_delta_are_kept() {
    let events = [
        json!({"type": "message_start", "message": {"usage": {"input_tokens": 0, "output_tokens": 1}}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}}),
        json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"input_tokens": 412, "output_tokens": 9, "cache_read_input_tokens": 100}}),
        json!({"type": "message_stop"}),
    ]
    .map(|e| e.to_string());
    let refs: Vec<&str> = events.iter().map(String::as_str).collect();
    let server = MockServer::start(vec![Reply::sse(&refs)]).await;
    let claude = claude(&server);
    let response = done(&claude, ChatRequest::default()).await;
    assert_eq!(
        (
            response.usage.input_tokens,
            response.usage.output_tokens,
            response.usage.cached_tokens
        ),
        (412, 9, 100)
    );
}

fn spec(yaml: &str) -> ProviderSpec {
    serde_saphyr::from_str(yaml).expect("provider spec")
}

#[tokio::test]
async fn providers_on_other_platforms_are_refused_not_sent_to_the_public_api() {
    for yaml in [
        "type: ollama\nmodel: llama3\nplatform:\n  type: bedrock\n  region: us-east-1\n",
        "type: gemini\nmodel: gemini-2.5-flash\nplatform:\n  type: bedrock\n  region: us-east-1\n",
        "type: vllm\nmodel: m\nplatform:\n  type: vertex\n  project: p\n  region: r\n",
        "type: claude\nmodel: claude-sonnet-4\nplatform:\n  type: azure\n  endpoint: https://x\n",
    ] {
        let error = live("p", &spec(yaml), None).err().expect("refused");
        assert_eq!(error.kind, ErrorKind::Config);
        assert!(error.to_string().contains("platform"), "{error}");
    }
}

#[tokio::test]
async fn azure_platform_calls_the_deployment_at_its_endpoint() {
    let server = MockServer::start(vec![Reply::json(
        200,
        json!({"choices": [{"message": {"content": "ok"}, "finish_reason": "stop"}]}),
    )])
    .await;
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("azure.key"), "azure-key-123456").expect("key");
    let yaml = format!(
        "type: openai\nmodel: my-deployment\ncredential:\n  credential_file: azure.key\nplatform:\n  type: azure\n  endpoint: {}\n",
        server.url
    );
    let provider = live("az", &spec(&yaml), Some(dir.path())).expect("provider");
    let response = provider.chat(ChatRequest::default()).await.expect("answer");
    assert_eq!(response.message.content, "ok");
    let request = &server.requests()[0];
    assert!(
        request
            .path
            .starts_with("/openai/deployments/my-deployment/chat/completions?api-version="),
        "{}",
        request.path
    );
    assert_eq!(request.header("api-key"), Some("azure-key-123456"));
    assert_eq!(request.header("authorization"), None);
}

#[tokio::test]
async fn a_claude_thinking_block_goes_back_first_with_its_signature() {
    let server = MockServer::start(vec![Reply::json(
        200,
        json!({"content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn", "usage": {"input_tokens": 1, "output_tokens": 1}}),
    )])
    .await;
    let claude = claude(&server);
    let mut assistant = Message::assistant("");
    assistant.reasoning = promptkit::Reasoning::of("think".into(), Some("sig-1".into()));
    assistant.tool_calls = vec![ToolCall::new("t1", "lookup", json!({}))];
    let request = ChatRequest {
        messages: vec![
            Message::user("hi"),
            assistant,
            Message::tool_result("t1", "lookup", "{}"),
        ]
        .into(),
        ..ChatRequest::default()
    };
    claude.chat(request).await.expect("answer");
    let blocks = &server.requests()[0].json()["messages"][1]["content"];
    assert_eq!(
        blocks[0],
        json!({"type": "thinking", "thinking": "think", "signature": "sig-1"})
    );
    assert_eq!(blocks[1]["type"], "tool_use");
}
