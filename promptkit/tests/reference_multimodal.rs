//! The reference's multimodal tool-results example (tests/data/multimodal-tool-results,
//! unchanged) runs keyless: its mock tools return a real PNG through `mock_parts`, and
//! the media assertions pass on the decoded bytes, not on a text summary.

use crate::suite_support;

use promptkit::arena::Status;
use suite_support::{run, verdicts};

#[test]
fn the_reference_multimodal_tool_results_example_runs_keyless() {
    let cases = run("multimodal-tool-results", &[]);
    assert_eq!(cases.len(), 2);
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/multimodal-tool-results/testdata/sample-chart.png"
    ))
    .expect("fixture");
    for case in &cases {
        assert_eq!(case.status, Status::Passed, "{case}");
        let verdicts = verdicts(case);
        assert!(verdicts.iter().all(|(_, passed)| *passed), "{case}");
        assert!(
            verdicts
                .iter()
                .any(|(kind, _)| kind.starts_with("tool_result_")),
            "a media assertion ran: {verdicts:?}"
        );
        // The tool's image reached the conversation as the file's bytes.
        assert_eq!(case.media.total.images, 1, "{case}");
        assert_eq!(case.media.total.bytes, png.len() as u64, "{case}");
        let tool = case
            .messages
            .iter()
            .find(|m| !m.parts.is_empty())
            .expect("a message with media");
        let (mime, bytes) =
            promptkit::media::data_url::decode(tool.parts[0].url()).expect("inline image");
        assert_eq!((mime.as_str(), bytes), ("image/png", png.clone()));
    }
}
