//! Classifier-backed assertions end to end: a `role: inference` Hugging Face provider
//! (pointed at a loopback fake of the Inference API) scores each reply; the key comes
//! from `HF_TOKEN` and reaches no report; without a key the assertions skip with the
//! reason and the run stays green.

use crate::support;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

const KEY: &str = "hf_secret_never_print_0123456789";
const PROJECT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/classifiers");
const REPORTS: [&str; 4] = ["results.json", "junit.xml", "results.md", "report.html"];

/// What the fake received: the request line, the authorization header, the body.
type Seen = Arc<Mutex<Vec<(String, String, String)>>>;

/// A fake text-classification endpoint: "toxic" scores 0.93 for text containing
/// "idiot", else 0.02 (in the nested all-scores shape).
fn fake_inference_api() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let url = support::loopback(move |request| {
        let body = String::from_utf8_lossy(&request.body).into_owned();
        let toxic = if body.contains("idiot") { 0.93 } else { 0.02 };
        let reply =
            format!(r#"[[{{"label":"toxic","score":{toxic}}},{{"label":"insult","score":0.01}}]]"#);
        if let Ok(mut log) = log.lock() {
            log.push((
                request.line.clone(),
                request.header("authorization").to_owned(),
                body,
            ));
        }
        let json = [("content-type".to_owned(), "application/json".to_owned())];
        support::http_response(200, &json, reply.as_bytes())
    });
    (url, seen)
}

/// The project copied to a temporary folder with the inference provider at `url`.
fn project_at(url: &str) -> (tempfile::TempDir, PathBuf) {
    support::project_at(Path::new(PROJECT), "providers/hf.provider.yaml", url)
}

fn run(config: &Path, out: &Path, key: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-promptkit"));
    cmd.args(["run", "--ci", "-c"])
        .arg(config)
        .arg("-o")
        .arg(out)
        .env_remove("HF_TOKEN")
        .env_remove("HUGGING_FACE_HUB_TOKEN");
    if let Some(key) = key {
        cmd.env("HF_TOKEN", key);
    }
    cmd.output().expect("run the CLI")
}

fn text(output: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn replies_are_scored_by_the_inference_provider() {
    let (url, seen) = fake_inference_api();
    let (temp, config) = project_at(&url);
    let out = temp.path().join("out");
    let output = run(&config, &out, Some(KEY));
    let shown = text(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the rude reply fails: {shown}"
    );
    assert!(shown.contains("polite/mock  passed"), "{shown}");
    assert!(shown.contains("rude/mock    failed"), "{shown}");

    let seen = seen.lock().expect("requests").clone();
    assert_eq!(seen.len(), 2, "one classification per reply: {seen:?}");
    for (line, auth, body) in &seen {
        assert_eq!(line, "POST /models/unitary/toxic-bert HTTP/1.1");
        assert_eq!(auth, &format!("Bearer {KEY}"));
        let body: serde_json::Value = serde_json::from_str(body).expect("JSON body");
        assert_eq!(body["parameters"]["return_all_scores"], true);
    }
    assert!(
        seen.iter()
            .any(|(_, _, b)| b.contains("Figure it out yourself, idiot."))
    );

    let results = std::fs::read_to_string(out.join("results.json")).expect("results.json");
    assert!(results.contains("toxic score 0.930"), "{results}");
    for report in REPORTS {
        let body = std::fs::read_to_string(out.join(report)).expect(report);
        assert!(!body.contains(KEY), "{report} leaks the key");
    }
    assert!(!shown.contains(KEY), "the console leaks the key");
}

#[test]
fn without_a_key_classifier_assertions_skip_with_the_reason() {
    let (url, seen) = fake_inference_api();
    let (temp, config) = project_at(&url);
    let out = temp.path().join("out");
    let output = run(&config, &out, None);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(seen.lock().expect("requests").is_empty(), "nothing is sent");
    let results = std::fs::read_to_string(out.join("results.json")).expect("results.json");
    assert!(
        results.contains(
            "skipped: inference provider `hf` is not usable: no API key: set HF_TOKEN or \
             HUGGING_FACE_HUB_TOKEN in the environment"
        ),
        "{results}"
    );
}
