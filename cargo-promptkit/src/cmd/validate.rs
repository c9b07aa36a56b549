//! `cargo promptkit validate -c config.arena.yaml`: load and check a project, print
//! every problem rustc-style (`error: ...`, `--> file:line:col`, the source line, a
//! fix), then a summary. Exit 0 when there is no error (warnings allowed), 1 otherwise.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use promptkit_build::diagnostic::RenderStyle;
use promptkit_build::frontend::Frontend;

/// Flags of `validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The arena config.
    #[arg(short, long, default_value = "config.arena.yaml")]
    config: PathBuf,
    /// Output: `human` (rustc-style) or `json` (one object per diagnostic).
    #[arg(long, default_value = "human", value_parser = ["human", "json"])]
    format: String,
    /// Accept `file:` references outside the config's folder.
    #[arg(long)]
    allow_outside_root: bool,
}

/// Runs `validate`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let loaded = Frontend::new()
        .allow_outside_root(args.allow_outside_root)
        .project(&args.config);
    if args.format == "json" {
        println!("{}", serde_json::to_string_pretty(&loaded.diagnostics)?);
    } else {
        let style = if std::io::stderr().is_terminal() {
            RenderStyle::Styled
        } else {
            RenderStyle::Plain
        };
        eprint!("{}", loaded.render(style));
        let errors = loaded.diagnostics.error_count();
        let warnings = loaded.diagnostics.warning_count();
        let files = loaded.files.len();
        if errors == 0 {
            println!(
                "`{}` is valid ({files} files, {warnings} warning{})",
                args.config.display(),
                if warnings == 1 { "" } else { "s" }
            );
        } else {
            eprintln!(
                "error: `{}` has {errors} error{} and {warnings} warning{} ({files} files read)",
                args.config.display(),
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" }
            );
        }
    }
    Ok(if loaded.diagnostics.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
