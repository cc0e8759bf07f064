//! Spec validation for Pods and pod templates, with upstream's messages and field paths
//! (`ValidatePodCreate`, `ValidatePodUpdate`, `ValidatePodTemplateSpec`).
//!
//! Objects arrive in wire form and already defaulted, so the rules run against what upstream's
//! internal objects hold after defaulting. Upstream walks Go maps in random order; berth walks
//! them sorted by key, so the order of errors is stable.

mod access;
mod claims;
mod containers;
mod env;
mod labels;
mod mounts;
mod probes;
mod resources;
mod spec;
mod update;
mod volumes;

use serde_json::Value;

use super::FieldError;
use super::field::FieldPath;
use super::meta::{validate_object_meta_create, validate_object_meta_update};
use crate::registry::ResourceInfo;
use access::{Errs, Json, NULL, child};

pub(crate) use claims::claim_spec;
pub(crate) use labels::{
    annotations as validate_annotations, label_selector, labels as validate_labels, selector_value,
};
pub(crate) use update::{normalized, semantic_eq};

/// Switches that upstream derives from feature gates and from the object being updated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PodOptions {
    /// The object is a Pod, not a template: under `hostNetwork` every host port must equal its
    /// container port.
    pub resource_is_pod: bool,
    /// Tolerate an unparsable `controller.kubernetes.io/pod-deletion-cost` annotation (an
    /// update of an object that already had one).
    pub allow_invalid_pod_deletion_cost: bool,
    /// Tolerate projected service account token paths that are not local (an update of an
    /// object that already had one).
    pub allow_non_local_projected_token_path: bool,
}

impl PodOptions {
    /// The options for an update of `old`: whatever the old spec already got away with stays
    /// allowed.
    pub fn ratcheted(old_meta: &Value, old_spec: &Value) -> Self {
        let cost = old_meta
            .string_map("annotations")
            .into_iter()
            .find(|(k, _)| *k == "controller.kubernetes.io/pod-deletion-cost")
            .map(|(_, v)| v);
        Self {
            resource_is_pod: false,
            allow_invalid_pod_deletion_cost: !labels::deletion_cost_valid(cost),
            allow_non_local_projected_token_path: has_non_local_token_path(old_spec),
        }
    }
}

fn has_non_local_token_path(spec: &Value) -> bool {
    spec.list("volumes").iter().any(|v| {
        v.at("projected").is_some_and(|p| {
            p.list("sources").iter().any(|s| {
                s.at("serviceAccountToken").is_some_and(|t| {
                    let path = t.s("path");
                    !path.is_empty()
                        && !volumes::local_non_reserved_path(path, &FieldPath::new("")).is_empty()
                })
            })
        })
    })
}

fn metadata(obj: &Value) -> &Value {
    child(obj, "metadata")
}

/// `validatePodMetadataAndSpec`: ObjectMeta, pod annotations, the spec, and the Pod-only rules.
fn metadata_and_spec(info: &ResourceInfo, pod: &Value, opts: &PodOptions) -> Errs {
    let meta = metadata(pod);
    let spec = child(pod, "spec");
    let meta_path = FieldPath::new("metadata");
    let spec_path = FieldPath::new("spec");
    let mut errs = validate_object_meta_create(info, meta);
    errs.extend(labels::pod_specific_annotations(
        meta,
        spec,
        &meta_path.child("annotations"),
        opts.allow_invalid_pod_deletion_cost,
    ));
    errs.extend(spec::pod_spec(spec, Some(meta.s("name")), &spec_path, opts));
    if service_account(spec).is_empty() {
        for (vi, volume) in spec.list("volumes").iter().enumerate() {
            let Some(projected) = volume.at("projected") else {
                continue;
            };
            for (si, source) in projected.list("sources").iter().enumerate() {
                if source.at("serviceAccountToken").is_some() {
                    let path = spec_path
                        .child("volumes")
                        .index(vi)
                        .child("projected")
                        .child("sources")
                        .index(si)
                        .child("serviceAccountToken");
                    errs.push(FieldError::forbidden(
                        path,
                        "must not be specified when serviceAccountName is not set",
                    ));
                }
            }
        }
    }
    for key in ["containers", "initContainers"] {
        for (i, c) in spec.list(key).iter().enumerate() {
            let image = c.s("image");
            if image.trim() != image {
                errs.push(FieldError::invalid(
                    spec_path.child(key).index(i).child("image"),
                    image,
                    "must not have leading or trailing whitespace",
                ));
            }
        }
    }
    errs
}

