//! Media in replies and tool results, keyless: a mock provider's response `parts`
//! (a file, a `data:` URL, a `mock://` reference) and a tool's `mock_parts` and HTTP
//! `multimodal` responses become real media, and every media assertion measures the
//! bytes (real PNG, WAV and MP4 fixtures) — the passing and the failing bounds alike;
//! media by reference has the sizes its `metadata` declares, as in the reference.
//! A loopback OpenAI-compatible server sees the tools' media in its request body as
//! `image_url` parts.

use crate::support;

use std::path::{Path, PathBuf};

use promptkit::Role;
use promptkit::arena::{AssertionRecord, CaseResult, RunOptions, RunResult, Setup, Status, Suite};
use promptkit::media::data_url;
use serde_json::json;
use support::{MockServer, Reply};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/data/media/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

const PROMPT: &str = "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: PromptConfig
metadata:
  name: studio
spec:
  task_type: studio
  version: v1
  description: Makes media
  system_template: You make pictures, sounds and clips.
  allowed_tools: [chart, snapshot]
";

const CHART_TOOL: &str = "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Tool
metadata:
  name: chart
spec:
  description: Draws a chart
  mode: mock
  input_schema: {type: object}
  output_schema: {}
  mock_result: {drawn: true}
  mock_parts:
    - type: text
      text: The chart
    - type: image
      media:
        file_path: media/red-3x2.png
        mime_type: image/png
        caption: Monthly sales
";

const SNAPSHOT_TOOL: &str = "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Tool
metadata:
  name: snapshot
spec:
  description: Takes a snapshot
  mode: live
  input_schema: {type: object}
  output_schema: {}
  http:
    url: https://snapshots.example.test/latest.png
    method: GET
    timeout_ms: 5000
    multimodal:
      enabled: true
      accept_types: [image/png]
";

/// A project with `providers` (file name, YAML) and `scenarios` (id, turns YAML).
fn project(
    dir: &Path,
    providers: &[(&str, String)],
    scenarios: &[(&str, &str)],
    mock_responses: &str,
) -> PathBuf {
    let media = dir.join("media");
    std::fs::create_dir_all(&media).expect("mkdir");
    for name in ["red-3x2.png", "tone.wav", "clip-640x480.mp4"] {
        std::fs::write(media.join(name), fixture(name)).expect("write");
    }
    let mut arena = String::from(
        "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Arena
metadata:
  name: media-replies
spec:
  prompt_configs:
    - id: studio
      file: studio.yaml
  tools:
    - file: chart.tool.yaml
    - file: snapshot.tool.yaml
  defaults:
    concurrency: 1
  providers:
",
    );
    for (file, yaml) in providers {
        arena.push_str(&format!("    - file: {file}\n"));
        std::fs::write(dir.join(file), yaml).expect("write");
    }
    arena.push_str("  scenarios:\n");
    for (id, turns) in scenarios {
        arena.push_str(&format!("    - file: {id}.scenario.yaml\n"));
        let scenario = format!(
            "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Scenario
metadata:
  name: {id}
spec:
  id: {id}
  task_type: studio
  description: {id}
  turns:
{turns}"
        );
        std::fs::write(dir.join(format!("{id}.scenario.yaml")), scenario).expect("write");
    }
    std::fs::write(dir.join("config.arena.yaml"), arena).expect("write");
    std::fs::write(dir.join("studio.yaml"), PROMPT).expect("write");
    std::fs::write(dir.join("chart.tool.yaml"), CHART_TOOL).expect("write");
    std::fs::write(dir.join("snapshot.tool.yaml"), SNAPSHOT_TOOL).expect("write");
    std::fs::write(dir.join("mock-responses.yaml"), mock_responses).expect("write");
    dir.join("config.arena.yaml")
}

fn mock_provider() -> (&'static str, String) {
    (
        "mock.provider.yaml",
        "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Provider
metadata:
  name: mock
spec:
  id: mock
  type: mock
  model: mock-studio
  additional_config:
    mock_config: mock-responses.yaml
"
        .to_owned(),
    )
}

async fn run(config: PathBuf, setup: &Setup) -> RunResult {
    let suite = Suite::load(config, RunOptions::default(), setup).expect("suite");
    suite.run(|_| {}).await
}

fn case<'a>(result: &'a RunResult, scenario: &str) -> &'a CaseResult {
    result
        .cases
        .iter()
        .find(|c| c.scenario == scenario)
        .unwrap_or_else(|| panic!("no case {scenario}"))
}

/// The turn's assertion records, as (type, passed, message) — the message is the
/// handler's explanation, so a failure shows what was measured.
fn verdicts(case: &CaseResult) -> Vec<(String, bool, String)> {
    case.turns[0]
        .assertions
        .iter()
        .map(|a: &AssertionRecord| (a.assertion_type.clone(), a.passed, a.message.clone()))
        .collect()
}

/// What a scenario's turn must show: its reply, its verdicts, and the violations its
/// failing verdict measured.
struct Expected {
    scenario: &'static str,
    reply: &'static str,
    verdicts: &'static [(&'static str, bool)],
    failing: usize,
    violations: serde_json::Value,
}

