//! The `{{variable}}` language of `system_template`, fragments and persona prompts.
//!
//! It follows the reference renderer exactly: a placeholder is the literal text
//! `{{name}}` (no whitespace trimming), substitution repeats up to
//! [`MAX_PASSES`] times so a value may itself hold placeholders, and any `{{…}}`
//! left afterwards is an error. [`variables`] resolves the values a template is
//! rendered with: required variables must be present and non-empty, optional ones
//! fall back to their default, and declared types and `validation` rules are
//! checked (the reference declares these but does not check them; we do).

mod vars;

use std::collections::BTreeMap;
use std::ops::Range;

pub use vars::{VarDecl, VarProblem, VarType, value_text, variables};

/// Substitution passes before giving up on nested placeholders (as the reference).
pub const MAX_PASSES: usize = 10;

/// One `{{…}}` occurrence in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder<'t> {
    /// The text between the braces, untrimmed.
    pub name: &'t str,
    /// Byte range of the whole `{{…}}` in the template.
    pub range: Range<usize>,
}

impl Placeholder<'_> {
    /// Whether the name is a variable name the pack schema accepts
    /// (`^[a-zA-Z_][a-zA-Z0-9_]*$`). Other placeholders, such as `{{ name }}`, can
    /// never be substituted.
    pub fn is_well_formed(&self) -> bool {
        is_variable_name(self.name)
    }
}

/// Whether `name` matches the pack schema's variable name pattern.
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Every `{{…}}` in `text`, in order (an opening `{{` without a closing `}}` is text).
pub fn placeholders(text: &str) -> Vec<Placeholder<'_>> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(open) = text[at..].find("{{").map(|i| at + i) {
        let Some(close) = text[open + 2..].find("}}").map(|i| open + 2 + i) else {
            break;
        };
        found.push(Placeholder {
            name: &text[open + 2..close],
            range: open..close + 2,
        });
        at = close + 2;
    }
    found
}

/// The distinct variable names a template uses, in order of first use.
pub fn used_names(text: &str) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for placeholder in placeholders(text) {
        if !names.contains(&placeholder.name) {
            names.push(placeholder.name);
        }
    }
    names
}

/// Largest rendered text, in bytes: values that expand into each other stop here
/// instead of exhausting memory.
pub const MAX_OUTPUT_BYTES: usize = 16 * 1024 * 1024;

/// Why a template could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// Placeholders left after rendering: each `{{…}}`, as written, in order.
    #[error(
        "unresolved template placeholders: {}; declare these variables or pass values for them",
        .0.join(", ")
    )]
    Unresolved(Vec<String>),
    /// Values that name each other: the names around the cycle, the first repeated last.
    #[error(
        "template variables expand into each other: {}; a value may not (indirectly) name itself",
        .0.join(" -> ")
    )]
    Cycle(Vec<String>),
    /// The rendered text would exceed [`MAX_OUTPUT_BYTES`].
    #[error(
        "the rendered template exceeds {} bytes; values expand too much (each placeholder is replaced by its value, repeatedly)",
        MAX_OUTPUT_BYTES
    )]
    TooLarge,
}

/// Substitutes `vars` into `text`, repeating while values introduce placeholders.
///
/// Refuses values that name each other (reachable from `text`), output over
/// [`MAX_OUTPUT_BYTES`], and placeholders left unresolved.
pub fn render(text: &str, vars: &BTreeMap<String, String>) -> Result<String, RenderError> {
    if let Some(cycle) = cycle(text, vars) {
        return Err(RenderError::Cycle(cycle));
    }
    let result = expand(text, vars).ok_or(RenderError::TooLarge)?;
    let left: Vec<String> = placeholders(&result)
        .iter()
        .map(|p| result[p.range.clone()].to_owned())
        .collect();
    if left.is_empty() {
        Ok(result)
    } else {
        Err(RenderError::Unresolved(left))
    }
}

/// [`render`] without the checks: placeholders naming no variable stay as written.
/// For callers that checked the template's placeholders beforehand (typed prompts).
/// Stops substituting before the text would exceed [`MAX_OUTPUT_BYTES`].
pub fn substitute(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut result = text.to_owned();
    for _ in 0..MAX_PASSES {
        match substitute_once(&result, vars) {
            Some(next) if next != result => result = next,
            _ => break,
        }
    }
    result
}

/// Up to [`MAX_PASSES`] passes; `None` when the text would exceed [`MAX_OUTPUT_BYTES`].
fn expand(text: &str, vars: &BTreeMap<String, String>) -> Option<String> {
    let mut result = text.to_owned();
    for _ in 0..MAX_PASSES {
        let next = substitute_once(&result, vars)?;
        if next == result {
            break;
        }
        result = next;
    }
    Some(result)
}