/// The effective service account: conversion fills `serviceAccountName` from the deprecated
/// `serviceAccount` when it is empty.
fn service_account(spec: &Value) -> &str {
    match spec.s("serviceAccountName") {
        "" => spec.s("serviceAccount"),
        name => name,
    }
}

/// Create validation of a Pod (`ValidatePodCreate`).
pub fn validate(info: &ResourceInfo, obj: &Value) -> Vec<FieldError> {
    let opts = PodOptions {
        resource_is_pod: true,
        ..PodOptions::default()
    };
    let mut errs = metadata_and_spec(info, obj, &opts);
    let spec = child(obj, "spec");
    let spec_path = FieldPath::new("spec");
    if !spec.list("ephemeralContainers").is_empty() {
        errs.push(FieldError::forbidden(
            spec_path.child("ephemeralContainers"),
            "cannot be set on create",
        ));
    }
    if !spec.s("nodeName").is_empty() && !spec.list("schedulingGates").is_empty() {
        errs.push(FieldError::forbidden(
            spec_path.child("nodeName"),
            "cannot be set until all schedulingGates have been cleared",
        ));
    }
    errs
}

/// Update validation of a Pod (`ValidatePodUpdate`): the metadata update rules, every create
/// rule on the new pod, and spec immutability apart from the updatable fields.
pub fn validate_update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    let old_spec = child(old, "spec");
    let opts = PodOptions {
        resource_is_pod: true,
        ..PodOptions::ratcheted(metadata(old), old_spec)
    };
    let meta_path = FieldPath::new("metadata");
    let mut errs = validate_object_meta_update(info, metadata(new), metadata(old));
    errs.extend(metadata_and_spec(info, new, &opts));
    let annotations_path = meta_path.child("annotations");
    errs.extend(labels::pod_specific_annotation_updates(
        metadata(new),
        metadata(old),
        &annotations_path,
    ));
    errs.extend(labels::pod_specific_annotations(
        metadata(new),
        child(new, "spec"),
        &annotations_path,
        opts.allow_invalid_pod_deletion_cost,
    ));
    errs.extend(update::spec_update(child(new, "spec"), old_spec));
    errs
}

/// `ValidatePodTemplateSpec`: a pod template (`metadata` and `spec`) at `path`, such as
/// `spec.template` of a workload.
pub fn validate_pod_template_spec(
    template: &Value,
    path: &FieldPath,
    opts: &PodOptions,
) -> Vec<FieldError> {
    let meta = template.at("metadata").unwrap_or(&NULL);
    let spec = template.at("spec").unwrap_or(&NULL);
    let mut errs = labels::labels(meta, "labels", &path.child("labels"));
    errs.extend(labels::annotations(
        meta,
        "annotations",
        &path.child("annotations"),
    ));
    errs.extend(labels::pod_specific_annotations(
        meta,
        spec,
        &path.child("annotations"),
        opts.allow_invalid_pod_deletion_cost,
    ));
    let spec_path = path.child("spec");
    errs.extend(spec::pod_spec(spec, None, &spec_path, opts));
    if !spec.list("ephemeralContainers").is_empty() {
        errs.push(FieldError::forbidden(
            spec_path.child("ephemeralContainers"),
            "ephemeral containers not allowed in pod template",
        ));
    }
    errs
}

/// `ValidatePersistentVolumeClaimSpec` for a new claim spec at `path` (ephemeral volume claim
/// templates, StatefulSet `volumeClaimTemplates`).
pub fn validate_claim_spec(spec: &Value, path: &FieldPath) -> Vec<FieldError> {
    claims::claim_spec(spec, path)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod test_fixtures;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests_create;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests_update;
