//! The field-status table (`src/check/fields/fields.tsv`) names every field of the model
//! and nothing else. The model is walked through serde itself: a probe key at a
//! path makes `deny_unknown_fields` list the fields that exist there, so a field
//! added to a struct without a row fails here.

use std::collections::BTreeSet;
use std::path::Path;

use promptkit_build::check::fields::table::{self, KINDS, MOUNTS};
use promptkit_build::check::fields::{Status, Table, markdown};
use promptkit_build::model::{
    ArenaSpec, Envelope, EvalSpec, MockConfig, PersonaSpec, PromptSpec, ProviderSpec, ScenarioSpec,
    ToolSpec,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

const PROBE: &str = "__probe__";

/// One step of a path: a field, a sequence item (`[]`) or a map value (`*`).
fn nest(path: &[String], leaf: serde_json::Value) -> serde_json::Value {
    path.iter()
        .rev()
        .fold(leaf, |inner, seg| match seg.as_str() {
            "[]" => serde_json::Value::Array(vec![inner]),
            "*" => serde_json::json!({ "1": inner }),
            field => serde_json::json!({ field: inner }),
        })
}

/// The fields the model has at `path`, or why there are none (not a struct there).
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

/// Every field path of a kind's model, from `spec`.
fn model_paths(kind: &str) -> Vec<String> {
    match kind {
        // `spec` is each kind's own section.
        "Envelope" => model_fields::<Envelope>()
            .into_iter()
            .filter(|p| p != "spec")
            .collect(),
        "Arena" => model_fields::<ArenaSpec>(),
        "PromptConfig" => model_fields::<PromptSpec>(),
        "Provider" => model_fields::<ProviderSpec>(),
        "Scenario" => model_fields::<ScenarioSpec>(),
        "Tool" => model_fields::<ToolSpec>(),
        "Persona" => model_fields::<PersonaSpec>(),
        "Eval" => model_fields::<EvalSpec>(),
        "MockResponses" => model_fields::<MockConfig>(),
        other => panic!("no model for {other}"),
    }
}

/// The fields of a kind's model at `path` (a mount's target), probed through serde.
fn fields_of(kind: &str, path: &[String]) -> Result<Vec<String>, String> {
    match kind {
        "Envelope" => fields_at::<Envelope>(path),
        "Arena" => fields_at::<ArenaSpec>(path),
        "PromptConfig" => fields_at::<PromptSpec>(path),
        "Provider" => fields_at::<ProviderSpec>(path),
        "Scenario" => fields_at::<ScenarioSpec>(path),
        "Tool" => fields_at::<ToolSpec>(path),
        "Persona" => fields_at::<PersonaSpec>(path),
        "Eval" => fields_at::<EvalSpec>(path),
        "MockResponses" => fields_at::<MockConfig>(path),
        other => panic!("no model for {other}"),
    }
}

/// `a.b[].c` → `["a", "b", "[]", "c"]`.
fn segments(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut name = part;
        let mut seqs = 0;
        while let Some(rest) = name.strip_suffix("[]") {
            name = rest;
            seqs += 1;
        }
        out.push(name.to_owned());
        out.extend(std::iter::repeat_n("[]".to_owned(), seqs));
    }
    out
}

/// The ancestors of a path, outermost first (`a`, `a.b`, `a.b[]` for `a.b[].c`).
fn ancestors(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, c) in path.char_indices() {
        if c == '.' || (c == '[' && path[i..].starts_with("[]")) {
            out.push(path[..i].to_owned());
        }
    }
    out.retain(|a| !a.is_empty() && !a.ends_with("[]") && !a.ends_with(".*"));
    out
}

fn is_mounted(kind: &str, path: &str) -> bool {
    MOUNTS
        .iter()
        .any(|(k, p, _, _)| *k == kind && path.starts_with(&format!("{p}.")))
}

/// Why `path` of `kind` has no status, if it has none: a row of its own, or an outer
/// warned/refused row (whose report covers it).
fn missing_status(table: &Table, kind: &str, path: &str) -> bool {
    if table.row(kind, path).is_some() {
        return false;
    }
    !ancestors(path).iter().any(|a| {
        table
            .row(kind, a)
            .is_some_and(|r| r.status != Status::Executed)
    })
}

#[test]
fn the_table_has_no_malformed_or_duplicate_rows() {
    let (rows, errors) = table::parse(table::TABLE);
    assert!(errors.is_empty(), "{errors:#?}");
    let mut seen = BTreeSet::new();
    let duplicates: Vec<_> = rows
        .iter()
        .filter(|r| !seen.insert((r.kind, r.path)))
        .map(|r| format!("{} {}", r.kind, r.path))
        .collect();
    assert!(duplicates.is_empty(), "rows twice: {duplicates:?}");
    let silent: Vec<_> = rows
        .iter()
        .filter(|r| r.status != Status::Executed && r.note.is_empty())
        .map(|r| format!("{} {}", r.kind, r.path))
        .collect();
    assert!(
        silent.is_empty(),
        "warned/refused rows need a note: {silent:?}"
    );
}