fn assert_verdicts(case: &CaseResult, expected: &[(&str, bool)]) {
    let got = verdicts(case);
    assert_eq!(got.len(), expected.len(), "{case}");
    for ((kind, passed, message), (want_kind, want)) in got.iter().zip(expected) {
        assert_eq!(kind, want_kind, "{case}");
        assert_eq!(passed, want, "{kind}: {message}\n{case}");
    }
}

#[tokio::test]
async fn mock_reply_parts_are_real_media_the_assertions_measure() {
    let temp = tempfile::tempdir().expect("temp dir");
    let wav = data_url::encode("audio/wav", &fixture("tone.wav"));
    let mocks = format!(
        "scenarios:
  image-reply:
    turns:
      1:
        parts:
          - type: text
            text: Here is your picture
          - type: image
            image_url:
              url: media/red-3x2.png
              detail: low
  audio-reply:
    turns:
      1:
        content: Listen
        parts:
          - type: audio
            audio_url:
              url: \"{wav}\"
  video-reply:
    turns:
      1:
        parts:
          - type: video
            video_url:
              url: media/clip-640x480.mp4
  by-reference:
    turns:
      1:
        parts:
          - type: image
            image_url:
              url: mock://pictures/cat.png
            metadata: {{format: PNG, width: 800, height: 600}}
          - type: audio
            audio_url:
              url: mock://sounds/purr.mp3
            metadata: {{duration_seconds: 12.7}}
          - type: image
            image_url:
              url: https://example.com/dog.jpg
"
    );
    let scenarios = [
        (
            "image-reply",
            "    - role: user
      content: Draw me something
      assertions:
        - {type: image_format, params: {formats: [png]}}
        - {type: image_dimensions, params: {width: 3, height: 2}}
        - {type: image_dimensions, params: {min_width: 4}}
        - {type: image_format, params: {formats: [jpeg]}}
",
        ),
        (
            "audio-reply",
            "    - role: user
      content: Play me something
      assertions:
        - {type: audio_format, params: {formats: [wav]}}
        - {type: audio_duration, params: {min_seconds: 0.4, max_seconds: 0.6}}
        - {type: audio_duration, params: {max_seconds: 0.3}}
",
        ),
        (
            "video-reply",
            "    - role: user
      content: Film something
      assertions:
        - {type: video_resolution, params: {presets: [480p], min_width: 640, max_width: 640}}
        - {type: video_duration, params: {min_seconds: 0.9, max_seconds: 1.1}}
        - {type: video_resolution, params: {presets: [720p]}}
        - {type: video_duration, params: {min_seconds: 2}}
",
        ),
        (
            "by-reference",
            "    - role: user
      content: Show me a cat
      assertions:
        - {type: image_format, params: {formats: [png, jpeg]}}
        - {type: audio_format, params: {formats: [mp3]}}
        - {type: audio_duration, params: {min_seconds: 12, max_seconds: 12}}
        - {type: image_dimensions, params: {width: 800}}
",
        ),
    ];
    let config = project(temp.path(), &[mock_provider()], &scenarios, &mocks);
    let result = run(config, &Setup::new()).await;
    let expected = [
        Expected {
            scenario: "image-reply",
            reply: "Here is your picture [[image]]",
            verdicts: &[
                ("image_format", true),
                ("image_dimensions", true),
                ("image_dimensions", false),
                ("image_format", false),
            ],
            failing: 2,
            violations: json!(["width 3 below minimum 4"]),
        },
        Expected {
            scenario: "audio-reply",
            reply: "Listen",
            verdicts: &[
                ("audio_format", true),
                ("audio_duration", true),
                ("audio_duration", false),
            ],
            failing: 2,
            violations: json!(["duration 0.5s exceeds maximum 0.3s"]),
        },
        Expected {
            scenario: "video-reply",
            reply: "Content includes:  [[video]]",
            verdicts: &[
                ("video_resolution", true),
                ("video_duration", true),
                ("video_resolution", false),
                ("video_duration", false),
            ],
            failing: 2,
            violations: json!(["resolution 640x480 does not match any preset: [720p]"]),
        },
        // By reference there are no bytes: as the reference, the type comes from the
        // extension and sizes and durations as `metadata` declares them (whole
        // seconds); an image without them has nothing to measure.
        Expected {
            scenario: "by-reference",
            reply: "Content includes:  [[2 images audio]]",
            verdicts: &[
                ("image_format", true),
                ("audio_format", true),
                ("audio_duration", true),
                ("image_dimensions", false),
            ],
            failing: 3,
            violations: json!(["missing width/height metadata"]),
        },
    ];
    for want in expected {
        let case = case(&result, want.scenario);
        assert_eq!(case.turns[0].reply, want.reply, "{case}");
        assert_verdicts(case, want.verdicts);
        assert_eq!(
            case.turns[0].assertions[want.failing].details["violations"], want.violations,
            "{case}"
        );
    }
    // An image's `detail` stays on the reply's part, as the reference keeps it.
    let picture = case(&result, "image-reply")
        .messages
        .iter()
        .find(|m| m.role == Role::Assistant)
        .expect("reply");
    assert_eq!(
        picture.parts[0]
            .declared()
            .and_then(|d| d.detail.as_deref()),
        Some("low"),
        "{picture:?}"
    );
}

