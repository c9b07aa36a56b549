//! Mock A2A agents as tools on the mock provider: the reference's multi-agent example
//! and a project of rules (regex, contains, failed task, no match, skill_filter); the
//! `agent_*` assertions read the calls.

use crate::suite_support;

use promptkit::arena::Status;
use suite_support::{run, tool_outcomes, verdicts};

#[test]
fn the_reference_multi_agent_example_runs_keyless() {
    let cases = run("multi-agent-demo", &[]);
    assert_eq!(cases.len(), 1);
    let case = &cases[0];
    assert_eq!(case.status, Status::Passed, "{case}");
    let agent_checks = verdicts(case)
        .into_iter()
        .filter(|(t, _)| t.starts_with("agent_"))
        .count();
    assert_eq!(agent_checks, 5);
    let research = &case.turns[0].tool_calls[0];
    assert_eq!(research.name, "a2a__research_agent__search_papers");
    let response = research.result.as_ref().expect("result")["response"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        response.starts_with("Found 3 papers on quantum computing:"),
        "{response}"
    );
}

#[test]
fn rules_match_in_order_and_filtered_skills_are_absent() {
    let cases = run("a2a-agents", &[]);
    let case = &cases[0];
    assert_eq!(case.status, Status::Passed, "{case}");
    assert_eq!(
        verdicts(case),
        [
            ("agent_invoked".to_owned(), true),
            ("agent_response_contains".to_owned(), true),
            ("agent_not_invoked".to_owned(), true),
        ]
    );
    let outcomes = tool_outcomes(&case.turns[0]);
    assert_eq!(
        outcomes,
        [
            r#"{"response":"Paris: rain, 12°C"}"#,
            // A failed task: its message is the response, as the reference returns it.
            r#"{"response":"city not found"}"#,
            "A2A agent `weather`: no matching rule for skill `forecast` (add a response rule without `match` as a fallback)",
            "unknown tool `a2a__weather_bot__admin_reset`",
        ]
    );
}
