//! `cargo promptkit init [DIR]`: scaffold a working keyless arena project.
//!
//! The scaffold is the bundled `examples/arena-quickstart` project itself (one source
//! of truth, tested by the workspace): a support prompt with variables and
//! validators, a mock tool, two scenarios, mock responses, and a live OpenAI variant.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

/// Flags of `init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder to create the project in.
    #[arg(default_value = ".", value_name = "DIR")]
    dir: PathBuf,
    /// Same as DIR (the reference's flag).
    #[arg(long, conflicts_with = "dir")]
    output: Option<PathBuf>,
    /// Overwrite files that already exist.
    #[arg(long)]
    force: bool,
}

macro_rules! scaffold {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../../../examples/arena-quickstart/", $path)))),*]
    };
}

/// Every file of the scaffold, by path relative to the project folder.
const FILES: &[(&str, &str)] = scaffold![
    "config.arena.yaml",
    "config.live.arena.yaml",
    "mock-responses.yaml",
    "prompts/support.yaml",
    "providers/mock.provider.yaml",
    "providers/openai.provider.yaml",
    "scenarios/order-status.scenario.yaml",
    "scenarios/refund-policy.scenario.yaml",
    "tools/get-order-status.tool.yaml",
];

/// Runs `init`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let dir = args.output.unwrap_or(args.dir);
    let existing: Vec<&str> = FILES
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| dir.join(path).exists())
        .collect();
    if !existing.is_empty() && !args.force {
        anyhow::bail!(
            "`{}` already has {}; choose an empty folder or pass --force to overwrite",
            dir.display(),
            existing.join(", ")
        );
    }
    for (path, text) in FILES {
        write(&dir.join(path), text)?;
    }
    let config = dir.join("config.arena.yaml");
    println!("created a keyless arena project in `{}`", dir.display());
    println!("run it:  cargo promptkit run -c {}", config.display());
    Ok(ExitCode::SUCCESS)
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating `{}`", parent.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("writing `{}`", path.display()))
}
