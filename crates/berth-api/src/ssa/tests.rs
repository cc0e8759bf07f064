//! Scenarios of server-side apply and managed fields, with the objects and entries upstream's
//! field manager produces for them.

#![allow(clippy::needless_pass_by_value)]

use serde_json::{Value, json};

use super::*;

const T1: &str = "2026-11-24T04:13:27Z";
const T2: &str = "2026-11-24T04:20:00Z";
const T3: &str = "2026-11-24T05:00:00Z";

fn entry(manager: &str, op: &str, api: &str, time: Option<&str>, fields: Value) -> Value {
    let mut e = json!({"manager": manager, "operation": op, "apiVersion": api,
                       "fieldsType": "FieldsV1", "fieldsV1": fields});
    if let Some(t) = time {
        e["time"] = json!(t);
    }
    e
}

fn with_sub(mut e: Value, sub: &str) -> Value {
    e["subresource"] = json!(sub);
    e
}

fn mf(obj: &Value) -> Value {
    obj.pointer("/metadata/managedFields")
        .cloned()
        .unwrap_or(Value::Null)
}

fn cm(data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": "cfg", "namespace": "default"}, "data": data})
}

fn apply_cm(
    live: Option<&Value>,
    data: Value,
    manager: &str,
    now: &str,
) -> Result<Value, SsaError> {
    apply("", "ConfigMap", "v1", live, &cm(data), manager, false, now)
}

fn deploy(spec: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": "web", "namespace": "default"}, "spec": spec})
}

fn apply_deploy(
    live: Option<&Value>,
    spec: Value,
    manager: &str,
    force: bool,
    now: &str,
) -> Result<Value, SsaError> {
    apply(
        "apps",
        "Deployment",
        "apps/v1",
        live,
        &deploy(spec),
        manager,
        force,
        now,
    )
}

#[test]
fn create_records_the_applier() {
    let obj = apply_cm(None, json!({"a": "1", "b": "2"}), "kubectl", T1).unwrap();
    let mut want = cm(json!({"a": "1", "b": "2"}));
    want["metadata"]["managedFields"] = json!([entry(
        "kubectl",
        "Apply",
        "v1",
        Some(T1),
        json!({"f:data": {"f:a": {}, "f:b": {}}})
    )]);
    assert_eq!(obj, want);
}

#[test]
fn keyed_items_set_members_and_atomic_structs() {
    let spec = json!({
        "replicas": 3,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}, "finalizers": ["x"]},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25",
                                     "ports": [{"containerPort": 80}]}]}
        }
    });
    let obj = apply_deploy(None, spec, "kubectl", false, T1).unwrap();
    // LabelSelector is atomic; a list-map item is itself a member ("."), keyed by all its
    // list-map keys (protocol by its default); set members are values.
    let fields = json!({"f:spec": {
        "f:replicas": {},
        "f:selector": {},
        "f:template": {
            "f:metadata": {"f:labels": {"f:app": {}}, "f:finalizers": {"v:\"x\"": {}}},
            "f:spec": {"f:containers": {"k:{\"name\":\"nginx\"}": {
                ".": {}, "f:image": {}, "f:name": {},
                "f:ports": {"k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {
                    ".": {}, "f:containerPort": {}}}
            }}}
        }
    }});
    assert_eq!(
        mf(&obj),
        json!([entry("kubectl", "Apply", "apps/v1", Some(T1), fields)])
    );
}

#[test]
fn reapply_and_removal_follow_ownership() {
    struct Case {
        name: &'static str,
        data: Value,
        want_data: Value,
        want_mf: Value,
    }
    let base = apply_cm(None, json!({"a": "1", "b": "2"}), "kubectl", T1).unwrap();
    let cases = [
        Case {
            name: "same config: object and entry time unchanged",
            data: json!({"a": "1", "b": "2"}),
            want_data: json!({"a": "1", "b": "2"}),
            want_mf: json!([entry(
                "kubectl",
                "Apply",
                "v1",
                Some(T1),
                json!({"f:data": {"f:a": {}, "f:b": {}}})
            )]),
        },
        Case {
            name: "changed value: new time",
            data: json!({"a": "9", "b": "2"}),
            want_data: json!({"a": "9", "b": "2"}),
            want_mf: json!([entry(
                "kubectl",
                "Apply",
                "v1",
                Some(T2),
                json!({"f:data": {"f:a": {}, "f:b": {}}})
            )]),
        },
        Case {
            name: "field dropped by its only owner is removed",
            data: json!({"a": "1"}),
            want_data: json!({"a": "1"}),
            want_mf: json!([entry(
                "kubectl",
                "Apply",
                "v1",
                Some(T2),
                json!({"f:data": {"f:a": {}}})
            )]),
        },
    ];
    for c in cases {
        let obj = apply_cm(Some(&base), c.data, "kubectl", T2).unwrap();
        assert_eq!(obj["data"], c.want_data, "{}", c.name);
        assert_eq!(mf(&obj), c.want_mf, "{}", c.name);
    }
}

