//! Reports of a run, written atomically (a temporary file renamed into place) so a
//! crash never leaves half a report: JSON (the whole [`RunResult`]), JUnit XML (one
//! suite per scenario, one test case per provider run, as the reference), Markdown and
//! a self-contained HTML page.

mod html;
mod junit;
mod markdown;

use std::path::{Path, PathBuf};

use super::results::RunResult;

pub use html::html;
pub use junit::junit;
pub use markdown::markdown;

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `results.json`.
    Json,
    /// `junit.xml`.
    Junit,
    /// `results.md`.
    Markdown,
    /// `report.html`.
    Html,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [Self::Json, Self::Junit, Self::Markdown, Self::Html];

    /// Parses a format name as the reference's `--formats` takes them.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "json" => Self::Json,
            "junit" | "xml" => Self::Junit,
            "markdown" | "md" => Self::Markdown,
            "html" => Self::Html,
            _ => return None,
        })
    }

    /// The file a report of this format is written to.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Json => "results.json",
            Self::Junit => "junit.xml",
            Self::Markdown => "results.md",
            Self::Html => "report.html",
        }
    }

    /// The report text of `run`.
    pub fn render(self, run: &RunResult) -> String {
        match self {
            Self::Json => serde_json::to_string_pretty(run).unwrap_or_else(|e| {
                format!("{{\"error\": \"could not serialize the results: {e}\"}}")
            }),
            Self::Junit => junit(run),
            Self::Markdown => markdown(run),
            Self::Html => html(run),
        }
    }
}

/// Writes `run` in each of `formats` into `dir` (created if needed); returns the files.
pub fn write_reports(
    run: &RunResult,
    dir: &Path,
    formats: &[Format],
) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for format in formats {
        let path = dir.join(format.file_name());
        write_atomically(&path, format.render(run).as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

/// Writes `bytes` to a temporary sibling of `path`, then renames it over `path`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let temp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temp, bytes)?;
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

/// Escapes text for XML and HTML (content and attributes).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // XML 1.0 forbids most control characters even when escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Dollars for display: `n/a` when not priced.
pub(crate) fn dollars(cost: Option<f64>) -> String {
    cost.map_or_else(|| "n/a".to_owned(), |c| format!("${c:.4}"))
}
