//! Deployment and ReplicaSet (`ValidateDeploymentSpec`, `ValidateReplicaSetSpec`,
//! `ValidatePodTemplateSpecForReplicaSet`, the strategy and selector immutability).

use serde_json::Value;

use super::common::{
    Errs, as_selector, at, int, int_or_percent_value, int_or_string_value, non_negative,
    not_more_than_100_percent, positive_int_or_percent, selector_bad_value, selector_rules,
    template_matches, text,
};
use crate::validation::field::{BadValue, FieldError, FieldPath};
use crate::validation::gofmt;
use crate::validation::pod::{PodOptions, semantic_eq, validate_pod_template_spec};

/// `ValidatePodTemplateSpecForReplicaSet` (Deployments use it too, message included).
fn template_for_replica_set(spec: &Value, path: &FieldPath, opts: &PodOptions) -> Errs {
    let mut errs = Errs::new();
    let tpath = path.child("template");
    let template = at(spec, "template").unwrap_or(&Value::Null);
    match as_selector(spec) {
        Err(value) => errs.push(FieldError::invalid(
            path.child("selector"),
            value,
            "invalid label selector",
        )),
        Ok(selector) => {
            errs.extend(template_matches(&selector, template, &tpath));
            errs.extend(validate_pod_template_spec(template, &tpath, opts));
            let tspec = at(template, "spec").unwrap_or(&Value::Null);
            let policy = text(tspec, "restartPolicy");
            if policy != "Always" {
                errs.push(FieldError::not_supported(
                    tpath.child("spec").child("restartPolicy"),
                    policy,
                    &["Always"],
                ));
            }
            if at(tspec, "activeDeadlineSeconds").is_some() {
                errs.push(FieldError::forbidden(
                    tpath.child("spec").child("activeDeadlineSeconds"),
                    "activeDeadlineSeconds in ReplicaSet is not Supported",
                ));
            }
        }
    }
    errs
}

/// `ValidateDeploymentSpec`.
pub(super) fn deployment_spec(obj: &Value, opts: &PodOptions) -> Errs {
    let spec = at(obj, "spec").unwrap_or(&Value::Null);
    let path = FieldPath::new("spec");
    let mut errs = Errs::new();
    non_negative(&mut errs, &path.child("replicas"), int(spec, "replicas"));
    errs.extend(selector_rules(spec, &path, "deployment"));
    errs.extend(template_for_replica_set(spec, &path, opts));
    errs.extend(strategy(
        at(spec, "strategy").unwrap_or(&Value::Null),
        &path.child("strategy"),
    ));
    let min_ready = int(spec, "minReadySeconds");
    non_negative(&mut errs, &path.child("minReadySeconds"), min_ready);
    if let Some(limit) = at(spec, "revisionHistoryLimit").and_then(Value::as_i64) {
        non_negative(&mut errs, &path.child("revisionHistoryLimit"), limit);
    }
    if let Some(deadline) = at(spec, "progressDeadlineSeconds").and_then(Value::as_i64) {
        let p = path.child("progressDeadlineSeconds");
        non_negative(&mut errs, &p, deadline);
        if deadline <= min_ready {
            errs.push(FieldError::invalid(
                &p,
                deadline,
                "must be greater than minReadySeconds",
            ));
        }
    }
    errs
}

/// `ValidateDeploymentStrategy`.
fn strategy(strategy: &Value, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    let rolling = at(strategy, "rollingUpdate");
    match text(strategy, "type") {
        "Recreate" => {
            if rolling.is_some() {
                errs.push(FieldError::forbidden(
                    path.child("rollingUpdate"),
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
        }
        "RollingUpdate" => match rolling {
            None => errs.push(FieldError::required(
                path.child("rollingUpdate"),
                "this should be defaulted and never be nil",
            )),
            Some(r) => errs.extend(rolling_update(r, &path.child("rollingUpdate"))),
        },
        other => {
            let value = BadValue::Raw(gofmt::go_struct(
                "apps.DeploymentStrategy",
                &[
                    ("Type", gofmt::quote(other)),
                    (
                        "RollingUpdate",
                        gofmt::pointer("apps.RollingUpdateDeployment", rolling.is_some()),
                    ),
                ],
            ));
            errs.push(FieldError::not_supported(
                path,
                value,
                &["Recreate", "RollingUpdate"],
            ));
        }
    }
    errs
}

/// `ValidateRollingUpdateDeployment`.
fn rolling_update(r: &Value, path: &FieldPath) -> Errs {
    let zero = Value::from(0);
    let unavailable = at(r, "maxUnavailable").unwrap_or(&zero);
    let surge = at(r, "maxSurge").unwrap_or(&zero);
    let mut errs = positive_int_or_percent(unavailable, &path.child("maxUnavailable"));
    errs.extend(positive_int_or_percent(surge, &path.child("maxSurge")));
    if int_or_percent_value(unavailable) == 0 && int_or_percent_value(surge) == 0 {
        errs.push(FieldError::invalid(
            path.child("maxUnavailable"),
            int_or_string_value(unavailable),
            "may not be 0 when `maxSurge` is 0",
        ));
    }
    errs.extend(not_more_than_100_percent(
        unavailable,
        &path.child("maxUnavailable"),
    ));
    errs
}

/// `ValidateReplicaSetSpec`.
pub(super) fn replica_set_spec(obj: &Value, opts: &PodOptions) -> Errs {
    let spec = at(obj, "spec").unwrap_or(&Value::Null);
    let path = FieldPath::new("spec");
    let mut errs = Errs::new();
    non_negative(&mut errs, &path.child("replicas"), int(spec, "replicas"));
    non_negative(
        &mut errs,
        &path.child("minReadySeconds"),
        int(spec, "minReadySeconds"),
    );
    // The empty-selector message says "deployment" for ReplicaSets too.
    errs.extend(selector_rules(spec, &path, "deployment"));
    errs.extend(template_for_replica_set(spec, &path, opts));
    errs
}

/// The apps/v1 rule: `spec.selector` never changes (`ValidateImmutableField`).
pub(super) fn selector_immutable(new: &Value, old: &Value) -> Errs {
    let spec = |o: &Value| at(o, "spec").unwrap_or(&Value::Null).clone();
    let (new_spec, old_spec) = (spec(new), spec(old));
    let sel = |s: &Value| at(s, "selector").cloned().unwrap_or(Value::Null);
    if semantic_eq(&sel(&new_spec), &sel(&old_spec)) {
        return Vec::new();
    }
    vec![FieldError::invalid(
        FieldPath::new("spec").child("selector"),
        selector_bad_value(&new_spec),
        "field is immutable",
    )]
}

/// Options for validating the new object's template on update: whatever the old template
/// already got away with stays allowed.
pub(super) fn update_options(old: &Value) -> PodOptions {
    let template = at(old, "spec")
        .and_then(|s| at(s, "template"))
        .unwrap_or(&Value::Null);
    PodOptions::ratcheted(
        at(template, "metadata").unwrap_or(&Value::Null),
        at(template, "spec").unwrap_or(&Value::Null),
    )
}
