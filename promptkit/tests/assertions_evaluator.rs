//! The evaluator's contract: dispatch by name and alias, param validation, thresholds,
//! custom assertions and the injected judge.

use promptkit::assertions::{
    AssertionContext, AssertionError, EvalResult, Evaluator, JudgeRequest, ToolCallRecord,
};
use promptkit::{Message, Role, ToolCall};
use serde_json::{Map, Value, json};
use std::sync::Arc;

fn params(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(f)
}

#[test]
fn aliases_dispatch_to_the_canonical_handler() {
    let e = Evaluator::new();
    let ctx = AssertionContext::for_response("Your order #12345 has shipped");
    let a = e
        .assert_now(
            "content_includes",
            &params(json!({"patterns": ["ORDER", "shipped"]})),
            &ctx,
        )
        .expect("ok");
    assert!(a.passed, "{a:?}");
    assert_eq!(a.assertion_type, "content_includes");
    let b = e
        .assert_now(
            "content_matches",
            &params(json!({"pattern": r"#\d{6}"})),
            &ctx,
        )
        .expect("ok");
    assert!(!b.passed);
    assert!(b.message.contains("matched: false"), "{}", b.message);
}

#[test]
fn unknown_types_suggest_and_bad_params_are_reported_together() {
    let e = Evaluator::new();
    let ctx = AssertionContext::default();
    match e.assert_now("content_include", &Map::new(), &ctx) {
        Err(AssertionError::UnknownType { suggestion, .. }) => {
            assert_eq!(suggestion, Some("content_includes"))
        }
        other => panic!("{other:?}"),
    }
    let err = e
        .assert_now(
            "content_matches",
            &params(json!({"pattern": "(unclosed", "expect_match": "yes"})),
            &ctx,
        )
        .expect_err("invalid");
    let text = err.to_string();
    assert!(
        text.contains("invalid regular expression") && text.contains("true or false"),
        "{text}"
    );
    // A type the reference validates at load time rejects a missing required param...
    let missing = e
        .assert_now("max_length", &Map::new(), &ctx)
        .expect_err("missing max");
    assert!(
        missing.to_string().contains("param `max`: required"),
        "{missing}"
    );
    // ...others run and fail (or do nothing) as the reference does; the checker warns.
    let soft = e
        .assert_now("json_schema", &Map::new(), &ctx)
        .expect("runs");
    assert!(
        !soft.passed && soft.message == "no schema provided",
        "{soft:?}"
    );
    let choice = e
        .assert_now("directional", &params(json!({"check": "nope"})), &ctx)
        .expect_err("bad choice");
    assert!(
        choice
            .to_string()
            .contains("`nope` is not one of same_tool_calls"),
        "{choice}"
    );
}

#[test]
fn thresholds_decide_partial_scores() {
    let e = Evaluator::new();
    let ctx = AssertionContext::for_response("0123456789");
    let strict = e
        .assert_now("max_length", &params(json!({"max": 5})), &ctx)
        .expect("ok");
    assert!(!strict.passed);
    assert_eq!(strict.score, Some(0.5));
    let lenient = e
        .assert_now(
            "max_length",
            &params(json!({"max": 5, "min_score": 0.5})),
            &ctx,
        )
        .expect("ok");
    assert!(lenient.passed);
    assert_eq!(lenient.details["min_score"], json!(0.5));
}

#[test]
fn tools_and_budgets_read_the_context() {
    let mut ctx = AssertionContext::from_messages(vec![
        Message::user("weather?"),
        Message {
            tool_calls: vec![ToolCall {
                id: "c1".into(),
                name: "get_weather".into(),
                arguments: json!({"city": "Paris"}),
                signature: None,
            }],
            ..Message::assistant("")
        },
        Message::tool_result("c1", "get_weather", "18C sunny"),
        Message::assistant("It is 18C and sunny in Paris."),
    ]);
    assert_eq!(ctx.response, "It is 18C and sunny in Paris.");
    assert_eq!(ctx.tool_calls[0].result_text(), "18C sunny");
    let e = Evaluator::new();
    let called = e
        .assert_now(
            "tool_called",
            &params(json!({"tool_name": "get_weather"})),
            &ctx,
        )
        .expect("ok");
    assert!(called.passed, "single tool_name is accepted: {called:?}");
    let args = e
        .assert_now(
            "tool_args",
            &params(json!({"tool_name": "get_weather", "expected_args": {"city": "Paris"}})),
            &ctx,
        )
        .expect("ok");
    assert!(args.passed);
    let result = e
        .assert_now(
            "tool_result_matches",
            &params(json!({"tool": "get_weather", "pattern": r"\d+C"})),
            &ctx,
        )
        .expect("ok");
    assert!(result.passed);
    ctx.latency_ms = Some(2000.0);
    let slow = e
        .assert_now("latency_budget", &params(json!({"max_ms": 1000})), &ctx)
        .expect("ok");
    assert!(!slow.passed);
    ctx.tool_calls.push(ToolCallRecord {
        error: Some("boom".into()),
        ..ToolCallRecord::new("x", json!({}))
    });
    let errors = e
        .assert_now("no_tool_errors", &Map::new(), &ctx)
        .expect("ok");
    assert!(!errors.passed);
    assert_eq!(errors.score, Some(0.5));
}

