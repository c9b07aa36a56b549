//! One broken copy of the quick-start project per error class the checker reports; the
//! rendered diagnostics (with the temporary folder replaced by `$PROJECT`) are
//! snapshots, so their file:line:col, message and help are all pinned.

use std::path::Path;

use promptkit_build::check::check_project;
use promptkit_build::diagnostic::RenderStyle;
use promptkit_build::load::{LoadOptions, load_project};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/arena-quickstart");
const PROJECT_FILES: &[&str] = &[
    "config.arena.yaml",
    "mock-responses.yaml",
    "prompts/support.yaml",
    "providers/mock.provider.yaml",
    "scenarios/order-status.scenario.yaml",
    "scenarios/refund-policy.scenario.yaml",
    "tools/get-order-status.tool.yaml",
];

/// Copies the example into a temp dir with `edits` (file, from, to) applied, loads and
/// checks it, and returns the rendered diagnostics, which must hold an error.
fn broken(edits: &[(&str, &str, &str)]) -> String {
    let (rendered, has_errors) = diagnose(edits);
    assert!(has_errors, "expected an error for {edits:?}");
    rendered
}

/// [`broken`] for edits that deserve only warnings.
fn warned(edits: &[(&str, &str, &str)]) -> String {
    let (rendered, has_errors) = diagnose(edits);
    assert!(
        !has_errors,
        "expected only warnings for {edits:?}:\n{rendered}"
    );
    rendered
}

fn diagnose(edits: &[(&str, &str, &str)]) -> (String, bool) {
    let temp = tempfile::tempdir().expect("temp dir");
    for rel in PROJECT_FILES {
        let mut text = std::fs::read_to_string(Path::new(EXAMPLE).join(rel)).expect("example file");
        for (file, from, to) in edits {
            if file == rel {
                assert!(text.contains(from), "`{from}` not in {rel}");
                text = text.replacen(from, to, 1);
            }
        }
        let target = temp.path().join(rel);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::write(target, text).expect("write");
    }
    let loaded = load_project(
        temp.path().join("config.arena.yaml"),
        &LoadOptions::default(),
    );
    assert!(
        loaded.diagnostics.is_empty(),
        "{}",
        loaded.render(RenderStyle::Plain)
    );
    let diagnostics = check_project(&loaded);
    let root = temp.path().to_string_lossy().into_owned();
    let rendered = diagnostics
        .render(&loaded.sources, RenderStyle::Plain)
        .replace(&root, "$PROJECT");
    (rendered, diagnostics.has_errors())
}

#[test]
fn the_example_itself_is_clean() {
    let loaded = load_project(
        Path::new(EXAMPLE).join("config.arena.yaml"),
        &LoadOptions::default(),
    );
    let diagnostics = check_project(&loaded);
    assert!(
        diagnostics.is_empty(),
        "{}",
        diagnostics.render(&loaded.sources, RenderStyle::Plain)
    );
}

#[test]
fn undeclared_template_variable() {
    insta::assert_snapshot!(broken(&[(
        "prompts/support.yaml",
        "of {{company}}",
        "of {{compnay}}"
    )]));
}

#[test]
fn unknown_assertion_type() {
    insta::assert_snapshot!(broken(&[(
        "scenarios/refund-policy.scenario.yaml",
        "type: max_length",
        "type: max_lenght"
    )]));
}

#[test]
fn invalid_regex_in_assertion_params() {
    insta::assert_snapshot!(broken(&[(
        "scenarios/order-status.scenario.yaml",
        "\"(?i)shipped\"",
        "\"(?i)shipped(\""
    )]));
}

#[test]
fn dangling_task_type() {
    insta::assert_snapshot!(broken(&[(
        "scenarios/refund-policy.scenario.yaml",
        "task_type: support",
        "task_type: suport"
    )]));
}

#[test]
fn allowed_tool_not_defined() {
    insta::assert_snapshot!(broken(&[(
        "prompts/support.yaml",
        "- get_order_status",
        "- get_order_statuz"
    )]));
}

