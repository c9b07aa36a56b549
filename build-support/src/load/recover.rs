//! Error recovery: report every unknown or duplicate key of a file (not just the first)
//! by blanking the offending entry and parsing again, and read only the first YAML
//! document of a file as the reference does.

use std::path::Path;

use serde::de::DeserializeOwned;

use super::yaml::{options, to_diagnostic};
use crate::diagnostic::{Diagnostic, SourceLocation};

/// Most errors reported for one file before giving up on it.
const MAX_ERRORS_PER_FILE: usize = 16;

/// Parses like [`parse`] but reports every unknown or duplicate key of a file: each such
/// entry is blanked out (line numbers and byte offsets kept) and the parse retried. Other
/// errors end the file. The value is `Some` when the file parsed once its bad keys were
/// dropped, so later checks still see the rest of it.
pub(crate) fn parse_recovering<T: DeserializeOwned>(
    path: &Path,
    text: &str,
) -> (Option<T>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut current = std::borrow::Cow::Borrowed(text);
    // After blanking the only entry of a mapping its parent is left empty (null); the
    // alternative writes `{}` in its place. Used when the retry fails before the blank.
    let mut alternative: Option<(String, u32)> = None;
    for _ in 0..MAX_ERRORS_PER_FILE * 2 {
        let err = match serde_saphyr::from_str_with_options::<T>(&current, options()) {
            Ok(value) => return (Some(value), errors),
            Err(err) => err,
        };
        let diag = to_diagnostic(path, text, &err);
        let line = diag.location.as_ref().map_or(0, |l| l.line);
        if is_multi_document(&diag.message)
            && let Some((first, marker_line)) = first_document(&current, line)
        {
            // Like the reference (Go's yaml.Unmarshal), read the first document only.
            errors.push(
                Diagnostic::warning("only the first YAML document of this file is read")
                    .at(SourceLocation::new(path, marker_line, 1))
                    .with_label("a second document starts here"),
            );
            current = std::borrow::Cow::Owned(first);
            continue;
        }
        if let Some((alt, blanked_line)) = alternative.take()
            && line <= blanked_line
        {
            current = std::borrow::Cow::Owned(alt);
            continue;
        }
        let recoverable = diag.message.starts_with("unknown field `")
            || diag.message.starts_with("duplicate key `");
        let blanked = diag
            .location
            .as_ref()
            .filter(|_| recoverable && errors.len() + 1 < MAX_ERRORS_PER_FILE)
            .and_then(|loc| blank_entry(&current, loc.line, loc.column));
        errors.push(diag);
        match blanked {
            Some((next, alt)) => {
                current = std::borrow::Cow::Owned(next);
                alternative = Some((alt, line));
            }
            None => return (None, errors),
        }
    }
    (None, errors)
}

fn is_multi_document(message: &str) -> bool {
    message.contains("multiple YAML documents") || message.contains("budget breached: Documents")
}

/// The text before the last `---` marker at or above `line` (1-based), blanking the rest
/// (byte offsets kept), when that marker ends a first document; with the marker's line.
fn first_document(text: &str, line: u32) -> Option<(String, u32)> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let limit = usize::try_from(line).ok()?.min(lines.len());
    let is_marker = |l: &str| l.starts_with("---") && l[3..].starts_with([' ', '\t', '\r', '\n']);
    let is_content = |l: &str| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#') && !is_marker(l) && !t.starts_with('%')
    };
    let marker = (0..limit)
        .rev()
        .find(|&i| is_marker(lines[i]) || lines[i].trim_end() == "---")?;
    if !lines[..marker].iter().any(|l| is_content(l)) {
        return None;
    }
    let kept: usize = lines[..marker].iter().map(|l| l.len()).sum();
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..kept]);
    out.extend(
        text[kept..]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' }),
    );
    Some((out, u32::try_from(marker + 1).unwrap_or(u32::MAX)))
}

