//! A small loopback HTTP/1.1 server for provider tests: canned replies, streamed
//! chunks with delays, hangs and resets; it records every request it receives.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A received request.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("request body is JSON")
    }

    /// The body as JSON, `null` when it is empty or not JSON.
    pub fn json_or_null(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// Reads one HTTP/1.1 request (request line, headers with lower-cased names, a
    /// `content-length` body) from a blocking reader; `None` when the line is missing.
    pub fn read_blocking(reader: &mut impl std::io::BufRead) -> Option<Self> {
        let mut line = String::new();
        reader.read_line(&mut line).ok().filter(|n| *n > 0)?;
        let mut words = line.split_whitespace();
        let method = words.next().unwrap_or_default().to_owned();
        let path = words.next().unwrap_or_default().to_owned();
        let mut headers = Vec::new();
        let mut len = 0usize;
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
            if let Some((k, v)) = line.trim_end().split_once(':') {
                let (k, v) = (k.trim().to_lowercase(), v.trim().to_owned());
                if k == "content-length" {
                    len = v.parse().unwrap_or(0);
                }
                headers.push((k, v));
            }
        }
        let mut body = vec![0; len];
        let _ = reader.read_exact(&mut body);
        Some(Self {
            method,
            path,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }
}

/// What the server answers.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A whole response.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// A close-delimited body sent in pieces, each after its delay.
    Chunks {
        content_type: String,
        chunks: Vec<(Duration, String)>,
    },
    /// A close-delimited binary body sent in pieces (AWS event-stream frames).
    Bytes {
        content_type: String,
        chunks: Vec<Vec<u8>>,
    },
    /// Accepts and never answers.
    Hang,
    /// Closes the connection without a response.
    Reset,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Reply::Full {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string(),
        }
    }

    pub fn sse(events: &[&str]) -> Self {
        Reply::Chunks {
            content_type: "text/event-stream".into(),
            chunks: events
                .iter()
                .map(|e| (Duration::ZERO, format!("data: {e}\n\n")))
                .collect(),
        }
    }
}

/// The server: replies are taken in order (the last one repeats).
pub struct MockServer {
    pub url: String,
    pub requests: Arc<Mutex<Vec<Request>>>,
}

impl MockServer {
    pub async fn start(replies: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let requests: Arc<Mutex<Vec<Request>>> = Arc::default();
        let seen = requests.clone();
        tokio::spawn(async move {
            let mut n = 0usize;
            while let Ok((mut socket, _)) = listener.accept().await {
                let reply = replies[n.min(replies.len() - 1)].clone();
                n += 1;
                let seen = seen.clone();
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut socket).await else {
                        return;
                    };
                    seen.lock().expect("lock").push(request);
                    match reply {
                        Reply::Full {
                            status,
                            headers,
                            body,
                        } => {
                            let mut head = format!(
                                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                                body.len()
                            );
                            for (k, v) in headers {
                                head.push_str(&format!("{k}: {v}\r\n"));
                            }
                            head.push_str("\r\n");
                            let _ = socket.write_all(head.as_bytes()).await;
                            let _ = socket.write_all(body.as_bytes()).await;
                        }
                        Reply::Chunks {
                            content_type,
                            chunks,
                        } => {
                            let pieces = chunks
                                .into_iter()
                                .map(|(delay, text)| (delay, text.into_bytes()))
                                .collect();
                            write_stream(&mut socket, &content_type, pieces).await;
                        }
                        Reply::Bytes {
                            content_type,
                            chunks,
                        } => {
                            let pieces = chunks.into_iter().map(|b| (Duration::ZERO, b)).collect();
                            write_stream(&mut socket, &content_type, pieces).await;
                        }
                        Reply::Hang => tokio::time::sleep(Duration::from_secs(3600)).await,
                        Reply::Reset => {}
                    }
                    let _ = socket.shutdown().await;
                });
            }
        });
        Self { url, requests }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("lock").clone()
    }
}

/// A close-delimited 200 response whose body is `pieces`, each after its delay.
async fn write_stream(
    socket: &mut tokio::net::TcpStream,
    content_type: &str,
    pieces: Vec<(Duration, Vec<u8>)>,
) {
    let head =
        format!("HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\nconnection: close\r\n\r\n");
    let _ = socket.write_all(head.as_bytes()).await;
    for (delay, piece) in pieces {
        tokio::time::sleep(delay).await;
        if socket.write_all(&piece).await.is_err() {
            return;
        }
        let _ = socket.flush().await;
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Request> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let header_end = loop {
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..header_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split_whitespace();
    let method = first.next()?.to_owned();
    let path = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while data.len() < header_end + length {
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
    }
    let body = String::from_utf8_lossy(&data[header_end..(header_end + length).min(data.len())])
        .into_owned();
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

/// Copies the folder `from` into `to`, recursively (test projects edited in a temp dir).
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The name libtest gives the test `name` of `module` (a `module_path!()`), for running
/// it alone in a child process with `--exact`.
pub fn test_name(module: &str, name: &str) -> String {
    let module = module.split_once("::").map_or("", |(_, rest)| rest);
    format!("{module}::{name}")
}

/// The test service account (`tests/data/cloud/service-account.json`) with its
/// `token_uri` at `token_url`, as `sa.json` in a new config folder.
pub fn service_account_dir(token_url: &str) -> tempfile::TempDir {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/cloud/service-account.json"
    );
    let mut account: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).expect("fixture")).expect("json");
    account["token_uri"] = serde_json::Value::from(token_url);
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("sa.json"), account.to_string()).expect("write");
    dir
}
