//! Running a project of `tests/data` on its mock provider and reading its verdicts.

#![allow(dead_code)]

use std::path::Path;

use promptkit::arena::{CaseResult, RunOptions, Setup, Suite};

/// Every case of `tests/data/<project>` on `providers` (all when empty).
pub fn run(project: &str, providers: &[&str]) -> Vec<CaseResult> {
    let config = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(project)
        .join("config.arena.yaml");
    let options = RunOptions {
        providers: providers.iter().map(|p| (*p).to_owned()).collect(),
        ..RunOptions::default()
    };
    let suite = Suite::load(config, options, &Setup::new()).unwrap_or_else(|e| panic!("{e}"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(suite.run(|_| {})).cases
}

/// Every assertion of a case (turns, then conversation) with its verdict; none may
/// have been skipped.
pub fn verdicts(case: &CaseResult) -> Vec<(String, bool)> {
    case.turns
        .iter()
        .flat_map(|t| &t.assertions)
        .chain(&case.conversation_assertions)
        .inspect(|a| assert!(!a.skipped, "{} skipped", a.assertion_type))
        .map(|a| (a.assertion_type.clone(), a.passed))
        .collect()
}
