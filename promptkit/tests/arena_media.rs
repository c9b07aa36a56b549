//! Scenario turn `parts` reach the provider as media: a scripted turn with a text part
//! and an image file sends an OpenAI-compatible `image_url` data URL (typed by the
//! bytes, not the extension); a missing file or a path outside the project ends the
//! case with the error's file:line:col and sends nothing; so does a part over the
//! prompt's `media:` limits. With downloads on, a `url` part is fetched and sent as data.

use crate::support;

use promptkit::arena::{RunOptions, Setup, Status, Suite};
use promptkit::media::MediaFetch;
use serde_json::json;
use support::{MockServer, Reply};

const ARENA: &str = "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Arena
metadata:
  name: media
spec:
  prompt_configs:
    - id: vision
      file: vision.yaml
  providers:
    - file: local.provider.yaml
  scenarios:
    - file: look.scenario.yaml
  defaults:
    concurrency: 1
";

const PROMPT: &str = "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: PromptConfig
metadata:
  name: vision
spec:
  task_type: vision
  version: v1
  description: Describes images
  system_template: You describe images.
";

fn scenario(file_path: &str) -> String {
    format!(
        "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Scenario
metadata:
  name: look
spec:
  id: look
  task_type: vision
  description: Look at a picture
  turns:
    - role: user
      parts:
        - type: text
          text: What is in this picture?
        - type: image
          media:
            file_path: {file_path}
            mime_type: image/jpeg
"
    )
}

async fn run(file_path: &str) -> (promptkit::arena::RunResult, MockServer, tempfile::TempDir) {
    run_with(file_path, "").await
}

/// [`run`] with `media` (the prompt's `media:` section, indented for `spec`).
async fn run_with(
    file_path: &str,
    media: &str,
) -> (promptkit::arena::RunResult, MockServer, tempfile::TempDir) {
    run_project(
        &scenario(file_path),
        &format!("{PROMPT}{media}"),
        RunOptions::default(),
    )
    .await
}

/// Runs a project of the scenario `scenario_text` and the prompt `prompt_text` on a
/// loopback OpenAI-compatible server.
async fn run_project(
    scenario_text: &str,
    prompt_text: &str,
    options: RunOptions,
) -> (promptkit::arena::RunResult, MockServer, tempfile::TempDir) {
    let reply = json!({"choices": [{"message": {"role": "assistant", "content": "A red square."}, "finish_reason": "stop"}]});
    let server = MockServer::start(vec![Reply::json(200, reply)]).await;
    let temp = tempfile::tempdir().expect("temp dir");
    let project = temp.path().join("project");
    std::fs::create_dir(&project).expect("mkdir");
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/media/red-3x2.png"
    ))
    .expect("fixture");
    std::fs::write(project.join("photo.jpg"), &png).expect("write");
    std::fs::write(temp.path().join("outside.png"), &png).expect("write");
    std::fs::write(project.join("config.arena.yaml"), ARENA).expect("write");
    std::fs::write(project.join("vision.yaml"), prompt_text).expect("write");
    std::fs::write(
        project.join("local.provider.yaml"),
        format!(
            "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Provider\nmetadata:\n  name: local\nspec:\n  id: local\n  type: ollama\n  model: llava\n  base_url: {}\n",
            server.url
        ),
    )
    .expect("write");
    std::fs::write(project.join("look.scenario.yaml"), scenario_text).expect("write");
    let suite =
        Suite::load(project.join("config.arena.yaml"), options, &Setup::new()).expect("suite");
    (suite.run(|_| {}).await, server, temp)
}

#[tokio::test]
async fn an_image_part_is_sent_as_a_data_url_typed_by_its_bytes() {
    let (result, server, _temp) = run("photo.jpg").await;
    let case = &result.cases[0];
    assert_eq!(case.status, Status::Passed, "{case}");
    assert_eq!(case.turns[0].user, "What is in this picture?");
    let body = server.requests()[0].json();
    let content = &body["messages"][1]["content"];
    assert_eq!(
        content[0],
        json!({"type": "text", "text": "What is in this picture?"})
    );
    let url = content[1]["image_url"]["url"].as_str().expect("image url");
    assert!(
        url.starts_with("data:image/png;base64,iVBORw0KGgo"),
        "{url}"
    );
}

