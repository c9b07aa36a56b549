#[promptkit::arena_test("../../../../promptkit-macros/tests/ui/fixtures/projects/no-such.arena.yaml")]
fn support(_setup: &mut promptkit::arena::Setup) {}

fn main() {}
