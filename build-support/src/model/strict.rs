//! Numbers that must be written as numbers: serde-saphyr would read `"0.7"` (quoted)
//! into an `f64`, but the reference validates against JSON schemas where a quoted
//! value is a string. Numeric fields use these with `deserialize_with`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde_saphyr::Spanned;

/// A numeric type readable only from a YAML number.
pub(crate) trait StrictNumber: Sized {
    /// What the error says is expected.
    const EXPECTED: &'static str;
    /// From an integer.
    fn from_i128(v: i128) -> Option<Self>;
    /// From a float.
    fn from_f64(v: f64) -> Option<Self>;
}

impl StrictNumber for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_i128(v: i128) -> Option<Self> {
        Some(v as f64)
    }
    fn from_f64(v: f64) -> Option<Self> {
        Some(v)
    }
}

impl StrictNumber for i64 {
    const EXPECTED: &'static str = "an integer";
    fn from_i128(v: i128) -> Option<Self> {
        i64::try_from(v).ok()
    }
    fn from_f64(v: f64) -> Option<Self> {
        // JSON-schema integers accept 3.0 but not 3.5.
        (v.fract() == 0.0 && v.abs() < 9.0e15).then_some(v as i64)
    }
}

/// Prefix of an error message carrying the offending value's location (see
/// [`located_error`]); the loader turns it back into a diagnostic location.
pub(crate) const LOCATION_MARKER: &str = "@@promptkit-at ";

/// A number, or a description of the non-number found instead.
enum Lenient<T> {
    Number(T),
    Other(String),
}

impl<'de, T: StrictNumber> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor(PhantomData))
    }
}

struct LenientVisitor<T>(PhantomData<T>);

impl<T: StrictNumber> LenientVisitor<T> {
    fn num(v: Option<T>, shown: impl fmt::Display) -> Lenient<T> {
        v.map_or_else(|| Lenient::Other(format!("{shown}")), Lenient::Number)
    }
}

impl<'de, T: StrictNumber> Visitor<'de> for LenientVisitor<T> {
    type Value = Lenient<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTED)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Self::num(T::from_i128(i128::from(v)), v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Self::num(T::from_i128(i128::from(v)), v))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Ok(Self::num(T::from_i128(v), v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Ok(Self::num(i128::try_from(v).ok().and_then(T::from_i128), v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Self::num(T::from_f64(v), v))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Lenient::Other("a string".into()))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Lenient::Other("a boolean".into()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient::Other("null".into()))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(Lenient::Other("a sequence".into()))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map
            .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
            .is_some()
        {}
        Ok(Lenient::Other("a mapping".into()))
    }
}

/// An error whose message carries the value's own location (serde-saphyr would report
/// the position where the error surfaced, the key).
pub(crate) fn located_error<E: de::Error>(at: &serde_saphyr::Location, message: &str) -> E {
    let span = at.span();
    let bytes = match (span.byte_offset(), span.byte_len()) {
        (Some(o), Some(l)) => format!("{o}+{l}"),
        _ => "-".into(),
    };
    E::custom(format_args!(
        "{LOCATION_MARKER}{}:{}:{bytes}|{message}",
        at.line(),
        at.column()
    ))
}

fn strict<T: StrictNumber, E: de::Error>(value: Spanned<Lenient<T>>) -> Result<Spanned<T>, E> {
    match value.value {
        Lenient::Number(n) => Ok(Spanned::new(n, value.referenced, value.defined)),
        Lenient::Other(found) if found.starts_with(['a', 'n']) => Err(located_error(
            &value.referenced,
            &format!("invalid value: expected {}, found {found}", T::EXPECTED),
        )),
        Lenient::Other(shown) => Err(located_error(
            &value.referenced,
            &format!("invalid value: {shown}, expected {}", T::EXPECTED),
        )),
    }
}

/// `Option<Spanned<T>>` read from a YAML number only.
pub(crate) fn opt_spanned<'de, D, T>(deserializer: D) -> Result<Option<Spanned<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: StrictNumber,
{
    let value: Option<Spanned<Lenient<T>>> = Option::deserialize(deserializer)?;
    value.map(strict).transpose()
}

/// `Option<T>` read from a YAML number only.
pub(crate) fn opt<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: StrictNumber,
{
    Ok(opt_spanned::<D, T>(deserializer)?.map(|s| s.value))
}

/// `T` read from a YAML number only.
pub(crate) fn req<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: StrictNumber,
{
    strict(Spanned::<Lenient<T>>::deserialize(deserializer)?).map(|s| s.value)
}
