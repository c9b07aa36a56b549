promptkit::include_prompt!("../../../../promptkit-macros/tests/ui/fixtures/prompts/support.yaml");

#[derive(promptkit::Prompt)]
#[prompt(file = "../../../../promptkit-macros/tests/ui/fixtures/prompts/support.yaml")]
struct Support<'a> {
    company: &'a str,
    escalate: Option<bool>,
}

fn main() {
    let typed = support::Vars { company: "Acme".into(), escalate: None }.render();
    assert_eq!(typed, "You support customers of Acme. Escalate: false.\n");
    let derived = Support { company: "Acme", escalate: Some(true) }.render();
    assert_eq!(derived, "You support customers of Acme. Escalate: true.\n");
    assert_eq!(Support::TASK_TYPE, support::TASK_TYPE);
}
