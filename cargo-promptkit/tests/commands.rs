//! The commands around `run`: `completion` scripts load in bash, `view` serves a run's
//! report on loopback (ours and the reference's results layout).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};

const COMPARE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../examples/arena-quickstart/config.compare.arena.yaml"
);

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cargo-promptkit"))
}

#[test]
fn the_bash_completion_script_loads_and_completes_subcommands() {
    let script = cli()
        .args(["completion", "bash"])
        .output()
        .expect("completion");
    assert!(script.status.success());
    let temp = tempfile::tempdir().expect("temp dir");
    let file = temp.path().join("cargo-promptkit.bash");
    std::fs::write(&file, &script.stdout).expect("write");
    // Load it, then ask the completion function for `cargo-promptkit v<TAB>`.
    let probe = format!(
        "set -e; source '{}'; complete -p cargo-promptkit; \
         COMP_WORDS=(cargo-promptkit v); COMP_CWORD=1; COMP_LINE='cargo-promptkit v'; COMP_POINT=17; \
         _cargo__promptkit cargo-promptkit v cargo-promptkit; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        file.display()
    );
    let bash = Command::new("bash")
        .args(["--norc", "-c", &probe])
        .output()
        .expect("bash");
    let stdout = String::from_utf8_lossy(&bash.stdout);
    assert!(
        bash.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&bash.stderr)
    );
    assert!(stdout.contains("complete -o bashdefault"), "{stdout}");
    for command in ["validate", "validate-pack", "view"] {
        assert!(
            stdout.lines().any(|l| l == command),
            "{command} offered: {stdout}"
        );
    }
}

fn get(url: &str, path: &str) -> String {
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(address).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\n\r\n").expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

fn view(dir: &Path, requests: &[&str]) -> Vec<String> {
    let mut child = cli()
        .arg("view")
        .arg(dir)
        .args([
            "--max-requests",
            &requests.len().to_string(),
            "--timeout",
            "20",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("view");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the URL line");
    let url = line.split_whitespace().last().expect("a URL").to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    let responses = requests.iter().map(|path| get(&url, path)).collect();
    assert!(child.wait().expect("view exits").success());
    responses
}

#[test]
fn view_serves_the_report_on_loopback_then_stops() {
    let temp = tempfile::tempdir().expect("temp dir");
    let out = temp.path().join("out");
    let run = cli()
        .args(["run", "--ci", "-c", COMPARE, "-o"])
        .arg(&out)
        .output()
        .expect("run");
    assert_eq!(run.status.code(), Some(0));
    let responses = view(&out, &["/", "/results.json", "/../Cargo.toml"]);
    assert!(responses[0].starts_with("HTTP/1.1 200 OK"));
    assert!(responses[0].contains("<table id=\"matrix\">"));
    assert!(responses[1].contains("application/json") && responses[1].contains("\"totals\""));
    assert!(responses[2].starts_with("HTTP/1.1 404"));

    // The reference's layout alone (index.json + <RunID>.json): the page is rendered.
    std::fs::remove_file(out.join("report.html")).expect("remove");
    std::fs::remove_file(out.join("results.json")).expect("remove");
    let responses = view(&out, &["/"]);
    assert!(
        responses[0].contains("refund-policy/mock-terse"),
        "{}",
        responses[0]
    );
    assert!(responses[0].contains("data-runs=\"1\""));
}

#[test]
fn validate_checks_one_document_by_its_kind_or_the_given_type() {
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/arena-quickstart/scenarios/refund-policy.scenario.yaml"
    );
    let auto = cli()
        .args(["validate", scenario])
        .output()
        .expect("validate");
    assert_eq!(auto.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&auto.stdout).contains("is a valid Scenario"));

    let wrong = cli()
        .args(["validate", scenario, "--type", "provider"])
        .output()
        .expect("validate");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("expected a `Provider` document"));

    let temp = tempfile::tempdir().expect("temp dir");
    let bad = temp.path().join("bad.yaml");
    let text = std::fs::read_to_string(scenario)
        .expect("scenario")
        .replace("description:", "descripton:");
    std::fs::write(&bad, text).expect("write");
    let typo = cli()
        .args(["validate", "--type", "scenario", "--format", "json"])
        .arg(&bad)
        .output()
        .expect("validate");
    assert_eq!(typo.status.code(), Some(1));
    let diagnostics: serde_json::Value = serde_json::from_slice(&typo.stdout).expect("JSON");
    let text = diagnostics.to_string();
    assert!(text.contains("unknown field `descripton`"), "{text}");
    assert!(text.contains("description"), "{text}");
}

