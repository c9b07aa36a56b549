//! The project's scenarios as tests: `cargo test -p promptkit-example-arena-quickstart`
//! runs them keyless on the mock provider; `cargo test support::order_status` runs one.
//! The live variant's tests are ignored unless asked for (`-- --ignored`, with
//! `OPENAI_API_KEY` set).

use promptkit::arena::Setup;
use promptkit_example_arena_quickstart::{OrderQuery, order_status};

/// Keyless: the mock provider, with the order lookup served by Rust.
#[promptkit::arena_test("config.arena.yaml")]
fn support(setup: &mut Setup) {
    setup.tool("get_order_status", |query: OrderQuery| async move {
        Ok(order_status(&query))
    });
}

/// The same scenarios against OpenAI (ignored without a key).
#[promptkit::arena_test("config.live.arena.yaml")]
fn support_live(setup: &mut Setup) {
    setup.tool("get_order_status", |query: OrderQuery| async move {
        Ok(order_status(&query))
    });
}
