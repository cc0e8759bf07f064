//! Per-kind rules: ConfigMap and Secret (§2.5, §2.6), Namespace (§2.1), ServiceAccount (§2.7),
//! Lease (§2.17) and Event (§2.10).

use base64::Engine as _;
use serde_json::{Value, json};

use super::*;
use crate::registry::{Registry, ResourceInfo};

const CONFIG_KEY_MSG: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

fn info(group: &str, kind: &str) -> &'static ResourceInfo {
    Registry.by_kind(group, "v1", kind).unwrap()
}

fn lines(errs: &[FieldError]) -> Vec<String> {
    errs.iter().map(ToString::to_string).collect()
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn meta(name: &str) -> Value {
    json!({"name": name, "namespace": "default", "uid": "u1", "resourceVersion": "3"})
}

#[test]
fn config_map_create() {
    let cm = info("", "ConfigMap");
    let cases: Vec<(Value, Vec<String>)> = vec![
        (
            json!({"metadata": meta("cfg"), "data": {"a.conf": "x"}, "binaryData": {"b.bin": b64("y")}}),
            vec![],
        ),
        (
            json!({"metadata": meta("cfg"), "data": {"a/b": "x", "..": "y"}}),
            vec![
                format!("data[..]: Invalid value: \"..\": must not be '..'"),
                format!("data[a/b]: Invalid value: \"a/b\": {CONFIG_KEY_MSG}"),
            ],
        ),
        (
            json!({"metadata": meta("cfg"), "data": {"k": "x"}, "binaryData": {"k": b64("y"), "b b": b64("z")}}),
            vec![
                "data[k]: Invalid value: \"k\": duplicate of key present in binaryData".into(),
                format!("binaryData[b b]: Invalid value: \"b b\": {CONFIG_KEY_MSG}"),
            ],
        ),
        (
            json!({"metadata": meta("cfg"), "data": {"a": "x".repeat(1024 * 1024), "b": "y"}}),
            vec!["[]: Too long: may not be more than 1048576 bytes".into()],
        ),
        (
            // Binary values count decoded bytes: 786432 + 262144 = exactly 1 MiB.
            json!({"metadata": meta("cfg"), "data": {"a": "x".repeat(262144)},
                   "binaryData": {"b": b64(&"z".repeat(786432))}}),
            vec![],
        ),
    ];
    for (obj, want) in cases {
        assert_eq!(lines(&validate_create(cm, &obj)), want);
    }
    let errs = validate_create(
        cm,
        &json!({"metadata": meta("cfg"), "data": {"a": "x".repeat(1048577)}}),
    );
    assert_eq!(
        errs[0].cause(),
        json!({"reason": "FieldValueTooLong", "message": "Too long: may not be more than 1048576 bytes", "field": "[]"})
    );
}

#[test]
fn config_map_immutable_update() {
    let cm = info("", "ConfigMap");
    let old = json!({"metadata": meta("cfg"), "immutable": true, "data": {"a": "1"}, "binaryData": {"b": b64("2")}});
    let allowed = json!({"metadata": {"name": "cfg", "namespace": "default", "uid": "u1", "resourceVersion": "3",
                                       "labels": {"new": "label"}},
                         "immutable": true, "data": {"a": "1"}, "binaryData": {"b": b64("2")}});
    assert!(validate_update(cm, &allowed, &old).is_empty());
    let changed = json!({"metadata": meta("cfg"), "data": {"a": "2"}});
    assert_eq!(
        lines(&validate_update(cm, &changed, &old)),
        vec![
            "immutable: Forbidden: field is immutable when `immutable` is set",
            "data: Forbidden: field is immutable when `immutable` is set",
            "binaryData: Forbidden: field is immutable when `immutable` is set",
        ]
    );
    // Without immutable on the old object anything goes, including setting it.
    let mutable_old = json!({"metadata": meta("cfg"), "data": {"a": "1"}});
    assert!(validate_update(cm, &changed, &mutable_old).is_empty());
    let set_now = json!({"metadata": meta("cfg"), "immutable": true, "data": {}});
    assert!(validate_update(cm, &set_now, &mutable_old).is_empty());
}

fn secret(ty: &str, data: &Value) -> Value {
    json!({"metadata": meta("s"), "type": ty, "data": data})
}

#[test]
fn secret_types_and_required_keys() {
    let s = info("", "Secret");
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (secret("Opaque", &json!({"any": b64("x")})), vec![]),
        (secret("", &json!({})), vec![]),
        (secret("example.com/custom", &json!({})), vec![]),
        (
            secret("kubernetes.io/service-account-token", &json!({})),
            vec!["metadata.annotations[kubernetes.io/service-account.name]: Required value"],
        ),
        (
            json!({"metadata": {"name": "s", "namespace": "default",
                                "annotations": {"kubernetes.io/service-account.name": "default"}},
                   "type": "kubernetes.io/service-account-token"}),
            vec![],
        ),
        (
            secret("kubernetes.io/dockercfg", &json!({})),
            vec!["data[.dockercfg]: Required value"],
        ),
        (
            secret("kubernetes.io/dockerconfigjson", &json!({})),
            vec!["data[.dockerconfigjson]: Required value"],
        ),
        (
            secret(
                "kubernetes.io/dockerconfigjson",
                &json!({".dockerconfigjson": b64(r#"{"auths":{}}"#)}),
            ),
            vec![],
        ),
        (
            secret(
                "kubernetes.io/dockerconfigjson",
                &json!({".dockerconfigjson": b64("{not json")}),
            ),
            vec![
                "data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": invalid character 'n' looking for beginning of object key string",
            ],
        ),
        (
            secret("kubernetes.io/dockercfg", &json!({".dockercfg": b64("[]")})),
            vec![
                "data[.dockercfg]: Invalid value: \"<secret contents redacted>\": json: cannot unmarshal array into Go value of type map[string]interface {}",
            ],
        ),
        (
            secret("kubernetes.io/basic-auth", &json!({})),
            vec![
                "data[username]: Required value",
                "data[password]: Required value",
            ],
        ),
        (
            secret("kubernetes.io/basic-auth", &json!({"password": ""})),
            vec![],
        ),
        (
            secret("kubernetes.io/ssh-auth", &json!({"ssh-privatekey": ""})),
            vec!["data[ssh-privatekey]: Required value"],
        ),
        (
            secret(
                "kubernetes.io/ssh-auth",
                &json!({"ssh-privatekey": b64("k")}),
            ),
            vec![],
        ),
        (
            secret("kubernetes.io/tls", &json!({"tls.key": b64("k")})),
            vec!["data[tls.crt]: Required value"],
        ),
        (
            secret("kubernetes.io/tls", &json!({})),
            vec![
                "data[tls.crt]: Required value",
                "data[tls.key]: Required value",
            ],
        ),
        (
            secret("Opaque", &json!({"big": b64(&"x".repeat(1048577))})),
            vec!["data: Too long: may not be more than 1048576 bytes"],
        ),
        (
            secret("Opaque", &json!({"a b": b64("x")})),
            vec![
                "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
            ],
        ),
    ];
    for (obj, want) in cases {
        assert_eq!(lines(&validate_create(s, &obj)), want, "object {obj}");
    }
}

#[test]
fn secret_update_rules() {
    let s = info("", "Secret");
    let old = json!({"metadata": meta("s"), "type": "kubernetes.io/tls", "immutable": true,
                     "data": {"tls.crt": b64("c"), "tls.key": b64("k")}});
    let retyped = json!({"metadata": meta("s"), "type": "Opaque", "immutable": true,
                         "data": {"tls.crt": b64("c"), "tls.key": b64("k")}});
    assert_eq!(
        lines(&validate_update(s, &retyped, &old)),
        vec!["type: Invalid value: \"Opaque\": field is immutable"]
    );
    // An empty type keeps the old one.
    let untyped = json!({"metadata": meta("s"), "immutable": true, "data": {"tls.crt": b64("c"), "tls.key": b64("k")}});
    assert!(validate_update(s, &untyped, &old).is_empty());
    let changed =
        json!({"metadata": meta("s"), "type": "kubernetes.io/tls", "data": {"tls.crt": b64("c")}});
    assert_eq!(
        lines(&validate_update(s, &changed, &old)),
        vec![
            "immutable: Forbidden: field is immutable when `immutable` is set",
            "data: Forbidden: field is immutable when `immutable` is set",
            "data[tls.key]: Required value",
        ]
    );
}

#[test]
fn namespace_rules() {
    let ns = info("", "Namespace");
    let cases: Vec<(Value, Vec<String>)> = vec![
        (json!({"metadata": {"name": "dev"}, "spec": {"finalizers": ["kubernetes"]}}), vec![]),
        (
            json!({"metadata": {"name": "my.ns"}}),
            vec!["metadata.name: Invalid value: \"my.ns\": must not contain dots".into()],
        ),
        (
            json!({"metadata": {"name": "Dev"}}),
            vec![format!("metadata.name: Invalid value: \"Dev\": {LABEL_MSG}")],
        ),
        (
            json!({"metadata": {"name": "dev"}, "spec": {"finalizers": ["custom", "example.com/x"]}}),
            vec!["spec.finalizers: Invalid value: \"custom\": name is neither a standard finalizer name nor is it fully qualified".into()],
        ),
    ];
    for (obj, want) in cases {
        assert_eq!(lines(&validate_create(ns, &obj)), want);
    }
    let old = json!({"metadata": {"name": "dev", "uid": "u", "resourceVersion": "1"}, "status": {"phase": "Active"}});
    let bad_status = json!({"metadata": {"name": "dev", "uid": "u", "resourceVersion": "1"}, "status": {"phase": "Terminating"}});
    assert_eq!(
        lines(&validate_subresource_update(
            ns,
            "status",
            &bad_status,
            &old
        )),
        vec![
            "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty"
        ]
    );
    let deleting_old = json!({"metadata": {"name": "dev", "uid": "u", "resourceVersion": "1", "deletionTimestamp": "2024-01-01T00:00:00Z"}});
    let deleting_new = json!({"metadata": {"name": "dev", "uid": "u", "resourceVersion": "1", "deletionTimestamp": "2024-01-01T00:00:00Z"}, "status": {"phase": "Active"}});
    assert_eq!(
        lines(&validate_subresource_update(
            ns,
            "status",
            &deleting_new,
            &deleting_old
        )),
        vec![
            "status.Phase: Invalid value: \"Active\": may only be 'Terminating' if `deletionTimestamp` is not empty"
        ]
    );
    let finalize = json!({"metadata": {"name": "dev", "uid": "u", "resourceVersion": "1"}, "spec": {"finalizers": ["kubernetes", "x"]}});
    assert_eq!(
        lines(&validate_subresource_update(
            ns, "finalize", &finalize, &old
        )),
        vec![
            "spec.finalizers[1]: Invalid value: \"x\": name is neither a standard finalizer name nor is it fully qualified"
        ]
    );
}

#[test]
fn service_account_rules() {
    let sa = info("", "ServiceAccount");
    assert!(
        validate_create(
            sa,
            &json!({"metadata": meta("default"), "secrets": [{"name": "t"}]})
        )
        .is_empty()
    );
    assert_eq!(
        validate_create(sa, &json!({"metadata": meta("Bad_SA")})).len(),
        1
    );
    let renamed = json!({"metadata": {"name": "other", "namespace": "default", "uid": "u1", "resourceVersion": "3"}});
    let errs = validate_update(sa, &renamed, &json!({"metadata": meta("default")}));
    // The generic update check and the kind's update check both report it.
    assert_eq!(
        lines(&errs),
        vec![
            "metadata.name: Invalid value: \"other\": field is immutable",
            "metadata.name: Invalid value: \"other\": field is immutable",
        ]
    );
}

#[test]
fn lease_rules() {
    let lease = info("coordination.k8s.io", "Lease");
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (
            json!({"metadata": meta("l"), "spec": {"holderIdentity": "a", "leaseDurationSeconds": 15, "leaseTransitions": 0}}),
            vec![],
        ),
        (
            json!({"metadata": meta("l"), "spec": {"leaseDurationSeconds": 0, "leaseTransitions": -1}}),
            vec![
                "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
                "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0",
            ],
        ),
        (
            json!({"metadata": meta("l"), "spec": {"preferredHolder": "x"}}),
            vec!["spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined"],
        ),
        (
            json!({"metadata": meta("l"), "spec": {"strategy": "Newest"}}),
            vec![
                "spec.strategy.strategy: Unsupported value: \"Newest\": supported values: \"OldestEmulationVersion\"",
            ],
        ),
        (
            json!({"metadata": meta("l"), "spec": {"strategy": "example.com/mine", "preferredHolder": "x"}}),
            vec![],
        ),
    ];
    for (obj, want) in cases {
        assert_eq!(lines(&validate_create(lease, &obj)), want, "object {obj}");
    }
    let errs = validate_create(
        lease,
        &json!({"metadata": meta("l"), "spec": {"leaseDurationSeconds": 0}}),
    );
    assert_eq!(
        invalid_message(&qualified_kind(lease), "l", &errs),
        "Lease.coordination.k8s.io \"l\" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"
    );
}

fn core_event(extra: Value) -> Value {
    let mut ev = json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "web.1", "namespace": "default", "uid": "u", "resourceVersion": "1"},
        "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default"},
        "reason": "Started", "message": "started", "type": "Normal", "count": 1,
        "source": {"component": "kubelet"}});
    if let (Some(base), Value::Object(more)) = (ev.as_object_mut(), extra) {
        base.extend(more);
    }
    ev
}

