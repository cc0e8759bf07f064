//! Validation of the kinds whose rules are short: ConfigMap, Secret, Namespace (with its
//! `/status` and `/finalize` subresources), ServiceAccount and Lease.

use base64::Engine as _;
use serde_json::{Map, Value};

use super::field::{FieldError, FieldPath};
use super::gojson;
use super::meta::{self, Meta, value_text};
use super::names;
use crate::registry::ResourceInfo;

/// Upper bound on the summed value bytes of a ConfigMap or Secret.
pub const MAX_SECRET_SIZE: usize = 1024 * 1024;

const IMMUTABLE_SET: &str = "field is immutable when `immutable` is set";

fn metadata(obj: &Value) -> &Value {
    obj.get("metadata").unwrap_or(&Value::Null)
}

fn object_map<'a>(obj: &'a Value, key: &str) -> Option<&'a Map<String, Value>> {
    obj.get(key).and_then(Value::as_object)
}

/// Keys of a map field, sorted for a stable error order.
fn sorted_entries<'a>(obj: &'a Value, key: &str) -> Vec<(&'a String, &'a Value)> {
    let mut v: Vec<_> = object_map(obj, key)
        .map(|m| m.iter().collect())
        .unwrap_or_default();
    v.sort_by(|a, b| a.0.cmp(b.0));
    v
}

/// Bytes of a base64 (`[]byte`) wire value; text that does not decode counts as itself.
fn decoded(v: &Value) -> Vec<u8> {
    let s = value_text(v);
    base64::engine::general_purpose::STANDARD
        .decode(s.as_bytes())
        .unwrap_or_else(|_| s.into_bytes())
}

/// Map fields compare with absent, `null` and `{}` all meaning "empty".
fn same_map(a: &Value, b: &Value, key: &str) -> bool {
    let norm = |o: &Value| object_map(o, key).filter(|m| !m.is_empty()).cloned();
    norm(a) == norm(b)
}

fn is_true(obj: &Value, key: &str) -> bool {
    obj.get(key).and_then(Value::as_bool) == Some(true)
}

/// `ValidateConfigMap`.
pub fn config_map(info: &ResourceInfo, obj: &Value) -> Vec<FieldError> {
    let mut errs = meta::validate_object_meta_create(info, metadata(obj));
    let binary = object_map(obj, "binaryData");
    let mut total = 0usize;
    for (key, value) in sorted_entries(obj, "data") {
        let path = FieldPath::new("data").key(key);
        for msg in names::config_map_key(key) {
            errs.push(FieldError::invalid(&path, key, msg));
        }
        if binary.is_some_and(|b| b.contains_key(key)) {
            errs.push(FieldError::invalid(
                &path,
                key,
                "duplicate of key present in binaryData",
            ));
        }
        total += value_text(value).len();
    }
    for (key, value) in sorted_entries(obj, "binaryData") {
        for msg in names::config_map_key(key) {
            errs.push(FieldError::invalid(
                FieldPath::new("binaryData").key(key),
                key,
                msg,
            ));
        }
        total += decoded(value).len();
    }
    if total > MAX_SECRET_SIZE {
        errs.push(FieldError::too_long(
            FieldPath::new(""),
            MAX_SECRET_SIZE as i64,
        ));
    }
    errs
}

/// `ValidateConfigMapUpdate`.
pub fn config_map_update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = meta::validate_object_meta_update(info, metadata(new), metadata(old));
    if is_true(old, "immutable") {
        if !is_true(new, "immutable") {
            errs.push(FieldError::forbidden("immutable", IMMUTABLE_SET));
        }
        if !same_map(new, old, "data") {
            errs.push(FieldError::forbidden("data", IMMUTABLE_SET));
        }
        if !same_map(new, old, "binaryData") {
            errs.push(FieldError::forbidden("binaryData", IMMUTABLE_SET));
        }
    }
    errs.extend(config_map(info, new));
    errs
}

