//! Lenient typed access to assertion params, with the reference's coercions.

use serde_json::{Map, Value};

/// An assertion's params (a JSON object), read leniently: a value of the wrong type
/// reads as absent, as in the reference.
#[derive(Debug, Clone, Copy)]
pub struct Params<'a>(pub &'a Map<String, Value>);

impl<'a> Params<'a> {
    /// The raw value of `key`.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.0.get(key)
    }

    /// Whether `key` is present (any value).
    pub fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// `key` as a string, when it is one.
    pub fn str(&self, key: &str) -> Option<&'a str> {
        self.0.get(key).and_then(Value::as_str)
    }

    /// `key` as a non-empty string.
    pub fn non_empty(&self, key: &str) -> Option<&'a str> {
        self.str(key).filter(|s| !s.is_empty())
    }

    /// `key` as a list of strings (non-string items skipped; a non-list reads as empty).
    pub fn strings(&self, key: &str) -> Vec<String> {
        string_list(self.0.get(key))
    }

    /// `key` as an integer (floats truncate), or `default`.
    pub fn int_or(&self, key: &str, default: i64) -> i64 {
        self.int(key).unwrap_or(default)
    }

    /// `key` as an integer (floats truncate).
    pub fn int(&self, key: &str) -> Option<i64> {
        as_int(self.0.get(key)?)
    }

    /// `key` as a number.
    pub fn num(&self, key: &str) -> Option<f64> {
        self.0.get(key).and_then(Value::as_f64)
    }

    /// Whether `key` is the boolean `true`.
    pub fn flag(&self, key: &str) -> bool {
        self.0.get(key).and_then(Value::as_bool).unwrap_or(false)
    }

    /// `key` as a boolean, or `default` when absent or not a boolean.
    pub fn bool_or(&self, key: &str, default: bool) -> bool {
        self.0.get(key).and_then(Value::as_bool).unwrap_or(default)
    }

    /// `key` as an object.
    pub fn object(&self, key: &str) -> Option<&'a Map<String, Value>> {
        self.0.get(key).and_then(Value::as_object)
    }

    /// `key` as a map of strings (non-string values skipped).
    pub fn string_map(&self, key: &str) -> Vec<(String, String)> {
        self.object(key)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `key` as a list of objects (other items skipped).
    pub fn objects(&self, key: &str) -> Vec<&'a Map<String, Value>> {
        self.0
            .get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_object).collect())
            .unwrap_or_default()
    }
}

/// A JSON value as a list of strings (non-string items skipped).
pub(crate) fn string_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A JSON number as an integer (floats truncate toward zero).
pub(crate) fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        _ => None,
    }
}

/// Renders a value like Go's `%v`, used to compare arguments as strings.
pub(crate) fn go_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
            _ => n.to_string(),
        },
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(go_string).collect();
            format!("[{}]", inner.join(" "))
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let inner: Vec<String> = keys
                .iter()
                .map(|k| format!("{k}:{}", go_string(&m[k.as_str()])))
                .collect();
            format!("map[{}]", inner.join(" "))
        }
    }
}
