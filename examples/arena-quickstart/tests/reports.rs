//! With `PROMPTKIT_REPORT_DIR` set, `#[arena_test]` tests leave JSON and JUnit reports
//! for CI. The check re-runs this test binary with the variable set.

use std::process::Command;

use promptkit::arena::Setup;

#[promptkit::arena_test("config.arena.yaml")]
fn quick(_setup: &mut Setup) {}

#[test]
fn tests_write_reports_when_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let status = Command::new(std::env::current_exe().expect("this test binary"))
        .args(["quick::refund_policy__mock", "--exact", "--quiet"])
        .env("PROMPTKIT_REPORT_DIR", dir.path())
        .status()
        .expect("re-run");
    assert!(status.success());
    let json =
        std::fs::read_to_string(dir.path().join("refund-policy__mock.json")).expect("JSON report");
    let run: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(run["totals"]["passed"], 1);
    let junit =
        std::fs::read_to_string(dir.path().join("refund-policy__mock.xml")).expect("JUnit report");
    assert!(
        junit.contains("<testcase name=\"mock\" classname=\"refund-policy\""),
        "{junit}"
    );
}
