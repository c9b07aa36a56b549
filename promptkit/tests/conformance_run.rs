//! Every project under `shared/conformance` runs keyless and gives the outcome its mock
//! responses were written for.
//!
//! Keyless means: as is when every provider is a mock; otherwise with
//! `--mock-provider` (plus `--mock-config mock-responses.yaml` when the project has
//! one), as the reference CLI runs them. `live-http-tools` calls public APIs; here its
//! tools are redirected to a loopback fake of those APIs (tests never leave loopback).
//!
//! A new project in the folder needs no code: it must pass entirely unless listed in
//! [`EXPECTED`] with the reason.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use promptkit::arena::{RunOptions, Setup, Status, Suite};
use promptkit_build::load::{LoadOptions, load_mock_config, load_project};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance");

/// Why four customer-support scenarios fail under enforcing guardrails.
const GUARDRAIL_BLOCKS_GUARANTEE: &str = "guardrails act, as the reference's: the mock reply says \"cannot guarantee\", the prompt's `banned_words` validator replaces it with the blocked message, and the content assertions written for the original text fail";

/// Cases whose data is written for another outcome than passing, with why
/// (`project`, `scenario`, expected status, reason).
const EXPECTED: &[(&str, &str, Status, &str)] = &[
    (
        "context-management",
        "context-limited-fail",
        Status::Error,
        "its test goal: `strategy: fail` with a 300-token budget must stop the run once the conversation outgrows it",
    ),
    (
        "customer-support",
        "streaming-demo",
        Status::Failed,
        GUARDRAIL_BLOCKS_GUARANTEE,
    ),
    (
        "customer-support",
        "validator-banned-word-test",
        Status::Failed,
        GUARDRAIL_BLOCKS_GUARANTEE,
    ),
    (
        "customer-support",
        "validator-length-test",
        Status::Failed,
        GUARDRAIL_BLOCKS_GUARANTEE,
    ),
    (
        "customer-support",
        "validator-test",
        Status::Failed,
        GUARDRAIL_BLOCKS_GUARANTEE,
    ),
    (
        "customer-support",
        "streaming-tools-demo",
        Status::Failed,
        "mock-responses.yaml has no entry for this scenario, so the default answer never calls get_order_status",
    ),
    (
        "resilience-testing",
        "behavioral-testing",
        Status::Failed,
        "directional similar_content scores the word overlap (0.44, 0.52); without min_score an assertion needs 1.0, as the reference's assertion wrapper",
    ),
    (
        "resilience-testing",
        "tool-chain-and-efficiency",
        Status::Failed,
        "tool_efficiency scores below 1.0 for 3 calls and no min_score is set, as in the reference",
    ),
];

fn projects() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .expect("conformance corpus present")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("config.arena.yaml").is_file())
        .collect();
    out.sort();
    out
}

