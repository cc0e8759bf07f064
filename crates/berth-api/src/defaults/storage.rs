//! PersistentVolume, PersistentVolumeClaim and StorageClass defaulting, what their strategies
//! and the StorageObjectInUseProtection plugin do on create, and the DefaultStorageClass
//! admission plugin.

use std::cmp::Ordering;

use jiff::Timestamp;
use serde_json::{Value, json};

use super::quantity::resource_list;
use super::{Obj, add_finalizer, ensure_obj, obj_mut, set_if_empty, set_if_unset, unset};

const PV_PROTECTION: &str = "kubernetes.io/pv-protection";
const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
const BETA_CLASS_ANNOTATION: &str = "volume.beta.kubernetes.io/storage-class";
const DEFAULT_CLASS_ANNOTATIONS: [&str; 2] = [
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
];

/// `SetObjectDefaults_PersistentVolume`.
pub(super) fn persistent_volume(o: &mut Obj) {
    if let Some(spec) = ensure_obj(o, "spec") {
        set_if_empty(spec, "persistentVolumeReclaimPolicy", "Retain");
        set_if_unset(spec, "volumeMode", json!("Filesystem"));
        resource_list(spec, "capacity");
        super::pod::legacy_sources(spec);
    }
    if let Some(status) = ensure_obj(o, "status") {
        set_if_empty(status, "phase", "Pending");
    }
}

/// Create: the strategy resets status to `Pending` with the transition time, and
/// StorageObjectInUseProtection adds its finalizer.
pub(super) fn persistent_volume_on_create(o: &mut Obj, now: &str) {
    o.insert(
        "status".to_owned(),
        json!({"phase": "Pending", "lastPhaseTransitionTime": now}),
    );
    add_finalizer(o, PV_PROTECTION);
}

/// `SetObjectDefaults_PersistentVolumeClaim`.
pub(super) fn persistent_volume_claim(o: &mut Obj) {
    if let Some(spec) = ensure_obj(o, "spec") {
        claim_spec(spec);
    }
    claim_status(o);
}

/// A claim's status, as defaulted for claims and StatefulSet claim templates.
pub(super) fn claim_status(o: &mut Obj) {
    if let Some(status) = ensure_obj(o, "status") {
        set_if_empty(status, "phase", "Pending");
        resource_list(status, "capacity");
        resource_list(status, "allocatedResources");
    }
}

/// `SetDefaults_PersistentVolumeClaimSpec` and its resource lists; `resources` is a struct Go
/// always writes.
pub(super) fn claim_spec(spec: &mut Obj) {
    set_if_unset(spec, "volumeMode", json!("Filesystem"));
    if let Some(res) = ensure_obj(spec, "resources") {
        resource_list(res, "limits");
        resource_list(res, "requests");
    }
}

/// Create: the strategy clears status (reads show `Pending`), keeps only data sources older
/// clients could name and mirrors `dataSource` / `dataSourceRef`; StorageObjectInUseProtection
/// adds its finalizer.
pub(super) fn persistent_volume_claim_on_create(o: &mut Obj) {
    o.insert("status".to_owned(), json!({"phase": "Pending"}));
    if let Some(spec) = obj_mut(o, "spec") {
        data_sources(spec);
    }
    add_finalizer(o, PVC_PROTECTION);
}

fn data_sources(spec: &mut Obj) {
    let group_of = |r: &Obj| {
        r.get("apiGroup")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let kind_of = |r: &Obj| {
        r.get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    if unset(spec.get("dataSourceRef"))
        && let Some(ds) = spec.get("dataSource").and_then(Value::as_object)
    {
        let (kind, group) = (kind_of(ds), group_of(ds));
        let known = (kind == "PersistentVolumeClaim" && group.is_empty())
            || (kind == "VolumeSnapshot" && group == "snapshot.storage.k8s.io");
        if !known {
            spec.remove("dataSource");
        }
    }
    let copy = |from: &Obj| {
        let mut to = json!({
            "kind": from.get("kind").cloned().unwrap_or_else(|| json!("")),
            "name": from.get("name").cloned().unwrap_or_else(|| json!("")),
        });
        if let Some(g) = from.get("apiGroup").filter(|g| !g.is_null()) {
            to["apiGroup"] = g.clone();
        }
        to
    };
    let ds = spec.get("dataSource").and_then(Value::as_object).map(copy);
    let dsr = spec.get("dataSourceRef").and_then(Value::as_object);
    let dsr_copy = dsr
        .filter(|r| {
            r.get("namespace")
                .and_then(Value::as_str)
                .unwrap_or("")
                .is_empty()
        })
        .map(copy);
    match (ds, dsr.is_some()) {
        (Some(ds), false) => {
            spec.insert("dataSourceRef".to_owned(), ds);
        }
        (None, true) => {
            if let Some(d) = dsr_copy {
                spec.insert("dataSource".to_owned(), d);
            }
        }
        _ => {}
    }
}

/// `SetDefaults_StorageClass`.
pub(super) fn storage_class(o: &mut Obj) {
    set_if_unset(o, "reclaimPolicy", json!("Delete"));
    set_if_unset(o, "volumeBindingMode", json!("Immediate"));
}

/// The DefaultStorageClass admission plugin, for a PersistentVolumeClaim being created: when the
/// claim names no class (no `spec.storageClassName`, not even `""`, and no
/// `volume.beta.kubernetes.io/storage-class` annotation), it gets the default class among
/// `storage_classes` (annotation `storageclass.kubernetes.io/is-default-class: "true"` or its
/// beta form). With several defaults the newest wins, then the first by name. With none the
/// claim is left unset.
pub fn default_storage_class(pvc: &mut Value, storage_classes: &[Value]) {
    let Some(o) = pvc.as_object_mut() else {
        return;
    };
    let annotated = o
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(BETA_CLASS_ANNOTATION))
        .is_some();
    if annotated
        || o.get("spec")
            .is_some_and(|s| !unset(s.get("storageClassName")))
    {
        return;
    }
    let meta = |c: &'_ Value, key: &str| -> Option<String> {
        c.get("metadata")?.get(key)?.as_str().map(str::to_owned)
    };
    let is_default = |c: &&Value| {
        DEFAULT_CLASS_ANNOTATIONS.iter().any(|a| {
            c.get("metadata")
                .and_then(|m| m.get("annotations"))
                .and_then(|m| m.get(*a))
                .and_then(Value::as_str)
                == Some("true")
        })
    };
    let created =
        |c: &Value| meta(c, "creationTimestamp").and_then(|t| t.parse::<Timestamp>().ok());
    let best = storage_classes.iter().filter(is_default).min_by(|a, b| {
        match created(b).cmp(&created(a)) {
            Ordering::Equal => meta(a, "name").cmp(&meta(b, "name")),
            other => other,
        }
    });
    if let Some(name) = best.and_then(|c| meta(c, "name"))
        && let Some(spec) = ensure_obj(o, "spec")
    {
        spec.insert("storageClassName".to_owned(), json!(name));
    }
}
