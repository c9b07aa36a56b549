//! `cargo promptkit validate-pack` and `inspect` (placeholder until its owner lands it).

use std::process::ExitCode;

/// Flags of `validate-pack`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {}

/// Flags of `inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {}

/// Runs `validate-pack`.
pub fn validate(_args: ValidateArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`validate-pack` is not built yet")
}

/// Runs `inspect`.
pub fn inspect(_args: InspectArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`inspect` is not built yet")
}
