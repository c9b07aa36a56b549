//! Nothing accepted is silently ignored: every field a project writes whose status in
//! the field table ([`table`]) is `warned` gets a warning at its key, every `refused`
//! one an error. The project's files are walked as written (the model drops where a
//! plain value sits), each field once; a field under a reported one is not reported
//! again.

pub mod table;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics, SourceCache, SourceLocation};
use crate::load::{Item, Loaded, Project};
use crate::model::{Location, Node, PromptSpec, Value};

pub use table::{ENVELOPE, MOCK_RESPONSES, Row, Status, Table, markdown};

/// Reports the `warned` and `refused` fields of every file of the project.
pub(crate) fn check_project(loaded: &Loaded<Project>, project: &Project, out: &mut Diagnostics) {
    // The loader and the earlier checks (integrations, workflow limits) already warn
    // about some fields, with more detail: one diagnostic per line is enough.
    let reported: HashSet<(PathBuf, u32)> = loaded
        .diagnostics
        .iter()
        .chain(out.iter())
        .filter_map(|d| d.location.as_ref())
        .map(|l| (l.path.clone(), l.line))
        .collect();
    let mut walker = Walker {
        table: Table::get(),
        sources: &loaded.sources,
        reported,
        out,
    };
    for (path, kind) in documents(project) {
        walker.file(&path, kind);
    }
}

/// Reports the `warned` and `refused` fields of one prompt file (`include_prompt!`).
pub(crate) fn check_prompt(
    prompt: &Item<PromptSpec>,
    sources: &SourceCache,
    out: &mut Diagnostics,
) {
    let mut walker = Walker {
        table: Table::get(),
        sources,
        reported: HashSet::new(),
        out,
    };
    walker.file(&prompt.path, "PromptConfig");
}

/// Every file of the project with its table kind, each once (inline specs are walked
/// as part of the arena config).
fn documents(project: &Project) -> Vec<(PathBuf, &'static str)> {
    fn files<'a, S>(
        items: &'a [Item<S>],
        kind: &'static str,
    ) -> impl Iterator<Item = (PathBuf, &'static str)> + 'a {
        items
            .iter()
            .filter(|i| !i.inline)
            .map(move |i| (i.path.clone(), kind))
    }
    let mut seen = HashSet::new();
    std::iter::once((project.config_path.clone(), "Arena"))
        .chain(files(&project.prompts, "PromptConfig"))
        .chain(
            project
                .providers
                .iter()
                .filter(|p| !p.item.inline)
                .map(|p| (p.item.path.clone(), "Provider")),
        )
        .chain(files(&project.scenarios, "Scenario"))
        .chain(files(&project.tools, "Tool"))
        .chain(files(&project.personas, "Persona"))
        .chain(files(&project.evals, "Eval"))
        .chain(
            project
                .mock_configs
                .iter()
                .map(|m| (m.path.clone(), MOCK_RESPONSES)),
        )
        .filter(|(path, _)| seen.insert(path.clone()))
        .collect()
}

struct Walker<'a> {
    table: &'static Table,
    sources: &'a SourceCache,
    reported: HashSet<(PathBuf, u32)>,
    out: &'a mut Diagnostics,
}

impl Walker<'_> {
    fn file(&mut self, path: &Path, kind: &'static str) {
        // Files that do not parse have load errors already.
        let Some(root) = self
            .sources
            .get(path)
            .and_then(|text| serde_saphyr::from_str::<Node>(text).ok())
        else {
            return;
        };
        if kind == MOCK_RESPONSES {
            self.node(path, kind, "", &root, &root.referenced);
            return;
        }
        // The envelope's rows have no `spec`, so this walk skips it.
        self.node(path, ENVELOPE, "", &root, &root.referenced);
        if let Some(spec) = root.value.as_map().and_then(|m| m.get("spec")) {
            self.node(path, kind, "", spec, &spec.referenced);
        }
    }

    /// Walks `node`, found at `at` of `kind`; `owner` is where its own key is written.
    fn node(&mut self, path: &Path, kind: &'static str, at: &str, node: &Node, owner: &Location) {
        match &node.value {
            Value::Seq(items) => {
                let inner = format!("{at}[]");
                for item in items {
                    self.node(path, kind, &inner, item, owner);
                }
            }
            Value::Map(map) if self.table.is_free_keyed(kind, at) => {
                let inner = join(at, "*");
                let (kind, inner) = self
                    .table
                    .mount(kind, &inner)
                    .map_or((kind, inner.clone()), |(k, p)| (k, p.to_owned()));
                for value in map.values() {
                    self.node(path, kind, &inner, value, owner);
                }
            }
            Value::Map(map) => {
                for (key, value) in map.iter() {
                    let field = join(at, &key.value);
                    let Some(row) = self.table.row(kind, &field) else {
                        // Free-form content (params, schemas) or a key the loader refused.
                        continue;
                    };
                    match row.status {
                        Status::Executed => {
                            self.node(path, kind, &field, value, &key.referenced);
                        }
                        Status::Warned | Status::Refused if is_unset(&value.value) => {}
                        Status::Warned | Status::Refused => {
                            // A secret's line is not shown: blame the mapping holding it.
                            let blamed = if SECRET_KEYS.contains(&key.value.as_str()) {
                                owner
                            } else {
                                &key.referenced
                            };
                            let location = SourceLocation::from_yaml(path, blamed);
                            self.report(path, row, &key.value, location);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn report(&mut self, path: &Path, row: &Row, key: &str, location: Option<SourceLocation>) {
        let line = location.as_ref().map_or(0, |l| l.line);
        if self.reported.contains(&(path.to_path_buf(), line)) && line > 0 {
            return;
        }
        let field = format!("{} `{}`", row.kind, row.path);
        let diagnostic = match row.status {
            Status::Refused => Diagnostic::error(format!(
                "`{key}` is not supported by this runtime: {}",
                row.note
            ))
            .with_help(format!(
                "remove `{key}`: ignoring it would send data or keys where you did not ask"
            )),
            _ => Diagnostic::warning(format!(
                "`{key}` is accepted but not executed by this runtime: {}",
                row.note
            )),
        };
        let diagnostic = diagnostic.with_note(format!(
            "field status: {field} is {} (FIELDS.md)",
            row.status
        ));
        self.out.push(match location {
            Some(l) => diagnostic.at(l),
            None => diagnostic.in_file(path),
        });
    }
}

/// Keys whose values are secrets: a diagnostic about one points at the mapping holding
/// it, so the rendered snippet never shows the value.
const SECRET_KEYS: &[&str] = &["api_key", "password", "token"];

/// `at.key`, or `key` at the top.
fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}.{key}")
    }
}

/// Values that mean "not set" in the reference (Go's zero values of the field).
fn is_unset(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Seq(items) => items.is_empty(),
        Value::Map(map) => map.is_empty(),
        _ => false,
    }
}
