//! `run --baseline`: a run compared with an earlier one names the case that regressed in
//! every report format, `--fail-on-regression` exits on regressions only, and a
//! baseline may be the reference's `index.json` layout. Report file names follow
//! `--junit-file` / `--markdown-file` / `--html-file`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support;
use support::copy_dir;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/arena-quickstart");
const REGRESSED: &str = "refund-policy/mock-terse";

/// The comparison example in a temporary folder.
fn project(temp: &Path) -> PathBuf {
    let dir = temp.join("project");
    copy_dir(Path::new(EXAMPLE), &dir);
    dir.join("config.compare.arena.yaml")
}

fn run(config: &Path, out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-promptkit"))
        .args(["run", "--ci", "-c"])
        .arg(config)
        .arg("-o")
        .arg(out)
        .args(extra)
        .output()
        .expect("run the CLI")
}

fn code(output: &Output) -> Option<i32> {
    output.status.code()
}

fn regress_the_terse_model(config: &Path) {
    let mock = config.with_file_name("mock-responses-terse.yaml");
    let text = std::fs::read_to_string(&mock).expect("mock responses");
    std::fs::write(&mock, text.replace("within 30 days", "within 45 days")).expect("write");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_regression_fails_the_run_and_is_named_in_every_format() {
    let temp = tempfile::tempdir().expect("temp dir");
    let config = project(temp.path());
    let before = temp.path().join("before");
    let first = run(&config, &before, &[]);
    assert_eq!(
        code(&first),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stdout)
    );

    regress_the_terse_model(&config);
    let after = temp.path().join("after");
    let baseline = before.join("results.json");
    let baseline = baseline.to_str().expect("utf-8 path");
    let compared = run(
        &config,
        &after,
        &["--baseline", baseline, "--fail-on-regression"],
    );
    assert_eq!(
        code(&compared),
        Some(1),
        "{}",
        String::from_utf8_lossy(&compared.stderr)
    );

    let json: serde_json::Value =
        serde_json::from_str(&read(&after.join("results.json"))).expect("JSON");
    assert_eq!(
        json["comparison"]["new_failures"],
        serde_json::json!([REGRESSED])
    );
    assert_eq!(json["comparison"]["fixed"], serde_json::json!([]));
    let delta = json["comparison"]["cases"]
        .as_array()
        .and_then(|cases| cases.iter().find(|c| c["name"] == REGRESSED))
        .expect("the regressed case's delta");
    assert_eq!(
        (&delta["before"], &delta["after"]),
        (&"passed".into(), &"failed".into())
    );

    let markdown = read(&after.join("results.md"));
    assert!(markdown.contains("**1 new failure(s)**"), "{markdown}");
    assert!(
        markdown.contains(&format!("**New failures:**\n\n- {REGRESSED}\n")),
        "{markdown}"
    );
    assert!(
        markdown.contains(&format!("| {REGRESSED} 🔻 | passed → failed |")),
        "{markdown}"
    );

    let html = read(&after.join("report.html"));
    assert!(
        html.contains(&format!("<li class=\"new-failure\">{REGRESSED}</li>")),
        "the HTML lists the regression"
    );
    assert!(html.contains("data-new-failures=\"1\""));

    let junit = read(&after.join("junit.xml"));
    assert!(
        junit.contains(&format!(
            "<property name=\"baseline.new_failures\" value=\"{REGRESSED}\"/>"
        )),
        "{junit}"
    );
    assert!(
        junit.contains(
            "failure message=\"regression (passed in the baseline): 1 assertion(s) failed\""
        ),
        "{junit}"
    );
    // CI semantics unchanged: the counts are this run's.
    assert!(
        junit.contains("tests=\"4\" failures=\"1\" errors=\"0\""),
        "{junit}"
    );

    // Against a baseline that already had the failure: no regression, exit 0 under the
    // policy, while the plain exit code still reports the failure.
    let again = temp.path().join("again");
    let known = after.to_str().expect("utf-8 path");
    let ratchet = run(
        &config,
        &again,
        &["--baseline", known, "--fail-on-regression"],
    );
    assert_eq!(
        code(&ratchet),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ratchet.stderr)
    );
    let plain = run(&config, &again, &["--baseline", known]);
    assert_eq!(code(&plain), Some(1));
}