/// Blanks the block-style mapping entry whose key starts at `line`:`column` (and its
/// more-indented continuation lines) with spaces, keeping every byte offset. Returns the
/// blanked text and a variant with `{}` where the key was (for a mapping left empty).
fn blank_entry(text: &str, line: u32, column: u32) -> Option<(String, String)> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let first = usize::try_from(line).ok()?.checked_sub(1)?;
    let key_line = lines.get(first)?;
    let indent = usize::try_from(column).ok()?.checked_sub(1)?;
    // Only a key that starts its line (block style) can be removed without side effects.
    let prefix: String = key_line.chars().take(indent).collect();
    if prefix.chars().count() != indent || !prefix.chars().all(|c| c == ' ') {
        return None;
    }
    // Flow style (JSON-like) cannot be cut by lines safely.
    let content = key_line.trim();
    if content.starts_with(['"', '\'', '{', '[']) || content.ends_with([',', '{', '[']) {
        return None;
    }
    let mut end = first + 1;
    while let Some(next) = lines.get(end) {
        let body = next.trim_end_matches(['\n', '\r']);
        let depth = body.len() - body.trim_start_matches(' ').len();
        let blank = body.trim().is_empty();
        if !blank && depth <= indent {
            break;
        }
        end += 1;
    }
    let mut out = String::with_capacity(text.len());
    for (i, l) in lines.iter().enumerate() {
        if (first..end).contains(&i) {
            for c in l.chars() {
                if c == '\n' || c == '\r' {
                    out.push(c);
                } else {
                    out.extend(std::iter::repeat_n(' ', c.len_utf8()));
                }
            }
        } else {
            out.push_str(l);
        }
    }
    let offset: usize = lines[..first].iter().map(|l| l.len()).sum::<usize>() + indent;
    let mut alt = out.clone();
    if alt.get(offset..offset + 2) == Some("  ") {
        alt.replace_range(offset..offset + 2, "{}");
    }
    Some((out, alt))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Manifest, ProviderSpec};

    const HEAD: &str = "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Provider\nspec:\n";

    #[test]
    fn every_unknown_key_of_a_file_is_reported() {
        let text = format!(
            "{HEAD}  type: mock\n  modle: x\n  defaults:\n    temprature: 1\n    nested:\n      deep: 1\n    max_tokens: 5\n  type: again\n"
        );
        let (value, errors) =
            parse_recovering::<Manifest<ProviderSpec>>(Path::new("p.yaml"), &text);
        let found: Vec<_> = errors
            .iter()
            .map(|d| {
                (
                    d.message.as_str(),
                    d.location.as_ref().map(|l| (l.line, l.column)),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("unknown field `modle`", Some((5, 3))),
                ("unknown field `temprature`", Some((7, 5))),
                ("unknown field `nested`", Some((8, 5))),
                ("duplicate key `type`", Some((11, 3))),
            ]
        );
        let spec = value.expect("recovered").spec.value;
        assert_eq!(spec.r#type.value, crate::model::ProviderType::Mock);
        assert_eq!(
            spec.defaults.and_then(|d| d.max_tokens).map(|m| m.value),
            Some(5)
        );
    }

    #[test]
    fn flow_style_and_other_errors_stop_the_file() {
        let text = format!("{HEAD}  type: mock\n  defaults: {{temprature: 1, top_p: 2}}\n");
        let (value, errors) =
            parse_recovering::<Manifest<ProviderSpec>>(Path::new("p.yaml"), &text);
        assert!(value.is_none());
        assert_eq!(errors.len(), 1);
        let text = format!("{HEAD}  type: [\n  modle: x\n");
        let (value, errors) =
            parse_recovering::<Manifest<ProviderSpec>>(Path::new("p.yaml"), &text);
        assert!(value.is_none() && errors.len() == 1);
    }

    #[test]
    fn document_markers_are_accepted() {
        for (text, warnings) in [
            (format!("---\n{HEAD}  type: mock\n"), 0),
            (format!("---\n{HEAD}  type: mock\n...\n"), 0),
            (format!("# c\n---\n{HEAD}  type: mock\n---\n"), 1),
            (format!("{HEAD}  type: mock\n---\nother: doc\n"), 1),
        ] {
            let (value, diags) =
                parse_recovering::<Manifest<ProviderSpec>>(Path::new("p.yaml"), &text);
            assert!(value.is_some(), "{text}: {diags:?}");
            assert_eq!(diags.len(), warnings, "{text}: {diags:?}");
            assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        }
    }
}
