//! Streaming conversations: text arrives in pieces through the tool loop, and a
//! streamable guardrail stops a reply mid-stream so it is never delivered in full.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use promptkit::Message;
use promptkit::conversation::Conversation;
use promptkit::providers::http::{RetryPolicy, Transport};
use promptkit::providers::openai::{Auth, OpenAi};
use promptkit::tools::{Consent, Toolbox};
use promptkit::validators::{Validator, ValidatorSet};
use serde_json::json;
use support::{MockServer, Reply};

fn provider(server: &MockServer) -> Arc<OpenAi> {
    let transport =
        Transport::new(Duration::from_secs(2), RetryPolicy::default(), 8).expect("transport");
    Arc::new(OpenAi::new(
        "oai",
        "m",
        &format!("{}/v1", server.url),
        Auth::None,
        transport,
    ))
}

#[tokio::test]
async fn streams_through_a_tool_call() {
    let server = MockServer::start(vec![
        Reply::sse(&[
            r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"lookup","arguments":"{\"id\":1}"}}]},"finish_reason":"tool_calls"}]}"#,
            "[DONE]",
        ]),
        Reply::sse(&[
            r#"{"choices":[{"delta":{"content":"It has "}}]}"#,
            r#"{"choices":[{"delta":{"content":"shipped."}}],"usage":{"prompt_tokens":5,"completion_tokens":3}}"#,
            "[DONE]",
        ]),
    ])
    .await;
    let mut tools = Toolbox::new();
    tools.handler("lookup", |_: serde_json::Value| async move {
        Ok(json!({"status": "shipped"}))
    });
    let mut conversation = Conversation::new(provider(&server))
        .tools(Arc::new(tools))
        .allow_tools(vec!["lookup".into()]);
    let mut seen = Vec::new();
    let turn = conversation
        .send_streaming(Message::user("where?"), &Consent::new(), |t| {
            seen.push(t.to_owned())
        })
        .await
        .expect("turn");
    assert_eq!(seen, ["It has ", "shipped."]);
    assert_eq!(turn.reply.content, "It has shipped.");
    assert_eq!(
        turn.tool_outputs[0].result,
        Some(json!({"status": "shipped"}))
    );
    assert_eq!(server.requests()[1].json()["messages"][2]["role"], "tool");
}

#[tokio::test]
async fn a_guardrail_stops_the_stream() {
    let mut events: Vec<String> = vec![r#"{"choices":[{"delta":{"content":"We "}}]}"#.into()];
    events.push(r#"{"choices":[{"delta":{"content":"guarantee "}}]}"#.into());
    events.extend(
        (0..50).map(|i| format!(r#"{{"choices":[{{"delta":{{"content":"more{i} "}}}}]}}"#)),
    );
    events.push("[DONE]".into());
    let refs: Vec<&str> = events.iter().map(String::as_str).collect();
    let server = MockServer::start(vec![Reply::sse(&refs)]).await;
    let banned = Validator::new(
        "banned_words",
        json!({"words": ["guarantee"]}).as_object().expect("map"),
    )
    .expect("validator");
    let mut conversation =
        Conversation::new(provider(&server)).validators(ValidatorSet::new(vec![banned]));
    let mut seen = Vec::new();
    let turn = conversation
        .send_streaming(Message::user("promise me"), &Consent::new(), |t| {
            seen.push(t.to_owned())
        })
        .await
        .expect("turn");
    assert!(
        !seen
            .iter()
            .any(|t| t.contains("guarantee") || t.contains("more")),
        "{seen:?}"
    );
    assert!(
        !turn.reply.content.contains("guarantee"),
        "{}",
        turn.reply.content
    );
    assert_eq!(turn.responses[0].finish_reason.as_deref(), Some("safety"));
}
