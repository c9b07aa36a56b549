//! Tool modes the reference executes besides mock and live: `mode: exec` (a process per
//! call, `{"args": …}` on stdin, `{"result": …}` or `{"error": …}` on stdout, a minimal
//! environment plus the variables `env` names) and `mode: mcp` (the declared contract,
//! run by whichever MCP server lists the tool).

use std::path::Path;

use promptkit::arena::{CaseResult, RunOptions, Setup, Status};
use serde_json::json;

use crate::mcp_support::{project, runtime, servers, suite};

const HEADER: &str = "apiVersion: promptkit.altairalabs.ai/v1alpha1\n";

/// The one case of the project at `config`, which must pass.
fn passing_case(config: &Path) -> CaseResult {
    let suite = suite(config, RunOptions::default(), &Setup::new());
    let mut run = runtime().block_on(suite.run(|_| {}));
    let case = run.cases.remove(0);
    assert_eq!(case.status, Status::Passed, "{case}");
    case
}

fn write(dir: &Path, file: &str, text: &str) {
    std::fs::write(dir.join(file), text).expect("write");
}

fn exec_tool(name: &str, mode_args: &str, env: &str) -> String {
    format!(
        "{HEADER}kind: Tool\nmetadata:\n  name: {name}\nspec:\n  name: {name}\n  description: Looks things up.\n  mode: exec\n  input_schema:\n    type: object\n    properties:\n      order: {{type: string}}\n  output_schema: {{type: object}}\n  exec:\n    command: ./lookup.py\n    args: [\"{mode_args}\"]\n    env: [{env}]\n    timeout_ms: 5000\n"
    )
}

/// A script answering as its first argument says: with the arguments and what it sees
/// of the environment, with an error, with no JSON, or by failing.
const SCRIPT: &str = r#"#!/usr/bin/env python3
import json, os, sys
request = json.load(sys.stdin)
mode = sys.argv[1]
if mode == "ok":
    print(json.dumps({"result": {"order": request["args"]["order"], "status": "shipped",
                                 "manifest_dir": os.environ.get("CARGO_MANIFEST_DIR")}}))
elif mode == "error":
    print(json.dumps({"error": "no such order"}))
elif mode == "noise":
    print("shipped, probably")
else:
    sys.stderr.write("database unreachable\n")
    sys.exit(3)
"#;

#[test]
fn exec_tools_run_a_process_per_call() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "lookup.py", SCRIPT);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        root.join("lookup.py"),
        std::fs::Permissions::from_mode(0o755),
    )
    .expect("chmod");
    write(root, "ok.tool.yaml", &exec_tool("lookup", "ok", ""));
    write(
        root,
        "env.tool.yaml",
        &exec_tool("lookup_env", "ok", "CARGO_MANIFEST_DIR"),
    );
    write(
        root,
        "error.tool.yaml",
        &exec_tool("lookup_error", "error", ""),
    );
    write(
        root,
        "noise.tool.yaml",
        &exec_tool("lookup_noise", "noise", ""),
    );
    write(
        root,
        "crash.tool.yaml",
        &exec_tool("lookup_crash", "crash", ""),
    );
    write(
        root,
        "config.arena.yaml",
        &format!(
            "{HEADER}kind: Arena\nmetadata:\n  name: exec-tools\nspec:\n  prompt_configs:\n    - id: assistant\n      file: prompt.yaml\n  providers:\n    - file: mock.provider.yaml\n  scenarios:\n    - file: lookup.scenario.yaml\n  tools:\n    - file: ok.tool.yaml\n    - file: env.tool.yaml\n    - file: error.tool.yaml\n    - file: noise.tool.yaml\n    - file: crash.tool.yaml\n  defaults:\n    concurrency: 1\n"
        ),
    );
    write(
        root,
        "prompt.yaml",
        &format!(
            "{HEADER}kind: PromptConfig\nmetadata:\n  name: assistant\nspec:\n  task_type: assistant\n  version: v1.0.0\n  description: Looks up orders.\n  system_template: You look up orders.\n  allowed_tools: [lookup, lookup_env, lookup_error, lookup_noise, lookup_crash]\n"
        ),
    );
    write(
        root,
        "mock.provider.yaml",
        &format!(
            "{HEADER}kind: Provider\nmetadata:\n  name: mock\nspec:\n  id: mock\n  type: mock\n  model: mock-model\n  additional_config:\n    mock_config: mock-responses.yaml\n"
        ),
    );
    write(
        root,
        "lookup.scenario.yaml",
        &format!(
            "{HEADER}kind: Scenario\nmetadata:\n  name: lookup\nspec:\n  id: lookup\n  description: Every exec tool.\n  task_type: assistant\n  turns:\n    - role: user\n      content: Where is order 4711?\n"
        ),
    );
    let call = |name: &str| {
        format!("          - name: {name}\n            arguments: {{order: \"4711\"}}\n")
    };
    write(
        root,
        "mock-responses.yaml",
        &format!(
            "scenarios:\n  lookup:\n    turns:\n      1:\n        response: Looking it up.\n        tool_calls:\n{}{}{}{}{}      2: It shipped.\n",
            call("lookup"),
            call("lookup_env"),
            call("lookup_error"),
            call("lookup_noise"),
            call("lookup_crash"),
        ),
    );
    let case = passing_case(&root.join("config.arena.yaml"));
    let calls = &case.turns[0].tool_calls;
    let by_name = |name: &str| calls.iter().find(|c| c.name == name).expect(name);
    // The result is `result`; the environment holds only what `env` names.
    assert_eq!(
        by_name("lookup").result,
        Some(json!({"order": "4711", "status": "shipped", "manifest_dir": null}))
    );
    assert_eq!(
        by_name("lookup_env")
            .result
            .as_ref()
            .map(|r| r["manifest_dir"].is_string()),
        Some(true)
    );
    assert_eq!(
        by_name("lookup_error").error.as_deref(),
        Some("exec tool `lookup_error`: no such order")
    );
    let noise = by_name("lookup_noise").error.clone().unwrap_or_default();
    assert!(
        noise.starts_with("exec tool `lookup_noise` returned invalid JSON"),
        "{noise}"
    );
    let crash = by_name("lookup_crash").error.clone().unwrap_or_default();
    assert!(
        crash.starts_with("exec tool `lookup_crash` failed: exit status: 3")
            && crash.contains("(stderr: database unreachable)"),
        "{crash}"
    );
}