#[test]
fn scenario_names_unknown_provider() {
    insta::assert_snapshot!(broken(&[(
        "scenarios/refund-policy.scenario.yaml",
        "task_type: support",
        "task_type: support\n  providers: [mok]"
    )]));
}

#[test]
fn mock_response_calls_unknown_tool() {
    insta::assert_snapshot!(broken(&[(
        "mock-responses.yaml",
        "name: get_order_status",
        "name: get_order"
    )]));
}

#[test]
fn inference_default_is_not_an_inference_provider() {
    insta::assert_snapshot!(broken(&[(
        "config.arena.yaml",
        "concurrency: 2",
        "concurrency: 2\n    inference:\n      text_classifier: mock"
    )]));
}

#[test]
fn unsupported_inference_provider_type() {
    insta::assert_snapshot!(broken(&[(
        "providers/mock.provider.yaml",
        "type: mock",
        "type: openai\n  role: inference"
    )]));
}

#[test]
fn invalid_relevance_settings() {
    insta::assert_snapshot!(broken(&[(
        "scenarios/refund-policy.scenario.yaml",
        "task_type: support",
        "task_type: support\n  context_policy:\n    token_budget: 100\n    strategy: relevance\n    relevance:\n      provider: opneai\n      query_source: last_n"
    )]));
}

#[test]
fn scenario_names_a_provider_that_does_not_chat() {
    insta::assert_snapshot!(broken(&[
        (
            "scenarios/refund-policy.scenario.yaml",
            "task_type: support",
            "task_type: support\n  providers: [mock]"
        ),
        (
            "providers/mock.provider.yaml",
            "type: mock",
            "type: mock\n  role: tts"
        ),
    ]));
}

#[test]
fn value_out_of_range() {
    insta::assert_snapshot!(broken(&[(
        "config.arena.yaml",
        "concurrency: 2",
        "temperature: 5\n    concurrency: 2"
    )]));
}

#[test]
fn a_timeout_that_is_not_a_duration() {
    insta::assert_snapshot!(broken(&[(
        "providers/mock.provider.yaml",
        "  model: mock-model",
        "  model: mock-model\n  stream_idle_timeout: 30 seconds"
    )]));
}

#[test]
fn every_problem_is_reported_in_one_pass() {
    let rendered = broken(&[
        ("prompts/support.yaml", "of {{company}}", "of {{compnay}}"),
        (
            "scenarios/refund-policy.scenario.yaml",
            "type: max_length",
            "type: max_lenght",
        ),
        (
            "config.arena.yaml",
            "concurrency: 2",
            "temperature: 5\n    concurrency: 2",
        ),
    ]);
    assert_eq!(rendered.matches("error:").count(), 3, "{rendered}");
}

#[test]
fn mcp_tools_of_undeclared_servers_and_unsupported_integration_fields() {
    insta::assert_snapshot!(broken(&[
        (
            "config.arena.yaml",
            "  tools:\n",
            "  mcp_servers:\n    - name: files\n      command: node\n      scope: scenario\n    - name: remote\n      url: http://127.0.0.1:9/sse\n    - name: hosted\n      source: docker\n      transport: streamable_http\n      url: http://127.0.0.1:9/mcp\n  a2a_agents:\n    - name: remote_bot\n      url: http://127.0.0.1:9\n\n  tools:\n",
        ),
        (
            "prompts/support.yaml",
            "- get_order_status",
            "- get_order_status\n    - mcp__files__read_text_file\n    - mcp__filez__read_text_file"
        ),
    ]));
}

#[test]
fn workflow_artifacts_fill_prompts_and_unknown_ones_are_errors() {
    insta::assert_snapshot!(broken(&[
        (
            "config.arena.yaml",
            "  tools:\n",
            "  workflow:\n    version: 2\n    entry: loop\n    engine:\n      budget:\n        max_total_visits: 10\n    states:\n      loop:\n        prompt_task: support\n        max_visits: 3\n        on_max_visits: done\n        artifacts:\n          notes: {type: text/plain, mode: append}\n        on_event: {More: loop, Done: done}\n      done:\n        prompt_task: support\n        terminal: true\n\n  tools:\n",
        ),
        (
            "prompts/support.yaml",
            "politely and precisely.",
            "politely and precisely.\n    Notes: {{artifacts.notes}} ({{workflow_context}}); {{artifacts.note}}",
        ),
    ]));
}

