//! Spec validation for Nodes (`ValidateNode`, `ValidateNodeUpdate`), with upstream's messages
//! and field paths.

use std::cmp::Ordering;

use serde_json::Value;

use super::FieldError;
use super::field::{BadValue, FieldPath};
use super::gofmt;
use super::meta::{validate_object_meta_create, validate_object_meta_update};
use super::names;
use super::network::common::{
    child, entries, get, list, opt_int, qualified_name, str_of, string_slice_value, strings,
};
use super::network::ip;
use super::storage::quantity::Quantity;
use crate::registry::ResourceInfo;

const TAINT_EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
const INTEGER_RESOURCES: [&str; 9] = [
    "pods",
    "count/pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "services.nodeports",
];

fn metadata(obj: &Value) -> &Value {
    obj.get("metadata").unwrap_or(&Value::Null)
}

/// `helper.IsIntegerResourceName`: the counted quota resources, and extended resources
/// (prefixed names outside `kubernetes.io/`, and not `requests.`…).
fn is_integer_resource(name: &str) -> bool {
    if INTEGER_RESOURCES.contains(&name) {
        return true;
    }
    let native = !name.contains('/') || name.contains("kubernetes.io/");
    !native
        && !name.starts_with("requests.")
        && names::qualified_name(&format!("requests.{name}")).is_empty()
}

/// `ValidateResourceQuantityValue` over a status resource list.
fn resources(status: &Value, key: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (name, raw) in entries(status, key) {
        let Some(q) = Quantity::from_json(raw) else {
            continue;
        };
        let path = FieldPath::new("status").child(key).child(name);
        if q.sign() == Ordering::Less {
            errs.push(FieldError::invalid(
                &path,
                q.display(),
                "must be greater than or equal to 0",
            ));
        }
        if is_integer_resource(name) && !q.is_integer() {
            errs.push(FieldError::invalid(
                &path,
                q.display(),
                "must be an integer",
            ));
        }
    }
    errs
}

/// Go's `%#v` of a `core.Taint`.
fn taint_value(taint: &Value) -> BadValue {
    BadValue::Raw(gofmt::go_struct(
        "core.Taint",
        &[
            ("Key", gofmt::quote(str_of(taint, "key"))),
            ("Value", gofmt::quote(str_of(taint, "value"))),
            ("Effect", gofmt::quote(str_of(taint, "effect"))),
            (
                "TimeAdded",
                gofmt::pointer("v1.Time", get(taint, "timeAdded").is_some()),
            ),
        ],
    ))
}

/// `validateNodeTaints`. Upstream roots the path at `metadata`, so taints report as
/// `metadata.taints[i]`.
fn taints(spec: &Value) -> Vec<FieldError> {
    let root = FieldPath::new("metadata").child("taints");
    let mut errs = Vec::new();
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (i, taint) in list(spec, "taints").iter().enumerate() {
        let path = root.index(i);
        let (key, value, effect) = (
            str_of(taint, "key"),
            str_of(taint, "value"),
            str_of(taint, "effect"),
        );
        errs.extend(qualified_name(key, &path.child("key")));
        let value_errs = names::label_value(value);
        if !value_errs.is_empty() {
            errs.push(FieldError::invalid(
                path.child("value"),
                value,
                value_errs.join(";"),
            ));
        }
        if effect.is_empty() {
            errs.push(FieldError::required(path.child("effect"), ""));
        } else if !TAINT_EFFECTS.contains(&effect) {
            errs.push(FieldError::not_supported(
                path.child("effect"),
                effect,
                &TAINT_EFFECTS,
            ));
        }
        if seen.contains(&(effect, key)) {
            let mut dup = FieldError::duplicate(&path, taint_value(taint));
            dup.detail = "taints must be unique by key and effect pair".to_owned();
            errs.push(dup);
            continue;
        }
        seen.push((effect, key));
    }
    errs
}

