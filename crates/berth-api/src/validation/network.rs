//! Spec validation for Services, Endpoints and EndpointSlices, with upstream's messages and
//! field paths.

pub(crate) mod common;
mod endpoints;
pub(crate) mod ip;
mod service;
mod service_ips;
mod service_prepare;

use serde_json::Value;

use service_prepare::{prepare_service_create, prepare_service_update};

use super::FieldError;
use super::meta::{validate_object_meta_create, validate_object_meta_update};
use crate::registry::ResourceInfo;

fn metadata(obj: &Value) -> &Value {
    obj.get("metadata").unwrap_or(&Value::Null)
}

/// Create validation of a Service, Endpoints or EndpointSlice (the strategy's `Validate`).
///
/// A Service is validated as the registry sees it after its create hook: when only
/// `clusterIP` was sent, `clusterIPs` mirrors it. That step is idempotent, so it is harmless
/// when the caller's defaulting already did it.
pub fn validate(info: &ResourceInfo, obj: &Value) -> Vec<FieldError> {
    match info.kind {
        "Service" => {
            let mut svc = obj.clone();
            prepare_service_create(&mut svc);
            service::validate(info, &svc, None)
        }
        "Endpoints" => endpoints::validate_endpoints(info, obj, None),
        "EndpointSlice" => endpoints::validate_slice(info, obj, None),
        _ => validate_object_meta_create(info, metadata(obj)),
    }
}

/// Update validation of a Service, Endpoints or EndpointSlice (the strategy's
/// `ValidateUpdate`).
///
/// A Service update is validated after the registry's update steps, which are idempotent:
/// allocated cluster IPs, node ports and the health-check port the client left out are
/// carried over from `old`, `clusterIP`/`clusterIPs` are synced, and fields the new type no
/// longer uses are cleared when the client left them unchanged. So re-applying a manifest
/// without the allocated values passes the immutability rules.
pub fn validate_update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    match info.kind {
        "Service" => {
            let mut old_svc = old.clone();
            prepare_service_create(&mut old_svc);
            let mut new_svc = new.clone();
            prepare_service_update(&mut new_svc, &old_svc);
            service::validate_update(info, &new_svc, &old_svc)
        }
        "Endpoints" => endpoints::validate_endpoints_update(info, new, old),
        "EndpointSlice" => endpoints::validate_slice_update(info, new, old),
        _ => validate_object_meta_update(info, metadata(new), metadata(old)),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
