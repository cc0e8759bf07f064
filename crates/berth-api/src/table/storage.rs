//! Storage printers: PersistentVolume, PersistentVolumeClaim and StorageClass.

use jiff::Timestamp;
use serde_json::Value;

use super::{AGE, Column, NAME, age, col, desc, get, list, name, text, wide};
use crate::quantity::display as canonical;

pub(super) const PERSISTENTVOLUME: &[Column] = &[
    NAME,
    col("Capacity", "string", desc::PV_CAPACITY),
    col("Access Modes", "string", desc::PV_ACCESS),
    col("Reclaim Policy", "string", desc::PV_RECLAIM),
    col("Status", "string", desc::PV_PHASE),
    col("Claim", "string", desc::PV_CLAIM),
    col("StorageClass", "string", "StorageClass of the pv"),
    col(
        "VolumeAttributesClass",
        "string",
        "VolumeAttributesClass of the pv",
    ),
    col("Reason", "string", desc::PV_REASON),
    AGE,
    wide("VolumeMode", "string", desc::PV_MODE),
];

pub(super) const PERSISTENTVOLUMECLAIM: &[Column] = &[
    NAME,
    col("Status", "string", desc::PVC_PHASE),
    col("Volume", "string", desc::PVC_VOLUME),
    col("Capacity", "string", desc::PVC_CAPACITY),
    col("Access Modes", "string", desc::PVC_ACCESS),
    col("StorageClass", "string", "StorageClass of the pvc"),
    col(
        "VolumeAttributesClass",
        "string",
        "VolumeAttributesClass of the pvc",
    ),
    AGE,
    wide("VolumeMode", "string", desc::PVC_MODE),
];

pub(super) const STORAGECLASS: &[Column] = &[
    NAME,
    col("Provisioner", "string", desc::SC_PROVISIONER),
    col("ReclaimPolicy", "string", desc::SC_RECLAIM),
    col("VolumeBindingMode", "string", desc::SC_BINDING),
    col("AllowVolumeExpansion", "string", desc::SC_EXPANSION),
    AGE,
];

const BETA_CLASS: &str = "volume.beta.kubernetes.io/storage-class";

/// De-duplicated modes in the fixed order RWO, ROX, RWX, RWOP.
fn access_modes(obj: &Value, path: &[&str]) -> String {
    let modes = list(obj, path);
    let has = |m: &str| modes.iter().any(|v| v.as_str() == Some(m));
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(mode, _)| has(mode))
    .map(|(_, short)| *short)
    .collect::<Vec<_>>()
    .join(",")
}

/// The canonical storage quantity at `path`; a missing one is zero.
fn storage_quantity(obj: &Value, path: &[&str]) -> String {
    match get(obj, path) {
        Some(Value::String(q)) => canonical(q),
        Some(Value::Number(n)) => canonical(&n.to_string()),
        _ => "0".to_owned(),
    }
}

/// The value, or `<unset>` when the (pointer) field is absent.
fn or_unset(obj: &Value, path: &[&str]) -> String {
    get(obj, path)
        .and_then(Value::as_str)
        .map_or_else(|| "<unset>".to_owned(), str::to_owned)
}

/// Status phase, or `Terminating` once deletion started.
fn phase(obj: &Value) -> &str {
    if get(obj, &["metadata", "deletionTimestamp"]).is_some() {
        "Terminating"
    } else {
        text(obj, &["status", "phase"])
    }
}

/// The beta annotation wins over the field, even when empty.
fn class_annotation(obj: &Value) -> Option<&str> {
    get(obj, &["metadata", "annotations", BETA_CLASS]).and_then(Value::as_str)
}

pub(super) fn persistentvolume(pv: &Value, now: Timestamp) -> Vec<Value> {
    let claim = match get(pv, &["spec", "claimRef"]) {
        Some(r) => format!("{}/{}", text(r, &["namespace"]), text(r, &["name"])),
        None => String::new(),
    };
    let class = class_annotation(pv).unwrap_or_else(|| text(pv, &["spec", "storageClassName"]));
    vec![
        name(pv),
        Value::from(storage_quantity(pv, &["spec", "capacity", "storage"])),
        Value::from(access_modes(pv, &["spec", "accessModes"])),
        Value::from(text(pv, &["spec", "persistentVolumeReclaimPolicy"])),
        Value::from(phase(pv)),
        Value::from(claim),
        Value::from(class),
        Value::from(or_unset(pv, &["spec", "volumeAttributesClassName"])),
        Value::from(text(pv, &["status", "reason"])),
        age(pv, now),
        Value::from(or_unset(pv, &["spec", "volumeMode"])),
    ]
}

pub(super) fn persistentvolumeclaim(pvc: &Value, now: Timestamp) -> Vec<Value> {
    let volume = text(pvc, &["spec", "volumeName"]);
    // Capacity and modes describe the bound volume, so they stay empty until binding.
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            storage_quantity(pvc, &["status", "capacity", "storage"]),
            access_modes(pvc, &["status", "accessModes"]),
        )
    };
    let class = class_annotation(pvc).unwrap_or_else(|| text(pvc, &["spec", "storageClassName"]));
    vec![
        name(pvc),
        Value::from(phase(pvc)),
        Value::from(volume),
        Value::from(capacity),
        Value::from(modes),
        Value::from(class),
        Value::from(or_unset(pvc, &["spec", "volumeAttributesClassName"])),
        age(pvc, now),
        Value::from(or_unset(pvc, &["spec", "volumeMode"])),
    ]
}

