//! `cargo promptkit validate-pack` (the official schema plus structural checks) and
//! `inspect` (a readable summary), as packc `validate` and `inspect`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use promptkit::Pack;
use promptkit::pack::{Level, schema_version, validate_schema};

/// Flags of `validate-pack`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// The pack JSON file.
    pub pack: PathBuf,
}

/// Flags of `inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// The pack JSON file.
    pub pack: PathBuf,
}

/// Runs `validate-pack`.
pub fn validate(args: ValidateArgs) -> anyhow::Result<ExitCode> {
    let path = &args.pack;
    println!("Validating pack: {}", path.display());
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading `{}`", path.display()))?;
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(e) => {
            eprintln!(
                "✗ {}:{}:{}: not JSON: {e}",
                path.display(),
                e.line(),
                e.column()
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    println!(
        "Validating against PromptPack schema {}...",
        schema_version(&value)
    );
    let problems = validate_schema(&value);
    if !problems.is_empty() {
        eprintln!("✗ Pack failed schema validation:");
        for problem in problems {
            eprintln!("  - {}: {problem}", path.display());
        }
        return Ok(ExitCode::FAILURE);
    }
    println!("✓ Schema validation passed");
    let pack = match Pack::from_json(&text) {
        Ok(pack) => pack,
        Err(e) => {
            eprintln!("✗ {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let findings = pack.check();
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.level == Level::Error)
        .collect();
    if !errors.is_empty() {
        eprintln!("✗ Pack validation failed:");
        for f in errors {
            eprintln!("  - {}", f.message);
        }
        return Ok(ExitCode::FAILURE);
    }
    println!("✓ Pack structure is valid");
    for f in findings.iter().filter(|f| f.level == Level::Warning) {
        println!("⚠ {}", f.message);
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `inspect`.
pub fn inspect(args: InspectArgs) -> anyhow::Result<ExitCode> {
    let pack = Pack::from_path(&args.pack)?;
    print!("{}", summary(&pack));
    Ok(ExitCode::SUCCESS)
}

/// The readable summary `inspect` prints (packc's layout).
pub fn summary(pack: &Pack) -> String {
    let mut s = String::new();
    let p = pack.model();
    let _ = writeln!(s, "=== Pack Information ===");
    let _ = writeln!(s, "Pack: {}", p.name);
    let _ = writeln!(s, "ID: {}", p.id);
    let _ = writeln!(s, "Version: {}", p.version);
    if let Some(d) = p.description.as_ref().filter(|d| !d.is_empty()) {
        let _ = writeln!(s, "Description: {d}");
    }
    if let Some(te) = &p.template_engine {
        let _ = writeln!(s, "\nTemplate Engine: {} ({})", te.version, te.syntax);
        if !te.features.is_empty() {
            let _ = writeln!(s, "Features: {}", te.features.join(", "));
        }
    }
    let _ = writeln!(s, "\n=== Prompts ({}) ===", p.prompts.len());
    for (task, prompt) in &p.prompts {
        let _ = writeln!(s, "\n[{task}]");
        let _ = writeln!(s, "  Name: {}", prompt.name);
        if let Some(d) = prompt.description.as_ref().filter(|d| !d.is_empty()) {
            let _ = writeln!(s, "  Description: {d}");
        }
        let _ = writeln!(s, "  Version: {}", prompt.version);
        let required: Vec<&str> = prompt
            .variables
            .iter()
            .filter(|v| v.required)
            .map(|v| v.name.as_str())
            .collect();
        let _ = writeln!(
            s,
            "  Variables: {} required, {} optional",
            required.len(),
            prompt.variables.len() - required.len()
        );
        if !required.is_empty() {
            let _ = writeln!(s, "    Required: {}", required.join(", "));
        }
        if !prompt.tools.is_empty() {
            let _ = writeln!(
                s,
                "  Tools ({}): {}",
                prompt.tools.len(),
                prompt.tools.join(", ")
            );
        }
        if !prompt.validators.is_empty() {
            let _ = writeln!(s, "  Validators ({}):", prompt.validators.len());
            for v in &prompt.validators {
                let state = if v.enabled { "enabled" } else { "disabled" };
                let _ = writeln!(s, "    - {} ({state})", v.r#type);
            }
        }
        if !prompt.model_overrides.is_empty() {
            let models: Vec<&str> = prompt.model_overrides.keys().map(String::as_str).collect();
            let _ = writeln!(s, "  Model overrides: {}", models.join(", "));
        }
    }
    if !p.tools.is_empty() {
        let _ = writeln!(s, "\n=== Tools ({}) ===", p.tools.len());
        for tool in p.tools.values() {
            let _ = writeln!(s, "  {}: {}", tool.name, tool.description);
        }
    }
    if !p.fragments.is_empty() {
        let names: Vec<&str> = p.fragments.keys().map(String::as_str).collect();
        let _ = writeln!(
            s,
            "\nShared Fragments ({}): {}",
            names.len(),
            names.join(", ")
        );
    }
    if !p.evals.is_empty() {
        let ids: Vec<&str> = p.evals.iter().map(|e| e.id.as_str()).collect();
        let _ = writeln!(s, "\nPack Evals ({}): {}", ids.len(), ids.join(", "));
    }
    if let Some(w) = &p.workflow {
        let _ = writeln!(s, "\n=== Workflow (v{}) ===", w.version);
        let _ = writeln!(s, "Entry: {}", w.entry);
        let _ = writeln!(s, "States ({}):", w.states.len());
        for (name, state) in &w.states {
            let _ = writeln!(s, "  [{name}] prompt_task={}", state.prompt_task);
            if let Some(d) = &state.description {
                let _ = writeln!(s, "    Description: {d}");
            }
            for (event, target) in &state.on_event {
                let _ = writeln!(s, "    on {event} → {target}");
            }
            if state.terminal {
                let _ = writeln!(s, "    Terminal");
            }
        }
    }
    if let Some(a) = &p.agents {
        let _ = writeln!(s, "\n=== Agents ===");
        let _ = writeln!(s, "Entry: {}", a.entry);
        let _ = writeln!(s, "Members ({}):", a.members.len());
        for (name, agent) in &a.members {
            let _ = writeln!(s, "  [{name}]");
            if let Some(d) = &agent.description {
                let _ = writeln!(s, "    Description: {d}");
            }
        }
    }
    if !p.skills.is_empty() {
        let _ = writeln!(s, "\nSkills: {}", p.skills.len());
    }
    if let Some(c) = &p.compilation {
        let _ = writeln!(
            s,
            "\nCompilation: {}, {}, Schema: {}",
            c.compiled_with,
            c.created_at,
            c.schema.as_deref().unwrap_or("")
        );
    }
    s
}
