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
    assert_eq!(
        result.cases[0].status,
        Status::Passed,
        "{}",
        result.cases[0]
    );
    let body = server.requests()[0].json();
    assert_eq!(body["messages"][1]["content"][1]["image_url"]["url"], url);
    assert!(images.requests().is_empty());

    // On: downloaded, typed by its bytes and sent inline.
    let (result, server, _temp) = run_project(&url_scenario(&url), PROMPT, fetch(true)).await;
    assert_eq!(
        result.cases[0].status,
        Status::Passed,
        "{}",
        result.cases[0]
    );
    let body = server.requests()[0].json();
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
