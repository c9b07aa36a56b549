//! Context policies on a long conversation: what fitting 200 messages into a budget
//! costs per provider call, oldest-first and by relevance (with an in-process embedder,
//! so the figure is the selection itself, not an embedding API).
//!
//! `cargo bench -p promptkit --bench context`

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use promptkit::Message;
use promptkit::conversation::{ContextPolicy, Relevance, RelevanceQuery, Truncation};
use promptkit::providers::embeddings::{EmbedFuture, Embedder};

/// A 64-dimension bag of letters: cheap and deterministic.
struct Letters;

impl Embedder for Letters {
    fn embed<'a>(&'a self, texts: &'a [String]) -> EmbedFuture<'a> {
        let vectors = texts
            .iter()
            .map(|t| {
                let mut v = vec![0.0; 64];
                for b in t.bytes() {
                    v[usize::from(b) % 64] += 1.0;
                }
                v
            })
            .collect();
        Box::pin(async move { Ok(vectors) })
    }
}

fn conversation() -> Vec<Message> {
    (0..200)
        .map(|i| {
            let text = format!(
                "message {i} about order ORD-{} and its delivery to city number {} with some more words",
                1000 + i,
                i % 17
            );
            if i % 2 == 0 {
                Message::user(text)
            } else {
                Message::assistant(text)
            }
        })
        .collect()
}

fn context(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let messages = conversation();
    let policy = |strategy| ContextPolicy {
        token_budget: 2000,
        reserve_for_output: 500,
        strategy,
    };
    let oldest = policy(Truncation::Oldest);
    let relevance = policy(Truncation::Relevance(Relevance {
        embedder: Ok(Arc::new(Letters)),
        min_recent_messages: 3,
        always_keep_system: true,
        similarity_threshold: 0.0,
        query: RelevanceQuery::LastUser,
    }));
    let mut group = c.benchmark_group("context_fit_200_messages");
    group.bench_function("oldest", |b| {
        b.iter(|| black_box(runtime.block_on(oldest.fit(Some("system"), &messages))))
    });
    group.bench_function("relevance", |b| {
        b.iter(|| black_box(runtime.block_on(relevance.fit(Some("system"), &messages))))
    });
    group.finish();
}

criterion_group!(benches, context);
criterion_main!(benches);
