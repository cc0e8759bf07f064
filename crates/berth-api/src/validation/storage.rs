//! Spec validation for PersistentVolumes, PersistentVolumeClaims and StorageClasses, with
//! upstream's messages and field paths. The claim-spec rules are public so that StatefulSet
//! validation can apply them to `volumeClaimTemplates`.

mod class;
mod pv;
mod pv_sources;
mod pvc;
pub(crate) mod quantity;
mod selectors;

use serde_json::Value;

pub use pvc::{PvcSpecOptions, validate_pvc_spec};

use super::FieldError;
use super::field::FieldPath;
use super::gofmt;
use super::meta::{validate_object_meta_create, validate_object_meta_update};
use super::network::common::{list, pruned};
use crate::registry::ResourceInfo;

/// Access modes of volumes and claims, sorted.
const ACCESS_MODES: [&str; 4] = [
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];
/// Volume modes, sorted.
const VOLUME_MODES: [&str; 2] = ["Block", "Filesystem"];

fn metadata(obj: &Value) -> &Value {
    obj.get("metadata").unwrap_or(&Value::Null)
}

/// Each mode must be supported, and `ReadWriteOncePod` may not be combined with others.
pub(crate) fn access_mode_values(spec: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let (mut rwop, mut other) = (false, false);
    for mode in list(spec, "accessModes") {
        let mode = mode.as_str().unwrap_or("");
        if !ACCESS_MODES.contains(&mode) {
            errs.push(FieldError::not_supported(
                path.child("accessModes"),
                mode,
                &ACCESS_MODES,
            ));
        }
        if mode == "ReadWriteOncePod" {
            rwop = true;
        } else if ACCESS_MODES.contains(&mode) {
            other = true;
        }
    }
    if rwop && other {
        errs.push(FieldError::forbidden(
            path.child("accessModes"),
            "may not use ReadWriteOncePod with other access modes",
        ));
    }
    errs
}

/// The access-mode rules of a volume: required, then [`access_mode_values`].
fn access_modes(spec: &Value, path: &FieldPath, required_detail: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if list(spec, "accessModes").is_empty() {
        errs.push(FieldError::required(
            path.child("accessModes"),
            required_detail,
        ));
    }
    errs.extend(access_mode_values(spec, path));
    errs
}

/// Semantic equality: absent, `null`, `[]` and `{}` are all "empty".
fn same_value(a: Option<&Value>, b: Option<&Value>) -> bool {
    a.and_then(pruned) == b.and_then(pruned)
}

/// Go field name of a wire field (`accessModes` → `AccessModes`).
fn go_field(key: &str) -> String {
    let mut chars = key.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// An approximation of the `cmp.Diff` text upstream appends to immutability errors: the
/// changed top-level fields, old value with `-`, new value with `+`.
fn diff_message(type_name: &str, old: &Value, new: &Value) -> String {
    let (old, new) = (
        pruned(old).unwrap_or(Value::Null),
        pruned(new).unwrap_or(Value::Null),
    );
    let mut keys: Vec<&String> = old
        .as_object()
        .into_iter()
        .chain(new.as_object())
        .flat_map(|m| m.keys())
        .collect();
    keys.sort();
    keys.dedup();
    let mut out = format!("  {type_name}{{\n");
    for key in keys {
        let (o, n) = (old.get(key), new.get(key));
        if o == n {
            continue;
        }
        let name = go_field(key);
        if let Some(o) = o {
            out.push_str(&format!("- \t{name}: {},\n", gofmt::json_go_syntax(o)));
        }
        if let Some(n) = n {
            out.push_str(&format!("+ \t{name}: {},\n", gofmt::json_go_syntax(n)));
        }
    }
    out.push_str("  }\n");
    out
}

/// Create validation of a PersistentVolume, PersistentVolumeClaim or StorageClass (the
/// strategy's `Validate`).
pub fn validate(info: &ResourceInfo, obj: &Value) -> Vec<FieldError> {
    match info.kind {
        "PersistentVolume" => pv::create(info, obj),
        "PersistentVolumeClaim" => pvc::create(info, obj),
        "StorageClass" => class::create(info, obj),
        _ => validate_object_meta_create(info, metadata(obj)),
    }
}

/// Update validation of a PersistentVolume, PersistentVolumeClaim or StorageClass (the
/// strategy's `ValidateUpdate`). The caller has copied the stored `status` into `new`, as the
/// strategies do, since a claim's resize rules depend on its phase.
pub fn validate_update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    match info.kind {
        "PersistentVolume" => pv::update(info, new, old),
        "PersistentVolumeClaim" => pvc::update(info, new, old),
        "StorageClass" => class::update(info, new, old),
        _ => validate_object_meta_update(info, metadata(new), metadata(old)),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
