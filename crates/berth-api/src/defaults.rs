//! Defaulting: what a Kubernetes 1.33 API server fills into an object before it stores it, so
//! that `kubectl get -o yaml` shows the same object berth stores.
//!
//! Three entry points follow upstream's stages:
//!
//! - [`apply`] runs on every write (create, update, patch, subresource writes) and may run again
//!   on reads. It covers the versioned defaulters (`SetDefaults_*`), the normalisations upstream's
//!   conversion makes (`serviceAccount` echoes `serviceAccountName`, `podIP` matches `podIPs[0]`,
//!   StatefulSet claim templates carry `apiVersion`/`kind`), the fields Go's encoder always
//!   writes (`resources: {}`, Service `status.loadBalancer: {}`, `creationTimestamp: null` in
//!   templates), status defaults upstream applies at decode (PV/PVC `Pending`, Namespace
//!   `Active`), the ServiceAccount strategy's `secrets` cleanup, and the DefaultTolerationSeconds
//!   admission plugin (it runs on pod create and update).
//! - [`apply_on_create`] runs [`apply`] and then what only happens on create: the strategies'
//!   status reset (Pod `Pending` + QoS class, PV `Pending` + transition time, …), Namespace
//!   `kubernetes` finalizer, Service IP-family fields, PVC data-source normalisation, and the
//!   create-time admission plugins ServiceAccount (the `default` name), Priority and
//!   StorageObjectInUseProtection.
//! - [`apply_on_update`] runs [`apply`] and then what an update takes from the stored object:
//!   Pod priority fields (Priority admission) and the values a Service already has allocated.
//!
//! Admission steps that need other objects are separate functions the server calls with them:
//! [`default_storage_class`] (DefaultStorageClass) and [`mount_service_account`] (the token
//! volume and image pull secrets of the ServiceAccount plugin).
//!
//! Callers run these after the status reset / status copy of the registry strategy, because a
//! status default written earlier would be dropped with the client's status.

mod core;
mod image;
mod pod;
mod pod_create;
mod quantity;
mod service;
mod storage;
mod workloads;

use serde_json::{Map, Value, json};

pub use pod_create::mount_service_account;
pub use storage::default_storage_class;

/// An admission plugin refused the object (HTTP 403, reason `Forbidden`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdmissionError {
    /// The message after `<resource> "<name>" is forbidden: `.
    #[error("{0}")]
    Forbidden(String),
}

/// Applies upstream's defaulting to `obj` (wire form of `group`/`kind`), in place. Idempotent.
pub fn apply(group: &str, kind: &str, obj: &mut Value) {
    let Some(o) = obj.as_object_mut() else {
        return;
    };
    match (group, kind) {
        ("", "Pod") => pod::pod(o),
        ("", "Service") => service::service(o),
        ("", "Endpoints") => service::endpoints(o),
        ("", "Secret") => core::secret(o),
        ("", "ServiceAccount") => core::service_account(o),
        ("", "Namespace") => core::namespace(o),
        ("", "Node") => core::node(o),
        ("", "Event") => core::event(o),
        ("", "PersistentVolume") => storage::persistent_volume(o),
        ("", "PersistentVolumeClaim") => storage::persistent_volume_claim(o),
        ("apps", "Deployment") => workloads::deployment(o),
        ("apps", "ReplicaSet") => workloads::replica_set(o),
        ("apps", "StatefulSet") => workloads::stateful_set(o),
        ("apps", "ControllerRevision") => workloads::controller_revision(o),
        ("storage.k8s.io", "StorageClass") => storage::storage_class(o),
        ("discovery.k8s.io", "EndpointSlice") => service::endpoint_slice(o),
        ("coordination.k8s.io", "Lease") => core::lease(o),
        _ => {}
    }
}

/// [`apply`] plus what upstream does only when the object is created. `now` is the request
/// time as upstream prints it (`2006-01-02T15:04:05Z`); it stamps PV
/// `status.lastPhaseTransitionTime` and a Pod's `SchedulingGated` condition.
///
/// Call it after name generation and the strategy's status reset, before validation. The error
/// is the Priority admission plugin refusing a Pod.
pub fn apply_on_create(
    group: &str,
    kind: &str,
    obj: &mut Value,
    now: &str,
) -> Result<(), AdmissionError> {
    apply(group, kind, obj);
    let Some(o) = obj.as_object_mut() else {
        return Ok(());
    };
    match (group, kind) {
        ("", "Pod") => pod_create::on_create(o, now)?,
        ("", "Service") => service::on_create(o),
        ("", "Namespace") => core::namespace_on_create(o),
        ("", "PersistentVolume") => storage::persistent_volume_on_create(o, now),
        ("", "PersistentVolumeClaim") => storage::persistent_volume_claim_on_create(o),
        ("apps", "Deployment" | "ReplicaSet" | "StatefulSet") => workloads::on_create(kind, o),
        _ => {}
    }
    Ok(())
}

