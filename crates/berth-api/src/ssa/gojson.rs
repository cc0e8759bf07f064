//! Text forms as upstream's Go code writes them: JSON from `encoding/json` (sorted keys, HTML
//! characters escaped, ES6 number formatting) and strings quoted by `%q`.
//!
//! They matter where the bytes are visible: list keys inside `fieldsV1` (`k:{"name":"x"}`), the
//! `last-applied-configuration` annotation, manager identifiers and conflict messages.

use std::fmt::Write as _;

use serde_json::{Number, Value};

/// `v` as `encoding/json` marshals it (map keys sorted, `<`, `>` and `&` escaped).
pub(crate) fn to_string(v: &Value) -> String {
    let mut out = String::new();
    write_value(v, &mut out);
    out
}

/// Appends `v` in `encoding/json` form.
pub(crate) fn write_value(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            // serde_json's map iterates in byte order of the keys, which is Go's sort order.
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_value(item, out);
            }
            out.push('}');
        }
    }
}

/// Appends a number as Go formats a float64 or an integer in JSON.
pub(crate) fn write_number(n: &Number, out: &mut String) {
    if let Some(i) = n.as_i64() {
        let _ = write!(out, "{i}");
    } else if let Some(u) = n.as_u64() {
        let _ = write!(out, "{u}");
    } else if let Some(f) = n.as_f64() {
        out.push_str(&format_float(f));
    }
}

/// ES6 number-to-string, as `encoding/json` writes a float64: fixed notation between 1e-6 and
/// 1e21, otherwise an exponent without zero padding (`1e+21`, `1e-7`).
pub(crate) fn format_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{f:e}");
        match s.split_once('e') {
            Some((mantissa, exp)) if !exp.starts_with('-') => format!("{mantissa}e+{exp}"),
            _ => s,
        }
    } else {
        format!("{f}")
    }
}

/// Appends `s` as a JSON string with Go's HTML-safe escaping.
pub(crate) fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `s` quoted as Go's `%q` (`strconv.Quote`) does.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if u32::from(c) < 0x20 || u32::from(c) == 0x7f => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn encodes_like_encoding_json() {
        let cases = [
            (json!({"b": 1, "a": "x"}), r#"{"a":"x","b":1}"#),
            (json!("<a&b>"), r#""\u003ca\u0026b\u003e""#),
            (json!("tab\tnl\n"), r#""tab\tnl\n""#),
            (json!("\u{1}"), r#""\u0001""#),
            (json!(1.5), "1.5"),
            (json!(3.0), "3"),
            (json!(1e21), "1e+21"),
            (json!(1e-7), "1e-7"),
            (json!([null, true]), "[null,true]"),
        ];
        for (v, want) in cases {
            assert_eq!(to_string(&v), want, "{v}");
        }
    }

    #[test]
    fn quotes_like_strconv_quote() {
        assert_eq!(quote("kubectl"), r#""kubectl""#);
        assert_eq!(quote("a\"b\\"), r#""a\"b\\""#);
        assert_eq!(quote("\u{1b}x\n"), r#""\x1bx\n""#);
        assert_eq!(quote("héllo"), r#""héllo""#);
    }
}
