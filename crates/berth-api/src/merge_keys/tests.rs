use std::collections::BTreeSet;

use k8s_openapi::api::{
    apps, authentication, authorization, autoscaling, coordination, core, discovery, events,
    storage,
};
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::Value;

use super::*;
use crate::registry::RESOURCES;

use ListType::{Atomic, Map, Set};
use PatchStrategy::{Merge, MergeRetainKeys, Replace};

#[test]
fn table_parses_cleanly() {
    assert_eq!(graph().problems, Vec::<String>::new());
}

#[test]
fn every_served_kind_has_a_root() {
    for r in RESOURCES {
        assert!(root(r.group, r.kind).is_some(), "{}/{}", r.group, r.kind);
    }
    assert!(root("autoscaling", "Scale").is_some());
    assert!(root("", "Nope").is_none());
}

fn lf(
    patch_strategy: PatchStrategy,
    merge_key: Option<&'static str>,
    list_type: ListType,
    map_keys: &'static [&'static str],
) -> ListField {
    ListField {
        patch_strategy,
        merge_key,
        list_type,
        map_keys,
    }
}

/// Rows of merge-keys table A and the SMP-vs-list-type differences of its §C, at real paths.
#[test]
fn spot_checks_from_the_table() {
    let pod_tpl = ["spec", "template", "spec"];
    let deploy = |rest: &[&'static str]| -> Vec<&'static str> {
        pod_tpl.iter().chain(rest).copied().collect()
    };
    let cases: Vec<(&str, &str, Vec<&str>, ListField)> = vec![
        (
            "",
            "Pod",
            vec!["metadata", "ownerReferences"],
            lf(Merge, Some("uid"), Map, &["uid"]),
        ),
        (
            "",
            "Pod",
            vec!["metadata", "finalizers"],
            lf(Merge, None, Set, &[]),
        ),
        (
            "",
            "ConfigMap",
            vec!["metadata", "managedFields"],
            lf(Replace, None, Atomic, &[]),
        ),
        (
            "",
            "Pod",
            vec!["spec", "volumes"],
            lf(MergeRetainKeys, Some("name"), Map, &["name"]),
        ),
        (
            "",
            "Pod",
            vec!["spec", "containers"],
            lf(Merge, Some("name"), Map, &["name"]),
        ),
        (
            "",
            "Pod",
            vec!["spec", "tolerations"],
            lf(Replace, None, Atomic, &[]),
        ),
        (
            "",
            "Pod",
            vec!["spec", "topologySpreadConstraints"],
            lf(
                Merge,
                Some("topologyKey"),
                Map,
                &["topologyKey", "whenUnsatisfiable"],
            ),
        ),
        (
            "apps",
            "Deployment",
            deploy(&["containers", "ports"]),
            lf(
                Merge,
                Some("containerPort"),
                Map,
                &["containerPort", "protocol"],
            ),
        ),
        (
            "apps",
            "StatefulSet",
            deploy(&["ephemeralContainers", "ports"]),
            lf(
                Merge,
                Some("containerPort"),
                Map,
                &["containerPort", "protocol"],
            ),
        ),
        (
            "",
            "PodTemplate",
            vec!["template", "spec", "initContainers", "env"],
            lf(Merge, Some("name"), Map, &["name"]),
        ),
        (
            "",
            "Pod",
            vec!["spec", "containers", "volumeMounts"],
            lf(Merge, Some("mountPath"), Map, &["mountPath"]),
        ),
        (
            "",
            "Pod",
            vec!["spec", "containers", "args"],
            lf(Replace, None, Atomic, &[]),
        ),
        (
            "",
            "Pod",
            vec!["spec", "containers", "resources", "claims"],
            lf(Replace, None, Map, &["name"]),
        ),
        (
            "",
            "Pod",
            vec!["status", "hostIPs"],
            lf(Merge, Some("ip"), Atomic, &[]),
        ),
        (
            "",
            "Pod",
            vec!["status", "conditions"],
            lf(Merge, Some("type"), Map, &["type"]),
        ),
        (
            "",
            "Pod",
            vec![
                "status",
                "containerStatuses",
                "allocatedResourcesStatus",
                "resources",
            ],
            lf(Replace, None, Map, &["resourceID"]),
        ),
        (
            "",
            "Pod",
            vec!["status", "resourceClaimStatuses"],
            lf(MergeRetainKeys, Some("name"), Map, &["name"]),
        ),
        (
            "",
            "Service",
            vec!["spec", "ports"],
            lf(Merge, Some("port"), Map, &["port", "protocol"]),
        ),
        (
            "",
            "Service",
            vec!["spec", "clusterIPs"],
            lf(Replace, None, Atomic, &[]),
        ),
        (
            "",
            "Service",
            vec!["status", "conditions"],
            lf(Merge, Some("type"), Map, &["type"]),
        ),
        (
            "",
            "Pod",
            vec!["spec", "imagePullSecrets"],
            lf(Merge, Some("name"), Map, &["name"]),
        ),
        (
            "",
            "ServiceAccount",
            vec!["imagePullSecrets"],
            lf(Replace, None, Atomic, &[]),
        ),
        (
            "",
            "ServiceAccount",
            vec!["secrets"],
            lf(Merge, Some("name"), Map, &["name"]),
        ),
        (
            "",
            "Namespace",
            vec!["spec", "finalizers"],
            lf(Replace, None, Atomic, &[]),
        ),
        (
            "",
            "Node",
            vec!["spec", "podCIDRs"],
            lf(Merge, None, Set, &[]),
        ),
        (
            "",
            "Node",
            vec!["spec", "taints"],
            lf(Replace, None, Atomic, &[]),
        ),
        (
            "",
            "Node",
            vec!["status", "addresses"],
            lf(Merge, Some("type"), Map, &["type"]),
        ),
        (
            "",
            "Endpoints",
            vec!["subsets", "ports"],
            lf(Replace, None, Atomic, &[]),
        ),
        (
            "",
            "PersistentVolume",
            vec!["spec", "nodeAffinity", "required", "nodeSelectorTerms"],
            lf(Replace, None, Atomic, &[]),
        ),
        (
            "apps",
            "StatefulSet",
            vec!["spec", "volumeClaimTemplates"],
            lf(Replace, None, Atomic, &[]),
        ),
        (
            "apps",
            "StatefulSet",
            vec!["spec", "volumeClaimTemplates", "status", "conditions"],
            lf(Merge, Some("type"), Map, &["type"]),
        ),
        (
            "apps",
            "Deployment",
            vec!["spec", "selector", "matchExpressions", "values"],
            lf(Replace, None, Atomic, &[]),
        ),
        (
            "apps",
            "ReplicaSet",
            vec!["status", "conditions"],
            lf(Merge, Some("type"), Map, &["type"]),
        ),
        (
            "discovery.k8s.io",
            "EndpointSlice",
            vec!["endpoints", "addresses"],
            lf(Replace, None, Set, &[]),
        ),
        (
            "discovery.k8s.io",
            "EndpointSlice",
            vec!["endpoints", "hints", "forZones"],
            lf(Replace, None, Atomic, &[]),
        ),
        (
            "storage.k8s.io",
            "StorageClass",
            vec!["allowedTopologies", "matchLabelExpressions", "values"],
            lf(Replace, None, Atomic, &[]),
        ),
        (
            "events.k8s.io",
            "Event",
            vec!["metadata", "finalizers"],
            lf(Merge, None, Set, &[]),
        ),
    ];
    for (group, kind, path, want) in cases {
        assert_eq!(
            list_field(group, kind, &path),
            Some(want),
            "{group}/{kind} {path:?}"
        );
    }
}

#[test]
fn non_lists_are_not_list_fields() {
    assert_eq!(list_field("", "Pod", &["spec"]), None);
    assert_eq!(list_field("", "Pod", &["spec", "nodeSelector"]), None);
    assert_eq!(
        list_field("", "Pod", &["spec", "containers", "image"]),
        None
    );
    assert_eq!(list_field("", "Pod", &["spec", "bogus"]), None);
    assert_eq!(list_field("", "Pod", &[]), None);
    assert_eq!(list_field("", "Nope", &["metadata", "finalizers"]), None);
    // A list below a scalar list does not exist.
    assert_eq!(
        list_field("", "Pod", &["metadata", "finalizers", "x"]),
        None
    );
}

#[test]
fn retain_keys_fields() {
    let yes: &[(&str, &str, &[&str])] = &[
        ("apps", "Deployment", &["spec", "strategy"]),
        (
            "apps",
            "Deployment",
            &["spec", "template", "spec", "volumes"],
        ),
        ("", "Pod", &["spec", "volumes"]),
        ("", "Pod", &["spec", "resourceClaims"]),
        ("", "Pod", &["status", "resourceClaimStatuses"]),
    ];
    for (g, k, p) in yes {
        assert!(retain_keys(g, k, p), "{k} {p:?}");
    }
    let no: &[(&str, &str, &[&str])] = &[
        ("apps", "StatefulSet", &["spec", "updateStrategy"]),
        ("", "Pod", &["spec", "containers"]),
        ("", "Pod", &["spec", "volumes", "configMap"]),
        ("", "PersistentVolume", &["spec"]),
    ];
    for (g, k, p) in no {
        assert!(!retain_keys(g, k, p), "{k} {p:?}");
    }
}

#[test]
fn maps_and_structs() {
    let maps: &[(&str, &str, &[&str])] = &[
        ("", "ConfigMap", &["data"]),
        ("", "Secret", &["stringData"]),
        ("", "Pod", &["metadata", "labels"]),
        ("", "Pod", &["spec", "nodeSelector"]),
        ("", "Pod", &["spec", "containers", "resources", "limits"]),
        (
            "apps",
            "StatefulSet",
            &["spec", "template", "metadata", "annotations"],
        ),
        (
            "apps",
            "StatefulSet",
            &[
                "spec",
                "volumeClaimTemplates",
                "spec",
                "resources",
                "requests",
            ],
        ),
        ("", "Node", &["status", "capacity"]),
        ("storage.k8s.io", "StorageClass", &["parameters"]),
    ];
    for (g, k, p) in maps {
        assert!(is_map(g, k, p), "{k} {p:?}");
    }
    let not: &[(&str, &str, &[&str])] = &[
        ("", "Pod", &["metadata"]),
        ("", "Pod", &["spec", "containers"]),
        ("", "Pod", &["spec", "securityContext"]),
        ("apps", "ControllerRevision", &["data"]),
        ("", "Pod", &["spec", "restartPolicy"]),
    ];
    for (g, k, p) in not {
        assert!(!is_map(g, k, p), "{k} {p:?}");
    }
}

#[test]
fn type_names_for_messages() {
    let pod = root("", "Pod").unwrap();
    assert_eq!(pod.name(), "Pod");
    let Some(Field {
        shape: Shape::Struct(spec),
        ..
    }) = pod.field("spec")
    else {
        panic!("spec is a struct")
    };
    assert_eq!(spec.name(), "PodSpec");
    let cr = root("apps", "ControllerRevision").unwrap();
    assert_eq!(cr.id(), "ControllerRevision@apps");
    let Some(Field {
        shape: Shape::Opaque(raw),
        ..
    }) = cr.field("data")
    else {
        panic!("data is opaque")
    };
    assert_eq!(raw.name(), "RawExtension");
    assert!(raw.field("spec").is_none());
}

#[test]
fn map_types() {
    let meta = root("", "Pod").and_then(|p| p.field("metadata"));
    let Some(Field {
        shape: Shape::Struct(meta),
        ..
    }) = meta
    else {
        panic!()
    };
    let Some(Field {
        shape: Shape::List {
            elem: Some(owner), ..
        },
        ..
    }) = meta.field("ownerReferences")
    else {
        panic!()
    };
    assert!(owner.atomic());
    assert!(!meta.atomic());
    let ns = field_at("", "Pod", &["spec", "nodeSelector"]).unwrap();
    assert_eq!(ns.map_type, Some(MapType::Atomic));
    let claim = field_at("", "PersistentVolume", &["spec", "claimRef"]).unwrap();
    assert_eq!(claim.map_type, Some(MapType::Granular));
}

/// merge-keys.md "Coverage per kind": list occurrences per kind.
#[test]
fn list_occurrences_per_kind() {
    let cases = [
        ("", "Pod", 171),
        ("", "PodTemplate", 152),
        ("apps", "Deployment", 155),
        ("apps", "ReplicaSet", 155),
        ("apps", "StatefulSet", 164),
        ("", "Service", 11),
        ("", "Endpoints", 7),
        ("", "Namespace", 5),
        ("", "Node", 12),
        ("", "PersistentVolume", 15),
        ("", "PersistentVolumeClaim", 8),
        ("", "ServiceAccount", 5),
        ("storage.k8s.io", "StorageClass", 7),
        ("discovery.k8s.io", "EndpointSlice", 8),
        ("", "ConfigMap", 3),
        ("", "Secret", 3),
        ("", "Event", 3),
        ("events.k8s.io", "Event", 3),
        ("coordination.k8s.io", "Lease", 3),
        ("apps", "ControllerRevision", 3),
    ];
    for (g, k, n) in cases {
        let paths = list_paths(g, k);
        assert_eq!(paths.len(), n, "{g}/{k}");
        let distinct: BTreeSet<_> = paths.iter().map(|(p, _)| p.clone()).collect();
        assert_eq!(distinct.len(), n, "{g}/{k}: duplicate paths");
        for (p, f) in &paths {
            assert_eq!(list_field(g, k, p), Some(*f), "{k} {p:?}");
        }
    }
    // merge-keys.md Appendix 2: 3 under metadata, 146 under spec, 22 under status.
    let pod = list_paths("", "Pod");
    let under = |top: &str| pod.iter().filter(|(p, _)| p[0] == top).count();
    assert_eq!(
        (under("metadata"), under("spec"), under("status")),
        (3, 146, 22)
    );
}

/// Every distinct row of table A (125 `Type.field` entries) appears in the graph exactly once.
#[test]
fn table_a_has_125_list_fields() {
    let lists = graph()
        .types
        .iter()
        .flat_map(|t| t.fields.iter().map(move |f| (t.id, f)))
        .filter(|(_, f)| matches!(f.shape, ShapeDef::List(..)))
        .filter(|(t, _)| !t.ends_with("@authorization") && !t.ends_with("@authentication"))
        .filter(|(t, f)| !(*t == "FieldSelectorRequirement@meta" && f.name == "values"))
        .count();
    assert_eq!(lists, 125);
}

// ---- cross-check against the JSON schemas of k8s-openapi's generated types ----

#[derive(Default)]
struct Found {
    lists: BTreeSet<Vec<String>>,
    maps: BTreeSet<Vec<String>>,
    structs: BTreeSet<Vec<String>>,
}

fn schema_of<T: JsonSchema>() -> Value {
    SchemaGenerator::default()
        .into_root_schema_for::<T>()
        .to_value()
}

fn deref<'a>(root: &'a Value, mut s: &'a Value) -> &'a Value {
    while let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or_default();
        s = &root["$defs"][name];
    }
    s
}

