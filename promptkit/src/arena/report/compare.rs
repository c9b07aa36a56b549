//! A run compared with an earlier one (the baseline): which cases newly fail, which were
//! fixed, which appeared or disappeared, and how score, cost and latency moved. Cases
//! are matched by name (`scenario/provider`, with `#trial` when there are several).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Format;
use super::arena_output::{ArenaOutputError, INDEX_FILE, run_from_index};
use crate::arena::results::{CaseResult, RunResult, Status};

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

/// One case present in both runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseDelta {
    /// The case name.
    pub name: String,
    /// Status in the baseline.
    pub before: Status,
    /// Status now.
    pub after: Status,
    /// Share of assertions passed in the baseline.
    pub score_before: f64,
    /// Share of assertions passed now.
    pub score_after: f64,
    /// Cost in the baseline (`None` when not priced).
    pub cost_before: Option<f64>,
    /// Cost now.
    pub cost_after: Option<f64>,
    /// Wall time in the baseline, in milliseconds.
    pub latency_before_ms: f64,
    /// Wall time now.
    pub latency_after_ms: f64,
}

impl CaseDelta {
    /// Passed in the baseline and not now.
    pub fn regressed(&self) -> bool {
        self.before == Status::Passed && self.after != Status::Passed
    }

    /// Did not pass in the baseline and passes now.
    pub fn fixed(&self) -> bool {
        self.before != Status::Passed && self.after == Status::Passed
    }

    /// Score now minus score then.
    pub fn score_delta(&self) -> f64 {
        self.score_after - self.score_before
    }

    /// Cost now minus cost then, when both were priced.
    pub fn cost_delta(&self) -> Option<f64> {
        self.cost_after.zip(self.cost_before).map(|(a, b)| a - b)
    }

    /// Latency now minus latency then, in milliseconds.
    pub fn latency_delta_ms(&self) -> f64 {
        self.latency_after_ms - self.latency_before_ms
    }
}

/// The comparison of a run with its baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Where the baseline came from (a path, as given).
    pub baseline: String,
    /// Cases that passed in the baseline and do not now, and new cases that fail.
    pub new_failures: Vec<String>,
    /// Cases that did not pass in the baseline and do now.
    pub fixed: Vec<String>,
    /// Cases only in this run.
    pub added: Vec<String>,
    /// Cases only in the baseline.
    pub removed: Vec<String>,
    /// Every case in both runs, in this run's order.
    pub cases: Vec<CaseDelta>,
}

impl Comparison {
    /// Compares `run` with `baseline` (labelled `source`).
    pub fn new(source: impl Into<String>, baseline: &RunResult, run: &RunResult) -> Self {
        let before: BTreeMap<String, &CaseResult> =
            baseline.cases.iter().map(|c| (c.name(), c)).collect();
        let mut comparison = Self {
            baseline: source.into(),
            new_failures: Vec::new(),
            fixed: Vec::new(),
            added: Vec::new(),
            removed: Vec::new(),
            cases: Vec::new(),
        };
        for case in &run.cases {
            let name = case.name();
            let Some(old) = before.get(&name) else {
                if case.status != Status::Passed {
                    comparison.new_failures.push(name.clone());
                }
                comparison.added.push(name);
                continue;
            };
            let delta = CaseDelta {
                name: name.clone(),
                before: old.status,
                after: case.status,
                score_before: old.score(),
                score_after: case.score(),
                cost_before: old.cost_usd,
                cost_after: case.cost_usd,
                latency_before_ms: old.duration_ms,
                latency_after_ms: case.duration_ms,
            };
            if delta.regressed() {
                comparison.new_failures.push(name);
            } else if delta.fixed() {
                comparison.fixed.push(name);
            }
            comparison.cases.push(delta);
        }
        let now: std::collections::BTreeSet<String> = run.cases.iter().map(|c| c.name()).collect();
        comparison.removed = baseline
            .cases
            .iter()
            .map(CaseResult::name)
            .filter(|n| !now.contains(n))
            .collect();
        comparison
    }

    /// Whether any case passed in the baseline and does not now, or is new and fails.
    pub fn has_regressions(&self) -> bool {
        !self.new_failures.is_empty()
    }

    /// The delta of the case named `name`.
    pub fn case(&self, name: &str) -> Option<&CaseDelta> {
        self.cases.iter().find(|d| d.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
