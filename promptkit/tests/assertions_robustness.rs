//! No assertion type panics, whatever its params and context: every registry type is fed
//! wrong-typed, empty, huge and negative values for each of its params, on empty and busy
//! contexts, through both the checked (`assert`) and raw (`eval`) paths.

use promptkit::assertions::{
    AssertionContext, Evaluator, JudgeRequest, ToolCallRecord, Transition,
};
use promptkit::{Message, ToolCall};
use promptkit_build::registry;
use serde_json::{Map, Value, json};
use std::sync::Arc;

fn weird_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(-1),
        json!(0),
        json!(1e308),
        json!(-9_223_372_036_854_775_808i64),
        json!(""),
        json!("(["),
        json!("é€🎉"),
        json!([]),
        json!([1, "a", null, {"x": 1}]),
        json!({}),
        json!({"state": 1, "sequence": "x", "tool": ["a"]}),
    ]
}

fn contexts() -> Vec<AssertionContext> {
    let mut busy = AssertionContext::from_messages(vec![
        Message::user("héllo"),
        Message {
            tool_calls: vec![ToolCall {
                id: "1".into(),
                name: "skill__activate".into(),
                arguments: json!({"name": 3}),
                signature: None,
            }],
            ..Message::assistant("")
        },
        Message::tool_result("1", "skill__activate", "{\"ok\": true}"),
        Message::assistant("```json\n{\"a\": [1, 2]}\n``` é€ {\"b\": \"}\"} [1,"),
    ]);
    busy.tool_calls.push(ToolCallRecord {
        result: Some(json!([{"type": "image", "media": {"mime_type": 7}}, {"type": ""}])),
        error: Some("boom".into()),
        turn_index: 99,
        ..ToolCallRecord::new("x", json!("not an object"))
    });
    busy.latency_ms = Some(0.0);
    busy.workflow.transitions = Some(vec![Transition {
        from: String::new(),
        to: String::new(),
        turn_index: Some(7),
    }]);
    busy.workflow.message_states = vec![None, Some(String::new())];
    busy.metadata.insert("embedding".into(), json!([0.0, "x"]));
    busy.metadata.insert(
        "composition_step_outputs".into(),
        json!({"s": {"deep": [1]}}),
    );
    vec![AssertionContext::default(), busy]
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(f)
}

#[test]
fn no_type_panics_on_hostile_params_or_contexts() {
    let judge = |_: &JudgeRequest| -> Result<String, promptkit::assertions::JudgeError> {
        Ok("{\"score\": \"NaN\"} }{".into())
    };
    let evaluators = [
        Evaluator::new(),
        Evaluator::new().with_judge(Arc::new(judge)),
    ];
    let mut runs = 0;
    for ty in registry::all() {
        let mut param_sets: Vec<Map<String, Value>> = vec![Map::new()];
        for spec in ty.params {
            for v in weird_values() {
                let mut m = Map::new();
                m.insert(spec.name.to_owned(), v);
                param_sets.push(m);
            }
        }
        let mut all = Map::new();
        for spec in ty.params {
            all.insert(spec.name.to_owned(), json!("x"));
        }
        all.insert("eval_type".into(), json!(ty.name));
        param_sets.push(all);
        for ctx in contexts() {
            for params in &param_sets {
                for e in &evaluators {
                    for name in ty.names() {
                        let _ = block_on(e.assert(name, params, &ctx));
                        let _ = block_on(e.eval(name, params, &ctx));
                        runs += 2;
                    }
                }
            }
        }
    }
    assert!(runs > 10_000, "{runs}");
}
