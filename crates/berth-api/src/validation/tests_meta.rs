//! ObjectMeta create/update rules (core-kinds §1.2, §1.3) and `generateName`.

use serde_json::{Value, json};

use super::*;
use crate::registry::{Registry, ResourceInfo};

const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const NAME_PART_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

fn info(group: &str, kind: &str) -> &'static ResourceInfo {
    Registry.by_kind(group, "v1", kind).unwrap()
}

fn lines(errs: &[FieldError]) -> Vec<String> {
    errs.iter().map(ToString::to_string).collect()
}

#[test]
fn create_rules_one_by_one() {
    let pod = info("", "Pod");
    let ns = info("", "Namespace");
    let cases: Vec<(&ResourceInfo, Value, Vec<String>)> = vec![
        (pod, json!({"name": "web", "namespace": "default"}), vec![]),
        (
            pod,
            json!({"namespace": "default"}),
            vec!["metadata.name: Required value: name or generateName is required".into()],
        ),
        (
            pod,
            json!({"name": "Bad_Name", "namespace": "default"}),
            vec![format!("metadata.name: Invalid value: \"Bad_Name\": {SUBDOMAIN_MSG}")],
        ),
        (
            pod,
            json!({"generateName": "Web-", "name": "web-abcde", "namespace": "default"}),
            vec![format!("metadata.generateName: Invalid value: \"Web-\": {SUBDOMAIN_MSG}")],
        ),
        (pod, json!({"generateName": "web-", "name": "web-abcde", "namespace": "default"}), vec![]),
        (pod, json!({"name": "web"}), vec!["metadata.namespace: Required value".into()]),
        (
            pod,
            json!({"name": "web", "namespace": "Prod"}),
            vec![format!("metadata.namespace: Invalid value: \"Prod\": {LABEL_MSG}")],
        ),
        (
            pod,
            json!({"name": "web", "namespace": "a.b"}),
            vec!["metadata.namespace: Invalid value: \"a.b\": must not contain dots".into()],
        ),
        (
            ns,
            json!({"name": "dev", "namespace": "default"}),
            vec!["metadata.namespace: Forbidden: not allowed on this type".into()],
        ),
        (
            pod,
            json!({"name": "web", "namespace": "default", "generation": -1}),
            vec!["metadata.generation: Invalid value: -1: must be greater than or equal to 0".into()],
        ),
        (
            pod,
            json!({"name": "web", "namespace": "default", "labels": {"-app": "web", "tier": "-x"}}),
            vec![
                format!("metadata.labels: Invalid value: \"-app\": {NAME_PART_MSG}"),
                format!("metadata.labels: Invalid value: \"-x\": {LABEL_VALUE_MSG}"),
            ],
        ),
        (
            pod,
            json!({"name": "web", "namespace": "default", "annotations": {"Example.COM/Key": "v", "bad key": "v"}}),
            vec![format!("metadata.annotations: Invalid value: \"bad key\": {NAME_PART_MSG}")],
        ),
        (
            pod,
            json!({"name": "web", "namespace": "default", "annotations": {"big": "x".repeat(262142)}}),
            vec!["metadata.annotations: Too long: may not be more than 262144 bytes".into()],
        ),
        (pod, json!({"name": "web", "namespace": "default", "annotations": {"big": "x".repeat(262141)}}), vec![]),
        (
            pod,
            json!({"name": "web", "namespace": "default", "finalizers": ["example.com/a", "orphan", "foregroundDeletion"]}),
            vec!["metadata.finalizers: Invalid value: []string{\"example.com/a\", \"orphan\", \"foregroundDeletion\"}: finalizer orphan and foregroundDeletion cannot be both set".into()],
        ),
        (
            pod,
            json!({"name": "web", "namespace": "default", "finalizers": ["kubernetes", "my-finalizer", "a/b/c"]}),
            vec![
                "metadata.finalizers: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".into(),
                "metadata.finalizers[1]: Invalid value: \"my-finalizer\": name is neither a standard finalizer name nor is it fully qualified".into(),
            ],
        ),
        (
            pod,
            json!({"name": "web", "namespace": "default", "managedFields": [{"manager": "kubectl", "operation": "Patch", "fieldsType": "FieldsV2"}]}),
            vec![
                "metadata.managedFields[0].operation: Invalid value: \"Patch\": must be `Apply` or `Update`".into(),
                "metadata.managedFields[0].fieldsType: Invalid value: \"FieldsV2\": must be `FieldsV1`".into(),
            ],
        ),
    ];
    for (info, meta, want) in cases {
        assert_eq!(
            lines(&validate_object_meta_create(info, &meta)),
            want,
            "meta {meta}"
        );
    }
}