#[test]
fn shared_fields_survive_one_owner_dropping_them() {
    let one = apply_cm(None, json!({"a": "1", "b": "2"}), "kubectl", T1).unwrap();
    // Same value: shared ownership, no conflict. The object does not change, so the second
    // applier's entry has no time and sorts first.
    let two = apply_cm(Some(&one), json!({"b": "2"}), "other", T2).unwrap();
    assert_eq!(two["data"], json!({"a": "1", "b": "2"}));
    assert_eq!(
        mf(&two),
        json!([
            entry("other", "Apply", "v1", None, json!({"f:data": {"f:b": {}}})),
            entry(
                "kubectl",
                "Apply",
                "v1",
                Some(T1),
                json!({"f:data": {"f:a": {}, "f:b": {}}})
            ),
        ])
    );
    let three = apply_cm(Some(&two), json!({"a": "1"}), "kubectl", T3).unwrap();
    assert_eq!(three["data"], json!({"a": "1", "b": "2"}));
    assert_eq!(
        mf(&three),
        json!([
            entry("other", "Apply", "v1", None, json!({"f:data": {"f:b": {}}})),
            entry(
                "kubectl",
                "Apply",
                "v1",
                Some(T1),
                json!({"f:data": {"f:a": {}}})
            ),
        ])
    );
}

#[test]
fn conflicts_between_appliers_and_force() {
    let live = apply_deploy(
        None,
        json!({"replicas": 3, "minReadySeconds": 10}),
        "mgr-a",
        false,
        T1,
    )
    .unwrap();
    // A different value owned by another applier conflicts.
    let err = apply_deploy(Some(&live), json!({"replicas": 5}), "mgr-b", false, T2).unwrap_err();
    let want = Conflict {
        manager: "mgr-a".into(),
        field: ".spec.replicas".into(),
        api_version: "apps/v1".into(),
        operation: "Apply".into(),
        subresource: String::new(),
    };
    assert_eq!(err, SsaError::Conflicts(vec![want]));
    assert_eq!(
        err.to_string(),
        "Apply failed with 1 conflict: conflict with \"mgr-a\": .spec.replicas"
    );
    assert_eq!(
        err.status(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "Apply failed with 1 conflict: conflict with \"mgr-a\": .spec.replicas",
               "reason": "Conflict", "code": 409,
               "details": {"causes": [{"reason": "FieldManagerConflict",
                                       "message": "conflict with \"mgr-a\"",
                                       "field": ".spec.replicas"}]}})
    );
    // The same value is shared.
    let shared = apply_deploy(Some(&live), json!({"replicas": 3}), "mgr-b", false, T2).unwrap();
    assert_eq!(
        mf(&shared),
        json!([
            entry(
                "mgr-b",
                "Apply",
                "apps/v1",
                None,
                json!({"f:spec": {"f:replicas": {}}})
            ),
            entry(
                "mgr-a",
                "Apply",
                "apps/v1",
                Some(T1),
                json!({"f:spec": {"f:minReadySeconds": {}, "f:replicas": {}}})
            ),
        ])
    );
    // Force moves ownership.
    let forced = apply_deploy(Some(&live), json!({"replicas": 5}), "mgr-b", true, T2).unwrap();
    assert_eq!(
        forced["spec"],
        json!({"replicas": 5, "minReadySeconds": 10})
    );
    assert_eq!(
        mf(&forced),
        json!([
            entry(
                "mgr-a",
                "Apply",
                "apps/v1",
                Some(T1),
                json!({"f:spec": {"f:minReadySeconds": {}}})
            ),
            entry(
                "mgr-b",
                "Apply",
                "apps/v1",
                Some(T2),
                json!({"f:spec": {"f:replicas": {}}})
            ),
        ])
    );
}

