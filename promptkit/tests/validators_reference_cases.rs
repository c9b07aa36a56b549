//! The reference's guardrail tests (`runtime/hooks/guardrails/*_test.go`) as data:
//! build each validator, apply it to input, output or a streamed chunk, check the verdict.

use promptkit::assertions::{AssertionContext, EvalResult};
use promptkit::validators::{Validator, ValidatorSet};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::sync::Arc;

#[derive(Deserialize)]
struct File {
    source: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    #[serde(rename = "type")]
    validator_type: String,
    #[serde(default)]
    params: Map<String, Value>,
    message: Option<String>,
    stub_score: Option<f64>,
    call: Option<String>,
    #[serde(default)]
    text: String,
    expect: Expect,
}

#[derive(Deserialize)]
struct Expect {
    build_error_contains: Option<String>,
    triggered: Option<bool>,
    delivered: Option<String>,
    delivered_not: Option<String>,
}

/// Like the reference's spy handler: scores `score`, or fails when handed a threshold.
fn stub(score: f64) -> Arc<dyn promptkit::assertions::CustomAssertion> {
    Arc::new(move |params: &Map<String, Value>, _: &AssertionContext| {
        if params.contains_key("min_score") || params.contains_key("max_score") {
            EvalResult::error("threshold params must not reach the check")
        } else {
            EvalResult::scored(score, "stub")
        }
    })
}

fn build(case: &Case) -> Result<Validator, String> {
    let v = match case.stub_score {
        Some(score) => Ok(Validator::custom(
            &case.validator_type,
            &case.params,
            stub(score),
        )),
        None => Validator::new(&case.validator_type, &case.params).map_err(|e| e.to_string()),
    }?;
    Ok(match &case.message {
        Some(m) => v.with_message(m.clone()),
        None => v,
    })
}

#[test]
fn every_reference_guardrail_case_gives_its_verdict() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/validators/guardrails.json"
    );
    let file: File =
        serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("parses");
    let mut failures = Vec::new();
    for case in &file.cases {
        let built = build(case);
        if let Some(want) = &case.expect.build_error_contains {
            match &built {
                Err(e) if e.to_lowercase().contains(&want.to_lowercase()) => {}
                other => failures.push(format!(
                    "{}: want build error with {want:?}, got {other:?}",
                    case.name
                )),
            }
            continue;
        }
        let v = match built {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{}: build failed: {e}", case.name));
                continue;
            }
        };
        let set = ValidatorSet::new(vec![v]);
        let (triggered, delivered) = match case.call.as_deref() {
            None => continue,
            Some("input") => {
                let outs = set.check_input(&case.text, &Default::default());
                let fired = outs.iter().any(|o| o.triggered);
                let text = if fired {
                    set.validators()[0].enforce(&case.text)
                } else {
                    case.text.clone()
                };
                (fired, text)
            }
            Some("chunk") => match set.check_stream(&case.text) {
                Some((v, _)) => (true, v.enforce(&case.text)),
                None => (false, case.text.clone()),
            },
            Some(_) => {
                let (outs, text) = set.enforce_output(&case.text, &Default::default());
                (outs.iter().any(|o| o.triggered), text)
            }
        };
        if let Some(t) = case.expect.triggered
            && t != triggered
        {
            failures.push(format!(
                "{}: triggered: want {t}, got {triggered}",
                case.name
            ));
        }
        if let Some(d) = &case.expect.delivered
            && d != &delivered
        {
            failures.push(format!(
                "{}: delivered: want {d:?}, got {delivered:?}",
                case.name
            ));
        }
        if let Some(d) = &case.expect.delivered_not
            && d == &delivered
        {
            failures.push(format!("{}: delivered text was not enforced", case.name));
        }
    }
    eprintln!(
        "reference guardrail cases: {} ({})",
        file.cases.len(),
        file.source
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
