//! Reports of a run, written atomically (a temporary file renamed into place) so a
//! crash never leaves half a report: JSON (the whole [`RunResult`], plus the
//! reference's `index.json` and `<RunID>.json` layout), JUnit XML (one suite per
//! scenario, one test case per provider run, as the reference), Markdown and a
//! self-contained HTML page. Each shows the comparison with a baseline when the run
//! has one.

mod arena_output;
mod charts;
mod compare;
mod html;
mod junit;
mod markdown;
mod matrix;
mod media;
pub mod merged;
mod reply_diff;
mod session_recordings;

use std::path::{Path, PathBuf};

use super::results::RunResult;
use crate::files::{write_atomically, write_atomically_with};

pub use arena_output::{
    ArenaOutputError, INDEX_FILE, RunIds, read_arena_output, write_arena_output,
};
pub use compare::load_baseline;
pub use html::{html, html_with, write_html};
pub use junit::junit;
pub use markdown::{MarkdownSections, markdown, markdown_with};
pub use matrix::{Cell, Matrix};
pub use media::MediaCaps;
pub use session_recordings::{DEFAULT_RECORDINGS_DIR, write_session_recordings};

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

/// Where each report goes: a folder, and the files the reference lets users name
/// (`--junit-file`, `--markdown-file`, `defaults.output.<format>.file`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportFiles {
    /// The output folder (JSON files, and every report not named below).
    pub dir: PathBuf,
    /// The JUnit file, when not `<dir>/junit.xml`.
    pub junit: Option<PathBuf>,
    /// The Markdown file, when not `<dir>/results.md`.
    pub markdown: Option<PathBuf>,
    /// The HTML file, when not `<dir>/report.html`.
    pub html: Option<PathBuf>,
    /// The sections of the Markdown report.
    pub markdown_sections: MarkdownSections,
    /// The session recordings folder (`defaults.output.recording`), when enabled.
    pub recordings: Option<PathBuf>,
}

impl ReportFiles {
    /// Every report in `dir` under its default name.
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            ..Self::default()
        }
    }

    /// The file of `format`.
    pub fn path(&self, format: Format) -> PathBuf {
        let named = match format {
            Format::Json => None,
            Format::Junit => self.junit.as_ref(),
            Format::Markdown => self.markdown.as_ref(),
            Format::Html => self.html.as_ref(),
        };
        named
            .cloned()
            .unwrap_or_else(|| self.dir.join(format.file_name()))
    }
}

/// Writes `run` in each of `formats` into `dir` (created if needed); returns the files.
pub fn write_reports(
    run: &RunResult,
    dir: &Path,
    formats: &[Format],
) -> std::io::Result<Vec<PathBuf>> {
    write_report_files(run, &ReportFiles::in_dir(dir), formats)
}

/// Writes `run` in each of `formats` where `files` says (folders created if needed);
/// JSON also writes the reference's `index.json` and `<RunID>.json` files, and
/// `files.recordings` one session recording per case under the same run ids. Returns
/// the files written.
pub fn write_report_files(
    run: &RunResult,
    files: &ReportFiles,
    formats: &[Format],
) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(&files.dir)?;
    let ids = RunIds::new(run);
    let mut written = Vec::new();
    for format in formats {
        let path = files.path(*format);
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        match format {
            // The largest reports, streamed rather than held whole.
            Format::Json => write_atomically_with(&path, |file| {
                serde_json::to_writer_pretty(file, run).map_err(std::io::Error::from)
            })?,
            Format::Html => {
                write_atomically_with(&path, |file| write_html(run, MediaCaps::default(), file))?
            }
            Format::Markdown => write_atomically(
                &path,
                markdown_with(run, files.markdown_sections).as_bytes(),
            )?,
            _ => write_atomically(&path, format.render(run).as_bytes())?,
        }
        written.push(path);
        if *format == Format::Json {
            written.extend(write_arena_output(run, &ids, &files.dir)?);
        }
    }
    if let Some(dir) = &files.recordings {
        written.extend(write_session_recordings(run, &ids, dir)?);
    }
    Ok(written)
}

/// At most `max` characters of `text` fit for a file name: ASCII letters, digits, `-`
/// and `.` kept, anything else `-`.
pub(crate) fn file_name_part(text: &str, max: usize) -> String {
    text.chars()
        .take(max)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect()
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

/// A change for display with its sign: `+12 ms`, `-5%`, `+$0.0010`, `±0 ms` when it
/// rounds to nothing.
pub(crate) fn signed(delta: f64, unit: &str) -> String {
    let (digits, prefix, suffix) = if unit == "$" {
        (4, "$", "")
    } else {
        (0, "", unit)
    };
    let shown = format!("{:.digits$}", delta.abs());
    let sign = if shown.trim_matches(|c| c == '0' || c == '.').is_empty() {
        "±"
    } else if delta < 0.0 {
        "-"
    } else {
        "+"
    };
    format!("{sign}{prefix}{shown}{suffix}")
}
