//! Reading wire-form objects the way the typed validators see them (absent and `null` are the
//! zero value), plus the small format checks several kinds share: label maps, label names,
//! DNS names, qualified names, immutable fields and semantic equality.

use serde_json::{Map, Value};

use crate::validation::field::{BadValue, FieldError, FieldPath};
use crate::validation::gofmt;
use crate::validation::names;

/// `field is immutable`.
pub(crate) const IMMUTABLE: &str = "field is immutable";

/// The field `key` of an object, `None` when absent or `null` (a nil pointer).
pub(crate) fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key).filter(|x| !x.is_null())
}

/// The field `key`, or `null` when absent (so lookups can be chained).
pub(crate) fn child<'a>(v: &'a Value, key: &str) -> &'a Value {
    v.get(key).unwrap_or(&Value::Null)
}

/// A string field; absent, `null` or a non-string is the empty string.
pub(crate) fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A `*string` field: `None` when absent or `null`.
pub(crate) fn opt_str<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    get(v, key).map(|x| x.as_str().unwrap_or(""))
}

/// An integer field; absent or non-integer is 0.
pub(crate) fn int_of(v: &Value, key: &str) -> i64 {
    v.get(key).and_then(Value::as_i64).unwrap_or(0)
}

/// A `*int` field.
pub(crate) fn opt_int(v: &Value, key: &str) -> Option<i64> {
    get(v, key).map(|x| x.as_i64().unwrap_or(0))
}

/// A list field; absent or `null` is empty.
pub(crate) fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// A list of strings.
pub(crate) fn strings(v: &Value, key: &str) -> Vec<String> {
    list(v, key)
        .iter()
        .map(|x| x.as_str().unwrap_or("").to_owned())
        .collect()
}

/// A map field's entries sorted by key, for a stable error order.
pub(crate) fn entries<'a>(v: &'a Value, key: &str) -> Vec<(&'a str, &'a Value)> {
    let mut out: Vec<(&str, &Value)> = v
        .get(key)
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, x)| (k.as_str(), x)).collect())
        .unwrap_or_default();
    out.sort_by(|a, b| a.0.cmp(b.0));
    out
}

/// A string map's entries sorted by key.
pub(crate) fn string_map<'a>(v: &'a Value, key: &str) -> Vec<(&'a str, &'a str)> {
    entries(v, key)
        .into_iter()
        .map(|(k, x)| (k, x.as_str().unwrap_or("")))
        .collect()
}

/// The annotation `key` of an object, if set.
pub(crate) fn annotation<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    child(obj, "metadata")
        .get("annotations")
        .and_then(|a| a.get(key))
        .and_then(Value::as_str)
}

/// Go's `%#v` of a `[]string`.
pub(crate) fn string_slice_value(items: &[String]) -> BadValue {
    BadValue::Raw(gofmt::string_slice(items))
}

/// A copy without any `null`, empty list or empty object, recursively, so that comparisons
/// treat them like upstream's semantic equality treats nil and empty.
pub(crate) fn pruned(v: &Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::Array(items) if items.is_empty() => None,
        Value::Array(items) => Some(Value::Array(
            items
                .iter()
                .map(|x| pruned(x).unwrap_or(Value::Null))
                .collect(),
        )),
        Value::Object(map) => {
            let out: Map<String, Value> = map
                .iter()
                .filter_map(|(k, x)| pruned(x).map(|p| (k.clone(), p)))
                .collect();
            (!out.is_empty()).then_some(Value::Object(out))
        }
        other => Some(other.clone()),
    }
}

/// Semantic equality of two optional values: absent, `null`, `[]` and `{}` are equal.
pub(crate) fn same(a: Option<&Value>, b: Option<&Value>) -> bool {
    a.and_then(pruned) == b.and_then(pruned)
}

/// One `Invalid(path, value, msg)` per message.
pub(crate) fn invalid_each(path: &FieldPath, value: &str, msgs: Vec<String>) -> Vec<FieldError> {
    msgs.into_iter()
        .map(|m| FieldError::invalid(path, value, m))
        .collect()
}

/// `ValidateDNS1123Label`.
pub(crate) fn dns1123_label(value: &str, path: &FieldPath) -> Vec<FieldError> {
    invalid_each(path, value, names::dns1123_label(value))
}

/// `ValidateDNS1123Subdomain`.
pub(crate) fn dns1123_subdomain(value: &str, path: &FieldPath) -> Vec<FieldError> {
    invalid_each(path, value, names::dns1123_subdomain(value))
}

/// `ValidateQualifiedName` (also `ValidateLabelName`).
pub(crate) fn qualified_name(value: &str, path: &FieldPath) -> Vec<FieldError> {
    invalid_each(path, value, names::qualified_name(value))
}

/// `ValidateLabels`: every key a qualified name, every value a label value, all at `path`.
pub(crate) fn labels(map: &[(&str, &str)], path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (k, v) in map {
        errs.extend(qualified_name(k, path));
        errs.extend(invalid_each(path, v, names::label_value(v)));
    }
    errs
}

/// `ValidateImmutableField` for a `*string`-like field: `Invalid(path, new, "field is
/// immutable")` when the values differ.
pub(crate) fn immutable_str(
    new: Option<&str>,
    old: Option<&str>,
    path: &FieldPath,
) -> Option<FieldError> {
    (new != old)
        .then(|| FieldError::invalid(path, new.map_or(BadValue::Null, BadValue::from), IMMUTABLE))
}