#[test]
fn every_model_field_has_a_status_and_every_row_a_field() {
    let table = Table::get();
    let mut missing = Vec::new();
    let mut unknown = Vec::new();
    for kind in KINDS {
        let paths: Vec<String> = model_paths(kind)
            .into_iter()
            .filter(|p| !is_mounted(kind, p))
            .collect();
        assert!(paths.len() > 5, "{kind}: the probe found {paths:?}");
        for path in &paths {
            if missing_status(table, kind, path) {
                missing.push(format!("{kind}\t{path}"));
            }
        }
        let known: BTreeSet<&String> = paths.iter().collect();
        for row in table.rows().iter().filter(|r| r.kind == kind) {
            if !known.contains(&row.path.to_owned()) {
                unknown.push(format!("{kind}\t{}", row.path));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "model fields without a row in fields.tsv (add them):\n{}",
        missing.join("\n")
    );
    assert!(
        unknown.is_empty(),
        "rows of fields.tsv naming no model field:\n{}",
        unknown.join("\n")
    );
}

#[test]
fn mounted_maps_hold_the_kind_they_follow() {
    for (kind, path, to_kind, to_path) in MOUNTS {
        let here = fields_of(kind, &segments(path));
        let there = fields_of(to_kind, &segments(to_path));
        assert!(here.is_ok(), "{kind} {path}: {here:?}");
        assert_eq!(here, there, "{kind} {path} vs {to_kind} `{to_path}`");
    }
}

/// The schemas `cargo promptkit schema` prints (the reference's, embedded).
const SCHEMAS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/arena");

/// Every property path of a JSON schema below `spec`.
fn schema_paths(schema: &Value, defs: &Value, at: &str, depth: usize, out: &mut BTreeSet<String>) {
    if depth == 0 {
        return;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or_default();
        if let Some(def) = defs.get(name) {
            schema_paths(def, defs, at, depth - 1, out);
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for branch in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            schema_paths(branch, defs, at, depth - 1, out);
        }
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (key, prop) in props {
            let path = if at.is_empty() {
                key.clone()
            } else {
                format!("{at}.{key}")
            };
            out.insert(path.clone());
            schema_paths(prop, defs, &path, depth - 1, out);
        }
    }
    if let Some(extra @ Value::Object(_)) = schema.get("additionalProperties") {
        schema_paths(extra, defs, &format!("{at}.*"), depth - 1, out);
    }
    if let Some(items) = schema.get("items") {
        schema_paths(items, defs, &format!("{at}[]"), depth - 1, out);
    }
}

#[test]
fn every_schema_property_has_a_status() {
    let table = Table::get();
    let mut missing = Vec::new();
    for (file, kind) in [
        ("arena.json", "Arena"),
        ("promptconfig.json", "PromptConfig"),
        ("provider.json", "Provider"),
        ("scenario.json", "Scenario"),
        ("tool.json", "Tool"),
        ("persona.json", "Persona"),
        ("eval.json", "Eval"),
    ] {
        let text = std::fs::read_to_string(Path::new(SCHEMAS).join(file)).expect("schema");
        let schema: Value = serde_json::from_str(&text).expect("json");
        let defs = schema.get("$defs").cloned().unwrap_or_default();
        let spec = &schema["properties"]["spec"];
        let mut paths = BTreeSet::new();
        schema_paths(spec, &defs, "", 24, &mut paths);
        assert!(paths.len() > 5, "{file}: {paths:?}");
        let mut envelope = BTreeSet::new();
        schema_paths(&schema, &defs, "", 24, &mut envelope);
        for path in envelope {
            let outer = path.split(['.', '[']).next().unwrap_or_default();
            if outer != "spec" && missing_status(table, "Envelope", &path) {
                missing.push(format!("Envelope\t{path}"));
            }
        }
        let model: BTreeSet<String> = model_paths(kind).into_iter().collect();
        for path in paths {
            // Inline specs follow their kind (checked with that kind's schema).
            if is_mounted(kind, &path) {
                continue;
            }
            // Below a free-form value of the model (workflow, params, schemas) the
            // schema's properties are data, not fields.
            let free_form = ancestors(&path).iter().any(|a| {
                model.contains(a)
                    && !model.iter().any(|m| {
                        m.starts_with(&format!("{a}.")) || m.starts_with(&format!("{a}[]"))
                    })
            });
            if !free_form && missing_status(table, kind, &path) {
                missing.push(format!("{kind}\t{path}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "schema properties without a status:\n{}",
        missing.join("\n")
    );
}

#[test]
fn fields_md_is_generated_from_the_table() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../FIELDS.md");
    let expected = markdown();
    if std::env::var_os("UPDATE_FIELDS_MD").is_some() {
        std::fs::write(&path, &expected).expect("FIELDS.md written");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "FIELDS.md is stale: run `UPDATE_FIELDS_MD=1 cargo test -p promptkit-build --test it fields_table`"
    );
}
