#[promptkit::arena_test("../../../../promptkit-macros/tests/ui/fixtures/projects/dangling-reference/config.arena.yaml")]
fn support(_setup: &mut promptkit::arena::Setup) {}

fn main() {}
