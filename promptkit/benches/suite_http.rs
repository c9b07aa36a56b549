//! A 500-case arena suite through a loopback OpenAI-compatible upstream: wall time,
//! CPU time and peak RSS of the engine (the upstream runs in a child process).
//!
//! `cargo bench -p promptkit --bench suite_http`
//!
//! The project is generated in a temporary folder: one prompt, one `vllm` provider
//! (OpenAI-compatible, no key) pointed at the upstream, 500 scenarios of two turns with
//! three assertions each; it runs at concurrency 32.

mod support;

use support::{cpu_seconds, peak_rss_mb};

use std::time::Instant;

use promptkit::arena::{RunOptions, Setup, Suite};

const SCENARIOS: usize = 500;

fn main() {
    if std::env::args().nth(1).as_deref() == Some("serve") {
        support::serve();
        return;
    }
    let (child, base) = support::spawn();
    let _upstream = support::KillOnDrop(child);
    let dir = tempfile::tempdir().expect("temp dir");
    write_project(dir.path(), &base);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let options = RunOptions {
        concurrency: Some(32),
        ..RunOptions::default()
    };
    let (cpu_before, started) = (cpu_seconds(), Instant::now());
    let suite = Suite::load(dir.path().join("config.arena.yaml"), options, &Setup::new())
        .unwrap_or_else(|e| panic!("{e}"));
    let loaded = started.elapsed();
    let run = runtime.block_on(suite.run(|_| {}));
    let wall = started.elapsed();
    assert_eq!(run.totals.cases, SCENARIOS, "every case ran");
    assert_eq!(run.totals.passed, SCENARIOS, "every case passed");
    println!(
        "suite_http: {SCENARIOS} cases ({} turns, {} assertions) in {:.2}s wall (load+check {:.0} ms), CPU {:.2}s, peak RSS {:.1} MB",
        run.cases.iter().map(|c| c.turns.len()).sum::<usize>(),
        run.totals.assertions,
        wall.as_secs_f64(),
        loaded.as_secs_f64() * 1000.0,
        cpu_seconds() - cpu_before,
        peak_rss_mb()
    );
}

fn write_project(dir: &std::path::Path, base: &str) {
    let write = |rel: &str, text: String| {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    let scenarios: String = (0..SCENARIOS)
        .map(|i| format!("    - file: scenarios/s{i}.yaml\n"))
        .collect();
    write(
        "config.arena.yaml",
        format!(
            "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Arena\nmetadata:\n  name: bench\nspec:\n  prompt_configs:\n    - id: support\n      file: prompt.yaml\n  providers:\n    - file: provider.yaml\n  defaults:\n    temperature: 0.0\n    max_tokens: 64\n  scenarios:\n{scenarios}"
        ),
    );
    write(
        "prompt.yaml",
        "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: PromptConfig\nmetadata:\n  name: support\nspec:\n  task_type: support\n  version: v1.0.0\n  description: Bench prompt\n  system_template: You are a support assistant of {{company}}.\n  variables:\n    - name: company\n      type: string\n      required: false\n      default: Acme\n".into(),
    );
    write(
        "provider.yaml",
        format!(
            "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Provider\nmetadata:\n  name: local\nspec:\n  id: local\n  type: vllm\n  model: bench-model\n  base_url: {base}\n  defaults:\n    temperature: 0.0\n    top_p: 1.0\n    max_tokens: 64\n"
        ),
    );
    for i in 0..SCENARIOS {
        write(
            &format!("scenarios/s{i}.yaml"),
            format!(
                "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Scenario\nmetadata:\n  name: s{i}\nspec:\n  id: s{i}\n  task_type: support\n  description: Bench scenario {i}\n  turns:\n    - role: user\n      content: Where is order {i}?\n      assertions:\n        - type: content_includes\n          params:\n            patterns: [shipped]\n        - type: max_length\n          params:\n            max: 400\n    - role: user\n      content: When does it arrive?\n      assertions:\n        - type: content_matches\n          params:\n            pattern: (?i)tuesday\n"
            ),
        );
    }
}
