//! The downward API sources of environment variables: `fieldRef` and `resourceFieldRef`.

use berth_api::quantity::Quantity as ParsedQuantity;
use k8s_openapi::api::core::v1::{Container, ObjectFieldSelector, Pod, ResourceFieldSelector};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::{EnvError, EnvInputs, find_container};

const NANOS_PER_MILLI: i128 = 1_000_000;
const NANOS_PER_UNIT: i128 = 1_000_000_000;

/// The key of a subscripted path: `metadata.labels['key']` with field `metadata.labels` → `key`.
fn subscript<'a>(path: &'a str, field: &str) -> Option<&'a str> {
    path.strip_prefix(field)?
        .strip_prefix("['")?
        .strip_suffix("']")
}

pub(super) fn field_value(
    pod: &Pod,
    f: &ObjectFieldSelector,
    inputs: &EnvInputs<'_>,
) -> Result<String, EnvError> {
    let meta = &pod.metadata;
    let spec = pod.spec.as_ref();
    let path = f.field_path.as_str();
    let owned = |v: Option<&String>| v.cloned().unwrap_or_default();
    let value = match path {
        "metadata.name" => owned(meta.name.as_ref()),
        "metadata.namespace" => owned(meta.namespace.as_ref()),
        "metadata.uid" => owned(meta.uid.as_ref()),
        "spec.nodeName" => owned(spec.and_then(|s| s.node_name.as_ref())),
        "spec.serviceAccountName" => owned(spec.and_then(|s| s.service_account_name.as_ref())),
        "status.hostIP" => owned(inputs.host_ips.first()),
        "status.hostIPs" => inputs.host_ips.join(","),
        "status.podIP" => owned(inputs.pod_ips.first()),
        "status.podIPs" => inputs.pod_ips.join(","),
        _ => {
            if let Some(key) = subscript(path, "metadata.labels") {
                owned(meta.labels.as_ref().and_then(|m| m.get(key)))
            } else if let Some(key) = subscript(path, "metadata.annotations") {
                owned(meta.annotations.as_ref().and_then(|m| m.get(key)))
            } else {
                return Err(EnvError::UnsupportedFieldPath(path.to_owned()));
            }
        }
    };
    Ok(value)
}

fn parse_quantity(q: &Quantity) -> Result<ParsedQuantity, EnvError> {
    ParsedQuantity::parse(&q.0).map_err(|_| EnvError::UnsupportedResource(q.0.clone()))
}

/// Ceiling of `a / b` for a non-negative `a` and positive `b`.
fn div_ceil(a: i128, b: i128) -> i128 {
    if b <= 0 {
        return 0;
    }
    (a + b - 1).div_euclid(b)
}

pub(super) fn resource_value(
    pod: &Pod,
    own: &Container,
    r: &ResourceFieldSelector,
    inputs: &EnvInputs<'_>,
) -> Result<String, EnvError> {
    let ctr = match r.container_name.as_deref().filter(|n| !n.is_empty()) {
        Some(name) => {
            find_container(pod, name).ok_or_else(|| EnvError::ContainerNotFound(name.to_owned()))?
        }
        None => own,
    };
    let unsupported = || EnvError::UnsupportedResource(r.resource.clone());
    let (kind, name) = r.resource.split_once('.').ok_or_else(unsupported)?;
    let resources = ctr.resources.as_ref();
    let quantity = match kind {
        "limits" => resources
            .and_then(|res| res.limits.as_ref())
            .and_then(|m| m.get(name))
            // An unset limit means the container may use all of the node's allocatable.
            .or_else(|| inputs.node_allocatable.get(name)),
        "requests" => resources
            .and_then(|res| res.requests.as_ref())
            .and_then(|m| m.get(name)),
        _ => return Err(unsupported()),
    };
    let nanos = match quantity {
        Some(q) => parse_quantity(q)?.nanos().max(0),
        None => 0,
    };
    let divisor = match &r.divisor {
        Some(d) => parse_quantity(d)?.nanos(),
        None => 0,
    };
    let divisor = if divisor <= 0 {
        NANOS_PER_UNIT
    } else {
        divisor
    };
    let (value, unit) = match name {
        // CPU is computed in millicores: MilliValue() rounds each side up first.
        "cpu" => (
            div_ceil(nanos, NANOS_PER_MILLI),
            div_ceil(divisor, NANOS_PER_MILLI),
        ),
        "memory" | "ephemeral-storage" => (
            div_ceil(nanos, NANOS_PER_UNIT),
            div_ceil(divisor, NANOS_PER_UNIT),
        ),
        n if n.starts_with("hugepages-") => (
            div_ceil(nanos, NANOS_PER_UNIT),
            div_ceil(divisor, NANOS_PER_UNIT),
        ),
        _ => return Err(unsupported()),
    };
    Ok(div_ceil(value, unit.max(1)).to_string())
}
