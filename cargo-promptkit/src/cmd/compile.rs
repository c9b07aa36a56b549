//! `cargo promptkit compile` (placeholder until its owner lands it).

use std::process::ExitCode;

/// Flags of `compile`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `compile`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`compile` is not built yet")
}
