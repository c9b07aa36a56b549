//! MCP servers that cannot start: a missing program, and one that never answers the
//! initialize handshake (timed out, and its process killed).

use std::time::Duration;

use promptkit::mcp::{McpError, McpServerSpec, McpServers};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn a_missing_program_is_a_spawn_error_naming_it() {
    let servers = McpServers::new([McpServerSpec::stdio(
        "ghost",
        "promptkit-no-such-mcp-server",
        &[],
    )]);
    let error = runtime()
        .block_on(servers.tools())
        .err()
        .expect("cannot start");
    assert!(matches!(error, McpError::Spawn { .. }), "{error:?}");
    let text = error.to_string();
    assert!(
        text.starts_with("MCP server `ghost`: cannot start `promptkit-no-such-mcp-server`"),
        "{text}"
    );
}

#[test]
fn a_mute_server_times_out_at_start_up_and_is_killed() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let servers = McpServers::new([McpServerSpec::stdio("mute", "sleep", &["30"])
        .working_dir(dir.path())
        .startup_timeout(Duration::from_millis(300))]);
    let rt = runtime();
    let error = rt.block_on(servers.tools()).err().expect("times out");
    assert_eq!(
        error.to_string(),
        "MCP server `mute`: `initialize` timed out after 300 ms (raise `timeout_ms` if the server is slow)"
    );
    // The failure is remembered for the run: no second process, the same error.
    let again = rt.block_on(servers.tools()).err().expect("still failed");
    assert_eq!(again, error);
    drop(servers);
    drop(rt);
    let dir_path = std::fs::canonicalize(dir.path()).expect("path");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let alive = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| {
                std::fs::read_link(e.path().join("cwd")).is_ok_and(|c| c == dir_path)
                    && !std::fs::read_to_string(e.path().join("stat"))
                        .unwrap_or_default()
                        .rsplit(')')
                        .next()
                        .is_some_and(|s| s.trim().starts_with('Z'))
            })
            .count();
        if alive == 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "`sleep 30` outlived its server"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
