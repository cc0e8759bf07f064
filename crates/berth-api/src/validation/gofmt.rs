//! Go `fmt` renderings that appear inside upstream error messages: `%q` string quoting, `%v`
//! of floats, `%#v` of slices, maps and structs, and `time.Time.String()`.
//!
//! Clients compare these messages byte for byte, so the quoting rules follow Go's `strconv`
//! package rather than Rust's `Debug`.

use std::fmt::Write as _;

use serde_json::Value;

/// Go's `strconv.Quote`: double quotes, `\"` and `\\`, the C escapes, and `\xHH` / `\uHHHH` /
/// `\UHHHHHHHH` for characters Go does not consider printable.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_print(c) => out.push(c),
            '\u{07}' => out.push_str("\\a"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{0b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
///
/// Rust has no general-category table in `std`, so non-ASCII characters are judged by
/// excluding controls, non-ASCII spaces, the common format characters (Cf), private-use
/// characters and noncharacters.
pub fn is_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(u,
        0x00ad | 0x0600..=0x0605 | 0x061c | 0x06dd | 0x070f | 0x180e | 0x200b..=0x200f
        | 0x202a..=0x202e | 0x2060..=0x2064 | 0x2066..=0x206f | 0xfeff | 0xfff9..=0xfffb
        | 0xfffe | 0xffff | 0x110bd | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a | 0xe0001
        | 0xe0020..=0xe007f | 0xe000..=0xf8ff | 0xf0000..=0x10ffff)
}

/// Go's `%v` of a float64: shortest representation, exponent form when the decimal exponent is
/// below -4 or at least 6 (`1e+06`, `1.5e-05`).
pub fn float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    let sci = format!("{f:e}");
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return sci;
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    if f != 0.0 && !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}

/// Go's `%#v` of a `[]string`: `[]string{"a", "b"}`.
pub fn string_slice<S: AsRef<str>>(items: &[S]) -> String {
    let inner: Vec<String> = items.iter().map(|s| quote(s.as_ref())).collect();
    format!("[]string{{{}}}", inner.join(", "))
}

/// Go's `%#v` of a struct: `pkg.Type{Field:value, …}` with values already rendered.
pub fn go_struct(type_name: &str, fields: &[(&str, String)]) -> String {
    let inner: Vec<String> = fields.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    format!("{type_name}{{{}}}", inner.join(", "))
}

/// Go's `%#v` of a `*bool`, `*int64`, … field inside a struct. A non-nil pointer prints as an
/// address in Go; the address carries no information, so a fixed one is printed.
pub fn pointer(type_name: &str, present: bool) -> String {
    if present {
        format!("(*{type_name})(0xc000010000)")
    } else {
        format!("(*{type_name})(nil)")
    }
}

/// Go's `%#v` of a decoded JSON value as it would look in a Go program that holds it in the
/// most natural type: string slices and string maps get their concrete types, everything else
/// `interface {}`.
pub fn json_go_syntax(v: &Value) -> String {
    match v {
        Value::Null => "interface {}(nil)".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n),
        Value::String(s) => quote(s),
        Value::Array(items) => {
            if items.iter().all(Value::is_string) {
                let strs: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                string_slice(&strs)
            } else {
                let inner: Vec<String> = items.iter().map(json_go_syntax).collect();
                format!("[]interface {{}}{{{}}}", inner.join(", "))
            }
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let all_strings = map.values().all(Value::is_string);
            let inner: Vec<String> = keys
                .iter()
                .map(|k| format!("{}:{}", quote(k), json_go_syntax(&map[k.as_str()])))
                .collect();
            let ty = if all_strings {
                "map[string]string"
            } else {
                "map[string]interface {}"
            };
            format!("{ty}{{{}}}", inner.join(", "))
        }
    }
}

/// A JSON number as Go prints it with `%v`.
pub fn number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else {
        float(n.as_f64().unwrap_or(0.0))
    }
}

/// Go's `time.Time.String()` for an RFC 3339 timestamp, in UTC (the apiserver's local zone):
/// `2024-01-02 03:04:05.5 +0000 UTC`. `None` when the text is not a timestamp.
pub fn time_string(rfc3339: &str) -> Option<String> {
    let ts: jiff::Timestamp = rfc3339.parse().ok()?;
    let text = ts.to_string();
    let body = text.strip_suffix('Z')?.replacen('T', " ", 1);
    Some(format!("{body} +0000 UTC"))
}

/// The zero `time.Time` as Go prints it.
pub const ZERO_TIME: &str = "0001-01-01 00:00:00 +0000 UTC";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_matches_strconv() {
        let cases = [
            ("abc", r#""abc""#),
            ("Foo_", r#""Foo_""#),
            ("a\"b", r#""a\"b""#),
            ("a\\b", r#""a\\b""#),
            ("line\nnext", r#""line\nnext""#),
            ("tab\there", r#""tab\there""#),
            ("\u{1}", r#""\x01""#),
            ("\u{7f}", r#""\x7f""#),
            ("nbsp\u{a0}", r#""nbsp\u00a0""#),
            ("zwsp\u{200b}", r#""zwsp\u200b""#),
            ("héllo", r#""héllo""#),
            ("日本", r#""日本""#),
            ("", r#""""#),
        ];
        for (input, want) in cases {
            assert_eq!(quote(input), want, "input {input:?}");
        }
    }

    #[test]
    fn float_matches_go_v() {
        let cases = [
            (1.0, "1"),
            (1.5, "1.5"),
            (100000.0, "100000"),
            (1000000.0, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (0.0001, "0.0001"),
            (0.000015, "1.5e-05"),
            (-2.5, "-2.5"),
            (0.0, "0"),
        ];
        for (input, want) in cases {
            assert_eq!(float(input), want, "input {input}");
        }
    }

    #[test]
    fn go_syntax_of_json_values() {
        let cases = [
            (serde_json::json!(["a", "b"]), r#"[]string{"a", "b"}"#),
            (serde_json::json!([]), r#"[]string{}"#),
            (
                serde_json::json!({"b": "2", "a": "1"}),
                r#"map[string]string{"a":"1", "b":"2"}"#,
            ),
            (
                serde_json::json!({"a": 1}),
                r#"map[string]interface {}{"a":1}"#,
            ),
            (serde_json::json!(["a", 1]), r#"[]interface {}{"a", 1}"#),
        ];
        for (input, want) in cases {
            assert_eq!(json_go_syntax(&input), want);
        }
    }

    #[test]
    fn time_string_matches_go() {
        assert_eq!(
            time_string("2024-01-02T03:04:05Z").as_deref(),
            Some("2024-01-02 03:04:05 +0000 UTC")
        );
        assert_eq!(
            time_string("2024-01-02T03:04:05.500000Z").as_deref(),
            Some("2024-01-02 03:04:05.5 +0000 UTC")
        );
        assert_eq!(
            time_string("2024-01-02T05:04:05+02:00").as_deref(),
            Some("2024-01-02 03:04:05 +0000 UTC")
        );
        assert_eq!(time_string("yesterday"), None);
    }

    #[test]
    fn struct_and_pointer_rendering() {
        assert_eq!(
            go_struct(
                "core.EventSource",
                &[("Component", quote("kubelet")), ("Host", quote(""))]
            ),
            r#"core.EventSource{Component:"kubelet", Host:""}"#
        );
        assert_eq!(pointer("bool", false), "(*bool)(nil)");
    }
}