#[test]
fn prompt_debug_prints_each_turns_request_with_credentials_masked() {
    let temp = tempfile::tempdir().expect("temp dir");
    let project = temp.path().join("project");
    let example = Path::new(COMPARE).parent().expect("example folder");
    std::fs::create_dir_all(&project).expect("dir");
    for dir in ["prompts", "providers", "scenarios", "tools"] {
        std::fs::create_dir_all(project.join(dir)).expect("dir");
        for entry in std::fs::read_dir(example.join(dir))
            .expect("read")
            .flatten()
        {
            std::fs::copy(entry.path(), project.join(dir).join(entry.file_name())).expect("copy");
        }
    }
    for file in [
        "config.compare.arena.yaml",
        "mock-responses.yaml",
        "mock-responses-terse.yaml",
    ] {
        std::fs::copy(example.join(file), project.join(file)).expect("copy");
    }
    let provider = project.join("providers/mock.provider.yaml");
    let text = std::fs::read_to_string(&provider).expect("provider");
    std::fs::write(
        &provider,
        text.replace(
            "  model: mock-model\n",
            "  model: mock-model\n  headers:\n    Authorization: \"Bearer sk-test-secret-1234\"\n    X-Team: support\n",
        ),
    )
    .expect("write");
    let output = cli()
        .args(["prompt-debug", "--scenario", "order-status", "-c"])
        .arg(project.join("config.compare.arena.yaml"))
        .output()
        .expect("prompt-debug");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!stdout.contains("sk-test-secret"), "{stdout}");
    assert!(stdout.contains("\"Authorization\": \"***\""), "{stdout}");
    assert!(stdout.contains("\"X-Team\": \"support\""), "{stdout}");
    for provider in [
        "== order-status × mock ==",
        "== order-status × mock-terse ==",
    ] {
        assert!(stdout.contains(provider), "{stdout}");
    }
    // Two turns per provider, the second carrying the first in its history.
    assert_eq!(stdout.matches("-- request 2 --").count(), 2, "{stdout}");
    assert!(stdout.contains("Look orders up with the get_order_status tool"));
    assert!(stdout.contains("\"content\": \"When will it arrive?\""));
    assert!(stdout.contains("\"name\": \"get_order_status\""));
}

#[test]
fn config_inspect_lists_the_project_and_its_run_plan() {
    let output = cli()
        .args(["config-inspect", "--format", "json", "-c", COMPARE])
        .output()
        .expect("config-inspect");
    assert!(output.status.success());
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(summary["name"], "arena-quickstart-compare");
    let providers: Vec<&str> = summary["providers"]
        .as_array()
        .expect("providers")
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(providers, ["mock", "mock-terse"]);
    assert_eq!(summary["scenarios"][0]["turns"], 2);
    assert_eq!(summary["plan"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        summary["prompts"][0]["variables"]
            .as_array()
            .map(Vec::is_empty),
        Some(false)
    );
}

/// `mocks generate` turns a run's results into a mock-responses file that replays the
/// same run on `--mock-provider`; `--merge` keeps what the file had.
#[test]
fn mocks_generated_from_a_run_replay_it() {
    let temp = tempfile::tempdir().expect("temp dir");
    let quickstart = Path::new(COMPARE).with_file_name("config.arena.yaml");
    let out = temp.path().join("out");
    let status = cli()
        .args(["run", "--ci", "-c"])
        .arg(&quickstart)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let mocks = temp.path().join("generated.yaml");
    let generated = cli()
        .args(["mocks", "generate", "-i"])
        .arg(&out)
        .arg("-o")
        .arg(&mocks)
        .args(["--default-response", "How can I help?"])
        .output()
        .expect("mocks generate");
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let yaml = std::fs::read_to_string(&mocks).expect("mock file");
    assert!(yaml.contains("name: get_order_status"), "{yaml}");
    assert!(yaml.contains("defaultResponse: How can I help?"), "{yaml}");
    // Only one scenario again, merged: the other stays.
    let merged = cli()
        .args([
            "mocks",
            "generate",
            "--merge",
            "--scenario",
            "refund-policy",
            "-i",
        ])
        .arg(&out)
        .arg("-o")
        .arg(&mocks)
        .output()
        .expect("merge");
    assert!(merged.status.success());
    let yaml = std::fs::read_to_string(&mocks).expect("mock file");
    assert!(
        yaml.contains("order-status:") && yaml.contains("refund-policy:"),
        "{yaml}"
    );
    let replay = cli()
        .args(["run", "--ci", "--mock-provider", "--mock-config"])
        .arg(&mocks)
        .arg("-c")
        .arg(&quickstart)
        .arg("-o")
        .arg(temp.path().join("replayed"))
        .output()
        .expect("replay");
    let stdout = String::from_utf8_lossy(&replay.stdout);
    assert!(replay.status.success(), "{stdout}");
    assert!(stdout.contains("2 passed, 0 failed"), "{stdout}");
}