/// A declared `mode: mcp` tool runs on the server that lists it (here the real
/// filesystem server), under the declared name; one that no server lists says so; and
/// `tool_exec` runs MCP tools too.
#[test]
fn mcp_mode_tools_run_on_the_server_listing_them() {
    let Some(servers) = servers() else { return };
    let dir = project("mcp-tools", &servers);
    let root = dir.path();
    let tool = |name: &str| {
        format!(
            "{HEADER}kind: Tool\nmetadata:\n  name: {name}\nspec:\n  name: {name}\n  description: Reads a file of the sandbox.\n  mode: mcp\n  input_schema:\n    type: object\n    properties:\n      path: {{type: string}}\n    required: [path]\n  output_schema: {{type: object}}\n"
        )
    };
    write(root, "read.tool.yaml", &tool("read_text_file"));
    write(root, "unlisted.tool.yaml", &tool("read_tea_leaves"));
    let config = std::fs::read_to_string(root.join("config.arena.yaml")).expect("config");
    let config = config
        .replace(
            "  providers:\n",
            "  tools:\n    - file: read.tool.yaml\n    - file: unlisted.tool.yaml\n  providers:\n",
        )
        .replace(
            "    - file: scenarios/everything-tools.scenario.yaml\n    - file: scenarios/filtered-tools.scenario.yaml\n    - file: scenarios/slow-tool.scenario.yaml\n    - file: scenarios/filesystem.scenario.yaml\n",
            "    - file: declared.scenario.yaml\n",
        );
    write(root, "modes.arena.yaml", &config);
    write(
        root,
        "declared.scenario.yaml",
        &format!(
            "{HEADER}kind: Scenario\nmetadata:\n  name: declared\nspec:\n  id: declared\n  description: A declared MCP tool.\n  task_type: assistant\n  turns:\n    - role: user\n      content: Read the notes.\n      assertions:\n        - type: tool_result_includes\n          params: {{tool: read_text_file, patterns: [\"Shipment 4711\"]}}\n        - type: tool_exec\n          params: {{tool: mcp__files__list_directory, args: {{path: .}}, success_pattern: \"notes.txt\"}}\n"
        ),
    );
    let mock = std::fs::read_to_string(root.join("mock-responses.yaml")).expect("mock");
    write(
        root,
        "mock-responses.yaml",
        &format!(
            "{mock}\n  declared:\n    turns:\n      1:\n        response: Reading.\n        tool_calls:\n          - name: read_text_file\n            arguments: {{path: notes.txt}}\n          - name: read_tea_leaves\n            arguments: {{path: notes.txt}}\n      2: Shipment 4711.\n"
        ),
    );
    let prompt = std::fs::read_to_string(root.join("assistant.prompt.yaml")).expect("prompt");
    write(
        root,
        "assistant.prompt.yaml",
        &prompt.replace(
            "  allowed_tools:\n",
            "  allowed_tools:\n    - read_text_file\n    - read_tea_leaves\n",
        ),
    );
    let case = passing_case(&root.join("modes.arena.yaml"));
    let calls = &case.turns[0].tool_calls;
    assert_eq!(
        calls[0].result.as_ref().and_then(|r| r.as_str()),
        Some("Shipment 4711 left the warehouse on Tuesday.\n")
    );
    assert_eq!(
        calls[1].error.as_deref(),
        Some("tool `read_tea_leaves` is `mode: mcp`, but no MCP server lists `read_tea_leaves`")
    );
}
