//! Compile-time diagnostics beyond building the pack: fields the schema requires of a
//! prompt, missing example media, and workflow/agents cross-references.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::check::{Level, Section, check};
use super::model::PromptPack;
use crate::diagnostic::{Diagnostic, SourceLocation};
use crate::load::{Item, Project};
use crate::model::PromptSpec;

/// Warnings for media files of multimodal examples that do not exist (resolved from
/// the project root, as the reference does).
pub(super) fn missing_media(item: &Item<PromptSpec>, root: &Path) -> Vec<Diagnostic> {
    let Some(media) = item
        .spec
        .media
        .as_ref()
        .map(|m| &m.value)
        .filter(|m| m.enabled)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for example in &media.examples {
        for (i, part) in example.parts.iter().enumerate() {
            let Some(file) = part.media.as_ref().and_then(|m| m.file_path.as_ref()) else {
                continue;
            };
            if file.value.is_empty() || root.join(&file.value).exists() {
                continue;
            }
            out.push(
                Diagnostic::warning(format!(
                    "media file not found: {} (example: {}, part {i})",
                    file.value, example.name
                ))
                .at_opt(item.at(&file.referenced))
                .with_note(format!("resolved from `{}`", root.display()))
                .with_help("add the file, or fix the path (relative to the arena config's folder)"),
            );
        }
    }
    out
}

/// The reference's compile-time workflow and agents validation: errors fail the
/// compilation (located at the section in the arena config), warnings are kept.
pub(super) fn structure(
    pack: PromptPack,
    project: &Project,
    mut warnings: Vec<Diagnostic>,
) -> Result<(PromptPack, Vec<Diagnostic>), Vec<Diagnostic>> {
    let spec = &project.arena.spec.value;
    let mut errors = Vec::new();
    for finding in check(&pack) {
        let node = match finding.section {
            Section::Workflow => spec.workflow.as_ref(),
            Section::Agents => spec.agents.as_ref(),
            Section::Pack | Section::Prompt => continue,
        };
        let at = node.and_then(|n| SourceLocation::from_yaml(&project.config_path, &n.referenced));
        let diagnostic = match finding.level {
            Level::Error => Diagnostic::error(finding.message),
            Level::Warning => Diagnostic::warning(finding.message),
        }
        .at(at.unwrap_or_else(|| SourceLocation::file(&project.config_path)));
        match finding.level {
            Level::Error => errors.push(diagnostic),
            Level::Warning => warnings.push(diagnostic),
        }
    }
    if errors.is_empty() {
        errors.extend(schema_failures(&pack, project));
    }
    if errors.is_empty() {
        Ok((pack, warnings))
    } else {
        Err(errors)
    }
}

/// The pack against the official schema: a failure is a gap of the checker, reported at
/// the YAML that produced the value.
fn schema_failures(pack: &PromptPack, project: &Project) -> Vec<Diagnostic> {
    let json = match serde_json::to_value(pack) {
        Ok(json) => json,
        Err(e) => return vec![Diagnostic::error(format!("cannot serialize the pack: {e}"))],
    };
    super::validate_schema(&json)
        .into_iter()
        .map(|problem| {
            let field = unexpected_field(&problem.pointer, &problem.message);
            let note = if field.starts_with("/agents/members/") && field.ends_with("/state") {
                // The reference's packc validates against the pre-release schema 1.5.0 it
                // embeds, which adds state-backed agents (RFC 0011).
                "agent `state` (RFC 0011) is not in the official PromptPack schema; the reference's packc accepts it only against the pre-release schema 1.5.0 it embeds — remove it to publish this pack"
            } else {
                "`validate` let this value through; change it here (and please report the gap)"
            };
            Diagnostic::error(format!(
                "the compiled pack breaks the PromptPack schema at `{}`: {}",
                problem.pointer,
                crate::diagnostic::truncate(&problem.message, 300)
            ))
            .at(super::locate::source_of(project, &field))
            .with_note(note)
        })
        .collect()
}

