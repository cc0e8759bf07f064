//! Envelope-level table tests: column sets, `includeObject`, the default convertor.

use super::*;
use crate::registry::RESOURCES;

fn now() -> Timestamp {
    "2026-11-24T12:00:00Z".parse().unwrap()
}

/// (name, type, format, priority) of a column.
type Shape = (&'static str, &'static str, &'static str, i32);

fn shape(group: &str, plural: &str) -> Vec<Shape> {
    columns(group, plural)
        .iter()
        .map(|c| (c.name, c.column_type, c.format, c.priority))
        .collect()
}

#[test]
fn column_sets_match_upstream() {
    let s = |n| (n, "string", "", 0);
    let w = |n| (n, "string", "", 1);
    let name = ("Name", "string", "name", 0);
    let cases: Vec<(&str, &str, Vec<Shape>)> = vec![
        ("", "namespaces", vec![name, s("Status"), s("Age")]),
        (
            "",
            "pods",
            vec![
                name,
                s("Ready"),
                s("Status"),
                s("Restarts"),
                s("Age"),
                w("IP"),
                w("Node"),
                w("Nominated Node"),
                w("Readiness Gates"),
            ],
        ),
        (
            "",
            "services",
            vec![
                name,
                s("Type"),
                s("Cluster-IP"),
                s("External-IP"),
                s("Port(s)"),
                s("Age"),
                w("Selector"),
            ],
        ),
        ("", "endpoints", vec![name, s("Endpoints"), s("Age")]),
        ("", "configmaps", vec![name, s("Data"), s("Age")]),
        ("", "secrets", vec![name, s("Type"), s("Data"), s("Age")]),
        ("", "serviceaccounts", vec![name, s("Secrets"), s("Age")]),
        (
            "",
            "persistentvolumes",
            vec![
                name,
                s("Capacity"),
                s("Access Modes"),
                s("Reclaim Policy"),
                s("Status"),
                s("Claim"),
                s("StorageClass"),
                s("VolumeAttributesClass"),
                s("Reason"),
                s("Age"),
                w("VolumeMode"),
            ],
        ),
        (
            "",
            "persistentvolumeclaims",
            vec![
                name,
                s("Status"),
                s("Volume"),
                s("Capacity"),
                s("Access Modes"),
                s("StorageClass"),
                s("VolumeAttributesClass"),
                s("Age"),
                w("VolumeMode"),
            ],
        ),
        (
            "",
            "events",
            vec![
                s("Last Seen"),
                s("Type"),
                s("Reason"),
                s("Object"),
                w("Subobject"),
                w("Source"),
                s("Message"),
                w("First Seen"),
                w("Count"),
                ("Name", "string", "name", 1),
            ],
        ),
        (
            "",
            "nodes",
            vec![
                name,
                s("Status"),
                s("Roles"),
                s("Age"),
                s("Version"),
                w("Internal-IP"),
                w("External-IP"),
                w("OS-Image"),
                w("Kernel-Version"),
                w("Container-Runtime"),
            ],
        ),
        (
            "apps",
            "statefulsets",
            vec![name, s("Ready"), s("Age"), w("Containers"), w("Images")],
        ),
        (
            "apps",
            "controllerrevisions",
            vec![name, s("Controller"), s("Revision"), s("Age")],
        ),
        (
            "apps",
            "deployments",
            vec![
                name,
                s("Ready"),
                s("Up-to-date"),
                s("Available"),
                s("Age"),
                w("Containers"),
                w("Images"),
                w("Selector"),
            ],
        ),
        (
            "apps",
            "replicasets",
            vec![
                name,
                ("Desired", "integer", "", 0),
                ("Current", "integer", "", 0),
                ("Ready", "integer", "", 0),
                s("Age"),
                w("Containers"),
                w("Images"),
                w("Selector"),
            ],
        ),
        (
            "storage.k8s.io",
            "storageclasses",
            vec![
                name,
                s("Provisioner"),
                s("ReclaimPolicy"),
                s("VolumeBindingMode"),
                s("AllowVolumeExpansion"),
                s("Age"),
            ],
        ),
        (
            "discovery.k8s.io",
            "endpointslices",
            vec![name, s("AddressType"), s("Ports"), s("Endpoints"), s("Age")],
        ),
        (
            "coordination.k8s.io",
            "leases",
            vec![name, s("Holder"), s("Age")],
        ),
        (
            "authorization.k8s.io",
            "selfsubjectaccessreviews",
            vec![name, ("Created At", "date", "", 0)],
        ),
    ];
    for (group, plural, want) in cases {
        assert_eq!(shape(group, plural), want, "{group}/{plural}");
    }
    assert_eq!(shape("events.k8s.io", "events"), shape("", "events"));
}

#[test]
fn every_served_kind_has_one_cell_per_column() {
    let obj = json!({"metadata": {"name": "x", "namespace": "default", "creationTimestamp": "2026-11-24T11:00:00Z"}});
    for r in RESOURCES {
        let cells = row_cells(r.group, r.plural, &obj, now());
        assert_eq!(
            cells.len(),
            columns(r.group, r.plural).len(),
            "{}/{}",
            r.group,
            r.plural
        );
        assert!(
            columns(r.group, r.plural)
                .iter()
                .all(|c| !c.description.is_empty())
        );
        if r.virtual_create_only {
            assert!(!has_printer(r.group, r.plural));
        } else {
            assert!(has_printer(r.group, r.plural), "{}", r.plural);
        }
    }
}

#[test]
fn include_object_values() {
    assert_eq!(IncludeObject::parse(""), Ok(IncludeObject::Metadata));
    assert_eq!(
        IncludeObject::parse("Metadata"),
        Ok(IncludeObject::Metadata)
    );
    assert_eq!(IncludeObject::parse("Object"), Ok(IncludeObject::Object));
    assert_eq!(IncludeObject::parse("None"), Ok(IncludeObject::None));
    assert_eq!(
        IncludeObject::parse("object").unwrap_err().to_string(),
        "unrecognized includeObject value: \"object\""
    );
}

fn sample_pod() -> Value {
    json!({
        "metadata": {"name": "web", "namespace": "default", "uid": "u-1", "resourceVersion": "110",
                     "creationTimestamp": "2026-11-24T11:55:00Z", "labels": {"app": "web"}},
        "spec": {"nodeName": "node-1", "containers": [{"name": "app", "image": "nginx"}]},
        "status": {"phase": "Running", "podIPs": [{"ip": "10.244.0.5"}],
                   "containerStatuses": [{"name": "app", "ready": true, "restartCount": 0, "state": {"running": {}}}]}
    })
}

#[test]
fn pod_list_table_with_metadata_objects() {
    let table = build_table(
        "",
        "pods",
        &[sample_pod()],
        now(),
        IncludeObject::Metadata,
        Some(json!({"resourceVersion": "116"})),
    );
    assert_eq!(table["kind"], json!("Table"));
    assert_eq!(table["apiVersion"], json!("meta.k8s.io/v1"));
    assert_eq!(table["metadata"], json!({"resourceVersion": "116"}));
    assert_eq!(table["columnDefinitions"].as_array().unwrap().len(), 9);
    assert_eq!(
        table["columnDefinitions"][0],
        json!({"name": "Name", "type": "string", "format": "name", "description": desc::NAME, "priority": 0})
    );
    assert_eq!(
        table["rows"][0]["cells"],
        json!([
            "web",
            "1/1",
            "Running",
            "0",
            "5m",
            "10.244.0.5",
            "node-1",
            "<none>",
            "<none>"
        ])
    );
    assert_eq!(
        table["rows"][0]["object"],
        json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
               "metadata": sample_pod()["metadata"].clone()})
    );
    assert!(table["rows"][0].get("conditions").is_none());
}

