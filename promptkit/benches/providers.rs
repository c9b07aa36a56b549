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

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use promptkit::provider::{ChatRequest, Provider, StreamChunk, ToolSpec};
use promptkit::providers::http::{RetryPolicy, Transport};
use promptkit::providers::openai::{Auth, OpenAi};
use promptkit::tools::{Consent, Toolbox};
use promptkit::{Message, ToolCall};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const COMPLETION: &str = r#"{"choices":[{"message":{"role":"assistant","content":"The order has shipped and arrives on Tuesday."},"finish_reason":"stop"}],"usage":{"prompt_tokens":42,"completion_tokens":11}}"#;

fn main() {
    if std::env::args().nth(1).as_deref() == Some("serve") {
        serve();
        return;
    }
    // cargo bench passes `--bench`; ignore other arguments.
    let mut child = Command::new(std::env::current_exe().expect("own path"))
        .arg("serve")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the upstream");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("port");
    let base = format!("http://{}/v1", line.trim());
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
    let _ = child.kill();
    let _ = child.wait();
}

fn transport() -> Transport {
    Transport::new(Duration::from_secs(60), RetryPolicy::default(), 4096).expect("transport")
}

async fn overhead(base: &str) {
    const N: usize = 4000;
    const IN_FLIGHT: usize = 64;
    let client = reqwest::Client::new();
    let url = format!("{base}/chat/completions");
    let body = serde_json::json!({"model": "m", "messages": [{"role": "user", "content": "where is my order?"}]});
    // Warm up both paths.
    let provider = OpenAi::new("bench", "m", base, Auth::None, transport());
    let request = ChatRequest {
        messages: vec![Message::user("where is my order?")],
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
            messages: messages.clone(),
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

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_owned)
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn cpu_seconds() -> f64 {
    // utime and stime, fields 14 and 15 of /proc/self/stat, in clock ticks (100 Hz).
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = &s[s.rfind(')')? + 2..];
            let fields: Vec<&str> = rest.split_whitespace().collect();
            Some(fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?)
        })
        .map_or(f64::NAN, |ticks| ticks / 100.0)
}

/// The upstream: plain completions with keep-alive; streamed requests get an SSE
/// answer over ~200 ms — a tool call first, then text once the conversation has a
/// tool result.
fn serve() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        println!("{}", listener.local_addr().expect("addr"));
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(connection(socket));
        }
    });
}

async fn connection(mut socket: tokio::net::TcpStream) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
            continue;
        };
        let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buffer.len() < end + 4 + length {
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        let body = String::from_utf8_lossy(&buffer[end + 4..end + 4 + length]).into_owned();
        buffer.drain(..end + 4 + length);
        if body.contains("\"stream\":true") {
            stream_answer(&mut socket, body.contains("\"role\":\"tool\"")).await;
            return;
        }
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{COMPLETION}",
            COMPLETION.len()
        );
        if socket.write_all(reply.as_bytes()).await.is_err() {
            return;
        }
    }
}

async fn stream_answer(socket: &mut tokio::net::TcpStream, after_tool: bool) {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
    if socket.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    for i in 0..20 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        let event = if after_tool {
            format!("data: {{\"choices\":[{{\"delta\":{{\"content\":\"word{i} \"}}}}]}}\n\n")
        } else if i == 19 {
            "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c1\",\"function\":{\"name\":\"get_order_status\",\"arguments\":\"{\\\"id\\\":7}\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\n".to_owned()
        } else {
            format!("data: {{\"choices\":[{{\"delta\":{{\"content\":\"checking{i} \"}}}}]}}\n\n")
        };
        if socket.write_all(event.as_bytes()).await.is_err() {
            return;
        }
    }
    let _ = socket.write_all(b"data: [DONE]\n\n").await;
    let _ = socket.shutdown().await;
}
