//! `mocks generate`: a mock-responses file (the mock provider's format) built from a
//! run's results, as the reference's `promptarena mocks generate`: each scenario's
//! assistant messages in order become its turns (text, tool calls), so a live run,
//! once recorded, replays keyless on `type: mock`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use promptkit::arena::report::load_baseline;
use promptkit::arena::{CaseResult, RunResult};
use promptkit::message::Role;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// `mocks` subcommands.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: MocksCommand,
}

#[derive(Debug, clap::Subcommand)]
enum MocksCommand {
    /// Generate mock provider responses from a run's JSON results.
    Generate(GenerateArgs),
}

/// `mocks generate` flags (the reference's).
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// A run's results: `results.json`, the reference's `index.json`, or their folder.
    #[arg(short, long, default_value = "out")]
    input: PathBuf,
    /// The mock file to write (a folder with `--per-scenario`).
    #[arg(short, long, default_value = "providers/mock-generated.yaml")]
    output: PathBuf,
    /// One file per scenario in the `--output` folder.
    #[arg(long)]
    per_scenario: bool,
    /// Overlay onto the existing file(s) instead of replacing them.
    #[arg(long)]
    merge: bool,
    /// Only these scenario ids (repeatable).
    #[arg(long)]
    scenario: Vec<String>,
    /// Only these provider ids (repeatable).
    #[arg(long)]
    provider: Vec<String>,
    /// Print the YAML instead of writing files.
    #[arg(long)]
    dry_run: bool,
    /// `defaultResponse` to set when the output has none.
    #[arg(long)]
    default_response: Option<String>,
}

/// Runs `mocks`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let MocksCommand::Generate(args) = args.command;
    let results = load_baseline(&args.input)
        .with_context(|| format!("reading the results `{}`", args.input.display()))?;
    let scenarios = scenarios(&results, &args.scenario, &args.provider);
    if scenarios.is_empty() {
        anyhow::bail!(
            "no case of `{}` matched the filters; nothing to generate",
            args.input.display()
        );
    }
    let files: Vec<(PathBuf, BTreeMap<String, Scenario>)> = if args.per_scenario {
        scenarios
            .into_iter()
            .map(|(id, turns)| {
                (
                    args.output.join(format!("{id}.yaml")),
                    BTreeMap::from([(id, turns)]),
                )
            })
            .collect()
    } else {
        vec![(args.output.clone(), scenarios)]
    };
    for (path, scenarios) in files {
        let mut doc = if args.merge {
            existing(&path)?
        } else {
            MockFile::default()
        };
        for (id, incoming) in scenarios {
            let slot = doc.scenarios.entry(id).or_default();
            slot.turns.extend(incoming.turns);
        }
        if doc.default_response.is_none() {
            doc.default_response.clone_from(&args.default_response);
        }
        let yaml = serde_saphyr::to_string(&doc).context("writing the mock file as YAML")?;
        if args.dry_run {
            println!("--- {} (dry-run)\n{yaml}", path.display());
            continue;
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating `{}`", dir.display()))?;
        }
        promptkit::files::write_atomically(&path, yaml.as_bytes())
            .with_context(|| format!("writing `{}`", path.display()))?;
        println!("Generated {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// A mock-responses file as written (other keys of a merged file kept as they are).
#[derive(Debug, Default, Serialize, Deserialize)]
struct MockFile {
    #[serde(
        rename = "defaultResponse",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    default_response: Option<String>,
    #[serde(default)]
    scenarios: BTreeMap<String, Scenario>,
    #[serde(flatten)]
    other: BTreeMap<String, Value>,
}

/// One scenario's turns by 1-based number (other keys of a merged file kept).
#[derive(Debug, Default, Serialize, Deserialize)]
struct Scenario {
    #[serde(default)]
    turns: BTreeMap<u32, Value>,
    #[serde(flatten)]
    other: BTreeMap<String, Value>,
}

/// Each selected scenario's turns, from the first trial of each scenario × provider (a
/// later provider of the same scenario wins, as the reference).
fn scenarios(
    results: &RunResult,
    scenarios: &[String],
    providers: &[String],
) -> BTreeMap<String, Scenario> {
    let wanted = |list: &[String], id: &str| list.is_empty() || list.iter().any(|w| w == id);
    results
        .cases
        .iter()
        .filter(|c| {
            c.trial == 0 && wanted(scenarios, &c.scenario) && wanted(providers, &c.provider)
        })
        .map(|c| {
            let scenario = Scenario {
                turns: turns(c),
                other: BTreeMap::new(),
            };
            (c.scenario.clone(), scenario)
        })
        .collect()
}

/// The assistant messages of a case as mock turns: text alone as a string, tool calls
/// (with the text, when any) as `{response, tool_calls}`.
fn turns(case: &CaseResult) -> BTreeMap<u32, Value> {
    let mut turns = BTreeMap::new();
    let mut number = 0u32;
    for message in case.messages.iter().filter(|m| m.role == Role::Assistant) {
        let turn = if message.tool_calls.is_empty() {
            if message.content.is_empty() {
                continue;
            }
            Value::String(message.content.clone())
        } else {
            let calls: Vec<Value> = message
                .tool_calls
                .iter()
                .map(|c| json!({"name": c.name, "arguments": c.arguments}))
                .collect();
            let mut turn = json!({ "tool_calls": calls });
            if !message.content.is_empty() {
                turn["response"] = Value::String(message.content.clone());
            }
            turn
        };
        number += 1;
        turns.insert(number, turn);
    }
    turns
}

/// The mock file at `path` (empty when it does not exist).
fn existing(path: &Path) -> anyhow::Result<MockFile> {
    if !path.exists() {
        return Ok(MockFile::default());
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading `{}` to merge", path.display()))?;
    serde_saphyr::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("`{}` is not a mock-responses file", path.display()))
}
