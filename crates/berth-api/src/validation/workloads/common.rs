//! Pieces the workload kinds share: selectors and their match with template labels,
//! IntOrString values, and Go renderings of the values their errors print.

use serde_json::Value;

use crate::selector::Selector;
use crate::validation::field::{BadValue, FieldError, FieldPath};
use crate::validation::gofmt;
use crate::validation::names;
use crate::validation::pod::{label_selector, selector_value};

/// Errors accumulated by a check.
pub(super) type Errs = Vec<FieldError>;

/// `obj[key]` unless absent or `null`.
pub(super) fn at<'a>(obj: &'a Value, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

/// An integer field with Go's zero default.
pub(super) fn int(obj: &Value, key: &str) -> i64 {
    at(obj, key).and_then(Value::as_i64).unwrap_or(0)
}

/// A string field with Go's zero default.
pub(super) fn text<'a>(obj: &'a Value, key: &str) -> &'a str {
    at(obj, key).and_then(Value::as_str).unwrap_or("")
}

/// `ValidateNonnegativeField`.
pub(super) fn non_negative(errs: &mut Errs, path: &FieldPath, value: i64) {
    if value < 0 {
        errs.push(FieldError::invalid(
            path,
            value,
            "must be greater than or equal to 0",
        ));
    }
}

/// The selector checks of Deployment, ReplicaSet and StatefulSet: required, structurally
/// valid, and not empty (`empty selector is invalid for <word>`).
pub(super) fn selector_rules(spec: &Value, path: &FieldPath, word: &str) -> Errs {
    let mut errs = Errs::new();
    let sel_path = path.child("selector");
    match at(spec, "selector") {
        None => errs.push(FieldError::required(&sel_path, "")),
        Some(sel) => {
            errs.extend(label_selector(sel, &sel_path));
            let count = at(sel, "matchLabels")
                .and_then(Value::as_object)
                .map_or(0, |m| m.len())
                + at(sel, "matchExpressions")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
            if count == 0 {
                errs.push(FieldError::invalid(
                    &sel_path,
                    selector_value(sel),
                    format!("empty selector is invalid for {word}"),
                ));
            }
        }
    }
    errs
}

/// `metav1.LabelSelectorAsSelector`: a missing selector selects nothing.
pub(super) fn as_selector(spec: &Value) -> Result<Selector, BadValue> {
    let raw = at(spec, "selector").unwrap_or(&Value::Null);
    Selector::from_label_selector(raw).map_err(|_| selector_bad_value(spec))
}

/// The selector as its errors print it (`null` when missing).
pub(super) fn selector_bad_value(spec: &Value) -> BadValue {
    at(spec, "selector").map_or(BadValue::Null, selector_value)
}

/// The template labels must satisfy a non-empty selector.
pub(super) fn template_matches(selector: &Selector, template: &Value, path: &FieldPath) -> Errs {
    let labels = at(template, "metadata").and_then(|m| at(m, "labels"));
    let empty = serde_json::Map::new();
    let map = labels.and_then(Value::as_object).unwrap_or(&empty);
    if selector.is_empty() || selector.matches(map) {
        return Vec::new();
    }
    let value = match labels {
        Some(l) => BadValue::from_json(l),
        None => BadValue::Raw("map[string]string(nil)".to_owned()),
    };
    vec![FieldError::invalid(
        path.child("metadata").child("labels"),
        value,
        "`selector` does not match template `labels`",
    )]
}

/// Go's `%#v` of an `intstr.IntOrString` value.
pub(super) fn int_or_string_value(v: &Value) -> BadValue {
    let (kind, int_val, str_val) = match v {
        Value::String(s) => (1, 0, s.as_str()),
        other => (0, other.as_i64().unwrap_or(0), ""),
    };
    BadValue::Raw(gofmt::go_struct(
        "intstr.IntOrString",
        &[
            ("Type", kind.to_string()),
            ("IntVal", int_val.to_string()),
            ("StrVal", gofmt::quote(str_val)),
        ],
    ))
}

/// The percent of a valid percent string (`getPercentValue`).
fn percent_value(v: &Value) -> Option<i64> {
    let s = v.as_str()?;
    if !names::percent(s).is_empty() {
        return None;
    }
    s.strip_suffix('%').and_then(|d| d.parse().ok())
}

/// `getIntOrPercentValue`: the percent, the integer, or `Atoi` of a non-percent string.
pub(super) fn int_or_percent_value(v: &Value) -> i64 {
    percent_value(v).unwrap_or_else(|| match v {
        Value::String(s) => s.parse().unwrap_or(0),
        other => other.as_i64().unwrap_or(0),
    })
}

/// `ValidatePositiveIntOrPercent`.
pub(super) fn positive_int_or_percent(v: &Value, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    match v {
        Value::String(s) => {
            for msg in names::percent(s) {
                errs.push(FieldError::invalid(path, int_or_string_value(v), msg));
            }
        }
        other => non_negative(&mut errs, path, other.as_i64().unwrap_or(0)),
    }
    errs
}

/// `IsNotMoreThan100Percent`.
pub(super) fn not_more_than_100_percent(v: &Value, path: &FieldPath) -> Errs {
    match percent_value(v) {
        Some(p) if p > 100 => vec![FieldError::invalid(
            path,
            int_or_string_value(v),
            "must not be greater than 100%",
        )],
        _ => Vec::new(),
    }
}
