//! Reading referenced files under the project rules: stay inside the root, no cycles,
//! bounded size, each file read once; every problem becomes a located diagnostic.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::required::{self, Required};
use super::{LoadOptions, paths, recover, yaml};
use crate::diagnostic::{Diagnostic, Diagnostics, SourceCache, SourceLocation};
use crate::model::{API_VERSION, Envelope, Kind, Manifest};

/// A file reference: the text the user wrote and where they wrote it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reference<'a> {
    /// The path as written (`providers/a.yaml`).
    pub text: &'a str,
    /// Where it is written, when known.
    pub at: Option<&'a SourceLocation>,
}

/// Reads files for one load, accumulating diagnostics, sources and the file list.
pub(crate) struct Reader<'o> {
    options: &'o LoadOptions,
    root_canon: PathBuf,
    pub diags: Diagnostics,
    pub sources: SourceCache,
    pub files: Vec<PathBuf>,
    seen: HashSet<PathBuf>,
    chain: Vec<PathBuf>,
    total_bytes: u64,
}

impl<'o> Reader<'o> {
    /// The options of this load.
    pub fn options(&self) -> &'o LoadOptions {
        self.options
    }

    /// A reader for a project rooted at `root`.
    pub fn new(root: &Path, options: &'o LoadOptions) -> Self {
        Self {
            options,
            root_canon: paths::canonical(root),
            diags: Diagnostics::new(),
            sources: SourceCache::new(),
            files: Vec::new(),
            seen: HashSet::new(),
            chain: Vec::new(),
            total_bytes: 0,
        }
    }

    /// Marks a file as being loaded (its references are followed until [`Reader::leave`]).
    pub fn enter(&mut self, path: &Path) {
        self.chain.push(paths::canonical(path));
    }

    /// Ends the innermost [`Reader::enter`].
    pub fn leave(&mut self) {
        self.chain.pop();
    }

    /// The compile-time copy of `path`, when the load runs from embedded files.
    fn embedded(&self, path: &Path) -> Option<Arc<str>> {
        self.options.embedded.as_ref()?.get(path).cloned()
    }

    fn record(&mut self, path: &Path) {
        if self.seen.insert(path.to_path_buf()) {
            self.files.push(path.to_path_buf());
        }
    }

    /// Applies the root and cycle rules; `None` (with a diagnostic) when the reference is refused.
    fn admit(&mut self, path: &Path, reference: Option<Reference<'_>>) -> Option<PathBuf> {
        let canon = paths::canonical(path);
        let at = reference.and_then(|r| r.at.cloned());
        let written = reference.map_or_else(|| path.display().to_string(), |r| r.text.to_owned());
        if !self.options.allow_outside_root && !paths::is_within(&self.root_canon, &canon) {
            self.diags.push(
                Diagnostic::error(format!("`{written}` resolves outside the project root"))
                    .at_opt(at.clone())
                    .or_file(path)
                    .with_label("points outside the arena config's folder")
                    .with_note(resolved_note(path, &canon))
                    .with_help(
                        "move the file under the project folder, or allow it with \
                         `LoadOptions::allow_outside_root`",
                    ),
            );
            return None;
        }
        if let Some(start) = self.chain.iter().position(|c| *c == canon) {
            let cycle: Vec<String> = self.chain[start..]
                .iter()
                .chain(std::iter::once(&canon))
                .map(|p| p.display().to_string())
                .collect();
            self.diags.push(
                Diagnostic::error(format!("reference cycle through `{written}`"))
                    .at_opt(at)
                    .or_file(path)
                    .with_label("this reference leads back to a file being loaded")
                    .with_note(format!("cycle: {}", cycle.join(" -> "))),
            );
            return None;
        }
        Some(canon)
    }

    /// Reads a referenced file's text (once per path), recording it for snippets and rebuilds.
    pub fn read(&mut self, path: &Path, reference: Option<Reference<'_>>) -> Option<Arc<str>> {
        self.admit(path, reference)?;
        if let Some(text) = self.sources.get(path) {
            return Some(Arc::from(text));
        }
        if let Some(text) = self.embedded(path) {
            self.record(path);
            return Some(self.sources.insert(path, text));
        }
        let at = reference.and_then(|r| r.at.cloned());
        let written = reference.map_or_else(|| path.display().to_string(), |r| r.text.to_owned());
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(err) => {
                self.diags.push(missing(&written, path, at, &err));
                return None;
            }
        };
        self.record(path);
        if !meta.is_file() {
            self.diags.push(
                Diagnostic::error(format!("`{written}` is not a file"))
                    .at_opt(at)
                    .or_file(path),
            );
            return None;
        }
        if meta.len() > self.options.max_file_bytes {
            self.diags.push(too_large(
                &written,
                path,
                at,
                meta.len(),
                self.options.max_file_bytes,
            ));
            return None;
        }
        let bytes = match bounded_read(path, self.options.max_file_bytes) {
            Ok(bytes) => bytes,
            Err(err) => {
                self.diags.push(missing(&written, path, at, &err));
                return None;
            }
        };
        let len = bytes.len() as u64;
        if len > self.options.max_file_bytes {
            self.diags.push(too_large(
                &written,
                path,
                at,
                len,
                self.options.max_file_bytes,
            ));
            return None;
        }
        self.total_bytes = self.total_bytes.saturating_add(len);
        if self.total_bytes > self.options.max_project_bytes {
            self.diags.push(
                Diagnostic::error(format!(
                    "reading `{written}` brings the project to {} bytes; the limit is {}",
                    self.total_bytes, self.options.max_project_bytes
                ))
                .at_opt(at)
                .or_file(path)
                .with_help("split or shrink the project's files, or raise `LoadOptions::max_project_bytes`"),
            );
            return None;
        }
        match String::from_utf8(bytes) {
            Ok(text) => Some(self.sources.insert(path, text)),
            Err(err) => {
                let valid = err.utf8_error().valid_up_to();
                let (line, column) = line_column(err.as_bytes(), valid);
                self.diags.push(
                    Diagnostic::error(format!("`{written}` is not valid UTF-8 (byte {valid})"))
                        .at(SourceLocation::new(path, line, column))
                        .with_label("the first invalid byte is here")
                        .with_help("save the file as UTF-8"),
                );
                None
            }
        }
    }

    /// True when `path` can be read: embedded, or present on disk (optional files such as
    /// fragments are skipped silently when absent).
    pub fn exists(&self, path: &Path) -> bool {
        self.embedded(path).is_some() || self.sources.get(path).is_some() || path.exists()
    }

    /// Checks that a referenced file or folder exists without reading it (recordings, packs).
    pub fn touch(&mut self, path: &Path, reference: Reference<'_>, folder: bool) -> bool {
        if self.admit(path, Some(reference)).is_none() {
            return false;
        }
        let at = reference.at.cloned();
        if !folder && self.embedded(path).is_some() {
            self.record(path);
            return true;
        }
        match std::fs::metadata(path) {
            Ok(meta)
                if (if folder {
                    meta.is_dir()
                } else {
                    meta.is_file()
                }) =>
            {
                self.record(path);
                true
            }
            Ok(_) => {
                let what = if folder { "a folder" } else { "a file" };
                self.diags.push(
                    Diagnostic::error(format!("`{}` is not {what}", reference.text)).at_opt(at),
                );
                false
            }
            Err(err) => {
                self.diags.push(missing(reference.text, path, at, &err));
                false
            }
        }
    }

    /// [`Reader::read`] whose problems are warnings with `consequence` as a note: for
    /// files only some runs read.
    pub fn read_warning(
        &mut self,
        path: &Path,
        reference: Reference<'_>,
        consequence: &str,
    ) -> Option<Arc<str>> {
        self.as_warnings(consequence, |r| r.read(path, Some(reference)))
    }

    /// Runs `f`, turning the diagnostics it reports into warnings noting `consequence`.
    fn as_warnings<T>(&mut self, consequence: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        let outer = std::mem::take(&mut self.diags);
        let out = f(self);
        let found = std::mem::replace(&mut self.diags, outer);
        for mut diag in found.into_vec() {
            diag.severity = crate::diagnostic::Severity::Warning;
            self.diags.push(diag.with_note(consequence));
        }
        out
    }

    /// Parses a document of the `expected` kind (see [`parse_document`]).
    pub fn manifest<S: DeserializeOwned + Required>(
        &mut self,
        path: &Path,
        text: &str,
        expected: Kind,
    ) -> Option<Manifest<S>> {
        parse_document(path, text, expected, &mut self.diags)
    }

    /// Reports an error naming a whole file.
    pub fn push_error_in(&mut self, path: &Path, message: &str) {
        self.diags.push(Diagnostic::error(message).in_file(path));
    }

    /// Parses a plain (non-manifest) YAML file such as a mock response file.
    pub fn plain<T: DeserializeOwned>(&mut self, path: &Path, text: &str) -> Option<T> {
        let (value, errors) = recover::parse_recovering::<T>(path, text);
        self.diags.extend(errors);
        value
    }
}