fn pod_cidrs(spec: &Value) -> Vec<FieldError> {
    let cidrs = strings(spec, "podCIDRs");
    let path = FieldPath::new("spec").child("podCIDRs");
    let mut errs = Vec::new();
    for (i, value) in cidrs.iter().enumerate() {
        errs.extend(ip::legacy_cidr(&path.index(i), value, &[]));
    }
    if cidrs.len() > 1 {
        let parsed: Result<Vec<ip::Cidr>, String> = cidrs
            .iter()
            .enumerate()
            .map(|(i, c)| {
                ip::parse_cidr_sloppy(c)
                    .ok_or_else(|| format!("invalid CIDR[{i}]: <nil> (invalid CIDR address: {c})"))
            })
            .collect();
        let dual = match parsed {
            Ok(list) => {
                let v6 = list.iter().filter(|c| c.ipv6).count();
                v6 > 0 && v6 < list.len()
            }
            Err(e) => {
                errs.push(FieldError::internal(
                    &path,
                    format!("invalid PodCIDRs. failed to check with dual stack with error:{e}"),
                ));
                false
            }
        };
        if !dual || cidrs.len() > 2 {
            errs.push(FieldError::invalid(
                &path,
                string_slice_value(&cidrs),
                "may specify no more than one CIDR for each IP family",
            ));
        }
    }
    errs
}

/// `ValidateNode`.
fn validate_node(info: &ResourceInfo, obj: &Value) -> Vec<FieldError> {
    let mut errs = validate_object_meta_create(info, metadata(obj));
    let (spec, status) = (child(obj, "spec"), child(obj, "status"));
    errs.extend(taints(spec));
    errs.extend(resources(status, "capacity"));
    errs.extend(resources(status, "allocatable"));
    if let Some(capacity) = opt_int(child(child(status, "nodeInfo"), "swap"), "capacity")
        && capacity <= 0
    {
        // Upstream roots this path at `metadata` too.
        errs.push(FieldError::invalid(
            FieldPath::new("metadata")
                .child("nodeSwapStatus")
                .child("capacity"),
            capacity,
            "must be greater than zero",
        ));
    }
    errs.extend(pod_cidrs(spec));
    errs
}

/// Create validation of a Node (the strategy's `Validate`).
pub fn validate(info: &ResourceInfo, obj: &Value) -> Vec<FieldError> {
    validate_node(info, obj)
}

/// Update validation of a Node (the strategy's `ValidateUpdate`: `ValidateNode`, then
/// `ValidateNodeUpdate`).
pub fn validate_update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = validate_node(info, new);
    errs.extend(validate_object_meta_update(
        info,
        metadata(new),
        metadata(old),
    ));
    let (spec, old_spec, status) = (child(new, "spec"), child(old, "spec"), child(new, "status"));
    errs.extend(resources(status, "capacity"));
    errs.extend(resources(status, "allocatable"));
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (i, address) in list(status, "addresses").iter().enumerate() {
        let key = (str_of(address, "type"), str_of(address, "address"));
        if seen.contains(&key) {
            errs.push(FieldError::duplicate(
                FieldPath::new("status").child("addresses").index(i),
                BadValue::Raw(gofmt::go_struct(
                    "core.NodeAddress",
                    &[
                        ("Type", gofmt::quote(key.0)),
                        ("Address", gofmt::quote(key.1)),
                    ],
                )),
            ));
        }
        seen.push(key);
    }
    const POD_CIDR: &str = "node updates may not change podCIDR except from \"\" to valid";
    let (old_cidrs, new_cidrs) = (strings(old_spec, "podCIDRs"), strings(spec, "podCIDRs"));
    if !old_cidrs.is_empty() {
        let cidr_path = FieldPath::new("spec").child("podCIDRs");
        if old_cidrs.len() != new_cidrs.len() {
            errs.push(FieldError::forbidden(&cidr_path, POD_CIDR));
        } else {
            for (o, n) in old_cidrs.iter().zip(&new_cidrs) {
                if o != n {
                    errs.push(FieldError::forbidden(&cidr_path, POD_CIDR));
                }
            }
        }
    }
    let old_provider = str_of(old_spec, "providerID");
    if !old_provider.is_empty() && old_provider != str_of(spec, "providerID") {
        errs.push(FieldError::forbidden(
            FieldPath::new("spec").child("providerID"),
            "node updates may not change providerID except from \"\" to valid",
        ));
    }
    errs.extend(taints(spec));
    if str_of(spec, "externalID") != str_of(old_spec, "externalID") {
        errs.push(FieldError::forbidden(
            FieldPath::new("spec").child("externalID"),
            "may not be updated",
        ));
    }
    errs
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
