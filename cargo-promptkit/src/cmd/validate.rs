//! `cargo promptkit validate` (placeholder until its owner lands it).

use std::process::ExitCode;

/// Flags of `validate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `validate`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`validate` is not built yet")
}
