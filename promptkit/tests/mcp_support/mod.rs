//! The real MCP servers the tests start: `@modelcontextprotocol/server-everything` and
//! `server-filesystem`, pinned in `.ci/mcp-servers/package-lock.json` and installed by
//! `.ci/run` (`npm ci --prefix .ci/mcp-servers`). `PROMPTKIT_MCP_SERVERS` names the
//! `node_modules` folder (default: `.ci/mcp-servers/node_modules`). Missing servers
//! fail the test under `CI=true` and skip it, with the reason, elsewhere.

#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use promptkit::arena::{RunOptions, Setup, Suite};

/// The packages the tests need.
const PACKAGES: &[&str] = &[
    "@modelcontextprotocol/server-everything/dist/index.js",
    "@modelcontextprotocol/server-filesystem/dist/index.js",
];

/// The `node_modules` folder holding the servers, or `None` (after saying why) when
/// they are not installed and this is not CI.
pub fn servers() -> Option<PathBuf> {
    let dir = std::env::var_os("PROMPTKIT_MCP_SERVERS")
        .filter(|d| !d.is_empty())
        .map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci/mcp-servers/node_modules"),
            PathBuf::from,
        );
    let missing: Vec<&str> = PACKAGES
        .iter()
        .copied()
        .filter(|p| !dir.join(p).is_file())
        .collect();
    let node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if missing.is_empty() && node {
        return Some(dir);
    }
    let why = if node {
        format!(
            "MCP servers not installed in `{}` (missing {missing:?}); run `npm ci --prefix .ci/mcp-servers` or `.ci/run`",
            dir.display()
        )
    } else {
        "`node` is not on PATH (the MCP servers are Node programs)".to_owned()
    };
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but {why}"
    );
    eprintln!("skipped: {why}");
    None
}

/// A copy of `tests/data/<name>` in a temporary folder with a `node_modules` link to
/// the installed servers (so `node node_modules/...` and `npx` find them locally).
pub fn project(name: &str, servers: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    // From the manifest of whichever package includes this module.
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../promptkit/tests/data")
        .join(name);
    copy_tree(&source, dir.path());
    std::os::unix::fs::symlink(servers, dir.path().join("node_modules")).expect("link");
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// The suite of `config`, or the rendered diagnostics as a panic.
pub fn suite(config: &Path, options: RunOptions, setup: &Setup) -> Suite {
    Suite::load(config, options, setup).unwrap_or_else(|e| panic!("{e}"))
}

/// Live (not zombie) processes whose working directory is inside `dir`: the servers
/// a run started there.
pub fn processes_in(dir: &Path) -> Vec<String> {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let proc_dir = entry.path();
        let Ok(cwd) = std::fs::read_link(proc_dir.join("cwd")) else {
            continue;
        };
        if !cwd.starts_with(&dir) {
            continue;
        }
        let stat = std::fs::read_to_string(proc_dir.join("stat")).unwrap_or_default();
        // The state follows the parenthesised command name.
        let state = stat
            .rsplit(')')
            .next()
            .and_then(|s| s.trim().chars().next());
        if matches!(state, Some('Z' | 'X') | None) {
            continue;
        }
        let cmdline = std::fs::read(proc_dir.join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        found.push(format!("{} {cmdline}", entry.file_name().to_string_lossy()));
    }
    found
}

/// Waits (up to `limit`) until no process runs in `dir`; what still runs then.
pub fn wait_until_gone(dir: &Path, limit: Duration) -> Vec<String> {
    let started = Instant::now();
    loop {
        let left = processes_in(dir);
        if left.is_empty() || started.elapsed() > limit {
            return left;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A multi-threaded runtime for a test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// A stand-in for the Docker command line, written as `bin/docker`: logs each call to
/// `bin/calls.log`; `run` starts
/// `server-everything` in SSE mode on the published host port, `stop` ends it.
pub fn fake_docker(bin: &Path, servers: &Path) -> PathBuf {
    let script = format!(
        r#"#!/bin/sh
echo "$*" >> "$(dirname "$0")/calls.log"
case "$1" in
  run)
    port=""
    while [ $# -gt 0 ]; do
      if [ "$1" = "-p" ]; then port="${{2%%:*}}"; fi
      shift
    done
    cd "$(dirname "$0")"
    PORT="$port" node "{servers}/@modelcontextprotocol/server-everything/dist/index.js" sse >/dev/null 2>&1 </dev/null &
    echo "container-$!"
    ;;
  stop)
    kill "${{3#container-}}"
    ;;
  *)
    echo "unexpected: $*" >&2
    exit 1
    ;;
esac
"#,
        servers = servers.display()
    );
    std::fs::create_dir_all(bin).expect("bin");
    let path = bin.join("docker");
    std::fs::write(&path, script).expect("write script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}