#[test]
fn scale_takes_replicas_from_the_applier() {
    let live = apply_deploy(
        None,
        json!({"replicas": 3, "minReadySeconds": 10}),
        "kubectl",
        false,
        T1,
    )
    .unwrap();
    let mut scaled = live.clone();
    scaled["spec"]["replicas"] = json!(5);
    record_update(
        "apps",
        "Deployment",
        "apps/v1",
        Some(&live),
        &mut scaled,
        "kubectl",
        Some("scale"),
        T2,
    );
    // The scale entry is keyed by the parent's version and, as upstream writes it, has no time.
    assert_eq!(
        mf(&scaled),
        json!([
            entry(
                "kubectl",
                "Apply",
                "apps/v1",
                Some(T1),
                json!({"f:spec": {"f:minReadySeconds": {}}})
            ),
            with_sub(
                entry(
                    "kubectl",
                    "Update",
                    "apps/v1",
                    None,
                    json!({"f:spec": {"f:replicas": {}}})
                ),
                "scale"
            ),
        ])
    );
    let err = apply_deploy(
        Some(&scaled),
        json!({"replicas": 3, "minReadySeconds": 10}),
        "kubectl",
        false,
        T3,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas"
    );
    // Leaving replicas out keeps the scaled value.
    let kept = apply_deploy(
        Some(&scaled),
        json!({"minReadySeconds": 10}),
        "kubectl",
        false,
        T3,
    )
    .unwrap();
    assert_eq!(kept["spec"]["replicas"], json!(5));
}

#[test]
fn scale_of_unowned_replicas_is_not_tracked() {
    let live = apply_deploy(None, json!({"minReadySeconds": 10}), "kubectl", false, T1).unwrap();
    let mut scaled = live.clone();
    scaled["spec"]["replicas"] = json!(5);
    record_update(
        "apps",
        "Deployment",
        "apps/v1",
        Some(&live),
        &mut scaled,
        "kubectl",
        Some("scale"),
        T2,
    );
    assert_eq!(mf(&scaled), mf(&live));
}

#[test]
fn updates_take_the_fields_they_change() {
    let mut created = cm(json!({"k": "v"}));
    created["metadata"]["labels"] = json!({"a": "1"});
    record_update(
        "",
        "ConfigMap",
        "v1",
        None,
        &mut created,
        "kubectl-create",
        None,
        T1,
    );
    // New objects and maps are members of the creator's entry.
    let create_entry = |fields| entry("kubectl-create", "Update", "v1", Some(T1), fields);
    assert_eq!(
        mf(&created),
        json!([create_entry(json!({"f:data": {".": {}, "f:k": {}},
                                   "f:metadata": {"f:labels": {".": {}, "f:a": {}}}}))])
    );
    let mut labelled = created.clone();
    labelled["metadata"]["labels"]["b"] = json!("2");
    record_update(
        "",
        "ConfigMap",
        "v1",
        Some(&created),
        &mut labelled,
        "kubectl-label",
        None,
        T2,
    );
    let mut relabelled = labelled.clone();
    relabelled["metadata"]["labels"]["a"] = json!("9");
    record_update(
        "",
        "ConfigMap",
        "v1",
        Some(&labelled),
        &mut relabelled,
        "kubectl-label",
        None,
        T3,
    );
    assert_eq!(
        mf(&relabelled),
        json!([
            create_entry(json!({"f:data": {".": {}, "f:k": {}}, "f:metadata": {"f:labels": {}}})),
            entry(
                "kubectl-label",
                "Update",
                "v1",
                Some(T3),
                json!({"f:metadata": {"f:labels": {"f:a": {}, "f:b": {}}}})
            ),
        ])
    );
    // A write that changes nothing leaves the entries alone.
    let mut same = relabelled.clone();
    record_update(
        "",
        "ConfigMap",
        "v1",
        Some(&relabelled),
        &mut same,
        "kubectl-edit",
        None,
        T3,
    );
    assert_eq!(mf(&same), mf(&relabelled));
}

