//! The runtime pack reader: third-party packs round-trip losslessly, prompts render
//! with checked variables, and our compiled packs load.

use std::collections::BTreeMap;
use std::path::Path;

use promptkit::Pack;
use promptkit::pack::{RenderError, schema_version, validate_schema};
use promptkit_build::frontend::Frontend;
use promptkit_build::pack::CompileOptions;
use serde_json::{Value, json};

const EXAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/schemas/example-packs"
);
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance");

fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn example_paths() -> Vec<std::path::PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(EXAMPLES)
        .expect("example packs")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 2);
    paths
}

#[test]
fn example_packs_round_trip_without_losing_a_field() {
    for path in example_paths() {
        let original: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        let pack = Pack::from_path(&path).expect("loads");
        let again: Value = serde_json::from_str(&pack.to_json().expect("writes")).expect("json");
        assert_eq!(again, original, "{}", path.display());
    }
}

#[test]
fn unknown_future_fields_survive_at_every_level() {
    let text = json!({
        "id": "future", "name": "Future", "version": "2.0.0",
        "x_pack": {"nested": [1, 2]},
        "template_engine": {"version": "v2", "syntax": "{{variable}}", "x_engine": true},
        "prompts": {"p": {
            "id": "p", "name": "P", "version": "1.0.0", "system_template": "Hi",
            "x_prompt": "kept",
            "variables": [{"name": "a", "type": "string", "required": false, "x_var": 1}],
            "validators": [{"type": "max_length", "enabled": true, "x_val": null}],
            "parameters": {"temperature": 0.5, "frequency_penalty": 0.1},
            "model_overrides": {"m": {"system_template_prefix": "Pre: "}}
        }},
        "tools": {"t": {"name": "t", "description": "d", "x_tool": "kept"}},
        "workflow": {"version": 1, "entry": "s", "states": {"s": {"prompt_task": "p", "x_state": 1}}},
        "compilation": {"compiled_with": "packc-v9", "created_at": "2030-01-01T00:00:00Z", "schema": "v9", "source": "x"}
    });
    let pack = Pack::from_json(&text.to_string()).expect("loads");
    let again: Value = serde_json::from_str(&pack.to_json().expect("writes")).expect("json");
    assert_eq!(again, text);
}

