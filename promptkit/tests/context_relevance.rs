//! Relevance truncation: the embedding APIs against loopback fakes, and a scenario with
//! `strategy: relevance` sending the provider only the recent and the relevant messages.

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use promptkit::Message;
use promptkit::arena::{RunOptions, RunResult, Setup, Status, Suite};
use promptkit::provider::{BoxFuture, ChatRequest, ChatResponse, Provider, ProviderError};
use promptkit::providers::embeddings::{EmbedFuture, Embedder, EmbeddingApi, HttpEmbedder};
use promptkit::providers::http::Secret;
use serde_json::json;
use support::{MockServer, Reply, copy_dir};

const KEY: &str = "emb-secret-never-print-0123456789";
const CONTEXT_PROJECT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/conformance/context-management"
);

/// A client of `api` talking to the loopback `server` with the test key.
fn embedder(api: EmbeddingApi, model: Option<&str>, server: &MockServer) -> HttpEmbedder {
    HttpEmbedder::new(api, model, Some(&server.url), Secret::new(KEY)).expect("embedder")
}

fn texts() -> Vec<String> {
    vec!["first".into(), "second".into()]
}

#[tokio::test]
async fn openai_and_voyage_embeddings_follow_the_response_index() {
    for api in [EmbeddingApi::OpenAi, EmbeddingApi::Voyage] {
        let server = MockServer::start(vec![Reply::json(
            200,
            json!({"data": [
                {"index": 1, "embedding": [0.0, 1.0]},
                {"index": 0, "embedding": [1.0, 0.0]},
            ]}),
        )])
        .await;
        let embedder = embedder(api, Some("m-1"), &server);
        let vectors = embedder.embed(&texts()).await.expect("embeds");
        assert_eq!(vectors, vec![vec![1.0, 0.0], vec![0.0, 1.0]]);
        let request = &server.requests()[0];
        assert_eq!(request.path, "/embeddings");
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
        assert_eq!(
            request.json(),
            json!({"model": "m-1", "input": ["first", "second"]})
        );
    }
}

#[tokio::test]
async fn gemini_embeddings_use_batch_embed_contents() {
    let server = MockServer::start(vec![Reply::json(
        200,
        json!({"embeddings": [{"values": [1.0, 2.0]}, {"values": [3.0, 4.0]}]}),
    )])
    .await;
    let embedder = embedder(EmbeddingApi::Gemini, None, &server);
    let vectors = embedder.embed(&texts()).await.expect("embeds");
    assert_eq!(vectors, vec![vec![1.0, 2.0], vec![3.0, 4.0]]);
    let request = &server.requests()[0];
    assert_eq!(
        request.path,
        "/models/text-embedding-004:batchEmbedContents"
    );
    assert_eq!(request.header("x-goog-api-key"), Some(KEY));
    assert_eq!(
        request.json()["requests"][1],
        json!({"model": "models/text-embedding-004", "content": {"parts": [{"text": "second"}]}})
    );
}

#[tokio::test]
async fn embedding_errors_are_typed_and_never_show_the_key() {
    let server = MockServer::start(vec![
        Reply::json(401, json!({"error": format!("bad key {KEY}")})),
        Reply::json(200, json!({"data": [{"index": 0, "embedding": [1.0]}]})),
    ])
    .await;
    let embedder = embedder(EmbeddingApi::OpenAi, None, &server);
    let refused = embedder.embed(&texts()).await.expect_err("401");
    assert!(!format!("{refused}{refused:?}").contains(KEY));
    assert!(refused.to_string().contains("401"), "{refused}");
    let short = embedder
        .embed(&texts())
        .await
        .expect_err("one vector for two texts");
    assert!(
        short.to_string().contains("expected 2 embeddings"),
        "{short}"
    );
}

/// Embeds a text as its counts of a few topic words.
struct Topics;

impl Embedder for Topics {
    fn embed<'a>(&'a self, texts: &'a [String]) -> EmbedFuture<'a> {
        let vectors = texts
            .iter()
            .map(|t| {
                let t = t.to_lowercase();
                ["jupiter", "saturn", "moon", "name"]
                    .iter()
                    .map(|w| t.matches(w).count() as f64)
                    .collect()
            })
            .collect();
        Box::pin(async move { Ok(vectors) })
    }
}

/// A long reply (4 × 14 words, about 75 tokens) so the conversation outgrows its budget.
const REPLY: &str = "Saturn has rings of ice and rock, and more known moons than other planets. ";

