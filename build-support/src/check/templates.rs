//! Templates against their declarations: every `{{placeholder}}` names a declared
//! variable, a fragment, or (in a project) a value the arena or a scenario supplies;
//! malformed placeholders, unused declarations, defaults of the wrong type and bad
//! validation patterns are reported where they are written.

use std::collections::{BTreeMap, BTreeSet};

use super::{at, error, suggestion, warning};
use crate::diagnostic::{Diagnostics, SourceCache};
use crate::load::{Item, Project, locate_in_scalar};
use crate::model::PromptSpec;
use crate::template::{self, RenderError, VarType, placeholders};

/// Variables the arena supplies to every prompt from the scenario (the reference's
/// scenario-context extraction): `context_metadata.domain`, its `user_role` (also as
/// `user_context`), and `context_slot` (description and first user message).
pub const ARENA_CONTEXT_VARIABLES: [&str; 4] =
    ["domain", "user_role", "user_context", "context_slot"];

pub(super) fn check_project(project: &Project, sources: &SourceCache, out: &mut Diagnostics) {
    let arena = &project.arena.spec.value;
    for prompt in &project.prompts {
        // Values the project supplies without a declaration: the arena's
        // `prompt_configs[].vars` and the `variables` of scenarios using this prompt.
        let mut supplied: Vec<String> = arena
            .prompt_configs
            .iter()
            .filter(|c| c.id.value == prompt.id)
            .flat_map(|c| {
                c.vars
                    .iter()
                    .flat_map(|v| v.keys().map(|k| k.value.clone()))
            })
            .collect();
        supplied.extend(ARENA_CONTEXT_VARIABLES.iter().map(|v| (*v).to_owned()));
        supplied.extend(workflow_variables(project, &prompt.spec.task_type.value));
        for scenario in &project.scenarios {
            if scenario
                .spec
                .task_type
                .as_ref()
                .is_some_and(|t| t.value == prompt.spec.task_type.value)
            {
                supplied.extend(
                    scenario
                        .spec
                        .variables
                        .iter()
                        .flat_map(|v| v.keys().map(|k| k.value.clone())),
                );
            }
        }
        check_prompt(prompt, sources, &supplied, false, out);
    }
}

/// What a workflow supplies to the prompt of a state running `task_type`: every
/// declared artifact as `artifacts.<name>` and the last transition's context as
/// `workflow_context` (the runtime renders them at each handoff, as the reference).
fn workflow_variables(project: &Project, task_type: &str) -> Vec<String> {
    let Some(states) = super::workflow(project)
        .and_then(|w| w.get("states"))
        .and_then(|s| s.value.as_map())
    else {
        return Vec::new();
    };
    let runs_task = states.values().any(|state| {
        state
            .value
            .as_map()
            .and_then(|s| s.get("prompt_task"))
            .and_then(|t| t.value.as_str())
            == Some(task_type)
    });
    if !runs_task {
        return Vec::new();
    }
    states
        .values()
        .filter_map(|state| state.value.as_map()?.get("artifacts")?.value.as_map())
        .flat_map(|artifacts| {
            artifacts
                .keys()
                .map(|name| format!("artifacts.{}", name.value))
        })
        .chain(["workflow_context".to_owned()])
        .collect()
}

