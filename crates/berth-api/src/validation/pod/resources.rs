//! Container resource requirements (`ValidateContainerResourceRequirements`): resource names,
//! quantities, requests against limits, and the rules for extended resources and hugepages.

use serde_json::Value;

use super::access::{Errs, Json, scalar_text};
use crate::quantity::Quantity;
use crate::validation::field::{FieldError, FieldPath};
use crate::validation::names;

const STANDARD_CONTAINER_RESOURCES: [&str; 3] = ["cpu", "memory", "ephemeral-storage"];
const STANDARD_RESOURCES: [&str; 20] = [
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "resourcequotas",
    "services",
    "replicationcontrollers",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "storage",
    "requests.storage",
    "services.nodeports",
    "services.loadbalancers",
];
const INTEGER_RESOURCES: [&str; 9] = [
    "pods",
    "resourcequotas",
    "services",
    "replicationcontrollers",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "services.nodeports",
    "services.loadbalancers",
];

fn is_hugepages(name: &str) -> bool {
    name.starts_with("hugepages-")
}

fn is_standard_resource(name: &str) -> bool {
    STANDARD_RESOURCES.contains(&name)
        || name.starts_with("hugepages-")
        || name.starts_with("requests.hugepages-")
}

fn is_native(name: &str) -> bool {
    !name.contains('/') || name.contains("kubernetes.io/")
}

fn is_extended(name: &str) -> bool {
    !is_native(name)
        && !name.starts_with("requests.")
        && names::qualified_name(&format!("requests.{name}")).is_empty()
}

fn overcommit_allowed(name: &str) -> bool {
    is_native(name) && !is_hugepages(name)
}

fn is_integer_resource(name: &str) -> bool {
    INTEGER_RESOURCES.contains(&name) || is_extended(name)
}

/// `validateResourceName`.
fn resource_name(name: &str, path: &FieldPath) -> Errs {
    let msgs = names::qualified_name(name);
    if !msgs.is_empty() {
        return msgs
            .into_iter()
            .map(|m| FieldError::invalid(path, name, m))
            .collect();
    }
    if !name.contains('/') && !is_standard_resource(name) {
        return vec![FieldError::invalid(
            path,
            name,
            "must be a standard resource type or fully qualified",
        )];
    }
    Vec::new()
}

/// `validateContainerResourceName`.
fn container_resource_name(name: &str, path: &FieldPath) -> Errs {
    let mut errs = resource_name(name, path);
    if !name.contains('/') {
        if !STANDARD_CONTAINER_RESOURCES.contains(&name) && !is_hugepages(name) {
            errs.push(FieldError::invalid(
                path,
                name,
                "must be a standard resource for containers",
            ));
        }
    } else if !is_native(name) && !is_extended(name) {
        errs.push(FieldError::invalid(
            path,
            name,
            "doesn't follow extended resource name standard",
        ));
    }
    errs
}

/// Parses one quantity, reporting text that does not parse at the entry's path.
pub(crate) fn parse_quantity(raw: &Value, path: &FieldPath, errs: &mut Errs) -> Option<Quantity> {
    let text = scalar_text(raw);
    match Quantity::parse(&text) {
        Ok(q) => Some(q),
        Err(err) => {
            errs.push(FieldError::invalid(path, text, err.to_string()));
            None
        }
    }
}

/// `ValidateResourceQuantityValue`: not negative, and whole for integer resources.
pub(crate) fn quantity_value(name: &str, q: &Quantity, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    if q.is_negative() {
        errs.push(FieldError::invalid(
            path,
            q.canonical(),
            "must be greater than or equal to 0",
        ));
    }
    if is_integer_resource(name) && !q.is_integer() {
        // Upstream passes the Quantity itself, whose %#v is a struct; its text stands in.
        errs.push(FieldError::invalid(
            path,
            q.canonical(),
            "must be an integer",
        ));
    }
    errs
}

fn sorted_entries(list: &Value) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = list
        .as_object()
        .map(|m| m.iter().collect())
        .unwrap_or_default();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

/// `ValidateContainerResourceRequirements` for `resources` at `path`.
pub(crate) fn container_resources(resources: &Value, path: &FieldPath) -> Errs {
    let mut errs = Errs::new();
    let lim_path = path.child("limits");
    let req_path = path.child("requests");
    let limits_raw = resources.at("limits").unwrap_or(&Value::Null);
    let (mut lim_compute, mut req_compute, mut lim_huge, mut req_huge) =
        (false, false, false, false);
    let mut limits: Vec<(&str, Option<Quantity>)> = Vec::new();
    for (name, raw) in sorted_entries(limits_raw) {
        let p = lim_path.key(name);
        errs.extend(container_resource_name(name, &p));
        let q = parse_quantity(raw, &p, &mut errs);
        if let Some(q) = &q {
            errs.extend(quantity_value(name, q, &p));
        }
        lim_huge |= is_hugepages(name);
        lim_compute |= name == "cpu" || name == "memory";
        limits.push((name.as_str(), q));
    }
    for (name, raw) in sorted_entries(resources.at("requests").unwrap_or(&Value::Null)) {
        let p = req_path.key(name);
        errs.extend(container_resource_name(name, &p));
        let Some(q) = parse_quantity(raw, &p, &mut errs) else {
            continue;
        };
        errs.extend(quantity_value(name, &q, &p));
        match limits.iter().find(|(n, _)| *n == name.as_str()) {
            Some((_, Some(limit))) => {
                if q != *limit && !overcommit_allowed(name) {
                    errs.push(FieldError::invalid(
                        &req_path,
                        q.canonical(),
                        format!("must be equal to {name} limit of {}", limit.canonical()),
                    ));
                } else if q > *limit {
                    errs.push(FieldError::invalid(
                        &req_path,
                        q.canonical(),
                        format!(
                            "must be less than or equal to {name} limit of {}",
                            limit.canonical()
                        ),
                    ));
                }
            }
            Some((_, None)) => {}
            None => {
                if !overcommit_allowed(name) {
                    errs.push(FieldError::required(
                        &lim_path,
                        "Limit must be set for non overcommitable resources",
                    ));
                }
            }
        }
        req_huge |= is_hugepages(name);
        req_compute |= name == "cpu" || name == "memory";
    }
    if !lim_compute && !req_compute && (req_huge || lim_huge) {
        errs.push(FieldError::forbidden(
            path,
            "HugePages require cpu or memory",
        ));
    }
    errs
}
