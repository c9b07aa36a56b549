//! Media parts on the wire: a loopback server sees each provider's encoding of images,
//! audio and documents, and a provider that cannot take a media type refuses the request
//! before sending anything.

use crate::support;

use std::time::Duration;

use promptkit::media::data_url;
use promptkit::provider::{ChatRequest, ErrorKind, Provider};
use promptkit::providers::anthropic::Anthropic;
use promptkit::providers::gemini::Gemini;
use promptkit::providers::http::{RetryPolicy, Secret, Transport};
use promptkit::providers::openai::{Auth, OpenAi};
use promptkit::{ContentPart, Message};
use serde_json::{Value, json};
use support::{MockServer, Reply};

fn transport() -> Transport {
    let retry = RetryPolicy {
        max_retries: 0,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(2),
    };
    Transport::new(Duration::from_secs(2), retry, 4).expect("transport")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/data/media/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

fn inline(kind: &str, mime: &str, name: &str) -> ContentPart {
    ContentPart::of_kind(
        kind,
        data_url::encode(mime, &fixture(name)),
        Some(mime.into()),
    )
    .expect("kind")
}

fn ask(parts: Vec<ContentPart>) -> ChatRequest {
    let mut message = Message::user("What is this?");
    message.parts = parts;
    ChatRequest {
        messages: vec![message].into(),
        ..ChatRequest::default()
    }
}

fn claude(server: &MockServer) -> Anthropic {
    Anthropic::new(
        "c",
        "claude-sonnet-4",
        &server.url,
        Secret::new("sk-ant-123456"),
        transport(),
    )
}

fn gemini(server: &MockServer) -> Gemini {
    Gemini::new(
        "g",
        "gemini-2.5-flash",
        &server.url,
        Secret::new("AIza-k-123456"),
        transport(),
    )
}

/// A part by reference (not loaded).
fn by_reference(kind: &str, url: &str, mime: &str) -> ContentPart {
    ContentPart::of_kind(kind, url.into(), Some(mime.into())).expect("kind")
}

fn b64(name: &str) -> String {
    let url = data_url::encode("x/y", &fixture(name));
    data_url::split(&url).expect("split").1.to_owned()
}

async fn sent(provider: &dyn Provider, server: &MockServer, request: ChatRequest) -> Value {
    provider.chat(request).await.expect("reply");
    server.requests()[0].json()
}

#[tokio::test]
async fn openai_sends_image_url_input_audio_and_file_parts() {
    let reply = json!({"choices": [{"message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}]});
    let server = MockServer::start(vec![Reply::json(200, reply)]).await;
    let openai = OpenAi::new("o", "gpt-4o", &server.url, Auth::None, transport());
    let by_url = by_reference("image", "https://example.com/a.jpg", "image/jpeg");
    let body = sent(
        &openai,
        &server,
        ask(vec![
            inline("image", "image/png", "red-3x2.png"),
            by_url,
            inline("audio", "audio/x-wav", "tone.wav"),
            inline("document", "application/pdf", "note.pdf"),
        ]),
    )
    .await;
    assert_eq!(
        body["messages"][0]["content"],
        json!([
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": {"url": format!("data:image/png;base64,{}", b64("red-3x2.png"))}},
            {"type": "image_url", "image_url": {"url": "https://example.com/a.jpg"}},
            {"type": "input_audio", "input_audio": {"data": b64("tone.wav"), "format": "wav"}},
            {"type": "file", "file": {"filename": "document.pdf", "file_data": format!("data:application/pdf;base64,{}", b64("note.pdf"))}},
        ])
    );
}

#[tokio::test]
async fn anthropic_sends_image_and_document_blocks() {
    let reply = json!({"content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn", "usage": {"input_tokens": 1, "output_tokens": 1}});
    let server = MockServer::start(vec![Reply::json(200, reply)]).await;
    let claude = claude(&server);
    let body = sent(
        &claude,
        &server,
        ask(vec![
            inline("image", "image/png", "red-3x2.png"),
            inline("document", "application/pdf", "note.pdf"),
        ]),
    )
    .await;
    assert_eq!(
        body["messages"][0]["content"],
        json!([
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": b64("red-3x2.png")}},
            {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": b64("note.pdf")}},
            {"type": "text", "text": "What is this?"},
        ])
    );
}

#[tokio::test]
async fn gemini_sends_inline_data_and_file_data() {
    let reply = json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "ok"}]}, "finishReason": "STOP"}]});
    let server = MockServer::start(vec![Reply::json(200, reply)]).await;
    let gemini = gemini(&server);
    let video = by_reference("video", "gs://bucket/clip.mp4", "video/mp4");
    let body = sent(
        &gemini,
        &server,
        ask(vec![inline("audio", "audio/x-wav", "tone.wav"), video]),
    )
    .await;
    assert_eq!(
        body["contents"][0]["parts"],
        json!([
            {"text": "What is this?"},
            {"inlineData": {"mimeType": "audio/x-wav", "data": b64("tone.wav")}},
            {"fileData": {"mimeType": "video/mp4", "fileUri": "gs://bucket/clip.mp4"}},
        ])
    );
}

