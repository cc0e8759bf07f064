//! StorageClass validation (`ValidateStorageClass`, `ValidateStorageClassUpdate`).

use serde_json::Value;

use super::selectors::topology_term;
use crate::registry::ResourceInfo;
use crate::validation::field::{FieldError, FieldPath};
use crate::validation::meta::{validate_object_meta_create, validate_object_meta_update};
use crate::validation::network::common::{
    child, entries, get, immutable_str, list, opt_str, qualified_name, str_of,
};

const RECLAIM_POLICIES: [&str; 2] = ["Delete", "Retain"];
const BINDING_MODES: [&str; 2] = ["Immediate", "WaitForFirstConsumer"];
const MAX_PARAMETERS: usize = 512;
const MAX_PARAMETER_BYTES: usize = 256 * 1024;

fn parameters(obj: &Value) -> Vec<FieldError> {
    let path = FieldPath::new("parameters");
    let params = entries(obj, "parameters");
    if params.len() > MAX_PARAMETERS {
        return vec![FieldError::too_long(&path, MAX_PARAMETERS as i64)];
    }
    let mut errs = Vec::new();
    let mut total = 0usize;
    for (k, v) in &params {
        if k.is_empty() {
            errs.push(FieldError::invalid(&path, *k, "field can not be empty."));
        }
        total += k.len() + v.as_str().map_or(0, str::len);
    }
    if total > MAX_PARAMETER_BYTES {
        errs.push(FieldError::too_long(&path, MAX_PARAMETER_BYTES as i64));
    }
    errs
}

/// `validateAllowedTopologies`. Upstream seeds its list of seen terms with one empty entry
/// per term, so a term without expressions is reported as a duplicate; that is reproduced.
fn allowed_topologies(obj: &Value) -> Vec<FieldError> {
    let terms = list(obj, "allowedTopologies");
    let path = FieldPath::new("allowedTopologies");
    let mut errs = Vec::new();
    let mut seen: Vec<Vec<(String, Vec<String>)>> = vec![Vec::new(); terms.len()];
    for (i, term) in terms.iter().enumerate() {
        let (exprs, term_errs) = topology_term(term, &path.index(i));
        errs.extend(term_errs);
        for prior in &seen {
            if *prior == exprs {
                errs.push(FieldError::duplicate(
                    path.index(i).child("matchLabelExpressions"),
                    "",
                ));
            }
        }
        seen.push(exprs);
    }
    errs
}

/// `ValidateStorageClass`.
pub(super) fn create(info: &ResourceInfo, obj: &Value) -> Vec<FieldError> {
    let mut errs = validate_object_meta_create(info, child(obj, "metadata"));
    let provisioner = str_of(obj, "provisioner");
    let ppath = FieldPath::new("provisioner");
    if provisioner.is_empty() {
        errs.push(FieldError::required(&ppath, ""));
    } else {
        errs.extend(qualified_name(&provisioner.to_lowercase(), &ppath));
    }
    errs.extend(parameters(obj));
    let reclaim = opt_str(obj, "reclaimPolicy").unwrap_or("");
    if !reclaim.is_empty() && !RECLAIM_POLICIES.contains(&reclaim) {
        errs.push(FieldError::not_supported(
            FieldPath::new("reclaimPolicy"),
            reclaim,
            &RECLAIM_POLICIES,
        ));
    }
    match opt_str(obj, "volumeBindingMode") {
        None => errs.push(FieldError::required(
            FieldPath::new("volumeBindingMode"),
            "",
        )),
        Some(m) if !BINDING_MODES.contains(&m) => errs.push(FieldError::not_supported(
            FieldPath::new("volumeBindingMode"),
            m,
            &BINDING_MODES,
        )),
        Some(_) => {}
    }
    errs.extend(allowed_topologies(obj));
    errs
}

/// The class strategy's `ValidateUpdate`: `ValidateStorageClass`, then
/// `ValidateStorageClassUpdate`.
pub(super) fn update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = create(info, new);
    errs.extend(validate_object_meta_update(
        info,
        child(new, "metadata"),
        child(old, "metadata"),
    ));
    if get(new, "parameters") != get(old, "parameters") {
        errs.push(FieldError::forbidden(
            FieldPath::new("parameters"),
            "updates to parameters are forbidden.",
        ));
    }
    if str_of(new, "provisioner") != str_of(old, "provisioner") {
        errs.push(FieldError::forbidden(
            FieldPath::new("provisioner"),
            "updates to provisioner are forbidden.",
        ));
    }
    if opt_str(new, "reclaimPolicy").unwrap_or("") != opt_str(old, "reclaimPolicy").unwrap_or("") {
        errs.push(FieldError::forbidden(
            FieldPath::new("reclaimPolicy"),
            "updates to reclaimPolicy are forbidden.",
        ));
    }
    errs.extend(immutable_str(
        opt_str(new, "volumeBindingMode"),
        opt_str(old, "volumeBindingMode"),
        &FieldPath::new("volumeBindingMode"),
    ));
    errs
}
