promptkit::include_prompt!("../../../../promptkit-macros/tests/ui/fixtures/prompts/no-such-prompt.yaml");

fn main() {}
