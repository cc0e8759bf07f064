//! StatefulSet (`ValidateStatefulSetSpec`, `ValidateStatefulSetUpdate`).
//!
//! The pod template and the claim templates are validated as upstream does from 1.34 on (the
//! template with the claim volumes the controller adds, ratcheted on update; each claim spec on
//! create), so a StatefulSet whose pods could never be created is refused up front. 1.33 itself
//! only checked the template's labels and annotations.

use serde_json::{Map, Value, json};

use super::common::{
    Errs, as_selector, at, int, int_or_percent_value, int_or_string_value, non_negative,
    not_more_than_100_percent, positive_int_or_percent, selector_rules, template_matches, text,
};
use crate::validation::field::{BadValue, FieldError, FieldPath};
use crate::validation::gofmt;
use crate::validation::names;
use crate::validation::pod::{
    PodOptions, claim_spec, normalized, validate_annotations, validate_labels,
    validate_pod_template_spec,
};

/// The immutability message, exactly as upstream words it.
pub const IMMUTABLE_SPEC_MESSAGE: &str = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

/// Spec fields an update may change.
const MUTABLE_FIELDS: [&str; 7] = [
    "replicas",
    "template",
    "updateStrategy",
    "minReadySeconds",
    "ordinals",
    "revisionHistoryLimit",
    "persistentVolumeClaimRetentionPolicy",
];

/// `StatefulSetValidationOptions` plus whether `maxUnavailable` survives the strategy.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct SetOptions {
    allow_invalid_service_name: bool,
    skip_claim_templates: bool,
    skip_pod_template: bool,
    /// Gate MaxUnavailableStatefulSet is off: the field is only kept (and checked) when the
    /// stored object already uses it.
    keep_max_unavailable: bool,
}

/// `ValidateStatefulSetSpec`.
fn spec_errors(spec: &Value, path: &FieldPath, opts: &PodOptions, set: SetOptions) -> Errs {
    let mut errs = Errs::new();
    match text(spec, "podManagementPolicy") {
        "" => errs.push(FieldError::required(path.child("podManagementPolicy"), "")),
        "OrderedReady" | "Parallel" => {}
        other => errs.push(FieldError::invalid(
            path.child("podManagementPolicy"),
            other,
            "must be 'OrderedReady' or 'Parallel'",
        )),
    }
    errs.extend(update_strategy(spec, path, set));
    if let Some(policy) = at(spec, "persistentVolumeClaimRetentionPolicy") {
        let pp = path.child("persistentVolumeClaimRetentionPolicy");
        for key in ["whenDeleted", "whenScaled"] {
            let v = text(policy, key);
            if !matches!(v, "Retain" | "Delete") {
                errs.push(FieldError::not_supported(
                    pp.child(key),
                    v,
                    &["Retain", "Delete"],
                ));
            }
        }
    }
    let claims = at(spec, "volumeClaimTemplates")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if !set.skip_claim_templates {
        for (i, claim) in claims.iter().enumerate() {
            let cp = path.child("volumeClaimTemplates").index(i).child("spec");
            errs.extend(claim_spec(at(claim, "spec").unwrap_or(&Value::Null), &cp));
        }
    }
    non_negative(&mut errs, &path.child("replicas"), int(spec, "replicas"));
    non_negative(
        &mut errs,
        &path.child("minReadySeconds"),
        int(spec, "minReadySeconds"),
    );
    if let Some(ordinals) = at(spec, "ordinals") {
        // Upstream names the child "ordinals.start" in one segment; it prints the same.
        non_negative(
            &mut errs,
            &path.child("ordinals.start"),
            int(ordinals, "start"),
        );
    }
    let service = text(spec, "serviceName");
    if !set.allow_invalid_service_name && !service.is_empty() {
        for msg in names::dns1123_label(service) {
            errs.push(FieldError::invalid(path.child("serviceName"), service, msg));
        }
    }
    errs.extend(selector_rules(spec, path, "statefulset"));
    match as_selector(spec) {
        Err(value) => errs.push(FieldError::invalid(path.child("selector"), value, "")),
        Ok(selector) => {
            let template = template_to_validate(spec, claims);
            let tpath = path.child("template");
            errs.extend(template_matches(&selector, &template, &tpath));
            if !set.skip_pod_template {
                errs.extend(validate_pod_template_spec(&template, &tpath, opts));
            }
            let meta = at(&template, "metadata").unwrap_or(&Value::Null);
            errs.extend(validate_labels(meta, "labels", &tpath.child("labels")));
            errs.extend(validate_annotations(
                meta,
                "annotations",
                &tpath.child("annotations"),
            ));
        }
    }
    let tspec = at(spec, "template")
        .and_then(|t| at(t, "spec"))
        .unwrap_or(&Value::Null);
    let policy = text(tspec, "restartPolicy");
    if policy != "Always" {
        errs.push(FieldError::not_supported(
            path.child("template").child("spec").child("restartPolicy"),
            policy,
            &["Always"],
        ));
    }
    if at(tspec, "activeDeadlineSeconds").is_some() {
        errs.push(FieldError::forbidden(
            path.child("template")
                .child("spec")
                .child("activeDeadlineSeconds"),
            "activeDeadlineSeconds in StatefulSet is not Supported",
        ));
    }
    errs
}

