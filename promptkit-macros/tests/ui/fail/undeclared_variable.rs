promptkit::include_prompt!("../../../../promptkit-macros/tests/ui/fixtures/prompts/undeclared.yaml");

fn main() {}
