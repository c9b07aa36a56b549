//! Resolving the values a template renders with: required, defaulted, typed, validated.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use crate::model::VariableMetadata;

/// A declared variable's type (`string` when undeclared).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VarType {
    /// Any text.
    #[default]
    String,
    /// A number (integer or decimal).
    Number,
    /// A whole number.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A JSON object.
    Object,
    /// A JSON array.
    Array,
}

impl VarType {
    /// Parses a declared type name; `None` for names the pack format does not know.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "string" => Self::String,
            "number" | "float" => Self::Number,
            "integer" | "int" => Self::Integer,
            "boolean" | "bool" => Self::Boolean,
            "object" => Self::Object,
            "array" => Self::Array,
            _ => return None,
        })
    }

    /// The type's name as written in configs.
    pub fn name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Number => "number",
            Self::Integer => "integer",
            Self::Boolean => "boolean",
            Self::Object => "object",
            Self::Array => "array",
        }
    }

    /// Whether the text form `value` is a value of this type.
    fn accepts(self, value: &str) -> bool {
        match self {
            Self::String => true,
            Self::Number => value.trim().parse::<f64>().is_ok_and(f64::is_finite),
            Self::Integer => value.trim().parse::<i64>().is_ok(),
            Self::Boolean => matches!(value.trim(), "true" | "false"),
            Self::Object => serde_json::from_str::<Value>(value).is_ok_and(|v| v.is_object()),
            Self::Array => serde_json::from_str::<Value>(value).is_ok_and(|v| v.is_array()),
        }
    }
}

/// A variable declaration, independent of where it came from (prompt YAML or pack JSON).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VarDecl {
    /// Name used in `{{name}}`.
    pub name: String,
    /// Declared type.
    pub ty: VarType,
    /// Must be supplied (non-empty).
    pub required: bool,
    /// Value used when none is supplied.
    pub default: Option<Value>,
    /// `validation` rules: `pattern`, `enum`, `min_length`, `max_length`, `minimum`, `maximum`.
    pub validation: Option<Value>,
}

impl From<&VariableMetadata> for VarDecl {
    fn from(meta: &VariableMetadata) -> Self {
        Self {
            name: meta.name.value.clone(),
            ty: meta
                .r#type
                .as_ref()
                .and_then(|t| VarType::parse(&t.value))
                .unwrap_or_default(),
            required: meta.required,
            default: meta.default.as_ref().map(|d| d.value.to_json()),
            validation: meta
                .validation
                .as_ref()
                .map(|v| Value::Object(v.value.to_json_map())),
        }
    }
}

/// Why a variable's value was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum VarProblem {
    /// A required variable was not supplied, or supplied empty.
    Missing {
        /// Variable name.
        name: String,
    },
    /// The value is not of the declared type.
    WrongType {
        /// Variable name.
        name: String,
        /// Declared type.
        expected: VarType,
        /// The value given.
        value: String,
    },
    /// The value breaks a `validation` rule.
    Invalid {
        /// Variable name.
        name: String,
        /// The rule, e.g. `pattern ^\d{5}$`.
        rule: String,
        /// The value given.
        value: String,
    },
}

impl fmt::Display for VarProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { name } => write!(
                f,
                "required variable `{name}` has no value; supply it (it has no default)"
            ),
            Self::WrongType {
                name,
                expected,
                value,
            } => write!(
                f,
                "variable `{name}` is declared `{}` but got {value:?}",
                expected.name()
            ),
            Self::Invalid { name, rule, value } => {
                write!(f, "variable `{name}` = {value:?} breaks its rule `{rule}`")
            }
        }
    }
}

