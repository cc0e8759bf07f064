//! Spec validation for StatefulSets, Deployments, ReplicaSets and ControllerRevisions, with
//! upstream's messages and field paths, in the order the apps strategies produce them.

mod common;
mod deployment;
mod revision;
mod statefulset;

use serde_json::Value;

use super::FieldError;
use super::meta::{validate_object_meta_create, validate_object_meta_update};
use crate::registry::ResourceInfo;
use crate::validation::pod::PodOptions;

pub use statefulset::IMMUTABLE_SPEC_MESSAGE as STATEFULSET_IMMUTABLE_SPEC_MESSAGE;

fn metadata(obj: &Value) -> &Value {
    obj.get("metadata").unwrap_or(&Value::Null)
}

/// Create validation of a StatefulSet, Deployment, ReplicaSet or ControllerRevision (the
/// strategy's `Validate`).
pub fn validate(info: &ResourceInfo, obj: &Value) -> Vec<FieldError> {
    let mut errs = validate_object_meta_create(info, metadata(obj));
    let opts = PodOptions::default();
    match info.kind {
        "StatefulSet" => errs.extend(statefulset::create(obj)),
        "Deployment" => errs.extend(deployment::deployment_spec(obj, &opts)),
        "ReplicaSet" => errs.extend(deployment::replica_set_spec(obj, &opts)),
        "ControllerRevision" => {
            errs.extend(revision::revision(obj));
            errs.extend(revision::data(obj));
        }
        _ => {}
    }
    errs
}

/// Update validation of a StatefulSet, Deployment, ReplicaSet or ControllerRevision (the
/// strategy's `ValidateUpdate`, for apps/v1).
pub fn validate_update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    let meta_update = || validate_object_meta_update(info, metadata(new), metadata(old));
    let opts = deployment::update_options(old);
    match info.kind {
        "StatefulSet" => {
            let mut errs = meta_update();
            errs.extend(statefulset::update(new, old));
            errs
        }
        "Deployment" => {
            let mut errs = meta_update();
            errs.extend(deployment::deployment_spec(new, &opts));
            errs.extend(deployment::selector_immutable(new, old));
            errs
        }
        "ReplicaSet" => {
            // Upstream runs the create validation and then the update validation, so spec
            // errors are reported twice.
            let mut errs = validate_object_meta_create(info, metadata(new));
            errs.extend(deployment::replica_set_spec(new, &opts));
            errs.extend(meta_update());
            errs.extend(deployment::replica_set_spec(new, &opts));
            errs.extend(deployment::selector_immutable(new, old));
            errs
        }
        "ControllerRevision" => {
            let mut errs = meta_update();
            errs.extend(validate_object_meta_create(info, metadata(new)));
            errs.extend(revision::revision(new));
            errs.extend(revision::data_immutable(new, old));
            errs
        }
        _ => meta_update(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
