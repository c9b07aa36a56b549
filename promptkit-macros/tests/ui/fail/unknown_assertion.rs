promptkit::include_pack!("../../../../promptkit-macros/tests/ui/fixtures/projects/unknown-assertion/config.arena.yaml");

fn main() {}
