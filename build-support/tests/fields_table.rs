//! The field-status table (`src/check/fields.tsv`) names every field of the model
//! and nothing else. The model is walked through serde itself: a probe key at a
//! path makes `deny_unknown_fields` list the fields that exist there, so a field
//! added to a struct without a row fails here.

use promptkit_build::model::{
    ArenaSpec, EvalSpec, MockConfig, PersonaSpec, PromptSpec, ProviderSpec, ScenarioSpec, ToolSpec,
};
use serde::de::DeserializeOwned;

const PROBE: &str = "__probe__";

/// One step of a path: a field, a sequence item (`[]`) or a map value (`*`).
fn nest(path: &[String], leaf: serde_json::Value) -> serde_json::Value {
    path.iter().rev().fold(leaf, |inner, seg| match seg.as_str() {
        "[]" => serde_json::Value::Array(vec![inner]),
        "*" => serde_json::json!({ "1": inner }),
        field => serde_json::json!({ field: inner }),
    })
}

/// The fields the model has at `path`, or `None` when it is not a struct there.
fn fields_at<S: DeserializeOwned>(path: &[String]) -> Result<Vec<String>, String> {
    let doc = nest(path, serde_json::json!({ PROBE: 1 }));
    let text = serde_json::to_string(&doc).expect("json");
    match serde_saphyr::from_str::<S>(&text) {
        Ok(_) => Err("accepted".into()),
        Err(e) => {
            let message = e.to_string();
            let marker = format!("unknown field `{PROBE}`");
            match message.find(&marker) {
                Some(at) => {
                    let tail = &message[at + marker.len()..];
                    let line = tail.lines().next().unwrap_or_default();
                    let list = line
                        .strip_prefix(", expected one of ")
                        .or_else(|| line.strip_prefix(", expected "))
                        .unwrap_or_default();
                    Ok(list
                        .split(", ")
                        .map(|s| s.trim().trim_matches('`').to_owned())
                        .filter(|s| !s.is_empty())
                        .collect())
                }
                None => Err(message),
            }
        }
    }
}

fn walk<S: DeserializeOwned>(path: &mut Vec<String>, out: &mut Vec<String>) {
    for field in fields_at::<S>(path).unwrap_or_default() {
        path.push(field);
        out.push(render(path));
        descend::<S>(path, out);
        path.pop();
    }
}

fn descend<S: DeserializeOwned>(path: &mut Vec<String>, out: &mut Vec<String>) {
    if fields_at::<S>(path).is_ok() {
        return walk::<S>(path, out);
    }
    for step in ["[]", "*"] {
        path.push(step.into());
        if fields_at::<S>(path).is_ok() {
            walk::<S>(path, out);
            path.pop();
            return;
        }
        path.pop();
    }
}

fn render(path: &[String]) -> String {
    let mut s = String::new();
    for seg in path {
        if seg == "[]" {
            s.push_str("[]");
        } else {
            if !s.is_empty() {
                s.push('.');
            }
            s.push_str(seg);
        }
    }
    s
}

fn model_fields<S: DeserializeOwned>() -> Vec<String> {
    let mut out = Vec::new();
    walk::<S>(&mut Vec::new(), &mut out);
    out
}

#[test]
fn dump() {
    for (kind, fields) in [
        ("Arena", model_fields::<ArenaSpec>()),
        ("PromptConfig", model_fields::<PromptSpec>()),
        ("Provider", model_fields::<ProviderSpec>()),
        ("Scenario", model_fields::<ScenarioSpec>()),
        ("Tool", model_fields::<ToolSpec>()),
        ("Persona", model_fields::<PersonaSpec>()),
        ("Eval", model_fields::<EvalSpec>()),
        ("MockResponses", model_fields::<MockConfig>()),
    ] {
        for f in fields {
            println!("{kind}\t{f}");
        }
    }
}
