//! `cargo promptkit run` on the reference's `codegen-sandbox` example: its
//! `source: docker` server is opened by the built-in docker source through the `docker`
//! on `PATH` (a stand-in running `server-everything` in SSE mode), per case, and the
//! container is stopped when the case ends.

use std::process::Command;
use std::time::Duration;

use crate::mcp_support::{fake_docker, project, servers, wait_until_gone};

#[test]
fn the_cli_opens_docker_sources_with_the_docker_on_path() {
    let Some(servers) = servers() else { return };
    let dir = project("codegen-sandbox", &servers);
    let bin = dir.path().join("bin");
    fake_docker(&bin, &servers);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin.clone()];
    paths.extend(std::env::split_paths(&path));
    let out = dir.path().join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_cargo-promptkit"))
        .args(["run", "--ci", "--formats", "json", "-c"])
        .arg(dir.path().join("config.arena.yaml"))
        .arg("-o")
        .arg(&out)
        .env("PATH", std::env::join_paths(paths).expect("PATH"))
        .output()
        .expect("the CLI runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The sandbox opened and connected (an open failure is an error, exit 2); the
    // stand-in lacks the image's tools, so two `tools_called` assertions fail (exit 1).
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).expect("results.json"))
            .expect("JSON");
    let case = &results["cases"][0];
    assert_eq!(case["status"], "failed", "{case}");
    let log = std::fs::read_to_string(bin.join("calls.log")).expect("docker was called");
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(lines[0].starts_with("run -d --rm -p "), "{log}");
    assert!(lines[1].starts_with("stop --time=3 container-"), "{log}");
    let left = wait_until_gone(&bin, Duration::from_secs(10));
    assert!(left.is_empty(), "orphaned: {left:?}");
}
