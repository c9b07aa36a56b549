//! `cargo promptkit`: validate, compile and run PromptArena projects.
//!
//! Works as `cargo promptkit <command>` (cargo passes `promptkit` as the first
//! argument) and as `cargo-promptkit <command>`.

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

mod cmd;

/// The PromptKit command line.
#[derive(Debug, Parser)]
#[command(name = "cargo-promptkit", bin_name = "cargo promptkit", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load and check an arena project; print every problem with file:line:col.
    Validate(cmd::validate::Args),
    /// Compile an arena project into a PromptPack JSON (what `packc compile` does).
    Compile(cmd::compile::Args),
    /// Compile prompt files without an arena config (what `packc compile-prompt` does).
    CompilePrompt(cmd::compile::PromptArgs),
    /// Check a compiled PromptPack JSON against the official PromptPack schema.
    ValidatePack(cmd::pack::ValidateArgs),
    /// Print a readable summary of a compiled PromptPack.
    Inspect(cmd::pack::InspectArgs),
    /// Run the scenarios of an arena project and write reports.
    Run(cmd::run::Args),
    /// Scaffold a new keyless arena project.
    Init(cmd::init::Args),
    /// Mock responses from results: `mocks generate` (as `promptarena mocks generate`).
    Mocks(cmd::mocks::Args),
    /// Serve a run's HTML report on 127.0.0.1 and print its URL.
    View(cmd::view::Args),
    /// Print what an arena config holds and the run plan it makes.
    ConfigInspect(cmd::config_inspect::Args),
    /// Print the requests a scenario's turns send, per provider, without calling any API.
    PromptDebug(cmd::prompt_debug::Args),
    /// Print the JSON Schema of a config kind (for editors); `--list` names them.
    Schema(cmd::schema::Args),
    /// Print the shell completion script (bash, zsh, fish, elvish, powershell).
    Completion(cmd::completion::Args),
}

fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `cargo promptkit x` runs `cargo-promptkit promptkit x`.
    if args.get(1).is_some_and(|a| a == "promptkit") {
        args.remove(1);
    }
    let cli = Cli::parse_from(args);
    let result = match cli.command {
        Command::Validate(args) => cmd::validate::run(args),
        Command::Compile(args) => cmd::compile::run(args),
        Command::CompilePrompt(args) => cmd::compile::run_prompt(args),
        Command::ValidatePack(args) => cmd::pack::validate(args),
        Command::Inspect(args) => cmd::pack::inspect(args),
        Command::Run(args) => cmd::run::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Mocks(args) => cmd::mocks::run(args),
        Command::View(args) => cmd::view::run(args),
        Command::ConfigInspect(args) => cmd::config_inspect::run(args),
        Command::PromptDebug(args) => cmd::prompt_debug::run(args),
        Command::Schema(args) => cmd::schema::run(args),
        Command::Completion(args) => cmd::completion::run(args, Cli::command()),
    };
    result.unwrap_or_else(|err| {
        eprintln!("error: {err:#}");
        ExitCode::from(2)
    })
}
