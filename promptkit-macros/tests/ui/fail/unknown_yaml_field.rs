promptkit::include_prompt!("../../../../promptkit-macros/tests/ui/fixtures/prompts/unknown-field.yaml");

fn main() {}
