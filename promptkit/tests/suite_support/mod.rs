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
    run_config(&config, options)
}

/// Every case of the arena config at `config` under `options`.
pub fn run_config(config: &Path, options: RunOptions) -> Vec<CaseResult> {
    let suite = Suite::load(config, options, &Setup::new()).unwrap_or_else(|e| panic!("{e}"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(suite.run(|_| {})).cases
}

/// What each tool call of a turn came back with: its error, else its result as JSON.
pub fn tool_outcomes(turn: &promptkit::arena::TurnRecord) -> Vec<String> {
    turn.tool_calls
        .iter()
        .map(|c| {
            c.error
                .clone()
                .unwrap_or_else(|| c.result.clone().unwrap_or_default().to_string())
        })
        .collect()
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
