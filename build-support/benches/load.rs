//! Loading the largest conformance project (by bytes of the files it reads).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use promptkit_build::load::{LoadOptions, load_project};
use promptkit_build::model::Node;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance");

/// The project whose loaded files total the most bytes.
fn largest_project() -> (PathBuf, u64) {
    let mut best = (PathBuf::new(), 0);
    let Ok(entries) = std::fs::read_dir(CORPUS) else {
        return best;
    };
    for entry in entries.flatten() {
        let config = entry.path().join("config.arena.yaml");
        if !config.is_file() {
            continue;
        }
        let loaded = load_project(&config, &LoadOptions::default());
        let bytes = loaded
            .files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        if bytes > best.1 {
            best = (config, bytes);
        }
    }
    best
}

fn bench_load(c: &mut Criterion) {
    let (config, bytes) = largest_project();
    let name = config
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let options = LoadOptions::default();
    c.bench_function(&format!("load_project/{name} ({bytes} bytes)"), |b| {
        b.iter(|| {
            let loaded = load_project(black_box(&config), &options);
            assert!(!loaded.diagnostics.has_errors());
            black_box(loaded)
        })
    });
}

/// YAML parsing alone (texts in memory, into the spanned free-form `Node`), to tell
/// parser cost from loader cost.
fn bench_parse(c: &mut Criterion) {
    let (config, _) = largest_project();
    let loaded = load_project(&config, &LoadOptions::default());
    let texts: Vec<(PathBuf, String)> = loaded
        .files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok().map(|t| (f.clone(), t)))
        .collect();
    c.bench_function("parse_only/largest project files as spanned Node", |b| {
        b.iter(|| {
            for (path, text) in &texts {
                let node: Result<Node, _> = serde_saphyr::from_str(black_box(text));
                black_box((path, node.is_ok()));
            }
        })
    });
}

criterion_group!(benches, bench_load, bench_parse);
criterion_main!(benches);
