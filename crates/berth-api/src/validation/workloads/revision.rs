//! ControllerRevision (`ValidateControllerRevisionCreate`, `ValidateControllerRevisionUpdate`).

use serde_json::Value;

use super::common::{Errs, at, non_negative};
use crate::validation::field::{BadValue, FieldError, FieldPath};

/// `revision` ≥ 0.
pub(super) fn revision(obj: &Value) -> Errs {
    let mut errs = Errs::new();
    let value = at(obj, "revision").and_then(Value::as_i64).unwrap_or(0);
    non_negative(&mut errs, &FieldPath::new("revision"), value);
    errs
}

/// `data` must be present and a JSON object.
pub(super) fn data(obj: &Value) -> Errs {
    match at(obj, "data") {
        None => vec![FieldError::required("data", "data is mandatory")],
        Some(Value::Object(_)) => Vec::new(),
        Some(_) => vec![FieldError::required(
            "data",
            "data must be a valid JSON object",
        )],
    }
}

/// `data` may not change (`ValidateImmutableField` on the raw extension).
pub(super) fn data_immutable(new: &Value, old: &Value) -> Errs {
    let (n, o) = (at(new, "data"), at(old, "data"));
    if n == o {
        return Vec::new();
    }
    vec![FieldError::invalid(
        "data",
        raw_extension(n),
        "field is immutable",
    )]
}

/// Go's `%#v` of a `runtime.RawExtension` holding `v`'s JSON bytes.
fn raw_extension(v: Option<&Value>) -> BadValue {
    let raw = match v {
        None => "[]uint8(nil)".to_owned(),
        Some(v) => {
            let bytes: Vec<String> = v.to_string().bytes().map(|b| format!("0x{b:x}")).collect();
            format!("[]uint8{{{}}}", bytes.join(", "))
        }
    };
    BadValue::Raw(format!(
        "runtime.RawExtension{{Raw:{raw}, Object:runtime.Object(nil)}}"
    ))
}
