//! A Claude provider on AWS Bedrock end to end through `cargo promptkit run`: the AWS
//! credentials come from the environment (as the AWS chain reads them), the request is
//! SigV4-signed for the configured region and sent to `platform.endpoint` (a loopback
//! fake of the Bedrock runtime), and neither the secret key nor the session token
//! reaches the console or a report.

use crate::support;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

const SECRET: &str = "bedrock/SECRET+never+print/0123456789abcd";
const SESSION: &str = "IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN0123";
const PROJECT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bedrock");
const REPORTS: [&str; 4] = ["results.json", "junit.xml", "results.md", "report.html"];

/// What the fake received: request line, headers (lower-case names), body.
type Seen = Arc<Mutex<Vec<(String, Vec<(String, String)>, String)>>>;

/// A fake Bedrock runtime answering every InvokeModel call with one Claude message.
fn fake_bedrock() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let url = support::loopback(move |request| {
        if let Ok(mut log) = log.lock() {
            log.push((
                request.line.clone(),
                request.headers.clone(),
                String::from_utf8_lossy(&request.body).into_owned(),
            ));
        }
        let reply = r#"{"id":"msg_bdrk","type":"message","role":"assistant","content":[{"type":"text","text":"Your order has shipped."}],"stop_reason":"end_turn","usage":{"input_tokens":20,"output_tokens":6}}"#;
        let json = [("content-type".to_owned(), "application/json".to_owned())];
        support::http_response(200, &json, reply.as_bytes())
    });
    (url, seen)
}

fn project_at(url: &str) -> (tempfile::TempDir, PathBuf) {
    support::project_at(
        Path::new(PROJECT),
        "providers/claude-bedrock.provider.yaml",
        url,
    )
}

fn run(config: &Path, out: &Path, home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-promptkit"))
        .args(["run", "--ci", "-c"])
        .arg(config)
        .arg("-o")
        .arg(out)
        .env("HOME", home)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SHARED_CREDENTIALS_FILE")
        .env("AWS_ACCESS_KEY_ID", "AKIDBEDROCKTEST")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_SESSION_TOKEN", SESSION)
        .output()
        .expect("run the CLI")
}

#[test]
fn a_bedrock_claude_run_is_signed_with_env_credentials() {
    let (url, seen) = fake_bedrock();
    let (temp, config) = project_at(&url);
    let out = temp.path().join("out");
    let output = run(&config, &out, temp.path());
    let shown = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(0), "{shown}");

    let seen = seen.lock().expect("requests").clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let (line, headers, body) = &seen[0];
    assert_eq!(
        line,
        "POST /model/anthropic.claude-3-5-haiku-20241022-v1:0/invoke HTTP/1.1"
    );
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    assert!(
        header("authorization").starts_with("AWS4-HMAC-SHA256 Credential=AKIDBEDROCKTEST/"),
        "{headers:?}"
    );
    assert!(
        header("authorization").contains("/eu-west-1/bedrock/aws4_request"),
        "{headers:?}"
    );
    assert_eq!(header("x-amz-security-token"), SESSION);
    assert!(
        !headers.iter().any(|(_, v)| v.contains(SECRET)),
        "the secret key is never sent"
    );
    let body: serde_json::Value = serde_json::from_str(body).expect("JSON body");
    assert_eq!(body["anthropic_version"], "bedrock-2023-05-31");
    assert_eq!(body["system"], "You are a support assistant.");

    for report in REPORTS {
        let text = std::fs::read_to_string(out.join(report)).expect(report);
        assert!(!text.contains(SECRET), "{report} leaks the secret key");
        assert!(!text.contains(SESSION), "{report} leaks the session token");
    }
    assert!(
        !shown.contains(SECRET) && !shown.contains(SESSION),
        "{shown}"
    );
}