#[test]
fn created_deployment_entry_has_upstreams_members() {
    let mut d = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"},
                     "uid": "u", "generation": 1},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                         "spec": {"containers": [{"name": "nginx", "image": "nginx", "resources": {}}]}}
        },
        "status": {"replicas": 1}
    });
    record_update(
        "apps",
        "Deployment",
        "apps/v1",
        None,
        &mut d,
        "kubectl-create",
        None,
        T1,
    );
    // Structs a new Go object already has (spec, strategy, template) are not members; pointers,
    // maps and list items are; status belongs to the status subresource.
    let fields = json!({
        "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
        "f:spec": {
            "f:replicas": {}, "f:selector": {},
            "f:strategy": {"f:rollingUpdate": {".": {}, "f:maxSurge": {}}, "f:type": {}},
            "f:template": {
                "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                "f:spec": {"f:containers": {"k:{\"name\":\"nginx\"}": {
                    ".": {}, "f:image": {}, "f:name": {}, "f:resources": {}}}}
            }
        }
    });
    assert_eq!(
        mf(&d),
        json!([entry(
            "kubectl-create",
            "Update",
            "apps/v1",
            Some(T1),
            fields
        )])
    );
}

#[test]
fn status_is_not_applied_through_the_main_resource() {
    let mut applied = deploy(json!({"replicas": 2}));
    applied["status"] = json!({"replicas": 7});
    let obj = apply(
        "apps",
        "Deployment",
        "apps/v1",
        None,
        &applied,
        "m",
        false,
        T1,
    )
    .unwrap();
    assert_eq!(obj.get("status"), None);
    assert_eq!(
        mf(&obj),
        json!([entry(
            "m",
            "Apply",
            "apps/v1",
            Some(T1),
            json!({"f:spec": {"f:replicas": {}}})
        )])
    );

    let mut live = obj;
    live["status"] = json!({"replicas": 2});
    let mut new = live.clone();
    new["status"]["replicas"] = json!(3);
    new["spec"]["replicas"] = json!(9);
    record_update(
        "apps",
        "Deployment",
        "apps/v1",
        Some(&live),
        &mut new,
        "kube-controller-manager",
        Some("status"),
        T2,
    );
    assert_eq!(
        mf(&new)[1],
        with_sub(
            entry(
                "kube-controller-manager",
                "Update",
                "apps/v1",
                Some(T2),
                json!({"f:status": {"f:replicas": {}}})
            ),
            "status"
        )
    );
}

#[test]
fn untracked_objects_and_resets() {
    // An existing object without managed fields is adopted by `before-first-apply` on apply.
    let plain = cm(json!({"a": "1"}));
    let obj = apply_cm(Some(&plain), json!({"b": "2"}), "mgr", T1).unwrap();
    assert_eq!(obj["data"], json!({"a": "1", "b": "2"}));
    assert_eq!(
        mf(&obj),
        json!([
            entry(
                "mgr",
                "Apply",
                "v1",
                Some(T1),
                json!({"f:data": {"f:b": {}}})
            ),
            entry(
                "before-first-apply",
                "Update",
                "v1",
                Some(T1),
                json!({"f:data": {".": {}, "f:a": {}}})
            ),
        ])
    );
    let err = apply_cm(Some(&plain), json!({"a": "9"}), "mgr", T1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Apply failed with 1 conflict: conflict with \"before-first-apply\" using v1: .data.a"
    );
    // ...but stays untracked on update.
    let mut updated = cm(json!({"a": "2"}));
    record_update(
        "",
        "ConfigMap",
        "v1",
        Some(&plain),
        &mut updated,
        "kubectl-edit",
        None,
        T2,
    );
    assert_eq!(mf(&updated), Value::Null);
    // Sending `[{}]` (or `[]`) clears them.
    for reset in [json!([{}]), json!([])] {
        let mut cleared = obj.clone();
        cleared["metadata"]["managedFields"] = reset;
        cleared["data"]["a"] = json!("3");
        record_update(
            "",
            "ConfigMap",
            "v1",
            Some(&obj),
            &mut cleared,
            "kubectl-edit",
            None,
            T2,
        );
        assert_eq!(mf(&cleared), Value::Null);
    }
}

