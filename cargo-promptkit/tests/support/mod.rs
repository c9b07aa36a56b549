//! What the command-line tests share (each test uses what it needs).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Copies the folder `from` into `to` (created), leaving out report (`out`) and build
/// (`target`) folders, so a test can edit a project without touching the repository.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "out" && name != "target" {
                copy_dir(&path, &to.join(name));
            }
        } else {
            std::fs::copy(&path, to.join(name)).expect("copy file");
        }
    }
}

/// The project at `project` copied to a temporary folder, its provider file `provider`
/// (relative to the project) pointed at `url` instead of the placeholder
/// `http://127.0.0.1:9`; the folder and the copied arena config.
pub fn project_at(project: &Path, provider: &str, url: &str) -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().expect("temp dir");
    copy_dir(project, temp.path());
    let provider = temp.path().join(provider);
    let text = std::fs::read_to_string(&provider).expect("provider file");
    std::fs::write(&provider, text.replace("http://127.0.0.1:9", url)).expect("write");
    let config = temp.path().join("config.arena.yaml");
    (temp, config)
}

/// A request a [`loopback`] server received.
pub struct Received {
    /// The request line (`POST /path HTTP/1.1`).
    pub line: String,
    /// The headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body (`content-length` bytes).
    pub body: Vec<u8>,
}

impl Received {
    /// The value of header `name` (lower case), or "".
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// A loopback HTTP/1.1 server on its own thread answering every request with the bytes
/// `answer` returns (a whole response, status line included; the connection then
/// closes); its base URL.
pub fn loopback(answer: impl Fn(&Received) -> Vec<u8> + Send + 'static) -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let mut headers = Vec::new();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                    break;
                }
                if let Some((k, v)) = header.split_once(':') {
                    headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
                }
            }
            let mut request = Received {
                line: line.trim().to_owned(),
                headers,
                body: Vec::new(),
            };
            request.body = vec![0; request.header("content-length").parse().unwrap_or(0)];
            let _ = reader.read_exact(&mut request.body);
            let _ = reader.get_mut().write_all(&answer(&request));
        }
    });
    url
}

/// A whole HTTP response: `status`, `headers`, `body`, `content-length`, and
/// `connection: close`.
pub fn http_response(status: u16, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status} Fake\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    ));
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}
