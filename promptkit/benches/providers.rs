//! Runtime overhead and footprint against a loopback OpenAI-compatible upstream that
//! runs in a child process (so its memory is not counted).
//!
//! `cargo bench -p promptkit --bench providers`
//!
//! (a) requests/s of `OpenAi::chat` vs a raw reqwest loop (same client settings, same
//!     JSON parsing), 4000 requests at 64 in flight;
//! (b) peak RSS (VmHWM) and CPU time of 100 / 1000 / 2000 concurrent streaming
//!     conversations, each: a streamed answer with a tool call, the tool run through a
//!     `Toolbox`, then a streamed final answer (each stream ~20 chunks over ~200 ms).

mod support;

use support::{cpu_seconds, peak_rss_mb};

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use promptkit::provider::{ChatRequest, Provider, StreamChunk, ToolSpec};
use promptkit::providers::http::{RetryPolicy, Transport};
use promptkit::providers::openai::{Auth, OpenAi};
use promptkit::tools::{Consent, Toolbox};
use promptkit::{Message, ToolCall};

fn main() {
    if std::env::args().nth(1).as_deref() == Some("serve") {
        support::serve();
        return;
    }
    // cargo bench passes `--bench`; ignore other arguments.
    let (child, base) = support::spawn();
    let _upstream = support::KillOnDrop(child);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        overhead(&base).await;
        for n in [100, 1000, 2000] {
            footprint(&base, n).await;
        }
    });
}

fn transport() -> Transport {
    Transport::new(Duration::from_secs(60), RetryPolicy::default(), 4096).expect("transport")
}

async fn overhead(base: &str) {
    const N: usize = 4000;
    const IN_FLIGHT: usize = 64;
    // Our transport installs the TLS crypto provider the raw client also needs.
    let provider = OpenAi::new("bench", "m", base, Auth::None, transport());
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .build()
        .expect("raw client");
    let url = format!("{base}/chat/completions");
    let body = serde_json::json!({"model": "m", "messages": [{"role": "user", "content": "where is my order?"}]});
    // Warm up.
    let request = ChatRequest {
        messages: vec![Message::user("where is my order?")].into(),
        ..ChatRequest::default()
    };
    for _ in 0..200 {
        let _ = provider.chat(request.clone()).await;
    }
    let raw = {
        let started = Instant::now();
        futures_util::stream::iter(0..N)
            .map(|_| {
                let (client, url, body) = (&client, &url, &body);
                async move {
                    let response = client
                        .post(url)
                        .json(body)
                        .send()
                        .await
                        .expect("raw request");
                    let value: serde_json::Value = response.json().await.expect("raw JSON");
                    assert!(value["choices"][0]["message"]["content"].is_string());
                }
            })
            .buffer_unordered(IN_FLIGHT)
            .collect::<Vec<_>>()
            .await;
        N as f64 / started.elapsed().as_secs_f64()
    };
    let ours = {
        let started = Instant::now();
        futures_util::stream::iter(0..N)
            .map(|_| {
                let (provider, request) = (&provider, &request);
                async move {
                    let response = provider
                        .chat(request.clone())
                        .await
                        .expect("provider request");
                    assert!(!response.message.content.is_empty());
                }
            })
            .buffer_unordered(IN_FLIGHT)
            .collect::<Vec<_>>()
            .await;
        N as f64 / started.elapsed().as_secs_f64()
    };
    println!(
        "overhead: raw reqwest {raw:.0} req/s, OpenAi::chat {ours:.0} req/s, ratio {:.3}",
        ours / raw
    );
}

async fn footprint(base: &str, conversations: usize) {
    let provider: Arc<dyn Provider> =
        Arc::new(OpenAi::new("bench", "m", base, Auth::None, transport()));
    let mut tools = Toolbox::new();
    tools.handler("get_order_status", |args: serde_json::Value| async move {
        Ok(serde_json::json!({"order": args["id"], "status": "shipped"}))
    });
    let tools = Arc::new(tools);
    let (cpu_before, started) = (cpu_seconds(), Instant::now());
    let tasks: Vec<_> = (0..conversations)
        .map(|i| {
            let (provider, tools) = (provider.clone(), tools.clone());
            tokio::spawn(async move { conversation(provider.as_ref(), &tools, i).await })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        ok += usize::from(task.await.unwrap_or(false));
    }
    println!(
        "footprint: {conversations} concurrent streaming conversations with a tool call: {ok} completed in {:.2}s, peak RSS {:.1} MB, CPU {:.2}s",
        started.elapsed().as_secs_f64(),
        peak_rss_mb(),
        cpu_seconds() - cpu_before
    );
}

/// Two streamed rounds with a tool call between them; true when it completed.
async fn conversation(provider: &dyn Provider, tools: &Toolbox, i: usize) -> bool {
    let mut messages = vec![Message::user(format!("where is order {i}?"))];
    let spec = ToolSpec {
        name: "get_order_status".into(),
        description: "order status".into(),
        input_schema: serde_json::json!({"type": "object"}),
    };
    for _ in 0..2 {
        let request = ChatRequest {
            messages: messages.clone().into(),
            tools: vec![spec.clone()],
            ..ChatRequest::default()
        };
        let mut stream = provider.stream(request);
        let mut done = None;
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(StreamChunk::Done(response)) => done = Some(response),
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        let Some(response) = done else { return false };
        let calls: Vec<ToolCall> = response.message.tool_calls.clone();
        messages.push(response.message);
        if calls.is_empty() {
            return true;
        }
        for output in tools.call_all(&calls, &Consent::new()).await {
            messages.push(Message::tool_result(
                output.call.id.clone(),
                output.call.name.clone(),
                output.content(),
            ));
        }
    }
    false
}
