//! Namespace, Secret, ServiceAccount, Node, Event and Lease: the small core kinds.

use serde_json::{Value, json};

use super::quantity::resource_list;
use super::{Obj, ensure_obj, set_if_empty, set_if_unset, str_of, unset};

/// `SetDefaults_Secret`.
pub(super) fn secret(o: &mut Obj) {
    set_if_empty(o, "type", "Opaque");
}

/// The ServiceAccount strategy (create and update) keeps only the name of each `secrets` entry.
pub(super) fn service_account(o: &mut Obj) {
    if let Some(list) = o.get_mut("secrets").and_then(Value::as_array_mut) {
        for s in list.iter_mut() {
            let name = s.get("name").cloned().filter(|n| !n.is_null());
            *s = match name {
                Some(n) => json!({ "name": n }),
                None => json!({}),
            };
        }
    }
}

/// `SetDefaults_Namespace` (the `kubernetes.io/metadata.name` label, which the strategy also
/// forces on every write) and `SetDefaults_NamespaceStatus`. `spec` is a struct Go always
/// writes.
pub(super) fn namespace(o: &mut Obj) {
    let name = o
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if !name.is_empty()
        && let Some(labels) = ensure_obj(o, "metadata").and_then(|m| ensure_obj(m, "labels"))
    {
        labels.insert("kubernetes.io/metadata.name".to_owned(), json!(name));
    }
    ensure_obj(o, "spec");
    if let Some(status) = ensure_obj(o, "status") {
        set_if_empty(status, "phase", "Active");
    }
}

/// Create: the strategy appends the `kubernetes` finalizer and starts the namespace `Active`.
pub(super) fn namespace_on_create(o: &mut Obj) {
    if let Some(spec) = ensure_obj(o, "spec") {
        set_if_unset(spec, "finalizers", json!([]));
        if let Some(list) = spec.get_mut("finalizers").and_then(Value::as_array_mut)
            && !list.iter().any(|f| f.as_str() == Some("kubernetes"))
        {
            list.push(json!("kubernetes"));
        }
    }
    o.insert("status".to_owned(), json!({"phase": "Active"}));
}

/// `SetObjectDefaults_Node`, and the status structs Go always writes (`daemonEndpoints`,
/// `nodeInfo` with its string fields).
pub(super) fn node(o: &mut Obj) {
    ensure_obj(o, "spec");
    let Some(status) = ensure_obj(o, "status") else {
        return;
    };
    if unset(status.get("allocatable"))
        && let Some(capacity) = status.get("capacity").filter(|c| c.is_object()).cloned()
    {
        status.insert("allocatable".to_owned(), capacity);
    }
    resource_list(status, "capacity");
    resource_list(status, "allocatable");
    if let Some(endpoint) =
        ensure_obj(status, "daemonEndpoints").and_then(|d| ensure_obj(d, "kubeletEndpoint"))
    {
        set_if_unset(endpoint, "Port", json!(0));
    }
    if let Some(info) = ensure_obj(status, "nodeInfo") {
        for key in [
            "machineID",
            "systemUUID",
            "bootID",
            "kernelVersion",
            "osImage",
            "containerRuntimeVersion",
            "kubeletVersion",
            "kubeProxyVersion",
            "operatingSystem",
            "architecture",
        ] {
            set_if_unset(info, key, json!(""));
        }
    }
}

/// A core Event has no defaulter, but Go always writes `involvedObject` and `source`, its
/// zero timestamps as `null`, and `reportingComponent` / `reportingInstance` as strings.
pub(super) fn event(o: &mut Obj) {
    ensure_obj(o, "involvedObject");
    ensure_obj(o, "source");
    for key in ["firstTimestamp", "lastTimestamp", "eventTime"] {
        if !o.contains_key(key) {
            o.insert(key.to_owned(), Value::Null);
        }
    }
    for key in ["reportingComponent", "reportingInstance"] {
        if str_of(o, key).is_empty() {
            o.insert(key.to_owned(), json!(""));
        }
    }
}

/// A Lease has no defaulter; its `spec` struct is always written.
pub(super) fn lease(o: &mut Obj) {
    ensure_obj(o, "spec");
}
