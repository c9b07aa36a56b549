//! Ctrl-C during `cargo promptkit run`: the run stops, its MCP servers do not outlive
//! it, and the cases that finished are still reported (exit code 130).

use crate::mcp_support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use mcp_support::{processes_in, project, servers, wait_until_gone};

#[test]
fn ctrl_c_stops_the_run_kills_its_servers_and_keeps_the_finished_cases() {
    let Some(servers) = servers() else { return };
    let dir = project("mcp-tools", &servers);
    let out = dir.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cargo-promptkit"))
        .args(["run", "--ci", "--formats", "json", "-c"])
        .arg(dir.path().join("config.arena.yaml"))
        .arg("-o")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the CLI starts");
    // The cases run one at a time; the last (`slow-tool`) waits 3 s on a long MCP call,
    // so Ctrl-C after the third lands while a server is busy.
    let stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut lines = stderr.lines();
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("stderr line");
        let third = line.starts_with("[3/");
        seen.push(line);
        if third {
            break;
        }
    }
    assert!(
        seen.last().is_some_and(|l| l.starts_with("[3/")),
        "{seen:?}"
    );
    assert!(!seen.iter().any(|l| l.contains("slow-tool")), "{seen:?}");
    assert!(!processes_in(dir.path()).is_empty(), "the servers run");
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .expect("kill")
            .success()
    );
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().expect("the CLI exits");
    assert_eq!(status.code(), Some(130), "{seen:?}\n{rest:?}");
    assert!(
        rest.iter()
            .any(|l| l.starts_with("interrupted: 3 of 4 cases finished")),
        "{rest:?}"
    );
    let left = wait_until_gone(dir.path(), Duration::from_secs(10));
    assert!(left.is_empty(), "orphaned: {left:?}");

    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).expect("results"))
            .expect("JSON");
    assert_eq!(results["interrupted"], true);
    let mut cases: Vec<&str> = results["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter_map(|c| c["scenario"].as_str())
        .collect();
    cases.sort_unstable();
    assert_eq!(cases, ["everything-tools", "filesystem", "filtered-tools"]);
}
