//! `cargo promptkit run`: run every scenario × provider of a project, print a summary
//! table, write reports (optionally compared with a baseline run). Exit 0 when all
//! passed, 1 when assertions failed, 2 on configuration or provider errors. Under
//! `--fail-on-regression` the baseline decides instead of the failures: 1 when a case
//! that passed in the baseline does not now (or a new case fails), 0 when every failure
//! was already failing; errors still exit 2.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use promptkit::arena::report::{
    DEFAULT_RECORDINGS_DIR, Format, MarkdownSections, ReportFiles, load_baseline,
    write_report_files,
};
use promptkit::arena::{CaseResult, RunOptions, RunResult, Setup, Status, Suite};
use promptkit::media::MediaFetch;
use promptkit::providers::cassette::{CassetteMode, Cassettes};
use promptkit_build::diagnostic::RenderStyle;
use promptkit_build::load::{LoadOptions, load_mock_config};
use promptkit_build::model::OutputConfig;
use promptkit_build::plan;

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
    /// JUnit XML file (default: the config's `defaults.output.junit.file` in the output
    /// folder, else `<out>/junit.xml`).
    #[arg(long)]
    junit_file: Option<PathBuf>,
    /// Markdown report file (default: `defaults.output.markdown.file`, else `<out>/results.md`).
    #[arg(long)]
    markdown_file: Option<PathBuf>,
    /// HTML report file (default: `defaults.output.html.file`, else `<out>/report.html`).
    #[arg(long)]
    html_file: Option<PathBuf>,
    /// An earlier run to compare with: a `results.json`, the reference's `index.json`,
    /// or a folder holding either.
    #[arg(long, value_name = "DIR|FILE")]
    baseline: Option<PathBuf>,
    /// Exit 1 only for regressions: a case that passed in the baseline and does not now,
    /// or a new case that fails (failures the baseline already had exit 0).
    #[arg(long, requires = "baseline")]
    fail_on_regression: bool,
    /// Run-wide budget in US dollars: once spent, no new case starts (reports say so).
    #[arg(long, value_name = "USD")]
    max_cost: Option<f64>,
    /// Record every case on a live provider into its cassette (in DIR, default
    /// `cassettes/` beside the config); later runs replay them keyless.
    #[arg(long, value_name = "DIR", num_args = 0..=1)]
    record: Option<Option<PathBuf>>,
    /// Record again only the cases whose requests no longer match their cassettes.
    #[arg(long, conflicts_with = "mock_provider")]
    update_recordings: bool,
    /// Download turn media given by `url` before sending it, as the reference does (30 s
    /// and 50 MB per item; private and loopback addresses refused). Without it image
    /// URLs go to the provider by reference and other URLs end the case.
    #[arg(long)]
    fetch_media: bool,
}

/// The cassettes of a run: replayed from `cassettes/` beside the config when present,
/// recorded with `--record`, updated with `--update-recordings`.
fn cassettes(args: &Args) -> anyhow::Result<Cassettes> {
    let mode = match (&args.record, args.update_recordings) {
        (_, true) => CassetteMode::Update,
        (Some(_), false) => CassetteMode::Record,
        (None, false) => CassetteMode::Replay,
    };
    let dir = match args.record.clone().flatten() {
        Some(dir) if dir.is_relative() => std::env::current_dir()?.join(dir),
        Some(dir) => dir,
        // Resolved against the project's config folder by the suite.
        None => PathBuf::from(plan::CASSETTES_DIR),
    };
    Ok(Cassettes {
        dir,
        mode,
        rerecord: format!(
            "cargo promptkit run -c {} --update-recordings",
            args.config.display()
        ),
    })
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
        cassettes: Some(cassettes(&args)?),
        fetch_media: args.fetch_media.then(MediaFetch::default),
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
    let baseline = match &args.baseline {
        Some(path) => Some(
            load_baseline(path)
                .with_context(|| format!("reading the baseline `{}`", path.display()))?,
        ),
        None => None,
    };
    let total = suite.cases().len();
    if total == 0 {
        eprintln!("warning: no scenario × provider matched; nothing to run");
    }
    let live = !args.ci && std::io::stderr().is_terminal();
    let mut progress = Progress::new(total, live);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    // Ctrl-C stops the run: cases in flight are dropped, servers shut down, and the
    // finished cases are still reported.
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let mut run = runtime.block_on(suite.run_until(|case| progress.finished(case), interrupt));
    progress.clear();
    if run.interrupted {
        eprintln!(
            "interrupted: {} of {total} cases finished; the reports hold those",
            run.cases.len()
        );
    }
    if let (Some(path), Some(baseline)) = (&args.baseline, &baseline) {
        run = run.compared_with(path.display().to_string(), baseline);
    }
    print_summary(&run);
    let files = report_files(&args, &suite);
    // The project and the runtime are done with: free them before the reports are built.
    drop(suite);
    drop(runtime);
    let written = write_report_files(&run, &files, &formats)
        .with_context(|| format!("writing reports to `{}`", files.dir.display()))?;
    for path in written.iter().filter(|p| !is_arena_case_file(p)) {
        println!("report: {}", path.display());
    }
    if let Some(dir) = &files.recordings {
        println!(
            "session recordings: {} ({} cases)",
            dir.display(),
            run.cases.len()
        );
    }
    let code = match &run.comparison {
        _ if run.interrupted => INTERRUPTED,
        Some(comparison) if args.fail_on_regression && run.totals.errors == 0 => {
            u8::from(comparison.has_regressions())
        }
        _ => run.exit_code(),
    };
    Ok(ExitCode::from(code))
}

