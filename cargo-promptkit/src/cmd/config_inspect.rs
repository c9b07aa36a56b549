//! `cargo promptkit config-inspect`: what a checked arena config holds and what a run
//! would do — prompts, providers, scenarios, tools, personas, evals, output settings and
//! the run plan (scenario × provider × trial) — as text or JSON.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use promptkit::arena::{RunOptions, Setup, Suite};
use serde_json::{Value, json};

/// Flags of `config-inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The arena config.
    #[arg(short, long, default_value = "config.arena.yaml")]
    config: PathBuf,
    /// Output: `text` or `json`.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

/// Runs `config-inspect`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let suite = match Suite::load(&args.config, RunOptions::default(), &Setup::new()) {
        Ok(suite) => suite,
        Err(error) => {
            eprint!("{error}");
            return Ok(ExitCode::from(2));
        }
    };
    let summary = summary(&suite);
    if args.format == "json" {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_text(&summary);
    }
    Ok(ExitCode::SUCCESS)
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn summary(suite: &Suite) -> Value {
    let p = suite.project();
    let root = &p.root;
    let output = super::run::output_config(suite);
    let plan: Vec<Value> = suite
        .cases()
        .iter()
        .map(|c| json!({"scenario": c.scenario, "provider": c.provider, "trial": c.trial + 1, "trials": c.trials}))
        .collect();
    json!({
        "config": p.config_path.display().to_string(),
        "name": p.arena.name().map(|n| n.value.clone()),
        "prompts": p.prompts.iter().map(|i| json!({
            "id": i.id,
            "file": relative(root, &i.path),
            "task_type": i.spec.task_type.value,
            "variables": i.spec.variables.iter().map(|v| v.name.value.clone()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "providers": p.providers.iter().map(|e| json!({
            "id": e.item.id,
            "file": relative(root, &e.item.path),
            "type": e.item.spec.r#type.value,
            "model": e.item.spec.model.as_ref().map(|m| m.value.clone()),
            "group": e.group,
        })).collect::<Vec<_>>(),
        "scenarios": p.scenarios.iter().map(|i| json!({
            "id": i.id,
            "file": relative(root, &i.path),
            "task_type": i.spec.task_type.as_ref().map(|t| t.value.clone()),
            "turns": i.spec.turns.len(),
        })).collect::<Vec<_>>(),
        "tools": p.tools.iter().map(|i| json!({"id": i.id, "file": relative(root, &i.path)})).collect::<Vec<_>>(),
        "personas": p.personas.iter().map(|i| json!({"id": i.id, "file": relative(root, &i.path)})).collect::<Vec<_>>(),
        "evals": p.evals.iter().map(|i| json!({"id": i.id, "file": relative(root, &i.path)})).collect::<Vec<_>>(),
        "output": {
            "dir": suite.default_out_dir().display().to_string(),
            "formats": output.map(|o| o.formats.iter().map(|f| f.value.clone()).collect::<Vec<_>>()),
        },
        "plan": plan,
    })
}

fn print_text(summary: &Value) {
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    println!("config: {}", text(&summary["config"]));
    if let Some(name) = summary["name"].as_str() {
        println!("name:   {name}");
    }
    for (section, detail) in [
        ("prompts", "task_type"),
        ("providers", "type"),
        ("scenarios", "turns"),
        ("tools", ""),
        ("personas", ""),
        ("evals", ""),
    ] {
        let items = summary[section].as_array().cloned().unwrap_or_default();
        println!("\n{section} ({})", items.len());
        for item in items {
            let extra = match detail {
                "" => String::new(),
                "type" => format!(
                    "  type {} model {}",
                    text(&item["type"]),
                    text(&item["model"])
                ),
                key => format!("  {key} {}", text(&item[key])),
            };
            println!("  {:<24} {}{extra}", text(&item["id"]), text(&item["file"]));
        }
    }
    println!(
        "\noutput: {} ({})",
        text(&summary["output"]["dir"]),
        summary["output"]["formats"].as_array().map_or_else(
            || "all formats".to_owned(),
            |f| f.iter().map(text).collect::<Vec<_>>().join(", ")
        )
    );
    let plan = summary["plan"].as_array().cloned().unwrap_or_default();
    println!("\nplan: {} case(s)", plan.len());
    for case in plan {
        println!(
            "  {} × {} (trial {}/{})",
            text(&case["scenario"]),
            text(&case["provider"]),
            case["trial"],
            case["trials"]
        );
    }
}
