//! Arena engine throughput on the mock provider: scenario turns per second.
//!
//! `cargo bench -p promptkit --bench engine`
//!
//! Two inputs: the quick-start example (2 scenarios, tool loop) and the largest
//! conformance project (resilience-testing: 11 scenarios, 13 cases with trials and
//! perturbations, ~100 assertions). Each iteration runs the whole suite (load and check
//! done once, outside the measurement); throughput is reported in turns.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use promptkit::arena::{RunOptions, Setup, Suite};

fn bench_suite(c: &mut Criterion, name: &str, config: &str) {
    let suite = Suite::load(config, RunOptions::default(), &Setup::new()).expect("suite loads");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let turns: usize = runtime
        .block_on(suite.run(|_| {}))
        .cases
        .iter()
        .map(|c| c.turns.len())
        .sum();
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(turns as u64));
    group.bench_function(name, |b| {
        b.iter(|| black_box(runtime.block_on(suite.run(|_| {}))));
    });
    group.finish();
}

fn engine(c: &mut Criterion) {
    bench_suite(
        c,
        "quickstart",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/arena-quickstart/config.arena.yaml"
        ),
    );
    bench_suite(
        c,
        "resilience-testing",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/conformance/resilience-testing/config.arena.yaml"
        ),
    );
}

criterion_group!(benches, engine);
criterion_main!(benches);
