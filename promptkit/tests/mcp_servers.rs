//! MCP servers as tool sources, against the real reference servers from npm
//! (`server-everything` over stdio and Streamable HTTP, `server-filesystem` over
//! stdio): scenarios on the mock provider call their tools; tool calls, results,
//! images, errors, timeouts, `tool_filter` and process clean-up are checked.

use crate::mcp_support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use mcp_support::{processes_in, project, runtime, servers, suite, wait_until_gone};
use promptkit::ContentPart;
use promptkit::arena::{CaseResult, RunOptions, Setup, Status};
use promptkit::mcp::{McpServerSpec, McpServers, ToolFilter};

fn only(scenario: &str) -> RunOptions {
    RunOptions {
        scenarios: vec![scenario.to_owned()],
        ..RunOptions::default()
    }
}

fn run_one(config: &Path, scenario: &str, setup: &Setup) -> CaseResult {
    let suite = suite(config, only(scenario), setup);
    let mut run = runtime().block_on(suite.run(|_| {}));
    assert_eq!(run.cases.len(), 1, "one case of `{scenario}`");
    run.cases.remove(0)
}

#[test]
fn the_reference_everything_example_runs_keyless() {
    let Some(servers) = servers() else { return };
    let dir = project("mcp-everything-test", &servers);
    let config = dir.path().join("config.arena.yaml");
    let case = run_one(&config, "echo-and-add", &Setup::new());
    assert_eq!(case.status, Status::Passed, "{case}");
    let calls: Vec<_> = case.turns.iter().flat_map(|t| &t.tool_calls).collect();
    assert_eq!(calls[0].name, "mcp__everything__echo");
    assert_eq!(
        calls[0].result.as_ref().and_then(|r| r.as_str()),
        Some("Echo: Hello from PromptKit!")
    );
    assert_eq!(calls[1].name, "mcp__everything__get-sum");
    assert_eq!(
        calls[1].result.as_ref().and_then(|r| r.as_str()),
        Some("The sum of 17 and 25 is 42.")
    );
    // The run closed its session: npx and the server it started are gone.
    let left = wait_until_gone(dir.path(), Duration::from_secs(10));
    assert!(left.is_empty(), "still running: {left:?}");
}

#[test]
fn texts_images_and_server_errors_reach_the_tool_loop() {
    let Some(servers) = servers() else { return };
    let dir = project("mcp-tools", &servers);
    let case = run_one(
        &dir.path().join("config.arena.yaml"),
        "everything-tools",
        &Setup::new(),
    );
    assert_eq!(case.status, Status::Passed, "{case}");
    // The image block of `get-tiny-image` is a part of the tool message.
    let image = case
        .messages
        .iter()
        .filter(|m| m.name.as_deref() == Some("mcp__everything__get-tiny-image"))
        .flat_map(|m| &m.parts)
        .find_map(|p| match p {
            ContentPart::Image { url, mime_type, .. } => Some((url.clone(), mime_type.clone())),
            _ => None,
        })
        .expect("an image part");
    assert!(
        image.0.starts_with("data:image/png;base64,iVBOR"),
        "{}",
        image.0
    );
    assert_eq!(image.1.as_deref(), Some("image/png"));
    // ... and the media assertions see it.
    let media: Vec<_> = case.turns[1]
        .assertions
        .iter()
        .map(|a| (a.assertion_type.as_str(), a.passed, a.skipped))
        .collect();
    assert_eq!(
        media,
        [
            ("tool_result_includes", true, false),
            ("tool_result_has_media", true, false),
            ("tool_result_media_type", true, false)
        ]
    );
    // A string where the schema wants a number: the server's refusal is the error.
    let refused = &case.turns[2].tool_calls[0];
    assert_eq!(refused.result, None);
    let error = refused.error.as_deref().unwrap_or_default();
    assert!(error.to_lowercase().contains("number"), "{error}");
}

