promptkit::include_pack!("../../../../promptkit-macros/tests/ui/fixtures/projects/invalid-regex/config.arena.yaml");

fn main() {}
