//! Compiling a loaded arena project into a [`PromptPack`], as the reference packc does.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::diagnose::{check_prompt, missing_media, skill_errors, structure};
use super::json;
use super::model::{Agents, Compilation, PackPrompt, PromptPack, Workflow};
use super::prompt::{prompt, template_engine};
use super::sections::{eval, skill, tools};
use super::stamp;
use crate::diagnostic::{Diagnostic, Diagnostics, RenderStyle, SourceCache, SourceLocation};
use crate::frontend::Checked;
use crate::load::{Item, Project};
use crate::model::{Node, PromptSpec};

/// The `$schema` URL the reference writes into every pack.
pub const SCHEMA_URL: &str = "https://promptpack.org/schema/latest/promptpack.schema.json";

/// The pack version the reference gives every compiled pack.
pub const PACK_VERSION: &str = "v1.0.0";

/// The compiler name and version written to `compilation.compiled_with`.
pub const COMPILED_WITH: &str = concat!("promptkit-packc-v", env!("CARGO_PKG_VERSION"));

/// Options of a compilation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompileOptions {
    /// Pack id; default: the arena config's folder name, lowercased and sanitised
    /// (as packc's `--id` default).
    pub pack_id: Option<String>,
    /// `compilation.compiled_with`; default [`COMPILED_WITH`].
    pub compiled_with: Option<String>,
    /// `compilation.created_at` (RFC 3339). Default: `SOURCE_DATE_EPOCH` when set, else
    /// the Unix epoch, so that the same inputs always give the same bytes.
    pub created_at: Option<String>,
}

/// A compilation's result: the pack when it could be built, every diagnostic of
/// loading, checking and compiling, and every file read.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The pack; `None` when an error was reported.
    pub pack: Option<PromptPack>,
    /// Every error and warning of loading, checking and compiling.
    pub diagnostics: Diagnostics,
    /// Every file read (what a build script prints as `rerun-if-changed`).
    pub files: Vec<PathBuf>,
    /// The text of every file read, for rendering snippets.
    pub sources: SourceCache,
}

impl Compiled {
    /// Renders every diagnostic like rustc.
    pub fn render(&self, style: RenderStyle) -> String {
        self.diagnostics.render(&self.sources, style)
    }
}

