//! Workflow limits (the reference's RFC 0009) on the mock provider: the reference's
//! agent-loops example (a `max_visits` cap redirecting to `on_max_visits`, artifacts,
//! the in-turn handoff), and a project whose caps refuse transitions (`max_visits`
//! without a redirect, `engine.budget.max_tool_calls`), read by the workflow
//! assertions.

use crate::suite_support;
use crate::support;

use promptkit::arena::Status;
use promptkit::arena::report::Format;
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

    // Reports say where each workflow ended.
    let converged = cases
        .iter()
        .find(|c| c.scenario == "loop-converges")
        .expect("converging scenario");
    let workflow = converged.workflow.as_ref().expect("workflow report");
    assert_eq!(workflow.state, "done");
    assert!(workflow.complete);
    assert!(
        workflow.artifacts["findings"].contains("Note 1"),
        "{workflow:?}"
    );
    assert_eq!(
        workflow.summary(),
        "done (complete) · research → research → research → summarize → done · artifacts: findings"
    );
    let run = promptkit::arena::RunResult::new("loops".into(), cases.clone(), 0.0);
    let json: serde_json::Value =
        serde_json::from_str(&Format::Json.render(&run)).expect("JSON report");
    assert_eq!(json["cases"][0]["workflow"]["state"], "done");
    assert!(
        Format::Html
            .render(&run)
            .contains("Workflow: done (complete) · research →")
    );
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

/// The reference's agent-loops example with its summarise prompt reading the findings
/// artifact and the transition's context, on a loopback OpenAI-compatible server: the
/// request the `summarize` state makes carries both in its system prompt, and the
/// first (research) request carries them empty.
#[tokio::test]
async fn artifacts_and_the_transition_context_fill_the_next_states_prompt() {
    use serde_json::json;
    use support::{MockServer, Reply};

    let call = |id: &str, name: &str, args: serde_json::Value| json!({"id": id, "type": "function", "function": {"name": name, "arguments": args.to_string()}});
    let server = MockServer::start(vec![
        Reply::json(200, json!({"choices": [{"finish_reason": "tool_calls", "message": {
            "role": "assistant", "content": "Researching.", "tool_calls": [
                call("c1", "workflow__set_artifact", json!({"name": "findings", "value": "Hooks come in four kinds."})),
                call("c2", "workflow__transition", json!({"event": "Done", "context": "enough research"})),
            ]}}]})),
        Reply::json(200, json!({"choices": [{"finish_reason": "stop", "message": {
            "role": "assistant", "content": "There are four kinds of hooks."}}]})),
    ])
    .await;
    let temp = tempfile::tempdir().expect("temp dir");
    let root = temp.path();
    support::copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/workflow-agent-loops"),
        root,
    );
    let edit = |file: &str, from: &str, to: &str| {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains(from), "{from} in {file}");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
    };
    edit(
        "prompts/summarize.yaml",
        "    When you are done,",
        "    Findings: {{artifacts.findings}}\n    Context: {{workflow_context}}\n\n    When you are done,",
    );
    edit(
        "prompts/research.yaml",
        "  system_template: |\n",
        "  system_template: |\n    Findings so far: [{{artifacts.findings}}]\n",
    );
    std::fs::write(
        root.join("providers/mock-provider.yaml"),
        format!(
            "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Provider\nmetadata:\n  name: local\nspec:\n  id: local\n  type: ollama\n  model: llama3\n  base_url: {}\n",
            server.url
        ),
    )
    .expect("provider");
    let options = promptkit::arena::RunOptions {
        scenarios: vec!["loop-converges".into()],
        ..Default::default()
    };
    let suite = promptkit::arena::Suite::load(
        root.join("config.arena.yaml"),
        options,
        &promptkit::arena::Setup::new(),
    )
    .expect("the edited project checks");
    let run = suite.run(|_| {}).await;
    let case = &run.cases[0];
    assert_eq!(
        case.turns[0].reply, "There are four kinds of hooks.",
        "{case}"
    );
    let system = |n: usize| {
        server.requests()[n].json()["messages"][0]["content"]
            .as_str()
            .expect("system text")
            .to_owned()
    };
    assert!(system(0).contains("Findings so far: []"), "{}", system(0));
    let summarize = system(1);
    assert!(
        summarize.contains("Findings: Hooks come in four kinds."),
        "{summarize}"
    );
    assert!(
        summarize.contains("Context: enough research"),
        "{summarize}"
    );
    assert!(!summarize.contains('\u{E000}'), "no marker is left");
}
