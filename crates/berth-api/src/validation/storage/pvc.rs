//! PersistentVolumeClaim validation: the claim spec (shared with StatefulSet claim templates),
//! `ValidatePersistentVolumeClaim` and `ValidatePersistentVolumeClaimUpdate`.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::quantity::{self, Quantity};
use super::selectors::{label_selector, label_selector_invalid};
use super::{VOLUME_MODES, access_mode_values, diff_message, same_value};
use crate::registry::ResourceInfo;
use crate::validation::field::{FieldError, FieldPath};
use crate::validation::meta::{validate_object_meta_create, validate_object_meta_update};
use crate::validation::names;
use crate::validation::network::common::{
    IMMUTABLE, annotation, child, get, immutable_str, invalid_each, opt_str, str_of,
};

const STORAGE_CLASS_ANNOTATION: &str = "volume.beta.kubernetes.io/storage-class";

/// Options of claim-spec validation (upstream's `PersistentVolumeClaimSpecValidationOptions`
/// for the parts that are live in 1.33).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PvcSpecOptions {
    /// Accept `selector.matchExpressions[*].values` that are not label values; set on update
    /// when the stored selector already failed validation.
    pub allow_invalid_label_value_in_selector: bool,
    /// Accept `dataSource`/`dataSourceRef` API groups that are not DNS subdomains; set on
    /// update when the stored claim already named an API group.
    pub allow_invalid_api_group_in_data_source: bool,
}

impl PvcSpecOptions {
    /// Options for an update of a claim whose stored spec is `old_spec`
    /// (`ValidationOptionsForPersistentVolumeClaim`).
    pub fn for_claim_update(old_spec: &Value) -> Self {
        let has_group =
            |key: &str| get(old_spec, key).is_some_and(|r| get(r, "apiGroup").is_some());
        Self {
            allow_invalid_label_value_in_selector: label_selector_invalid(get(
                old_spec, "selector",
            )),
            allow_invalid_api_group_in_data_source: has_group("dataSource")
                || has_group("dataSourceRef"),
        }
    }

    /// Options for an update of a claim template whose stored spec is `old_spec`
    /// (`ValidationOptionsForPersistentVolumeClaimTemplate`: only the selector ratchets).
    pub fn for_template_update(old_spec: &Value) -> Self {
        Self {
            allow_invalid_label_value_in_selector: label_selector_invalid(get(
                old_spec, "selector",
            )),
            allow_invalid_api_group_in_data_source: false,
        }
    }
}

fn data_source(
    src: &Value,
    path: &FieldPath,
    allow_invalid_group: bool,
    with_namespace: bool,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let (name, kind) = (str_of(src, "name"), str_of(src, "kind"));
    if name.is_empty() {
        errs.push(FieldError::required(path.child("name"), ""));
    }
    if kind.is_empty() {
        errs.push(FieldError::required(path.child("kind"), ""));
    }
    let group = opt_str(src, "apiGroup").unwrap_or("");
    if group.is_empty() && kind != "PersistentVolumeClaim" {
        errs.push(FieldError::invalid(
            path,
            kind,
            "must be 'PersistentVolumeClaim' when referencing the default apiGroup",
        ));
    }
    if !group.is_empty() && !allow_invalid_group {
        errs.extend(invalid_each(
            &path.child("apiGroup"),
            group,
            names::dns1123_subdomain(group),
        ));
    }
    if with_namespace {
        let ns = opt_str(src, "namespace").unwrap_or("");
        if !ns.is_empty() {
            errs.extend(invalid_each(
                &path.child("namespace"),
                ns,
                names::dns1123_label(ns),
            ));
        }
    }
    errs
}

