//! Diagnostics: one error/warning type with file, line, column and help, a sink that
//! accumulates them, and rustc-style rendering (see [`Diagnostic::render`]).
//!
//! Every stage of the compiler reports through [`Diagnostics`]; the CLI prints the
//! rendered text, build scripts print it, and the macros embed it in `compile_error!`.
//!
//! ```
//! use promptkit_build::diagnostic::{Diagnostic, SourceCache, SourceLocation};
//!
//! let mut sources = SourceCache::new();
//! sources.insert("p.yaml", "spec:\n  modle: gpt-4o\n");
//! let diag = Diagnostic::error("unknown field `modle`")
//!     .at(SourceLocation::new("p.yaml", 2, 3))
//!     .with_label("unknown field")
//!     .with_help("did you mean `model`?");
//! let text = diag.render(&sources);
//! assert_eq!(text, "\
//! error: unknown field `modle`
//!  --> p.yaml:2:3
//!   |
//! 2 |   modle: gpt-4o
//!   |   ^^^^^ unknown field
//!   |
//!   = help: did you mean `model`?");
//! ```

pub mod relative;
mod render;
mod source;
mod truncate;

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub use render::RenderStyle;
pub use source::SourceCache;
pub use truncate::{MAX_MESSAGE_CHARS, truncate};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational warning: the input is accepted.
    Warning,
    /// The input is rejected.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A place in a source file: path, 1-based line and column, and the byte span when known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct SourceLocation {
    /// The file, as the loader named it (relative or absolute).
    pub path: PathBuf,
    /// 1-based line number; 0 when only the file is known.
    pub line: u32,
    /// 1-based column (in characters); 0 when only the file is known.
    pub column: u32,
    /// Byte range into the file's text, when known.
    pub span: Option<Range<usize>>,
}

impl SourceLocation {
    /// A location naming only a file (no line or column).
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            line: 0,
            column: 0,
            span: None,
        }
    }

    /// A location at a 1-based line and column of a file.
    pub fn new(path: impl Into<PathBuf>, line: u32, column: u32) -> Self {
        Self {
            path: path.into(),
            line,
            column,
            span: None,
        }
    }

    /// The same location with a byte span.
    #[must_use]
    pub fn with_span(mut self, span: Range<usize>) -> Self {
        self.span = Some(span);
        self
    }

    /// A location from a serde-saphyr location in the given file; `None` when unknown.
    pub fn from_yaml(path: &Path, loc: &serde_saphyr::Location) -> Option<Self> {
        if *loc == serde_saphyr::Location::UNKNOWN || loc.line() == 0 {
            return None;
        }
        let line = u32::try_from(loc.line()).unwrap_or(u32::MAX);
        let column = u32::try_from(loc.column()).unwrap_or(u32::MAX);
        let mut out = Self::new(path, line, column);
        let span = loc.span();
        if let (Some(off), Some(len)) = (span.byte_offset(), span.byte_len())
            && let (Ok(off), Ok(len)) = (usize::try_from(off), usize::try_from(len))
        {
            out.span = Some(off..off.saturating_add(len));
        }
        Some(out)
    }

    /// True when a line and column are known.
    pub fn has_position(&self) -> bool {
        self.line > 0
    }
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.has_position() {
            write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
        } else {
            write!(f, "{}", self.path.display())
        }
    }
}

/// A secondary location with a message ("first defined here").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Label {
    /// Where the label points.
    pub location: SourceLocation,
    /// The text shown beside the caret.
    pub message: String,
}