#[test]
fn tool_filter_hides_tools_from_the_model_and_the_loop() {
    let Some(servers) = servers() else { return };
    let dir = project("mcp-tools", &servers);
    let config = dir.path().join("config.arena.yaml");
    let case = run_one(&config, "filtered-tools", &Setup::new());
    let errors: Vec<_> = case.turns[0]
        .tool_calls
        .iter()
        .map(|c| c.error.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        errors,
        [
            "unknown tool `mcp__everything__get-env`",
            "unknown tool `mcp__files__write_file`"
        ]
    );
    assert!(!dir.path().join("sandbox/evil.txt").exists());

    // What the model is offered: the filtered `tools/list`, schemas as listed.
    let suite = suite(&config, RunOptions::default(), &Setup::new());
    let specs = suite
        .project()
        .arena
        .spec
        .value
        .mcp_servers
        .iter()
        .map(|c| McpServerSpec::from_config(c, dir.path()));
    let mcp = McpServers::new(specs);
    let tools = runtime().block_on(async {
        let tools = mcp.tools().await.expect("servers start");
        mcp.shutdown().await;
        tools
    });
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
    assert!(names.contains(&"mcp__everything__echo"), "{names:?}");
    assert!(
        names.contains(&"mcp__everything__get-tiny-image"),
        "{names:?}"
    );
    assert!(
        !names
            .iter()
            .any(|n| n.contains("get-env") || n.contains("toggle-"))
    );
    let mut files: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.starts_with("mcp__files__"))
        .collect();
    files.sort_unstable();
    assert_eq!(
        files,
        ["mcp__files__list_directory", "mcp__files__read_text_file"]
    );
    let sum = tools
        .iter()
        .find(|t| t.name == "mcp__everything__get-sum")
        .expect("get-sum");
    assert_eq!(sum.description, "Returns the sum of two numbers");
    assert_eq!(sum.input_schema["properties"]["a"]["type"], "number");
}

#[test]
fn a_slow_call_times_out_at_timeout_ms() {
    let Some(servers) = servers() else { return };
    let dir = project("mcp-tools", &servers);
    let case = run_one(
        &dir.path().join("config.arena.yaml"),
        "slow-tool",
        &Setup::new(),
    );
    assert_eq!(case.status, Status::Passed, "{case}");
    let call = &case.turns[0].tool_calls[0];
    assert_eq!(
        call.error.as_deref(),
        Some("tool `mcp__everything__trigger-long-running-operation` timed out after 3000 ms")
    );
}

/// As the reference's client: a bare `command` is found on this process's `PATH`, not on
/// the `PATH` of the entry's `env`, which the server itself gets.
#[test]
fn a_bare_command_is_found_on_this_process_path_whatever_env_path_says() {
    let Some(servers) = servers() else { return };
    let dir = project("mcp-tools", &servers);
    let config = dir.path().join("config.arena.yaml");
    let text = std::fs::read_to_string(&config).expect("config");
    let files = "    - name: files\n      command: node\n";
    assert!(text.contains(files), "{text}");
    std::fs::write(
        &config,
        text.replace(
            files,
            &format!("{files}      env:\n        PATH: /nonexistent\n"),
        ),
    )
    .expect("write");
    let case = run_one(&config, "filesystem", &Setup::new());
    assert_eq!(case.status, Status::Passed, "{case}");
}

#[test]
fn the_filesystem_server_lists_and_reads_the_sandbox() {
    let Some(servers) = servers() else { return };
    let dir = project("mcp-tools", &servers);
    let case = run_one(
        &dir.path().join("config.arena.yaml"),
        "filesystem",
        &Setup::new(),
    );
    assert_eq!(case.status, Status::Passed, "{case}");
    let read = &case.turns[1].tool_calls[0];
    assert_eq!(
        read.result.as_ref().and_then(|r| r.as_str()),
        Some("Shipment 4711 left the warehouse on Tuesday.\n")
    );
}

/// `server-everything` in an HTTP mode (`streamableHttp` at `/mcp`, or the legacy
/// `sse` at `/sse`) on a free loopback port.
struct HttpServer {
    child: std::process::Child,
    url: String,
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http_server(servers: &Path, mode: &str) -> HttpServer {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let mut child = Command::new("node")
        .arg(servers.join("@modelcontextprotocol/server-everything/dist/index.js"))
        .arg(mode)
        .env("PORT", port.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let ready = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|l| l.contains("listening on port") || l.contains("running on port"));
    assert!(ready, "the HTTP server did not start");
    // Keep draining so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    HttpServer {
        child,
        // The legacy SSE transport takes the base URL (the client adds `/sse`).
        url: if mode == "sse" {
            format!("http://127.0.0.1:{port}")
        } else {
            format!("http://127.0.0.1:{port}/mcp")
        },
    }
}

