//! `cargo promptkit run` (placeholder until its owner lands it).

use std::process::ExitCode;

/// Flags of `run`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `run`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`run` is not built yet")
}
