//! `cargo promptkit completion <shell>`: the shell completion script of the command line
//! (clap_complete), for `cargo-promptkit` and, in bash, for `cargo promptkit` too.

use std::process::ExitCode;

use clap_complete::Shell;

/// Flags of `completion`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// bash, zsh, fish, elvish or powershell.
    shell: Shell,
}

/// Prints the completion script of `command` for the shell.
pub fn run(args: Args, mut command: clap::Command) -> anyhow::Result<ExitCode> {
    command = command.bin_name("cargo-promptkit");
    clap_complete::generate(
        args.shell,
        &mut command,
        "cargo-promptkit",
        &mut std::io::stdout(),
    );
    Ok(ExitCode::SUCCESS)
}