#[test]
fn a_streamable_http_server_registered_in_rust_serves_the_example() {
    let Some(servers) = servers() else { return };
    let server = http_server(&servers, "streamableHttp");
    let dir = project("mcp-everything-test", &servers);
    let mut setup = Setup::new();
    setup.mcp_server(
        McpServerSpec::streamable_http("everything", &server.url).filter(ToolFilter {
            allowlist: vec!["echo".into(), "get-sum".into()],
            blocklist: vec![],
        }),
    );
    let case = run_one(
        &dir.path().join("config.arena.yaml"),
        "echo-and-add",
        &setup,
    );
    assert_eq!(case.status, Status::Passed, "{case}");
    // Served over HTTP: the YAML's stdio server never started.
    assert!(processes_in(dir.path()).is_empty());
}

/// A bare `url` is the legacy HTTP+SSE transport, as the reference reads it: the
/// example, its stdio server replaced by `server-everything` in `sse` mode, runs.
#[test]
fn a_legacy_sse_server_from_a_bare_url_serves_the_example() {
    let Some(servers) = servers() else { return };
    let server = http_server(&servers, "sse");
    let dir = project("mcp-everything-test", &servers);
    let config = dir.path().join("config.arena.yaml");
    let text = std::fs::read_to_string(&config).expect("config");
    let stdio = "      command: npx\n      args:\n        - \"-y\"\n        - \"@modelcontextprotocol/server-everything\"\n";
    assert!(
        text.contains(stdio),
        "the example starts the server with npx"
    );
    std::fs::write(
        &config,
        text.replace(stdio, &format!("      url: {}\n", server.url)),
    )
    .expect("write config");
    let case = run_one(&config, "echo-and-add", &Setup::new());
    assert_eq!(case.status, Status::Passed, "{case}");
    let calls: Vec<_> = case.turns.iter().flat_map(|t| &t.tool_calls).collect();
    assert_eq!(
        calls[1].result.as_ref().and_then(|r| r.as_str()),
        Some("The sum of 17 and 25 is 42.")
    );
    assert!(
        processes_in(dir.path()).is_empty(),
        "nothing started locally"
    );
}

#[test]
fn a_panic_mid_run_leaves_no_server_running() {
    let Some(servers) = servers() else { return };
    let dir = project("mcp-tools", &servers);
    let config = dir.path().join("config.arena.yaml");
    let root = dir.path().to_owned();
    let panicked = std::thread::spawn(move || {
        let suite = suite(&config, only("filesystem"), &Setup::new());
        let case = suite.cases().remove(0);
        runtime().block_on(async {
            let result = suite.run_case(&case).await;
            assert_eq!(result.status, Status::Passed, "{result}");
            let running = processes_in(&root);
            assert_eq!(running.len(), 2, "both servers run: {running:?}");
            panic!("a test failing while its servers run");
        });
    })
    .join();
    assert!(panicked.is_err());
    let left = wait_until_gone(dir.path(), Duration::from_secs(10));
    assert!(left.is_empty(), "orphaned: {left:?}");
}

/// Run by [`a_killed_run_leaves_no_server_running`] in a child process: starts the
/// servers of the folder it is given, then dies without any clean-up.
#[test]
#[ignore = "helper: run by a_killed_run_leaves_no_server_running"]
fn abort_with_servers_running() {
    let Some(root) = std::env::var_os("PROMPTKIT_MCP_ABORT_IN") else {
        return;
    };
    let root = std::path::PathBuf::from(root);
    let suite = suite(
        &root.join("config.arena.yaml"),
        only("filesystem"),
        &Setup::new(),
    );
    let case = suite.cases().remove(0);
    runtime().block_on(async {
        suite.run_case(&case).await;
        let running = processes_in(&root).len().to_string();
        std::fs::write(root.join("servers-running"), running).expect("write");
        std::process::abort();
    });
}

#[test]
fn a_killed_run_leaves_no_server_running() {
    let Some(servers) = servers() else { return };
    let dir = project("mcp-tools", &servers);
    let status = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            &crate::support::test_name(module_path!(), "abort_with_servers_running"),
            "--ignored",
            "--nocapture",
        ])
        .env("PROMPTKIT_MCP_ABORT_IN", dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("helper runs");
    assert!(!status.success(), "the helper aborts");
    let running = std::fs::read_to_string(dir.path().join("servers-running"));
    assert_eq!(
        running.ok().as_deref(),
        Some("2"),
        "the helper started both servers"
    );
    let left = wait_until_gone(dir.path(), Duration::from_secs(10));
    assert!(left.is_empty(), "orphaned: {left:?}");
}
