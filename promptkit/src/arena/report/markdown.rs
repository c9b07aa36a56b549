//! A Markdown summary: totals, one row per case, then the failures in detail.

use std::fmt::Write;

use super::dollars;
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
    if let Some(budget) = &run.budget {
        let _ = writeln!(out, "**Budget:** {}\n", cell(&budget.summary()));
    }
    out.push_str("| case | status | turns | assertions | tokens (in/out) | cost | time |\n");
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

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