/// Checks one prompt; `strict` makes undeclared variables errors even when `supplied`
/// could not provide them (a prompt used on its own).
pub(super) fn check_prompt(
    prompt: &Item<PromptSpec>,
    sources: &SourceCache,
    supplied: &[String],
    strict: bool,
    out: &mut Diagnostics,
) {
    let spec = &prompt.spec;
    let path = prompt.path.as_path();
    let declared: Vec<&str> = spec
        .variables
        .iter()
        .map(|v| v.name.value.as_str())
        .collect();
    // Only fragments the loader read can fill a placeholder (under their resolved
    // names); an absent optional fragment leaves its placeholder unresolved.
    let fragments: Vec<&str> = prompt.fragments.iter().map(|f| f.name.as_str()).collect();
    let absent: Vec<&str> = spec
        .fragments
        .iter()
        .map(|f| f.name.value.as_str())
        .filter(|n| !fragments.contains(n))
        .collect();
    let mut used = BTreeSet::new();

    let templates = spec
        .system_template
        .iter()
        .chain(spec.model_overrides.iter().flat_map(|o| {
            o.values().flat_map(|ov| {
                ov.system_template
                    .iter()
                    .chain(ov.system_template_suffix.iter())
            })
        }));
    for template in templates {
        if let Some(open) = unterminated(&template.value) {
            let location = sources
                .get(path)
                .and_then(|source| locate_in_scalar(path, source, template, open..open + 2))
                .or_else(|| at(path, template));
            out.push(
                error("`{{` is never closed", location, path)
                    .with_label("no `}}` follows")
                    .with_help("close the placeholder (`{{name}}`), or remove the braces"),
            );
        }
        for placeholder in placeholders(&template.value) {
            let location = sources
                .get(path)
                .and_then(|source| {
                    locate_in_scalar(path, source, template, placeholder.range.clone())
                })
                .or_else(|| at(path, template));
            let name = placeholder.name;
            // Supplied names may have a dot (a workflow's `artifacts.<name>`).
            if !strict && supplied.iter().any(|s| s == name) {
                used.insert(name.to_owned());
                continue;
            }
            let artifacts: Vec<&str> = supplied
                .iter()
                .filter_map(|s| s.strip_prefix("artifacts."))
                .collect();
            if let Some(artifact) = name.strip_prefix("artifacts.")
                && !strict
                && !artifacts.is_empty()
            {
                out.push(
                    error(
                        format!("no workflow state declares the artifact `{artifact}`"),
                        location,
                        path,
                    )
                    .with_label("never filled")
                    .with_help(suggestion(artifact, &artifacts, "artifacts")),
                );
                continue;
            }
            if !placeholder.is_well_formed() {
                out.push(
                    error(
                        format!(
                            "`{{{{{}}}}}` can never be substituted",
                            crate::diagnostic::truncate(name, 80)
                        ),
                        location,
                        path,
                    )
                    .with_label("not a variable name; rendering would fail on it")
                    .with_help(format!(
                        "write `{{{{{}}}}}`: placeholders are exact, without spaces",
                        name.trim()
                    )),
                );
                continue;
            }
            used.insert(name.to_owned());
            if declared.contains(&name) || fragments.contains(&name) {
                continue;
            }
            if !strict && supplied.iter().any(|s| s == name) {
                continue;
            }
            if absent.contains(&name) {
                out.push(
                    error(
                        format!("fragment `{name}` is optional and its file is absent"),
                        location,
                        path,
                    )
                    .with_label("never filled")
                    .with_note(
                        "an optional fragment whose file does not exist is skipped, and its \
                         placeholder stays unresolved when the prompt is rendered",
                    )
                    .with_help(format!(
                        "create the fragment file, or remove `{{{{{name}}}}}` from the template"
                    )),
                );
                continue;
            }
            let mut candidates: Vec<&str> = declared.clone();
            candidates.extend(&fragments);
            out.push(
                error(format!("template uses undeclared variable `{name}`"), location, path)
                    .with_label("not declared")
                    .with_help(match crate::load::did_you_mean(name, &candidates) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => format!("declare it under `variables:` (- name: {name}), or add a fragment named `{name}`"),
                    }),
            );
        }
    }

    check_expansion(prompt, out);

    for variable in &spec.variables {
        let name = &variable.name;
        if !used.contains(&name.value) && spec.system_template.is_some() {
            out.push(
                warning(
                    format!(
                        "variable `{}` is declared but the template never uses it",
                        name.value
                    ),
                    at(path, name),
                    path,
                )
                .with_help(format!(
                    "use it as `{{{{{}}}}}` or remove the declaration",
                    name.value
                )),
            );
        }
        let ty = match &variable.r#type {
            Some(t) => match VarType::parse(&t.value) {
                Some(ty) => Some(ty),
                None => {
                    out.push(
                        error(
                            format!("unknown variable type `{}`", t.value),
                            at(path, t),
                            path,
                        )
                        .with_help(suggestion(
                            &t.value,
                            &["string", "number", "integer", "boolean", "object", "array"],
                            "types",
                        )),
                    );
                    None
                }
            },
            None => Some(VarType::String),
        };
        if let (Some(ty), Some(default)) = (ty, &variable.default) {
            let fits = match ty {
                VarType::String => default.value.as_str().is_some(),
                VarType::Number => default.value.as_f64().is_some(),
                VarType::Integer => default.value.as_i64().is_some(),
                VarType::Boolean => default.value.as_bool().is_some(),
                VarType::Object => default.value.as_map().is_some(),
                VarType::Array => default.value.as_seq().is_some(),
            };
            if !fits && !default.value.is_null() {
                out.push(
                    error(
                        format!(
                            "default of `{}` is a {}, but the variable is declared `{}`",
                            name.value,
                            default.value.type_name(),
                            ty.name()
                        ),
                        super::at_loc(path, &default.referenced),
                        path,
                    )
                    .with_help("change the default or the declared type so they agree"),
                );
            }
            if variable.required {
                out.push(
                    warning(
                        format!(
                            "required variable `{}` has a default that is never used",
                            name.value
                        ),
                        at(path, name),
                        path,
                    )
                    .with_help("drop `required: true` or the default"),
                );
            }
        }
        if let Some(pattern) = variable
            .validation
            .as_ref()
            .and_then(|v| v.value.entry("pattern"))
            && let Some(text) = pattern.1.value.as_str()
            && let Err(e) = regex::Regex::new(text)
        {
            out.push(
                error(
                    format!("invalid validation pattern for `{}`", name.value),
                    super::at_loc(path, &pattern.1.referenced),
                    path,
                )
                .with_note(e.to_string()),
            );
        }
    }
}

