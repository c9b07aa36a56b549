//! Compiling the largest conformance project (resilience-testing) into a PromptPack:
//! load + compile + serialise (what `Builder::run` and `cargo promptkit compile` do),
//! and compile + serialise alone on a loaded project.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use promptkit_build::load::{LoadOptions, load_project};
use promptkit_build::pack::{CompileOptions, compile, compile_config};

const CONFIG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/conformance/resilience-testing/config.arena.yaml"
);

fn bench(c: &mut Criterion) {
    let options = CompileOptions::default();
    let load = LoadOptions::default();
    c.bench_function("pack/load+compile+json resilience-testing", |b| {
        b.iter(|| {
            let compiled = compile_config(black_box(CONFIG), &load, &options);
            let pack = compiled.pack.expect("compiles");
            black_box(pack.to_json().expect("json"))
        })
    });
    let project = load_project(CONFIG, &load).value.expect("loads");
    c.bench_function("pack/compile+json resilience-testing (loaded)", |b| {
        b.iter(|| {
            let (pack, _) = compile(black_box(&project), &options).expect("compiles");
            black_box(pack.to_json().expect("json"))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