#[test]
fn lease_skips_core_finalizer_rule() {
    let lease = info("coordination.k8s.io", "Lease");
    let meta = json!({"name": "l", "namespace": "default", "finalizers": ["custom"]});
    assert!(validate_object_meta_create(lease, &meta).is_empty());
}

#[test]
fn owner_reference_rules() {
    let pod = info("", "Pod");
    let meta = json!({"name": "web", "namespace": "default", "ownerReferences": [
        {"apiVersion": "apps/", "kind": "", "name": "", "uid": ""},
        {"apiVersion": "v1", "kind": "Event", "name": "e", "uid": "u1"},
    ]});
    assert_eq!(
        lines(&validate_object_meta_create(pod, &meta)),
        vec![
            "metadata.ownerReferences.apiVersion: Invalid value: \"apps/\": version must not be empty",
            "metadata.ownerReferences.kind: Invalid value: \"\": kind must not be empty",
            "metadata.ownerReferences.name: Invalid value: \"\": name must not be empty",
            "metadata.ownerReferences.uid: Invalid value: \"\": uid must not be empty",
            "metadata.ownerReferences: Invalid value: v1.OwnerReference{APIVersion:\"v1\", Kind:\"Event\", Name:\"e\", UID:\"u1\", Controller:(*bool)(nil), BlockOwnerDeletion:(*bool)(nil)}: /v1, Kind=Event is disallowed from being an owner",
        ]
    );
    let two_controllers = json!({"name": "web", "namespace": "default", "ownerReferences": [
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "a", "uid": "1", "controller": true},
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "b", "uid": "2", "controller": true},
    ]});
    let errs = validate_object_meta_create(pod, &two_controllers);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].field, "metadata.ownerReferences");
    assert!(errs[0].body().ends_with(
        ": Only one reference can have Controller set to true. Found \"true\" in references for ReplicaSet/a and StatefulSet/b"
    ));
    assert!(errs[0].body().starts_with(
        "Invalid value: []v1.OwnerReference{v1.OwnerReference{APIVersion:\"apps/v1\""
    ));
}

fn stored(extra: Value) -> Value {
    let mut m = json!({"name": "web", "namespace": "default", "uid": "u1", "resourceVersion": "5",
                       "creationTimestamp": "2024-01-02T03:04:05Z", "generation": 2});
    if let (Some(base), Value::Object(more)) = (m.as_object_mut(), extra) {
        base.extend(more);
    }
    m
}

