//! PersistentVolumeClaim specs as they appear inside pods and workloads: ephemeral volume claim
//! templates and StatefulSet `volumeClaimTemplates` (`ValidatePersistentVolumeClaimSpec`,
//! `ValidatePersistentVolumeClaimTemplate`).

use serde_json::Value;

use super::access::{Errs, Json, invalid_each};
use super::labels;
use super::resources::{parse_quantity, quantity_value};
use crate::validation::field::{FieldError, FieldPath};
use crate::validation::{names, storage};

/// Go field names of ObjectMeta in declaration order, with the wire key for each and the path
/// segment `validateFieldAllowList` derives from the Go name (so `UID` becomes `uID`).
const META_FIELDS: [(&str, &str); 13] = [
    ("name", "name"),
    ("generateName", "generateName"),
    ("namespace", "namespace"),
    ("selfLink", "selfLink"),
    ("uid", "uID"),
    ("resourceVersion", "resourceVersion"),
    ("generation", "generation"),
    ("creationTimestamp", "creationTimestamp"),
    ("deletionTimestamp", "deletionTimestamp"),
    ("deletionGracePeriodSeconds", "deletionGracePeriodSeconds"),
    ("ownerReferences", "ownerReferences"),
    ("finalizers", "finalizers"),
    ("managedFields", "managedFields"),
];

/// Whether a wire value is Go's zero value for its field.
fn is_zero(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(_) => false,
    }
}

/// `ValidateTemplateObjectMeta`: only labels and annotations may be set.
pub(crate) fn template_object_meta(meta: &Value, path: &FieldPath) -> Errs {
    let mut errs = labels::annotations(meta, "annotations", &path.child("annotations"));
    errs.extend(labels::labels(meta, "labels", &path.child("labels")));
    for (key, segment) in META_FIELDS {
        if meta.get(key).is_some_and(|v| !is_zero(v)) {
            errs.push(FieldError::forbidden(path.child(segment), "cannot be set"));
        }
    }
    errs
}

/// `ValidatePersistentVolumeClaimTemplate` (an ephemeral volume's `volumeClaimTemplate`).
pub(crate) fn claim_template(template: &Value, path: &FieldPath) -> Errs {
    let meta = template.at("metadata").unwrap_or(&Value::Null);
    let mut errs = template_object_meta(meta, &path.child("metadata"));
    errs.extend(claim_spec(
        template.at("spec").unwrap_or(&Value::Null),
        &path.child("spec"),
    ));
    errs
}

/// `ValidatePersistentVolumeClaimSpec` for a new claim (gate VolumeAttributesClass off).
pub(crate) fn claim_spec(spec: &Value, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    if spec.list("accessModes").is_empty() {
        errs.push(FieldError::required(
            path.child("accessModes"),
            "at least 1 access mode is required",
        ));
    }
    if let Some(selector) = spec.at("selector") {
        errs.extend(labels::label_selector(selector, &path.child("selector")));
    }
    errs.extend(storage::access_mode_values(spec, path));
    let storage_path = path.child("resources").key("storage");
    let requests = spec.at("resources").and_then(|r| r.at("requests"));
    match requests.and_then(|r| r.get("storage")) {
        None => errs.push(FieldError::required(&storage_path, "")),
        Some(raw) => {
            if let Some(q) = parse_quantity(raw, &storage_path, &mut errs) {
                if q.is_negative() || q.is_zero() {
                    errs.push(FieldError::invalid(
                        &storage_path,
                        q.canonical(),
                        "must be greater than zero",
                    ));
                } else {
                    errs.extend(quantity_value("storage", &q, &storage_path));
                }
            }
        }
    }
    let class = spec.s("storageClassName");
    if !class.is_empty() {
        invalid_each(
            &mut errs,
            &path.child("storageClassName"),
            class,
            names::dns1123_subdomain(class),
        );
    }
    if let Some(mode) = spec.at("volumeMode") {
        let mode = mode.as_str().unwrap_or("");
        if !matches!(mode, "Block" | "Filesystem") {
            errs.push(FieldError::not_supported(
                path.child("volumeMode"),
                mode,
                &["Block", "Filesystem"],
            ));
        }
    }
    if let Some(source) = spec.at("dataSource") {
        errs.extend(data_source(source, &path.child("dataSource"), false));
    }
    if let Some(source) = spec.at("dataSourceRef") {
        errs.extend(data_source(source, &path.child("dataSourceRef"), true));
    }
    let ref_namespace = spec
        .at("dataSourceRef")
        .map(|r| r.s("namespace"))
        .unwrap_or("");
    let data_source_path = path.child("dataSource");
    match (spec.at("dataSource"), spec.at("dataSourceRef")) {
        (Some(_), _) if !ref_namespace.is_empty() => errs.push(FieldError::invalid(
            path,
            data_source_path.as_str(),
            "may not be specified when dataSourceRef.namespace is specified",
        )),
        (Some(a), Some(b)) if ref_namespace.is_empty() => {
            let same = a.at("apiGroup") == b.at("apiGroup")
                && a.s("kind") == b.s("kind")
                && a.s("name") == b.s("name");
            if !same {
                errs.push(FieldError::invalid(
                    path,
                    data_source_path.as_str(),
                    "must match dataSourceRef",
                ));
            }
        }
        _ => {}
    }
    errs
}

/// `validateDataSource` / `validateDataSourceRef`.
fn data_source(source: &Value, path: &FieldPath, is_ref: bool) -> Errs {
    let mut errs = Errs::new();
    for field in ["name", "kind"] {
        if source.s(field).is_empty() {
            errs.push(FieldError::required(path.child(field), ""));
        }
    }
    let group = source.s("apiGroup");
    let kind = source.s("kind");
    if group.is_empty() && kind != "PersistentVolumeClaim" {
        errs.push(FieldError::invalid(
            path,
            kind,
            "must be 'PersistentVolumeClaim' when referencing the default apiGroup",
        ));
    }
    if !group.is_empty() {
        invalid_each(
            &mut errs,
            &path.child("apiGroup"),
            group,
            names::dns1123_subdomain(group),
        );
    }
    let namespace = source.s("namespace");
    if is_ref && !namespace.is_empty() {
        invalid_each(
            &mut errs,
            &path.child("namespace"),
            namespace,
            names::dns1123_label(namespace),
        );
    }
    errs
}
