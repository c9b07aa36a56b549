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
use std::fmt;
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

/// Placeholders left after rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// Each unresolved `{{…}}`, as written, in order.
    pub placeholders: Vec<String>,
}

impl fmt::Display for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unresolved template placeholders: {}",
            self.placeholders.join(", ")
        )
    }
}

impl std::error::Error for Unresolved {}

/// Substitutes `vars` into `text`, repeating while values introduce placeholders.
pub fn render(text: &str, vars: &BTreeMap<String, String>) -> Result<String, Unresolved> {
    let result = substitute(text, vars);
    let left: Vec<String> = placeholders(&result)
        .iter()
        .map(|p| result[p.range.clone()].to_owned())
        .collect();
    if left.is_empty() {
        Ok(result)
    } else {
        Err(Unresolved { placeholders: left })
    }
}

/// [`render`] without the final check: placeholders naming no variable stay as written.
/// For callers that checked the template's placeholders beforehand (typed prompts).
pub fn substitute(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut result = text.to_owned();
    for _ in 0..MAX_PASSES {
        let next = substitute_once(&result, vars);
        if next == result {
            break;
        }
        result = next;
    }
    result
}

/// One left-to-right pass: each placeholder naming a known variable is replaced.
fn substitute_once(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for placeholder in placeholders(text) {
        if let Some(value) = vars.get(placeholder.name) {
            out.push_str(&text[last..placeholder.range.start]);
            out.push_str(value);
            last = placeholder.range.end;
        }
    }
    out.push_str(&text[last..]);
    out
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
        assert_eq!(err.placeholders, vec!["{{b}}", "{{ c }}"]);
        assert_eq!(
            err.to_string(),
            "unresolved template placeholders: {{b}}, {{ c }}"
        );
    }

    #[test]
    fn self_referencing_values_stop_after_max_passes() {
        let err = render("{{a}}", &vars(&[("a", "x{{a}}")])).unwrap_err();
        assert_eq!(err.placeholders, vec!["{{a}}"]);
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
