//! The command line end to end: `init` scaffolds a project that `run` passes, reports
//! land on disk, and exit codes follow the reference (0 passed, 1 failed, 2 errors).

use std::path::Path;
use std::process::Command;

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cargo-promptkit"))
}

fn run(config: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    cli()
        .args(["run", "--ci", "-c"])
        .arg(config)
        .arg("-o")
        .arg(out)
        .args(extra)
        .output()
        .expect("run the CLI")
}

#[test]
fn init_scaffolds_a_project_that_runs_green() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("demo");
    let init = cli().arg("init").arg(&dir).output().expect("init");
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let out = temp.path().join("out");
    let output = run(&dir.join("config.arena.yaml"), &out, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("2 cases: 2 passed"), "{stdout}");
    for file in ["results.json", "junit.xml", "results.md", "report.html"] {
        assert!(out.join(file).is_file(), "{file} written");
    }
    // A second init refuses to overwrite.
    let again = cli().arg("init").arg(&dir).output().expect("init");
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
}

#[test]
fn failing_assertions_exit_1_and_broken_configs_exit_2() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("demo");
    assert!(
        cli()
            .arg("init")
            .arg(&dir)
            .status()
            .expect("init")
            .success()
    );
    let scenario = dir.join("scenarios/refund-policy.scenario.yaml");
    let text = std::fs::read_to_string(&scenario).expect("read");
    std::fs::write(&scenario, text.replace("30 days", "45 days")).expect("write");
    let output = run(
        &dir.join("config.arena.yaml"),
        &temp.path().join("out"),
        &[],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("failed assertions"), "{stdout}");

    let config = dir.join("config.arena.yaml");
    let text = std::fs::read_to_string(&config).expect("read");
    std::fs::write(&config, text.replace("prompt_configs:", "prompt_config:")).expect("write");
    let output = run(&config, &temp.path().join("out2"), &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("config.arena.yaml:"),
        "names the file and line: {stderr}"
    );
}

#[test]
fn scenario_filter_and_mock_provider_flags() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("demo");
    assert!(
        cli()
            .arg("init")
            .arg(&dir)
            .status()
            .expect("init")
            .success()
    );
    let output = run(
        &dir.join("config.live.arena.yaml"),
        &temp.path().join("out"),
        &[
            "--scenario",
            "refund-policy",
            "--mock-provider",
            "--mock-config",
            dir.join("mock-responses.yaml")
                .to_str()
                .expect("utf-8 path"),
            "--formats",
            "junit",
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("1 cases: 1 passed"), "{stdout}");
    assert!(temp.path().join("out/junit.xml").is_file());
    assert!(!temp.path().join("out/results.json").exists());
}

