//! Selector checks used by the storage kinds: label selectors (claim `selector`), node
//! selectors (volume `nodeAffinity`) and topology selector terms (class `allowedTopologies`).

use serde_json::Value;

use crate::validation::field::{FieldError, FieldPath};
use crate::validation::names;
use crate::validation::network::common::{
    get, invalid_each, labels, list, qualified_name, str_of, string_map, strings,
};

const IN_VALUES: &str = "must be specified when `operator` is 'In' or 'NotIn'";
const NO_VALUES: &str = "may not be specified when `operator` is 'Exists' or 'DoesNotExist'";

/// `ValidateLabelSelector`; `allow_invalid_values` ratchets values stored before the rule.
pub(crate) fn label_selector(
    selector: &Value,
    allow_invalid_values: bool,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = labels(
        &string_map(selector, "matchLabels"),
        &path.child("matchLabels"),
    );
    for (i, req) in list(selector, "matchExpressions").iter().enumerate() {
        let rpath = path.child("matchExpressions").index(i);
        let values = strings(req, "values");
        let operator = str_of(req, "operator");
        match operator {
            "In" | "NotIn" if values.is_empty() => {
                errs.push(FieldError::required(rpath.child("values"), IN_VALUES));
            }
            "Exists" | "DoesNotExist" if !values.is_empty() => {
                errs.push(FieldError::forbidden(rpath.child("values"), NO_VALUES));
            }
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            other => errs.push(FieldError::invalid(
                rpath.child("operator"),
                other,
                "not a valid selector operator",
            )),
        }
        errs.extend(qualified_name(str_of(req, "key"), &rpath.child("key")));
        if !allow_invalid_values {
            for (j, v) in values.iter().enumerate() {
                errs.extend(invalid_each(
                    &rpath.child("values").index(j),
                    v,
                    names::label_value(v),
                ));
            }
        }
    }
    errs
}

/// Whether a label selector fails validation (the ratcheting test on update).
pub(crate) fn label_selector_invalid(selector: Option<&Value>) -> bool {
    selector.is_some_and(|s| !label_selector(s, false, &FieldPath::new("")).is_empty())
}

fn node_selector_requirement(
    req: &Value,
    allow_invalid_values: bool,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let values = strings(req, "values");
    match str_of(req, "operator") {
        "In" | "NotIn" if values.is_empty() => {
            errs.push(FieldError::required(path.child("values"), IN_VALUES));
        }
        "Exists" | "DoesNotExist" if !values.is_empty() => {
            errs.push(FieldError::forbidden(path.child("values"), NO_VALUES));
        }
        "Gt" | "Lt" if values.len() != 1 => errs.push(FieldError::required(
            path.child("values"),
            "must be specified single value when `operator` is 'Lt' or 'Gt'",
        )),
        "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" => {}
        other => errs.push(FieldError::invalid(
            path.child("operator"),
            other,
            "not a valid selector operator",
        )),
    }
    errs.extend(qualified_name(str_of(req, "key"), &path.child("key")));
    if !allow_invalid_values {
        for (j, v) in values.iter().enumerate() {
            errs.extend(invalid_each(
                &path.child("values").index(j),
                v,
                names::label_value(v),
            ));
        }
    }
    errs
}

fn node_field_requirement(req: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let values = strings(req, "values");
    match str_of(req, "operator") {
        "In" | "NotIn" if values.len() != 1 => errs.push(FieldError::required(
            path.child("values"),
            "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
        )),
        "In" | "NotIn" => {}
        other => errs.push(FieldError::invalid(
            path.child("operator"),
            other,
            "not a valid selector operator",
        )),
    }
    let key = str_of(req, "key");
    if key == "metadata.name" {
        for (i, v) in values.iter().enumerate() {
            errs.extend(invalid_each(
                &path.child("values").index(i),
                v,
                names::dns1123_subdomain(v),
            ));
        }
    } else {
        errs.push(FieldError::invalid(
            path.child("key"),
            key,
            "not a valid field selector key",
        ));
    }
    errs
}

/// `ValidateNodeSelector`.
pub(crate) fn node_selector(
    selector: &Value,
    allow_invalid_values: bool,
    path: &FieldPath,
) -> Vec<FieldError> {
    let terms_path = path.child("nodeSelectorTerms");
    let terms = list(selector, "nodeSelectorTerms");
    if terms.is_empty() {
        return vec![FieldError::required(
            terms_path,
            "must have at least one node selector term",
        )];
    }
    let mut errs = Vec::new();
    for (i, term) in terms.iter().enumerate() {
        let tpath = terms_path.index(i);
        for (j, req) in list(term, "matchExpressions").iter().enumerate() {
            errs.extend(node_selector_requirement(
                req,
                allow_invalid_values,
                &tpath.child("matchExpressions").index(j),
            ));
        }
        for (j, req) in list(term, "matchFields").iter().enumerate() {
            errs.extend(node_field_requirement(
                req,
                &tpath.child("matchFields").index(j),
            ));
        }
    }
    errs
}

/// Whether any `In`/`NotIn`… value of the required node-selector terms is not a label value
/// (upstream then keeps accepting such values on update).
pub(crate) fn has_invalid_label_value(affinity: Option<&Value>) -> bool {
    let Some(required) = affinity.and_then(|a| get(a, "required")) else {
        return false;
    };
    list(required, "nodeSelectorTerms").iter().any(|term| {
        list(term, "matchExpressions").iter().any(|req| {
            strings(req, "values")
                .iter()
                .any(|v| !names::label_value(v).is_empty())
        })
    })
}

/// `ValidateTopologySelectorTerm`: the errors and the term as (key, sorted values) pairs.
pub(crate) fn topology_term(
    term: &Value,
    path: &FieldPath,
) -> (Vec<(String, Vec<String>)>, Vec<FieldError>) {
    let mut errs = Vec::new();
    let mut exprs: Vec<(String, Vec<String>)> = Vec::new();
    for (i, req) in list(term, "matchLabelExpressions").iter().enumerate() {
        let rpath = path.child("matchLabelExpressions").index(i);
        let values_path = rpath.child("values");
        let values = strings(req, "values");
        if values.is_empty() {
            errs.push(FieldError::required(&values_path, ""));
        }
        let mut set: Vec<String> = Vec::new();
        for (j, v) in values.iter().enumerate() {
            if set.contains(v) {
                errs.push(FieldError::duplicate(values_path.index(j), v.as_str()));
            }
            set.push(v.clone());
        }
        set.sort();
        set.dedup();
        let key = str_of(req, "key");
        errs.extend(qualified_name(key, &rpath.child("key")));
        if exprs.iter().any(|(k, _)| k == key) {
            errs.push(FieldError::duplicate(rpath.child("key"), key));
            exprs.retain(|(k, _)| k != key);
        }
        exprs.push((key.to_owned(), set));
    }
    exprs.sort();
    (exprs, errs)
}
