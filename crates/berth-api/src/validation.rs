//! Object validation with upstream's exact messages: field errors and their rendering
//! ([`field`]), the format checks and name rules ([`names`]), ObjectMeta rules, and per-kind
//! validation behind [`validate_create`] / [`validate_update`].
//!
//! The entry points reproduce the whole error list a 1.33 apiserver puts into a 422, in its
//! order and with its duplicates: on create the kind's validation and, only if that passed,
//! the store's generic metadata check; on update the store's generic metadata checks followed
//! by the kind's update validation. Callers pass objects after the server's own preparation
//! (defaulting, generated name, request namespace, `stringData` merged into `data`, and on
//! update uid/timestamps restored and `resourceVersion` filled from the stored object).

pub mod event;
pub mod field;
pub mod gofmt;
mod gojson;
pub mod kinds;
mod meta;
mod meta_refs;
pub mod names;
pub mod network;
pub mod node;
pub mod pod;
pub mod storage;
pub mod workloads;

use serde_json::{Map, Value};

pub use event::EventApi;
pub use field::{BadValue, FieldError, FieldErrorKind, FieldPath, invalid_message, qualified_kind};
pub use meta::{
    GENERATE_NAME_ALPHABET, GENERATE_NAME_RANDOM_LENGTH, MAX_GENERATED_PREFIX_LENGTH,
    TOTAL_ANNOTATION_SIZE_LIMIT, generate_name, validate_object_meta_create,
    validate_object_meta_update,
};
pub use names::{
    NameFn, c_identifier, config_map_key, dns1035_label, dns1123_label, dns1123_subdomain,
    env_var_name, http_header_name, label_value, name_validator, path_segment_name, percent,
    port_name, port_number, qualified_name,
};

use crate::convert;
use crate::registry::ResourceInfo;

fn metadata(obj: &Value) -> &Value {
    obj.get("metadata").unwrap_or(&Value::Null)
}

/// The core form of an Event addressed through `info`, and the API the request used. An
/// object already in core form (`apiVersion: v1`, as stored) is taken as is.
fn core_event(info: &ResourceInfo, obj: &Value) -> (Value, EventApi) {
    let api = if info.group == "events.k8s.io" {
        EventApi::EventsV1
    } else {
        EventApi::CoreV1
    };
    let is_core =
        obj.get("apiVersion").and_then(Value::as_str) == Some(convert::CORE_EVENT_API_VERSION);
    if api == EventApi::CoreV1 || is_core {
        return (obj.clone(), api);
    }
    let core = convert::events_v1_to_core_event(obj).unwrap_or_else(|_| Value::Object(Map::new()));
    (core, api)
}

/// The kind's own create validation (the strategy's `Validate`).
fn kind_create(info: &ResourceInfo, obj: &Value) -> Vec<FieldError> {
    match (info.group, info.kind) {
        ("", "ConfigMap") => kinds::config_map(info, obj),
        ("", "Secret") => kinds::secret(info, obj),
        ("", "Namespace") => kinds::namespace(info, obj),
        ("", "ServiceAccount") => kinds::service_account(info, obj),
        ("", "Event") | ("events.k8s.io", "Event") => {
            let (core, api) = core_event(info, obj);
            event::validate_event_create(info, &core, api)
        }
        ("coordination.k8s.io", "Lease") => kinds::lease(info, obj),
        ("", "Pod") => pod::validate(info, obj),
        ("apps", "StatefulSet" | "Deployment" | "ReplicaSet" | "ControllerRevision") => {
            workloads::validate(info, obj)
        }
        ("", "Service" | "Endpoints") | ("discovery.k8s.io", "EndpointSlice") => {
            network::validate(info, obj)
        }
        ("", "PersistentVolume" | "PersistentVolumeClaim") | ("storage.k8s.io", "StorageClass") => {
            storage::validate(info, obj)
        }
        ("", "Node") => node::validate(info, obj),
        // Kinds whose spec rules are not implemented yet get their metadata rules; spec
        // validation for Pod, Service, StatefulSet, … belongs here.
        _ => validate_object_meta_create(info, metadata(obj)),
    }
}

/// The kind's own update validation (the strategy's `ValidateUpdate`).
fn kind_update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    match (info.group, info.kind) {
        ("", "ConfigMap") => kinds::config_map_update(info, new, old),
        ("", "Secret") => kinds::secret_update(info, new, old),
        ("", "Namespace") => kinds::namespace_update(info, new, old),
        ("", "ServiceAccount") => kinds::service_account_update(info, new, old),
        ("", "Event") | ("events.k8s.io", "Event") => {
            let (new_core, api) = core_event(info, new);
            let (old_core, _) = core_event(info, old);
            event::validate_event_update(info, &new_core, &old_core, api)
        }
        ("coordination.k8s.io", "Lease") => kinds::lease_update(info, new, old),
        ("", "Pod") => pod::validate_update(info, new, old),
        ("apps", "StatefulSet" | "Deployment" | "ReplicaSet" | "ControllerRevision") => {
            workloads::validate_update(info, new, old)
        }
        ("", "Service" | "Endpoints") | ("discovery.k8s.io", "EndpointSlice") => {
            network::validate_update(info, new, old)
        }
        ("", "PersistentVolume" | "PersistentVolumeClaim") | ("storage.k8s.io", "StorageClass") => {
            storage::validate_update(info, new, old)
        }
        ("", "Node") => node::validate_update(info, new, old),
        _ => validate_object_meta_update(info, metadata(new), metadata(old)),
    }
}

/// Every error a create of `obj` (wire form, in the representation `info` serves) gets: the
/// kind's validation, then, only when that passed, the generic ObjectMeta check with the
/// path-segment name rule. Create-only virtual resources are not validated here.
pub fn validate_create(info: &ResourceInfo, obj: &Value) -> Vec<FieldError> {
    if info.virtual_create_only {
        return Vec::new();
    }
    let errs = kind_create(info, obj);
    if !errs.is_empty() {
        return errs;
    }
    meta::generic_create(info, metadata(obj))
}

/// Every error an update of `old` to `new` gets: the generic ObjectMeta checks (path-segment
/// create rules on `new`, then the update rules), followed by the kind's update validation.
pub fn validate_update(info: &ResourceInfo, new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = meta::generic_update(info, metadata(new), metadata(old));
    errs.extend(kind_update(info, new, old));
    errs
}

/// An update through a subresource (`status`, `finalize`, …): the generic checks, then the
/// subresource's own rules. Subresources without specific rules get the metadata update rules.
pub fn validate_subresource_update(
    info: &ResourceInfo,
    subresource: &str,
    new: &Value,
    old: &Value,
) -> Vec<FieldError> {
    let mut errs = meta::generic_update(info, metadata(new), metadata(old));
    errs.extend(match (info.group, info.kind, subresource) {
        ("", "Namespace", "status") => kinds::namespace_status_update(info, new, old),
        ("", "Namespace", "finalize") => kinds::namespace_finalize_update(info, new, old),
        _ => validate_object_meta_update(info, metadata(new), metadata(old)),
    });
    errs
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "validation/tests_names.rs"]
mod tests_names;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "validation/tests_meta.rs"]
mod tests_meta;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "validation/tests_kinds.rs"]
mod tests_kinds;
