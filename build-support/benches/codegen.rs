//! What `include_pack!` and `include_prompt!` cost inside rustc: the expansion of the
//! largest conformance project (resilience-testing; load + check + pack compile +
//! tokens), and of one prompt file.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use promptkit_build::codegen::{pack::include_pack, prompt::include_prompt};

const PROJECT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/conformance/resilience-testing"
);

fn bench(c: &mut Criterion) {
    let dir = Path::new(PROJECT);
    c.bench_function("codegen/include_pack resilience-testing", |b| {
        b.iter(|| black_box(include_pack(dir, "config.arena.yaml").expect("expands")))
    });
    let prompts = dir.join("prompts");
    let prompt = std::fs::read_dir(&prompts)
        .expect("prompts folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .next()
        .expect("a prompt");
    c.bench_function("codegen/include_prompt resilience-testing prompt", |b| {
        b.iter(|| black_box(include_prompt(&prompts, &prompt).expect("expands")))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
