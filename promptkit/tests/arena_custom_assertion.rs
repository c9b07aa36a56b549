//! A scenario using an assertion type written in Rust: declared to `#[arena_test]` so
//! the compile-time checker accepts it, registered by the setup function.

use promptkit::arena::{RunOptions, Setup, Suite};
use promptkit::assertions::{AssertionContext, EvalResult};
use serde_json::{Map, Value};

const PROJECT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/custom-assertion/config.arena.yaml"
);

/// Passes when the reply names the order of `params.order_id`.
fn mentions_order(params: &Map<String, Value>, ctx: &AssertionContext) -> EvalResult {
    let id = params
        .get("order_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    EvalResult::pass(
        !id.is_empty() && ctx.response.contains(id),
        format!("the reply names order {id}"),
    )
}

#[promptkit::arena_test("tests/data/custom-assertion/config.arena.yaml", assertions = ["mentions_order"])]
fn custom(setup: &mut Setup) {
    setup.assertion("mentions_order", mentions_order);
}

#[tokio::test]
async fn the_custom_assertion_runs_and_judges() {
    let mut setup = Setup::new();
    setup.assertion("mentions_order", mentions_order);
    let suite = Suite::load(PROJECT, RunOptions::default(), &setup).expect("suite");
    let run = suite.run(|_| {}).await;
    let assertion = &run.cases[0].turns[0].assertions[0];
    assert_eq!(assertion.assertion_type, "mentions_order");
    assert!(assertion.passed, "{}", run.cases[0]);
    assert_eq!(assertion.message, "the reply names order ORD-1042");
}

#[test]
fn an_unregistered_custom_assertion_is_a_located_error_with_the_fix() {
    let Err(error) = Suite::load(PROJECT, RunOptions::default(), &Setup::new()) else {
        panic!("the suite must be refused");
    };
    let text = error.to_string();
    assert!(
        text.contains("unknown assertion type `mentions_order`"),
        "{text}"
    );
    assert!(text.contains("order.scenario.yaml:13:17"), "{text}");
    assert!(
        text.contains("registered with `Setup::assertion`"),
        "{text}"
    );
    assert!(
        !text.contains("did you mean"),
        "no far-fetched suggestion: {text}"
    );
}
