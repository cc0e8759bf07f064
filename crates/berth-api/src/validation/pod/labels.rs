//! Label maps, annotation maps, label selectors and the pod-specific annotations, as the
//! apimachinery and core validators check them at arbitrary paths (templates, selectors).

use serde_json::Value;

use super::access::{Errs, Json, invalid_each};
use crate::validation::field::{BadValue, FieldError, FieldPath};
use crate::validation::names;

/// Upper bound on the total bytes of annotation keys and values.
const TOTAL_ANNOTATION_SIZE_LIMIT: i64 = 256 * 1024;
const MIRROR_POD_ANNOTATION: &str = "kubernetes.io/config.mirror";
const POD_DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";

/// `ValidateLabels`: every key a qualified name, every value a label value.
pub(crate) fn labels(map_owner: &Value, key: &str, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    for (k, v) in map_owner.string_map(key) {
        invalid_each(&mut errs, path, k, names::qualified_name(k));
        invalid_each(&mut errs, path, v, names::label_value(v));
    }
    errs
}

/// `ValidateAnnotations`: lower-cased keys are qualified names; the total size is bounded.
pub(crate) fn annotations(map_owner: &Value, key: &str, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    let entries = map_owner.string_map(key);
    for (k, _) in &entries {
        invalid_each(&mut errs, path, k, names::qualified_name(&k.to_lowercase()));
    }
    let total: usize = entries.iter().map(|(k, v)| k.len() + v.len()).sum();
    if total as i64 > TOTAL_ANNOTATION_SIZE_LIMIT {
        errs.push(FieldError::too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT));
    }
    errs
}

/// `ValidateLabelSelector` with invalid label values refused.
pub(crate) fn label_selector(selector: &Value, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    if selector.is_null() {
        return errs;
    }
    errs.extend(labels(selector, "matchLabels", &path.child("matchLabels")));
    for (i, expr) in selector.list("matchExpressions").iter().enumerate() {
        let p = path.child("matchExpressions").index(i);
        let values = expr.list("values");
        match expr.s("operator") {
            "In" | "NotIn" => {
                if values.is_empty() {
                    errs.push(FieldError::required(
                        p.child("values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !values.is_empty() {
                    errs.push(FieldError::forbidden(
                        p.child("values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            other => errs.push(FieldError::invalid(
                p.child("operator"),
                other,
                "not a valid selector operator",
            )),
        }
        let key = expr.s("key");
        invalid_each(&mut errs, &p.child("key"), key, names::qualified_name(key));
        for (j, v) in values.iter().enumerate() {
            let v = v.as_str().unwrap_or("");
            invalid_each(
                &mut errs,
                &p.child("values").index(j),
                v,
                names::label_value(v),
            );
        }
    }
    errs
}

/// `ValidatePodSpecificAnnotations` (mirror pods and the deletion cost; the tolerations,
/// seccomp and AppArmor annotations are not checked).
pub(crate) fn pod_specific_annotations(
    owner: &Value,
    spec: &Value,
    path: &FieldPath,
    allow_invalid_deletion_cost: bool,
) -> Errs {
    let mut errs = Errs::new();
    let entries = owner.string_map("annotations");
    let get = |key: &str| entries.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    if let Some(value) = get(MIRROR_POD_ANNOTATION)
        && spec.s("nodeName").is_empty()
    {
        errs.push(FieldError::invalid(
            path.key(MIRROR_POD_ANNOTATION),
            value,
            "must set spec.nodeName if mirror pod annotation is set",
        ));
    }
    if !allow_invalid_deletion_cost && !deletion_cost_valid(get(POD_DELETION_COST)) {
        errs.push(FieldError::invalid(
            path.key(POD_DELETION_COST),
            get(POD_DELETION_COST).unwrap_or(""),
            "must be a 32bit integer",
        ));
    }
    errs
}

/// `GetDeletionCostFromPodAnnotations`: absent, or an int32 without a `+` sign or leading zeros.
pub(crate) fn deletion_cost_valid(value: Option<&str>) -> bool {
    value.is_none_or(|v| {
        let first_ok = match v.as_bytes().first() {
            Some(b'-') => true,
            Some(b'0') => v == "0",
            Some(c) => (b'1'..=b'9').contains(c),
            None => false,
        };
        first_ok && v.parse::<i32>().is_ok()
    })
}

/// Changes to the mirror-pod annotation on update (`ValidatePodSpecificAnnotationUpdates`).
pub(crate) fn pod_specific_annotation_updates(new: &Value, old: &Value, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    let new_entries = new.string_map("annotations");
    let old_entries = old.string_map("annotations");
    let lookup = |entries: &[(&str, &str)], key: &str| {
        entries
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.to_string())
    };
    let (n, o) = (
        lookup(&new_entries, MIRROR_POD_ANNOTATION),
        lookup(&old_entries, MIRROR_POD_ANNOTATION),
    );
    match (&n, &o) {
        (_, Some(_)) if n != o => errs.push(FieldError::forbidden(
            path.key(MIRROR_POD_ANNOTATION),
            "may not remove or update mirror pod annotation",
        )),
        (Some(_), None) => errs.push(FieldError::forbidden(
            path.key(MIRROR_POD_ANNOTATION),
            "may not add mirror pod annotation",
        )),
        _ => {}
    }
    errs
}

/// Go's `%#v` of a `metav1.LabelSelector` value, as selector errors print it.
pub(crate) fn selector_value(selector: &Value) -> BadValue {
    let labels = selector.string_map("matchLabels");
    let labels = if selector.at("matchLabels").is_some() {
        let inner: Vec<String> = labels
            .iter()
            .map(|(k, v)| format!("{}:{}", quote(k), quote(v)))
            .collect();
        format!("map[string]string{{{}}}", inner.join(", "))
    } else {
        "map[string]string(nil)".to_owned()
    };
    let exprs = selector.list("matchExpressions");
    let exprs = if selector.at("matchExpressions").is_some() {
        let inner: Vec<String> = exprs
            .iter()
            .map(|e| {
                let values = if e.at("values").is_some() {
                    let values: Vec<&str> =
                        e.list("values").iter().filter_map(Value::as_str).collect();
                    crate::validation::gofmt::string_slice(&values)
                } else {
                    "[]string(nil)".to_owned()
                };
                format!(
                    "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{values}}}",
                    quote(e.s("key")),
                    quote(e.s("operator")),
                )
            })
            .collect();
        format!("[]v1.LabelSelectorRequirement{{{}}}", inner.join(", "))
    } else {
        "[]v1.LabelSelectorRequirement(nil)".to_owned()
    };
    BadValue::Raw(format!(
        "v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{exprs}}}"
    ))
}

fn quote(s: &str) -> String {
    crate::validation::gofmt::quote(s)
}
