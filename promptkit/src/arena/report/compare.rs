//! A run compared with an earlier one (the baseline): which cases newly fail, which were
//! fixed, which appeared or disappeared, and how score, cost and latency moved. Cases
//! are matched by name (`scenario/provider`, with `#trial` when there are several).

use std::path::Path;

use super::Format;
use super::arena_output::{ArenaOutputError, INDEX_FILE, run_from_index};
use crate::arena::results::RunResult;

/// Reads a baseline: our `results.json`, the reference's `index.json` (with its
/// `<RunID>.json` files), or a folder holding either (ours first).
pub fn load_baseline(path: &Path) -> Result<RunResult, ArenaOutputError> {
    let file = if path.is_dir() {
        let ours = path.join(Format::Json.file_name());
        if ours.is_file() {
            ours
        } else {
            path.join(INDEX_FILE)
        }
    } else {
        path.to_owned()
    };
    let text = std::fs::read_to_string(&file).map_err(|source| ArenaOutputError::Read {
        path: file.clone(),
        source,
    })?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| ArenaOutputError::Format {
            path: file.clone(),
            reason: e.to_string(),
        })?;
    if value.get("run_ids").is_some() {
        return run_from_index(&file, &value);
    }
    serde_json::from_value(value).map_err(|e| ArenaOutputError::Format {
        path: file,
        reason: format!("neither our results.json nor the reference's index.json ({e})"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arena::results::{CaseResult, Comparison, Status};

    fn case(scenario: &str, status: Status, ms: f64) -> CaseResult {
        let mut case = CaseResult::error(scenario, "mock", 0, 1, String::new());
        case.status = status;
        case.duration_ms = ms;
        case
    }

    #[test]
    fn regressions_fixes_and_membership() {
        let baseline = RunResult::new(
            "b".into(),
            vec![
                case("a", Status::Passed, 10.0),
                case("b", Status::Failed, 10.0),
                case("gone", Status::Passed, 1.0),
            ],
            0.0,
        );
        let run = RunResult::new(
            "r".into(),
            vec![
                case("a", Status::Failed, 25.0),
                case("b", Status::Passed, 5.0),
                case("new", Status::Passed, 1.0),
            ],
            0.0,
        );
        let comparison = Comparison::new("old/results.json", &baseline, &run);
        assert_eq!(comparison.new_failures, ["a/mock"]);
        assert_eq!(comparison.fixed, ["b/mock"]);
        assert_eq!(comparison.added, ["new/mock"]);
        assert_eq!(comparison.removed, ["gone/mock"]);
        assert!(comparison.has_regressions());
        let a = comparison.case("a/mock").expect("a");
        assert_eq!(a.latency_delta_ms(), 15.0);
    }
}
