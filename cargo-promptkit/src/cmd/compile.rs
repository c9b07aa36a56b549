//! `cargo promptkit compile`: an arena project into one PromptPack JSON (packc `compile`),
//! through the same front-end as `validate`: a project `validate` refuses is refused here
//! at the same file:line, and no pack is written.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use promptkit_build::diagnostic::RenderStyle;
use promptkit_build::frontend::Frontend;
use promptkit_build::pack::{CompileOptions, Compiled, PromptPack, sanitize_pack_id};

/// Flags of `compile` (packc's).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Path to the arena config.
    #[arg(short = 'c', long = "config", default_value = "config.arena.yaml")]
    pub config: PathBuf,
    /// Output pack file (default: `<id>.pack.json`).
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    /// Pack id (default: the current folder's name, sanitised).
    #[arg(long = "id")]
    pub id: Option<String>,
}

/// Flags of `compile-prompt` (packc's).
#[derive(Debug, clap::Args)]
pub struct PromptArgs {
    /// Prompt config file; repeat to put several prompts in one pack.
    #[arg(short = 'p', long = "prompt", required = true)]
    pub prompt: Vec<PathBuf>,
    /// Output pack file.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// Pack id (default: the task type of a single prompt).
    #[arg(long = "id")]
    pub id: Option<String>,
}

/// Runs `compile`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let id = match args.id {
        Some(id) => id,
        None => default_id()?,
    };
    let output = args
        .output
        .unwrap_or_else(|| PathBuf::from(format!("{id}.pack.json")));
    let options = CompileOptions {
        pack_id: Some(id),
        ..CompileOptions::default()
    };
    let compiled = Frontend::new().project(&args.config).compile(&options);
    finish(compiled, &args.config, &output)
}

/// Runs `compile-prompt`.
pub fn run_prompt(args: PromptArgs) -> anyhow::Result<ExitCode> {
    let options = CompileOptions {
        pack_id: args.id,
        ..CompileOptions::default()
    };
    let compiled = Frontend::new().prompt_files(&args.prompt).compile(&options);
    let source = args.prompt.first().cloned().unwrap_or_default();
    finish(compiled, &source, &args.output)
}

/// Prints the diagnostics; on success writes the pack and prints packc's summary.
fn finish(compiled: Compiled, source: &Path, output: &Path) -> anyhow::Result<ExitCode> {
    let style = if std::io::stderr().is_terminal() {
        RenderStyle::Styled
    } else {
        RenderStyle::Plain
    };
    if !compiled.diagnostics.is_empty() {
        eprintln!("{}", compiled.render(style));
    }
    let Some(pack) = compiled.pack else {
        if let Some(summary) = compiled.diagnostics.summary() {
            eprintln!("{summary}");
        }
        eprintln!("Compilation failed: {}", source.display());
        return Ok(ExitCode::FAILURE);
    };
    // The compiler checked the pack against the official schema (failures are located
    // diagnostics above).
    let json = pack.to_json().context("serialising the pack")?;
    write_pack(output, &json)?;
    print_summary(&pack, output);
    Ok(ExitCode::SUCCESS)
}

/// packc's default id: the current folder's name, sanitised.
fn default_id() -> anyhow::Result<String> {
    let cwd = std::env::current_dir().context("reading the current folder")?;
    let name = cwd
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(match sanitize_pack_id(&name) {
        id if id.is_empty() => "pack".to_owned(),
        id => id,
    })
}

fn write_pack(path: &Path, json: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating output folder `{}`", dir.display()))?;
    }
    std::fs::write(path, json).with_context(|| format!("writing `{}`", path.display()))
}

fn print_summary(pack: &PromptPack, output: &Path) {
    println!("✓ Pack compiled successfully: {}", output.display());
    let prompts: Vec<&str> = pack.prompt_names().collect();
    println!(
        "  Contains {} prompts: [{}]",
        prompts.len(),
        prompts.join(" ")
    );
    if !pack.tools.is_empty() {
        let tools: Vec<&str> = pack.tools.keys().map(String::as_str).collect();
        println!("  Contains {} tools: [{}]", tools.len(), tools.join(" "));
    }
    if !pack.evals.is_empty() {
        println!("  Pack-level evals: {}", pack.evals.len());
    }
    if let Some(w) = &pack.workflow {
        println!("  Workflow: {} states (entry: {})", w.states.len(), w.entry);
    }
    if let Some(a) = &pack.agents {
        println!("  Agents: {} members (entry: {})", a.members.len(), a.entry);
    }
}
