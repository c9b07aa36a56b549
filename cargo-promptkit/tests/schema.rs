//! `schema KIND` prints a JSON Schema every file of the conformance corpus validates
//! against (each by the `kind:` it declares), and refuses an unknown kind with the list.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance");

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cargo-promptkit"))
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// The schema `schema <kind>` prints, compiled.
fn schema(kind: &str) -> jsonschema::Validator {
    let out = cli().args(["schema", kind]).output().expect("run schema");
    assert!(
        out.status.success(),
        "schema {kind}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("the schema is JSON");
    jsonschema::validator_for(&doc).unwrap_or_else(|e| panic!("schema {kind} compiles: {e}"))
}

#[test]
fn every_conformance_file_validates_against_the_schema_of_its_kind() {
    let mut files = Vec::new();
    yaml_files(Path::new(CORPUS), &mut files);
    files.sort();
    let mut validators: BTreeMap<String, jsonschema::Validator> = BTreeMap::new();
    let mut checked = 0;
    let mut failures = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        let declares_kind = text.lines().any(|l| l.starts_with("kind:"));
        // Mock-response files and other data declare no kind (one of the corpus' is not
        // even valid YAML; the loader reports it where a project uses it).
        let doc: Value = match serde_saphyr::from_str(&text) {
            Ok(doc) => doc,
            Err(e) if declares_kind => panic!("{}: {e}", file.display()),
            Err(_) => continue,
        };
        let Some(kind) = doc.get("kind").and_then(Value::as_str) else {
            continue;
        };
        let validator = validators
            .entry(kind.to_lowercase())
            .or_insert_with(|| schema(kind));
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if !errors.is_empty() {
            failures.push(format!("{}: {}", file.display(), errors.join("; ")));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 50, "only {checked} files had a kind");
    for kind in [
        "arena",
        "promptconfig",
        "scenario",
        "provider",
        "tool",
        "persona",
        "eval",
    ] {
        assert!(
            validators.contains_key(kind),
            "no conformance file of kind {kind}"
        );
    }
}

#[test]
fn list_names_the_kinds_and_an_unknown_kind_is_refused() {
    let out = cli().args(["schema", "--list"]).output().expect("run");
    assert!(out.status.success());
    let listed = String::from_utf8_lossy(&out.stdout);
    for kind in ["arena", "promptconfig", "scenario", "runtime-config"] {
        assert!(listed.lines().any(|l| l == kind), "{listed}");
    }
    let out = cli().args(["schema", "senario"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(
        error.contains("no schema for `senario`") && error.contains("scenario"),
        "{error}"
    );
}