/// `item`: `s` is the element schema of the list at `path` (not a struct field of its own).
fn walk_schema(root: &Value, s: &Value, item: bool, path: &mut Vec<String>, found: &mut Found) {
    let s = deref(root, s);
    if s.get("type").and_then(Value::as_str) == Some("array") {
        found.lists.insert(path.clone());
        walk_schema(root, &s["items"], true, path, found);
        return;
    }
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        if !path.is_empty() && !item {
            found.structs.insert(path.clone());
        }
        for (k, v) in props {
            path.push(k.clone());
            walk_schema(root, v, false, path, found);
            path.pop();
        }
    } else if s.get("additionalProperties").is_some() {
        found.maps.insert(path.clone());
    }
}

fn ours(group: &str, kind: &str) -> Found {
    fn go(t: TypeRef, path: &mut Vec<String>, found: &mut Found) {
        for f in t.fields() {
            path.push(f.name.to_owned());
            match f.shape {
                Shape::Struct(t) => {
                    found.structs.insert(path.clone());
                    go(t, path, found);
                }
                Shape::List { elem, .. } => {
                    found.lists.insert(path.clone());
                    if let Some(t) = elem {
                        go(t, path, found);
                    }
                }
                Shape::Map => {
                    found.maps.insert(path.clone());
                }
                Shape::Opaque(_) => {}
            }
            path.pop();
        }
    }
    let mut found = Found::default();
    go(root(group, kind).unwrap(), &mut Vec::new(), &mut found);
    found
}

