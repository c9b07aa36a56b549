//! Compiling the largest conformance project (resilience-testing) into a PromptPack:
//! load + check + compile + serialise (what `Builder::run` and `cargo promptkit compile`
//! do), and compile + serialise alone on a checked project.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use promptkit_build::frontend::Frontend;
use promptkit_build::pack::{CompileOptions, compile};

const CONFIG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/conformance/resilience-testing/config.arena.yaml"
);

fn bench(c: &mut Criterion) {
    let options = CompileOptions::default();
    c.bench_function("pack/load+check+compile+json resilience-testing", |b| {
        b.iter(|| {
            let compiled = Frontend::new().project(black_box(CONFIG)).compile(&options);
            let pack = compiled.pack.expect("compiles");
            black_box(pack.to_json().expect("json"))
        })
    });
    let project = Frontend::new().project(CONFIG).checked.expect("checks");
    c.bench_function("pack/compile+json resilience-testing (checked)", |b| {
        b.iter(|| {
            let (pack, _) = compile(black_box(&project), &options).expect("compiles");
            black_box(pack.to_json().expect("json"))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