#[test]
fn an_mcp_env_path_that_names_no_folder() {
    insta::assert_snapshot!(warned(&[(
        "config.arena.yaml",
        "  tools:\n",
        "  mcp_servers:\n    - name: memory\n      command: npx\n      args: [\"-y\", \"@modelcontextprotocol/server-memory\"]\n      env:\n        PATH: \"Make sure node is on your path\"\n\n  tools:\n",
    )]));
}

#[test]
fn judge_assertion_without_a_judge() {
    insta::assert_snapshot!(warned(&[(
        "scenarios/order-status.scenario.yaml",
        "        - type: content_excludes\n",
        "        - type: llm_judge\n          params:\n            criteria: \"polite\"\n        - type: content_excludes\n",
    )]));
}

#[test]
fn an_unknown_media_type_and_media_without_types() {
    insta::assert_snapshot!(broken(&[(
        "prompts/support.yaml",
        "  allowed_tools:",
        "  media:\n    enabled: true\n    supported_types: [image, picture]\n\n  allowed_tools:"
    )]));
    insta::assert_snapshot!(warned(&[(
        "prompts/support.yaml",
        "  allowed_tools:",
        "  media:\n    enabled: true\n\n  allowed_tools:"
    )]));
}

/// The reference's Bedrock and Vertex embedding provider types load (they are valid
/// YAML for the reference) and are warned at their `type:`: this build never calls them.
#[test]
fn platform_embedding_provider_types_are_warned_at_their_type() {
    let temp = tempfile::tempdir().expect("temp dir");
    for rel in PROJECT_FILES {
        let mut text = std::fs::read_to_string(Path::new(EXAMPLE).join(rel)).expect("example");
        if *rel == "config.arena.yaml" {
            text = text.replacen(
                "  providers:\n",
                "  embedding_providers:\n    - file: providers/titan.provider.yaml\n    - file: providers/vertex-embed.provider.yaml\n  providers:\n",
                1,
            );
        }
        let target = temp.path().join(rel);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::write(target, text).expect("write");
    }
    let provider = |name: &str, kind: &str, model: &str, platform: &str| {
        format!(
            "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Provider\nmetadata:\n  name: {name}\nspec:\n  id: {name}\n  type: {kind}\n  role: embedding\n  model: {model}\n  platform:\n{platform}"
        )
    };
    for (name, kind, model, platform) in [
        (
            "titan",
            "bedrock",
            "amazon.titan-embed-text-v2:0",
            "    type: bedrock\n    region: us-east-1\n",
        ),
        (
            "vertex-embed",
            "vertex",
            "text-embedding-005",
            "    type: vertex\n    project: p\n    region: us-central1\n",
        ),
    ] {
        let file = temp.path().join(format!("providers/{name}.provider.yaml"));
        std::fs::write(file, provider(name, kind, model, platform)).expect("write");
    }
    let outcome =
        promptkit_build::frontend::Frontend::new().project(temp.path().join("config.arena.yaml"));
    let rendered = outcome
        .diagnostics
        .render(&outcome.sources, RenderStyle::Plain)
        .replace(&*temp.path().to_string_lossy(), "$PROJECT");
    assert!(outcome.checked.is_some(), "{rendered}");
    for (id, kind, file) in [
        ("titan", "bedrock", "titan.provider.yaml:7:9"),
        ("vertex-embed", "vertex", "vertex-embed.provider.yaml:7:9"),
    ] {
        let message = format!("provider `{id}`: `type: {kind}` (the reference's");
        let at = rendered
            .split("warning: ")
            .find(|w| w.starts_with(&message))
            .unwrap_or_else(|| panic!("no warning for {id}:\n{rendered}"));
        assert!(at.contains(file), "{at}");
        assert!(at.contains("is not implemented in this build"), "{at}");
    }
}
