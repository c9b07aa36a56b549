//! Parsing one YAML text into a model type with hostile-input budgets, and turning
//! serde-saphyr errors into [`Diagnostic`]s with "did you mean" help.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, SourceLocation};
use crate::model::strict::LOCATION_MARKER;

/// Parser limits applied to every file (far above any real config, far below harm).
pub(crate) fn options() -> serde_saphyr::Options {
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
    // A closed set of names (`model::Named`): "unknown provider type `x`, expected one of `a`, `b`".
    if let Some((what, rest)) = message
        .strip_prefix("unknown ")
        .and_then(|r| r.split_once(" `"))
        && let Some((value, tail)) = rest.split_once('`')
        && let Some(list) = tail.strip_prefix(", expected one of ")
    {
        let expected: Vec<&str> = list.split(", ").map(|s| s.trim_matches('`')).collect();
        diag.message = format!("unknown {what} `{value}`");
        diag.primary_label = Some(format!("not a known {what}"));
        diag.help.push(match did_you_mean(value, &expected) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("expected one of: {}", expected.join(", ")),
        });
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
        if let Some((_, found)) = rest.split_once(", found ") {
            diag.primary_label = Some(format!("this is {found}"));
            if found == "a string" {
                diag.help.push("write the value without quotes".into());
            }
        }
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
    if !worth_suggesting(word) {
        return None;
    }
    candidates
        .iter()
        .map(|c| (c.as_ref(), strsim::jaro_winkler(word, c.as_ref())))
        .filter(|(_, score)| *score >= 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c)
}

/// Longest word (in bytes) compared for a "did you mean": names are short, and an edit
/// distance over a giant value would cost seconds.
pub const MAX_SUGGESTION_BYTES: usize = 128;

/// Whether `word` is short enough to look for a similar name.
pub fn worth_suggesting(word: &str) -> bool {
    word.len() <= MAX_SUGGESTION_BYTES
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
        let d = err(&format!("{HEAD}  type: mock\n  type: openai\n"));
        assert_eq!(d.message, "duplicate key `type`");
        assert_eq!(d.location.map(|l| l.line), Some(5));
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