/// The text a JSON value renders as: strings as they are, anything else as JSON.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Merges `given` over the declared defaults, checking required variables, types and
/// validation rules. Undeclared variables pass through unchecked (fragments, context).
/// All problems are reported, not just the first.
pub fn variables(
    decls: &[VarDecl],
    given: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, Vec<VarProblem>> {
    let mut merged = given.clone();
    let mut problems = Vec::new();
    for decl in decls {
        match given.get(&decl.name).filter(|v| !v.is_empty()) {
            Some(value) => check_value(decl, value, &mut problems),
            None if decl.required => problems.push(VarProblem::Missing {
                name: decl.name.clone(),
            }),
            None => {
                if let Some(default) = decl.default.as_ref().filter(|d| !d.is_null()) {
                    merged
                        .entry(decl.name.clone())
                        .or_insert_with(|| value_text(default));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(merged)
    } else {
        Err(problems)
    }
}

fn check_value(decl: &VarDecl, value: &str, problems: &mut Vec<VarProblem>) {
    if !decl.ty.accepts(value) {
        problems.push(VarProblem::WrongType {
            name: decl.name.clone(),
            expected: decl.ty,
            value: value.to_owned(),
        });
        return;
    }
    let Some(Value::Object(rules)) = &decl.validation else {
        return;
    };
    let mut fail = |rule: String| {
        problems.push(VarProblem::Invalid {
            name: decl.name.clone(),
            rule,
            value: value.to_owned(),
        })
    };
    for (rule, arg) in rules {
        let ok = match (rule.as_str(), arg) {
            ("pattern", Value::String(p)) => regex::Regex::new(p)
                .map(|re| re.is_match(value))
                .unwrap_or(false),
            ("enum", Value::Array(allowed)) => allowed.iter().any(|a| value_text(a) == value),
            ("min_length", n) => n.as_u64().is_none_or(|n| value.chars().count() as u64 >= n),
            ("max_length", n) => n.as_u64().is_none_or(|n| value.chars().count() as u64 <= n),
            ("minimum", n) => n
                .as_f64()
                .is_none_or(|n| value.trim().parse::<f64>().is_ok_and(|v| v >= n)),
            ("maximum", n) => n
                .as_f64()
                .is_none_or(|n| value.trim().parse::<f64>().is_ok_and(|v| v <= n)),
            _ => true,
        };
        if !ok {
            fail(format!("{rule} {}", value_text(arg)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn given(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn decl(name: &str, ty: VarType, required: bool) -> VarDecl {
        VarDecl {
            name: name.into(),
            ty,
            required,
            ..VarDecl::default()
        }
    }

    #[test]
    fn defaults_fill_in_and_given_values_win() {
        let decls = [
            VarDecl {
                default: Some(json!("Acme")),
                ..decl("company", VarType::String, false)
            },
            VarDecl {
                default: Some(json!(30)),
                ..decl("days", VarType::Integer, false)
            },
        ];
        let out = variables(&decls, &given(&[("company", "Globex")])).unwrap();
        assert_eq!(out["company"], "Globex");
        assert_eq!(out["days"], "30");
    }

    #[test]
    fn missing_and_empty_required_variables_are_all_reported() {
        let decls = [
            decl("a", VarType::String, true),
            decl("b", VarType::String, true),
        ];
        let problems = variables(&decls, &given(&[("b", "")])).unwrap_err();
        assert_eq!(problems.len(), 2);
        assert!(problems[0].to_string().contains("`a`"));
    }

    #[test]
    fn types_and_rules_are_checked() {
        let decls = [
            decl("n", VarType::Number, false),
            VarDecl {
                validation: Some(json!({"pattern": "^\\d{5}$", "max_length": 5})),
                ..decl("zip", VarType::String, false)
            },
            VarDecl {
                validation: Some(json!({"enum": ["formal", "casual"]})),
                ..decl("tone", VarType::String, false)
            },
        ];
        let problems = variables(
            &decls,
            &given(&[("n", "ten"), ("zip", "123456"), ("tone", "casual")]),
        )
        .unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(matches!(problems[0], VarProblem::WrongType { .. }));
        assert!(
            problems
                .iter()
                .all(|p| !matches!(p, VarProblem::Invalid { name, .. } if name == "tone"))
        );
    }

    #[test]
    fn undeclared_values_pass_through() {
        let out = variables(&[], &given(&[("extra", "x")])).unwrap();
        assert_eq!(out["extra"], "x");
    }
}
