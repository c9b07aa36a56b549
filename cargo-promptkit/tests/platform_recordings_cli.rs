//! The corpus's real Bedrock and Vertex recordings (`promptkit/tests/data/recordings`,
//! `corpus.json`) through `cargo promptkit run`: a project written as a user would — a
//! provider with `platform:` pointed at a loopback server that answers with the
//! recording, AWS credentials from the environment, a Vertex service-account file whose
//! token endpoint is the same server — run whole or streamed as the entry says, and
//! `results.json` must hold the recording's expectation (reply, finish reason, usage,
//! cost at the built-in price). A recorded AWS error fails the case with the exception
//! named, and no credential reaches a report or the console.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde_json::Value;

const SECRET: &str = "cli/recorded+corpus+SECRET/0123456789";
const TOKEN: &str = "ya29.cli-recorded-corpus-token";

fn recordings() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../promptkit/tests/data/recordings")
}

/// The request lines the fake received.
type Seen = Arc<Mutex<Vec<String>>>;

/// A loopback server answering `/token` with an OAuth token and anything else with
/// `status`, `headers` and `body` (the recording).
fn serve(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let url = support::loopback(move |request| {
        if request.line.contains("/token ") {
            let token = format!(r#"{{"access_token":"{TOKEN}","expires_in":3599}}"#);
            let json = [("content-type".to_owned(), "application/json".to_owned())];
            return support::http_response(200, &json, token.as_bytes());
        }
        if let Ok(mut log) = log.lock() {
            log.push(request.line.clone());
        }
        support::http_response(status, &headers, &body)
    });
    (url, seen)
}

/// The recording's response: the status and headers the entry names, the content type
/// its file stands for, the file's bytes.
fn recorded(entry: &Value) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let file = entry["file"].as_str().expect("file");
    let body = std::fs::read(recordings().join(file)).expect("recording");
    let content_type = match file.rsplit('.').next() {
        Some("eventstream") => "application/vnd.amazon.eventstream",
        Some("sse") => "text/event-stream",
        _ => "application/json",
    };
    let mut headers = vec![("content-type".to_owned(), content_type.to_owned())];
    for pair in entry["headers"].as_array().into_iter().flatten() {
        let text = |i: usize| pair[i].as_str().expect("header").to_owned();
        headers.push((text(0), text(1)));
    }
    let status = entry["status"].as_u64().unwrap_or(200);
    (u16::try_from(status).expect("status"), headers, body)
}

/// A one-scenario project calling `entry`'s model on its platform at `url`.
fn project(entry: &Value, url: &str, stream: bool) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("dir");
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).expect(name);
    write(
        "config.arena.yaml",
        "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Arena\nmetadata:\n  name: recorded\nspec:\n  prompt_configs:\n    - id: chat\n      file: prompt.yaml\n  providers:\n    - file: provider.yaml\n  scenarios:\n    - file: scenario.yaml\n  defaults:\n    max_tokens: 64\n",
    );
    write(
        "prompt.yaml",
        "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: PromptConfig\nmetadata:\n  name: chat\nspec:\n  task_type: chat\n  version: \"1.0.0\"\n  description: \"chat\"\n  system_template: \"Answer briefly.\"\n",
    );
    write(
        "scenario.yaml",
        &format!(
            "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Scenario\nmetadata:\n  name: recorded\nspec:\n  id: recorded\n  description: \"a recorded answer\"\n  task_type: chat\n  streaming: {stream}\n  turns:\n    - role: user\n      content: \"hello\"\n"
        ),
    );
    let kind = entry["type"].as_str().expect("type");
    let model = entry["model"].as_str().expect("model");
    let platform = match entry["platform"].as_str() {
        Some("bedrock") => format!(
            "  platform:\n    type: bedrock\n    region: us-east-1\n    endpoint: \"{url}\"\n"
        ),
        _ => {
            let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../promptkit/tests/data/cloud/service-account.json");
            let mut account: Value =
                serde_json::from_str(&std::fs::read_to_string(fixture).expect("fixture"))
                    .expect("json");
            account["token_uri"] = Value::from(format!("{url}/token"));
            write("sa.json", &account.to_string());
            format!(
                "  credential:\n    credential_file: sa.json\n  platform:\n    type: vertex\n    project: recorded-corpus\n    region: us-central1\n    endpoint: \"{url}\"\n"
            )
        }
    };
    write(
        "provider.yaml",
        &format!(
            "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Provider\nmetadata:\n  name: recorded\nspec:\n  id: recorded\n  type: {kind}\n  model: \"{model}\"\n{platform}"
        ),
    );
    let config = dir.path().join("config.arena.yaml");
    (dir, config)
}

