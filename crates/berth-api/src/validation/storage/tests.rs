//! PersistentVolume (§2.8), PersistentVolumeClaim (§2.9) and StorageClass (§2.15) validation,
//! with messages and paths as a 1.33 apiserver reports them. Objects are in their defaulted
//! form.

use serde_json::{Value, json};

use super::{PvcSpecOptions, validate, validate_pvc_spec, validate_update};
use crate::registry::{Registry, ResourceInfo};
use crate::validation::field::FieldPath;
use crate::validation::{FieldError, validate_create};

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const QUALIFIED_SLASHES_MSG: &str = "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const MODES: &str =
    r#"supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod""#;

fn info(group: &str, kind: &str) -> &'static ResourceInfo {
    Registry.by_kind(group, "v1", kind).unwrap()
}

fn lines(errs: &[FieldError]) -> Vec<String> {
    errs.iter().map(ToString::to_string).collect()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn merged(mut base: Value, changes: Value) -> Value {
    let Value::Object(changes) = changes else {
        panic!("changes must be an object")
    };
    for (k, v) in changes {
        if v.is_null() {
            base.as_object_mut().unwrap().remove(&k);
        } else {
            base[&k] = v;
        }
    }
    base
}

/// The seed PersistentVolume after defaulting, with `changes` merged into its spec.
fn pv(changes: Value) -> Value {
    let spec = json!({
        "storageClassName": "manual",
        "capacity": {"storage": "1Gi"},
        "accessModes": ["ReadWriteOnce"],
        "persistentVolumeReclaimPolicy": "Retain",
        "volumeMode": "Filesystem",
        "hostPath": {"path": "/mnt/data/postgres", "type": "DirectoryOrCreate"},
    });
    json!({"apiVersion": "v1", "kind": "PersistentVolume",
           "metadata": {"name": "postgres-pv-volume", "labels": {"type": "local", "app": "postgres"},
                        "uid": "u1", "resourceVersion": "7"},
           "spec": merged(spec, changes), "status": {"phase": "Pending"}})
}

/// The seed PersistentVolumeClaim after defaulting, with `changes` merged into its spec.
fn pvc(changes: Value) -> Value {
    let spec = json!({
        "storageClassName": "manual",
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "1Gi"}},
        "volumeMode": "Filesystem",
    });
    json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
           "metadata": {"name": "postgres-pv-claim", "namespace": "postgres", "labels": {"app": "postgres"},
                        "uid": "u2", "resourceVersion": "8"},
           "spec": merged(spec, changes), "status": {"phase": "Pending"}})
}

fn with_status(mut obj: Value, status: Value) -> Value {
    obj["status"] = status;
    obj
}

#[test]
fn seed_volume_and_claim_after_defaulting_are_valid() {
    assert_eq!(
        lines(&validate_create(
            info("", "PersistentVolume"),
            &pv(json!({}))
        )),
        Vec::<String>::new()
    );
    assert_eq!(
        lines(&validate_create(
            info("", "PersistentVolumeClaim"),
            &pvc(json!({}))
        )),
        Vec::<String>::new()
    );
}

#[test]
fn seed_volume_and_claim_pass_with_the_real_defaulting() {
    let mut volume = json!({"apiVersion": "v1", "kind": "PersistentVolume",
        "metadata": {"name": "postgres-pv-volume", "labels": {"type": "local", "app": "postgres"}},
        "spec": {"storageClassName": "manual", "capacity": {"storage": "1Gi"},
                 "accessModes": ["ReadWriteOnce"], "persistentVolumeReclaimPolicy": "Retain",
                 "hostPath": {"path": "/mnt/data/postgres", "type": "DirectoryOrCreate"}}});
    let mut claim = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "postgres-pv-claim", "namespace": "postgres", "labels": {"app": "postgres"}},
        "spec": {"storageClassName": "manual", "accessModes": ["ReadWriteOnce"],
                 "resources": {"requests": {"storage": "1Gi"}}}});
    let now = "2026-01-01T00:00:00Z";
    crate::defaults::apply_on_create("", "PersistentVolume", &mut volume, now).unwrap();
    crate::defaults::apply_on_create("", "PersistentVolumeClaim", &mut claim, now).unwrap();
    assert_eq!(
        lines(&validate_create(info("", "PersistentVolume"), &volume)),
        Vec::<String>::new()
    );
    assert_eq!(
        lines(&validate_create(info("", "PersistentVolumeClaim"), &claim)),
        Vec::<String>::new()
    );
}