/// [`apply`] plus what an update takes from `old`, the stored object: a Pod keeps the
/// `priority` and `preemptionPolicy` admission gave it; a Service keeps its allocated
/// `clusterIP`/`clusterIPs`, node ports and health-check node port when the new object leaves
/// them empty and its `ipFamilyPolicy` when the new object has none, and loses the fields its
/// new type no longer uses (node ports, cluster IPs, external policy, load-balancer fields and
/// status) when the client left the old values in place.
///
/// Call it after the strategy copied the stored status into `new`, before validation.
pub fn apply_on_update(group: &str, kind: &str, old: &Value, new: &mut Value) {
    apply(group, kind, new);
    let (Some(n), Some(o)) = (new.as_object_mut(), old.as_object()) else {
        return;
    };
    match (group, kind) {
        ("", "Pod") => pod_create::on_update(o, n),
        ("", "Service") => service::on_update(o, n),
        _ => {}
    }
}

/// A JSON object, as the walkers see one.
pub(crate) type Obj = Map<String, Value>;

/// Absent or `null`: a nil pointer in Go.
fn unset(v: Option<&Value>) -> bool {
    matches!(v, None | Some(Value::Null))
}

/// A nil pointer gets `val`.
fn set_if_unset(m: &mut Obj, key: &str, val: Value) {
    if unset(m.get(key)) {
        m.insert(key.to_owned(), val);
    }
}

/// A Go string at its zero value (`""` or absent) gets `val`.
fn set_if_empty(m: &mut Obj, key: &str, val: &str) {
    if str_of(m, key).is_empty() {
        m.insert(key.to_owned(), json!(val));
    }
}

/// A Go integer at its zero value gets `val`.
fn set_if_zero(m: &mut Obj, key: &str, val: i64) {
    let zero = match m.get(key) {
        None | Some(Value::Null) => true,
        Some(v) => v.as_f64() == Some(0.0),
    };
    if zero {
        m.insert(key.to_owned(), json!(val));
    }
}

/// The string at `key`, or `""`.
fn str_of<'a>(m: &'a Obj, key: &str) -> &'a str {
    m.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The object at `key`, if there is one.
fn obj_mut<'a>(m: &'a mut Obj, key: &str) -> Option<&'a mut Obj> {
    m.get_mut(key).and_then(Value::as_object_mut)
}

/// The object at `key`, created empty when absent or `null` (a Go struct field, which the
/// encoder always writes).
fn ensure_obj<'a>(m: &'a mut Obj, key: &str) -> Option<&'a mut Obj> {
    set_if_unset(m, key, json!({}));
    obj_mut(m, key)
}

/// The objects in the list at `key`.
fn each_obj<'a>(m: &'a mut Obj, key: &str) -> impl Iterator<Item = &'a mut Obj> {
    m.get_mut(key)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object_mut)
}

/// An embedded `ObjectMeta` (pod and claim templates): Go always writes it, and 1.33 writes its
/// zero `creationTimestamp` as `null`.
fn template_meta(m: &mut Obj) {
    if let Some(meta) = ensure_obj(m, "metadata")
        && !meta.contains_key("creationTimestamp")
    {
        meta.insert("creationTimestamp".to_owned(), Value::Null);
    }
}

/// Appends `finalizer` to `metadata.finalizers` unless it is there.
fn add_finalizer(m: &mut Obj, finalizer: &str) {
    let Some(meta) = ensure_obj(m, "metadata") else {
        return;
    };
    set_if_unset(meta, "finalizers", json!([]));
    if let Some(list) = meta.get_mut("finalizers").and_then(Value::as_array_mut)
        && !list.iter().any(|f| f.as_str() == Some(finalizer))
    {
        list.push(json!(finalizer));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests_kinds;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests_workloads;