#[test]
fn request_errors() {
    struct Case {
        applied: Value,
        code: u16,
        message: &'static str,
    }
    let mut with_mf = cm(json!({}));
    with_mf["metadata"]["managedFields"] = json!([]);
    let mut secret = cm(json!({}));
    secret["kind"] = json!("Secret");
    let cases = [
        Case {
            applied: with_mf,
            code: 400,
            message: "metadata.managedFields must be nil",
        },
        Case {
            applied: secret,
            code: 400,
            message: "invalid object type: /v1, Kind=Secret",
        },
    ];
    for c in cases {
        let err = apply("", "ConfigMap", "v1", None, &c.applied, "m", false, T1).unwrap_err();
        assert_eq!((err.code(), err.to_string().as_str()), (c.code, c.message));
    }
    let containers = |c: Value| json!({"template": {"spec": {"containers": c}}});
    let cases = [
        (
            containers(json!([{"name": "a"}, {"name": "a"}])),
            "failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name=\"a\"]",
        ),
        (
            containers(json!([{"image": "x"}])),
            "failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field \"name\" (and doesn't have default value)",
        ),
    ];
    for (spec, message) in cases {
        let err = apply_deploy(None, spec, "m", false, T1).unwrap_err();
        assert_eq!(err.code(), 500);
        assert_eq!(err.to_string(), message);
        assert_eq!(err.status()["reason"], Value::Null);
    }
}

