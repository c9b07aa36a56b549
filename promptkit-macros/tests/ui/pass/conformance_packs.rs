//! include_pack! on every conformance project with prompts (eval-test has none).

mod assertions_test {
    promptkit::include_pack!("../../../../../shared/conformance/assertions-test/config.arena.yaml");
}
mod client_tools {
    promptkit::include_pack!("../../../../../shared/conformance/client-tools/config.arena.yaml");
}
mod context_management {
    promptkit::include_pack!("../../../../../shared/conformance/context-management/config.arena.yaml");
}
mod customer_support {
    promptkit::include_pack!("../../../../../shared/conformance/customer-support/config.arena.yaml");
}
mod customer_support_integrated {
    promptkit::include_pack!("../../../../../shared/conformance/customer-support-integrated/config.arena.yaml");
}
mod live_http_tools {
    promptkit::include_pack!("../../../../../shared/conformance/live-http-tools/config.arena.yaml");
}
mod llm_judge {
    promptkit::include_pack!("../../../../../shared/conformance/llm-judge/config.arena.yaml");
}
mod memory_agent {
    promptkit::include_pack!("../../../../../shared/conformance/memory-agent/config.arena.yaml");
}
mod multimodal_basics {
    promptkit::include_pack!("../../../../../shared/conformance/multimodal-basics/config.arena.yaml");
}
mod rag_agent {
    promptkit::include_pack!("../../../../../shared/conformance/rag-agent/config.arena.yaml");
}
mod resilience_testing {
    promptkit::include_pack!("../../../../../shared/conformance/resilience-testing/config.arena.yaml");
}
mod text_negotiation {
    promptkit::include_pack!("../../../../../shared/conformance/text-negotiation/config.arena.yaml");
}
mod workflow_support {
    promptkit::include_pack!("../../../../../shared/conformance/workflow-support/config.arena.yaml");
}

fn main() {
    let pack = customer_support::pack::Pack::load().expect("the compiled pack loads");
    assert!(pack.prompt(customer_support::pack::support::TASK_TYPE).is_some());
    let args = customer_support::pack::tools::GetOrderStatusArgs { order_id: "1".into() };
    assert_eq!(serde_json::to_string(&args).unwrap(), r#"{"order_id":"1"}"#);
    assert!(!resilience_testing::pack::JSON.is_empty());
}