/// Parses a document of the `expected` kind. The typed parse runs first (one pass on the
/// happy path, reporting every unknown key); when it fails, the envelope alone is read so
/// a wrong `kind` is reported as such rather than as the spec errors it causes. The value
/// may be `Some` alongside errors when only bad keys had to be dropped.
pub(crate) fn parse_document<S: DeserializeOwned + Required>(
    path: &Path,
    text: &str,
    expected: Kind,
    diags: &mut Diagnostics,
) -> Option<Manifest<S>> {
    let (manifest, errors) = recover::parse_recovering::<Manifest<S>>(path, text);
    match manifest {
        Some(manifest) => {
            // A wrong kind explains any field errors; report only the kind then.
            let right_kind = check_envelope(&manifest, path, expected, diags);
            if right_kind {
                diags.extend(errors);
                let at = SourceLocation::from_yaml(path, &manifest.spec.referenced);
                required::report(&manifest.spec.value, at, expected, diags);
            }
            right_kind.then_some(manifest)
        }
        None => {
            let explained = yaml::parse::<Envelope>(path, text)
                .is_ok_and(|envelope| !check_envelope(&envelope, path, expected, diags));
            if !explained {
                diags.extend(errors);
            }
            None
        }
    }
}

/// Validates `apiVersion` and `kind`; false (with an error) when the kind is wrong.
pub(crate) fn check_envelope<T>(
    envelope: &Manifest<T>,
    path: &Path,
    expected: Kind,
    diags: &mut Diagnostics,
) -> bool {
    let at = |loc| SourceLocation::from_yaml(path, loc);
    let version = &envelope.api_version;
    if version.value.trim().is_empty() {
        diags.push(
            Diagnostic::error("`apiVersion` is empty")
                .at_opt(at(&version.referenced))
                .with_help(format!("use `apiVersion: {API_VERSION}`")),
        );
    } else if version.value != API_VERSION {
        diags.push(
            Diagnostic::warning(format!("unknown apiVersion `{}`", version.value))
                .at_opt(at(&version.referenced))
                .with_help(format!("PromptKit understands `{API_VERSION}`")),
        );
    }
    let kind = &envelope.kind;
    if kind.value == expected.as_str() {
        return true;
    }
    let mut diag = Diagnostic::error(format!(
        "expected a `{expected}` document, found kind `{}`",
        kind.value
    ))
    .at_opt(at(&kind.referenced))
    .with_label(format!("this file is referenced as a {expected}"));
    if Kind::from_name(&kind.value).is_none() {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        if let Some(best) = yaml::did_you_mean(&kind.value, &names) {
            diag = diag.with_help(format!("did you mean `{best}`?"));
        }
    }
    diags.push(diag);
    false
}

