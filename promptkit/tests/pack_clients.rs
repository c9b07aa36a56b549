//! Packs we compile render in the official PromptPack clients exactly as our own
//! renderer renders them — fragments included (the reference compiler writes a fragment
//! as its own placeholder, which the clients reject with "Maximum fragment substitution
//! depth exceeded" or "Undefined variable").
//!
//! - LangChain.js (`@promptpack/langchain`, npm): `.ci/run` installs it and sets
//!   `PROMPTPACK_CLIENTS_DIR` to the folder holding its `node_modules`.
//! - Python (`promptpack` of AltairaLabs/promptpack-python): not published on PyPI, so
//!   CI cannot install it; with `PROMPTPACK_PYTHON_SRC` set to its
//!   `packages/promptpack/src` folder (and `pydantic` 2 installed) the test runs it too.
//!
//! Without a client the test says how to run it; the LangChain.js one is required in CI.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use promptkit::Pack;
use promptkit_build::frontend::Frontend;
use promptkit_build::pack::{CompileOptions, PackVariable};
use promptkit_build::template::placeholders;
use serde_json::Value;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
const CLIENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clients");

/// An official client, and how to ask it to render one prompt.
struct Client {
    name: &'static str,
    program: &'static str,
    script: &'static str,
    /// The variable pointing the program at the installed client, and its value.
    env: (&'static str, PathBuf),
    /// How it refuses a schema-valid pack (the `pack` tests validate every one) that
    /// holds values or fields its own model lacks; empty: it never may.
    narrower_than_schema: &'static [&'static str],
}

impl Client {
    fn render(&self, pack: &Path, id: &str, vars: &Value) -> std::process::Output {
        Command::new(self.program)
            .arg(Path::new(CLIENTS).join(self.script))
            .arg(pack)
            .arg(id)
            .arg(vars.to_string())
            .env(self.env.0, &self.env.1)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.program))
    }
}

/// Projects whose packs are rendered: the example with fragments, its copy with only
/// the PromptPack schema's example variable types, and the conformance corpus.
fn projects() -> Vec<PathBuf> {
    let mut out = vec![
        Path::new(ROOT).join("examples/typed-prompts/promptkit/config.arena.yaml"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fragments-pack/config.arena.yaml"),
    ];
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

/// The LangChain.js client, required in CI.
fn langchainjs() -> Option<Client> {
    let dir = std::env::var_os("PROMPTPACK_CLIENTS_DIR").map(PathBuf::from);
    match dir {
        Some(dir) => Some(Client {
            name: "@promptpack/langchain",
            program: "node",
            script: "render-langchainjs.cjs",
            env: ("NODE_PATH", dir.join("node_modules")),
            narrower_than_schema: &[],
        }),
        None if std::env::var_os("CI").is_some() => {
            panic!("PROMPTPACK_CLIENTS_DIR is not set: .ci/run installs @promptpack/langchain")
        }
        None => {
            eprintln!(
                "@promptpack/langchain not run: set PROMPTPACK_CLIENTS_DIR to a folder where \
                 `npm install @promptpack/langchain@0.1.0` was run"
            );
            None
        }
    }
}

/// The Python client, from a checkout of its sources.
fn python() -> Option<Client> {
    let Some(src) = std::env::var_os("PROMPTPACK_PYTHON_SRC").map(PathBuf::from) else {
        eprintln!(
            "promptpack (Python) not run: it is not on PyPI; set PROMPTPACK_PYTHON_SRC to \
             the packages/promptpack/src folder of AltairaLabs/promptpack-python"
        );
        return None;
    };
    Some(Client {
        name: "promptpack (Python)",
        program: "python3",
        script: "render-promptpack-python.py",
        env: ("PYTHONPATH", src),
        // Its model (PromptPack 1.1) closes lists the schema leaves open (variable
        // types beyond string/number/boolean/object/array, validator types beyond its
        // nine) and forbids later fields (`workflow`).
        narrower_than_schema: &["[type=literal_error", "[type=extra_forbidden"],
    })
}

#[test]
fn every_prompt_renders_the_same_in_the_langchainjs_client() {
    if let Some(client) = langchainjs() {
        renders_the_same(&client);
    }
}

#[test]
fn every_prompt_renders_the_same_in_the_python_client() {
    if let Some(client) = python() {
        renders_the_same(&client);
    }
}

fn renders_the_same(client: &Client) {
    let temp = tempfile::tempdir().expect("temp dir");
    let mut compared = 0;
    let mut with_fragments = 0;
    let mut refused = 0;
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
        let mut rendered_here = 0;
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
            let out = client.render(&path, id, &Value::Object(given));
            let stderr = String::from_utf8_lossy(&out.stderr);
            if !out.status.success()
                && client
                    .narrower_than_schema
                    .iter()
                    .any(|marker| stderr.contains(marker))
            {
                eprintln!(
                    "{}: {} refuses `{id}`: {stderr}",
                    config.display(),
                    client.name
                );
                refused += 1;
                continue;
            }
            assert!(
                out.status.success(),
                "{}: prompt `{id}` does not render in {}: {}",
                config.display(),
                client.name,
                stderr
            );
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                expected,
                "{}: prompt `{id}` in {}",
                config.display(),
                client.name
            );
            compared += 1;
            rendered_here += 1;
        }
        with_fragments += usize::from(!pack.fragments.is_empty() && rendered_here > 0);
    }
    assert!(compared >= 10, "only {compared} prompts compared");
    eprintln!(
        "{}: {compared} prompts rendered the same, {refused} refused",
        client.name
    );
    assert!(with_fragments >= 1, "no pack with fragments was rendered");
}