/// The template as the controller will stamp it: hostname and subdomain are the controller's,
/// and every claim template becomes a volume (replacing a template volume of the same name).
fn template_to_validate(spec: &Value, claims: &[Value]) -> Value {
    let mut template = at(spec, "template").cloned().unwrap_or_else(|| json!({}));
    let Some(tspec) = template.get_mut("spec").and_then(Value::as_object_mut) else {
        return template;
    };
    tspec.remove("hostname");
    tspec.remove("subdomain");
    if claims.is_empty() {
        return template;
    }
    let claim_names: Vec<&str> = claims
        .iter()
        .map(|c| at(c, "metadata").map_or("", |m| text(m, "name")))
        .collect();
    let mut volumes: Vec<Value> = claim_names
        .iter()
        .map(|n| json!({"name": n, "persistentVolumeClaim": {"claimName": n}}))
        .collect();
    let own = tspec
        .get("volumes")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    volumes.extend(
        own.into_iter()
            .filter(|v| !claim_names.contains(&text(v, "name"))),
    );
    tspec.insert("volumes".to_owned(), Value::Array(volumes));
    template
}

fn update_strategy(spec: &Value, path: &FieldPath, set: SetOptions) -> Errs {
    let mut errs = Errs::new();
    let strategy = at(spec, "updateStrategy").unwrap_or(&Value::Null);
    let rolling = at(strategy, "rollingUpdate");
    let sp = path.child("updateStrategy");
    match text(strategy, "type") {
        "" => errs.push(FieldError::required(&sp, "")),
        "OnDelete" => {
            if let Some(r) = rolling {
                errs.push(FieldError::invalid(
                    sp.child("rollingUpdate"),
                    rolling_value(r, set),
                    "only allowed for updateStrategy 'RollingUpdate'",
                ));
            }
        }
        "RollingUpdate" => {
            if let Some(r) = rolling {
                let rp = sp.child("rollingUpdate");
                non_negative(&mut errs, &rp.child("partition"), int(r, "partition"));
                if let Some(max) = at(r, "maxUnavailable").filter(|_| set.keep_max_unavailable) {
                    let mp = rp.child("maxUnavailable");
                    errs.extend(positive_int_or_percent(max, &mp));
                    if int_or_percent_value(max) == 0 {
                        errs.push(FieldError::invalid(
                            &mp,
                            int_or_string_value(max),
                            "cannot be 0",
                        ));
                    }
                    errs.extend(not_more_than_100_percent(max, &mp));
                }
            }
        }
        other => {
            let value = BadValue::Raw(gofmt::go_struct(
                "apps.StatefulSetUpdateStrategy",
                &[
                    ("Type", gofmt::quote(other)),
                    (
                        "RollingUpdate",
                        gofmt::pointer("apps.RollingUpdateStatefulSetStrategy", rolling.is_some()),
                    ),
                ],
            ));
            errs.push(FieldError::invalid(
                &sp,
                value,
                "must be 'RollingUpdate' or 'OnDelete'",
            ));
        }
    }
    errs
}

/// Go's `%#v` of an `apps.RollingUpdateStatefulSetStrategy`.
fn rolling_value(r: &Value, set: SetOptions) -> BadValue {
    let has_max = set.keep_max_unavailable && at(r, "maxUnavailable").is_some();
    BadValue::Raw(gofmt::go_struct(
        "apps.RollingUpdateStatefulSetStrategy",
        &[
            ("Partition", int(r, "partition").to_string()),
            (
                "MaxUnavailable",
                gofmt::pointer("intstr.IntOrString", has_max),
            ),
        ],
    ))
}

fn spec_of(obj: &Value) -> &Value {
    at(obj, "spec").unwrap_or(&Value::Null)
}

/// `ValidateStatefulSet` without the metadata rules.
pub(super) fn create(obj: &Value) -> Errs {
    spec_errors(
        spec_of(obj),
        &FieldPath::new("spec"),
        &PodOptions::default(),
        SetOptions::default(),
    )
}

/// `ValidateStatefulSetUpdate` without the metadata rules.
pub(super) fn update(new: &Value, old: &Value) -> Errs {
    let (new_spec, old_spec) = (spec_of(new), spec_of(old));
    let old_template = at(old_spec, "template").unwrap_or(&Value::Null);
    let opts = PodOptions::ratcheted(
        at(old_template, "metadata").unwrap_or(&Value::Null),
        at(old_template, "spec").unwrap_or(&Value::Null),
    );
    let uses_max_unavailable = at(old_spec, "updateStrategy")
        .and_then(|s| at(s, "rollingUpdate"))
        .and_then(|r| at(r, "maxUnavailable"))
        .is_some();
    let mut set = SetOptions {
        allow_invalid_service_name: true,
        skip_claim_templates: true,
        skip_pod_template: false,
        keep_max_unavailable: uses_max_unavailable,
    };
    // A stored object that no longer validates keeps its template unchecked.
    if !spec_errors(old_spec, &FieldPath::new("spec"), &opts, set).is_empty() {
        set.skip_pod_template = true;
    }
    let mut errs = spec_errors(new_spec, &FieldPath::new("spec"), &opts, set);
    if comparable(new_spec, old_spec) != comparable(old_spec, old_spec) {
        errs.push(FieldError::forbidden(
            FieldPath::new("spec"),
            IMMUTABLE_SPEC_MESSAGE,
        ));
    }
    errs
}

/// `spec` with the mutable fields taken from `old`, normalized for semantic comparison. Claim
/// templates lose `apiVersion`/`kind`, which the internal form does not keep.
fn comparable(spec: &Value, old: &Value) -> Value {
    let mut out: Map<String, Value> = spec.as_object().cloned().unwrap_or_default();
    for key in MUTABLE_FIELDS {
        match at(old, key) {
            Some(v) => out.insert(key.to_owned(), v.clone()),
            None => out.remove(key),
        };
    }
    if let Some(Value::Array(claims)) = out.get_mut("volumeClaimTemplates") {
        for claim in claims.iter_mut().filter_map(Value::as_object_mut) {
            claim.remove("apiVersion");
            claim.remove("kind");
        }
    }
    normalized(&Value::Object(out))
}
