//! Load + check of the quick-start project with one file replaced by the input, served
//! from memory (no disk reads). Never panics; every error has a location.
#![no_main]

use std::path::PathBuf;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use promptkit_build::check::check_project;
use promptkit_build::load::{Embedded, LoadOptions, load_project};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/arena-quickstart");

fuzz_target!(|input: (u8, String)| {
    let (which, text) = input;
    let root = std::fs::canonicalize(ROOT).unwrap_or_else(|_| PathBuf::from(ROOT));
    let root = root.as_path();
    // The example's files as they are on disk, one of them replaced by the input.
    let mut embedded = Embedded::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path: PathBuf = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                let contents = std::fs::read_to_string(&path).unwrap_or_default();
                embedded.insert(path, Arc::from(contents));
            }
        }
    }
    if let Some(value) = embedded.values_mut().nth(usize::from(which) % embedded.len().max(1)) {
        *value = Arc::from(text.as_str());
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