/// Compiles a checked project ([`Frontend`](crate::frontend::Frontend)): every prompt
/// keyed by task type, with its fragments' text composed in, every tool, the pack
/// evals, workflow, agents and skills. Returns the pack and its warnings, or every
/// error found. Provider settings (and so credentials) never enter a pack.
pub fn compile(
    project: &Checked<Project>,
    options: &CompileOptions,
) -> Result<(PromptPack, Vec<Diagnostic>), Vec<Diagnostic>> {
    let project: &Project = project;
    let mut errors = Vec::new();
    let config = &project.config_path;
    let spec = &project.arena.spec.value;

    let id = pack_id(project, options, &mut errors);
    let created_at = match &options.created_at {
        Some(at) => at.clone(),
        None => stamp::created_at().unwrap_or_else(|e| {
            errors.push(Diagnostic::error(e).with_help(
                "set SOURCE_DATE_EPOCH to a whole number of seconds since 1970, or unset it",
            ));
            String::new()
        }),
    };

    let mut warnings = Vec::new();
    // The checker refused duplicate task types, so each prompt has its own key.
    let mut prompts: BTreeMap<String, (PackPrompt, &Item<PromptSpec>)> = BTreeMap::new();
    let mut fragments = BTreeMap::new();
    for item in &project.prompts {
        check_prompt(item, &mut errors);
        warnings.extend(missing_media(item, &project.root));
        for fragment in &item.fragments {
            fragments
                .entry(fragment.name.clone())
                .or_insert_with(|| fragment.content.to_string());
        }
        prompts.insert(item.spec.task_type.value.clone(), (prompt(item), item));
    }
    if prompts.is_empty() {
        errors.push(
            Diagnostic::error("no prompt configs found in the arena config")
                .at_opt(SourceLocation::from_yaml(
                    config,
                    &project.arena.spec.referenced,
                ))
                .or_in(config)
                .with_label("this spec lists no prompt config")
                .with_help(
                    "list prompt files under `spec.prompt_configs` (`- id: ..., file: ...`)",
                ),
        );
    }
    errors.extend(skill_errors(project));
    let template_engine = prompts
        .values()
        .next()
        .map(|(_, item)| template_engine(&item.spec));

    let workflow = spec
        .workflow
        .as_ref()
        .and_then(|node| typed::<Workflow>(node, project, "workflow", &mut errors))
        .map(|mut w| {
            w.extra.clear();
            w.states.values_mut().for_each(|s| s.extra.clear());
            w
        });
    let agents = spec
        .agents
        .as_ref()
        .and_then(|node| typed::<Agents>(node, project, "agents", &mut errors))
        .map(|mut a| {
            a.extra.clear();
            a.members.values_mut().for_each(|m| m.extra.clear());
            a
        });

    if !errors.is_empty() {
        return Err(errors);
    }
    let count = prompts.len();
    let prompts: BTreeMap<String, PackPrompt> =
        prompts.into_iter().map(|(k, (p, _))| (k, p)).collect();
    let pack = PromptPack {
        schema: Some(SCHEMA_URL.to_owned()),
        name: id.clone(),
        id,
        version: PACK_VERSION.to_owned(),
        description: Some(format!("Pack containing {count} prompts")),
        template_engine,
        prompts,
        tools: tools(project),
        fragments,
        metadata: None,
        compilation: Some(Compilation {
            compiled_with: options
                .compiled_with
                .clone()
                .unwrap_or_else(|| COMPILED_WITH.to_owned()),
            created_at,
            schema: Some("v1".to_owned()),
            extra: Default::default(),
        }),
        evals: spec.pack_evals.iter().map(eval).collect(),
        workflow,
        compositions: spec.compositions.as_ref().map(json::node),
        agents,
        skills: spec.skills.iter().map(skill).collect(),
        extra: Default::default(),
    };
    structure(pack, project, warnings)
}

/// The pack id: the option, or the config folder's name sanitised like packc.
fn pack_id(project: &Project, options: &CompileOptions, errors: &mut Vec<Diagnostic>) -> String {
    let id = options.pack_id.clone().unwrap_or_else(|| {
        let dir = std::path::absolute(&project.root).unwrap_or_else(|_| project.root.clone());
        sanitize_pack_id(
            &dir.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
        )
    });
    let valid = id.len() <= 100
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid {
        errors.push(
            Diagnostic::error(format!(
                "pack id `{id}` is not valid: it must match ^[a-z][a-z0-9-]*$ (at most 100 characters)"
            ))
            .in_file(&project.config_path)
            .with_help("pass an explicit id (`--id my-pack` or `Builder::id`)"),
        );
    }
    id
}

/// packc's default id: lowercase, spaces to dashes, only `[a-z0-9-]`, single dashes, trimmed.
pub fn sanitize_pack_id(name: &str) -> String {
    let lowered = name.to_lowercase().replace(' ', "-");
    let kept: String = lowered
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
        .collect();
    let mut out = String::with_capacity(kept.len());
    for c in kept.chars() {
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out.trim_matches('-').to_owned()
}

/// A free-form section (`workflow`, `agents`) read into its pack type.
fn typed<T: serde::de::DeserializeOwned>(
    node: &Node,
    project: &Project,
    what: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<T> {
    match serde_json::from_value::<T>(node.value.to_json()) {
        Ok(value) => Some(value),
        Err(e) => {
            errors.push(
                Diagnostic::error(format!("`{what}` is not a valid pack {what}: {e}"))
                    .at_opt(SourceLocation::from_yaml(
                        &project.config_path,
                        &node.referenced,
                    ))
                    .with_help(format!(
                        "see the PromptPack schema's `{what}` section for the expected shape"
                    )),
            );
            None
        }
    }
}