/// `ValidatePersistentVolumeClaimSpec`: the rules for a claim's `spec` (or a StatefulSet's
/// `volumeClaimTemplates[i].spec`), reported under `path`.
pub fn validate_pvc_spec(spec: &Value, path: &FieldPath, opts: PvcSpecOptions) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if spec
        .get("accessModes")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
    {
        errs.push(FieldError::required(
            path.child("accessModes"),
            "at least 1 access mode is required",
        ));
    }
    if let Some(selector) = get(spec, "selector") {
        errs.extend(label_selector(
            selector,
            opts.allow_invalid_label_value_in_selector,
            &path.child("selector"),
        ));
    }
    errs.extend(access_mode_values(spec, path));
    let storage_path = path.child("resources").key("storage");
    match child(child(spec, "resources"), "requests").get("storage") {
        None => errs.push(FieldError::required(&storage_path, "")),
        Some(raw) => {
            if let Some(q) = Quantity::from_json(raw)
                && q.sign() != Ordering::Greater
            {
                errs.push(FieldError::invalid(
                    &storage_path,
                    q.display(),
                    "must be greater than zero",
                ));
            }
        }
    }
    if let Some(class) = opt_str(spec, "storageClassName").filter(|c| !c.is_empty()) {
        errs.extend(invalid_each(
            &path.child("storageClassName"),
            class,
            names::dns1123_subdomain(class),
        ));
    }
    if let Some(mode) = opt_str(spec, "volumeMode")
        && !VOLUME_MODES.contains(&mode)
    {
        errs.push(FieldError::not_supported(
            path.child("volumeMode"),
            mode,
            &VOLUME_MODES,
        ));
    }
    let source = get(spec, "dataSource");
    let source_ref = get(spec, "dataSourceRef");
    let allow_group = opts.allow_invalid_api_group_in_data_source;
    if let Some(s) = source {
        errs.extend(data_source(
            s,
            &path.child("dataSource"),
            allow_group,
            false,
        ));
    }
    if let Some(r) = source_ref {
        errs.extend(data_source(
            r,
            &path.child("dataSourceRef"),
            allow_group,
            true,
        ));
    }
    // The value is the path `spec.dataSource` itself, which upstream prints as a struct.
    let source_path_value = path.child("dataSource").as_str().to_owned();
    let ref_namespace = source_ref
        .and_then(|r| opt_str(r, "namespace"))
        .unwrap_or("");
    if !ref_namespace.is_empty() {
        if source.is_some() {
            errs.push(FieldError::invalid(
                path,
                source_path_value,
                "may not be specified when dataSourceRef.namespace is specified",
            ));
        }
    } else if let (Some(s), Some(r)) = (source, source_ref) {
        let same_ref = opt_str(s, "apiGroup") == opt_str(r, "apiGroup")
            && str_of(s, "kind") == str_of(r, "kind")
            && str_of(s, "name") == str_of(r, "name");
        if !same_ref {
            errs.push(FieldError::invalid(
                path,
                source_path_value,
                "must match dataSourceRef",
            ));
        }
    }
    errs
}

/// `ValidatePersistentVolumeClaim`.
fn validate_pvc(info: &ResourceInfo, obj: &Value, opts: PvcSpecOptions) -> Vec<FieldError> {
    let mut errs = validate_object_meta_create(info, child(obj, "metadata"));
    errs.extend(validate_pvc_spec(
        child(obj, "spec"),
        &FieldPath::new("spec"),
        opts,
    ));
    errs
}

/// The claim strategy's `Validate`.
pub(super) fn create(info: &ResourceInfo, obj: &Value) -> Vec<FieldError> {
    validate_pvc(info, obj, PvcSpecOptions::default())
}

/// A spec with its resource quantities replaced by their exact values, for comparison.
fn comparable(spec: &Value) -> Value {
    let mut spec = spec.clone();
    if let Some(resources) = spec.get_mut("resources").and_then(Value::as_object_mut) {
        for key in ["requests", "limits"] {
            if let Some(list) = resources.get_mut(key).and_then(Value::as_object_mut) {
                for q in list.values_mut() {
                    *q = quantity::normalized(q);
                }
            }
        }
    }
    spec
}

fn spec_object(obj: &Value) -> Map<String, Value> {
    child(obj, "spec").as_object().cloned().unwrap_or_default()
}