/// A chain of variables reachable from `text` whose values lead back to one of them
/// (`a -> b -> a`), if any. Linear in the size of the values.
pub fn cycle(text: &str, vars: &BTreeMap<String, String>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    let mut marks: BTreeMap<&str, Mark> = BTreeMap::new();
    for start in used_names(text) {
        if !vars.contains_key(start) || marks.contains_key(start) {
            continue;
        }
        // Iterative depth-first search: the stack holds (name, its remaining children).
        let mut path: Vec<(&str, std::vec::IntoIter<&str>)> = Vec::new();
        marks.insert(start, Mark::Open);
        path.push((start, children(start, vars)));
        while let Some((_, next)) = path.last_mut() {
            match next.next() {
                Some(child) => match marks.get(child) {
                    Some(Mark::Open) => {
                        let from = path.iter().position(|(n, _)| *n == child).unwrap_or(0);
                        let mut names: Vec<String> =
                            path[from..].iter().map(|(n, _)| (*n).to_owned()).collect();
                        names.push(child.to_owned());
                        return Some(names);
                    }
                    Some(Mark::Done) => {}
                    None => {
                        marks.insert(child, Mark::Open);
                        path.push((child, children(child, vars)));
                    }
                },
                None => {
                    if let Some((name, _)) = path.pop() {
                        marks.insert(name, Mark::Done);
                    }
                }
            }
        }
    }
    None
}

/// The variables named by the value of `name` (that have values themselves).
fn children<'v>(name: &str, vars: &'v BTreeMap<String, String>) -> std::vec::IntoIter<&'v str> {
    let names: Vec<&str> = vars.get(name).map_or_else(Vec::new, |value| {
        used_names(value)
            .into_iter()
            .filter(|n| vars.contains_key(*n))
            .collect()
    });
    names.into_iter()
}

/// One left-to-right pass: each placeholder naming a known variable is replaced;
/// `None` when the result would exceed [`MAX_OUTPUT_BYTES`].
fn substitute_once(text: &str, vars: &BTreeMap<String, String>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for placeholder in placeholders(text) {
        if let Some(value) = vars.get(placeholder.name) {
            out.push_str(&text[last..placeholder.range.start]);
            if out.len().saturating_add(value.len()) > MAX_OUTPUT_BYTES {
                return None;
            }
            out.push_str(value);
            last = placeholder.range.end;
        }
    }
    out.push_str(&text[last..]);
    (out.len() <= MAX_OUTPUT_BYTES).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn finds_placeholders_with_ranges() {
        let text = "Hi {{name}}, from {{ company }} {{name}} {{unclosed";
        let found = placeholders(text);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].name, "name");
        assert_eq!(&text[found[0].range.clone()], "{{name}}");
        assert_eq!(found[1].name, " company ");
        assert!(!found[1].is_well_formed());
        assert_eq!(used_names(text), vec!["name", " company "]);
    }

    #[test]
    fn renders_and_resolves_nested_values() {
        let out = render(
            "{{greeting}}, {{name}}!",
            &vars(&[("greeting", "Hello {{name}}"), ("name", "Ada")]),
        );
        assert_eq!(out.as_deref(), Ok("Hello Ada, Ada!"));
    }

    #[test]
    fn unresolved_placeholders_are_errors() {
        let err = render("{{a}} {{b}} {{ c }}", &vars(&[("a", "1")])).unwrap_err();
        assert_eq!(
            err,
            RenderError::Unresolved(vec!["{{b}}".into(), "{{ c }}".into()])
        );
        assert!(
            err.to_string()
                .starts_with("unresolved template placeholders: {{b}}, {{ c }}")
        );
    }

    #[test]
    fn self_referencing_values_are_cycles() {
        let err = render("{{a}}", &vars(&[("a", "x{{a}}")])).unwrap_err();
        assert_eq!(err, RenderError::Cycle(vec!["a".into(), "a".into()]));
    }

    #[test]
    fn values_naming_each_other_are_cycles_named_in_order() {
        let values = vars(&[("top", "{{a}}"), ("a", "{{b}}{{b}}"), ("b", "{{a}}")]);
        let err = render("{{top}}", &values).unwrap_err();
        assert_eq!(
            err,
            RenderError::Cycle(vec!["a".into(), "b".into(), "a".into()])
        );
        assert!(err.to_string().contains("a -> b -> a"));
        // A cycle the template never reaches is not an error.
        assert_eq!(render("plain", &values).as_deref(), Ok("plain"));
    }

    #[test]
    fn exponential_expansion_stops_at_the_budget() {
        // Each level doubles, without any cycle: 2^9 × 64 KiB = 32 MiB if unbounded.
        let mut values = BTreeMap::new();
        for level in 0..9 {
            let next = format!("{{{{v{}}}}}", level + 1);
            values.insert(format!("v{level}"), next.repeat(2));
        }
        values.insert("v9".to_owned(), "x".repeat(64 * 1024));
        assert_eq!(render("{{v0}}", &values), Err(RenderError::TooLarge));
        assert!(substitute("{{v0}}", &values).len() <= MAX_OUTPUT_BYTES);
    }

    #[test]
    fn braces_that_are_not_placeholders_stay() {
        assert_eq!(
            render("json: {\"a\": 1} and {{", &BTreeMap::new()).as_deref(),
            Ok("json: {\"a\": 1} and {{")
        );
    }

    #[test]
    fn variable_names_follow_the_pack_schema() {
        assert!(is_variable_name("customer_name"));
        assert!(is_variable_name("_x1"));
        assert!(!is_variable_name("1x"));
        assert!(!is_variable_name("a-b"));
        assert!(!is_variable_name(""));
    }
}
