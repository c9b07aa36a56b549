//! Turning one referenced document into an [`Item`]: read, parse by kind, derive the id
//! the way the reference does (`metadata.name`), warn where the reference is lenient.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::reader::{Reader, Reference};
use super::required::Required;
use super::{Item, paths};
use crate::diagnostic::{Diagnostic, SourceLocation};
use crate::model::{Kind, Manifest, Spanned, SpannedMap};

/// A `file:` reference resolved against a folder.
pub(crate) struct FileRef<'a> {
    /// The resolved path.
    pub path: PathBuf,
    /// The path as written.
    pub written: &'a str,
    /// Where it is written.
    pub at: Option<SourceLocation>,
}

impl<'a> FileRef<'a> {
    /// Resolves a spanned `file:` value written in `naming_file`, relative to `base_dir`.
    pub fn new(naming_file: &Path, base_dir: &Path, value: &'a Spanned<String>) -> Self {
        Self {
            path: paths::resolve(base_dir, &value.value),
            written: &value.value,
            at: SourceLocation::from_yaml(naming_file, &value.referenced),
        }
    }

    /// The reference for the reader.
    pub fn reference(&self) -> Reference<'_> {
        Reference {
            text: self.written,
            at: self.at.as_ref(),
        }
    }
}

/// How the id of a kind is derived.
#[derive(Clone, Copy)]
pub(crate) struct IdRule {
    /// The kind expected.
    pub kind: Kind,
    /// The reference refuses documents without `metadata.name`.
    pub name_required: bool,
}

/// Loads a referenced document into an item; `spec_id` extracts the spec's own `id`.
pub(crate) fn load_item<S: DeserializeOwned + Required>(
    r: &mut Reader<'_>,
    file: &FileRef<'_>,
    rule: IdRule,
    spec_id: impl Fn(&S) -> Option<&Spanned<String>>,
) -> Option<Item<S>> {
    let text = r.read(&file.path, Some(file.reference()))?;
    let manifest: Manifest<S> = r.manifest(&file.path, &text, rule.kind)?;
    let (id, id_at) = derive_id(
        r,
        &file.path,
        &manifest,
        spec_id(&manifest.spec.value),
        rule,
    );
    let spec_at = SourceLocation::from_yaml(&file.path, &manifest.spec.referenced);
    Some(Item {
        id,
        id_at,
        path: file.path.clone(),
        referenced_at: file.at.clone(),
        metadata: manifest.metadata,
        spec: manifest.spec.value,
        spec_at,
        inline: false,
        fragments: Vec::new(),
    })
}

/// True for `.yaml` / `.yml` files (other extensions hold bare JSON specs in the reference).
pub(crate) fn is_yaml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Loads a bare spec without envelope (the reference's JSON persona and tool files); the
/// id comes from the spec (`id` / `name`).
pub(crate) fn load_bare_item<S: DeserializeOwned>(
    r: &mut Reader<'_>,
    file: &FileRef<'_>,
    rule: IdRule,
    spec_id: impl Fn(&S) -> Option<&Spanned<String>>,
) -> Option<Item<S>> {
    let text = r.read(&file.path, Some(file.reference()))?;
    let spec: S = r.plain(&file.path, &text)?;
    let (id, id_at) = match spec_id(&spec) {
        Some(id) => (
            id.value.clone(),
            SourceLocation::from_yaml(&file.path, &id.referenced),
        ),
        None => {
            r.push_error_in(
                &file.path,
                &format!("{} file has no id (`id` or `name`)", rule.kind),
            );
            (file_stem(&file.path), None)
        }
    };
    Some(Item {
        id,
        id_at,
        path: file.path.clone(),
        referenced_at: file.at.clone(),
        metadata: None,
        spec,
        spec_at: Some(SourceLocation::new(&file.path, 1, 1)),
        inline: false,
        fragments: Vec::new(),
    })
}

/// The reference's id: `metadata.name`, warning when `spec.id` disagrees.
pub(crate) fn derive_id<S>(
    r: &mut Reader<'_>,
    path: &Path,
    manifest: &Manifest<S>,
    spec_id: Option<&Spanned<String>>,
    rule: IdRule,
) -> (String, Option<SourceLocation>) {
    let at = |loc| SourceLocation::from_yaml(path, loc);
    let name = manifest.name().filter(|n| !n.value.trim().is_empty());
    match (name, spec_id) {
        (Some(name), Some(id)) if id.value != name.value => {
            r.diags.push(
                Diagnostic::warning(format!(
                    "`spec.id` `{}` differs from `metadata.name` `{}`",
                    id.value, name.value
                ))
                .at_opt(at(&id.referenced))
                .with_label("ignored")
                .with_secondary_opt(at(&name.referenced), "the id used")
                .with_help(format!(
                    "the reference identifies this {} by `metadata.name`; make them equal or drop `spec.id`",
                    rule.kind
                )),
            );
            (name.value.clone(), at(&name.referenced))
        }
        (Some(name), _) => (name.value.clone(), at(&name.referenced)),
        (None, fallback) => {
            let severity_error = rule.name_required;
            let mut diag = if severity_error {
                Diagnostic::error(format!("{} has no `metadata.name`", rule.kind))
            } else {
                Diagnostic::warning(format!("{} has no `metadata.name`", rule.kind))
            };
            diag = diag
                .at_opt(at(&manifest.kind.referenced))
                .with_help("add `metadata: { name: <id> }`; the reference uses it as the id");
            r.diags.push(diag);
            match fallback {
                Some(id) => (id.value.clone(), at(&id.referenced)),
                None => (file_stem(path), None),
            }
        }
    }
}

/// Items of an inline spec map (`provider_specs` etc.): id = key, path = the arena config.
pub(crate) fn inline_items<S: Clone + Required>(
    r: &mut Reader<'_>,
    kind: Kind,
    config_path: &Path,
    map: Option<&SpannedMap<String, S>>,
) -> Vec<Item<S>> {
    let Some(map) = map else { return Vec::new() };
    for (key, spec) in map.iter() {
        let at = SourceLocation::from_yaml(config_path, &key.referenced);
        super::required::report(spec, at, kind, &mut r.diags);
    }
    map.iter()
        .map(|(key, spec)| Item {
            id: key.value.clone(),
            id_at: SourceLocation::from_yaml(config_path, &key.referenced),
            path: config_path.to_path_buf(),
            referenced_at: None,
            metadata: None,
            spec: spec.clone(),
            spec_at: SourceLocation::from_yaml(config_path, &key.referenced),
            inline: true,
            fragments: Vec::new(),
        })
        .collect()
}

/// The file name without its kind suffixes (`a.provider.yaml` -> `a`).
fn file_stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.split('.').next().unwrap_or_default().to_owned()
}

/// Adds an optional secondary label.
trait SecondaryOpt {
    fn with_secondary_opt(self, at: Option<SourceLocation>, message: &str) -> Self;
}

impl SecondaryOpt for Diagnostic {
    fn with_secondary_opt(self, at: Option<SourceLocation>, message: &str) -> Self {
        match at {
            Some(at) => self.with_secondary(at, message),
            None => self,
        }
    }
}
