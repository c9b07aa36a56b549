#[promptkit::arena_test("../../../../examples/arena-quickstart/config.arena.yaml")]
fn support(setup: promptkit::arena::Setup) {
    drop(setup);
}

fn main() {}
