//! The scenario × provider matrix: one cell per pair with its pass rate, cost and mean
//! latency over trials, plus per-provider columns totals. HTML and Markdown draw it.

use std::collections::BTreeMap;

use super::dollars;
use crate::arena::results::{CaseResult, RunResult, Status};

/// The runs of one scenario on one provider (every trial).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cell {
    /// Runs (trials).
    pub runs: usize,
    /// Runs that passed.
    pub passed: usize,
    /// Runs that could not run.
    pub errors: usize,
    /// Cost over the runs; `None` when any run was unpriced.
    pub cost_usd: Option<f64>,
    /// Wall time of every run, in milliseconds.
    pub latencies_ms: Vec<f64>,
    /// Cost of every priced run, in dollars.
    pub costs_usd: Vec<f64>,
}

impl Cell {
    fn of_case(case: &CaseResult) -> Self {
        Self {
            runs: 1,
            passed: usize::from(case.status == Status::Passed),
            errors: usize::from(case.status == Status::Error),
            cost_usd: case.cost_usd,
            latencies_ms: vec![case.duration_ms],
            costs_usd: case.cost_usd.into_iter().collect(),
        }
    }

    /// Adds `other`'s runs to this cell.
    fn merge(&mut self, other: &Cell) {
        self.cost_usd = if self.runs == 0 {
            other.cost_usd
        } else {
            self.cost_usd.zip(other.cost_usd).map(|(a, b)| a + b)
        };
        self.runs += other.runs;
        self.passed += other.passed;
        self.errors += other.errors;
        self.latencies_ms.extend(&other.latencies_ms);
        self.costs_usd.extend(&other.costs_usd);
    }

    /// Passed runs over runs (0 when empty).
    pub fn pass_rate(&self) -> f64 {
        if self.runs == 0 {
            0.0
        } else {
            self.passed as f64 / self.runs as f64
        }
    }

    /// `passed/runs · rate%`, the cell's first line in reports.
    pub fn headline(&self) -> String {
        format!(
            "{}/{} · {:.0}%",
            self.passed,
            self.runs,
            self.pass_rate() * 100.0
        )
    }

    /// `$cost · mean latency`, the cell's second line in reports.
    pub fn detail(&self) -> String {
        format!(
            "{} · {:.0} ms",
            dollars(self.cost_usd),
            self.mean_latency_ms()
        )
    }

    /// Mean wall time in milliseconds (0 when empty).
    pub fn mean_latency_ms(&self) -> f64 {
        if self.latencies_ms.is_empty() {
            0.0
        } else {
            self.latencies_ms.iter().sum::<f64>() / self.latencies_ms.len() as f64
        }
    }
}

/// Scenarios (rows) × providers (columns), in the order they first appear in the run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Matrix {
    /// Scenario ids.
    pub scenarios: Vec<String>,
    /// Provider ids.
    pub providers: Vec<String>,
    cells: BTreeMap<(usize, usize), Cell>,
}

impl Matrix {
    /// The matrix of `run`.
    pub fn of(run: &RunResult) -> Self {
        let mut matrix = Self::default();
        for case in &run.cases {
            let row = position(&mut matrix.scenarios, &case.scenario);
            let column = position(&mut matrix.providers, &case.provider);
            matrix
                .cells
                .entry((row, column))
                .or_default()
                .merge(&Cell::of_case(case));
        }
        matrix
    }

    /// The cell of `scenario` × `provider`, when that pair ran.
    pub fn cell(&self, scenario: usize, provider: usize) -> Option<&Cell> {
        self.cells.get(&(scenario, provider))
    }

    /// Every run of one provider, summed over scenarios.
    pub fn provider_total(&self, provider: usize) -> Cell {
        let mut total = Cell::default();
        for ((_, column), cell) in &self.cells {
            if *column == provider {
                total.merge(cell);
            }
        }
        total
    }
}

fn position(names: &mut Vec<String>, name: &str) -> usize {
    names.iter().position(|n| n == name).unwrap_or_else(|| {
        names.push(name.to_owned());
        names.len() - 1
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(scenario: &str, provider: &str, status: Status, cost: Option<f64>) -> CaseResult {
        let mut case = CaseResult::error(scenario, provider, 0, 1, String::new());
        case.status = status;
        case.error = None;
        case.cost_usd = cost;
        case.duration_ms = 10.0;
        case
    }

    #[test]
    fn cells_count_runs_per_scenario_and_provider() {
        let run = RunResult::new(
            "m".into(),
            vec![
                case("a", "p", Status::Passed, Some(0.5)),
                case("a", "q", Status::Failed, None),
                case("b", "p", Status::Failed, Some(0.25)),
            ],
            0.0,
        );
        let matrix = Matrix::of(&run);
        assert_eq!(matrix.scenarios, ["a", "b"]);
        assert_eq!(matrix.providers, ["p", "q"]);
        let a_p = matrix.cell(0, 0).expect("a × p");
        assert_eq!((a_p.runs, a_p.passed, a_p.cost_usd), (1, 1, Some(0.5)));
        assert!(matrix.cell(1, 1).is_none());
        let p = matrix.provider_total(0);
        assert_eq!((p.runs, p.passed, p.cost_usd), (2, 1, Some(0.75)));
        assert!((p.pass_rate() - 0.5).abs() < 1e-9);
        assert_eq!(matrix.provider_total(1).cost_usd, None);
    }
}
