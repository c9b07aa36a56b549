//! Loading single files: a prompt alone (for `include_prompt!`), any one document, a
//! mock response file, or text already in memory.

use std::path::Path;

use serde::de::DeserializeOwned;

use super::fragment::read_fragments;
use super::items::{FileRef, IdRule, load_item};
use super::reader::{Reader, parse_document};
use super::required::Required;
use super::{Item, LoadOptions, Loaded, paths, recover};
use crate::diagnostic::{Diagnostics, SourceLocation};
use crate::model::{Kind, Manifest, MockConfig, PromptSpec, Spanned};

/// Loads one document of the given kind from disk.
pub fn load_manifest<S: DeserializeOwned + Required>(
    path: impl AsRef<Path>,
    kind: Kind,
    options: &LoadOptions,
) -> Loaded<Manifest<S>> {
    let path = paths::normalize(path.as_ref());
    let mut r = Reader::new(&paths::parent_dir(&path), options);
    let value = r
        .read(&path, None)
        .and_then(|text| r.manifest::<S>(&path, &text, kind));
    Loaded {
        value,
        diagnostics: r.diags,
        files: r.files,
        sources: r.sources,
    }
}

/// Loads a prompt file on its own; its id is `metadata.name` (required, as in the reference).
pub fn load_prompt_file(path: impl AsRef<Path>, options: &LoadOptions) -> Loaded<Item<PromptSpec>> {
    let path = paths::normalize(path.as_ref());
    let mut r = Reader::new(&paths::parent_dir(&path), options);
    let written = Spanned::new(
        path.display().to_string(),
        crate::model::Location::UNKNOWN,
        crate::model::Location::UNKNOWN,
    );
    let file = FileRef {
        path: path.clone(),
        written: &written.value,
        at: None,
    };
    let rule = IdRule {
        kind: Kind::PromptConfig,
        name_required: true,
    };
    let value = load_item::<PromptSpec>(&mut r, &file, rule, |_| None).map(|mut item| {
        item.fragments = read_fragments(&mut r, &item.path, &item.spec);
        item
    });
    Loaded {
        value,
        diagnostics: r.diags,
        files: r.files,
        sources: r.sources,
    }
}

/// Loads a mock provider response file on its own.
pub fn load_mock_config(path: impl AsRef<Path>, options: &LoadOptions) -> Loaded<MockConfig> {
    let path = paths::normalize(path.as_ref());
    let mut r = Reader::new(&paths::parent_dir(&path), options);
    let value = r
        .read(&path, None)
        .and_then(|text| r.plain::<MockConfig>(&path, &text));
    Loaded {
        value,
        diagnostics: r.diags,
        files: r.files,
        sources: r.sources,
    }
}

/// Parses a document held in memory; diagnostics name `path` (nothing is read from disk).
pub fn parse_manifest<S: DeserializeOwned + Required>(
    path: &Path,
    text: &str,
    kind: Kind,
) -> (Option<Manifest<S>>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let manifest = parse_document(path, text, kind, &mut diags);
    (manifest, diags)
}

/// Parses a mock response file held in memory; diagnostics name `path`.
pub fn parse_mock_config(path: &Path, text: &str) -> (Option<MockConfig>, Diagnostics) {
    let (value, errors) = recover::parse_recovering::<MockConfig>(path, text);
    (value, Diagnostics::from(errors))
}

/// The location of a spanned value in `path` (a convenience for callers of [`parse_manifest`]).
pub fn locate(path: &Path, location: &crate::model::Location) -> Option<SourceLocation> {
    SourceLocation::from_yaml(path, location)
}
