//! A Markdown summary: totals, the comparison with a baseline, the scenario × provider
//! matrix, one row per case (with its media when the run has any) and each message
//! carrying media, the failures in detail, then the cost per provider. The
//! sections follow the reference's `defaults.output.markdown` switches.

use std::fmt::Write;

use super::matrix::Matrix;
use super::{dollars, signed};
use crate::arena::results::Comparison;
use crate::arena::results::{RunResult, Status};

/// Which sections the Markdown report has (`defaults.output.markdown`; all by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkdownSections {
    /// `show_overview`: the totals line.
    pub overview: bool,
    /// `show_results_matrix`: the scenario × provider matrix.
    pub results_matrix: bool,
    /// `include_details`: one row per case with its assertions, tokens, cost and time.
    pub details: bool,
    /// `show_failed_tests`: each failed case with its failed assertions.
    pub failed_tests: bool,
    /// `show_cost_summary`: tokens and cost per provider, when the run cost anything.
    pub cost_summary: bool,
}

impl Default for MarkdownSections {
    fn default() -> Self {
        Self {
            overview: true,
            results_matrix: true,
            details: true,
            failed_tests: true,
            cost_summary: true,
        }
    }
}

/// The Markdown report of `run` with every section.
pub fn markdown(run: &RunResult) -> String {
    markdown_with(run, MarkdownSections::default())
}

/// The Markdown report of `run` with the chosen sections (the baseline comparison is
/// always shown when there is one).
pub fn markdown_with(run: &RunResult, sections: MarkdownSections) -> String {
    let t = &run.totals;
    let mut out = format!("# Arena results: {}\n\n", cell(&run.name));
    if sections.overview {
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
        if !run.media.is_empty() {
            let _ = writeln!(out, "Media: {}\n", cell(&run.media.summary()));
        }
    }
    if let Some(comparison) = &run.comparison {
        baseline_section(&mut out, comparison);
    }
    let matrix = Matrix::of(run);
    if sections.results_matrix {
        matrix_section(&mut out, &matrix);
    }
    if sections.details {
        cases_section(&mut out, run);
        media_section(&mut out, run);
    }
    if sections.failed_tests {
        failures_section(&mut out, run);
    }
    if sections.cost_summary && run.cost_usd.is_some_and(|c| c > 0.0) {
        cost_section(&mut out, run, &matrix);
    }
    out
}

fn cases_section(out: &mut String, run: &RunResult) {
    // The media column only when a transcript carries media, so other reports keep
    // their shape.
    let media = !run.media.is_empty();
    out.push_str(
        "## Cases\n\n| case | status | turns | assertions | tokens (in/out) | cost | time |",
    );
    out.push_str(if media { " media |\n" } else { "\n" });
    if let Some(budget) = &run.budget {
        let _ = writeln!(out, "**Budget:** {}\n", cell(&budget.summary()));
    }
    out.push_str("|---|---|---|---|---|---|---|");
    out.push_str(if media { "---|\n" } else { "\n" });
    for case in &run.cases {
        let total = case.assertions().count();
        let passed = case.assertions().filter(|(_, a)| a.passed).count();
        let status = match case.status {
            Status::Passed => "✅ passed",
            Status::Failed => "❌ failed",
            Status::Error => "⚠️ error",
        };
        let _ = write!(
            out,
            "| {} | {status} | {} | {passed}/{total} | {}/{} | {} | {:.0} ms |",
            cell(&case.name()),
            case.turns.len(),
            case.usage.input_tokens,
            case.usage.output_tokens,
            dollars(case.cost_usd),
            case.duration_ms
        );
        if media {
            let _ = write!(out, " {} |", cell(&case.media.summary()));
        }
        out.push('\n');
    }
}

/// Each message that carries media, by case (only when the run has any).
fn media_section(out: &mut String, run: &RunResult) {
    if run.media.is_empty() {
        return;
    }
    out.push_str("\n## Media\n\n| case | message | role | media |\n|---|---|---|---|\n");
    for case in &run.cases {
        for m in &case.media.messages {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&case.name()),
                m.index + 1,
                m.role.as_str(),
                cell(&m.count.summary())
            );
        }
    }
}

fn failures_section(out: &mut String, run: &RunResult) {
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
        if let Some(workflow) = &case.workflow {
            let _ = writeln!(out, "Workflow: {}\n", cell(&workflow.summary()));
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
}

fn cost_section(out: &mut String, run: &RunResult, matrix: &Matrix) {
    out.push_str("\n## Cost\n\n| provider | runs | tokens (in/out) | cost | per run |\n|---|---|---|---|---|\n");
    for (column, provider) in matrix.providers.iter().enumerate() {
        let total = matrix.provider_total(column);
        let (input, output) = run
            .cases
            .iter()
            .filter(|c| c.provider == *provider)
            .fold((0, 0), |(i, o), c| {
                (i + c.usage.input_tokens, o + c.usage.output_tokens)
            });
        let _ = writeln!(
            out,
            "| {} | {} | {input}/{output} | {} | {} |",
            cell(provider),
            total.runs,
            dollars(total.cost_usd),
            dollars(total.cost_usd.map(|c| c / total.runs.max(1) as f64))
        );
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arena::results::CaseResult;

    fn priced_run() -> RunResult {
        let mut case = CaseResult::error("s", "p", 0, 1, String::new());
        case.status = Status::Failed;
        case.error = None;
        case.cost_usd = Some(0.5);
        case.usage.input_tokens = 7;
        RunResult::new("r".into(), vec![case], 1.0)
    }

    #[test]
    fn sections_follow_the_switches() {
        let run = priced_run();
        let all = markdown(&run);
        for heading in [
            "**1** cases",
            "## Scenarios × providers",
            "## Cases",
            "## Failures",
            "## Cost",
        ] {
            assert!(all.contains(heading), "{heading}: {all}");
        }
        assert!(all.contains("| p | 1 | 7/0 | $0.5000 | $0.5000 |"), "{all}");
        let none = markdown_with(
            &run,
            MarkdownSections {
                overview: false,
                results_matrix: false,
                details: false,
                failed_tests: false,
                cost_summary: false,
            },
        );
        assert_eq!(none, "# Arena results: r\n\n");
    }
}