#[test]
fn update_rules() {
    let pod = info("", "Pod");
    let cases: Vec<(Value, Value, Vec<&str>)> = vec![
        (stored(json!({})), stored(json!({})), vec![]),
        (
            stored(json!({"name": "other", "namespace": "prod", "uid": "u2"})),
            stored(json!({})),
            vec![
                "metadata.name: Invalid value: \"other\": field is immutable",
                "metadata.namespace: Invalid value: \"prod\": field is immutable",
                "metadata.uid: Invalid value: \"u2\": field is immutable",
            ],
        ),
        (
            stored(json!({"resourceVersion": ""})),
            stored(json!({})),
            vec!["metadata.resourceVersion: Invalid value: \"\": must be specified for an update"],
        ),
        (
            stored(json!({"generation": 1})),
            stored(json!({})),
            vec!["metadata.generation: Invalid value: 1: must not be decremented"],
        ),
        (
            stored(json!({"creationTimestamp": "2025-01-02T03:04:05Z"})),
            stored(json!({})),
            vec![
                "metadata.creationTimestamp: Invalid value: 2025-01-02 03:04:05 +0000 UTC: field is immutable",
            ],
        ),
        (
            // Same instant written differently is not a change.
            stored(json!({"creationTimestamp": "2024-01-02T05:04:05+02:00"})),
            stored(json!({})),
            vec![],
        ),
        (
            stored(json!({"deletionGracePeriodSeconds": 30})),
            stored(json!({})),
            vec!["metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable"],
        ),
        (
            stored(json!({})),
            stored(
                json!({"deletionTimestamp": "2024-01-02T03:04:05Z", "deletionGracePeriodSeconds": 0}),
            ),
            vec![
                "metadata.deletionTimestamp: Invalid value: \"null\": field is immutable",
                "metadata.deletionGracePeriodSeconds: Invalid value: \"null\": field is immutable",
            ],
        ),
        (
            stored(
                json!({"deletionTimestamp": "2024-01-02T03:04:05Z", "finalizers": ["a.io/x", "b.io/y", "a.io/old"]}),
            ),
            stored(
                json!({"deletionTimestamp": "2024-01-02T03:04:05Z", "finalizers": ["a.io/old"]}),
            ),
            vec![
                "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"a.io/x\", \"b.io/y\"}",
            ],
        ),
        (
            stored(json!({"labels": {"a": "b c"}, "finalizers": ["plain"]})),
            stored(json!({})),
            vec![
                "metadata.labels: Invalid value: \"b c\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
                "metadata.finalizers[0]: Invalid value: \"plain\": name is neither a standard finalizer name nor is it fully qualified",
            ],
        ),
    ];
    for (new, old, want) in cases {
        assert_eq!(
            lines(&validate_object_meta_update(pod, &new, &old)),
            want,
            "new {new}"
        );
    }
}

#[test]
fn generate_name_truncates_to_58() {
    assert_eq!(generate_name("web-", "x2b4z"), "web-x2b4z");
    let long = "a".repeat(70);
    let name = generate_name(&long, "bcdfg");
    assert_eq!(name.len(), 63);
    assert_eq!(&name[..58], &long[..58]);
    assert!(name.ends_with("bcdfg"));
    // Never splits a character.
    let wide = format!("{}é", "a".repeat(57));
    assert_eq!(
        generate_name(&wide, "bcdfg"),
        format!("{}bcdfg", "a".repeat(57))
    );
    assert_eq!(GENERATE_NAME_ALPHABET.len(), 27);
    assert!(!GENERATE_NAME_ALPHABET.contains(['a', 'e', 'i', 'o', 'u', '0', '1', '3']));
}

#[test]
fn create_pipeline_runs_generic_check_only_after_kind_rules_pass() {
    let event = info("", "Event");
    // Core Event: no name rule of its own, so the generic path-segment rule decides.
    let ev = json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "web.17a/x", "namespace": "default"},
        "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default"}});
    assert_eq!(
        lines(&validate_create(event, &ev)),
        vec!["metadata.name: Invalid value: \"web.17a/x\": may not contain '/'"]
    );
    let cm = info("", "ConfigMap");
    let bad = json!({"metadata": {"name": "a%b", "namespace": "default"}});
    // The kind's subdomain rule fires first; the generic check does not add to it.
    assert_eq!(
        lines(&validate_create(cm, &bad)),
        vec![format!(
            "metadata.name: Invalid value: \"a%b\": {SUBDOMAIN_MSG}"
        )]
    );
}

#[test]
fn update_pipeline_keeps_upstream_duplicates() {
    let cm = info("", "ConfigMap");
    let old = json!({"metadata": stored(json!({}))});
    let new = json!({"metadata": stored(json!({"labels": {"k": "-"}}))});
    let errs = validate_update(cm, &new, &old);
    // Generic create check, generic update check, the kind's update check and its create check.
    assert_eq!(errs.len(), 4);
    assert!(errs.iter().all(|e| e.field == "metadata.labels"));
    assert_eq!(
        invalid_message("ConfigMap", "web", &errs),
        format!(
            "ConfigMap \"web\" is invalid: metadata.labels: Invalid value: \"-\": {LABEL_VALUE_MSG}"
        )
    );
}
