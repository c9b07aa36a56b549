//! Duplicate ids: two prompts with one task type, two tools with one name, and so on.

use std::collections::BTreeMap;

use super::{at_loc, error};
use crate::diagnostic::{Diagnostics, SourceLocation};
use crate::load::{Item, Project};
use crate::model::PromptSpec;

pub(super) fn check(project: &Project, out: &mut Diagnostics) {
    task_types(&project.prompts, out);
    duplicates("tool", items(&project.tools), out);
    duplicates(
        "provider",
        project.providers.iter().map(|p| {
            (
                p.item.id.clone(),
                p.item.path.as_path(),
                p.item.id_at.clone(),
            )
        }),
        out,
    );
    duplicates("scenario", items(&project.scenarios), out);
    duplicates("persona", items(&project.personas), out);
    duplicates("eval", items(&project.evals), out);
}

/// Two prompts with one task type (a pack and a run key prompts by task type).
pub(super) fn task_types(prompts: &[Item<PromptSpec>], out: &mut Diagnostics) {
    let prompts = prompts.iter().map(|p| {
        (
            p.spec.task_type.value.clone(),
            p.path.as_path(),
            at_loc(&p.path, &p.spec.task_type.referenced),
        )
    });
    duplicates("prompt config with task_type", prompts, out);
}

fn items<S>(
    items: &[Item<S>],
) -> impl Iterator<Item = (String, &std::path::Path, Option<SourceLocation>)> {
    items
        .iter()
        .map(|i| (i.id.clone(), i.path.as_path(), i.id_at.clone()))
}

fn duplicates<'a>(
    what: &str,
    entries: impl Iterator<Item = (String, &'a std::path::Path, Option<SourceLocation>)>,
    out: &mut Diagnostics,
) {
    let mut first: BTreeMap<String, (&std::path::Path, Option<SourceLocation>)> = BTreeMap::new();
    for (id, path, location) in entries {
        match first.get(&id) {
            Some((first_path, first_at)) => {
                let mut d = error(format!("duplicate {what} `{id}`"), location, path)
                    .with_label("defined again here")
                    .with_help("give each one a unique id; references pick only one of them");
                if let Some(first_at) = first_at.clone() {
                    d = d.with_secondary(first_at, "first defined here");
                } else {
                    d = d.with_note(format!("first defined in `{}`", first_path.display()));
                }
                out.push(d);
            }
            None => {
                first.insert(id, (path, location));
            }
        }
    }
}
