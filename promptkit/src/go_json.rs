//! JSON text as Go's `encoding/json` writes it, for tool results the model and the
//! assertions see as text: object keys sorted, `<`, `>`, `&`, U+2028 and U+2029
//! escaped as `\u003c`-style sequences, and numbers as Go prints a `float64` (`1`
//! for `1.0`, `1e+21`, `1e-7`). The reference decodes a tool's JSON into Go values and
//! marshals it back, so this is the text its model receives.

use std::fmt::Write;

use serde_json::Value;

/// `value` as `json.Marshal` writes it.
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => {
                let _ = write!(out, "{i}");
            }
            (None, Some(u), _) => {
                let _ = write!(out, "{u}");
            }
            (None, None, Some(f)) => write_float(out, f),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

/// A float as Go's JSON encoder: plain decimal, exponent form below 1e-6 or from 1e21.
fn write_float(out: &mut String, f: f64) {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let text = format!("{f:e}");
        match text.split_once('e') {
            Some((mantissa, exp)) if !exp.starts_with('-') => {
                let _ = write!(out, "{mantissa}e+{exp}");
            }
            _ => out.push_str(&text),
        }
    } else {
        let _ = write!(out, "{f}");
    }
}

/// A string with Go's escapes (HTML-safe).
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::to_string;
    use serde_json::json;

    // Expected texts are what Go's json.Marshal writes for the same values.
    #[test]
    fn keys_are_sorted_and_html_escaped() {
        let v: serde_json::Value =
            serde_json::from_str(r#"{"z":1,"a":{"y":"<b>&</b>","b":[true,null]}}"#).expect("json");
        assert_eq!(
            to_string(&v),
            r#"{"a":{"b":[true,null],"y":"\u003cb\u003e\u0026\u003c/b\u003e"},"z":1}"#
        );
    }

    #[test]
    fn numbers_print_as_go_float64() {
        assert_eq!(to_string(&json!(1.0)), "1");
        assert_eq!(to_string(&json!(2.5)), "2.5");
        assert_eq!(to_string(&json!(1e21)), "1e+21");
        assert_eq!(to_string(&json!(1e-7)), "1e-7");
        assert_eq!(to_string(&json!(0.000001)), "0.000001");
        assert_eq!(to_string(&json!(-3)), "-3");
    }

    #[test]
    fn control_characters_and_separators_are_escaped() {
        assert_eq!(to_string(&json!("a\u{1}\u{2028}")), r#""a\u0001\u2028""#);
        assert_eq!(to_string(&json!("é\"\\")), r#""é\"\\""#);
    }
}
