//! Remote A2A agents (`url`) on the mock provider against a loopback A2A server
//! written here: the card is discovered (`agent.json` missing, `agent-card.json`
//! served), `message/send` carries the query, skill id, the bearer token of
//! `auth.token_env` and a header of `headers_from_env`; the task's artifact text is
//! the response the `agent_*` assertions read; `skill_filter` hides a skill; the
//! token reaches no result.

use std::io::{BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::suite_support;

use promptkit::arena::{RunOptions, Status};
use serde_json::{Value, json};
use suite_support::{run_config, tool_outcomes};

const TOKEN: &str = "a2a-loopback-s3cret";

/// A loopback A2A agent: serves its card at `agent-card.json` only and answers
/// `message/send` with a completed task whose artifact echoes the query.
fn serve_agent() -> (String, Receiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        while let Ok((stream, _)) = listener.accept() {
            answer(stream, &tx);
        }
    });
    (url, rx)
}

/// One request the agent received.
type Received = crate::support::Request;

fn answer(stream: TcpStream, tx: &Sender<Received>) {
    let mut reader = BufReader::new(stream);
    let Some(got) = Received::read_blocking(&mut reader) else {
        return;
    };
    let body = got.json_or_null();
    let (status, reply) = match (got.method.as_str(), got.path.as_str()) {
        ("GET", "/.well-known/agent-card.json") => (
            "200 OK",
            json!({
                "name": "Travel Agent",
                "description": "Books trips",
                "version": "1.0.0",
                "skills": [
                    {"id": "book_flight", "name": "Book flight", "description": "Books a flight to a city"},
                    {"id": "cancel_all", "name": "Cancel everything"}
                ]
            }),
        ),
        ("POST", "/a2a") if body["method"] == "message/send" => {
            let query = body
                .pointer("/params/message/parts/0/text")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let result = if query.contains("Atlantis") {
                json!({"jsonrpc": "2.0", "id": body["id"], "error": {"code": -32000, "message": "no flights to Atlantis"}})
            } else {
                json!({"jsonrpc": "2.0", "id": body["id"], "result": {
                    "id": "task-1", "contextId": "ctx-1",
                    "status": {"state": "completed"},
                    "artifacts": [{"artifactId": "a1", "parts": [{"text": format!("Booked {query}")}, {"text": "seat 12A"}]}]
                }})
            };
            ("200 OK", result)
        }
        _ => ("404 Not Found", json!({})),
    };
    let body = reply.to_string();
    let mut stream = reader.into_inner();
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tx.send(got);
}

/// A project whose agent `travel` is the loopback agent at `url`.
fn project(url: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/a2a-agents");
    for file in ["mock.provider.yaml", "planner.prompt.yaml"] {
        std::fs::copy(data.join(file), dir.path().join(file)).expect("copy");
    }
    let config = format!(
        r#"apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Arena
metadata:
  name: a2a-remote
spec:
  a2a_agents:
    - name: travel
      url: {url}
      auth:
        scheme: Bearer
        token_env: PROMPTKIT_TEST_A2A_TOKEN
      headers:
        X-Client: promptkit-test
      headers_from_env: ["X-Tenant=PROMPTKIT_TEST_A2A_TENANT"]
      timeout_ms: 5000
      skill_filter:
        blocklist: ["cancel_*"]
  prompt_configs:
    - id: planner
      file: planner.prompt.yaml
  scenarios:
    - file: agents.scenario.yaml
  providers:
    - file: mock.provider.yaml
  defaults:
    concurrency: 1
"#
    );
    let scenario = r#"apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Scenario
metadata:
  name: agents
spec:
  id: agents
  description: A remote agent books a flight
  task_type: planner
  turns:
    - role: user
      content: "Book me a flight to Paris"
      assertions:
        - type: agent_invoked
          params: {agents: ["a2a__travel_agent__book_flight"]}
        - type: agent_response_contains
          params: {agent: "a2a__travel_agent__book_flight", contains: "Booked Paris in May"}
"#;
    let mock = r#"defaultResponse: "Done."
scenarios:
  agents:
    turns:
      1:
        response: "Asking the travel agent."
        tool_calls:
          - name: a2a__travel_agent__book_flight
            arguments: {query: "Paris in May"}
          - name: a2a__travel_agent__book_flight
            arguments: {query: "Atlantis"}
          - name: a2a__travel_agent__cancel_all
            arguments: {query: "now"}
      2: "Your flight is booked."
"#;
    for (file, text) in [
        ("config.arena.yaml", config.as_str()),
        ("agents.scenario.yaml", scenario),
        ("mock-responses.yaml", mock),
    ] {
        std::fs::write(dir.path().join(file), text).expect("write");
    }
    dir
}

