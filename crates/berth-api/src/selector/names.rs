//! The key and value checks of upstream `labels.NewRequirement`, rendered as its field errors
//! and aggregated the way the selector's error text shows them. The checks themselves are
//! [`crate::validation::names`].

use crate::validation::field::{BadValue, FieldError};
use crate::validation::{gofmt, names};

/// Upstream's `ErrorList.ToAggregate().Error()`: one message alone, several de-duplicated in
/// brackets.
pub(super) fn aggregate(errs: &[FieldError]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for e in errs {
        let line = e.to_string();
        if !seen.contains(&line) {
            seen.push(line);
        }
    }
    if seen.len() == 1 {
        seen.remove(0)
    } else {
        format!("[{}]", seen.join(", "))
    }
}

/// Upstream `validateLabelKey`: the qualified-name messages joined by `; ` at `path`.
pub(super) fn key_error(key: &str, path: &str) -> Option<FieldError> {
    let msgs = names::qualified_name(key);
    (!msgs.is_empty()).then(|| FieldError::invalid(path, key, msgs.join("; ")))
}

/// Upstream `validateLabelValue`: the label-value messages joined by `; ` at `path[key]`.
pub(super) fn value_error(key: &str, value: &str, path: &str) -> Option<FieldError> {
    let msgs = names::label_value(value);
    (!msgs.is_empty())
        .then(|| FieldError::invalid(format!("{path}[{key}]"), value, msgs.join("; ")))
}

/// The values list as upstream's `values: Invalid value: …` prints it. Upstream hands
/// `NewRequirement` a copy made by appending to a nil slice, so an empty list is a nil slice.
pub(super) fn values_bad_value(values: &[String]) -> BadValue {
    if values.is_empty() {
        BadValue::Raw("[]string(nil)".to_owned())
    } else {
        BadValue::Raw(gofmt::string_slice(values))
    }
}
