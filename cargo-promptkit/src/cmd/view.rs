//! `cargo promptkit view [DIR]`: serves a run's HTML report on loopback and prints the
//! URL. The page is the report written by `run` (`report.html`), else one rendered from
//! the folder's results (our `results.json` or the reference's `index.json`). Serves
//! only the report and the folder's own files (no subfolders); `--max-requests` and
//! `--timeout` bound it for scripts and tests.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use promptkit::arena::report::{Format, load_baseline};

/// Flags of `view`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The results folder (default: `out`).
    #[arg(default_value = "out")]
    dir: PathBuf,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Stop after answering this many requests.
    #[arg(long)]
    max_requests: Option<usize>,
    /// Stop after this many seconds without a request.
    #[arg(long)]
    timeout: Option<u64>,
}

/// Runs `view`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let page = report_page(&args.dir)?;
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, args.port))
        .with_context(|| format!("listening on 127.0.0.1:{}", args.port))?;
    let address = listener.local_addr()?;
    println!("serving {} at http://{address}/", args.dir.display());
    std::io::stdout().flush()?;
    listener.set_nonblocking(args.timeout.is_some())?;
    let idle = args.timeout.map(Duration::from_secs);
    let mut last = Instant::now();
    let mut served = 0;
    while args.max_requests.is_none_or(|max| served < max) {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false)?;
                answer(stream, &args.dir, &page);
                served += 1;
                last = Instant::now();
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if idle.is_some_and(|idle| last.elapsed() >= idle) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => return Err(e).context("accepting a connection"),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `report.html` when `run` wrote one, else the page rendered from the results.
fn report_page(dir: &Path) -> anyhow::Result<String> {
    let html = dir.join(Format::Html.file_name());
    if html.is_file() {
        return std::fs::read_to_string(&html)
            .with_context(|| format!("reading `{}`", html.display()));
    }
    let run = load_baseline(dir).with_context(|| {
        format!(
            "`{}` holds no report.html, results.json or index.json; run `cargo promptkit run -o {}` first",
            dir.display(),
            dir.display()
        )
    })?;
    Ok(Format::Html.render(&run))
}

fn answer(stream: TcpStream, dir: &Path, page: &str) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Drain the headers.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let path = target.split('?').next().unwrap_or("/");
    let (status, kind, body) = if method != "GET" {
        (
            "405 Method Not Allowed",
            "text/plain",
            b"GET only\n".to_vec(),
        )
    } else if path == "/" || path == "/index.html" || path == "/report.html" {
        (
            "200 OK",
            "text/html; charset=utf-8",
            page.as_bytes().to_vec(),
        )
    } else {
        match own_file(dir, path) {
            Some((kind, bytes)) => ("200 OK", kind, bytes),
            None => ("404 Not Found", "text/plain", b"not found\n".to_vec()),
        }
    };
    let mut stream = &stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

/// A plain file directly in `dir` named by `path` (`/name.json`): no subfolders, no `..`.
fn own_file(dir: &Path, path: &str) -> Option<(&'static str, Vec<u8>)> {
    let name = path.strip_prefix('/')?;
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return None;
    }
    let kind = match Path::new(name).extension()?.to_str()? {
        "json" => "application/json",
        "xml" => "application/xml",
        "md" => "text/markdown; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        _ => return None,
    };
    std::fs::read(dir.join(name))
        .ok()
        .map(|bytes| (kind, bytes))
}

#[cfg(test)]
mod tests {
    use super::own_file;

    #[test]
    fn only_the_folders_own_report_files_are_served() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("results.json"), "{}").expect("write");
        std::fs::write(dir.path().join("secret.env"), "KEY=1").expect("write");
        assert!(own_file(dir.path(), "/results.json").is_some());
        assert!(own_file(dir.path(), "/secret.env").is_none());
        assert!(own_file(dir.path(), "/../results.json").is_none());
        assert!(own_file(dir.path(), "/.hidden.json").is_none());
        assert!(own_file(dir.path(), "/sub/results.json").is_none());
    }
}