#[test]
fn a_scenario_id_longer_than_a_format_width_does_not_panic() {
    // `{:<width$}` panics past u16::MAX; the summary's name column used the longest id.
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/arena-quickstart");
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("project");
    let mut files = vec![
        "config.arena.yaml".to_owned(),
        "mock-responses.yaml".to_owned(),
    ];
    for sub in ["prompts", "providers", "scenarios", "tools"] {
        for entry in std::fs::read_dir(example.join(sub))
            .expect("example folder")
            .flatten()
        {
            files.push(format!("{sub}/{}", entry.file_name().to_string_lossy()));
        }
    }
    for rel in &files {
        let mut text = std::fs::read_to_string(example.join(rel)).expect("example file");
        if rel.starts_with("scenarios/refund") {
            let long = "r".repeat(70_000);
            text = text.replacen("id: refund-policy", &format!("id: {long}"), 1);
        }
        let target = dir.join(rel);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::write(target, text).expect("write");
    }
    let output = run(
        &dir.join("config.arena.yaml"),
        &temp.path().join("out"),
        &[],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(matches!(output.status.code(), Some(0 | 1)), "{stderr}");
}

/// A copy of the quick-start example (its YAML only) in `dir`.
fn quickstart_copy(dir: &Path) {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/arena-quickstart");
    for sub in ["prompts", "providers", "scenarios", "tools"] {
        std::fs::create_dir_all(dir.join(sub)).expect("mkdir");
        for entry in std::fs::read_dir(example.join(sub)).expect("example folder") {
            let path = entry.expect("entry").path();
            std::fs::copy(&path, dir.join(sub).join(path.file_name().expect("name")))
                .expect("copy");
        }
    }
    for file in ["config.arena.yaml", "mock-responses.yaml"] {
        std::fs::copy(example.join(file), dir.join(file)).expect("copy");
    }
}

#[test]
fn output_recording_writes_reference_session_recordings_that_replay() {
    let temp = tempfile::tempdir().expect("temp dir");
    let project = temp.path().join("project");
    quickstart_copy(&project);
    let config = project.join("config.arena.yaml");
    let text = std::fs::read_to_string(&config).expect("config");
    let text = text.replace(
        "      formats:",
        "      recording:\n        enabled: true\n        dir: sessions\n      formats:",
    );
    std::fs::write(&config, text).expect("write config");
    // The refund answer leaks a credential-looking environment value.
    let secret = "sk-recording-secret-0123456789";
    let mocks = project.join("mock-responses.yaml");
    let text = std::fs::read_to_string(&mocks).expect("mocks");
    std::fs::write(
        &mocks,
        text.replace("still qualifies.", &format!("still qualifies. {secret}")),
    )
    .expect("write mocks");

    let out = project.join("out");
    let output = cli()
        .args(["run", "--ci", "-c"])
        .arg(&config)
        .arg("-o")
        .arg(&out)
        .env("RECORDING_TEST_API_KEY", secret)
        .output()
        .expect("run the CLI");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let sessions = out.join("sessions");
    assert!(stdout.contains("session recordings: "), "{stdout}");
    assert!(
        !stdout.contains(".jsonl"),
        "recordings are not listed one by one: {stdout}"
    );

    // One `<RunID>.jsonl` per case, named like the reference's `<RunID>.json` files.
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("index.json")).expect("index"))
            .expect("index JSON");
    let ids: Vec<&str> = index["run_ids"]
        .as_array()
        .expect("run ids")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(ids.len(), 2);
    let mut seen_tool_call = false;
    let mut seen_tool_result = false;
    for id in &ids {
        let path = sessions.join(format!("{id}.jsonl"));
        let text = std::fs::read_to_string(&path).expect("one recording per run id");
        assert!(!text.contains(secret), "credentials are masked: {text}");
        let mut last_seq = 0;
        for line in text.lines() {
            let line: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            let seq = line["seq"].as_u64().expect("seq");
            assert!(seq > last_seq, "increasing seq");
            last_seq = seq;
            let event = &line["event"];
            assert_eq!(event["session_id"], *id);
            assert!(
                event["timestamp"]
                    .as_str()
                    .is_some_and(|t| t.ends_with('Z'))
            );
            match event["type"].as_str().expect("type") {
                "conversation.started" => {
                    assert!(
                        event["data"]["SystemPrompt"]
                            .as_str()
                            .is_some_and(|s| !s.is_empty())
                    );
                }
                "message.created" => {
                    assert_eq!(event["data_type"], "*events.MessageCreatedData");
                    let data = &event["data"];
                    assert!(data["Role"].is_string() && data["Index"].is_u64(), "{data}");
                    if let Some(call) = data["ToolCalls"].as_array().and_then(|c| c.first()) {
                        assert_eq!(call["name"], "get_order_status");
                        assert!(
                            call["args"]
                                .as_str()
                                .is_some_and(|a| a.contains("ORD-1042"))
                        );
                        seen_tool_call = true;
                    }
                    if data["ToolResult"].is_object() {
                        assert!(
                            data["ToolResult"]["id"]
                                .as_str()
                                .is_some_and(|i| !i.is_empty())
                        );
                        seen_tool_result = true;
                    }
                }
                "provider.call.completed" => {
                    assert_eq!(event["data"]["Provider"], "mock");
                    assert!(
                        event["data"]["OutputTokens"]
                            .as_u64()
                            .is_some_and(|t| t > 0)
                    );
                }
                other => panic!("unexpected event type {other}"),
            }
        }
    }
    assert!(seen_tool_call && seen_tool_result);

    // A `type: replay` provider answers the order-status scenario from its recording:
    // tool call, tool round and answers, so the scenario passes again.
    let order = ids
        .iter()
        .find(|id| id.contains("order-status"))
        .expect("order-status run");
    std::fs::write(
        project.join("providers/replay.provider.yaml"),
        format!(
            "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Provider\nmetadata:\n  name: replay\nspec:\n  id: replay\n  type: replay\n  model: replay\n  additional_config:\n    recording: out/sessions/{order}.jsonl\n"
        ),
    )
    .expect("replay provider");
    let replay_config = project.join("replay.arena.yaml");
    let text = std::fs::read_to_string(&config)
        .expect("config")
        .replace(
            "providers/mock.provider.yaml",
            "providers/replay.provider.yaml",
        )
        .replace("    - file: scenarios/refund-policy.scenario.yaml\n", "")
        .replace("        enabled: true", "        enabled: false");
    std::fs::write(&replay_config, text).expect("replay config");
    let output = run(&replay_config, &temp.path().join("replayed"), &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("1 cases: 1 passed"), "{stdout}");
}
