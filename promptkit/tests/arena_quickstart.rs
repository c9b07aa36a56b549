//! The bundled quick-start project runs keyless and passes.

use promptkit::arena::{RunOptions, Setup, Status, Suite};

const CONFIG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../examples/arena-quickstart/config.arena.yaml"
);

#[tokio::test]
async fn quickstart_passes_on_the_mock_provider() {
    let suite = Suite::load(CONFIG, RunOptions::default(), &Setup::new()).expect("suite loads");
    let cases = suite.cases();
    assert_eq!(cases.len(), 2, "{cases:?}");
    let run = suite.run(|_| {}).await;
    for case in &run.cases {
        assert_eq!(case.status, Status::Passed, "{case}");
        assert!(case.assertions().count() > 0, "{case}");
    }
    assert_eq!(run.exit_code(), 0);
}
