//! `cargo promptkit init` (placeholder until its owner lands it).

use std::process::ExitCode;

/// Flags of `init`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `init`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`init` is not built yet")
}
