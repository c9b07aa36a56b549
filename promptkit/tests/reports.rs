//! Reports of a real run: JSON round-trips, JUnit counts and escapes, Markdown and HTML
//! show every case, hostile text cannot break the markup, files are written whole.

use promptkit::arena::report::{Format, write_reports};
use promptkit::arena::{RunOptions, RunResult, Setup, Status, Suite};

const CONFIG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../examples/arena-quickstart/config.arena.yaml"
);

async fn run_with_a_hostile_failure() -> RunResult {
    let suite = Suite::load(CONFIG, RunOptions::default(), &Setup::new()).expect("suite");
    let mut run = suite.run(|_| {}).await;
    let case = &mut run.cases[0];
    case.status = Status::Failed;
    let assertion = &mut case.turns[0].assertions[0];
    assertion.passed = false;
    assertion.message = "bad </script><b>&\"'\u{1}".into();
    let cases = std::mem::take(&mut run.cases);
    RunResult::new(run.name.clone(), cases, run.duration_ms)
}

#[tokio::test]
async fn every_format_renders_the_run() {
    let run = run_with_a_hostile_failure().await;
    assert_eq!(run.totals.failed, 1);
    assert_eq!(run.exit_code(), 1);

    let json = Format::Json.render(&run);
    let back: RunResult = serde_json::from_str(&json).expect("JSON parses");
    assert_eq!(back, run);

    let junit = Format::Junit.render(&run);
    assert!(junit.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(
        junit.contains("tests=\"2\" failures=\"1\" errors=\"0\""),
        "{junit}"
    );
    assert!(
        junit.contains("<testsuite name=\"order-status\""),
        "{junit}"
    );
    assert!(
        junit.contains("<testcase name=\"mock\" classname=\"refund-policy\""),
        "{junit}"
    );
    assert!(
        junit.contains("&lt;/script&gt;&lt;b&gt;&amp;&quot;&#39;\u{FFFD}"),
        "{junit}"
    );
    assert!(!junit.contains("</script>"), "{junit}");
    assert_eq!(junit.matches("<testcase").count(), 2);

    let markdown = Format::Markdown.render(&run);
    assert!(
        markdown.contains("| order-status/mock | ❌ failed |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| refund-policy/mock | ✅ passed |"),
        "{markdown}"
    );
    assert!(markdown.contains("## Failures"), "{markdown}");

    let html = Format::Html.render(&run);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(
        html.matches("</script>").count(),
        2,
        "only the page's own two scripts close"
    );
    assert!(html.contains("bad &lt;/script&gt;"), "escaped in the page");
    // The page's data (serialized straight into the page) is the run's JSON tree as
    // text, `</` written `<\/`.
    let data = html
        .split("<script type=\"application/json\" id=\"run-data\">")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("run data");
    let tree = serde_json::to_value(&run).expect("JSON tree").to_string();
    assert_eq!(data, tree.replace("</", "<\\/"));
    assert!(data.contains("bad <\\/script>"), "{data}");
    assert!(
        !html.contains("src=\"http"),
        "self-contained: no external assets"
    );
}

#[tokio::test]
async fn reports_are_written_whole_without_temporary_files() {
    let run = run_with_a_hostile_failure().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("nested/out");
    let written = write_reports(&run, &out, &Format::ALL).expect("written");
    // Four reports, plus the reference's layout: index.json and one <RunID>.json a case.
    assert_eq!(written.len(), 4 + 1 + run.cases.len());
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("out dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let (run_files, reports): (Vec<String>, Vec<String>) = names
        .into_iter()
        .partition(|n| n.ends_with(".json") && n != "results.json" && n != "index.json");
    assert_eq!(
        reports,
        [
            "index.json",
            "junit.xml",
            "report.html",
            "results.json",
            "results.md"
        ]
    );
    assert_eq!(run_files.len(), run.cases.len(), "{run_files:?}");
    // Rewriting replaces the files in place.
    write_reports(&run, &out, &[Format::Json]).expect("rewritten");
    let json = std::fs::read_to_string(out.join("results.json")).expect("read");
    assert!(serde_json::from_str::<RunResult>(&json).is_ok());
}
