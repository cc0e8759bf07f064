//! Reading wire-form (JSON) objects the way upstream reads its internal structs: an absent
//! field, `null` and the type's zero value are the same thing.

use serde_json::{Map, Value};

use crate::validation::field::{FieldError, FieldPath};

/// Field access on a JSON object with Go zero-value semantics.
pub(crate) trait Json {
    /// The field, unless absent or `null`.
    fn at(&self, key: &str) -> Option<&Value>;

    /// A string field; `""` when absent or not a string.
    fn s(&self, key: &str) -> &str {
        self.at(key).and_then(Value::as_str).unwrap_or("")
    }

    /// An integer field, when present.
    fn int(&self, key: &str) -> Option<i64> {
        self.at(key).and_then(Value::as_i64)
    }

    /// An integer field with Go's zero default.
    fn i(&self, key: &str) -> i64 {
        self.int(key).unwrap_or(0)
    }

    /// A boolean field with Go's zero default.
    fn flag(&self, key: &str) -> bool {
        self.at(key).and_then(Value::as_bool).unwrap_or(false)
    }

    /// A list field; empty when absent.
    fn list(&self, key: &str) -> &[Value] {
        self.at(key)
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice)
    }

    /// An object field (a non-nil pointer to a struct, or a non-empty map).
    fn obj(&self, key: &str) -> Option<&Value> {
        self.at(key).filter(|v| v.is_object())
    }

    /// A `map[string]string` field, sorted by key so that errors come in a stable order
    /// (upstream walks Go maps in random order).
    fn string_map(&self, key: &str) -> Vec<(&str, &str)> {
        let mut entries: Vec<(&str, &str)> = self
            .at(key)
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or("")))
                    .collect()
            })
            .unwrap_or_default();
        entries.sort_unstable();
        entries
    }
}

impl Json for Value {
    fn at(&self, key: &str) -> Option<&Value> {
        self.get(key).filter(|v| !v.is_null())
    }
}

impl Json for Map<String, Value> {
    fn at(&self, key: &str) -> Option<&Value> {
        self.get(key).filter(|v| !v.is_null())
    }
}

/// A JSON `null` to stand in for a missing sub-object.
pub(crate) static NULL: Value = Value::Null;

/// `obj[key]`, or `null` when absent.
pub(crate) fn child<'a>(obj: &'a Value, key: &str) -> &'a Value {
    obj.at(key).unwrap_or(&NULL)
}

/// The accumulated errors of one check.
pub(crate) type Errs = Vec<FieldError>;

/// Pushes one `Invalid` error per message of a format check.
pub(crate) fn invalid_each(errs: &mut Errs, path: &FieldPath, value: &str, msgs: Vec<String>) {
    for msg in msgs {
        errs.push(FieldError::invalid(path, value, msg));
    }
}

/// `must be greater than or equal to 0` for a negative value.
pub(crate) fn non_negative(errs: &mut Errs, path: &FieldPath, value: i64) {
    if value < 0 {
        errs.push(FieldError::invalid(
            path,
            value,
            "must be greater than or equal to 0",
        ));
    }
}

/// The text of a scalar that upstream holds as a string (quantities may arrive as numbers).
pub(crate) fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}