/// The exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
const INTERRUPTED: u8 = 130;

/// The reference's per-case `<RunID>.json` files are listed by `index.json`, and the
/// per-case session recordings (`.jsonl`) by their folder, not printed one by one.
fn is_arena_case_file(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    name.is_some_and(|n| {
        n.ends_with(".jsonl")
            || (n.ends_with(".json")
                && n != Format::Json.file_name()
                && n != promptkit::arena::report::INDEX_FILE)
    })
}

/// The config's `defaults.output`.
pub(crate) fn output_config(suite: &Suite) -> Option<&OutputConfig> {
    suite
        .project()
        .arena
        .spec
        .value
        .defaults
        .as_ref()
        .and_then(|d| d.output.as_ref())
}

/// The output folder and report files: flags first, then the config's
/// `defaults.output` (`dir`, `<format>.file` relative to the folder, the Markdown
/// section switches), then defaults.
fn report_files(args: &Args, suite: &Suite) -> ReportFiles {
    let dir = args.out.clone().unwrap_or_else(|| suite.default_out_dir());
    let output = output_config(suite);
    let in_dir = |file: Option<&String>| file.map(|f| dir.join(f));
    ReportFiles {
        junit: args.junit_file.clone().or_else(|| {
            in_dir(
                output
                    .and_then(|o| o.junit.as_ref())
                    .and_then(|j| j.file.as_ref()),
            )
        }),
        markdown: args.markdown_file.clone().or_else(|| {
            in_dir(
                output
                    .and_then(|o| o.markdown.as_ref())
                    .and_then(|m| m.file.as_ref()),
            )
        }),
        html: args.html_file.clone().or_else(|| {
            in_dir(
                output
                    .and_then(|o| o.html.as_ref())
                    .and_then(|h| h.file.as_ref()),
            )
        }),
        markdown_sections: output
            .and_then(|o| o.markdown.as_ref())
            .map(|m| MarkdownSections {
                overview: m.show_overview,
                results_matrix: m.show_results_matrix,
                details: m.include_details,
                failed_tests: m.show_failed_tests,
                cost_summary: m.show_cost_summary,
            })
            .unwrap_or_default(),
        recordings: output
            .and_then(|o| o.recording.as_ref())
            .filter(|r| r.enabled)
            .map(|r| {
                dir.join(
                    r.dir
                        .as_deref()
                        .filter(|d| !d.is_empty())
                        .unwrap_or(DEFAULT_RECORDINGS_DIR),
                )
            }),
        dir,
    }
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
        output_config(suite)
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
                format!(
                    "unknown report format `{}`; use json, junit, markdown or html",
                    promptkit_build::diagnostic::truncate(n, 80)
                )
            })
        })
        .collect()
}

/// Progress: on a terminal a live bar with counts, ETA and spend so far (indicatif);
/// otherwise (`--ci`, pipes) one plain line per finished case.
struct Progress {
    bar: Option<ProgressBar>,
    done: usize,
    total: usize,
    spend: f64,
    priced: bool,
}

impl Progress {
    fn new(total: usize, live: bool) -> Self {
        let bar = live.then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{bar:24.cyan/blue} {pos}/{len} · ETA {eta} · {msg}")
            {
                bar.set_style(style.progress_chars("█▓░"));
            }
            bar
        });
        Self {
            bar,
            done: 0,
            total,
            spend: 0.0,
            priced: true,
        }
    }

    fn finished(&mut self, case: &CaseResult) {
        self.done += 1;
        match case.cost_usd {
            Some(cost) => self.spend += cost,
            None => self.priced = false,
        }
        let spend = if self.priced {
            format!("${:.4}", self.spend)
        } else {
            format!("≥ ${:.4}", self.spend)
        };
        match &self.bar {
            Some(bar) => {
                bar.set_message(format!(
                    "spent {spend} · {} {}",
                    case.name(),
                    case.status.as_str()
                ));
                bar.inc(1);
            }
            None => eprintln!(
                "[{}/{}] {} {}",
                self.done,
                self.total,
                case.name(),
                case.status.as_str()
            ),
        }
    }

    fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Widest the case-name column of the summary grows.
const MAX_NAME_COLUMN: usize = 80;

fn print_summary(run: &RunResult) {
    let width = run
        .cases
        .iter()
        .map(|c| c.name().chars().count())
        .max()
        .unwrap_or(4)
        // A formatting width over u16::MAX panics; longer names just overflow the column.
        .clamp(4, MAX_NAME_COLUMN);
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
