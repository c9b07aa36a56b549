//! A cache of source texts so diagnostics can show snippets of the files they blame.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Source texts by path, filled by the loader as it reads files.
#[derive(Debug, Clone, Default)]
pub struct SourceCache {
    files: HashMap<PathBuf, Arc<str>>,
}

impl SourceCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the text of a file (replacing any previous text).
    pub fn insert(&mut self, path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Arc<str> {
        let text = text.into();
        self.files.insert(path.into(), Arc::clone(&text));
        text
    }

    /// The text of a file, when recorded.
    pub fn get(&self, path: &Path) -> Option<&str> {
        self.files.get(path).map(|t| &**t)
    }

    /// True when the file's text is recorded.
    pub fn contains(&self, path: &Path) -> bool {
        self.files.contains_key(path)
    }

    /// Number of recorded files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file is recorded.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Merges another cache into this one.
    pub fn merge(&mut self, other: SourceCache) {
        self.files.extend(other.files);
    }
}

/// Byte offset of a 1-based line and (character) column, clamped to the line's end.
pub(crate) fn offset_of(text: &str, line: u32, column: u32) -> Option<usize> {
    let line_start = line_start(text, line)?;
    let rest = &text[line_start..];
    let line_len = rest.find('\n').unwrap_or(rest.len());
    let line_text = &rest[..line_len];
    let col = column.max(1) as usize - 1;
    let within = line_text
        .char_indices()
        .nth(col)
        .map_or(line_len, |(i, _)| i);
    Some(line_start + within)
}

fn line_start(text: &str, line: u32) -> Option<usize> {
    if line == 0 {
        return None;
    }
    if line == 1 {
        return Some(0);
    }
    text.match_indices('\n')
        .nth(line as usize - 2)
        .map(|(i, _)| i + 1)
}

/// A byte range that highlights the token starting at `offset` (at least one char).
pub(crate) fn token_span(text: &str, offset: usize) -> Range<usize> {
    let rest = text.get(offset..).unwrap_or("");
    let mut end = offset;
    for (i, c) in rest.char_indices() {
        if c.is_whitespace() || (i > 0 && matches!(c, ':' | ',' | ']' | '}' | '#')) {
            break;
        }
        end = offset + i + c.len_utf8();
    }
    offset..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_from_line_and_column() {
        let text = "ab\ncdé fg\n";
        assert_eq!(offset_of(text, 1, 1), Some(0));
        assert_eq!(offset_of(text, 2, 1), Some(3));
        assert_eq!(offset_of(text, 2, 5), Some(8));
        assert_eq!(offset_of(text, 2, 99), Some(10));
        assert_eq!(offset_of(text, 9, 1), None);
        assert_eq!(offset_of(text, 0, 1), None);
    }

    #[test]
    fn token_spans_stop_at_yaml_punctuation() {
        let text = "temprature: 0.7\n";
        assert_eq!(token_span(text, 0), 0..10);
        assert_eq!(token_span(text, 12), 12..15);
        assert_eq!(token_span(text, 16), 16..16);
    }
}
