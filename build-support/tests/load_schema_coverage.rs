//! Every field of the reference's JSON schemas is accepted by the model: a maximal
//! document (every property, recursively) is generated from each schema in
//! `shared/schemas/arena` and must parse; an extra key must be refused with a suggestion.

use std::path::Path;

use promptkit_build::load::{Required, parse_manifest};
use promptkit_build::model::{
    ArenaSpec, EvalSpec, Kind, PersonaSpec, PromptSpec, ProviderSpec, RuntimeConfigSpec,
    ScenarioSpec, ToolSpec,
};
use serde_json::{Value, json};

/// The schemas `cargo promptkit schema` prints (the reference's, embedded).
const SCHEMAS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/arena");

/// A value for `schema` that sets every property (bounded by `depth`).
fn maximal(schema: &Value, defs: &Value, depth: usize) -> Value {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return match defs.get(name) {
            Some(def) if depth > 0 => maximal(def, defs, depth - 1),
            _ => json!({}),
        };
    }
    // `oneOf` beside `properties` only adds `required` sets (Scenario); the properties rule.
    let structural = schema.get("type").is_some() || schema.get("properties").is_some();
    for key in ["oneOf", "anyOf"].into_iter().filter(|_| !structural) {
        if let Some(first) = schema
            .get(key)
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            return maximal(first, defs, depth);
        }
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        return first.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {
            let mut out = serde_json::Map::new();
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (key, prop) in props {
                    if key != "$schema" {
                        out.insert(key.clone(), maximal(prop, defs, depth));
                    }
                }
            }
            match schema.get("additionalProperties") {
                Some(extra @ Value::Object(_)) => {
                    out.insert("key".into(), maximal(extra, defs, depth));
                }
                Some(Value::Bool(true)) | None if out.is_empty() => {
                    out.insert("free".into(), json!({"form": [1, "two"]}));
                }
                _ => {}
            }
            Value::Object(out)
        }
        Some("array") => {
            let items = schema.get("items").cloned().unwrap_or(json!({}));
            json!([maximal(&items, defs, depth)])
        }
        Some("string") => json!("text"),
        Some("integer") => json!(3),
        Some("number") => json!(0.5),
        Some("boolean") => json!(true),
        _ => json!("any"),
    }
}

/// Provider `type` is a closed set in the model (the schema says only "string"): every
/// provider-shaped object (one with `credential`) gets a known type.
fn known_provider_types(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.contains_key("credential") && map.get("type") == Some(&json!("text")) {
                map.insert("type".into(), json!("openai"));
            }
            map.values_mut().for_each(known_provider_types);
        }
        Value::Array(items) => items.iter_mut().for_each(known_provider_types),
        _ => {}
    }
}

fn document(file: &str, kind: &str) -> (String, Value) {
    let path = Path::new(SCHEMAS).join(file);
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("schema present"))
            .expect("json");
    let defs = schema.get("$defs").cloned().unwrap_or(json!({}));
    let mut doc = maximal(&schema, &defs, 12);
    known_provider_types(&mut doc);
    doc["apiVersion"] = json!("promptkit.altairalabs.ai/v1alpha1");
    doc["kind"] = json!(kind);
    (
        serde_json::to_string_pretty(&doc).expect("serializable"),
        doc,
    )
}

fn check<S: serde::de::DeserializeOwned + Required>(file: &str, kind: Kind) {
    let (text, mut doc) = document(file, kind.as_str());
    let name = Path::new(file);
    let (parsed, diags) = parse_manifest::<S>(name, &text, kind);
    let errors: Vec<String> = diags.errors().map(ToString::to_string).collect();
    assert!(
        parsed.is_some() && errors.is_empty(),
        "{file}: {errors:?}\n{text}"
    );

    // A misspelt field inside spec is refused, with a suggestion.
    let spec = doc["spec"].as_object_mut().expect("spec object");
    let (first, _) = spec
        .iter()
        .next()
        .map(|(k, v)| (k.clone(), v.clone()))
        .expect("a field");
    let typo = format!("{first}x");
    let value = spec.remove(&first).expect("present");
    spec.insert(typo.clone(), value);
    let text = serde_json::to_string_pretty(&doc).expect("serializable");
    let (_, diags) = parse_manifest::<S>(name, &text, kind);
    assert!(diags.has_errors(), "{file}: accepted `{typo}`");
    let error = diags.errors().next().expect("an error");
    assert_eq!(error.message, format!("unknown field `{typo}`"), "{file}");
    assert_eq!(
        error.help,
        vec![format!("did you mean `{first}`?")],
        "{file}"
    );
}

#[test]
fn provider_schema_is_covered() {
    check::<ProviderSpec>("provider.json", Kind::Provider);
}

#[test]
fn tool_schema_is_covered() {
    check::<ToolSpec>("tool.json", Kind::Tool);
}

#[test]
fn persona_schema_is_covered() {
    check::<PersonaSpec>("persona.json", Kind::Persona);
}

#[test]
fn prompt_schema_is_covered() {
    check::<PromptSpec>("promptconfig.json", Kind::PromptConfig);
}

#[test]
fn scenario_schema_is_covered() {
    check::<ScenarioSpec>("scenario.json", Kind::Scenario);
}

#[test]
fn eval_schema_is_covered() {
    check::<EvalSpec>("eval.json", Kind::Eval);
}

#[test]
fn arena_schema_is_covered() {
    check::<ArenaSpec>("arena.json", Kind::Arena);
}

#[test]
fn runtime_schema_is_covered() {
    let (text, _) = document("runtime-config.json", "RuntimeConfig");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("json");
    let spec = serde_json::to_string(&doc["spec"]).expect("json");
    let parsed = serde_saphyr::from_str::<RuntimeConfigSpec>(&spec);
    assert!(
        parsed.is_ok(),
        "{:?}\n{spec}",
        parsed.err().map(|e| e.to_string())
    );
}