/// "resolved to `path`", plus the real target when a symlink leads elsewhere.
fn resolved_note(path: &Path, canon: &Path) -> String {
    let lexical = match std::env::current_dir() {
        Ok(cwd) if path.is_relative() => paths::normalize(&cwd.join(path)),
        _ => paths::normalize(path),
    };
    if lexical == canon {
        format!("resolved to `{}`", path.display())
    } else {
        format!(
            "resolved to `{}`, which is `{}`",
            path.display(),
            canon.display()
        )
    }
}

fn missing(
    written: &str,
    path: &Path,
    at: Option<SourceLocation>,
    err: &std::io::Error,
) -> Diagnostic {
    let headline = if err.kind() == std::io::ErrorKind::NotFound {
        format!("file not found: `{written}`")
    } else {
        format!("cannot read `{written}`: {err}")
    };
    Diagnostic::error(headline)
        .at_opt(at)
        .or_file(path)
        .with_label("referenced here")
        .with_note(format!("resolved to `{}`", path.display()))
}

fn too_large(
    written: &str,
    path: &Path,
    at: Option<SourceLocation>,
    len: u64,
    limit: u64,
) -> Diagnostic {
    Diagnostic::error(format!(
        "`{written}` is too large ({len} bytes; the limit is {limit})"
    ))
    .at_opt(at)
    .or_file(path)
    .with_help("shrink the file, or raise `LoadOptions::max_file_bytes`")
}

/// Reads at most `limit + 1` bytes of a regular file, so a file that grows between the
/// metadata check and the read (or lies about its size) cannot exhaust memory; the caller
/// compares the length with `limit`. Anything but a regular file (a FIFO, a device, a
/// folder) is refused before it is opened, so it cannot block; the opened file is
/// checked again.
pub fn bounded_read(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The 1-based line and column (in characters) of byte `offset` in possibly invalid UTF-8.
pub(crate) fn line_column(bytes: &[u8], offset: usize) -> (u32, u32) {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// Falls back to naming the file when no location is known.
pub(crate) trait OrFile {
    fn or_file(self, path: &Path) -> Self;
}

impl OrFile for Diagnostic {
    fn or_file(self, path: &Path) -> Self {
        if self.location.is_some() {
            self
        } else {
            // Nothing refers to this file (the arena config itself): its first line.
            self.at(SourceLocation::new(path, 1, 1))
        }
    }
}