#[test]
fn third_party_pack_lists_and_renders_with_fragments() {
    let pack = Pack::from_path(Path::new(EXAMPLES).join("customer-support.json")).expect("loads");
    assert_eq!(pack.id(), "customer-support");
    assert!(pack.prompt_names().contains(&"support"));
    let validators: Vec<&str> = pack
        .validators("support")
        .iter()
        .map(|v| v.r#type.as_str())
        .collect();
    assert_eq!(validators, ["banned_words", "max_length"]);
    let text = pack
        .render("support", &vars(&[("role", "customer support")]))
        .expect("renders");
    assert!(text.starts_with("You are a customer support assistant for TechCorp."));
    assert!(
        text.contains("Handle general customer inquiries"),
        "default applied"
    );
    assert!(
        text.contains("TechCorp provides cloud infrastructure"),
        "fragment filled"
    );
    assert!(!text.contains("{{"));

    let sales = Pack::from_path(Path::new(EXAMPLES).join("sales-assistant.json")).expect("loads");
    assert!(sales.tools().count() >= 1);
    for task in sales.prompt_names() {
        assert_eq!(
            sales.tools_of(task).len(),
            sales.prompt(task).map_or(0, |p| p.tools.len()),
            "every tool of `{task}` is defined"
        );
    }
}

#[test]
fn variables_are_checked_with_clear_errors() {
    let pack = Pack::from_path(Path::new(EXAMPLES).join("customer-support.json")).expect("loads");
    let missing = pack
        .render("support", &BTreeMap::new())
        .expect_err("role is required");
    assert!(matches!(missing, RenderError::Variables { .. }));
    assert!(missing.to_string().contains("`role`"), "{missing}");
    let bad_enum = pack
        .render("support", &vars(&[("role", "x"), ("issue_type", "refund")]))
        .expect_err("enum");
    assert!(bad_enum.to_string().contains("issue_type"), "{bad_enum}");
    assert!(bad_enum.to_string().contains("enum"), "{bad_enum}");
    let unknown = pack
        .render("nope", &BTreeMap::new())
        .expect_err("unknown prompt");
    assert!(unknown.to_string().contains("support"), "{unknown}");

    let typed = Pack::from_json(
        &json!({
            "id": "t", "name": "T", "version": "1.0.0",
            "template_engine": {"version": "v1", "syntax": "{{variable}}"},
            "prompts": {"p": {"id": "p", "name": "P", "version": "1.0.0",
                "system_template": "{{zip}} {{n}} {{undeclared}}",
                "variables": [
                    {"name": "zip", "type": "string", "required": true, "validation": {"pattern": "^\\d{5}$"}},
                    {"name": "n", "type": "number", "required": true}
                ]}}
        })
        .to_string(),
    )
    .expect("loads");
    let err = typed
        .render("p", &vars(&[("zip", "123"), ("n", "ten")]))
        .expect_err("pattern and type");
    let text = err.to_string();
    assert!(text.contains("zip") && text.contains("pattern"), "{text}");
    assert!(text.contains("`n`") && text.contains("number"), "{text}");
    let unresolved = typed
        .render("p", &vars(&[("zip", "12345"), ("n", "10")]))
        .expect_err("undeclared placeholder");
    assert!(
        unresolved.to_string().contains("{{undeclared}}"),
        "{unresolved}"
    );
}

#[test]
fn model_overrides_apply() {
    let pack = Pack::from_json(
        &json!({
            "id": "o", "name": "O", "version": "1.0.0",
            "template_engine": {"version": "v1", "syntax": "{{variable}}"},
            "prompts": {"p": {"id": "p", "name": "P", "version": "1.0.0",
                "system_template": "Base.",
                "model_overrides": {
                    "gpt-4o": {"system_template_suffix": " Be brief."},
                    "claude": {"system_template": "Other.", "system_template_prefix": "> "}
                }}}
        })
        .to_string(),
    )
    .expect("loads");
    let none = BTreeMap::new();
    assert_eq!(pack.render("p", &none).expect("base"), "Base.");
    assert_eq!(
        pack.render_for_model("p", Some("gpt-4o"), &none)
            .expect("suffix"),
        "Base. Be brief."
    );
    assert_eq!(
        pack.render_for_model("p", Some("claude"), &none)
            .expect("replaced"),
        "> Other."
    );
}

#[test]
fn compiled_conformance_packs_load_validate_and_render() {
    let config = Path::new(CORPUS).join("customer-support-integrated/config.arena.yaml");
    let compiled = Frontend::new()
        .project(&config)
        .compile(&CompileOptions::default());
    let json = compiled.pack.expect("compiles").to_json().expect("json");
    assert!(validate_schema(&serde_json::from_str(&json).expect("json")).is_empty());
    let pack = Pack::from_json(&json).expect("loads");
    assert!(pack.check().is_empty(), "{:?}", pack.check());
    let text = pack
        .render("customer-support", &BTreeMap::new())
        .expect("defaults suffice");
    assert!(text.starts_with("You are a TechCo customer support agent"));
    assert_eq!(pack.tools_of("customer-support").len(), 4);
}

#[test]
fn schema_violations_and_bad_json_are_reported_with_positions() {
    let problems = validate_schema(&json!({"id": "Bad Id", "name": "x", "version": "one"}));
    assert!(problems.iter().any(|p| p.pointer == "/id"), "{problems:?}");
    assert!(
        problems.iter().any(|p| p.pointer == "/version"),
        "{problems:?}"
    );
    let err = Pack::from_json("{\n  \"id\": 3\n}").expect_err("id must be a string");
    assert!(err.to_string().contains("<json>:2:"), "{err}");
}

#[test]
fn packs_are_checked_against_the_schema_version_they_declare() {
    let path = Path::new(EXAMPLES).join("customer-support.json");
    let mut pack: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("example pack")).expect("json");
    assert_eq!(schema_version(&pack), "v1.0");
    assert!(validate_schema(&pack).is_empty());
    // `skills` arrived after 1.0: a 1.0 pack may not carry it, a latest one may.
    pack["skills"] = json!([]);
    let problems = validate_schema(&pack);
    assert!(
        problems.iter().any(|p| p.message.contains("skills")),
        "{problems:?}"
    );
    pack["$schema"] = json!("https://promptpack.org/schema/latest/promptpack.schema.json");
    assert_eq!(schema_version(&pack), "latest");
    assert!(
        validate_schema(&pack).is_empty(),
        "{:?}",
        validate_schema(&pack)
    );
    // An unknown version is checked against the latest schema.
    pack["$schema"] = json!("https://promptpack.org/schema/v9.9/promptpack.schema.json");
    assert_eq!(schema_version(&pack), "latest");
}

#[test]
fn other_template_syntaxes_are_refused_clearly() {
    let pack = Pack::from_json(
        &json!({
            "id": "d", "name": "D", "version": "1.0.0",
            "template_engine": {"version": "v1", "syntax": "${variable}"},
            "prompts": {"p": {"id": "p", "name": "P", "version": "1.0.0", "system_template": "Hi ${name}"}}
        })
        .to_string(),
    )
    .expect("loads");
    let err = pack.render("p", &BTreeMap::new()).expect_err("unsupported");
    assert!(matches!(err, RenderError::UnsupportedSyntax { .. }));
    assert!(err.to_string().contains("${variable}"), "{err}");
}
