//! The runtime path outside tests: a compiled pack drives a conversation whose tool is
//! served by Rust, against a provider.

use std::collections::BTreeMap;
use std::sync::Arc;

use promptkit::conversation::Conversation;
use promptkit::provider::RequestContext;
use promptkit::providers::mock::MockProvider;
use promptkit::tools::Toolbox;
use promptkit::{Pack, Role};
use promptkit_build::frontend::Frontend;
use promptkit_build::load::{LoadOptions, load_mock_config};
use promptkit_build::pack::CompileOptions;
use serde::Deserialize;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/arena-quickstart");

#[derive(Deserialize)]
struct OrderQuery {
    order_id: String,
}

#[tokio::test]
async fn a_pack_prompt_runs_a_tool_loop_with_a_rust_handler() {
    let compiled = Frontend::new()
        .project(format!("{EXAMPLE}/config.arena.yaml"))
        .compile(&CompileOptions::default());
    let json = serde_json::to_string(&compiled.pack.expect("compiles")).expect("JSON");
    let pack = Pack::from_json(&json).expect("loads");

    let vars = BTreeMap::from([("company".to_owned(), "Globex".to_owned())]);
    let prepared = pack.prepare("support", &vars, None).expect("prepares");
    assert!(prepared.system.contains("Globex"), "{}", prepared.system);
    assert!(
        prepared.system.contains("30 days"),
        "defaults apply: {}",
        prepared.system
    );
    assert_eq!(prepared.allowed_tools, ["get_order_status"]);
    assert!(
        pack.prepare("support", &BTreeMap::new(), None).is_ok(),
        "no required variables"
    );

    let mut tools = Toolbox::from_pack(&pack);
    tools.handler("get_order_status", |q: OrderQuery| async move {
        Ok(serde_json::json!({"order_id": q.order_id, "status": "shipped", "eta": "2026-12-02"}))
    });
    let mock = load_mock_config(
        format!("{EXAMPLE}/mock-responses.yaml"),
        &LoadOptions::default(),
    );
    let provider = MockProvider::new(
        "mock",
        "mock-model",
        Arc::new(mock.value.expect("mock file")),
    );
    let mut conversation = Conversation::new(Arc::new(provider))
        .prompt(prepared)
        .tools(Arc::new(tools))
        .context(RequestContext {
            scenario: Some("order-status".into()),
            ..RequestContext::default()
        });
    let turn = conversation
        .send("Where is my order ORD-1042?")
        .await
        .expect("turn");
    assert!(
        turn.reply.content.contains("shipped"),
        "{}",
        turn.reply.content
    );
    assert_eq!(turn.tool_outputs.len(), 1);
    assert_eq!(
        turn.tool_outputs[0].result.as_ref().expect("result")["order_id"],
        "ORD-1042"
    );
    assert_eq!(turn.responses.len(), 2, "tool call, then the answer");
    let roles: Vec<Role> = conversation.messages().iter().map(|m| m.role).collect();
    assert_eq!(
        roles,
        [Role::User, Role::Assistant, Role::Tool, Role::Assistant]
    );
}