#[tokio::test]
async fn bad_media_ends_the_case_at_its_location_and_sends_nothing() {
    for (path, says) in [
        ("missing.png", "cannot read media file"),
        ("../outside.png", "resolves outside the project folder"),
        ("vision.yaml", "content is unrecognised data, not image"),
    ] {
        let (result, server, _temp) = run(path).await;
        let case = &result.cases[0];
        assert_eq!(case.status, Status::Error, "{case}");
        let shown = case.to_string();
        assert!(shown.contains("look.scenario.yaml:16:24"), "{shown}");
        assert!(shown.contains(says), "{shown}");
        assert!(server.requests().is_empty(), "nothing was sent for {path}");
    }
}

#[tokio::test]
async fn a_part_over_the_prompts_media_limits_ends_the_case_and_sends_nothing() {
    for (media, says) in [
        (
            "  media:\n    enabled: false\n",
            "the image part is sent to a prompt whose media is disabled (`media.enabled`",
        ),
        (
            "  media:\n    enabled: true\n    supported_types: [audio]\n",
            "image is not a supported media type (supported: audio) (`media.supported_types`",
        ),
        (
            "  media:\n    enabled: true\n    supported_types: [image]\n    image:\n      allowed_formats: [jpeg, webp]\n",
            "the image is png; allowed: jpeg, webp (`media.image.allowed_formats`",
        ),
        (
            "  media:\n    enabled: true\n    supported_types: [image]\n    image:\n      require_caption: true\n",
            "the image has no caption (`media.image.require_caption`",
        ),
    ] {
        let (result, server, _temp) = run_with("photo.jpg", media).await;
        let case = &result.cases[0];
        assert_eq!(case.status, Status::Error, "{case}");
        let shown = case.to_string();
        assert!(shown.contains("look.scenario.yaml:14:17"), "{shown}");
        assert!(shown.contains(says), "{shown}");
        assert!(shown.contains("of prompt `vision` in "), "{shown}");
        assert!(server.requests().is_empty(), "nothing was sent for {media}");
    }
    // Within the limits (PNG bytes are allowed as png, one image of at most one), the
    // part is sent.
    let (result, server, _temp) = run_with(
        "photo.jpg",
        "  media:\n    enabled: true\n    supported_types: [image]\n    image:\n      max_size_mb: 1\n      allowed_formats: [png]\n      max_images_per_msg: 1\n",
    )
    .await;
    assert_eq!(
        result.cases[0].status,
        Status::Passed,
        "{}",
        result.cases[0]
    );
    assert_eq!(server.requests().len(), 1);
}

/// The scenario with an image given by `url`.
fn url_scenario(url: &str) -> String {
    scenario("photo.jpg").replace("file_path: photo.jpg", &format!("url: {url}"))
}

#[tokio::test]
async fn media_urls_are_downloaded_only_when_asked_and_never_from_private_addresses() {
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/media/red-3x2.png"
    ))
    .expect("fixture");
    let images = MockServer::start(vec![Reply::Bytes {
        content_type: "image/png".into(),
        chunks: vec![png],
    }])
    .await;
    let url = format!("{}/red.png", images.url);
    let fetch = |allow_private| RunOptions {
        fetch_media: Some(MediaFetch {
            allow_private,
            ..MediaFetch::default()
        }),
        ..RunOptions::default()
    };

    // Off (the default): the image goes by reference, nothing is downloaded.
    let (result, server, _temp) =
        run_project(&url_scenario(&url), PROMPT, RunOptions::default()).await;
    let body = sent_body(&result, &server);
    assert_eq!(body["messages"][1]["content"][1]["image_url"]["url"], url);
    assert!(images.requests().is_empty());

    // On: downloaded, typed by its bytes and sent inline.
    let (result, server, _temp) = run_project(&url_scenario(&url), PROMPT, fetch(true)).await;
    let body = sent_body(&result, &server);
    let sent = body["messages"][1]["content"][1]["image_url"]["url"]
        .as_str()
        .expect("url");
    assert!(
        sent.starts_with("data:image/png;base64,iVBORw0KGgo"),
        "{sent}"
    );
    assert_eq!(images.requests().len(), 1);

    // On, but the URL is on the loopback interface: refused, nothing sent.
    let (result, server, _temp) = run_project(&url_scenario(&url), PROMPT, fetch(false)).await;
    let shown = result.cases[0].to_string();
    assert_eq!(result.cases[0].status, Status::Error, "{shown}");
    assert!(
        shown.contains("look.scenario.yaml:16:18: cannot download"),
        "{shown}"
    );
    assert!(
        shown.contains("private, loopback or reserved address"),
        "{shown}"
    );
    assert!(server.requests().is_empty());
    assert_eq!(images.requests().len(), 1, "not even asked");

    // A server error is located too.
    let missing = MockServer::start(vec![Reply::json(404, json!({"error": "no"}))]).await;
    let (result, server, _temp) = run_project(
        &url_scenario(&format!("{}/gone.png", missing.url)),
        PROMPT,
        fetch(true),
    )
    .await;
    let shown = result.cases[0].to_string();
    assert!(shown.contains("the server answered HTTP 404"), "{shown}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn an_image_parts_detail_level_is_sent_as_image_url_detail() {
    let with_detail = scenario("photo.jpg").replace(
        "            mime_type: image/jpeg\n",
        "            mime_type: image/jpeg\n            detail: high\n",
    );
    let (result, server, _temp) = run_project(&with_detail, PROMPT, RunOptions::default()).await;
    let body = sent_body(&result, &server);
    assert_eq!(
        body["messages"][1]["content"][1]["image_url"]["detail"],
        "high"
    );
    // Without one, none is sent (the provider's default applies).
    let (_result, server, _temp) = run("photo.jpg").await;
    let body = server.requests()[0].json();
    let image_url = &body["messages"][1]["content"][1]["image_url"];
    assert!(image_url.get("detail").is_none(), "{image_url}");
}

