//! Host-provisioned MCP servers (`source`, `scope`, `source_args`): a host source opened
//! once per run, per scenario and per case, with `{{scenario.<key>}}` expanded and its
//! tools offered under their own names; and the built-in `docker` source on the
//! reference's `codegen-sandbox` example, with a stand-in `docker` command that runs
//! `server-everything` in SSE mode, so the command lines, the health probe, the
//! connection and the clean-up are real.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use promptkit::arena::{RunOptions, Setup, Status};
use promptkit::mcp::{DockerSource, McpEndpoint, McpSource};
use promptkit::provider::BoxFuture;
use serde_json::{Map, Value};
use tokio::io::AsyncBufReadExt;

use crate::mcp_support::{fake_docker, project, runtime, servers, suite, wait_until_gone};

/// A host source that starts `server-everything` (Streamable HTTP) in `dir` for each
/// open and kills it on close, recording every open's arguments and every close.
#[derive(Clone)]
struct Everything {
    servers: PathBuf,
    dir: PathBuf,
    log: Arc<Mutex<Vec<String>>>,
}

impl McpSource for Everything {
    fn open<'a>(
        &'a self,
        args: &'a Map<String, Value>,
    ) -> BoxFuture<'a, Result<McpEndpoint, String>> {
        Box::pin(async move {
            let label = format!(
                "{} {}",
                args["server"].as_str().unwrap_or("?"),
                args.get("ticket").and_then(Value::as_str).unwrap_or("-")
            );
            self.log
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(format!("open {label}"));
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(|e| e.to_string())?
                .port();
            let mut child = tokio::process::Command::new("node")
                .arg(
                    self.servers
                        .join("@modelcontextprotocol/server-everything/dist/index.js"),
                )
                .arg("streamableHttp")
                .env("PORT", port.to_string())
                .current_dir(&self.dir)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .map_err(|e| e.to_string())?;
            let mut lines = tokio::io::BufReader::new(child.stderr.take().ok_or("stderr")?).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if line.contains("listening on port") || line.contains("running on port") {
                    break;
                }
            }
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            let log = self.log.clone();
            Ok(
                McpEndpoint::streamable_http(format!("http://127.0.0.1:{port}/mcp")).on_close(
                    move || async move {
                        child.kill().await.map_err(|e| e.to_string())?;
                        log.lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push(format!("close {label}"));
                        Ok(())
                    },
                ),
            )
        })
    }
}

const CONFIG: &str = r#"apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Arena
metadata:
  name: scoped-sources
spec:
  mcp_servers:
    - name: shared
      source: everything
      scope: run
      source_args: {server: shared}
      tool_filter: {allowlist: [echo]}
    - name: per-scenario
      source: everything
      scope: scenario
      source_args: {server: per-scenario, ticket: "{{scenario.ticket}}"}
      tool_filter: {allowlist: [get-sum]}
    - name: per-case
      source: everything
      scope: session
      source_args: {server: per-case}
      tool_filter: {allowlist: [get-env]}
  prompt_configs:
    - id: assistant
      file: prompt.yaml
  providers:
    - file: mock-a.provider.yaml
    - file: mock-b.provider.yaml
  scenarios:
    - file: alpha.scenario.yaml
    - file: beta.scenario.yaml
  defaults:
    concurrency: 2
"#;

const PROMPT: &str = r#"apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: PromptConfig
metadata:
  name: assistant
spec:
  task_type: assistant
  version: v1.0.0
  description: Uses the sources' tools.
  system_template: You use the sandbox's tools.
  allowed_tools: [echo, get-sum, get-env]
"#;

const MOCK: &str = r#"scenarios:
  alpha: &calls
    turns:
      1:
        response: "Using the tools."
        tool_calls:
          - name: echo
            arguments: {message: "from a source"}
          - name: get-sum
            arguments: {a: 2, b: 3}
          - name: get-env
            arguments: {}
  beta: *calls
"#;

fn provider(id: &str) -> String {
    format!(
        "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Provider\nmetadata:\n  name: {id}\nspec:\n  id: {id}\n  type: mock\n  model: mock-model\n  additional_config:\n    mock_config: mock-responses.yaml\n"
    )
}

fn scenario(id: &str, ticket: &str) -> String {
    format!(
        r#"apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Scenario
metadata:
  name: {id}
spec:
  id: {id}
  description: Every tool of every scope.
  task_type: assistant
  variables:
    ticket: {ticket}
  turns:
    - role: user
      content: Use every tool.
      assertions:
        - type: tools_called
          params: {{tools: [echo, get-sum, get-env]}}
        - type: no_tool_errors
          params: {{}}
        - type: tool_result_includes
          params: {{tool: echo, patterns: ["from a source"]}}
        - type: tool_result_includes
          params: {{tool: get-sum, patterns: ["5"]}}
"#
    )
}

