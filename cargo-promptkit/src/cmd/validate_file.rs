//! `cargo promptkit validate FILE [--type KIND]`: one document on its own, as the
//! reference's `promptarena validate FILE --type scenario`. The kind comes from
//! `--type`, else from the file's `kind:`; the document is read by the loader's
//! single-file entry (`load_manifest`), so it gets the same errors as in a project
//! (unknown keys with suggestions, wrong types, missing required fields). Cross-file
//! references are not checked: that needs the project (`validate -c`).

use std::path::Path;
use std::process::ExitCode;

use promptkit_build::diagnostic::{Diagnostics, RenderStyle};
use promptkit_build::load::{LoadOptions, Loaded, Required, load_manifest};
use promptkit_build::model::{
    ArenaSpec, EvalSpec, Kind, Manifest, PersonaSpec, PromptSpec, ProviderSpec, ScenarioSpec,
    ToolSpec,
};
use serde::de::DeserializeOwned;

/// The `--type` names (the reference's, lowercase) and `auto`.
pub const TYPES: [&str; 8] = [
    "auto",
    "arena",
    "promptconfig",
    "scenario",
    "provider",
    "tool",
    "persona",
    "eval",
];

/// Validates `file` as `kind_name`; prints diagnostics (JSON when `json`).
pub fn run(
    file: &Path,
    kind_name: &str,
    json: bool,
    style: RenderStyle,
) -> anyhow::Result<ExitCode> {
    let kind = match kind_name {
        "auto" => detect(file)?,
        name => Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                anyhow::anyhow!("unknown --type `{name}`; use one of {}", TYPES.join(", "))
            })?,
    };
    let options = LoadOptions {
        allow_outside_root: true,
        ..LoadOptions::default()
    };
    let (diagnostics, rendered) = match kind {
        Kind::Arena => load::<ArenaSpec>(file, kind, &options, style),
        Kind::PromptConfig => load::<PromptSpec>(file, kind, &options, style),
        Kind::Scenario => load::<ScenarioSpec>(file, kind, &options, style),
        Kind::Provider => load::<ProviderSpec>(file, kind, &options, style),
        Kind::Tool => load::<ToolSpec>(file, kind, &options, style),
        Kind::Persona => load::<PersonaSpec>(file, kind, &options, style),
        Kind::Eval => load::<EvalSpec>(file, kind, &options, style),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&diagnostics)?);
    } else {
        eprint!("{rendered}");
        if diagnostics.has_errors() {
            eprintln!(
                "error: `{}` is not a valid {kind} ({} error(s))",
                file.display(),
                diagnostics.error_count()
            );
        } else {
            println!("`{}` is a valid {kind}", file.display());
        }
    }
    Ok(if diagnostics.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn load<S: DeserializeOwned + Required>(
    file: &Path,
    kind: Kind,
    options: &LoadOptions,
    style: RenderStyle,
) -> (Diagnostics, String) {
    let loaded: Loaded<Manifest<S>> = load_manifest(file, kind, options);
    let rendered = loaded.render(style);
    (loaded.diagnostics, rendered)
}

/// The kind named by the file's top-level `kind:` line.
fn detect(file: &Path) -> anyhow::Result<Kind> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read `{}`: {e}", file.display()))?;
    let written = text
        .lines()
        .find_map(|line| line.strip_prefix("kind:"))
        .map(|rest| {
            rest.split('#')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches(['"', '\''])
        });
    written.and_then(Kind::from_name).ok_or_else(|| {
        anyhow::anyhow!(
            "cannot tell the kind of `{}` (no known top-level `kind:`); pass --type {}",
            file.display(),
            TYPES[1..].join("|")
        )
    })
}