/// `ValidateSecret`. Expects `stringData` to have been merged into `data` already.
pub fn secret(info: &ResourceInfo, obj: &Value) -> Vec<FieldError> {
    let mut errs = meta::validate_object_meta_create(info, metadata(obj));
    let data_path = FieldPath::new("data");
    let data = object_map(obj, "data");
    let mut total = 0usize;
    for (key, value) in sorted_entries(obj, "data") {
        for msg in names::config_map_key(key) {
            errs.push(FieldError::invalid(data_path.key(key), key, msg));
        }
        total += decoded(value).len();
    }
    if total > MAX_SECRET_SIZE {
        errs.push(FieldError::too_long(&data_path, MAX_SECRET_SIZE as i64));
    }
    let entry = |k: &str| data.and_then(|d| d.get(k));
    let secret_type = obj.get("type").map(value_text).unwrap_or_default();
    match secret_type.as_str() {
        "kubernetes.io/service-account-token" => {
            let annotations = Meta::of_object(obj).string_map("annotations");
            let named = annotations
                .iter()
                .any(|(k, v)| *k == "kubernetes.io/service-account.name" && !v.is_empty());
            if !named {
                errs.push(FieldError::required(
                    FieldPath::new("metadata")
                        .child("annotations")
                        .key("kubernetes.io/service-account.name"),
                    "",
                ));
            }
        }
        "kubernetes.io/dockercfg" | "kubernetes.io/dockerconfigjson" => {
            let key = if secret_type == "kubernetes.io/dockercfg" {
                ".dockercfg"
            } else {
                ".dockerconfigjson"
            };
            match entry(key) {
                None => errs.push(FieldError::required(data_path.key(key), "")),
                Some(v) => {
                    if let Some(msg) = gojson::unmarshal_object_error(&decoded(v)) {
                        errs.push(FieldError::invalid(
                            data_path.key(key),
                            "<secret contents redacted>",
                            msg,
                        ));
                    }
                }
            }
        }
        "kubernetes.io/basic-auth"
            if entry("username").is_none() && entry("password").is_none() =>
        {
            errs.push(FieldError::required(data_path.key("username"), ""));
            errs.push(FieldError::required(data_path.key("password"), ""));
        }
        "kubernetes.io/ssh-auth"
            if entry("ssh-privatekey").is_none_or(|v| decoded(v).is_empty()) =>
        {
            errs.push(FieldError::required(data_path.key("ssh-privatekey"), ""));
        }
        "kubernetes.io/tls" => {
            for key in ["tls.crt", "tls.key"] {
                if entry(key).is_none() {
                    errs.push(FieldError::required(data_path.key(key), ""));
                }
            }
        }
        _ => {}
    }
    errs
}

/// `ValidateSecretUpdate`. An empty new `type` counts as the old one (the strategy copies it
/// before validation).
pub fn secret_update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    let old_type = old.get("type").map(value_text).unwrap_or_default();
    let typed;
    let new = if new
        .get("type")
        .map(value_text)
        .unwrap_or_default()
        .is_empty()
    {
        typed = {
            let mut v = new.clone();
            if let Some(m) = v.as_object_mut() {
                m.insert("type".to_owned(), Value::String(old_type.clone()));
            }
            v
        };
        &typed
    } else {
        new
    };
    let mut errs = meta::validate_object_meta_update(info, metadata(new), metadata(old));
    let new_type = new.get("type").map(value_text).unwrap_or_default();
    if new_type != old_type {
        errs.push(FieldError::invalid(
            "type",
            new_type.as_str(),
            "field is immutable",
        ));
    }
    if is_true(old, "immutable") {
        if !is_true(new, "immutable") {
            errs.push(FieldError::forbidden("immutable", IMMUTABLE_SET));
        }
        if !same_map(new, old, "data") {
            errs.push(FieldError::forbidden("data", IMMUTABLE_SET));
        }
    }
    errs.extend(secret(info, new));
    errs
}

/// The `spec.finalizers` entries of a Namespace.
fn spec_finalizers(obj: &Value) -> Vec<String> {
    obj.get("spec")
        .and_then(|s| s.get("finalizers"))
        .and_then(Value::as_array)
        .map(|l| l.iter().map(value_text).collect())
        .unwrap_or_default()
}

/// Upstream's `validateFinalizerName` for Namespace `spec.finalizers`.
fn namespace_finalizer(value: &str, path: &FieldPath) -> Vec<FieldError> {
    let mut errs: Vec<FieldError> = names::qualified_name(value)
        .into_iter()
        .map(|msg| FieldError::invalid(path, value, msg))
        .collect();
    errs.extend(meta::kube_finalizer_name(value, path));
    errs
}

/// `ValidateNamespace`.
pub fn namespace(info: &ResourceInfo, obj: &Value) -> Vec<FieldError> {
    let mut errs = meta::validate_object_meta_create(info, metadata(obj));
    let path = FieldPath::new("spec").child("finalizers");
    for f in spec_finalizers(obj) {
        errs.extend(namespace_finalizer(&f, &path));
    }
    errs
}