/// One error or warning, with where, what and how to fix.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The headline, e.g. "unknown field `temprature`".
    pub message: String,
    /// The primary location, when known.
    pub location: Option<SourceLocation>,
    /// Text shown at the primary caret.
    pub primary_label: Option<String>,
    /// Secondary locations with messages.
    pub labels: Vec<Label>,
    /// "= help: ..." lines.
    pub help: Vec<String>,
    /// "= note: ..." lines.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A new diagnostic of the given severity with a message and no location.
    pub fn new(severity: Severity, message: impl Into<String>) -> Self {
        Self {
            severity,
            message: truncate::bounded(message.into()),
            location: None,
            primary_label: None,
            labels: Vec::new(),
            help: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// A new error.
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message)
    }

    /// A new warning.
    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, message)
    }

    /// Sets the primary location.
    #[must_use]
    pub fn at(mut self, location: SourceLocation) -> Self {
        self.location = Some(location);
        self
    }

    /// Sets the primary location if one is given.
    #[must_use]
    pub fn at_opt(mut self, location: Option<SourceLocation>) -> Self {
        if location.is_some() {
            self.location = location;
        }
        self
    }

    /// Sets the primary location to a whole file.
    #[must_use]
    pub fn in_file(self, path: impl Into<PathBuf>) -> Self {
        self.at(SourceLocation::file(path))
    }

    /// Names the whole file when no location is set yet.
    #[must_use]
    pub fn or_in(self, path: impl Into<PathBuf>) -> Self {
        if self.location.is_some() {
            self
        } else {
            self.in_file(path)
        }
    }

    /// Sets the text shown at the primary caret.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.primary_label = Some(truncate::bounded(label.into()));
        self
    }

    /// Adds a secondary labelled location.
    #[must_use]
    pub fn with_secondary(mut self, location: SourceLocation, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            location,
            message: truncate::bounded(message.into()),
        });
        self
    }

    /// Adds a "help:" line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help.push(truncate::bounded(help.into()));
        self
    }

    /// Adds a "note:" line.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(truncate::bounded(note.into()));
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders like rustc, without colors, reading snippets from `sources`.
    pub fn render(&self, sources: &SourceCache) -> String {
        render::render(self, sources, RenderStyle::Plain)
    }

    /// Renders like rustc in the given style, reading snippets from `sources`.
    pub fn render_styled(&self, sources: &SourceCache, style: RenderStyle) -> String {
        render::render(self, sources, style)
    }
}

impl fmt::Display for Diagnostic {
    /// One line: `path:line:col: error: message` (no snippet; see [`Diagnostic::render`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{loc}: ")?;
        }
        write!(f, "{}: {}", self.severity, self.message)
    }
}

/// An accumulating sink of diagnostics: stages push into it and go on.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds an error with a message at a location.
    pub fn error(&mut self, location: Option<SourceLocation>, message: impl Into<String>) {
        self.push(Diagnostic::error(message).at_opt(location));
    }

    /// Adds a warning with a message at a location.
    pub fn warning(&mut self, location: Option<SourceLocation>, message: impl Into<String>) {
        self.push(Diagnostic::warning(message).at_opt(location));
    }

    /// True when at least one error was reported.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// True when nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Iterates the diagnostics in report order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    /// Only the errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.is_error())
    }

    /// Only the warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| !d.is_error())
    }

    /// Sorts by file, line, column (stable; location-less diagnostics first).
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.location
                    .as_ref()
                    .map(|l| (l.path.clone(), l.line, l.column))
            };
            key(a).cmp(&key(b))
        });
    }

    /// Consumes the sink and returns the diagnostics.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    /// A rustc-like closing line: "3 errors and 1 warning emitted" (`None` when empty).
    pub fn summary(&self) -> Option<String> {
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("1 {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        match (self.error_count(), self.warning_count()) {
            (0, 0) => None,
            (0, w) => Some(format!("{} emitted", plural(w, "warning"))),
            (e, 0) => Some(format!("{} emitted", plural(e, "error"))),
            (e, w) => Some(format!(
                "{} and {} emitted",
                plural(e, "error"),
                plural(w, "warning")
            )),
        }
    }

    /// Renders every diagnostic like rustc, separated by blank lines.
    pub fn render(&self, sources: &SourceCache, style: RenderStyle) -> String {
        render::render_all(self, sources, style)
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(items: Vec<Diagnostic>) -> Self {
        Self { items }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        self.items.extend(iter);
    }
}
