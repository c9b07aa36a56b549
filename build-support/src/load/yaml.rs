//! Parsing one YAML text into a model type with hostile-input budgets, and turning
//! serde-saphyr errors into [`Diagnostic`]s with "did you mean" help.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, SourceLocation};
use crate::model::strict::LOCATION_MARKER;

/// Parser limits applied to every file (far above any real config, far below harm).
fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = 500_000;
    budget.max_nodes = 200_000;
    budget.max_depth = 64;
    budget.max_aliases = 10_000;
    budget.max_anchors = 10_000;
    budget.max_documents = 1;
    budget.max_total_scalar_bytes = 16 * 1024 * 1024;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.with_snippet = false;
    // YAML 1.2 booleans only, as JSON-schema based tools (and the reference) see them.
    options.strict_booleans = true;
    options
}

/// Parses `text` (the contents of `path`) into `T`, or returns the error as a diagnostic.
pub(crate) fn parse<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, Box<Diagnostic>> {
    serde_saphyr::from_str_with_options::<T>(text, options())
        .map_err(|err| Box::new(to_diagnostic(path, text, &err)))
}

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

/// Converts a serde-saphyr error into a diagnostic at its location.
pub(crate) fn to_diagnostic(path: &Path, text: &str, err: &serde_saphyr::Error) -> Diagnostic {
    let raw = err.without_snippet().to_string();
    let stripped = strip_location_suffix(&raw);
    let (value_at, message) = match split_marker(path, stripped) {
        Some((at, message)) => (Some(at), message),
        None => (None, stripped),
    };
    let location = value_at
        .or_else(|| {
            err.location()
                .and_then(|loc| SourceLocation::from_yaml(path, &loc))
        })
        .or_else(|| Some(end_of_file(path, text)));
    let diag = Diagnostic::error(String::new()).at_opt(location);
    explain(diag, message)
}

/// Rewrites serde's messages into ours and adds help.
fn explain(mut diag: Diagnostic, message: &str) -> Diagnostic {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = split_unknown(rest);
        diag.message = format!("unknown field `{field}`");
        diag.primary_label = Some("unknown field".into());
        if let Some(best) = did_you_mean(field, &expected) {
            diag.help.push(format!("did you mean `{best}`?"));
        } else if !expected.is_empty() {
            diag.help
                .push(format!("expected one of: {}", expected.join(", ")));
        } else {
            diag.help.push("this mapping takes no fields".into());
        }
        return diag;
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        diag.message = format!("missing required field `{field}`");
        diag.primary_label = Some(format!("`{field}` is required in this mapping"));
        return diag;
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another type"));
        let found = found.split(' ').next().unwrap_or(found);
        diag.message = format!("invalid value: expected {expected}, found a {found}");
        diag.primary_label = Some(format!("this is a {found}"));
        if found == "string" {
            diag.help
                .push("remove the quotes to write a number or boolean".into());
        }
        return diag;
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        diag.message = format!("invalid value: {rest}");
        return diag;
    }
    let (text, label) = match message {
        m if m.starts_with("invalid floating point") => ("expected a number", "not a number"),
        m if m.starts_with("invalid i") || m.starts_with("invalid u") => {
            ("expected an integer", "not an integer")
        }
        m if m.starts_with("invalid boolean") => {
            ("expected a boolean (true/false)", "not a boolean")
        }
        m if m.starts_with("duplicate mapping key") => {
            let key = m
                .strip_prefix("duplicate mapping key: ")
                .and_then(|r| r.split(',').next())
                .unwrap_or("");
            diag.message = format!("duplicate key `{key}`");
            diag.primary_label = Some("this key appears twice in the mapping".into());
            return diag;
        }
        other => {
            diag.message = other.to_owned();
            return diag;
        }
    };
    diag.message = format!("invalid value: {text}");
    diag.primary_label = Some(label.into());
    diag
}

/// Splits "`name`, expected one of a, b" into the name and the expected list.
fn split_unknown(rest: &str) -> (&str, Vec<String>) {
    let Some((field, tail)) = rest.split_once('`') else {
        return (rest, Vec::new());
    };
    let expected = if let Some(list) = tail.strip_prefix(", expected one of ") {
        list.split(", ")
            .map(|s| s.trim_matches('`').to_owned())
            .collect()
    } else if let Some(one) = tail.strip_prefix(", expected ") {
        vec![one.trim_matches('`').to_owned()]
    } else {
        Vec::new()
    };
    (field, expected)
}

/// The closest candidate by Jaro-Winkler similarity, when close enough.
pub fn did_you_mean<'a, S: AsRef<str>>(word: &str, candidates: &'a [S]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (c.as_ref(), strsim::jaro_winkler(word, c.as_ref())))
        .filter(|(_, score)| *score >= 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c)
}