pub(super) fn storageclass(sc: &Value, now: Timestamp) -> Vec<Value> {
    let is_default = [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|a| text(sc, &["metadata", "annotations", a]) == "true");
    let mut shown = text(sc, &["metadata", "name"]).to_owned();
    if is_default {
        shown.push_str(" (default)");
    }
    let or = |path: &[&str], fallback: &str| match get(sc, path).and_then(Value::as_str) {
        Some(v) => v.to_owned(),
        None => fallback.to_owned(),
    };
    let expansion = get(sc, &["allowVolumeExpansion"])
        .and_then(Value::as_bool)
        .unwrap_or(false);
    vec![
        Value::from(shown),
        Value::from(text(sc, &["provisioner"])),
        Value::from(or(&["reclaimPolicy"], "Delete")),
        Value::from(or(&["volumeBindingMode"], "Immediate")),
        Value::from(expansion),
        age(sc, now),
    ]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> Timestamp {
        "2026-11-24T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn persistent_volumes() {
        let pv = json!({
            "metadata": {"name": "pv-1", "creationTimestamp": "2026-11-24T10:00:00Z"},
            "spec": {"capacity": {"storage": "1024Mi"}, "accessModes": ["ReadWriteMany", "ReadWriteOnce", "ReadWriteOnce"],
                     "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "local",
                     "claimRef": {"namespace": "default", "name": "data-db-0"}, "volumeMode": "Filesystem",
                     "hostPath": {"path": "/srv/pv-1"}},
            "status": {"phase": "Bound"}
        });
        assert_eq!(
            persistentvolume(&pv, now()),
            vec![
                json!("pv-1"),
                json!("1Gi"),
                json!("RWO,RWX"),
                json!("Retain"),
                json!("Bound"),
                json!("default/data-db-0"),
                json!("local"),
                json!("<unset>"),
                json!(""),
                json!("120m"),
                json!("Filesystem")
            ]
        );
        let released = json!({
            "metadata": {"name": "pv-2", "annotations": {"volume.beta.kubernetes.io/storage-class": "old"},
                         "deletionTimestamp": "2026-11-24T11:00:00Z"},
            "spec": {"storageClassName": "new", "volumeAttributesClassName": "gold"},
            "status": {"phase": "Released", "reason": "Reclaiming"}
        });
        let c = persistentvolume(&released, now());
        assert_eq!(c[1], json!("0"));
        assert_eq!(c[2], json!(""));
        assert_eq!(c[4], json!("Terminating"));
        assert_eq!(c[5], json!(""));
        assert_eq!(c[6], json!("old"));
        assert_eq!(c[7], json!("gold"));
        assert_eq!(c[8], json!("Reclaiming"));
        assert_eq!(c[9], json!("<unknown>"));
        assert_eq!(c[10], json!("<unset>"));
    }

    #[test]
    fn persistent_volume_claims() {
        let pending = json!({
            "metadata": {"name": "data-db-0", "creationTimestamp": "2026-11-24T11:59:50Z"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}},
                     "storageClassName": "standard", "volumeMode": "Filesystem"},
            "status": {"phase": "Pending"}
        });
        assert_eq!(
            persistentvolumeclaim(&pending, now()),
            vec![
                json!("data-db-0"),
                json!("Pending"),
                json!(""),
                json!(""),
                json!(""),
                json!("standard"),
                json!("<unset>"),
                json!("10s"),
                json!("Filesystem")
            ]
        );
        let bound = json!({
            "metadata": {"name": "data-db-1", "creationTimestamp": "2026-11-24T11:00:00Z"},
            "spec": {"volumeName": "pvc-123", "resources": {"requests": {"storage": "1Gi"}}},
            "status": {"phase": "Bound", "capacity": {"storage": "2048Mi"}, "accessModes": ["ReadWriteOncePod"]}
        });
        assert_eq!(
            persistentvolumeclaim(&bound, now()),
            vec![
                json!("data-db-1"),
                json!("Bound"),
                json!("pvc-123"),
                json!("2Gi"),
                json!("RWOP"),
                json!(""),
                json!("<unset>"),
                json!("60m"),
                json!("<unset>")
            ]
        );
        let no_capacity = json!({"metadata": {"name": "x"}, "spec": {"volumeName": "pv"},
                                 "status": {"phase": "Bound"}});
        assert_eq!(persistentvolumeclaim(&no_capacity, now())[3], json!("0"));
    }

    #[test]
    fn storage_classes() {
        let sc = json!({
            "metadata": {"name": "standard", "creationTimestamp": "2026-11-01T12:00:00Z",
                         "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "berth.io/local", "reclaimPolicy": "Retain",
            "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": true
        });
        assert_eq!(
            storageclass(&sc, now()),
            vec![
                json!("standard (default)"),
                json!("berth.io/local"),
                json!("Retain"),
                json!("WaitForFirstConsumer"),
                json!(true),
                json!("23d")
            ]
        );
        let plain = json!({
            "metadata": {"name": "slow", "annotations": {"storageclass.beta.kubernetes.io/is-default-class": "false"}},
            "provisioner": "x"
        });
        let c = storageclass(&plain, now());
        assert_eq!(
            &c[..5],
            &[
                json!("slow"),
                json!("x"),
                json!("Delete"),
                json!("Immediate"),
                json!(false)
            ]
        );
        let beta = json!({"metadata": {"name": "b", "annotations": {"storageclass.beta.kubernetes.io/is-default-class": "true"}}});
        assert_eq!(storageclass(&beta, now())[0], json!("b (default)"));
    }
}
