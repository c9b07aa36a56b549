//! `cargo promptkit run`: run every scenario × provider of a project, print a summary
//! table, write reports. Exit 0 when all passed, 1 when assertions failed, 2 on
//! configuration or provider errors.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use promptkit::arena::report::{Format, write_reports};
use promptkit::arena::{CaseResult, RunOptions, RunResult, Setup, Status, Suite};
use promptkit_build::diagnostic::RenderStyle;
use promptkit_build::load::{LoadOptions, load_mock_config};

/// Flags of `run` (the reference's names).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The arena config.
    #[arg(short, long, default_value = "config.arena.yaml")]
    config: PathBuf,
    /// Only these scenarios (repeat or comma-separate).
    #[arg(long, value_delimiter = ',')]
    scenario: Vec<String>,
    /// Only these providers (repeat or comma-separate).
    #[arg(long, value_delimiter = ',')]
    provider: Vec<String>,
    /// Replace every provider with the mock provider.
    #[arg(long)]
    mock_provider: bool,
    /// Mock responses file for `--mock-provider` (YAML).
    #[arg(long, requires = "mock_provider")]
    mock_config: Option<PathBuf>,
    /// CI mode: no progress line, plain output.
    #[arg(long, alias = "simple")]
    ci: bool,
    /// Output directory for reports (default: the config's `defaults.output.dir`, else `out`).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Report formats: json, junit, markdown, html (default: the config's, else all).
    #[arg(long, alias = "format", value_delimiter = ',')]
    formats: Vec<String>,
    /// Cases run at once (default: the config's `defaults.concurrency`, else 1).
    #[arg(short = 'j', long)]
    concurrency: Option<usize>,
    /// Run-wide budget in US dollars: once spent, no new case starts (reports say so).
    #[arg(long, value_name = "USD")]
    max_cost: Option<f64>,
}

/// Runs `run`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mock_config = match &args.mock_config {
        Some(path) => {
            let loaded = load_mock_config(
                path,
                &LoadOptions {
                    allow_outside_root: true,
                    ..LoadOptions::default()
                },
            );
            if !loaded.is_ok() {
                eprint!("{}", loaded.render(style()));
                return Ok(ExitCode::from(2));
            }
            loaded.value.map(Arc::new)
        }
        None => None,
    };
    let options = RunOptions {
        scenarios: args.scenario.clone(),
        providers: args.provider.clone(),
        mock_provider: args.mock_provider,
        mock_config,
        concurrency: args.concurrency,
        max_cost_usd: args.max_cost,
    };
    let suite = match Suite::load(&args.config, options, &Setup::new()) {
        Ok(suite) => suite,
        Err(error) => {
            eprint!("{error}");
            eprintln!(
                "error: `{}` has errors; nothing was run",
                args.config.display()
            );
            return Ok(ExitCode::from(2));
        }
    };
    let formats = formats(&args, &suite)?;
    let total = suite.cases().len();
    if total == 0 {
        eprintln!("warning: no scenario × provider matched; nothing to run");
    }
    let live = !args.ci && std::io::stderr().is_terminal();
    let mut done = 0;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let run = runtime.block_on(suite.run(|case| {
        done += 1;
        progress(case, done, total, live);
    }));
    if live {
        eprint!("\r\x1b[2K");
    }
    print_summary(&run);
    let out = args.out.clone().unwrap_or_else(|| suite.default_out_dir());
    let written = write_reports(&run, &out, &formats)
        .with_context(|| format!("writing reports to `{}`", out.display()))?;
    for path in written {
        println!("report: {}", path.display());
    }
    Ok(ExitCode::from(run.exit_code()))
}

fn style() -> RenderStyle {
    if std::io::stderr().is_terminal() {
        RenderStyle::Styled
    } else {
        RenderStyle::Plain
    }
}

/// `--formats`, else the config's `defaults.output.formats`, else all.
fn formats(args: &Args, suite: &Suite) -> anyhow::Result<Vec<Format>> {
    let names: Vec<String> = if args.formats.is_empty() {
        suite
            .project()
            .arena
            .spec
            .value
            .defaults
            .as_ref()
            .and_then(|d| d.output.as_ref())
            .map(|o| o.formats.iter().map(|f| f.value.clone()).collect())
            .unwrap_or_default()
    } else {
        args.formats.clone()
    };
    if names.is_empty() {
        return Ok(Format::ALL.to_vec());
    }
    names
        .iter()
        .map(|n| {
            Format::parse(n).with_context(|| {
                format!("unknown report format `{n}`; use json, junit, markdown or html")
            })
        })
        .collect()
}

/// On a terminal, one line redrawn in place: a bar, the count and the last case;
/// otherwise (`--ci`, pipes) one plain line per finished case.
fn progress(case: &CaseResult, done: usize, total: usize, live: bool) {
    if live {
        eprint!(
            "\r\x1b[2K{} {done}/{total} {}",
            bar(done, total),
            case.name()
        );
        let _ = std::io::stderr().flush();
    } else {
        eprintln!("[{done}/{total}] {} {}", case.name(), case.status.as_str());
    }
}

/// `[#####-----]`, 20 cells wide.
fn bar(done: usize, total: usize) -> String {
    const WIDTH: usize = 20;
    let filled = (done * WIDTH)
        .checked_div(total)
        .unwrap_or(WIDTH)
        .min(WIDTH);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(WIDTH - filled))
}

fn print_summary(run: &RunResult) {
    let width = run
        .cases
        .iter()
        .map(|c| c.name().len())
        .max()
        .unwrap_or(4)
        .max(4);
    println!(
        "{:<width$}  {:<7}  {:>10}  {:>9}  {:>8}",
        "case", "status", "assertions", "cost", "time"
    );
    for case in &run.cases {
        let total = case.assertions().count();
        let passed = case.assertions().filter(|(_, a)| a.passed).count();
        println!(
            "{:<width$}  {:<7}  {:>10}  {:>9}  {:>6.0}ms",
            case.name(),
            case.status.as_str(),
            format!("{passed}/{total}"),
            case.cost_usd
                .map_or_else(|| "n/a".into(), |c| format!("${c:.4}")),
            case.duration_ms
        );
    }
    for case in run.cases.iter().filter(|c| c.status != Status::Passed) {
        println!("\n{case}");
    }
    let t = &run.totals;
    println!(
        "\n{} cases: {} passed, {} failed, {} errors ({} of {} assertions failed) in {:.2}s",
        t.cases,
        t.passed,
        t.failed,
        t.errors,
        t.assertions_failed,
        t.assertions,
        run.duration_ms / 1000.0
    );
    if let Some(budget) = &run.budget {
        println!("{}", budget.summary());
    }
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn the_bar_fills_with_progress() {
        assert_eq!(bar(0, 4), "[--------------------]");
        assert_eq!(bar(1, 4), "[#####---------------]");
        assert_eq!(bar(4, 4), "[####################]");
        assert_eq!(bar(0, 0), "[####################]");
    }
}