/// Answers every request with a fixed reply and keeps the messages it was sent.
struct Capture(Mutex<Vec<Vec<Message>>>);

impl Provider for Capture {
    fn id(&self) -> &str {
        "openai-gpt4"
    }

    fn model(&self) -> &str {
        "capture"
    }

    fn chat<'a>(
        &'a self,
        request: ChatRequest,
    ) -> BoxFuture<'a, Result<ChatResponse, ProviderError>> {
        if let Ok(mut seen) = self.0.lock() {
            seen.push(request.messages.to_vec());
        }
        Box::pin(async move {
            Ok(ChatResponse {
                message: Message::assistant(REPLY.repeat(4)),
                usage: Default::default(),
                cost: Default::default(),
                latency: Duration::ZERO,
                finish_reason: None,
            })
        })
    }
}

/// The context-management conformance project with `context-limited-oldest` switched
/// to relevance truncation.
fn relevance_project() -> tempfile::TempDir {
    let temp = tempfile::tempdir().expect("temp dir");
    copy_dir(std::path::Path::new(CONTEXT_PROJECT), temp.path());
    let scenario = temp
        .path()
        .join("scenarios/context-limited-oldest.scenario.yaml");
    let text = std::fs::read_to_string(&scenario).expect("scenario");
    let text = text.replace(
        "    strategy: oldest",
        "    strategy: relevance\n    relevance:\n      provider: openai\n      min_recent_messages: 1",
    );
    std::fs::write(&scenario, text).expect("write");
    temp
}

/// Runs `context-limited-oldest` of `project` on the capturing provider.
async fn run_limited_scenario(project: &tempfile::TempDir, setup: &Setup) -> RunResult {
    let options = RunOptions {
        scenarios: vec!["context-limited-oldest".into()],
        providers: vec!["openai-gpt4".into()],
        ..RunOptions::default()
    };
    let suite =
        Suite::load(project.path().join("config.arena.yaml"), options, setup).expect("suite");
    suite.run(|_| {}).await
}

#[tokio::test]
async fn a_relevance_scenario_sends_the_recent_and_the_relevant_messages() {
    let project = relevance_project();
    let capture = Arc::new(Capture(Mutex::new(Vec::new())));
    let mut setup = Setup::new();
    setup
        .provider("openai-gpt4", capture.clone())
        .embedder("openai", Arc::new(Topics));
    let run = run_limited_scenario(&project, &setup).await;
    assert_eq!(run.cases.len(), 1);
    let case = &run.cases[0];
    assert_ne!(case.status, Status::Error, "{case}");

    let sent = capture.0.lock().expect("requests").clone();
    assert_eq!(sent.len(), 7, "one call per turn");
    let all = sent.last().expect("last call");
    let first_user = "Hi! I'm learning about space. My name is Alice and I'm in 5th grade.";
    assert!(
        all.len() < 13,
        "the last call is truncated (13 messages in the conversation): {all:#?}"
    );
    // The query ("What's my name again?") is most similar to the first message, the
    // only other one mentioning a name: relevance keeps it where `oldest` drops it.
    assert_eq!(all.first().map(|m| m.content.as_str()), Some(first_user));
    assert_eq!(
        all.last().map(|m| m.content.as_str()),
        Some("What's my name again?")
    );
}

#[tokio::test]
async fn a_relevance_scenario_without_an_embedder_errors_with_the_fix() {
    let project = relevance_project();
    let scenario = project
        .path()
        .join("scenarios/context-limited-oldest.scenario.yaml");
    let text = std::fs::read_to_string(&scenario).expect("scenario");
    // No `relevance:` block (a checker warning): no key lookup, no network.
    let text = text.replace(
        "\n    relevance:\n      provider: openai\n      min_recent_messages: 1",
        "",
    );
    assert!(!text.contains("relevance:"));
    std::fs::write(&scenario, text).expect("write");
    let capture = Arc::new(Capture(Mutex::new(Vec::new())));
    let mut setup = Setup::new();
    setup.provider("openai-gpt4", capture);
    let run = run_limited_scenario(&project, &setup).await;
    let case = &run.cases[0];
    assert_eq!(case.status, Status::Error, "{case}");
    let error = case.error.as_deref().unwrap_or_default();
    assert!(
        error.contains(
            "strategy `relevance` cannot run: `context_policy.relevance.provider` is not set"
        ),
        "{error}"
    );
    assert!(error.contains("use strategy `oldest`"), "{error}");
    assert!(!case.turns.is_empty(), "turns within budget ran: {case}");
}
