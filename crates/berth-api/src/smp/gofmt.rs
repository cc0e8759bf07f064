//! How upstream's SMP error messages print decoded JSON: Go's `%v`, `%s` and `%T` of
//! `interface{}` values (`map[k:v]` with sorted keys, `[a b]`, `<nil>`, `%!s(int64=1)`).

use std::fmt::Write as _;

use serde_json::Value;

use crate::validation::gofmt::number;

pub(super) use crate::validation::gofmt::quote;

/// `%v`.
pub(super) fn v(value: &Value) -> String {
    let mut out = String::new();
    write_v(&mut out, value);
    out
}

fn write_v(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Number(n) => out.push_str(&number(n)),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            // serde_json keeps object keys sorted, as Go prints maps.
            out.push_str("map[");
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_v(out, item);
            }
            out.push(']');
        }
    }
}

/// `%s` of a value that should have been a string (`%!s(int64=1)` otherwise).
pub(super) fn s(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "%!s(<nil>)".to_owned(),
        Value::Bool(_) | Value::Number(_) => format!("%!s({}={})", type_name(value), v(value)),
        Value::Array(_) | Value::Object(_) => v(value),
    }
}

/// `%s` of `reflect.TypeOf(value)`, as `expected a …, but received a …` prints it.
pub(super) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "%!s(<nil>)",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() => "int64",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// The JSON kind as Go's decoder names it in `cannot unmarshal <kind> into …`.
pub(super) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn go_renderings() {
        assert_eq!(
            v(&json!({"name": "a", "image": "a:1"})),
            "map[image:a:1 name:a]"
        );
        assert_eq!(v(&json!([[{"a": 1}], ["a"]])), "[[map[a:1]] [a]]");
        assert_eq!(v(&json!([null, true, 1.5])), "[<nil> true 1.5]");
        assert_eq!(s(&json!("merge")), "merge");
        assert_eq!(s(&json!(1)), "%!s(int64=1)");
        assert_eq!(s(&json!(true)), "%!s(bool=true)");
        assert_eq!(s(&Value::Null), "%!s(<nil>)");
        assert_eq!(type_name(&json!("x")), "string");
        assert_eq!(type_name(&json!(1.5)), "float64");
        assert_eq!(type_name(&json!({})), "map[string]interface {}");
    }
}
