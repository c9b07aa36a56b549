//! The checker: what the loader cannot see file by file — duplicate ids, dangling
//! references between files, template variables against their declarations, assertion
//! and validator types with their params, regexes, value ranges, and the fields this
//! runtime accepts but does not execute ([`fields`]). Every problem is
//! a located [`Diagnostic`] with a fix; all of them are reported in one pass.
//!
//! ```
//! use promptkit_build::{check, load};
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/arena-quickstart/config.arena.yaml");
//! let loaded = load::load_project(path, &load::LoadOptions::default());
//! let diagnostics = check::check_project(&loaded);
//! assert!(!diagnostics.has_errors());
//! ```

mod assertions;
pub mod fields;
mod ids;
mod integrations;
mod refs;
mod templates;
pub use templates::ARENA_CONTEXT_VARIABLES;
mod values;

use std::path::Path;

use serde_saphyr::{Location, Spanned};

use crate::diagnostic::{Diagnostic, Diagnostics, SourceCache, SourceLocation};
use crate::load::{Item, Loaded, Project};
use crate::model::PromptSpec;

/// What the project may use beyond the built-in registry.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Assertion types registered in Rust (`Setup::assertion`): scenarios and evals may
    /// use them, with any params.
    pub custom_assertions: Vec<String>,
    /// MCP servers registered in Rust (`Setup::mcp_server`): prompts and mock responses
    /// may name their tools (`mcp__<server>__<tool>`).
    pub mcp_servers: Vec<String>,
}

/// Checks a loaded project (its load diagnostics are not repeated).
pub fn check_project(loaded: &Loaded<Project>) -> Diagnostics {
    check_project_with(loaded, &CheckOptions::default())
}

/// [`check_project`] knowing the custom assertion types of `options`.
pub fn check_project_with(loaded: &Loaded<Project>, options: &CheckOptions) -> Diagnostics {
    let mut out = Diagnostics::new();
    if let Some(project) = &loaded.value {
        ids::check(project, &mut out);
        refs::check(project, &options.mcp_servers, &mut out);
        integrations::check(project, &mut out);
        templates::check_project(project, &loaded.sources, &mut out);
        // Exec-bound evals of `spec.runtime.evals` are assertion types too.
        let mut custom = options.custom_assertions.clone();
        custom.extend(project.exec_evals().map(|(name, _)| name.value.clone()));
        assertions::check_project(project, &custom, &mut out);
        values::check_project(project, &mut out);
        fields::check_project(loaded, project, &mut out);
    }
    out
}

/// Checks prompts on their own, without an arena config (`include_prompt!`, packc's
/// `compile-prompt`): each template against its declared variables and fragments, its
/// validators and values, and no two with one task type. Undeclared variables are
/// errors here, since nothing else can supply them.
pub fn check_prompts(prompts: &[Item<PromptSpec>], sources: &SourceCache) -> Diagnostics {
    let mut out = Diagnostics::new();
    for prompt in prompts {
        templates::check_prompt(prompt, sources, &[], true, &mut out);
        assertions::check_prompt(prompt, &mut out);
        values::check_prompt(prompt, &mut out);
        if !prompt.inline {
            fields::check_prompt(prompt, sources, &mut out);
        }
    }
    ids::task_types(prompts, &mut out);
    out
}

/// The arena config's `spec.workflow`, when it is a map.
pub(crate) fn workflow(project: &Project) -> Option<&crate::model::Map> {
    project.arena.spec.value.workflow.as_ref()?.value.as_map()
}

/// Where a spanned value sits in `path`.
pub(crate) fn at<T>(path: &Path, value: &Spanned<T>) -> Option<SourceLocation> {
    SourceLocation::from_yaml(path, &value.referenced)
}

/// Where a location sits in `path`.
pub(crate) fn at_loc(path: &Path, location: &Location) -> Option<SourceLocation> {
    SourceLocation::from_yaml(path, location)
}

/// An error located at `location`, falling back to the whole file.
pub(crate) fn error(
    message: impl Into<String>,
    location: Option<SourceLocation>,
    path: &Path,
) -> Diagnostic {
    located(Diagnostic::error(message), location, path)
}

/// A warning located at `location`, falling back to the whole file.
pub(crate) fn warning(
    message: impl Into<String>,
    location: Option<SourceLocation>,
    path: &Path,
) -> Diagnostic {
    located(Diagnostic::warning(message), location, path)
}

fn located(diagnostic: Diagnostic, location: Option<SourceLocation>, path: &Path) -> Diagnostic {
    match location {
        Some(location) => diagnostic.at(location),
        None => diagnostic.in_file(path),
    }
}

/// `help: did you mean `x`?` when a candidate is close, else a list of what exists.
pub(crate) fn suggestion<S: AsRef<str>>(word: &str, candidates: &[S], what: &str) -> String {
    match crate::load::did_you_mean(word, candidates) {
        Some(best) => format!("did you mean `{best}`?"),
        None if candidates.is_empty() => format!("the project defines no {what}"),
        None => {
            let mut names: Vec<&str> = candidates.iter().map(AsRef::as_ref).collect();
            names.sort_unstable();
            names.truncate(12);
            format!("known {what}: {}", names.join(", "))
        }
    }
}