/// The generated types' schemas are an independent "maximal object": every list, map and
/// struct they reach must be exactly what the table says, for every served kind.
#[test]
fn coverage_matches_generated_schemas() {
    let schemas: Vec<(&str, &str, Value)> = vec![
        ("", "Namespace", schema_of::<core::v1::Namespace>()),
        ("", "Pod", schema_of::<core::v1::Pod>()),
        ("", "PodTemplate", schema_of::<core::v1::PodTemplate>()),
        ("", "Service", schema_of::<core::v1::Service>()),
        ("", "Endpoints", schema_of::<core::v1::Endpoints>()),
        ("", "ConfigMap", schema_of::<core::v1::ConfigMap>()),
        ("", "Secret", schema_of::<core::v1::Secret>()),
        (
            "",
            "ServiceAccount",
            schema_of::<core::v1::ServiceAccount>(),
        ),
        (
            "",
            "PersistentVolume",
            schema_of::<core::v1::PersistentVolume>(),
        ),
        (
            "",
            "PersistentVolumeClaim",
            schema_of::<core::v1::PersistentVolumeClaim>(),
        ),
        ("", "Event", schema_of::<core::v1::Event>()),
        ("", "Node", schema_of::<core::v1::Node>()),
        ("apps", "StatefulSet", schema_of::<apps::v1::StatefulSet>()),
        (
            "apps",
            "ControllerRevision",
            schema_of::<apps::v1::ControllerRevision>(),
        ),
        ("apps", "Deployment", schema_of::<apps::v1::Deployment>()),
        ("apps", "ReplicaSet", schema_of::<apps::v1::ReplicaSet>()),
        (
            "storage.k8s.io",
            "StorageClass",
            schema_of::<storage::v1::StorageClass>(),
        ),
        (
            "discovery.k8s.io",
            "EndpointSlice",
            schema_of::<discovery::v1::EndpointSlice>(),
        ),
        (
            "coordination.k8s.io",
            "Lease",
            schema_of::<coordination::v1::Lease>(),
        ),
        ("events.k8s.io", "Event", schema_of::<events::v1::Event>()),
        (
            "autoscaling",
            "Scale",
            schema_of::<autoscaling::v1::Scale>(),
        ),
        (
            "authorization.k8s.io",
            "SelfSubjectAccessReview",
            schema_of::<authorization::v1::SelfSubjectAccessReview>(),
        ),
        (
            "authentication.k8s.io",
            "SelfSubjectReview",
            schema_of::<authentication::v1::SelfSubjectReview>(),
        ),
    ];
    for r in RESOURCES {
        assert!(
            schemas
                .iter()
                .any(|(g, k, _)| *g == r.group && *k == r.kind),
            "served kind {}/{} has no schema check",
            r.group,
            r.kind
        );
    }
    for (g, k, schema) in &schemas {
        let mut want = Found::default();
        walk_schema(schema, schema, false, &mut Vec::new(), &mut want);
        let got = ours(g, k);
        assert_eq!(got.lists, want.lists, "{g}/{k}: list paths");
        assert_eq!(got.maps, want.maps, "{g}/{k}: map paths");
        assert_eq!(got.structs, want.structs, "{g}/{k}: struct paths");
    }
}