#[tokio::test]
async fn a_mock_reply_file_outside_the_project_ends_the_case_at_its_line() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("project");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(temp.path().join("outside.png"), fixture("red-3x2.png")).expect("write");
    let mocks = "scenarios:
  image-reply:
    turns:
      1:
        parts:
          - type: image
            image_url:
              url: ../outside.png
";
    let scenarios = [(
        "image-reply",
        "    - role: user
      content: Draw me something
",
    )];
    let config = project(&dir, &[mock_provider()], &scenarios, mocks);
    let result = run(config, &Setup::new()).await;
    let case = case(&result, "image-reply");
    assert_eq!(case.status, Status::Error, "{case}");
    let shown = case.to_string();
    assert!(shown.contains("mock-responses.yaml:8:20"), "{shown}");
    assert!(
        shown.contains("resolves outside the project folder"),
        "{shown}"
    );
}

#[tokio::test]
async fn tool_media_reaches_the_model_as_media_parts_and_the_assertions() {
    let png = fixture("red-3x2.png");
    let images = MockServer::start(vec![Reply::Bytes {
        content_type: "image/png".into(),
        chunks: vec![png.clone()],
    }])
    .await;
    let calls = json!({"choices": [{"message": {"role": "assistant", "content": null, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "chart", "arguments": "{}"}},
        {"id": "c2", "type": "function", "function": {"name": "snapshot", "arguments": "{}"}}
    ]}, "finish_reason": "tool_calls"}]});
    let done = json!({"choices": [{"message": {"role": "assistant", "content": "Both are red."}, "finish_reason": "stop"}]});
    let model = MockServer::start(vec![Reply::json(200, calls), Reply::json(200, done)]).await;
    let provider = (
        "local.provider.yaml",
        format!(
            "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Provider
metadata:
  name: local
spec:
  id: local
  type: ollama
  model: llava
  base_url: {}
",
            model.url
        ),
    );
    let scenarios = [(
        "tool-media",
        "    - role: user
      content: Chart it and snap it
      assertions:
        - {type: tool_result_has_media, params: {tool: chart, media_type: image}}
        - {type: tool_result_media_type, params: {tool: snapshot, mime_type: image/png}}
        - {type: tool_result_has_media, params: {tool: snapshot, media_type: audio}}
        - {type: image_dimensions, params: {width: 3, height: 2}}
        - {type: tool_result_includes, params: {tool: chart, patterns: [The chart]}}
  conversation_assertions:
    - {type: tool_result_has_media, params: {tool: snapshot, media_type: image}}
    - {type: tool_result_media_type, params: {tool: chart, mime_type: image/png}}
",
    )];
    let temp = tempfile::tempdir().expect("temp dir");
    let config = project(temp.path(), &[provider], &scenarios, "{}\n");
    let mut setup = Setup::new();
    setup.redirect_http("https://snapshots.example.test", &images.url);
    let result = run(config, &setup).await;
    let case = case(&result, "tool-media");
    assert_verdicts(
        case,
        &[
            ("tool_result_has_media", true),
            ("tool_result_media_type", true),
            ("tool_result_has_media", false),
            ("image_dimensions", true),
            ("tool_result_includes", true),
        ],
    );

    // The whole conversation's tool calls carry the media too (read back from the
    // tool messages, as the reference's conversation assertions read them).
    let conversation: Vec<(&str, bool)> = case
        .conversation_assertions
        .iter()
        .map(|a| (a.assertion_type.as_str(), a.passed))
        .collect();
    assert_eq!(
        conversation,
        [
            ("tool_result_has_media", true),
            ("tool_result_media_type", true)
        ],
        "{case}"
    );

    // The chart's caption stays on the result's part, as the reference keeps it; no
    // provider sends captions (the request bodies below carry none).
    let chart = case
        .messages
        .iter()
        .find(|m| m.tool_call_id.as_deref() == Some("c1"))
        .expect("chart result");
    assert_eq!(
        chart.parts[0].declared().and_then(|d| d.caption.as_deref()),
        Some("Monthly sales"),
        "{chart:?}"
    );

    let url = data_url::encode("image/png", &png);
    let body = model.requests()[1].json();
    let tool_messages: Vec<_> = body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["role"] == "tool")
        .cloned()
        .collect();
    assert_eq!(
        tool_messages,
        vec![
            json!({"role": "tool", "tool_call_id": "c1", "content": [
                {"type": "text", "text": "The chart"},
                {"type": "image_url", "image_url": {"url": url}},
            ]}),
            json!({"role": "tool", "tool_call_id": "c2", "content": [
                {"type": "image_url", "image_url": {"url": url}},
            ]}),
        ]
    );
    assert_eq!(images.requests()[0].path, "/latest.png");
}
