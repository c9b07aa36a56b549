//! Workflow limits (the reference's RFC 0009) on the mock provider: the reference's
//! agent-loops example (a `max_visits` cap redirecting to `on_max_visits`, artifacts,
//! the in-turn handoff), and a project whose caps refuse transitions (`max_visits`
//! without a redirect, `engine.budget.max_tool_calls`), read by the workflow
//! assertions.

mod suite_support;

use promptkit::arena::Status;
use suite_support::{run, verdicts};

#[test]
fn the_reference_agent_loops_example_runs_keyless() {
    let cases = run("workflow-agent-loops", &[]);
    assert_eq!(cases.len(), 2);
    for case in &cases {
        assert_eq!(case.status, Status::Passed, "{case}");
        assert!(verdicts(case).iter().all(|(_, passed)| *passed), "{case}");
        // The whole loop ran inside the one scripted turn: five provider rounds.
        assert_eq!(case.turns.len(), 1);
        let transitions = case.turns[0]
            .tool_calls
            .iter()
            .filter(|c| c.name == "workflow__transition")
            .count();
        assert_eq!(transitions, 4, "{case}");
    }
    let capped = cases
        .iter()
        .find(|c| c.scenario == "loop-hits-max-visits")
        .expect("capped scenario");
    // The third `More` was redirected by the cap: the next round spoke as `summarize`
    // (whose only event, Complete, was accepted).
    let last = capped.turns[0].tool_calls.last().expect("a call");
    assert_eq!(last.arguments["event"], "Complete");
    assert_eq!(last.error, None);
    assert!(capped.turns[0].reply.contains("produced this summary"));
}

#[test]
fn caps_without_a_redirect_and_exhausted_budgets_keep_the_state() {
    let cases = run("workflow-limits", &[]);
    assert_eq!(cases.len(), 2);
    for case in &cases {
        assert_eq!(case.status, Status::Passed, "{case}");
        let checks = verdicts(case);
        assert!(!checks.is_empty());
        assert!(checks.iter().all(|(_, passed)| *passed), "{case}");
    }
    // The cap refused the second Retry: only the first transition happened.
    let capped = cases
        .iter()
        .find(|c| c.scenario == "cap-refuses")
        .expect("cap");
    let order = &capped.conversation_assertions[0];
    assert_eq!(
        order.details["actual_transitions"],
        serde_json::json!(["draft"])
    );
    // The budget refused Finish: no transition at all, and the run is not complete.
    let stopped = cases
        .iter()
        .find(|c| c.scenario == "budget-stops")
        .expect("budget");
    assert_eq!(stopped.turns[0].reply, "Fast, fresh, friendly.");
}
