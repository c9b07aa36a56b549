promptkit::include_pack!("../../../../promptkit-macros/tests/ui/fixtures/projects/dangling-reference/config.arena.yaml");

fn main() {}
