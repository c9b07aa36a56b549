//! A Markdown summary: totals, the comparison with a baseline, the scenario × provider
//! matrix, one row per case, then the failures in detail.

use std::fmt::Write;

use super::compare::Comparison;
use super::matrix::Matrix;
use super::{dollars, signed};
use crate::arena::results::{RunResult, Status};

/// The Markdown report of `run`.
pub fn markdown(run: &RunResult) -> String {
    let t = &run.totals;
    let mut out = format!("# Arena results: {}\n\n", cell(&run.name));
    let _ = writeln!(
        out,
        "**{}** cases: {} passed, {} failed, {} errors · {} assertions ({} failed) · {} input / {} output tokens · cost {} · {:.1} s\n",
        t.cases,
        t.passed,
        t.failed,
        t.errors,
        t.assertions,
        t.assertions_failed,
        run.usage.input_tokens,
        run.usage.output_tokens,
        dollars(run.cost_usd),
        run.duration_ms / 1000.0
    );
    if let Some(comparison) = &run.comparison {
        baseline_section(&mut out, comparison);
    }
    matrix_section(&mut out, &Matrix::of(run));
    out.push_str(
        "## Cases\n\n| case | status | turns | assertions | tokens (in/out) | cost | time |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|\n");
    for case in &run.cases {
        let total = case.assertions().count();
        let passed = case.assertions().filter(|(_, a)| a.passed).count();
        let status = match case.status {
            Status::Passed => "✅ passed",
            Status::Failed => "❌ failed",
            Status::Error => "⚠️ error",
        };
        let _ = writeln!(
            out,
            "| {} | {status} | {} | {passed}/{total} | {}/{} | {} | {:.0} ms |",
            cell(&case.name()),
            case.turns.len(),
            case.usage.input_tokens,
            case.usage.output_tokens,
            dollars(case.cost_usd),
            case.duration_ms
        );
    }
    let troubled: Vec<_> = run
        .cases
        .iter()
        .filter(|c| c.status != Status::Passed)
        .collect();
    if !troubled.is_empty() {
        out.push_str("\n## Failures\n");
    }
    for case in troubled {
        let _ = writeln!(out, "\n### {}\n", cell(&case.name()));
        if let Some(error) = &case.error {
            let _ = writeln!(out, "Error: {}\n", cell(error));
        }
        for (turn, a) in case.failures() {
            let at = turn.map_or_else(|| "conversation".into(), |t| format!("turn {}", t + 1));
            let _ = writeln!(
                out,
                "- **{at}** `{}`: {}",
                a.assertion_type,
                cell(&a.message)
            );
        }
    }
    out
}

fn baseline_section(out: &mut String, comparison: &Comparison) {
    let _ = writeln!(
        out,
        "## Compared with baseline\n\nBaseline: `{}` · **{} new failure(s)** · {} fixed · {} added · {} removed\n",
        cell(&comparison.baseline),
        comparison.new_failures.len(),
        comparison.fixed.len(),
        comparison.added.len(),
        comparison.removed.len()
    );
    for (title, names) in [
        ("New failures", &comparison.new_failures),
        ("Fixed", &comparison.fixed),
        ("Added", &comparison.added),
        ("Removed", &comparison.removed),
    ] {
        if !names.is_empty() {
            let _ = writeln!(out, "**{title}:**\n");
            for name in names {
                let _ = writeln!(out, "- {}", cell(name));
            }
            out.push('\n');
        }
    }
    out.push_str("| case | status | score | cost | latency |\n|---|---|---|---|---|\n");
    for d in &comparison.cases {
        let _ = writeln!(
            out,
            "| {}{} | {} → {} | {:.0}% ({}) | {} ({}) | {:.0} ms ({}) |",
            cell(&d.name),
            if d.regressed() { " 🔻" } else { "" },
            d.before.as_str(),
            d.after.as_str(),
            d.score_after * 100.0,
            signed(d.score_delta() * 100.0, "%"),
            dollars(d.cost_after),
            d.cost_delta()
                .map_or_else(|| "n/a".into(), |c| signed(c, "$")),
            d.latency_after_ms,
            signed(d.latency_delta_ms(), " ms")
        );
    }
    out.push('\n');
}

fn matrix_section(out: &mut String, matrix: &Matrix) {
    out.push_str("## Scenarios × providers\n\nEach cell: passed/runs · pass rate · cost · mean latency.\n\n| scenario |");
    for provider in &matrix.providers {
        let _ = write!(out, " {} |", cell(provider));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(matrix.providers.len()));
    out.push('\n');
    for (row, scenario) in matrix.scenarios.iter().enumerate() {
        let _ = write!(out, "| {} |", cell(scenario));
        for column in 0..matrix.providers.len() {
            match matrix.cell(row, column) {
                Some(c) => {
                    let _ = write!(out, " {} · {} |", c.headline(), c.detail());
                }
                None => out.push_str(" — |"),
            }
        }
        out.push('\n');
    }
    out.push_str("| **all** |");
    for column in 0..matrix.providers.len() {
        let t = matrix.provider_total(column);
        let _ = write!(out, " **{}** · {} |", t.headline(), t.detail());
    }
    out.push_str("\n\n");
}

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