/// Reads the value location that strict number fields put in their messages
/// (`<marker>line:col:offset+len|message`).
fn split_marker<'m>(path: &Path, message: &'m str) -> Option<(SourceLocation, &'m str)> {
    let start = message.find(LOCATION_MARKER)?;
    let rest = &message[start + LOCATION_MARKER.len()..];
    let (coords, text) = rest.split_once('|')?;
    let mut parts = coords.splitn(3, ':');
    let line = parts.next()?.parse().ok()?;
    let column = parts.next()?.parse().ok()?;
    let mut at = SourceLocation::new(path, line, column);
    if let Some((offset, len)) = parts.next().and_then(|b| b.split_once('+'))
        && let (Ok(offset), Ok(len)) = (offset.parse::<usize>(), len.parse::<usize>())
    {
        at.span = Some(offset..offset.saturating_add(len));
    }
    Some((at, text))
}

/// Removes serde-saphyr's " at line N, column M" suffix (we render locations ourselves).
fn strip_location_suffix(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(", column ") => &message[..i],
        _ => message,
    }
}

fn end_of_file(path: &Path, text: &str) -> SourceLocation {
    let line = text.lines().count().max(1);
    let column = text.lines().last().map_or(0, |l| l.chars().count()) + 1;
    SourceLocation::new(
        path,
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Manifest, ProviderSpec};

    fn err(text: &str) -> Diagnostic {
        *parse::<Manifest<ProviderSpec>>(Path::new("p.yaml"), text).expect_err("must fail")
    }

    const HEAD: &str = "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Provider\nspec:\n";

    #[test]
    fn unknown_field_suggests_the_closest() {
        let d = err(&format!("{HEAD}  type: mock\n  modle: x\n"));
        assert_eq!(d.message, "unknown field `modle`");
        assert_eq!(d.help, vec!["did you mean `model`?".to_string()]);
        let loc = d.location.expect("located");
        assert_eq!((loc.line, loc.column), (5, 3));
    }

    #[test]
    fn wrong_value_type_points_at_the_value() {
        let text = format!("{HEAD}  type: mock\n  defaults:\n    temperature: hot\n");
        let d = err(&text);
        assert_eq!(
            d.message,
            "invalid value: expected a number, found a string"
        );
        let loc = d.location.expect("located");
        assert_eq!((loc.line, loc.column), (6, 18));
        let start = text.find("hot").expect("present");
        assert_eq!(loc.span, Some(start..start + 3));
    }

    #[test]
    fn quoted_numbers_are_strings_like_in_the_reference() {
        let text = format!("{HEAD}  type: mock\n  defaults:\n    temperature: \"0.7\"\n");
        let d = err(&text);
        assert_eq!(
            d.message,
            "invalid value: expected a number, found a string"
        );
        assert_eq!(d.location.map(|l| (l.line, l.column)), Some((6, 18)));
        let d = err(&format!(
            "{HEAD}  type: mock\n  defaults:\n    max_tokens: 2.5\n"
        ));
        assert_eq!(d.message, "invalid value: 2.5, expected an integer");
        let ok = parse::<Manifest<ProviderSpec>>(
            Path::new("p.yaml"),
            &format!("{HEAD}  type: mock\n  defaults:\n    max_tokens: 100\n    temperature: 1\n"),
        )
        .expect("numbers parse");
        let defaults = ok.spec.value.defaults.expect("defaults");
        assert_eq!(defaults.max_tokens.map(|m| m.value), Some(100));
        assert_eq!(
            defaults.temperature.map(|t| (t.value, t.referenced.line())),
            Some((1.0, 7))
        );
    }

    #[test]
    fn yaml_1_1_booleans_are_refused() {
        let d = err(&format!("{HEAD}  type: mock\n  include_raw_output: yes\n"));
        assert!(d.message.starts_with("invalid value"), "{}", d.message);
    }

    #[test]
    fn syntax_errors_and_duplicates_are_located() {
        let d = err(&format!("{HEAD}  type: [a\n"));
        assert!(d.location.as_ref().is_some_and(|l| l.line >= 4), "{d:?}");
        let d = err(&format!("{HEAD}  type: a\n  type: b\n"));
        assert_eq!(d.message, "duplicate key `type`");
        assert_eq!(d.location.map(|l| l.line), Some(5));
    }

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
        assert_eq!(spec.r#type.value, "mock");
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

    #[test]
    fn missing_field_is_named() {
        let d = err(&format!("{HEAD}  model: x\n"));
        assert_eq!(d.message, "missing required field `type`");
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut yaml = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            yaml.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let r = parse::<crate::model::Node>(Path::new("bomb.yaml"), &yaml);
        assert!(r.is_err());
    }
}