#[test]
fn full_objects_get_kind_and_api_version() {
    let t = build_table(
        "apps",
        "statefulsets",
        &[json!({"metadata": {"name": "db"}})],
        now(),
        IncludeObject::Object,
        None,
    );
    assert_eq!(
        t["rows"][0]["object"],
        json!({"kind": "StatefulSet", "apiVersion": "apps/v1", "metadata": {"name": "db"}})
    );
    let kept = json!({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p"}});
    let t = build_table(
        "",
        "pods",
        std::slice::from_ref(&kept),
        now(),
        IncludeObject::Object,
        None,
    );
    assert_eq!(t["rows"][0]["object"], kept);
    let t = build_table("", "pods", &[kept], now(), IncludeObject::None, None);
    assert!(t["rows"][0].get("object").is_none());
}

#[test]
fn single_object_table_takes_its_resource_version() {
    let t = build_table(
        "",
        "pods",
        &[sample_pod()],
        now(),
        IncludeObject::None,
        None,
    );
    assert_eq!(t["metadata"], json!({"resourceVersion": "110"}));
    let t = build_table("", "pods", &[], now(), IncludeObject::None, None);
    assert_eq!(t["metadata"], json!({}));
    assert_eq!(t["rows"], json!([]));
    let meta = json!({"resourceVersion": "9", "continue": "abc", "remainingItemCount": 1});
    let t = build_table(
        "",
        "pods",
        &[],
        now(),
        IncludeObject::None,
        Some(meta.clone()),
    );
    assert_eq!(t["metadata"], meta);
}

#[test]
fn finished_pods_carry_row_conditions() {
    let mut p = sample_pod();
    p["status"] = json!({"phase": "Succeeded"});
    let t = build_table("", "pods", &[p], now(), IncludeObject::None, None);
    assert_eq!(t["rows"][0]["conditions"][0]["type"], json!("Completed"));
}

#[test]
fn default_convertor_prints_created_at() {
    let obj = json!({"metadata": {"name": "r", "creationTimestamp": "2026-11-24T04:08:52Z"}});
    assert_eq!(
        row_cells("authentication.k8s.io", "selfsubjectreviews", &obj, now()),
        vec![json!("r"), json!("2026-11-24T04:08:52Z")]
    );
    let bare = json!({"metadata": {"name": "r"}});
    assert_eq!(
        row_cells("example.com", "widgets", &bare, now())[1],
        json!("0001-01-01T00:00:00Z")
    );
}

#[test]
fn watch_tables_can_drop_headers() {
    let mut t = build_table(
        "",
        "pods",
        &[sample_pod()],
        now(),
        IncludeObject::Metadata,
        None,
    );
    drop_column_definitions(&mut t);
    assert_eq!(t["columnDefinitions"], Value::Null);
    assert_eq!(t["rows"].as_array().unwrap().len(), 1);
}

#[test]
fn ages_of_odd_timestamps() {
    let future = json!({"metadata": {"name": "x", "creationTimestamp": "2026-11-24T12:00:30Z"}});
    assert_eq!(
        row_cells("", "configmaps", &future, now())[2],
        json!("<invalid>")
    );
    let zero = json!({"metadata": {"name": "x", "creationTimestamp": "0001-01-01T00:00:00Z"}});
    assert_eq!(
        row_cells("", "configmaps", &zero, now())[2],
        json!("<unknown>")
    );
    let fractional =
        json!({"metadata": {"name": "x", "creationTimestamp": "2026-11-24T11:59:59.5Z"}});
    assert_eq!(
        row_cells("", "configmaps", &fractional, now())[2],
        json!("0s")
    );
}
