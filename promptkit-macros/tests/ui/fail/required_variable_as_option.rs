#[derive(promptkit::Prompt)]
#[prompt(file = "../../../../promptkit-macros/tests/ui/fixtures/prompts/support.yaml")]
struct Support {
    company: Option<String>,
    escalate: Option<bool>,
}

fn main() {}