/// `pointer` extended by the property an "additional properties" failure names, so it
/// is located at that property rather than at the object holding it.
fn unexpected_field(pointer: &str, message: &str) -> String {
    let named = message
        .split_once("('")
        .and_then(|(_, rest)| rest.split_once("' was unexpected)"))
        .map(|(name, _)| name)
        .filter(|name| !name.contains('\''));
    match named {
        Some(name) => format!("{pointer}/{}", name.replace('~', "~0").replace('/', "~1")),
        None => pointer.to_owned(),
    }
}

/// Errors for fields the PromptPack schema requires of a prompt.
pub(super) fn check_prompt(item: &Item<PromptSpec>, errors: &mut Vec<Diagnostic>) {
    let spec = &item.spec;
    let task = &spec.task_type;
    let task_ok = task.value.starts_with(|c: char| c.is_ascii_lowercase())
        && task
            .value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !task_ok {
        errors.push(
            Diagnostic::error(format!(
                "task_type `{}` cannot be a pack prompt id (must match ^[a-z][a-z0-9_-]*$)",
                task.value
            ))
            .at_opt(item.at(&task.referenced))
            .with_help("use lowercase letters, digits, `_` and `-`, starting with a letter"),
        );
    }
    match &spec.version {
        Some(v) if is_semver(&v.value) => {}
        Some(v) => errors.push(
            Diagnostic::error(format!(
                "prompt version `{}` is not a semantic version",
                v.value
            ))
            .at_opt(item.at(&v.referenced))
            .with_help("write MAJOR.MINOR.PATCH, e.g. `1.0.0` or `v1.0.0`"),
        ),
        None => errors.push(
            Diagnostic::error(format!("prompt `{}` has no `version`", task.value))
                .at_opt(item.spec_at.clone())
                .with_help(
                    "add `version: 1.0.0` to the prompt's spec (the pack format requires it)",
                ),
        ),
    }
    if spec
        .system_template
        .as_ref()
        .is_none_or(|t| t.value.is_empty())
    {
        errors.push(
            Diagnostic::error(format!("prompt `{}` has no `system_template`", task.value))
                .at_opt(item.spec_at.clone())
                .with_help("add the system prompt under `spec.system_template`"),
        );
    }
}

/// `MAJOR.MINOR.PATCH` with an optional `v`, pre-release and build (the schema's pattern).
pub(super) fn is_semver(text: &str) -> bool {
    static SEMVER: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(
            r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$",
        )
        .ok()
    });
    SEMVER.as_ref().is_some_and(|re| re.is_match(text))
}

/// The reference's inline skill checks: a name, description and instructions, names
/// unique. (Skill directories are checked by the loader: they must exist in the project.)
pub(super) fn skill_errors(project: &Project) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    let whole = || SourceLocation::file(&project.config_path);
    for (i, skill) in project.arena.spec.value.skills.iter().enumerate() {
        if skill.dir.is_some() || skill.path.is_some() {
            continue;
        }
        let name = skill.name.as_deref().unwrap_or_default();
        for (field, value) in [
            ("name", skill.name.as_deref()),
            ("description", skill.description.as_deref()),
            ("instructions", skill.instructions.as_deref()),
        ] {
            if value.is_none_or(str::is_empty) {
                out.push(
                    Diagnostic::error(format!(
                        "skills[{i}]: inline skill `{name}` is missing required field `{field}`"
                    ))
                    .at(whole())
                    .with_help(
                        "give an inline skill a name, description and instructions, or a `path`",
                    ),
                );
            }
        }
        if !name.is_empty() && !names.insert(name.to_owned()) {
            out.push(
                Diagnostic::error(format!("skills[{i}]: duplicate skill name `{name}`"))
                    .at(whole())
                    .with_help("give every skill its own name"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unexpected_field;

    #[test]
    fn an_unexpected_property_extends_the_pointer() {
        assert_eq!(
            unexpected_field(
                "/agents/members/research",
                "Additional properties are not allowed ('state' was unexpected)"
            ),
            "/agents/members/research/state"
        );
        assert_eq!(
            unexpected_field("/id", "\"x\" is not of type \"integer\""),
            "/id"
        );
    }
}
