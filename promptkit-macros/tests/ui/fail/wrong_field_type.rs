#[derive(promptkit::Prompt)]
#[prompt(file = "../../../../promptkit-macros/tests/ui/fixtures/prompts/support.yaml")]
struct Support {
    company: String,
    escalate: String,
}

fn main() {}