#[test]
fn a_remote_agent_is_discovered_called_with_env_credentials_and_asserted() {
    // The credentials come from the environment: run again in a child process that
    // has them (the test binary does not mutate its own environment).
    if std::env::var_os("PROMPTKIT_TEST_A2A_TOKEN").is_none() {
        let output = std::process::Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "--exact",
                &crate::support::test_name(
                    module_path!(),
                    "a_remote_agent_is_discovered_called_with_env_credentials_and_asserted",
                ),
                "--nocapture",
            ])
            .env("PROMPTKIT_TEST_A2A_TOKEN", TOKEN)
            .env("PROMPTKIT_TEST_A2A_TENANT", "acme")
            .output()
            .expect("the test runs in a child");
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{text}");
        assert!(text.contains("1 passed"), "{text}");
        return;
    }
    let (url, received) = serve_agent();
    let dir = project(&url);
    let cases = run_config(&dir.path().join("config.arena.yaml"), RunOptions::default());
    let case = &cases[0];
    assert_eq!(case.status, Status::Passed, "{case}");
    let verdicts: Vec<(String, bool)> = case.turns[0]
        .assertions
        .iter()
        .map(|a| (a.assertion_type.clone(), a.passed))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("agent_invoked".to_owned(), true),
            ("agent_response_contains".to_owned(), true),
        ]
    );
    let outcomes = tool_outcomes(&case.turns[0]);
    assert_eq!(
        outcomes[0],
        r#"{"response":"Booked Paris in May\nseat 12A"}"#
    );
    assert!(
        outcomes[1].contains("JSON-RPC error -32000: no flights to Atlantis"),
        "{}",
        outcomes[1]
    );
    assert!(
        outcomes[2].contains("unknown tool `a2a__travel_agent__cancel_all`"),
        "{}",
        outcomes[2]
    );

    let requests: Vec<Received> = received.try_iter().collect();
    let paths: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(
        paths,
        [
            ("GET", "/.well-known/agent.json"),
            ("GET", "/.well-known/agent-card.json"),
            ("POST", "/a2a"),
            ("POST", "/a2a"),
        ],
        "the card is read once per run"
    );
    for request in &requests {
        let bearer = format!("Bearer {TOKEN}");
        assert_eq!(request.header("authorization"), Some(bearer.as_str()));
        assert_eq!(request.header("x-tenant"), Some("acme"));
        assert_eq!(request.header("x-client"), Some("promptkit-test"));
    }
    let send = &requests[2].json();
    assert_eq!(send["jsonrpc"], "2.0");
    assert_eq!(send["params"]["message"]["role"], "user");
    assert_eq!(
        send["params"]["message"]["metadata"]["skillId"],
        "book_flight"
    );
    let results = serde_json::to_string(&cases).expect("results serialize");
    assert!(
        !results.contains(TOKEN),
        "the token leaked into the results"
    );
}

#[test]
fn an_unreachable_agent_fails_the_case_naming_its_card_url() {
    let url = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        format!("http://{}", listener.local_addr().expect("addr"))
    };
    let dir = project(&url);
    let cases = run_config(&dir.path().join("config.arena.yaml"), RunOptions::default());
    let case = &cases[0];
    assert_eq!(case.status, Status::Error, "{case}");
    let error = case.error.clone().unwrap_or_default();
    let card =
        format!("A2A agent `travel`: cannot read its agent card at {url}/.well-known/agent.json");
    assert!(error.contains(&card), "{error}");
}