#[test]
fn custom_assertions_take_precedence() {
    let mut e = Evaluator::new();
    e.register(
        "is_polite",
        Arc::new(|_: &Map<String, Value>, ctx: &AssertionContext| {
            EvalResult::pass(ctx.response.contains("please"), "politeness")
        }),
    );
    assert!(e.knows("is_polite"));
    let ctx = AssertionContext::for_response("please wait");
    assert!(
        e.assert_now("is_polite", &Map::new(), &ctx)
            .expect("ok")
            .passed
    );
}

#[test]
fn the_judge_gets_the_request_and_its_verdict_is_thresholded() {
    let judge = |req: &JudgeRequest| -> Result<String, promptkit::assertions::JudgeError> {
        assert!(req.user_content.contains("Content to evaluate:\nhello"));
        assert!(req.user_content.contains("Criteria: be kind"));
        Ok("Here you go: {\"passed\": true, \"score\": 0.8, \"reasoning\": \"kind\"}".into())
    };
    let e = Evaluator::new().with_judge(Arc::new(judge));
    let ctx = AssertionContext::for_response("hello");
    let strict =
        block_on(e.assert("llm_judge", &params(json!({"criteria": "be kind"})), &ctx)).expect("ok");
    assert!(
        !strict.passed,
        "score 0.8 is below the default min_score 1.0"
    );
    assert_eq!(strict.message, "kind");
    let ok = block_on(e.assert(
        "llm_judge",
        &params(json!({"criteria": "be kind", "min_score": 0.7})),
        &ctx,
    ))
    .expect("ok");
    assert!(ok.passed);
    let none = Evaluator::new()
        .assert_now("llm_judge", &params(json!({"criteria": "x"})), &ctx)
        .expect("ok");
    assert!(!none.passed && none.message.contains("judge_provider not found"));
}

#[test]
fn conversation_level_types_see_every_assistant_turn() {
    let ctx = AssertionContext::from_messages(vec![
        Message::user("hi"),
        Message::assistant("We guarantee delivery"),
        Message::user("ok"),
        Message {
            role: Role::Assistant,
            ..Message::assistant("bye")
        },
    ]);
    let e = Evaluator::new();
    let banned = e
        .assert_now(
            "banned_words",
            &params(json!({"words": ["guarantee"]})),
            &ctx,
        )
        .expect("ok");
    assert!(!banned.passed, "an earlier turn is scanned too");
    let any = e
        .assert_now(
            "content_includes_any",
            &params(json!({"patterns": ["delivery"]})),
            &ctx,
        )
        .expect("ok");
    assert!(any.passed);
}

#[test]
fn the_assertion_wrapper_runs_its_inner_type_with_the_wrapper_threshold() {
    let seen = std::sync::Mutex::new(None);
    let judge = move |req: &JudgeRequest| -> Result<String, promptkit::assertions::JudgeError> {
        if let Ok(mut s) = seen.lock() {
            *s = req.judge.clone();
        }
        assert_eq!(req.judge.as_deref(), Some("rag-judge"));
        assert!(req.content.contains("[chunk 1] Paris is the capital"));
        Ok(r#"{"passed": true, "score": 0.85, "reasoning": "grounded"}"#.into())
    };
    let e = Evaluator::new().with_judge(Arc::new(judge));
    let ctx = AssertionContext::for_response("Paris.");
    let p = params(json!({
        "eval_type": "faithfulness",
        "eval_params": {"contexts": ["Paris is the capital of France."], "judge": "rag-judge"},
        "min_score": 0.8
    }));
    let out = block_on(e.assert("assertion", &p, &ctx)).expect("ok");
    assert!(out.passed, "{out:?}");
    assert_eq!(out.score, Some(0.85));
    let strict = params(json!({
        "eval_type": "faithfulness",
        "eval_params": {"contexts": ["Paris is the capital of France."], "judge": "rag-judge"},
        "min_score": 0.9
    }));
    assert!(
        !block_on(e.assert("assertion", &strict, &ctx))
            .expect("ok")
            .passed
    );
    let bad = params(json!({"eval_type": "nope"}));
    let r = block_on(e.assert("assertion", &bad, &ctx)).expect("ok");
    assert!(
        !r.passed && r.message.contains("unknown assertion type"),
        "{}",
        r.message
    );
}
