//! Small JSON helpers of the compiler: free-form YAML to JSON with sorted keys (Go
//! writes maps sorted), and objects that leave out empty fields (Go's `omitempty`).

use serde_json::{Map, Value};

use crate::model::{Map as YamlMap, Node};

/// A free-form YAML node as JSON, object keys sorted recursively.
pub fn node(node: &Node) -> Value {
    sorted(node.value.to_json())
}

/// A free-form YAML mapping as a JSON object, keys sorted recursively.
pub fn map(map: &YamlMap) -> Map<String, Value> {
    let mut entries: Vec<(String, Value)> = map
        .iter()
        .map(|(k, v)| (k.value.clone(), sorted(v.value.to_json())))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().collect()
}

/// `value` with every object's keys sorted.
pub fn sorted(value: Value) -> Value {
    match value {
        Value::Object(object) => {
            let mut entries: Vec<(String, Value)> =
                object.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// Builds a JSON object in field order, skipping absent and empty values.
#[derive(Default)]
pub struct Object(Map<String, Value>);

impl Object {
    /// A new, empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `key` unless `value` is `None`, `""`, `0`, `false`, `[]` or `{}`.
    pub fn opt(mut self, key: &str, value: Option<impl Into<Value>>) -> Self {
        if let Some(value) = value.map(Into::into).filter(|v| !is_empty(v)) {
            self.0.insert(key.to_owned(), value);
        }
        self
    }

    /// Adds `key` when `value` is `Some`, even if zero (Go's `omitempty` on a pointer).
    pub fn some(mut self, key: &str, value: Option<impl Into<Value>>) -> Self {
        if let Some(value) = value {
            self.0.insert(key.to_owned(), value.into());
        }
        self
    }

    /// Adds `key` whatever its value.
    pub fn put(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.0.insert(key.to_owned(), value.into());
        self
    }

    /// The object, `None` when it has no field.
    pub fn non_empty(self) -> Option<Value> {
        (!self.0.is_empty()).then_some(Value::Object(self.0))
    }

    /// The object.
    pub fn build(self) -> Value {
        Value::Object(self.0)
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}