/// The keyless options for a project (see the module docs).
fn keyless(project: &Path) -> RunOptions {
    let loaded = load_project(project.join("config.arena.yaml"), &LoadOptions::default());
    let all_mock = loaded.value.as_ref().is_some_and(|p| {
        p.providers
            .iter()
            .all(|e| e.item.spec.r#type.value == promptkit_build::model::ProviderType::Mock)
    });
    let mut options = RunOptions::default();
    if !all_mock {
        options.mock_provider = true;
        let file = project.join("mock-responses.yaml");
        if file.is_file() {
            let mock = load_mock_config(&file, &LoadOptions::default());
            assert!(mock.is_ok(), "{}", mock.render(Default::default()));
            options.mock_config = mock.value.map(Arc::new);
        }
    }
    options
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_project_runs_keyless_with_its_intended_outcome() {
    let fake = FakeApis::start().await;
    let projects = projects();
    assert!(
        projects.len() >= 14,
        "corpus has {} projects",
        projects.len()
    );
    let mut problems = Vec::new();
    for project in &projects {
        let name = project
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let mut setup = Setup::new();
        fake.redirect(&mut setup);
        let suite = match Suite::load(project.join("config.arena.yaml"), keyless(project), &setup) {
            Ok(suite) => suite,
            Err(e) => {
                problems.push(format!("{name}: does not load:\n{e}"));
                continue;
            }
        };
        let run = suite.run(|_| {}).await;
        if run.cases.is_empty() {
            problems.push(format!("{name}: nothing ran"));
        }
        for case in &run.cases {
            let expected = EXPECTED
                .iter()
                .find(|(p, s, _, _)| *p == name && *s == case.scenario)
                .map_or(Status::Passed, |(_, _, status, _)| *status);
            if case.status != expected {
                problems.push(format!(
                    "{name}: {} is {} but {} was expected\n{case}",
                    case.name(),
                    case.status.as_str(),
                    expected.as_str()
                ));
            }
            if case.status == Status::Error {
                assert!(case.error.is_some(), "an error case says why: {case}");
            }
            if case.scenario == "streaming-demo" {
                // `streaming: true` on the scenario, `false` on its second turn.
                let streamed: Vec<bool> = case.turns.iter().map(|t| t.streamed).collect();
                assert_eq!(streamed, [true, false, true, true], "{case}");
            }
            if case.scenario == "context-limited-fail" {
                assert!(
                    !case.turns.is_empty(),
                    "turns before the budget ran out are kept: {case}"
                );
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// Every listed expectation names a real project and scenario.
#[test]
fn expectations_name_real_scenarios() {
    for (project, scenario, _, _) in EXPECTED {
        let path = Path::new(CORPUS).join(project).join("config.arena.yaml");
        let loaded = load_project(&path, &LoadOptions::default());
        let p = loaded.value.expect("project loads");
        assert!(p.scenario(scenario).is_some(), "{project}/{scenario}");
    }
}

/// A loopback stand-in for the public APIs `live-http-tools` calls (Open-Meteo
/// geocoding and forecast, MathJS, placehold.co), answering like them.
struct FakeApis {
    base: String,
}

impl FakeApis {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 16 * 1024];
                    let n = socket.read(&mut buf).await.unwrap_or(0);
                    let request = String::from_utf8_lossy(&buf[..n]);
                    let target = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                    let (content_type, body) = answer(&target);
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = socket.write_all(head.as_bytes()).await;
                    let _ = socket.write_all(&body).await;
                });
            }
        });
        Self { base }
    }

    fn redirect(&self, setup: &mut Setup) {
        setup
            .redirect_http(
                "https://geocoding-api.open-meteo.com",
                &format!("{}/geo", self.base),
            )
            .redirect_http(
                "https://api.open-meteo.com",
                &format!("{}/meteo", self.base),
            )
            .redirect_http("https://api.mathjs.org", &format!("{}/math", self.base))
            .redirect_http("https://placehold.co", &format!("{}/placehold", self.base));
    }
}

fn answer(target: &str) -> (&'static str, Vec<u8>) {
    let json = |v: serde_json::Value| ("application/json", v.to_string().into_bytes());
    if target.starts_with("/geo/v1/search") {
        let (name, lat, lon, country) = if target.contains("Tokyo") {
            ("Tokyo", 35.6895, 139.69171, "Japan")
        } else {
            ("London", 51.50853, -0.12574, "United Kingdom")
        };
        json(serde_json::json!({"results": [
            {"id": 1, "name": name, "latitude": lat, "longitude": lon, "country": country, "timezone": "UTC"}
        ]}))
    } else if target.starts_with("/meteo/v1/forecast") {
        json(serde_json::json!({
            "latitude": 51.5, "longitude": -0.12,
            "current_units": {"temperature_2m": "°C", "wind_speed_10m": "km/h", "weather_code": "wmo code"},
            "current": {"time": "2026-11-25T10:00", "temperature_2m": 9.8, "wind_speed_10m": 14.2, "weather_code": 3}
        }))
    } else if target.starts_with("/math/v4/") {
        let value = if target.contains("sqrt") {
            "21"
        } else {
            "71.379"
        };
        ("text/plain", value.as_bytes().to_vec())
    } else if target.starts_with("/placehold/") {
        ("image/png", b"\x89PNG\r\n\x1a\nfake-image-bytes".to_vec())
    } else {
        json(serde_json::json!({"error": "not found"}))
    }
}