#[tokio::test]
async fn a_media_type_the_provider_cannot_take_is_refused_before_sending() {
    let server = MockServer::start(Vec::new()).await;
    let video = || by_reference("video", "https://example.com/clip.mp4", "video/mp4");
    let openai = OpenAi::new("o", "gpt-4o", &server.url, Auth::None, transport());
    let claude = claude(&server);
    let audio_by_url = by_reference("audio", "https://example.com/a.wav", "audio/wav");
    for (provider, part, says) in [
        (&openai as &dyn Provider, video(), "cannot take video"),
        (&openai, audio_by_url, "takes audio only inline"),
        (
            &claude,
            inline("audio", "audio/x-wav", "tone.wav"),
            "cannot take audio",
        ),
    ] {
        let err = provider.chat(ask(vec![part])).await.expect_err("refused");
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(err.detail.contains(says), "{err}");
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}

/// A conversation whose tool answered with a text and an image (and audio, which only
/// Gemini's `inlineData` could carry, and only as the first media).
fn after_tool(parts: Vec<ContentPart>) -> ChatRequest {
    let mut call = Message::assistant("");
    call.tool_calls = vec![promptkit::ToolCall::new("call_1", "chart", json!({"q": 1}))];
    let mut result = Message::tool_result("call_1", "chart", "Here is the chart");
    result.parts = parts;
    ChatRequest {
        messages: vec![Message::user("Chart it"), call, result].into(),
        ..ChatRequest::default()
    }
}

#[tokio::test]
async fn tool_results_with_media_are_sent_as_media_parts() {
    let image = || inline("image", "image/png", "red-3x2.png");
    let audio = || inline("audio", "audio/wav", "tone.wav");
    let png = format!("data:image/png;base64,{}", b64("red-3x2.png"));

    let reply = json!({"choices": [{"message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}]});
    let server = MockServer::start(vec![Reply::json(200, reply)]).await;
    let openai = OpenAi::new("o", "gpt-4o", &server.url, Auth::None, transport());
    let body = sent(&openai, &server, after_tool(vec![image(), audio()])).await;
    assert_eq!(
        body["messages"][2],
        json!({"role": "tool", "tool_call_id": "call_1", "content": [
            {"type": "text", "text": "Here is the chart"},
            {"type": "image_url", "image_url": {"url": png}},
        ]})
    );

    let reply = json!({"content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn", "usage": {"input_tokens": 1, "output_tokens": 1}});
    let server = MockServer::start(vec![Reply::json(200, reply)]).await;
    let body = sent(
        &claude(&server),
        &server,
        after_tool(vec![image(), audio()]),
    )
    .await;
    assert_eq!(
        body["messages"][2]["content"][0],
        json!({"type": "tool_result", "tool_use_id": "call_1", "content": [
            {"type": "text", "text": "Here is the chart"},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": b64("red-3x2.png")}},
        ]})
    );

    let reply = json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "ok"}]}, "finishReason": "STOP"}]});
    let server = MockServer::start(vec![Reply::json(200, reply)]).await;
    let gemini = gemini(&server);
    let body = sent(&gemini, &server, after_tool(vec![audio(), image()])).await;
    assert_eq!(
        body["contents"][2]["parts"][0],
        json!({"functionResponse": {"name": "chart", "response": {
            "text": "Here is the chart",
            "inlineData": {"mimeType": "audio/wav", "data": b64("tone.wav")},
        }}})
    );
}