/// The claim strategy's `ValidateUpdate`: the create rules, then
/// `ValidatePersistentVolumeClaimUpdate` (metadata update rules, the create rules again, and
/// the immutability and resize rules).
pub(super) fn update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    let (new_spec, old_spec) = (child(new, "spec"), child(old, "spec"));
    let opts = PvcSpecOptions::for_claim_update(old_spec);
    let mut errs = validate_pvc(info, new, opts);
    errs.extend(validate_object_meta_update(
        info,
        child(new, "metadata"),
        child(old, "metadata"),
    ));
    errs.extend(validate_pvc(info, new, opts));
    let mut new_clone = spec_object(new);
    let mut old_clone = spec_object(old);
    // Binding may set volumeName once.
    if str_of(old_spec, "volumeName").is_empty() {
        match new_clone.get("volumeName") {
            Some(v) => old_clone.insert("volumeName".to_owned(), v.clone()),
            None => old_clone.remove("volumeName"),
        };
    }
    let old_ann = annotation(old, STORAGE_CLASS_ANNOTATION);
    let new_ann = annotation(new, STORAGE_CLASS_ANNOTATION);
    let old_class = opt_str(old_spec, "storageClassName");
    let new_class = opt_str(new_spec, "storageClassName");
    let from_annotation = old_ann.is_some()
        && old_class.is_none()
        && new_class.is_some()
        && new_class == old_ann
        && (new_ann.is_none() || new_ann == old_ann);
    if from_annotation {
        new_clone.remove("storageClassName");
    } else {
        if new_ann.unwrap_or("") != old_ann.unwrap_or("") {
            errs.push(FieldError::invalid(
                FieldPath::new("metadata")
                    .child("annotations")
                    .child(STORAGE_CLASS_ANNOTATION),
                new_ann.unwrap_or(""),
                IMMUTABLE,
            ));
        }
        let from_nil = new_class.is_some()
            && old_class.is_none()
            && (old_ann.is_none() || new_class == old_ann);
        if from_nil {
            new_clone.remove("storageClassName");
        }
    }
    let bound = str_of(child(new, "status"), "phase") == "Bound";
    if bound {
        let old_storage = child(child(old_spec, "resources"), "requests")
            .get("storage")
            .cloned()
            .unwrap_or_else(|| Value::String("0".to_owned()));
        if let Some(requests) = new_clone
            .get_mut("resources")
            .and_then(|r| r.get_mut("requests"))
            .and_then(Value::as_object_mut)
        {
            requests.insert("storage".to_owned(), old_storage);
        }
    }
    let (new_clone, old_clone) = (Value::Object(new_clone), Value::Object(old_clone));
    if !same_value(Some(&comparable(&new_clone)), Some(&comparable(&old_clone))) {
        errs.push(FieldError::forbidden(
            FieldPath::new("spec"),
            format!(
                "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n{}",
                diff_message("core.PersistentVolumeClaimSpec", &old_clone, &new_clone)
            ),
        ));
    }
    let storage = |spec: &Value| {
        child(child(spec, "resources"), "requests")
            .get("storage")
            .cloned()
    };
    let (new_size, old_size) = (storage(new_spec), storage(old_spec));
    let status_size = child(child(old, "status"), "capacity")
        .get("storage")
        .cloned();
    // RecoverVolumeExpansionFailure is on in 1.33: shrinking is allowed down to just above
    // the capacity the volume reports.
    if quantity::compare(new_size.as_ref(), old_size.as_ref()) == Ordering::Less
        && quantity::compare(new_size.as_ref(), status_size.as_ref()) != Ordering::Greater
    {
        errs.push(FieldError::forbidden(
            FieldPath::new("spec")
                .child("resources")
                .child("requests")
                .child("storage"),
            "field can not be less than status.capacity",
        ));
    }
    errs.extend(immutable_str(
        opt_str(new_spec, "volumeMode"),
        opt_str(old_spec, "volumeMode"),
        &FieldPath::new("volumeMode"),
    ));
    errs
}
