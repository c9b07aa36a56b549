//! Skills on the mock provider: the reference's workflow-skills example (skills
//! scoped by workflow state, a preloaded skill) and a project of folder and inline
//! skills activated, read and deactivated; the `skill_*` assertions read the trace.

use crate::suite_support;

use promptkit::arena::Status;
use suite_support::{run, verdicts};

#[test]
fn the_reference_workflow_skills_example_runs_keyless() {
    let cases = run("workflow-skills", &["mock-shopco"]);
    assert_eq!(cases.len(), 2);
    for case in &cases {
        assert_eq!(case.status, Status::Passed, "{case}");
        let skill_checks: Vec<_> = verdicts(case)
            .into_iter()
            .filter(|(t, _)| t.starts_with("skill_"))
            .collect();
        assert_eq!(
            skill_checks,
            [
                ("skill_activated".to_owned(), true),
                ("skill_not_activated".to_owned(), true)
            ]
        );
        // brand-voice is preloaded into the system prompt.
        assert!(
            case.system_prompt.contains("# Active Skills"),
            "{}",
            case.system_prompt
        );
        assert!(case.system_prompt.contains("## brand-voice"));
    }
    // The billing state may activate billing skills: the call returns the instructions.
    let billing = cases
        .iter()
        .find(|c| c.scenario == "billing-flow")
        .expect("billing");
    let activation = billing
        .turns
        .iter()
        .flat_map(|t| &t.tool_calls)
        .find(|c| c.name == "skill__activate")
        .expect("an activation");
    assert_eq!(activation.error, None);
    let instructions = activation.result.as_ref().expect("result")["instructions"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(instructions.contains("PCI"), "{instructions}");
}

#[test]
fn skills_are_activated_read_and_deactivated() {
    let cases = run("skills-basic", &[]);
    let case = &cases[0];
    assert_eq!(case.status, Status::Passed, "{case}");
    assert_eq!(
        verdicts(case),
        [
            ("skill_activated".to_owned(), true),
            ("tool_result_includes".to_owned(), true),
            ("skill_activation_order".to_owned(), true),
            ("skill_not_activated".to_owned(), true),
        ]
    );
    let calls: Vec<_> = case.turns.iter().flat_map(|t| &t.tool_calls).collect();
    let outcome = |i: usize| {
        calls[i]
            .error
            .clone()
            .unwrap_or_else(|| calls[i].result.clone().unwrap_or_default().to_string())
    };
    assert_eq!(
        outcome(0),
        r#"{"instructions":"Write exactly three lines of 5, 7 and 5 syllables.","added_tools":[]}"#
    );
    assert_eq!(
        outcome(1),
        r#"activating skill "limericks": skill "limericks" not found"#
    );
    assert!(
        outcome(2).contains("Quote the source after every fact"),
        "{}",
        outcome(2)
    );
    assert!(
        outcome(4).contains("escapes the skill directory"),
        "{}",
        outcome(4)
    );
    assert_eq!(outcome(5), r#"{"removed_tools":[]}"#);
    // Nothing is preloaded here.
    assert!(!case.system_prompt.contains("# Active Skills"));
}