/// Two scenarios on two providers, concurrently: the run-scoped server opens once,
/// the scenario-scoped one once per scenario (with that scenario's ticket), the
/// case-scoped one per case; every one is closed by the end, and no server is left.
#[test]
fn sources_open_and_close_at_their_scope() {
    let Some(servers) = servers() else { return };
    let dir = tempfile::tempdir().expect("temporary folder");
    for (file, text) in [
        ("config.arena.yaml", CONFIG.to_owned()),
        ("prompt.yaml", PROMPT.to_owned()),
        ("mock-responses.yaml", MOCK.to_owned()),
        ("mock-a.provider.yaml", provider("mock-a")),
        ("mock-b.provider.yaml", provider("mock-b")),
        ("alpha.scenario.yaml", scenario("alpha", "T-1")),
        ("beta.scenario.yaml", scenario("beta", "T-2")),
    ] {
        std::fs::write(dir.path().join(file), text).expect("write");
    }
    let source = Everything {
        servers,
        dir: dir.path().to_owned(),
        log: Arc::default(),
    };
    let mut setup = Setup::new();
    setup.mcp_source("everything", source.clone());
    let suite = suite(
        &dir.path().join("config.arena.yaml"),
        RunOptions::default(),
        &setup,
    );
    let run = runtime().block_on(suite.run(|_| {}));
    assert_eq!(run.cases.len(), 4);
    for case in &run.cases {
        assert_eq!(case.status, Status::Passed, "{case}");
        let names: Vec<&str> = case.turns[0]
            .tool_calls
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["echo", "get-sum", "get-env"], "raw tool names");
    }
    let log = source
        .log
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for line in &log {
        *counts.entry(line.as_str()).or_default() += 1;
    }
    let expected: BTreeMap<&str, usize> = [
        ("open shared -", 1),
        ("close shared -", 1),
        ("open per-scenario T-1", 1),
        ("close per-scenario T-1", 1),
        ("open per-scenario T-2", 1),
        ("close per-scenario T-2", 1),
        ("open per-case -", 4),
        ("close per-case -", 4),
    ]
    .into_iter()
    .collect();
    assert_eq!(counts, expected, "{log:#?}");
    let left = wait_until_gone(dir.path(), Duration::from_secs(10));
    assert!(left.is_empty(), "orphaned: {left:?}");
}

/// An unknown source fails its cases with the server, the source and the registered
/// names; nothing else is started.
#[test]
fn an_unknown_source_fails_the_case_with_the_registered_names() {
    let dir = project("codegen-sandbox", Path::new("/nonexistent"));
    let config = dir.path().join("config.arena.yaml");
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(&config, text.replace("source: docker", "source: podman")).expect("write");
    let suite = suite(&config, RunOptions::default(), &Setup::new());
    let run = runtime().block_on(suite.run(|_| {}));
    let case = &run.cases[0];
    assert_eq!(case.status, Status::Error, "{case}");
    let error = case.error.as_deref().unwrap_or_default();
    assert!(
        error
            .contains("MCP server `sandbox`: source `podman`: no such source (registered: docker)"),
        "{error}"
    );
}

/// The reference's example, its `source: docker` sandbox per case: `docker run` as the
/// reference builds it (published port, `-e DEV_MODE=1`, the image), the SSE server
/// reached at the published port, the mock's tool calls sent to it, and the container
/// stopped when the case ends.
#[test]
fn the_docker_source_runs_the_reference_codegen_sandbox_example() {
    let Some(servers) = servers() else { return };
    let dir = project("codegen-sandbox", &servers);
    let bin = dir.path().join("bin");
    let docker = fake_docker(&bin, &servers);
    let mut setup = Setup::new();
    setup.mcp_source(
        "docker",
        DockerSource::with_program(docker.to_string_lossy().into_owned()),
    );
    let suite = suite(
        &dir.path().join("config.arena.yaml"),
        RunOptions::default(),
        &setup,
    );
    let run = runtime().block_on(suite.run(|_| {}));
    let case = &run.cases[0];
    // The sandbox was opened, connected over SSE and listed (any failure there ends
    // the case as an error). The stand-in serves `server-everything`'s tools, not the
    // image's `Read`, `Edit`, `Bash`, `run_tests`: the mock's calls are answered as
    // unknown tools, so the two `tools_called` assertions (which count calls that
    // succeeded) fail, as they would against a sandbox without those tools.
    assert_eq!(case.status, Status::Failed, "{case}");
    let calls: Vec<&str> = case.turns[0]
        .tool_calls
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(calls, ["Bash", "Read", "Edit", "run_tests"]);
    let failed: Vec<&str> = case.turns[0]
        .assertions
        .iter()
        .filter(|a| !a.passed)
        .map(|a| a.message.as_str())
        .collect();
    assert_eq!(failed.len(), 2, "{case}");
    let log = std::fs::read_to_string(bin.join("calls.log")).expect("docker was called");
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    let run_line = lines[0];
    assert!(run_line.starts_with("run -d --rm -p "), "{run_line}");
    assert!(
        run_line.ends_with(":8080 -e DEV_MODE=1 ghcr.io/altairalabs/codegen-sandbox:latest"),
        "{run_line}"
    );
    assert!(lines[1].starts_with("stop --time=3 container-"), "{log}");
    let left = wait_until_gone(&bin, Duration::from_secs(10));
    assert!(left.is_empty(), "orphaned: {left:?}");
}

/// A docker endpoint dropped without its scope's end (a panic, an interrupted run),
/// after its runtime is gone, still stops its container.
#[test]
fn a_dropped_docker_endpoint_stops_its_container() {
    let Some(servers) = servers() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = dir.path().join("bin");
    let docker =
        DockerSource::with_program(fake_docker(&bin, &servers).to_string_lossy().into_owned());
    let args = serde_json::json!({"image": "sandbox:1"})
        .as_object()
        .cloned()
        .unwrap_or_default();
    let rt = runtime();
    let endpoint = rt
        .block_on(docker.open(&args))
        .expect("the stand-in container starts");
    drop(rt);
    assert!(
        !crate::mcp_support::processes_in(&bin).is_empty(),
        "the server runs"
    );
    drop(endpoint);
    let left = wait_until_gone(&bin, Duration::from_secs(10));
    assert!(left.is_empty(), "orphaned: {left:?}");
    let log = std::fs::read_to_string(bin.join("calls.log")).expect("calls");
    assert!(
        log.lines()
            .any(|l| l.starts_with("stop --time=3 container-")),
        "{log}"
    );
}