#[test]
fn persistent_volume_create_rules() {
    let kind = info("", "PersistentVolume");
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        (
            "no access modes",
            pv(json!({"accessModes": null})),
            strs(&["spec.accessModes: Required value"]),
        ),
        (
            "unknown access mode",
            pv(json!({"accessModes": ["RWX"]})),
            vec![format!(
                r#"spec.accessModes: Unsupported value: "RWX": {MODES}"#
            )],
        ),
        (
            "ReadWriteOncePod with another mode",
            pv(json!({"accessModes": ["ReadWriteOncePod", "ReadWriteOnce"]})),
            strs(&[
                "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes",
            ]),
        ),
        (
            "no capacity",
            pv(json!({"capacity": null})),
            strs(&[
                "spec.capacity: Required value",
                r#"spec.capacity: Unsupported value: core.ResourceList(nil): supported values: "storage""#,
            ]),
        ),
        (
            "capacity other than storage",
            pv(json!({"capacity": {"storage": "1Gi", "cpu": "1"}})),
            strs(&[
                r#"spec.capacity: Unsupported value: core.ResourceList{"cpu":"1", "storage":"1Gi"}: supported values: "storage""#,
            ]),
        ),
        (
            "zero capacity",
            pv(json!({"capacity": {"storage": "0Gi"}})),
            strs(&[r#"spec.capacity[storage]: Invalid value: "0": must be greater than zero"#]),
        ),
        (
            "negative capacity",
            pv(json!({"capacity": {"storage": "-1Gi"}})),
            strs(&[
                "spec.capacity[storage]: Invalid value: -1073741824: must be a valid resource quantity",
                r#"spec.capacity[storage]: Invalid value: "-1Gi": must be greater than zero"#,
            ]),
        ),
        (
            "unknown reclaim policy",
            pv(json!({"persistentVolumeReclaimPolicy": "Keep"})),
            strs(&[
                r#"spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain""#,
            ]),
        ),
        (
            "no volume source",
            pv(json!({"hostPath": null})),
            strs(&["spec: Required value: must specify a volume type"]),
        ),
        (
            "two volume sources",
            pv(json!({"nfs": {"server": "nfs.example.com", "path": "/exports"}})),
            strs(&["spec.nfs: Forbidden: may not specify more than 1 volume type"]),
        ),
        (
            "hostPath without a path",
            pv(json!({"hostPath": {"path": "", "type": ""}})),
            strs(&["spec.hostPath.path: Required value"]),
        ),
        (
            "hostPath with backsteps",
            pv(json!({"hostPath": {"path": "/mnt/../etc", "type": ""}})),
            strs(&[r#"spec.hostPath.path: Invalid value: "/mnt/../etc": must not contain '..'"#]),
        ),
        (
            "unknown hostPath type",
            pv(json!({"hostPath": {"path": "/mnt", "type": "Dir"}})),
            strs(&[
                r#"spec.hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket""#,
            ]),
        ),
        (
            "recycling the root",
            pv(
                json!({"persistentVolumeReclaimPolicy": "Recycle", "hostPath": {"path": "/", "type": ""}}),
            ),
            strs(&[
                "spec.persistentVolumeReclaimPolicy: Forbidden: may not be 'recycle' for a hostPath mount of '/'",
            ]),
        ),
        (
            "class name not a subdomain",
            pv(json!({"storageClassName": "Manual"})),
            vec![format!(
                r#"spec.storageClassName: Invalid value: "Manual": {SUBDOMAIN_MSG}"#
            )],
        ),
        (
            "unknown volume mode",
            pv(json!({"volumeMode": "Raw"})),
            strs(&[
                r#"spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem""#,
            ]),
        ),
        (
            "local volume without node affinity",
            pv(json!({"hostPath": null, "local": {"path": "/mnt/disks/ssd1"}})),
            strs(&["spec.nodeAffinity: Required value: Local volume requires node affinity"]),
        ),
        (
            "node affinity without terms",
            pv(json!({"nodeAffinity": {"required": {"nodeSelectorTerms": []}}})),
            strs(&[
                "spec.nodeAffinity.required.nodeSelectorTerms: Required value: must have at least one node selector term",
            ]),
        ),
        (
            "relative NFS path",
            pv(json!({"hostPath": null, "nfs": {"server": "nfs.example.com", "path": "exports"}})),
            strs(&[r#"spec.nfs.path: Invalid value: "exports": must be an absolute path"#]),
        ),
        (
            "CSI without driver and handle",
            pv(json!({"hostPath": null, "csi": {"driver": ""}})),
            vec![
                "spec.csi.driver: Required value".to_owned(),
                format!(r#"spec.csi.driver: Invalid value: "": {SUBDOMAIN_MSG}"#),
                "spec.csi.volumeHandle: Required value".to_owned(),
            ],
        ),
        (
            "GCE partition out of range reports at persistentDisk",
            pv(json!({"hostPath": null, "gcePersistentDisk": {"pdName": "d", "partition": 300}})),
            strs(&[
                "spec.persistentDisk.partition: Invalid value: 300: must be between 1 and 255, inclusive",
            ]),
        ),
        (
            "mount options on hostPath",
            pv(json!({"mountOptions": ["ro"]})),
            strs(&[
                "spec.mountOptions: Forbidden: may not specify mount options for this volume type",
            ]),
        ),
    ];
    for (what, obj, want) in cases {
        assert_eq!(lines(&validate(kind, &obj)), want, "{what}");
    }
}

#[test]
fn persistent_volume_update_rules() {
    let kind = info("", "PersistentVolume");
    let old = pv(json!({}));
    let allowed = pv(json!({"persistentVolumeReclaimPolicy": "Delete",
        "claimRef": {"kind": "PersistentVolumeClaim", "namespace": "postgres", "name": "postgres-pv-claim"}}));
    assert_eq!(
        lines(&validate_update(kind, &allowed, &old)),
        Vec::<String>::new()
    );
    let mode = pv(json!({"volumeMode": "Block"}));
    assert_eq!(
        lines(&validate_update(kind, &mode, &old)),
        strs(&[r#"volumeMode: Invalid value: "Block": field is immutable"#])
    );
    let moved = pv(json!({"hostPath": {"path": "/mnt/other", "type": "DirectoryOrCreate"}}));
    let errs = validate_update(kind, &moved, &old);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].field, "spec.persistentvolumesource");
    assert!(errs[0].to_string().starts_with(
        "spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n"
    ));
    // Errors of the new object are reported by both the strategy and the update check.
    let bad = pv(json!({"storageClassName": "Manual"}));
    let bad_old = pv(json!({"storageClassName": "manual"}));
    let line = format!(r#"spec.storageClassName: Invalid value: "Manual": {SUBDOMAIN_MSG}"#);
    assert_eq!(
        lines(&validate_update(kind, &bad, &bad_old)),
        vec![line.clone(), line]
    );
}

#[test]
fn persistent_volume_claim_create_rules() {
    let kind = info("", "PersistentVolumeClaim");
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        (
            "no access modes",
            pvc(json!({"accessModes": []})),
            strs(&["spec.accessModes: Required value: at least 1 access mode is required"]),
        ),
        (
            "no storage request",
            pvc(json!({"resources": {"requests": {}}})),
            strs(&["spec.resources[storage]: Required value"]),
        ),
        (
            "zero storage request",
            pvc(json!({"resources": {"requests": {"storage": "0"}}})),
            strs(&[r#"spec.resources[storage]: Invalid value: "0": must be greater than zero"#]),
        ),
        (
            "class name not a subdomain",
            pvc(json!({"storageClassName": "Fast_SSD"})),
            vec![format!(
                r#"spec.storageClassName: Invalid value: "Fast_SSD": {SUBDOMAIN_MSG}"#
            )],
        ),
        (
            "empty class name is allowed",
            pvc(json!({"storageClassName": ""})),
            vec![],
        ),
        (
            "unknown volume mode",
            pvc(json!({"volumeMode": "Raw"})),
            strs(&[
                r#"spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem""#,
            ]),
        ),
        (
            "bad selector operator",
            pvc(
                json!({"selector": {"matchExpressions": [{"key": "tier", "operator": "Has", "values": ["db"]}]}}),
            ),
            strs(&[
                r#"spec.selector.matchExpressions[0].operator: Invalid value: "Has": not a valid selector operator"#,
            ]),
        ),
        (
            "In without values",
            pvc(json!({"selector": {"matchExpressions": [{"key": "tier", "operator": "In"}]}})),
            strs(&[
                "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
            ]),
        ),
        (
            "data source of another kind in the core group",
            pvc(json!({"dataSource": {"kind": "VolumeSnapshot", "name": "snap"}})),
            strs(&[
                r#"spec.dataSource: Invalid value: "VolumeSnapshot": must be 'PersistentVolumeClaim' when referencing the default apiGroup"#,
            ]),
        ),
        (
            "data source and ref differ",
            pvc(
                json!({"dataSource": {"kind": "PersistentVolumeClaim", "name": "a"},
                       "dataSourceRef": {"kind": "PersistentVolumeClaim", "name": "b"}}),
            ),
            strs(&[r#"spec: Invalid value: "spec.dataSource": must match dataSourceRef"#]),
        ),
        (
            "ReadWriteOncePod mixed",
            pvc(json!({"accessModes": ["ReadWriteOncePod", "ReadOnlyMany"]})),
            strs(&[
                "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes",
            ]),
        ),
    ];
    for (what, obj, want) in cases {
        assert_eq!(lines(&validate(kind, &obj)), want, "{what}");
    }
}

#[test]
fn claim_spec_helper_uses_the_callers_path() {
    let path = FieldPath::new("spec")
        .child("volumeClaimTemplates")
        .index(0)
        .child("spec");
    let spec = json!({"resources": {"requests": {"storage": "1Gi"}}, "volumeMode": "Filesystem"});
    assert_eq!(
        lines(&validate_pvc_spec(&spec, &path, PvcSpecOptions::default())),
        strs(&[
            "spec.volumeClaimTemplates[0].spec.accessModes: Required value: at least 1 access mode is required"
        ])
    );
    let bad_value =
        json!({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["a b"]}]});
    let old = json!({"selector": bad_value});
    let opts = PvcSpecOptions::for_template_update(&old);
    assert!(opts.allow_invalid_label_value_in_selector);
    let mut new = old;
    new["accessModes"] = json!(["ReadWriteOnce"]);
    new["resources"] = json!({"requests": {"storage": "1Gi"}});
    assert_eq!(
        lines(&validate_pvc_spec(&new, &path, opts)),
        Vec::<String>::new()
    );
}

#[test]
fn persistent_volume_claim_update_rules() {
    let kind = info("", "PersistentVolumeClaim");
    let bound = json!({"phase": "Bound", "capacity": {"storage": "2Gi"}});
    let resize = |size: &str| json!({"resources": {"requests": {"storage": size}}});
    let spec_forbidden = "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n";
    // (what, old, new, exact lines or, with a trailing newline, the first line of a diff)
    let cases: Vec<(&str, Value, Value, Vec<String>)> = vec![
        ("unchanged", pvc(json!({})), pvc(json!({})), vec![]),
        (
            "binding sets volumeName once",
            pvc(json!({})),
            pvc(json!({"volumeName": "postgres-pv-volume"})),
            vec![],
        ),
        (
            "bound claim grows",
            with_status(pvc(resize("2Gi")), bound.clone()),
            with_status(pvc(resize("3Gi")), bound.clone()),
            vec![],
        ),
        (
            "bound claim shrinks to its capacity",
            with_status(pvc(resize("3Gi")), bound.clone()),
            with_status(pvc(resize("2Gi")), bound.clone()),
            strs(&[
                "spec.resources.requests.storage: Forbidden: field can not be less than status.capacity",
            ]),
        ),
        (
            "bound claim shrinks after a failed expansion",
            with_status(pvc(resize("5Gi")), bound.clone()),
            with_status(pvc(resize("3Gi")), bound),
            vec![],
        ),
        (
            "same size written differently",
            pvc(resize("1Gi")),
            pvc(resize("1024Mi")),
            vec![],
        ),
        (
            "pending claim resized",
            pvc(json!({})),
            pvc(resize("2Gi")),
            vec![spec_forbidden.to_owned()],
        ),
        (
            "volume mode changed",
            pvc(json!({})),
            pvc(json!({"volumeMode": "Block"})),
            vec![
                spec_forbidden.to_owned(),
                r#"volumeMode: Invalid value: "Block": field is immutable"#.to_owned(),
            ],
        ),
    ];
    for (what, old, new, want) in cases {
        let got = lines(&validate_update(kind, &new, &old));
        assert_eq!(got.len(), want.len(), "{what}: {got:?}");
        for (g, w) in got.iter().zip(&want) {
            if w.ends_with('\n') {
                assert!(g.starts_with(w.as_str()), "{what}: {g}");
            } else {
                assert_eq!(g, w, "{what}");
            }
        }
    }
    // The beta storage-class annotation may not change.
    let mut annotated = pvc(json!({}));
    annotated["metadata"]["annotations"] =
        json!({"volume.beta.kubernetes.io/storage-class": "fast"});
    let mut changed = annotated.clone();
    changed["metadata"]["annotations"]["volume.beta.kubernetes.io/storage-class"] = json!("slow");
    assert_eq!(
        lines(&validate_update(kind, &changed, &annotated)),
        strs(&[
            r#"metadata.annotations.volume.beta.kubernetes.io/storage-class: Invalid value: "slow": field is immutable"#
        ])
    );
}

fn class(changes: Value) -> Value {
    let base = json!({
        "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
        "metadata": {"name": "manual", "uid": "u3", "resourceVersion": "9"},
        "provisioner": "kubernetes.io/no-provisioner",
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
    });
    merged(base, changes)
}

#[test]
fn storage_class_rules() {
    let kind = info("storage.k8s.io", "StorageClass");
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        (
            "valid",
            class(json!({"parameters": {"type": "ssd"}, "allowVolumeExpansion": true})),
            vec![],
        ),
        (
            "no provisioner",
            class(json!({"provisioner": ""})),
            strs(&["provisioner: Required value"]),
        ),
        (
            "provisioner not a qualified name",
            class(json!({"provisioner": "a/b/c"})),
            vec![format!(
                r#"provisioner: Invalid value: "a/b/c": {QUALIFIED_SLASHES_MSG}"#
            )],
        ),
        (
            "Recycle is not a class policy",
            class(json!({"reclaimPolicy": "Recycle"})),
            strs(&[
                r#"reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain""#,
            ]),
        ),
        (
            "binding mode missing",
            class(json!({"volumeBindingMode": null})),
            strs(&["volumeBindingMode: Required value"]),
        ),
        (
            "binding mode unknown",
            class(json!({"volumeBindingMode": "Later"})),
            strs(&[
                r#"volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer""#,
            ]),
        ),
        (
            "empty parameter key",
            class(json!({"parameters": {"": "x"}})),
            strs(&[r#"parameters: Invalid value: "": field can not be empty."#]),
        ),
        (
            "duplicate topology values",
            class(json!({"allowedTopologies": [{"matchLabelExpressions": [
                {"key": "topology.kubernetes.io/zone", "values": ["a", "a"]}]}]})),
            strs(&[
                r#"allowedTopologies[0].matchLabelExpressions[0].values[1]: Duplicate value: "a""#,
            ]),
        ),
    ];
    for (what, obj, want) in cases {
        assert_eq!(lines(&validate(kind, &obj)), want, "{what}");
    }
    let old = class(json!({"parameters": {"type": "ssd"}}));
    let expand = class(
        json!({"parameters": {"type": "ssd"}, "allowVolumeExpansion": true, "mountOptions": ["debug"]}),
    );
    assert_eq!(
        lines(&validate_update(kind, &expand, &old)),
        Vec::<String>::new()
    );
    let changed = class(
        json!({"parameters": {"type": "hdd"}, "provisioner": "example.com/nfs",
                               "reclaimPolicy": "Retain", "volumeBindingMode": "Immediate"}),
    );
    assert_eq!(
        lines(&validate_update(kind, &changed, &old)),
        strs(&[
            "parameters: Forbidden: updates to parameters are forbidden.",
            "provisioner: Forbidden: updates to provisioner are forbidden.",
            "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.",
            r#"volumeBindingMode: Invalid value: "Immediate": field is immutable"#,
        ])
    );
}
