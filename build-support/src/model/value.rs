//! Free-form YAML values that keep a location on every node, and an ordered map
//! whose keys keep theirs.
//!
//! Used wherever the reference accepts free-form data (assertion params, tool
//! schemas, mock tool-call arguments, `additional_config`), so later checks can
//! still point at the exact key or value they blame.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_saphyr::Spanned;

/// A free-form value with its location (see [`Value`]).
pub type Node = Spanned<Value>;

/// A free-form YAML value; every child node keeps its own location.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or an empty value.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits in `i64`.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string scalar.
    String(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order.
    Map(Map),
}

/// A free-form mapping with string keys, in document order.
pub type Map = SpannedMap<String, Node>;

impl Value {
    /// The string, when this is a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The mapping, when this is a mapping.
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The elements, when this is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match self {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The number as `f64`, when this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The integer, when this is an integer.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The boolean, when this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// A short name of the value's type for messages ("string", "mapping", ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::Seq(_) => "sequence",
            Value::Map(_) => "mapping",
        }
    }

    /// The same data as JSON (locations dropped; non-finite floats become null).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Seq(items) => items.iter().map(|n| n.value.to_json()).collect(),
            Value::Map(map) => serde_json::Value::Object(
                map.iter()
                    .map(|(k, v)| (k.value.clone(), v.value.to_json()))
                    .collect(),
            ),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::String(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        MapVisitor(PhantomData).visit_map(map).map(Value::Map)
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Int(i) => serializer.serialize_i64(*i),
            Value::Float(f) => serializer.serialize_f64(*f),
            Value::String(s) => serializer.serialize_str(s),
            Value::Seq(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&item.value)?;
                }
                seq.end()
            }
            Value::Map(map) => map.serialize(serializer),
        }
    }
}

/// An ordered map whose keys keep their locations; duplicate keys are rejected.
#[derive(Debug, Clone, PartialEq)]
pub struct SpannedMap<K, V> {
    entries: Vec<(Spanned<K>, V)>,
}

impl<K, V> Default for SpannedMap<K, V> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl SpannedMap<String, Node> {
    /// The map as a JSON object (locations dropped), e.g. assertion params.
    pub fn to_json_map(&self) -> serde_json::Map<String, serde_json::Value> {
        self.iter()
            .map(|(k, v)| (k.value.clone(), v.value.to_json()))
            .collect()
    }
}

impl<K: PartialEq, V> SpannedMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of a key.
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key (with its location) and value of a key.
    pub fn entry<Q>(&self, key: &Q) -> Option<&(Spanned<K>, V)>
    where
        K: std::borrow::Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.entries.iter().find(|(k, _)| k.value.borrow() == key)
    }

    /// True when the key is present.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.entry(key).is_some()
    }

    /// Appends an entry (no duplicate check).
    pub fn push(&mut self, key: Spanned<K>, value: V) {
        self.entries.push((key, value));
    }

    /// Entries in document order.
    pub fn iter(&self) -> impl Iterator<Item = (&Spanned<K>, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// Keys in document order.
    pub fn keys(&self) -> impl Iterator<Item = &Spanned<K>> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// Values in document order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<'a, K, V> IntoIterator for &'a SpannedMap<K, V> {
    type Item = &'a (Spanned<K>, V);
    type IntoIter = std::slice::Iter<'a, (Spanned<K>, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

impl<'de, K, V> Deserialize<'de> for SpannedMap<K, V>
where
    K: Deserialize<'de> + Eq + std::hash::Hash + Clone + fmt::Debug,
    V: Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

struct MapVisitor<K, V>(PhantomData<(K, V)>);

impl<'de, K, V> Visitor<'de> for MapVisitor<K, V>
where
    K: Deserialize<'de> + Eq + std::hash::Hash + Clone + fmt::Debug,
    V: Deserialize<'de>,
{
    type Value = SpannedMap<K, V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping")
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(SpannedMap::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = SpannedMap::default();
        // A set beside the entries: one lookup per key, not a scan of the keys so far.
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<Spanned<K>>()? {
            if !seen.insert(key.value.clone()) {
                return Err(de::Error::custom(format_args!(
                    "duplicate key {:?}",
                    key.value
                )));
            }
            let value = map.next_value::<V>()?;
            out.entries.push((key, value));
        }
        Ok(out)
    }
}

impl<K: Serialize, V: Serialize> Serialize for SpannedMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(&k.value, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_nodes_keep_locations() {
        let yaml = "a: 1\nb:\n  c: [x, 2.5]\n  d: ~\n";
        let v: Node = serde_saphyr::from_str(yaml).expect("parses");
        let map = v.value.as_map().expect("map");
        let (bk, b) = map.entry("b").expect("b");
        assert_eq!(bk.referenced.line(), 2);
        let c = b.value.as_map().and_then(|m| m.get("c")).expect("c");
        let items = c.value.as_seq().expect("seq");
        assert_eq!(items[0].value.as_str(), Some("x"));
        assert_eq!(
            (items[1].referenced.line(), items[1].referenced.column()),
            (3, 10)
        );
        assert_eq!(items[1].value.as_f64(), Some(2.5));
        assert!(
            b.value
                .as_map()
                .and_then(|m| m.get("d"))
                .is_some_and(|d| d.value.is_null())
        );
        assert_eq!(
            v.value.to_json(),
            serde_json::json!({"a": 1, "b": {"c": ["x", 2.5], "d": null}})
        );
    }

    #[test]
    fn integer_keys_and_duplicates() {
        let m: SpannedMap<u32, String> =
            serde_saphyr::from_str("1: one\n2: two\n").expect("parses");
        assert_eq!(m.get(&2).map(String::as_str), Some("two"));
        assert_eq!(m.keys().next().map(|k| k.referenced.line()), Some(1));
        assert!(serde_saphyr::from_str::<SpannedMap<String, u8>>("a: 1\na: 2\n").is_err());
    }
}