#[test]
fn kubectl_moves_from_client_side_apply() {
    const LA: &str = "kubectl.kubernetes.io/last-applied-configuration";
    let mut live = cm(json!({"a": "1"}));
    live["metadata"]["annotations"] = json!({LA: "{\"apiVersion\":\"v1\",\"data\":{\"a\":\"1\"},\"kind\":\"ConfigMap\",\"metadata\":{\"annotations\":{},\"name\":\"cfg\",\"namespace\":\"default\"}}\n"});
    live["metadata"]["managedFields"] = json!([entry(
        "kubectl-client-side-apply",
        "Update",
        "v1",
        Some(T1),
        json!({"f:data": {".": {}, "f:a": {}},
               "f:metadata": {"f:annotations": {".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}}}})
    )]);
    // Another manager conflicts with client-side apply's fields...
    let err = apply_cm(Some(&live), json!({"a": "2"}), "other", T2).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using v1: .data.a"
    );
    // ...kubectl takes them over and keeps the annotation in step.
    let obj = apply_cm(Some(&live), json!({"a": "2"}), "kubectl", T2).unwrap();
    assert_eq!(obj["data"], json!({"a": "2"}));
    assert_eq!(
        obj["metadata"]["annotations"][LA],
        json!(
            "{\"apiVersion\":\"v1\",\"data\":{\"a\":\"2\"},\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cfg\",\"namespace\":\"default\"}}\n"
        )
    );
    assert_eq!(
        mf(&obj),
        json!([
            entry(
                "kubectl",
                "Apply",
                "v1",
                Some(T2),
                json!({"f:data": {"f:a": {}}})
            ),
            entry(
                "kubectl-client-side-apply",
                "Update",
                "v1",
                Some(T1),
                json!({"f:data": {}, "f:metadata": {"f:annotations": {".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}}}})
            ),
        ])
    );
    // Without the annotation the annotation is not created.
    let fresh = apply_cm(None, json!({"a": "1"}), "kubectl", T1).unwrap();
    assert_eq!(fresh["metadata"].get("annotations"), None);
}

#[test]
fn several_conflicts_are_grouped_by_owner() {
    let one = apply_cm(None, json!({"a": "1", "b": "1"}), "mgr-a", T1).unwrap();
    let mut two = one.clone();
    two["data"]["c"] = json!("1");
    record_update(
        "",
        "ConfigMap",
        "v1",
        Some(&one),
        &mut two,
        "mgr-c",
        None,
        T2,
    );
    let err = apply_cm(
        Some(&two),
        json!({"a": "2", "b": "2", "c": "2"}),
        "mgr-b",
        T3,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Apply failed with 3 conflicts: conflicts with \"mgr-a\":\n- .data.a\n- .data.b\nconflicts with \"mgr-c\" using v1:\n- .data.c"
    );
}

#[test]
fn associative_lists_merge_in_upstream_order() {
    struct Case {
        name: &'static str,
        live: Value,
        applied: Value,
        want: Value,
    }
    let cases = [
        Case {
            name: "new items follow",
            live: json!(["a", "b"]),
            applied: json!(["b", "c"]),
            want: json!(["a", "b", "c"]),
        },
        Case {
            name: "applied order for shared items",
            live: json!(["a", "b", "c"]),
            applied: json!(["c", "a"]),
            want: json!(["b", "c", "a"]),
        },
    ];
    for c in cases {
        let mut live = cm(json!({}));
        live["metadata"]["finalizers"] = c.live;
        let owned = apply("", "ConfigMap", "v1", None, &live, "owner", false, T1).unwrap();
        let mut applied = cm(json!({}));
        applied["metadata"]["finalizers"] = c.applied;
        let obj = apply(
            "",
            "ConfigMap",
            "v1",
            Some(&owned),
            &applied,
            "other",
            false,
            T2,
        )
        .unwrap();
        assert_eq!(obj["metadata"]["finalizers"], c.want, "{}", c.name);
    }
}

#[test]
fn dropped_list_items_are_removed_whole() {
    let spec = |names: &[&str]| {
        let cs: Vec<Value> = names
            .iter()
            .map(|n| json!({"name": n, "image": "img"}))
            .collect();
        json!({"template": {"spec": {"containers": cs}}})
    };
    let live = apply_deploy(None, spec(&["a", "b"]), "kubectl", false, T1).unwrap();
    let obj = apply_deploy(Some(&live), spec(&["a"]), "kubectl", false, T2).unwrap();
    assert_eq!(obj["spec"], spec(&["a"]));
    let err = apply_deploy(
        Some(&live),
        json!({"template": {"spec": {"containers": [{"name": "a", "image": "new"}]}}}),
        "other",
        false,
        T2,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Apply failed with 1 conflict: conflict with \"kubectl\": .spec.template.spec.containers[name=\"a\"].image"
    );
}

#[test]
fn update_entries_are_capped_at_ten() {
    let mut obj = cm(json!({}));
    record_update(
        "",
        "ConfigMap",
        "v1",
        None,
        &mut obj,
        "creator",
        None,
        "2026-01-01T00:00:00Z",
    );
    for i in 0..10 {
        let mut next = obj.clone();
        next["data"][format!("k{i}")] = json!("v");
        let now = format!("2026-01-01T00:00:{:02}Z", i + 1);
        record_update(
            "",
            "ConfigMap",
            "v1",
            Some(&obj),
            &mut next,
            &format!("m{i}"),
            None,
            &now,
        );
        obj = next;
    }
    let entries = mf(&obj);
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 10);
    // The two oldest (creator, owning nothing but an empty data map, and m0) are folded into
    // one entry that keeps the newer time.
    assert_eq!(
        entries[0],
        entry(
            "ancient-changes",
            "Update",
            "v1",
            Some("2026-01-01T00:00:01Z"),
            json!({"f:data": {".": {}, "f:k0": {}}})
        )
    );
    assert_eq!(entries[1]["manager"], json!("m1"));
}

#[test]
fn fields_v1_of_stored_entries_round_trip() {
    let fields = json!({"f:metadata": {"f:labels": {".": {}, "f:app": {}}},
        "f:spec": {"f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"nginx\"}": {
            ".": {}, "f:image": {}, "f:ports": {"k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {}}}},
            "f:volumes": {".": {}, "k:{\"name\":\"dshm\"}": {".": {}, "f:emptyDir": {".": {}, "f:medium": {}}}}}}}});
    let mut obj = cm(json!({}));
    obj["metadata"]["managedFields"] = json!([entry("x", "Update", "v1", Some(T1), fields)]);
    let managed = managed::decode(obj.pointer("/metadata/managedFields")).unwrap();
    assert_eq!(managed::encode(&managed), Some(mf(&obj)));
    // A member without children written as `{".": {}}` reads as `{}`.
    let dotted = set::Set::from_fields_v1(&json!({"f:a": {".": {}}})).unwrap();
    assert_eq!(dotted.to_fields_v1(), json!({"f:a": {}}));
}
