//! The arena runs what the config says: each test writes a small project whose
//! provider is an OpenAI-compatible server on loopback, runs it, and checks the effect
//! of one field on what the server received or on the result (streaming, guardrails,
//! sampling, tool policy, chaos, the run budget).

use crate::support;

use std::path::Path;

use promptkit::arena::{RunOptions, RunResult, Setup, Status, Suite};
use serde_json::{Value, json};
use support::{MockServer, Reply};

/// A project on `server`: one prompt (`validators` and `parameters` YAML blocks given
/// as text), one tool `lookup` (mock result), one scenario (`scenario` is its `spec`
/// body after `task_type`), and `defaults` for the arena.
struct Project<'a> {
    prompt_extra: &'a str,
    scenario: &'a str,
    defaults: &'a str,
}

impl Project<'_> {
    fn write(&self, dir: &Path, server: &MockServer) {
        let write = |name: &str, text: String| {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        };
        write(
            "config.arena.yaml",
            format!(
                "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Arena
metadata:
  name: effects
spec:
  prompt_configs:
    - id: support
      file: prompts/support.yaml
  providers:
    - file: providers/local.provider.yaml
  scenarios:
    - file: scenarios/s.scenario.yaml
  tools:
    - file: tools/lookup.tool.yaml
  defaults:
{}
",
                self.defaults
            ),
        );
        write(
            "prompts/support.yaml",
            format!(
                "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: PromptConfig
metadata:
  name: support
spec:
  task_type: support
  version: \"1.0.0\"
  description: Support
  system_template: \"You help.\"
  allowed_tools: [lookup]
{}
",
                self.prompt_extra
            ),
        );
        write(
            "providers/local.provider.yaml",
            format!(
                "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Provider
metadata:
  name: local
spec:
  id: local
  type: vllm
  model: m
  base_url: {}/v1
  pricing:
    input_cost_per_1k: 1.0
    output_cost_per_1k: 1.0
",
                server.url
            ),
        );
        write(
            "tools/lookup.tool.yaml",
            "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Tool
metadata:
  name: lookup
spec:
  name: lookup
  description: Looks an order up
  input_schema:
    type: object
    properties:
      id: {type: string}
  output_schema:
    type: object
  mode: mock
  mock_result: '{\"status\": \"shipped\"}'
"
            .to_owned(),
        );
        write(
            "scenarios/s.scenario.yaml",
            format!(
                "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Scenario
metadata:
  name: s
spec:
  id: s
  description: Effects
  task_type: support
{}
",
                self.scenario
            ),
        );
    }

    async fn run(&self, server: &MockServer, options: RunOptions) -> RunResult {
        self.run_edited(server, options, "", |t| t.to_owned()).await
    }

    /// Runs the project after `edit` rewrote its file `file` (none when empty).
    async fn run_edited(
        &self,
        server: &MockServer,
        options: RunOptions,
        file: &str,
        edit: impl Fn(&str) -> String,
    ) -> RunResult {
        let temp = tempfile::tempdir().expect("temp dir");
        self.write(temp.path(), server);
        if !file.is_empty() {
            let path = temp.path().join(file);
            let text = std::fs::read_to_string(&path).expect("read");
            std::fs::write(&path, edit(&text)).expect("write");
        }
        let suite = Suite::load(
            temp.path().join("config.arena.yaml"),
            options,
            &Setup::new(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        suite.run(|_| {}).await
    }
}

/// A whole chat completion answering `text`, with usage.
fn answer(text: &str) -> Reply {
    Reply::json(
        200,
        json!({
            "choices": [{"message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10}
        }),
    )
}

/// A whole chat completion calling `lookup` with `args`.
fn tool_call(id: &str, args: &str) -> Reply {
    Reply::json(
        200,
        json!({
            "choices": [{"message": {"role": "assistant", "content": null, "tool_calls": [
                {"id": id, "type": "function", "function": {"name": "lookup", "arguments": args}}
            ]}, "finish_reason": "tool_calls"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10}
        }),
    )
}

/// The text streamed in 40-character pieces.
fn streamed(text: &str) -> Reply {
    let mut events: Vec<String> = text
        .as_bytes()
        .chunks(40)
        .map(|c| {
            json!({"choices": [{"delta": {"content": String::from_utf8_lossy(c)}}]}).to_string()
        })
        .collect();
    events.push(
        json!({"choices": [{"delta": {}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 5, "completion_tokens": 50}})
            .to_string(),
    );
    events.push("[DONE]".into());
    let refs: Vec<&str> = events.iter().map(String::as_str).collect();
    Reply::sse(&refs)
}

#[tokio::test]
async fn a_streamed_reply_is_truncated_by_its_length_validator() {
    let long = "Our support works around the clock. ".repeat(16);
    assert!(long.len() > 500);
    let server = MockServer::start(vec![streamed(&long), answer("Short and whole.")]).await;
    let project = Project {
        prompt_extra: "  validators:\n    - type: length\n      params:\n        max_characters: 100",
        scenario: "  streaming: true
  turns:
    - role: user
      content: Tell me everything.
      assertions:
        - type: max_length
          params: {max: 100}
        - type: guardrail_triggered
          params: {validator_type: length}
    - role: user
      content: And briefly?
      streaming: false",
        defaults: "    temperature: 0",
    };
    let run = project.run(&server, RunOptions::default()).await;
    let case = &run.cases[0];
    assert_eq!(case.status, Status::Passed, "{case}");
    let first = &case.turns[0];
    assert_eq!(first.reply, &long[..100]);
    assert!(first.streamed);
    assert!(first.time_to_first_token_ms.is_some());
    assert_eq!(first.finish_reason.as_deref(), Some("safety"));
    let second = &case.turns[1];
    assert!(!second.streamed);
    assert_eq!(second.time_to_first_token_ms, None);
    assert_eq!(second.finish_reason.as_deref(), Some("stop"));
    let requests = server.requests();
    assert_eq!(requests[0].json()["stream"], json!(true));
    assert_eq!(requests[1].json().get("stream"), None);
    // The truncated reply is what the model sees of its own answer afterwards.
    assert_eq!(
        requests[1].json()["messages"][2]["content"],
        json!(&long[..100])
    );
}

#[tokio::test]
async fn an_output_guardrail_replaces_the_reply_and_an_input_one_skips_the_call() {
    let server = MockServer::start(vec![answer("We guarantee it."), answer("Fine.")]).await;
    let project = Project {
        prompt_extra: "  validators:
    - type: banned_words
      message: Not allowed.
      params: {words: [guarantee]}
    - type: banned_words
      params: {words: [password], direction: input}",
        scenario: "  turns:
    - role: user
      content: Promise?
    - role: user
      content: my password is hunter2
    - role: user
      content: ok",
        defaults: "    temperature: 0",
    };
    let run = project.run(&server, RunOptions::default()).await;
    let case = &run.cases[0];
    assert_eq!(case.turns[0].reply, "Not allowed.");
    assert_eq!(case.turns[0].finish_reason.as_deref(), Some("safety"));
    assert_eq!(
        case.turns[1].reply,
        promptkit::validators::DEFAULT_BLOCKED_MESSAGE
    );
    assert!(case.turns[1].validations.iter().any(|v| v.triggered));
    assert_eq!(case.turns[2].reply, "Fine.");
    // The blocked input never reached the provider: two calls for three turns.
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    let history = requests[1].json()["messages"].clone();
    assert_eq!(
        history[4]["content"],
        json!(promptkit::validators::DEFAULT_BLOCKED_MESSAGE),
        "{history}"
    );
    assert_eq!(history[5]["content"], json!("ok"), "{history}");
}

#[tokio::test]
async fn sampling_follows_arena_defaults_prompt_parameters_and_turn_overrides() {
    let server = MockServer::start(vec![answer("a"), answer("b")]).await;
    let project = Project {
        prompt_extra: "  parameters:\n    temperature: 0.9\n    top_p: 0.5\n    max_tokens: 10",
        scenario: "  turns:
    - role: user
      content: one
    - role: user
      content: two
      assistant_temp: 0.1",
        defaults: "    temperature: 0.3\n    max_tokens: 77\n    seed: 42",
    };
    let run = project.run(&server, RunOptions::default()).await;
    assert_eq!(run.cases[0].status, Status::Passed, "{}", run.cases[0]);
    let bodies: Vec<Value> = server.requests().iter().map(|r| r.json()).collect();
    assert_eq!(bodies[0]["temperature"], json!(0.3));
    assert_eq!(bodies[0]["max_tokens"], json!(77));
    assert_eq!(bodies[0]["seed"], json!(42));
    assert_eq!(bodies[0]["top_p"], json!(0.5));
    assert_eq!(bodies[1]["temperature"], json!(0.1));
    assert_eq!(bodies[1]["max_tokens"], json!(77));
}

#[tokio::test]
async fn prompt_parameters_apply_when_the_arena_sets_no_defaults() {
    let server = MockServer::start(vec![answer("a")]).await;
    let project = Project {
        prompt_extra: "  parameters:\n    temperature: 0.9\n    max_tokens: 10",
        scenario: "  turns:\n    - role: user\n      content: one",
        defaults: "    concurrency: 1",
    };
    project.run(&server, RunOptions::default()).await;
    let body = server.requests()[0].json();
    assert_eq!(body["temperature"], json!(0.9));
    assert_eq!(body["max_tokens"], json!(10));
    assert_eq!(body.get("seed"), None);
}

#[tokio::test]
async fn the_tool_policy_refuses_blocked_calls_and_sets_tool_choice_on_the_first_round() {
    let server = MockServer::start(vec![tool_call("c1", r#"{"id":"1"}"#), answer("done")]).await;
    let project = Project {
        prompt_extra: "",
        scenario: "  tool_policy:
    tool_choice: required
    max_tool_calls_per_turn: 5
    max_total_tool_calls: 5
    blocklist: [lookup]
  turns:
    - role: user
      content: where is it?",
        defaults: "    temperature: 0",
    };
    let run = project.run(&server, RunOptions::default()).await;
    let case = &run.cases[0];
    let call = &case.turns[0].tool_calls[0];
    assert_eq!(
        call.error.as_deref(),
        Some("Tool lookup is blocked by policy")
    );
    assert_eq!(call.result, None);
    let bodies: Vec<Value> = server.requests().iter().map(|r| r.json()).collect();
    assert_eq!(bodies[0]["tool_choice"], json!("required"));
    assert_ne!(bodies[1]["tool_choice"], json!("required"));
    assert_eq!(
        bodies[1]["messages"][3]["content"],
        json!("Error: Tool lookup is blocked by policy")
    );
}

#[tokio::test]
async fn tool_choice_none_offers_no_tools() {
    let server = MockServer::start(vec![answer("no tools")]).await;
    let project = Project {
        prompt_extra: "",
        scenario: "  tool_policy:
    tool_choice: none
    max_tool_calls_per_turn: 1
    max_total_tool_calls: 1
  turns:
    - role: user
      content: hi",
        defaults: "    temperature: 0",
    };
    project.run(&server, RunOptions::default()).await;
    let body = server.requests()[0].json();
    assert_eq!(body.get("tools"), None, "{body}");
}

#[tokio::test]
async fn per_turn_and_total_call_caps_refuse_the_calls_beyond_them() {
    let server = MockServer::start(vec![
        tool_call("c1", r#"{"id":"1"}"#),
        tool_call("c2", r#"{"id":"2"}"#),
        answer("done"),
        tool_call("c3", r#"{"id":"3"}"#),
        answer("done again"),
    ])
    .await;
    let project = Project {
        prompt_extra: "",
        scenario: "  tool_policy:
    tool_choice: auto
    max_tool_calls_per_turn: 1
    max_total_tool_calls: 1
  turns:
    - role: user
      content: first
    - role: user
      content: second",
        defaults: "    temperature: 0",
    };
    let run = project.run(&server, RunOptions::default()).await;
    let case = &run.cases[0];
    let first = &case.turns[0].tool_calls;
    assert!(first[0].error.is_none(), "{case}");
    assert!(
        first[1]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("max_tool_calls_per_turn")),
        "{case}"
    );
    assert!(
        case.turns[1].tool_calls[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("max_total_tool_calls")),
        "{case}"
    );
}

#[tokio::test]
async fn identical_calls_are_answered_once_then_end_the_turn() {
    // The server repeats the same call forever.
    let server = MockServer::start(vec![tool_call("c", r#"{"id":"1"}"#)]).await;
    let project = Project {
        prompt_extra: "",
        scenario: "  turns:\n    - role: user\n      content: loop",
        defaults: "    temperature: 0",
    };
    let run = project.run(&server, RunOptions::default()).await;
    let case = &run.cases[0];
    assert_eq!(case.status, Status::Error, "{case}");
    assert!(
        case.error
            .as_deref()
            .is_some_and(|e| e.contains("`lookup` was called again with identical arguments")),
        "{case}"
    );
    // Two runs, the third answered "Repeated call ignored", the fourth ends the turn.
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    let nudge = requests[3].json()["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["role"] == "tool")
        .map(|m| m["content"].as_str().unwrap_or_default().to_owned())
        .collect::<Vec<_>>();
    assert!(nudge[2].starts_with("Repeated call ignored"), "{nudge:?}");
}

#[tokio::test]
async fn the_cost_cap_of_a_scenario_stops_it() {
    let server = MockServer::start(vec![answer("a")]).await;
    let project = Project {
        prompt_extra: "",
        scenario: "  tool_policy:
    tool_choice: auto
    max_tool_calls_per_turn: 5
    max_total_tool_calls: 5
    max_cost_usd: 0.01
  turns:
    - role: user
      content: one
    - role: user
      content: two",
        defaults: "    temperature: 0",
    };
    let run = project.run(&server, RunOptions::default()).await;
    let case = &run.cases[0];
    // 20 tokens at $1 per 1K = $0.02 per call: over the cap after the first call.
    assert_eq!(case.status, Status::Error, "{case}");
    assert!(
        case.error
            .as_deref()
            .is_some_and(|e| e.contains("cost budget exceeded"))
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn chaos_fails_tool_calls_the_same_way_under_the_same_seed() {
    let replies = || {
        let mut r = Vec::new();
        for i in 0..6 {
            r.push(tool_call(&format!("c{i}"), &format!(r#"{{"id":"{i}"}}"#)));
            r.push(answer("ok"));
        }
        r
    };
    let pattern = |seed: u64| async move {
        let server = MockServer::start(replies()).await;
        let turns: String = (0..6)
            .map(|i| {
                format!(
                    "    - role: user
      content: t{i}
      chaos:
        tool_failures:
          - tool: lookup
            mode: error
            probability: 0.5
"
                )
            })
            .collect();
        let project = Project {
            prompt_extra: "",
            scenario: &format!("  turns:\n{turns}"),
            defaults: &format!("    seed: {seed}"),
        };
        let run = project.run(&server, RunOptions::default()).await;
        run.cases[0]
            .turns
            .iter()
            .map(|t| t.tool_calls[0].error.clone())
            .collect::<Vec<_>>()
    };
    let a = pattern(11).await;
    assert_eq!(a, pattern(11).await);
    let failed = a.iter().flatten().collect::<Vec<_>>();
    assert!(
        failed
            .iter()
            .all(|e| *e
                == "Tool lookup blocked by hook: Chaos: tool lookup failed with injected error"),
        "{a:?}"
    );
    // Over a few seeds, both outcomes occur and the patterns differ.
    let mut patterns = vec![a];
    for seed in [1, 2, 3, 4] {
        patterns.push(pattern(seed).await);
    }
    assert!(patterns.iter().flatten().any(Option::is_some));
    assert!(patterns.iter().flatten().any(Option::is_none));
    assert!(patterns.windows(2).any(|w| w[0] != w[1]));
}

#[tokio::test]
async fn a_run_budget_stops_starting_new_cases_and_says_so() {
    let server = MockServer::start(vec![answer("a")]).await;
    let project = Project {
        prompt_extra: "",
        scenario: "  trials: 3\n  turns:\n    - role: user\n      content: one",
        defaults: "    temperature: 0",
    };
    let options = RunOptions {
        max_cost_usd: Some(0.01),
        concurrency: Some(1),
        ..RunOptions::default()
    };
    let run = project.run(&server, options).await;
    assert_eq!(run.cases.len(), 1);
    let budget = run.budget.as_ref().expect("budget recorded");
    assert_eq!(budget.not_started, ["s/local#2", "s/local#3"]);
    assert!(budget.summary().contains("2 case(s) not started"));
    let report = promptkit::arena::report::markdown(&run);
    assert!(report.contains("not started"), "{report}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn scenario_context_variables_render_in_the_system_prompt() {
    let server = MockServer::start(vec![answer("ok")]).await;
    let project = Project {
        prompt_extra: "",
        scenario: "  context_metadata:
    domain: retail banking
    user_role: account holder
  turns:
    - role: user
      content: Close my account",
        defaults: "    temperature: 0",
    };
    let run = project
        .run_edited(&server, RunOptions::default(), "prompts/support.yaml", |text| {
            text.replace(
                "system_template: \"You help.\"",
                "system_template: \"You help {{user_role}}s in {{domain}}. Context: {{context_slot}}\"",
            )
        })
        .await;
    assert_eq!(run.cases[0].status, Status::Passed, "{}", run.cases[0]);
    let body = server.requests()[0].json();
    assert_eq!(
        body["messages"][0]["content"],
        json!(
            "You help account holders in retail banking. Context: Effects. User wants to: Close my account"
        )
    );
}

#[tokio::test]
async fn prompt_and_arena_evals_score_the_finished_conversation_without_gating() {
    let server = MockServer::start(vec![answer("Your order shipped.")]).await;
    let project = Project {
        prompt_extra: "  evals:
    - id: mentions-order
      type: contains
      trigger: on_session_complete
      params: {patterns: [refund]}
    - id: per-turn
      type: contains
      trigger: every_turn
      params: {patterns: [order]}
    - id: off
      type: contains
      trigger: on_session_complete
      enabled: false
      params: {patterns: [order]}",
        scenario: "  turns:\n    - role: user\n      content: where is my order?",
        defaults: "    temperature: 0",
    };
    // The arena's pack_evals override a prompt's eval of the same id.
    let run = project
        .run_edited(
            &server,
            RunOptions::default(),
            "config.arena.yaml",
            |text| {
                text.replace(
                    "  defaults:",
                    "  pack_evals:
    - id: mentions-order
      type: contains
      trigger: on_session_complete
      params: {patterns: [shipped]}
  defaults:",
                )
            },
        )
        .await;
    let case = &run.cases[0];
    assert_eq!(case.status, Status::Passed, "{case}");
    let ids: Vec<&str> = case.evals.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["mentions-order"], "{:?}", case.evals);
    assert_eq!(case.evals[0].score, Some(1.0), "{:?}", case.evals);
    let json = serde_json::to_value(&run).expect("json");
    assert_eq!(json["cases"][0]["evals"][0]["type"], json!("contains"));
}