#[test]
fn the_reference_layout_is_written_and_read_back_as_a_baseline() {
    let temp = tempfile::tempdir().expect("temp dir");
    let config = project(temp.path());
    let before = temp.path().join("before");
    assert_eq!(
        code(&run(&config, &before, &["--formats", "json"])),
        Some(0)
    );

    let index: serde_json::Value =
        serde_json::from_str(&read(&before.join("index.json"))).expect("index.json");
    let ids = index["run_ids"].as_array().expect("run_ids");
    assert_eq!(ids.len(), 4);
    assert_eq!(index["total_runs"], 4);
    for id in ids {
        let file = before.join(format!("{}.json", id.as_str().expect("id")));
        let result: serde_json::Value = serde_json::from_str(&read(&file)).expect("RunID.json");
        assert_eq!(&result["RunID"], id);
        assert!(result["ScenarioID"].is_string() && result["ProviderID"].is_string());
        assert!(
            result["Duration"].is_i64(),
            "Go's time.Duration is nanoseconds"
        );
        assert!(result["Messages"].as_array().is_some_and(|m| {
            m.iter()
                .any(|m| m["meta"]["assertions"]["total"].as_u64() > Some(0))
        }));
    }

    regress_the_terse_model(&config);
    let after = temp.path().join("after");
    let index_path = before.join("index.json");
    let compared = run(
        &config,
        &after,
        &[
            "--baseline",
            index_path.to_str().expect("utf-8"),
            "--formats",
            "json",
        ],
    );
    assert_eq!(code(&compared), Some(1));
    let json: serde_json::Value =
        serde_json::from_str(&read(&after.join("results.json"))).expect("JSON");
    assert_eq!(
        json["comparison"]["new_failures"],
        serde_json::json!([REGRESSED])
    );
    assert_eq!(
        json["comparison"]["cases"].as_array().map(Vec::len),
        Some(4)
    );
}

#[test]
fn report_file_names_follow_the_flags() {
    let temp = tempfile::tempdir().expect("temp dir");
    let config = project(temp.path());
    let out = temp.path().join("out");
    let junit = temp.path().join("ci/tests.xml");
    let markdown = temp.path().join("summary.md");
    let output = run(
        &config,
        &out,
        &[
            "--junit-file",
            junit.to_str().expect("utf-8"),
            "--markdown-file",
            markdown.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(code(&output), Some(0));
    assert!(read(&junit).contains("<testsuites"));
    assert!(read(&markdown).contains("## Scenarios × providers"));
    assert!(!out.join("junit.xml").exists() && !out.join("results.md").exists());
    assert!(out.join("report.html").is_file() && out.join("results.json").is_file());
}

/// Also the Markdown switches of `defaults.output.markdown`.
#[test]
fn report_file_names_follow_the_config() {
    let temp = tempfile::tempdir().expect("temp dir");
    let config = project(temp.path());
    let text = read(&config).replace(
        "      formats: [\"json\", \"junit\", \"markdown\", \"html\"]\n",
        "      formats: [\"json\", \"junit\", \"markdown\", \"html\"]\n      junit:\n        file: ci/arena.xml\n      markdown:\n        file: summary.md\n        include_details: true\n        show_overview: true\n        show_results_matrix: false\n        show_failed_tests: true\n        show_cost_summary: true\n      html:\n        file: arena.html\n",
    );
    std::fs::write(&config, text).expect("write config");
    let out = temp.path().join("out");
    let output = run(&config, &out, &[]);
    assert_eq!(
        code(&output),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(read(&out.join("ci/arena.xml")).contains("<testsuites"));
    let summary = read(&out.join("summary.md"));
    assert!(summary.contains("# Arena results") && summary.contains("## Cases"));
    assert!(
        !summary.contains("## Scenarios × providers"),
        "show_results_matrix: false"
    );
    assert!(read(&out.join("arena.html")).contains("<!DOCTYPE html>"));
    assert!(!out.join("junit.xml").exists() && !out.join("report.html").exists());
}