/// The byte offset of a `{{` after the last placeholder that no `}}` closes.
fn unterminated(text: &str) -> Option<usize> {
    let after = placeholders(text).last().map_or(0, |p| p.range.end);
    text[after..].find("{{").map(|i| after + i)
}

/// The templates rendered with the declared defaults: defaults naming each other
/// (a cycle) and expansions over the render budget fail every run, so they are errors.
fn check_expansion(prompt: &Item<PromptSpec>, out: &mut Diagnostics) {
    let spec = &prompt.spec;
    let path = prompt.path.as_path();
    let defaults: BTreeMap<String, String> = spec
        .variables
        .iter()
        .filter_map(|v| {
            let text = v.default.as_ref()?.value.as_str()?;
            Some((v.name.value.clone(), text.to_owned()))
        })
        .collect();
    if defaults.is_empty() {
        return;
    }
    let Some(template) = &spec.system_template else {
        return;
    };
    let default_at = |name: &str| {
        spec.variables
            .iter()
            .find(|v| v.name.value == name)
            .and_then(|v| v.default.as_ref())
            .and_then(|d| super::at_loc(path, &d.referenced))
    };
    match template::render(&template.value, &defaults) {
        Err(RenderError::Cycle(names)) => {
            let first = names.first().cloned().unwrap_or_default();
            out.push(
                error(
                    format!(
                        "the defaults of {} name each other",
                        names
                            .iter()
                            .map(|n| format!("`{}`", crate::diagnostic::truncate(n, 80)))
                            .collect::<Vec<_>>()
                            .join(" -> ")
                    ),
                    default_at(&first).or_else(|| at(path, template)),
                    path,
                )
                .with_label("this default leads back to itself")
                .with_help("a default may not (indirectly) contain its own placeholder"),
            );
        }
        Err(RenderError::TooLarge) => {
            out.push(
                error(
                    format!(
                        "the template expands past {} bytes with its defaults",
                        template::MAX_OUTPUT_BYTES
                    ),
                    at(path, template),
                    path,
                )
                .with_help("defaults whose placeholders repeat multiply the text at each level; flatten them"),
            );
        }
        Ok(_) | Err(RenderError::Unresolved(_)) => {}
    }
}