#[test]
fn core_event_legacy_rules() {
    let ev = info("", "Event");
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (core_event(json!({})), vec![]),
        (
            core_event(
                json!({"involvedObject": {"kind": "Pod", "name": "web", "namespace": "other"}}),
            ),
            vec![
                "involvedObject.namespace: Invalid value: \"other\": does not match event.namespace",
            ],
        ),
        (
            // A cluster-scoped object's events live in default.
            core_event(json!({"involvedObject": {"kind": "Node", "name": "n1"}})),
            vec![],
        ),
        (
            core_event(
                json!({"eventTime": "2024-05-01T10:00:00.000000Z", "reportingComponent": "",
                              "reportingInstance": "", "action": "", "reason": "x".repeat(129)}),
            ),
            vec![
                "reportingComponent: Required value",
                "reportingComponent: Invalid value: \"\": name part must be non-empty",
                "reportingComponent: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                "reportingInstance: Required value",
                "action: Required value",
                "reason: Invalid value: \"\": can have at most 128 characters",
            ],
        ),
    ];
    for (obj, want) in cases {
        assert_eq!(lines(&validate_create(ev, &obj)), want, "object {obj}");
    }
}

#[test]
fn events_k8s_io_rules() {
    let ev = info("events.k8s.io", "Event");
    let good = json!({"apiVersion": "events.k8s.io/v1", "kind": "Event",
        "metadata": {"name": "web.1", "namespace": "default", "uid": "u", "resourceVersion": "1"},
        "eventTime": "2024-05-01T10:00:00.000000Z", "reportingController": "example.com/ctl",
        "reportingInstance": "ctl-1", "action": "Sync", "reason": "Synced", "type": "Normal",
        "regarding": {"kind": "Pod", "name": "web", "namespace": "default"}, "note": "ok"});
    assert!(validate_create(ev, &good).is_empty());
    let mut bad = good.clone();
    bad["metadata"]["name"] = json!("Web_1");
    bad["type"] = json!("Info");
    bad["deprecatedCount"] = json!(2);
    bad["series"] = json!({"count": 1});
    bad["reportingController"] = json!("");
    let got = lines(&validate_create(ev, &bad));
    assert_eq!(got[0], "reportingController: Required value");
    assert!(got.contains(&"series.count: Invalid value: \"\": should be at least 2".to_owned()));
    assert!(got.contains(&"series.lastObservedTime: Required value".to_owned()));
    assert!(got.contains(&"type: Invalid value: \"\": has invalid value: Info".to_owned()));
    assert!(got.contains(&"count: Invalid value: \"\": needs to be unset".to_owned()));
    assert!(got.iter().any(|l| {
        l.starts_with("metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain")
    }));

    let mut changed = good.clone();
    changed["note"] = json!("different");
    changed["regarding"]["name"] = json!("db");
    assert_eq!(
        lines(&validate_update(ev, &changed, &good)),
        vec![
            "involvedObject: Invalid value: core.ObjectReference{Kind:\"Pod\", Namespace:\"default\", Name:\"db\", UID:\"\", APIVersion:\"\", ResourceVersion:\"\", FieldPath:\"\"}: field is immutable",
            "message: Invalid value: \"different\": field is immutable",
        ]
    );
    // Event times compare at microsecond precision.
    let mut same = good.clone();
    same["eventTime"] = json!("2024-05-01T10:00:00.000000400Z");
    assert!(validate_update(ev, &same, &good).is_empty());
}

#[test]
fn events_k8s_io_update_against_stored_core_form() {
    let ev = info("events.k8s.io", "Event");
    let new = json!({"apiVersion": "events.k8s.io/v1", "kind": "Event",
        "metadata": {"name": "web.1", "namespace": "default", "uid": "u", "resourceVersion": "1"},
        "eventTime": "2024-05-01T10:00:00.000000Z", "reportingController": "example.com/ctl",
        "reportingInstance": "ctl-1", "action": "Sync", "reason": "Synced", "type": "Normal",
        "regarding": {"kind": "Pod", "name": "web", "namespace": "default"}, "note": "ok"});
    let stored = crate::convert::events_v1_to_core_event(&new).unwrap();
    assert!(validate_update(ev, &new, &stored).is_empty());
    let mut renamed = new;
    renamed["reportingController"] = json!("example.com/other");
    assert_eq!(
        lines(&validate_update(ev, &renamed, &stored)),
        vec!["reportingController: Invalid value: \"example.com/other\": field is immutable"]
    );
}
