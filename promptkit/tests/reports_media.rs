//! Reports of a run whose turn carries an image (the quick start with a 3×2 PNG in its
//! refund question, on the mock provider): JSON and Markdown count the media per
//! message and case, the HTML page shows the thumbnail from the run's own bytes and
//! keeps larger media out within its caps.

use crate::support;

use promptkit::arena::report::{Format, MediaCaps, html_with};
use promptkit::arena::{RunOptions, RunResult, Setup, Status, Suite};
use promptkit::media::data_url;
use serde_json::Value;

const PNG: &[u8] = include_bytes!("data/media/red-3x2.png");

async fn run_with_an_image() -> (RunResult, tempfile::TempDir) {
    let temp = tempfile::tempdir().expect("temp dir");
    support::copy_dir(
        std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/arena-quickstart"
        )),
        temp.path(),
    );
    std::fs::write(temp.path().join("scenarios/jacket.png"), PNG).expect("write");
    let scenario = temp.path().join("scenarios/refund-policy.scenario.yaml");
    let text = std::fs::read_to_string(&scenario).expect("read");
    let text = text.replace(
        "      content: \"Can I still return a jacket I bought three weeks ago?\"\n",
        "      parts:\n        - type: text\n          text: \"Can I still return this jacket? I bought it three weeks ago.\"\n        - type: image\n          media:\n            file_path: scenarios/jacket.png\n            mime_type: image/png\n",
    );
    std::fs::write(&scenario, text).expect("write");
    let suite = Suite::load(
        temp.path().join("config.arena.yaml"),
        RunOptions::default(),
        &Setup::new(),
    )
    .expect("suite");
    let run = suite.run(|_| {}).await;
    (run, temp)
}

/// The JSON of the case of `scenario`.
fn case_json<'a>(run: &'a Value, scenario: &str) -> &'a Value {
    run["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["scenario"] == scenario)
        .expect("case")
}

#[tokio::test]
async fn json_counts_media_per_message_case_and_run() {
    let (run, _temp) = run_with_an_image().await;
    let refund = run
        .cases
        .iter()
        .find(|c| c.scenario == "refund-policy")
        .expect("case");
    assert_eq!(refund.status, Status::Passed, "{refund}");

    let json: Value = serde_json::from_str(&Format::Json.render(&run)).expect("JSON");
    let case = case_json(&json, "refund-policy");
    let media = &case["media"];
    assert_eq!(media["parts"], 1);
    assert_eq!(media["images"], 1);
    assert_eq!(media["bytes"], PNG.len());
    assert_eq!(media["by_reference"], 0);
    let message = &media["messages"][0];
    let index = message["index"].as_u64().expect("index") as usize;
    assert_eq!(message["role"], "user");
    assert_eq!(message["bytes"], PNG.len());
    // The index points at the message that carries the image.
    assert_eq!(case["messages"][index]["parts"][0]["type"], "image");
    assert_eq!(json["media"]["parts"], 1);
    assert_eq!(json["media"]["bytes"], PNG.len());

    // A case without media keeps the JSON shape it always had.
    let order = case_json(&json, "order-status");
    assert!(order.get("media").is_none(), "{order}");

    // The fields read back.
    let back: RunResult = serde_json::from_value(json).expect("reads back");
    assert_eq!(back, run);
}

#[tokio::test]
async fn markdown_shows_media_per_case() {
    let (run, _temp) = run_with_an_image().await;
    let markdown = Format::Markdown.render(&run);
    assert!(
        markdown.contains(&format!("Media: 1 media part (1 image) · {} B", PNG.len())),
        "{markdown}"
    );
    assert!(markdown.contains("| cost | time | media |\n"), "{markdown}");
    let row = markdown
        .lines()
        .find(|l| l.starts_with("| refund-policy/mock |"))
        .expect("row");
    assert!(
        row.ends_with(&format!("| 1 media part (1 image) · {} B |", PNG.len())),
        "{row}"
    );
    let row = markdown
        .lines()
        .find(|l| l.starts_with("| order-status/mock |"))
        .expect("row");
    assert!(row.ends_with("| — |"), "{row}");
    // Per message: the user's first message (message 1 of the transcript) has the image.
    let refund = run
        .cases
        .iter()
        .find(|c| c.scenario == "refund-policy")
        .expect("case");
    assert_eq!(refund.media.messages[0].index, 0);
    assert!(
        markdown.contains(&format!(
            "## Media\n\n| case | message | role | media |\n|---|---|---|---|\n| refund-policy/mock | 1 | user | 1 media part (1 image) · {} B |\n",
            PNG.len()
        )),
        "{markdown}"
    );
}

#[tokio::test]
async fn html_shows_the_thumbnail_from_the_run_and_respects_the_cap() {
    let (run, _temp) = run_with_an_image().await;
    let html = Format::Html.render(&run);
    let src = data_url::encode("image/png", PNG);
    assert!(
        html.contains(&format!(
            "<img class=\"thumb\" src=\"{src}\" alt=\"image image/png · 73 B\">"
        )),
        "{html}"
    );
    // The page data does not carry the payload a second time.
    assert_eq!(html.matches(&src).count(), 1);
    assert!(html.contains("(inline image/png, 73 B)"));
    assert!(html.contains("id=\"media\" data-parts=\"1\""));
    assert!(html.contains("<th>time</th><th>media</th></tr>"), "{html}");
    assert!(
        html.contains("<td class=\"media-count\">1 media part (1 image) · 73 B</td></tr>"),
        "{html}"
    );
    assert!(
        html.contains("<td class=\"media-count\">—</td></tr>"),
        "{html}"
    );

    let capped = html_with(
        &run,
        MediaCaps {
            per_part: 72,
            per_report: 1024,
        },
    );
    assert!(!capped.contains(&src), "over the cap, nothing is embedded");
    assert!(
        capped.contains("image image/png · 73 B — not embedded: over the 72 B cap per item"),
        "{capped}"
    );
}
