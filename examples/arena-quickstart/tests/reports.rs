//! With `PROMPTKIT_REPORT_DIR` set, `#[arena_test]` tests leave reports for CI: each
//! test's own JSON and JUnit under `cases/`, and one merged `results.json`, `junit.xml`
//! and `report.html` for every test of the run, whether the tests ran as threads of one
//! process (`cargo test`) or as processes of their own at the same time
//! (cargo-nextest). The checks re-run this test binary with the variable set.

use std::path::Path;
use std::process::Command;

use promptkit::arena::Setup;

#[promptkit::arena_test("config.arena.yaml")]
fn quick(_setup: &mut Setup) {}

fn this_binary(filter: &[&str], dir: &Path) -> Command {
    let mut command = Command::new(std::env::current_exe().expect("this test binary"));
    command
        .args(filter)
        .arg("--quiet")
        .env("PROMPTKIT_REPORT_DIR", dir);
    command
}

/// The merged reports in `dir` hold both quick-start scenarios.
fn assert_merged(dir: &Path) {
    let json = std::fs::read_to_string(dir.join("results.json")).expect("merged JSON");
    let run: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(run["totals"]["passed"], 2, "{json}");
    let junit = std::fs::read_to_string(dir.join("junit.xml")).expect("merged JUnit");
    for scenario in ["order-status", "refund-policy"] {
        assert!(
            junit.contains(&format!("<testcase name=\"mock\" classname=\"{scenario}\"")),
            "{junit}"
        );
        let own = dir.join("cases").join(format!("{scenario}__mock.json"));
        assert!(own.is_file(), "{} missing", own.display());
    }
    let html = std::fs::read_to_string(dir.join("report.html")).expect("merged HTML");
    assert!(html.contains("refund-policy") && html.contains("order-status"));
}

#[test]
fn tests_in_one_process_merge_their_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let status = this_binary(&["quick::"], dir.path())
        .status()
        .expect("re-run");
    assert!(status.success());
    assert_merged(dir.path());
}

#[test]
fn tests_in_parallel_processes_merge_their_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let children: Vec<_> = ["quick::refund_policy__mock", "quick::order_status__mock"]
        .iter()
        .map(|test| {
            this_binary(&[test, "--exact"], dir.path())
                .spawn()
                .expect("start")
        })
        .collect();
    for mut child in children {
        assert!(child.wait().expect("wait").success());
    }
    assert_merged(dir.path());
}
