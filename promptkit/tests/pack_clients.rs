//! Packs we compile render in the official PromptPack client for LangChain.js
//! (`@promptpack/langchain` from the npm registry) exactly as our own renderer renders
//! them — fragments included (the reference compiler writes a fragment as its own
//! placeholder, which that client rejects with "Maximum fragment substitution depth
//! exceeded").
//!
//! `.ci/run` installs the client and sets `PROMPTPACK_CLIENTS_DIR` to the folder holding
//! its `node_modules`; elsewhere the test says how to run it and passes only outside CI.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use promptkit::Pack;
use promptkit_build::frontend::Frontend;
use promptkit_build::pack::{CompileOptions, PackVariable};
use promptkit_build::template::placeholders;
use serde_json::Value;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/clients/render-langchainjs.cjs"
);

/// Projects whose packs are rendered: the example with fragments and the conformance
/// corpus.
fn projects() -> Vec<PathBuf> {
    let mut out = vec![Path::new(ROOT).join("examples/typed-prompts/promptkit/config.arena.yaml")];
    let corpus = Path::new(ROOT).join("../shared/conformance");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("conformance corpus")
        .filter_map(|e| Some(e.ok()?.path().join("config.arena.yaml")))
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    out.extend(entries);
    out
}

/// A value for a required variable: its example, else one of its declared type.
fn sample(variable: &PackVariable) -> Value {
    if let Some(example) = &variable.example {
        return example.clone();
    }
    match variable.r#type.as_str() {
        "number" | "integer" => Value::from(3),
        "boolean" => Value::Bool(true),
        _ => Value::String(format!("<{}>", variable.name)),
    }
}

fn client_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PROMPTPACK_CLIENTS_DIR").map(PathBuf::from);
    match dir {
        Some(dir) => Some(dir),
        None if std::env::var_os("CI").is_some() => {
            panic!("PROMPTPACK_CLIENTS_DIR is not set: .ci/run installs @promptpack/langchain")
        }
        None => {
            eprintln!(
                "not run: set PROMPTPACK_CLIENTS_DIR to a folder where \
                 `npm install @promptpack/langchain@0.1.0` was run"
            );
            None
        }
    }
}

#[test]
fn every_prompt_renders_the_same_in_the_langchainjs_client() {
    let Some(clients) = client_dir() else { return };
    let temp = tempfile::tempdir().expect("temp dir");
    let mut compared = 0;
    let mut with_fragments = 0;
    for config in projects() {
        let compiled = Frontend::new()
            .project(&config)
            .compile(&CompileOptions::default());
        let Some(pack) = compiled.pack else {
            // Projects the pack format cannot hold (no prompt version, …) are the
            // compile tests' business.
            continue;
        };
        let json = pack.to_json().expect("json");
        let path = temp.path().join(format!("{}.pack.json", pack.id));
        std::fs::write(&path, &json).expect("write pack");
        let ours = Pack::from_json(&json).expect("reads its own pack");
        with_fragments += usize::from(!pack.fragments.is_empty());
        for (id, prompt) in &pack.prompts {
            // Required variables, optional ones without a default, and placeholders the
            // arena supplies without declaring them (judge prompts' `{{criteria}}`, …).
            let mut given: serde_json::Map<String, Value> = prompt
                .variables
                .iter()
                .filter(|v| v.required)
                .map(|v| (v.name.clone(), sample(v)))
                .collect();
            for placeholder in placeholders(&prompt.system_template) {
                let name = placeholder.name;
                if placeholder.is_well_formed() && !given.contains_key(name) {
                    let value = match prompt.variables.iter().find(|v| v.name == name) {
                        Some(v) if v.default.is_some() => continue,
                        Some(v) => sample(v),
                        None => Value::String(format!("<{name}>")),
                    };
                    given.insert(name.to_owned(), value);
                }
            }
            let as_text: BTreeMap<String, String> = given
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                    )
                })
                .collect();
            let expected = ours
                .render(id, &as_text)
                .unwrap_or_else(|e| panic!("{}: {id}: {e}", config.display()));
            let out = Command::new("node")
                .arg(SCRIPT)
                .arg(&path)
                .arg(id)
                .arg(Value::Object(given).to_string())
                .env("NODE_PATH", clients.join("node_modules"))
                .output()
                .expect("run node");
            assert!(
                out.status.success(),
                "{}: prompt `{id}` does not render in @promptpack/langchain: {}",
                config.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                expected,
                "{}: prompt `{id}`",
                config.display()
            );
            compared += 1;
        }
    }
    assert!(compared >= 10, "only {compared} prompts compared");
    assert!(with_fragments >= 1, "no pack with fragments was rendered");
}
