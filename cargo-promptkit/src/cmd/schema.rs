//! `cargo promptkit schema [KIND]`: the JSON Schema of a PromptArena kind, for editors
//! (`# yaml-language-server: $schema=…`), as the reference's `promptarena schema`;
//! `--list` names the kinds.

use std::io::Write;
use std::process::ExitCode;

use anyhow::bail;
use promptkit_build::schemas;

/// Flags of `schema`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The kind: arena, promptconfig, scenario, provider, tool, persona, eval, logging,
    /// runtime-config.
    kind: Option<String>,
    /// List the kinds instead.
    #[arg(long)]
    list: bool,
}

/// Prints the schema of the kind, or the kinds.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if args.list {
        for (name, _) in schemas::ARENA {
            writeln!(out, "{name}")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let Some(kind) = args.kind else {
        bail!("name a kind (try `schema --list`)");
    };
    let Some(schema) = schemas::arena(&kind) else {
        let names: Vec<&str> = schemas::ARENA.iter().map(|(n, _)| *n).collect();
        bail!(
            "no schema for `{kind}`; the kinds are: {}",
            names.join(", ")
        );
    };
    out.write_all(schema.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
