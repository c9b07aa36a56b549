//! Validation of an assertion's params against the registry.

use super::{EvalType, ParamKind, ParamSpec, WRAPPER_PARAMS, suggest_param};
use serde_json::{Map, Value};

/// One thing wrong with an assertion's params.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamProblem {
    /// The param concerned (empty for a missing one-of group).
    pub param: String,
    /// What is wrong.
    pub message: String,
    /// Whether the problem is only an unknown param name (the reference ignores those).
    pub unknown: bool,
    /// Whether the problem is a missing required param (group) of a type the reference
    /// does not validate at load time (it then fails or does nothing at run time).
    pub missing: bool,
}

impl ParamProblem {
    /// Whether the reference would reject the config for it (else: a warning).
    pub fn is_hard(&self) -> bool {
        !self.unknown && !self.missing
    }
}

impl std::fmt::Display for ParamProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.param.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "param `{}`: {}", self.param, self.message)
        }
    }
}

fn problem(param: &str, message: impl Into<String>) -> ParamProblem {
    ParamProblem {
        param: param.to_owned(),
        message: message.into(),
        unknown: false,
        missing: false,
    }
}

fn kind_error(kind: ParamKind, v: &Value) -> Option<String> {
    let is_int = |v: &Value| v.as_i64().is_some() || v.as_f64().is_some_and(|f| f.fract() == 0.0);
    let ok = match kind {
        ParamKind::String | ParamKind::Duration => v.is_string(),
        ParamKind::Number => v.is_number(),
        ParamKind::Integer => is_int(v),
        ParamKind::Bool => v.is_boolean(),
        ParamKind::StringList => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
        ParamKind::NumberList => v.as_array().is_some_and(|a| a.iter().all(Value::is_number)),
        ParamKind::StringMap => v
            .as_object()
            .is_some_and(|m| m.values().all(Value::is_string)),
        ParamKind::Object | ParamKind::JsonSchema => v.is_object(),
        ParamKind::ObjectList => v.as_array().is_some_and(|a| a.iter().all(Value::is_object)),
        ParamKind::Any => true,
        ParamKind::Regex => {
            return match v.as_str() {
                None => Some("expected a regular expression string".into()),
                Some(s) => regex::Regex::new(s)
                    .err()
                    .map(|e| format!("invalid regular expression: {e}")),
            };
        }
        ParamKind::RegexMap => {
            let Some(m) = v.as_object() else {
                return Some("expected a map of argument name to regular expression".into());
            };
            return m
                .iter()
                .find_map(|(k, v)| match v.as_str().map(regex::Regex::new) {
                    Some(Ok(_)) => None,
                    Some(Err(e)) => Some(format!("`{k}`: invalid regular expression: {e}")),
                    None => Some(format!("`{k}`: expected a regular expression string")),
                });
        }
        ParamKind::JmesPath => {
            return match v.as_str() {
                None => Some("expected a JMESPath expression string".into()),
                Some(s) => jmespath::compile(s)
                    .err()
                    .map(|e| format!("invalid JMESPath expression: {e}")),
            };
        }
    };
    (!ok).then(|| format!("expected {}", describe(kind)))
}

/// A value outside the param's choices (an empty string means "the default" when the
/// param is optional, as the reference reads it).
fn choice_error(spec: &ParamSpec, v: &Value) -> Option<String> {
    if spec.choices.is_empty() {
        return None;
    }
    match v.as_str() {
        Some(s) if spec.choices.contains(&s) || (s.is_empty() && !spec.required) => None,
        Some(s) => Some(format!("`{s}` is not one of {}", spec.choices.join(", "))),
        None => Some(format!("must be one of {}", spec.choices.join(", "))),
    }
}

/// A required value the reference's load-time validation reads as absent: zero or a
/// negative count, an empty string.
fn zero_error(kind: ParamKind, v: &Value) -> Option<String> {
    match kind {
        ParamKind::Integer if v.as_f64().is_some_and(|n| n <= 0.0) => {
            Some("must be a positive integer".into())
        }
        ParamKind::String if v.as_str().is_some_and(str::is_empty) => {
            Some("must not be empty".into())
        }
        _ => None,
    }
}

fn describe(kind: ParamKind) -> &'static str {
    match kind {
        ParamKind::String => "a string",
        ParamKind::Number => "a number",
        ParamKind::Integer => "an integer",
        ParamKind::Bool => "true or false",
        ParamKind::StringList => "a list of strings",
        ParamKind::NumberList => "a list of numbers",
        ParamKind::Regex => "a regular expression",
        ParamKind::RegexMap => "a map of regular expressions",
        ParamKind::StringMap => "a map of strings",
        ParamKind::JsonSchema => "a JSON Schema object",
        ParamKind::JmesPath => "a JMESPath expression",
        ParamKind::Duration => "a duration such as 30s",
        ParamKind::Object => "an object",
        ParamKind::ObjectList => "a list of objects",
        ParamKind::Any => "any value",
    }
}

fn given<'a>(spec: &ParamSpec, params: &'a Map<String, Value>) -> Option<(&'a str, &'a Value)> {
    std::iter::once(spec.name)
        .chain(spec.aliases.iter().copied())
        .find_map(|n| params.get_key_value(n))
        .map(|(k, v)| (k.as_str(), v))
}

/// Every problem of `params` for `ty`: unknown names (with a hint), wrong kinds, bad
/// regular expressions or JMESPath, values outside the allowed choices, missing required
/// params and missing one-of groups.
pub fn check_params(ty: &EvalType, params: &Map<String, Value>) -> Vec<ParamProblem> {
    let mut out = Vec::new();
    for (name, v) in params {
        let spec = ty
            .param(name)
            .or_else(|| WRAPPER_PARAMS.iter().find(|p| p.name == name));
        let Some(spec) = spec else {
            let hint = suggest_param(ty, name)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            let mut p = problem(name, format!("unknown param for `{}`{hint}", ty.name));
            p.unknown = true;
            out.push(p);
            continue;
        };
        if let Some(msg) = kind_error(spec.kind, v) {
            out.push(problem(name, msg));
        } else if let Some(msg) = choice_error(spec, v) {
            out.push(problem(name, msg));
        } else if ty.strict_params
            && spec.required
            && let Some(msg) = zero_error(spec.kind, v)
        {
            out.push(problem(name, msg));
        }
    }
    for spec in ty.params.iter().filter(|p| p.required) {
        if given(spec, params).is_none() {
            let mut p = problem(spec.name, format!("required by `{}`", ty.name));
            p.missing = !ty.strict_params;
            out.push(p);
        }
    }
    for group in ty.one_of {
        if !group.iter().any(|n| params.contains_key(*n)) {
            let mut p = problem(
                "",
                format!("`{}` needs at least one of: {}", ty.name, group.join(", ")),
            );
            p.missing = !ty.strict_params;
            out.push(p);
        }
    }
    out
}