/// The Namespace strategy's `ValidateUpdate`: the create rules on the new object, then the
/// metadata update rules.
pub fn namespace_update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = namespace(info, new);
    errs.extend(meta::validate_object_meta_update(
        info,
        metadata(new),
        metadata(old),
    ));
    errs
}

/// `ValidateNamespaceStatusUpdate`: the phase must agree with `deletionTimestamp`.
pub fn namespace_status_update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = meta::validate_object_meta_update(info, metadata(new), metadata(old));
    let phase = new
        .get("status")
        .and_then(|s| s.get("phase"))
        .map(value_text)
        .unwrap_or_default();
    let deleting = metadata(new)
        .get("deletionTimestamp")
        .is_some_and(|v| !v.is_null());
    let path = FieldPath::new("status").child("Phase");
    if !deleting && phase != "Active" {
        errs.push(FieldError::invalid(
            &path,
            phase.as_str(),
            "may only be 'Active' if `deletionTimestamp` is empty",
        ));
    } else if deleting && phase != "Terminating" {
        errs.push(FieldError::invalid(
            &path,
            phase.as_str(),
            "may only be 'Terminating' if `deletionTimestamp` is not empty",
        ));
    }
    errs
}

/// `ValidateNamespaceFinalizeUpdate`.
pub fn namespace_finalize_update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = meta::validate_object_meta_update(info, metadata(new), metadata(old));
    let path = FieldPath::new("spec").child("finalizers");
    for (i, f) in spec_finalizers(new).iter().enumerate() {
        errs.extend(namespace_finalizer(f, &path.index(i)));
    }
    errs
}

/// `ValidateServiceAccount`.
pub fn service_account(info: &ResourceInfo, obj: &Value) -> Vec<FieldError> {
    meta::validate_object_meta_create(info, metadata(obj))
}

/// `ValidateServiceAccountUpdate`.
pub fn service_account_update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = meta::validate_object_meta_update(info, metadata(new), metadata(old));
    errs.extend(service_account(info, new));
    errs
}

/// `ValidateLeaseSpec`.
fn lease_spec(obj: &Value) -> Vec<FieldError> {
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    let path = FieldPath::new("spec");
    let mut errs = Vec::new();
    if let Some(d) = spec.get("leaseDurationSeconds").and_then(Value::as_i64)
        && d <= 0
    {
        errs.push(FieldError::invalid(
            path.child("leaseDurationSeconds"),
            d,
            "must be greater than 0",
        ));
    }
    if let Some(t) = spec.get("leaseTransitions").and_then(Value::as_i64)
        && t < 0
    {
        errs.push(FieldError::invalid(
            path.child("leaseTransitions"),
            t,
            "must be greater than or equal to 0",
        ));
    }
    let strategy = spec
        .get("strategy")
        .filter(|v| !v.is_null())
        .map(value_text);
    if let Some(strategy) = &strategy {
        // Upstream appends "strategy" to a path that already ends in it.
        let spath = path.child("strategy").child("strategy");
        if strategy.contains('/') {
            for msg in names::qualified_name(strategy) {
                errs.push(FieldError::invalid(&spath, strategy.as_str(), msg));
            }
        } else if strategy != "OldestEmulationVersion" {
            errs.push(FieldError::not_supported(
                &spath,
                strategy.as_str(),
                &["OldestEmulationVersion"],
            ));
        }
    }
    let holder = spec
        .get("preferredHolder")
        .map(value_text)
        .unwrap_or_default();
    if !holder.is_empty() && strategy.as_deref().unwrap_or("").is_empty() {
        errs.push(FieldError::forbidden(
            path.child("preferredHolder"),
            "may only be specified if `strategy` is defined",
        ));
    }
    errs
}

/// `ValidateLease`. Lease uses the apimachinery metadata rules without the core-group
/// finalizer rule.
pub fn lease(info: &ResourceInfo, obj: &Value) -> Vec<FieldError> {
    let mut errs = meta::validate_object_meta_create(info, metadata(obj));
    errs.extend(lease_spec(obj));
    errs
}

/// `ValidateLeaseUpdate`.
pub fn lease_update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = meta::validate_object_meta_update(info, metadata(new), metadata(old));
    errs.extend(lease_spec(new));
    errs
}
