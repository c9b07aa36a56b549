#[promptkit::arena_test("../../../../examples/arena-quickstart/config.arena.yaml")]
fn support() {}

fn main() {}