/// Runs the project with AWS credentials in the environment; the console and the
/// parsed `results.json`.
fn run(config: &Path, out: &Path) -> (String, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_cargo-promptkit"))
        .args(["run", "--ci", "-c"])
        .arg(config)
        .arg("-o")
        .arg(out)
        .env("HOME", out)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SHARED_CREDENTIALS_FILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_ACCESS_KEY_ID", "AKIDCLIRECORDED")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .output()
        .expect("run the CLI");
    let shown = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let results = std::fs::read_to_string(out.join("results.json"))
        .unwrap_or_else(|e| panic!("results.json ({e}): {shown}"));
    assert!(!results.contains(SECRET) && !results.contains(TOKEN));
    assert!(!shown.contains(SECRET) && !shown.contains(TOKEN), "{shown}");
    (shown, serde_json::from_str(&results).expect("results JSON"))
}

/// The turn's record against the entry's expectation.
fn check(name: &str, expect: &Value, case: &Value) {
    assert_eq!(case["status"], "passed", "{name}: {case}");
    let turn = &case["turns"][0];
    assert_eq!(turn["reply"], expect["text"], "{name}: reply");
    assert_eq!(
        turn["finish_reason"], expect["finish_reason"],
        "{name}: finish reason"
    );
    for key in ["input_tokens", "output_tokens", "reasoning_tokens"] {
        assert_eq!(
            turn["usage"][key], expect["usage"][key],
            "{name}: usage {key}"
        );
    }
    match (turn["cost_usd"].as_f64(), expect["cost_usd"].as_f64()) {
        (Some(got), Some(want)) => assert!((got - want).abs() < 1e-12, "{name}: cost {got}"),
        (got, want) => assert_eq!(got, want, "{name}: cost"),
    }
    if let Some(reasoning) = expect.get("reasoning") {
        let text = case["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .find(|m| m["role"] == "assistant")
            .map(|m| m["reasoning"]["text"].clone());
        assert_eq!(text.as_ref(), Some(reasoning), "{name}: reasoning");
    }
}

#[test]
fn platform_recordings_run_to_their_expectation() {
    let corpus: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(recordings().join("corpus.json")).expect("corpus"),
    )
    .expect("corpus JSON");
    let mut ran = 0;
    for entry in corpus.iter().filter(|e| e.get("platform").is_some()) {
        let expect = &entry["expect"];
        // A recorded tool call would start a tool round the recording cannot answer.
        if expect.get("tool_calls").is_some() {
            continue;
        }
        for mode in entry["modes"].as_array().expect("modes") {
            let stream = mode == "stream";
            let name = format!("{} ({mode})", entry["file"]);
            let (status, headers, body) = recorded(entry);
            let (url, seen) = serve(status, headers, body);
            let (dir, config) = project(entry, &url, stream);
            let (shown, results) = run(&config, &dir.path().join("out"));
            let case = &results["cases"][0];
            match expect.get("error") {
                Some(error) => {
                    assert_eq!(case["status"], "error", "{name}: {case}");
                    let text = case["error"].as_str().unwrap_or_default();
                    for part in error["contains"].as_array().expect("contains") {
                        let part = part.as_str().expect("text");
                        assert!(text.contains(part), "{name}: `{part}` not in {text}");
                    }
                }
                None => check(&name, expect, case),
            }
            let seen = seen.lock().expect("requests").clone();
            assert_eq!(seen.len(), 1, "{name}: {seen:?}\n{shown}");
            ran += 1;
        }
    }
    assert_eq!(ran, 14, "every platform recording without tool calls ran");
}
