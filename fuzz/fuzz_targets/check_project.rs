//! Load + check of the quick-start project with one file replaced by the input, served
//! from memory (no disk reads). Never panics; every error has a location.
#![no_main]

use std::path::PathBuf;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use promptkit_build::check::check_project;
use promptkit_build::load::{Embedded, LoadOptions, load_project};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/arena-quickstart");
const FILES: &[&str] = &[
    "config.arena.yaml",
    "mock-responses.yaml",
    "prompts/support.yaml",
    "providers/mock.provider.yaml",
    "scenarios/order-status.scenario.yaml",
    "scenarios/refund-policy.scenario.yaml",
    "tools/get-order-status.tool.yaml",
];

fuzz_target!(|input: (u8, String)| {
    let (which, text) = input;
    let root = std::fs::canonicalize(ROOT).unwrap_or_else(|_| PathBuf::from(ROOT));
    let root = root.as_path();
    let mut embedded = Embedded::new();
    for (i, rel) in FILES.iter().enumerate() {
        let path: PathBuf = root.join(rel);
        let contents = if i == usize::from(which) % FILES.len() {
            text.clone()
        } else {
            std::fs::read_to_string(&path).unwrap_or_default()
        };
        embedded.insert(path, Arc::from(contents));
    }
    let options = LoadOptions {
        embedded: Some(Arc::new(embedded)),
        ..LoadOptions::default()
    };
    let loaded = load_project(root.join("config.arena.yaml"), &options);
    let checked = check_project(&loaded);
    for d in loaded.diagnostics.errors().chain(checked.errors()) {
        assert!(d.location.is_some(), "unlocated error: {}", d.message);
    }
});