/// The request body the server received first, for a case that passed.
fn sent_body(result: &promptkit::arena::RunResult, server: &MockServer) -> serde_json::Value {
    assert_eq!(
        result.cases[0].status,
        Status::Passed,
        "{}",
        result.cases[0]
    );
    server.requests()[0].json()
}

/// The prompt with `require_metadata` on for `kind` media.
fn requiring_metadata(kind: &str) -> String {
    format!(
        "{PROMPT}  media:\n    enabled: true\n    supported_types: [{kind}]\n    {kind}:\n      require_metadata: true\n"
    )
}

/// The scenario with one inline `kind` part of `bytes`, declared as `mime`.
fn inline_scenario(kind: &str, mime: &str, bytes: &[u8]) -> String {
    use base64::Engine;
    let data = base64::engine::general_purpose::STANDARD.encode(bytes);
    scenario("photo.jpg").replace(
        "- type: image\n          media:\n            file_path: photo.jpg\n            mime_type: image/jpeg",
        &format!("- type: {kind}\n          media:\n            data: {data}\n            mime_type: {mime}"),
    )
}

#[tokio::test]
async fn require_metadata_refuses_a_clip_whose_duration_or_resolution_cannot_be_read() {
    let fixture = |name: &str| {
        std::fs::read(format!(
            "{}/tests/data/media/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("fixture")
    };
    // An AMR clip and an AVI video: real containers whose metadata the probe cannot read.
    let amr = b"#!AMR\n\x3c\x48\xf5\x1f\x96\x66\x78\x00\x00".to_vec();
    let avi = b"RIFF\x24\x00\x00\x00AVI LIST\x00\x00\x00\x00hdrl".to_vec();
    for (kind, mime, bytes, says) in [
        (
            "audio",
            "audio/amr",
            amr,
            "the audio's duration cannot be read from its bytes",
        ),
        (
            "video",
            "video/x-msvideo",
            avi,
            "the video's resolution cannot be read from its bytes",
        ),
    ] {
        let (result, server, _temp) = run_project(
            &inline_scenario(kind, mime, &bytes),
            &requiring_metadata(kind),
            RunOptions::default(),
        )
        .await;
        let shown = result.cases[0].to_string();
        assert_eq!(result.cases[0].status, Status::Error, "{shown}");
        assert!(shown.contains("look.scenario.yaml:14:17"), "{shown}");
        assert!(shown.contains(says), "{shown}");
        assert!(
            shown.contains(&format!(
                "(`media.{kind}.require_metadata` of prompt `vision`"
            )),
            "{shown}"
        );
        assert!(server.requests().is_empty(), "nothing was sent for {kind}");
    }
    // A WAV clip has a readable duration: it is sent.
    let (result, server, _temp) = run_project(
        &inline_scenario("audio", "audio/wav", &fixture("tone.wav")),
        &requiring_metadata("audio"),
        RunOptions::default(),
    )
    .await;
    let body = sent_body(&result, &server);
    assert_eq!(
        body["messages"][1]["content"][1]["input_audio"]["format"],
        "wav"
    );
    // An MP4 clip has a readable resolution: it passes the limits (and meets the
    // provider's own refusal of video, not the prompt's).
    let (result, _server, _temp) = run_project(
        &inline_scenario("video", "video/mp4", &fixture("clip-640x480.mp4")),
        &requiring_metadata("video"),
        RunOptions::default(),
    )
    .await;
    let shown = result.cases[0].to_string();
    assert!(!shown.contains("require_metadata"), "{shown}");
    assert!(shown.contains("cannot take video input"), "{shown}");
}
