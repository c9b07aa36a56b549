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
