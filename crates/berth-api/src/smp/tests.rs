//! The worked examples of the strategic merge patch specification (§10), as upstream
//! kube-apiserver applies them, plus the HTTP answers of its errors.

use serde_json::Value;

use super::*;

/// One worked example: `want` is the result, or the error message.
pub(super) struct Case {
    pub(super) id: &'static str,
    pub(super) about: &'static str,
    pub(super) group: &'static str,
    pub(super) kind: &'static str,
    pub(super) original: &'static str,
    pub(super) patch: &'static str,
    pub(super) want: Result<&'static str, &'static str>,
}

pub(super) fn run(cases: &[Case]) {
    for c in cases {
        let original: Value = serde_json::from_str(c.original).unwrap();
        let patch: Value = serde_json::from_str(c.patch).unwrap();
        let got = apply(c.group, c.kind, &original, &patch);
        match (c.want, got) {
            (Ok(want), Ok(got)) => {
                let want: Value = serde_json::from_str(want).unwrap();
                assert_eq!(got, want, "{} {}", c.id, c.about);
            }
            (Err(want), Err(got)) => assert_eq!(got.message, want, "{} {}", c.id, c.about),
            (want, got) => panic!("{} {}: want {want:?}, got {got:?}", c.id, c.about),
        }
    }
}

#[test]
fn worked_examples() {
    assert_eq!(EXAMPLES.len(), 63);
    run(EXAMPLES);
}

fn err(group: &str, kind: &str, original: &str, patch: &str) -> SmpError {
    let original: Value = serde_json::from_str(original).unwrap();
    let patch: Value = serde_json::from_str(patch).unwrap();
    apply(group, kind, &original, &patch).unwrap_err()
}

/// §1 and §5: the HTTP answer of each failing worked example.
#[test]
fn error_statuses() {
    let want: &[(&str, u16, &str)] = &[
        ("E40", 500, ""),
        ("E41", 500, ""),
        ("E45", 500, ""),
        ("E52", 400, "BadRequest"),
        ("E53", 400, "BadRequest"),
        ("E55", 500, ""),
        ("E56", 500, ""),
        ("E57", 500, ""),
        ("E58", 500, ""),
        ("E59", 500, ""),
        ("E60", 400, "BadRequest"),
        ("E62", 500, ""),
        ("E63", 500, ""),
    ];
    for (id, code, reason) in want {
        let c = EXAMPLES.iter().find(|c| c.id == *id).unwrap();
        let e = err(c.group, c.kind, c.original, c.patch);
        assert_eq!((e.code(), e.reason()), (*code, *reason), "{id}");
        assert_eq!(e.status_message(), e.message, "{id}");
    }
}

/// Errors outside the worked examples (§3.6, §5, §1), with their statuses.
#[test]
fn other_errors() {
    let pod = r#"{"metadata":{"finalizers":[]},"spec":{"containers":[{"name":"a"}]}}"#;
    let cases: &[(&str, u16, &str)] = &[
        // An array of arrays is refused as Invalid (when an array decides the element type).
        (
            r#"{"spec":{"containers":[["a"]]}}"#,
            422,
            "lists of lists are not supported",
        ),
        (
            r#"{"spec":{"$setElementOrderX/containers":[{"name":"a"}]}}"#,
            400,
            "invalid patch format of setElementOrder list",
        ),
        (
            r#"{"spec":{"$setElementOrder":[{"name":"a"}]}}"#,
            400,
            "invalid patch format of setElementOrder list",
        ),
        (
            r#"{"spec":{"$setElementOrder/containers":"a"}}"#,
            500,
            "expected a []interface {}, but received a string",
        ),
        (
            r#"{"spec":{"$setElementOrder/bogus":[]}}"#,
            500,
            "unable to find api field in struct PodSpec for the json field \"bogus\"",
        ),
        // An empty list in the original and no patch list: nothing decides the element type.
        (
            r#"{"metadata":{"$setElementOrder/finalizers":[]}}"#,
            500,
            "no elements in any of the given slices",
        ),
        (
            r#"{"metadata":{"$patch":1}}"#,
            500,
            "unknown patch type: %!s(int64=1) in map: map[$patch:1]",
        ),
        (
            r#"{"spec":{"containers":[{"name":"a","$patch":"merge"}],"$patch":"delete"}}"#,
            500,
            "",
        ),
        (r#"{"metadata":{"labels":{"a":{"b":1}}}}"#, 500, ""),
    ];
    for (patch, code, message) in cases {
        let original = if patch.contains("labels") {
            r#"{"metadata":{"labels":{"a":{"c":1}}}}"#
        } else if patch.contains("[[") {
            r#"{"spec":{"containers":[]}}"#
        } else {
            pod
        };
        let got = apply(
            "",
            "Pod",
            &serde_json::from_str(original).unwrap(),
            &serde_json::from_str(patch).unwrap(),
        );
        match got {
            Err(e) => {
                assert_eq!(e.code(), *code, "{patch}: {e}");
                if !message.is_empty() {
                    assert_eq!(e.message, *message, "{patch}");
                }
            }
            // `$patch: delete` on `spec` decides before the list is looked at.
            Ok(v) => assert_eq!(
                (*patch, v),
                (
                    r#"{"spec":{"containers":[{"name":"a","$patch":"merge"}],"$patch":"delete"}}"#,
                    serde_json::json!({"metadata":{"finalizers":[]},"spec":{}})
                ),
            ),
        }
    }
    // Upstream turns the 422 text into a generic message and keeps the text as a cause.
    let e = err(
        "",
        "Pod",
        r#"{"spec":{"containers":[]}}"#,
        r#"{"spec":{"containers":[["a"]]}}"#,
    );
    assert_eq!(e.reason(), "Invalid");
    assert_eq!(
        e.status_message(),
        "the server rejected our request due to an error in our request"
    );
}

#[test]
fn labels_hold_no_objects() {
    let e = err(
        "",
        "Pod",
        r#"{"metadata":{"labels":{"a":{"c":1}}}}"#,
        r#"{"metadata":{"labels":{"a":{"b":1}}}}"#,
    );
    assert_eq!(
        e.message,
        "merging an object in json but data type is not struct, instead is: map"
    );
}

/// §1: bodies and kinds the handler refuses.
#[test]
fn bodies_and_kinds() {
    let orig = serde_json::json!({"data": {"a": "1"}});
    let e = apply("", "ConfigMap", &orig, &serde_json::json!([1])).unwrap_err();
    assert_eq!(e.code(), 400);
    assert_eq!(
        e.message,
        "json: cannot unmarshal array into Go value of type map[string]interface {}"
    );
    // `null` decodes to an empty patch.
    assert_eq!(apply("", "ConfigMap", &orig, &Value::Null).unwrap(), orig);
    let e = apply("example.com", "Widget", &orig, &serde_json::json!({})).unwrap_err();
    assert_eq!((e.code(), e.reason()), (415, "UnsupportedMediaType"));
    assert!(
        e.message
            .starts_with("the body of the request was in an unknown format")
    );
    let e = apply(
        "",
        "ConfigMap",
        &serde_json::json!(1),
        &serde_json::json!({}),
    )
    .unwrap_err();
    assert_eq!(e.code(), 400);
}

/// §3.4 step 1: a `null` delete list removes the field; absent lists are left alone.
#[test]
fn delete_list_quirks() {
    let cases = [
        (
            r#"{"metadata":{"finalizers":["a"],"name":"x"}}"#,
            r#"{"metadata":{"$deleteFromPrimitiveList/finalizers":null}}"#,
            r#"{"metadata":{"name":"x"}}"#,
        ),
        (
            r#"{"spec":{"containers":[{"name":"a","args":["x","y","x"]}]}}"#,
            r#"{"spec":{"containers":[{"name":"a","$deleteFromPrimitiveList/args":["x"]}]}}"#,
            r#"{"spec":{"containers":[{"name":"a","args":["y"]}]}}"#,
        ),
    ];
    for (o, p, want) in cases {
        let got = apply(
            "",
            "Pod",
            &serde_json::from_str(o).unwrap(),
            &serde_json::from_str(p).unwrap(),
        )
        .unwrap();
        assert_eq!(got, serde_json::from_str::<Value>(want).unwrap(), "{p}");
    }
}

/// §8: `kubectl rollout undo` sends a ControllerRevision's `data` verbatim. The template is
/// replaced as a whole (labels, annotations, containers and volumes absent from the revision
/// go away, nulls stay); everything outside it is untouched.
#[test]
fn rollout_undo_replaces_the_template() {
    let live = serde_json::json!({
        "metadata": {"name": "db", "generation": 3, "labels": {"app": "db"}},
        "spec": {
            "replicas": 3,
            "serviceName": "db",
            "selector": {"matchLabels": {"app": "db"}},
            "template": {
                "metadata": {
                    "labels": {"app": "db", "tier": "data"},
                    "annotations": {"kubectl.kubernetes.io/restartedAt": "2024-05-01T10:00:00Z"}
                },
                "spec": {
                    "containers": [
                        {"name": "pg", "image": "postgres:16",
                         "env": [{"name": "PGDATA", "value": "/d"}],
                         "ports": [{"containerPort": 5432, "protocol": "TCP"}]},
                        {"name": "exporter", "image": "exp:1"}
                    ],
                    "volumes": [{"name": "run", "emptyDir": {}}]
                }
            },
            "updateStrategy": {"type": "RollingUpdate"}
        },
        "status": {"replicas": 3, "currentRevision": "db-2"}
    });
    let template = serde_json::json!({
        "metadata": {"creationTimestamp": null, "labels": {"app": "db"}},
        "spec": {
            "containers": [{"image": "postgres:15", "name": "pg", "resources": {}}],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30
        }
    });
    let mut data = template.clone();
    data["$patch"] = "replace".into();
    let patch = serde_json::json!({"spec": {"template": data}});
    let got = apply("apps", "StatefulSet", &live, &patch).unwrap();
    let mut want = live;
    want["spec"]["template"] = template;
    assert_eq!(got, want);
}

/// §3.2: the replacement keeps nested directives and nulls exactly as written.
#[test]
fn replace_keeps_nested_directives() {
    let got = apply(
        "",
        "Pod",
        &serde_json::json!({"spec": {"affinity": {"podAffinity": {}}}}),
        &serde_json::json!({"spec": {"affinity": {"$patch": "replace",
            "nodeAffinity": {"x": null, "y": {"$patch": "delete"}}}}}),
    )
    .unwrap();
    assert_eq!(
        got,
        serde_json::json!({"spec": {"affinity": {"nodeAffinity": {"x": null, "y": {"$patch": "delete"}}}}})
    );
}

/// §10: E01–E63, original, patch and result (or error) as upstream produces them.
const EXAMPLES: &[Case] = &[
    Case {
        id: "E01",
        about: "Maps merge key by key",
        group: "",
        kind: "ConfigMap",
        original: r#"{"metadata":{"name":"cfg","labels":{"app":"web","tier":"fe"}},"data":{"a":"1"}}"#,
        patch: r#"{"metadata":{"labels":{"tier":"be","team":"x"}},"data":{"b":"2"}}"#,
        want: Ok(
            r#"{"data":{"a":"1","b":"2"},"metadata":{"labels":{"app":"web","team":"x","tier":"be"},"name":"cfg"}}"#,
        ),
    },
    Case {
        id: "E02",
        about: "null deletes a key; null for a missing key is a no-op",
        group: "",
        kind: "ConfigMap",
        original: r#"{"metadata":{"name":"cfg","labels":{"app":"web","tier":"fe"}},"data":{"a":"1","b":"2"}}"#,
        patch: r#"{"metadata":{"labels":{"tier":null,"ghost":null}},"data":{"a":null}}"#,
        want: Ok(r#"{"data":{"b":"2"},"metadata":{"labels":{"app":"web"},"name":"cfg"}}"#),
    },
    Case {
        id: "E03",
        about: "nulls inside a newly added subtree are dropped",
        group: "",
        kind: "Pod",
        original: r#"{"metadata":{"name":"p"}}"#,
        patch: r#"{"metadata":{"annotations":{"keep":"1","drop":null}},"spec":{"securityContext":{"runAsUser":5,"fsGroup":null}}}"#,
        want: Ok(
            r#"{"metadata":{"annotations":{"keep":"1"},"name":"p"},"spec":{"securityContext":{"runAsUser":5}}}"#,
        ),
    },
    Case {
        id: "E04",
        about: "null on a whole field removes it",
        group: "",
        kind: "ConfigMap",
        original: r#"{"metadata":{"name":"cfg"},"data":{"a":"1"}}"#,
        patch: r#"{"data":null}"#,
        want: Ok(r#"{"metadata":{"name":"cfg"}}"#),
    },
    Case {
        id: "E05",
        about: "A value of a different JSON type replaces the old one",
        group: "apps",
        kind: "Deployment",
        original: r#"{"spec":{"replicas":1,"strategy":{"type":"Recreate"}}}"#,
        patch: r#"{"spec":{"replicas":3,"strategy":"oops"}}"#,
        want: Ok(r#"{"spec":{"replicas":3,"strategy":"oops"}}"#),
    },
    Case {
        id: "E06",
        about: "Merge list: a matched item is merged, the others are untouched",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}}"#,
        patch: r#"{"spec":{"containers":[{"name":"b","image":"b:2"}]}}"#,
        want: Ok(
            r#"{"spec":{"containers":[{"image":"a:1","name":"a"},{"image":"b:2","name":"b"}]}}"#,
        ),
    },
    Case {
        id: "E07",
        about: "Merge list: an item only in the patch goes first",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}}"#,
        patch: r#"{"spec":{"containers":[{"name":"c","image":"c:1"}]}}"#,
        want: Ok(
            r#"{"spec":{"containers":[{"image":"c:1","name":"c"},{"image":"a:1","name":"a"},{"image":"b:1","name":"b"}]}}"#,
        ),
    },
    Case {
        id: "E08",
        about: "Merge list: a new item placed after an existing patch item",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a"},{"name":"b"},{"name":"c"}]}}"#,
        patch: r#"{"spec":{"containers":[{"name":"c","image":"c:2"},{"name":"n"}]}}"#,
        want: Ok(
            r#"{"spec":{"containers":[{"name":"a"},{"name":"b"},{"image":"c:2","name":"c"},{"name":"n"}]}}"#,
        ),
    },
    Case {
        id: "E09",
        about: "Merge list: a new item at the head of the patch",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a"},{"name":"b"},{"name":"c"}]}}"#,
        patch: r#"{"spec":{"containers":[{"name":"n"},{"name":"c","image":"c:2"}]}}"#,
        want: Ok(
            r#"{"spec":{"containers":[{"name":"n"},{"name":"a"},{"name":"b"},{"image":"c:2","name":"c"}]}}"#,
        ),
    },
    Case {
        id: "E10",
        about: "Merge list: patch order wins over original order for patch items",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a"},{"name":"b"},{"name":"c"}]}}"#,
        patch: r#"{"spec":{"containers":[{"name":"c","image":"c:2"},{"name":"a","image":"a:2"}]}}"#,
        want: Ok(
            r#"{"spec":{"containers":[{"name":"b"},{"image":"c:2","name":"c"},{"image":"a:2","name":"a"}]}}"#,
        ),
    },
    Case {
        id: "E11",
        about: "Nested null removes a field of a matched item",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","image":"a:1","env":[{"name":"X","value":"1"},{"name":"Y","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}]}]}}"#,
        patch: r#"{"spec":{"containers":[{"name":"a","env":[{"name":"Y","value":"lit","valueFrom":null}]}]}}"#,
        want: Ok(
            r#"{"spec":{"containers":[{"env":[{"name":"X","value":"1"},{"name":"Y","value":"lit"}],"image":"a:1","name":"a"}]}}"#,
        ),
    },
    Case {
        id: "E12",
        about: "$patch: delete removes the matching item; unknown keys are ignored",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}}"#,
        patch: r#"{"spec":{"containers":[{"name":"a","$patch":"delete"},{"name":"zz","$patch":"delete"}]}}"#,
        want: Ok(r#"{"spec":{"containers":[{"image":"b:1","name":"b"}]}}"#),
    },
    Case {
        id: "E13",
        about: "$patch: replace as a list element replaces the whole list",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}}"#,
        patch: r#"{"spec":{"containers":[{"name":"z","image":"z:1"},{"$patch":"replace"}]}}"#,
        want: Ok(r#"{"spec":{"containers":[{"image":"z:1","name":"z"}]}}"#),
    },
    Case {
        id: "E14",
        about: "$patch: replace alone empties the list",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","image":"a:1"}]}}"#,
        patch: r#"{"spec":{"containers":[{"$patch":"replace"}]}}"#,
        want: Ok(r#"{"spec":{"containers":[]}}"#),
    },
    Case {
        id: "E15",
        about: "An empty patch list on a merge list changes nothing",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","image":"a:1"}]}}"#,
        patch: r#"{"spec":{"containers":[]}}"#,
        want: Ok(r#"{"spec":{"containers":[{"image":"a:1","name":"a"}]}}"#),
    },
    Case {
        id: "E16",
        about: "null deletes the whole list",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","image":"a:1"}],"restartPolicy":"Always"}}"#,
        patch: r#"{"spec":{"containers":null}}"#,
        want: Ok(r#"{"spec":{"restartPolicy":"Always"}}"#),
    },
    Case {
        id: "E17",
        about: "List absent from the original: directives and nulls are stripped",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{}}"#,
        patch: r#"{"spec":{"initContainers":[{"name":"i","image":"i:1","env":[{"name":"A","value":null}]},{"name":"j","$patch":"delete"}]}}"#,
        want: Ok(
            r#"{"spec":{"initContainers":[{"env":[{"name":"A"}],"image":"i:1","name":"i"}]}}"#,
        ),
    },
    Case {
        id: "E18",
        about: "A new item appended to an existing list is copied raw",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a"}]}}"#,
        patch: r#"{"spec":{"containers":[{"name":"b","image":null,"env":[{"name":"E","$patch":"delete"}]}]}}"#,
        want: Ok(
            r#"{"spec":{"containers":[{"env":[{"$patch":"delete","name":"E"}],"image":null,"name":"b"},{"name":"a"}]}}"#,
        ),
    },
    Case {
        id: "E19",
        about: "Two patch items with the same key: the second merges into the first",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","image":"1"}]}}"#,
        patch: r#"{"spec":{"containers":[{"name":"b","image":"2"},{"name":"b","command":["x"],"image":null}]}}"#,
        want: Ok(
            r#"{"spec":{"containers":[{"command":["x"],"name":"b"},{"image":"1","name":"a"}]}}"#,
        ),
    },
    Case {
        id: "E20",
        about: "Service ports merge on port alone (TCP and UDP collide)",
        group: "",
        kind: "Service",
        original: r#"{"spec":{"ports":[{"name":"dns","port":53,"protocol":"UDP","targetPort":53}]}}"#,
        patch: r#"{"spec":{"ports":[{"name":"dns-tcp","port":53,"protocol":"TCP"}]}}"#,
        want: Ok(
            r#"{"spec":{"ports":[{"name":"dns-tcp","port":53,"protocol":"TCP","targetPort":53}]}}"#,
        ),
    },
    Case {
        id: "E21",
        about: "Container ports merge on containerPort alone",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"protocol":"TCP","name":"http"}]}]}}"#,
        patch: r#"{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"protocol":"UDP"},{"containerPort":443}]}]}}"#,
        want: Ok(
            r#"{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"http","protocol":"UDP"},{"containerPort":443}]}]}}"#,
        ),
    },
    Case {
        id: "E22",
        about: "Merge-key comparison is JSON-type sensitive",
        group: "",
        kind: "Service",
        original: r#"{"spec":{"ports":[{"port":80,"name":"a"}]}}"#,
        patch: r#"{"spec":{"ports":[{"port":"80","name":"b"}]}}"#,
        want: Ok(r#"{"spec":{"ports":[{"name":"b","port":"80"},{"name":"a","port":80}]}}"#),
    },
    Case {
        id: "E23",
        about: "PodStatus.hostIPs: listType atomic, but SMP still merges by ip",
        group: "",
        kind: "Pod",
        original: r#"{"status":{"hostIPs":[{"ip":"10.0.0.1"}],"podIPs":[{"ip":"10.1.0.5"}]}}"#,
        patch: r#"{"status":{"hostIPs":[{"ip":"fd00::1"}]}}"#,
        want: Ok(
            r#"{"status":{"hostIPs":[{"ip":"fd00::1"},{"ip":"10.0.0.1"}],"podIPs":[{"ip":"10.1.0.5"}]}}"#,
        ),
    },
    Case {
        id: "E24",
        about: "Conditions merge by type",
        group: "",
        kind: "Node",
        original: r#"{"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"MemoryPressure","status":"False"}]}}"#,
        patch: r#"{"status":{"conditions":[{"type":"Ready","status":"False","reason":"KubeletDown"}]}}"#,
        want: Ok(
            r#"{"status":{"conditions":[{"reason":"KubeletDown","status":"False","type":"Ready"},{"status":"False","type":"MemoryPressure"}]}}"#,
        ),
    },
    Case {
        id: "E25",
        about: "ownerReferences merge by uid",
        group: "apps",
        kind: "ReplicaSet",
        original: r#"{"metadata":{"ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"web","uid":"u-1","controller":true}]}}"#,
        patch: r#"{"metadata":{"ownerReferences":[{"uid":"u-1","blockOwnerDeletion":true},{"uid":"u-2","apiVersion":"v1","kind":"ConfigMap","name":"x"}]}}"#,
        want: Ok(
            r#"{"metadata":{"ownerReferences":[{"apiVersion":"apps/v1","blockOwnerDeletion":true,"controller":true,"kind":"Deployment","name":"web","uid":"u-1"},{"apiVersion":"v1","kind":"ConfigMap","name":"x","uid":"u-2"}]}}"#,
        ),
    },
    Case {
        id: "E26",
        about: "Primitive merge list: set union, patch values first",
        group: "",
        kind: "Pod",
        original: r#"{"metadata":{"finalizers":["a","b"]}}"#,
        patch: r#"{"metadata":{"finalizers":["c","a"]}}"#,
        want: Ok(r#"{"metadata":{"finalizers":["c","a","b"]}}"#),
    },
    Case {
        id: "E27",
        about: "$deleteFromPrimitiveList removes every occurrence",
        group: "",
        kind: "Pod",
        original: r#"{"metadata":{"finalizers":["a","b","c","b"]}}"#,
        patch: r#"{"metadata":{"$deleteFromPrimitiveList/finalizers":["b","zz"]}}"#,
        want: Ok(r#"{"metadata":{"finalizers":["a","c"]}}"#),
    },
    Case {
        id: "E28",
        about: "Delete and add in one patch",
        group: "",
        kind: "Pod",
        original: r#"{"metadata":{"finalizers":["a","b"]}}"#,
        patch: r#"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"],"finalizers":["c"]}}"#,
        want: Ok(r#"{"metadata":{"finalizers":["c","b"]}}"#),
    },
    Case {
        id: "E29",
        about: "$deleteFromPrimitiveList for an absent list is a no-op",
        group: "",
        kind: "Pod",
        original: r#"{"metadata":{"name":"p"}}"#,
        patch: r#"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}"#,
        want: Ok(r#"{"metadata":{"name":"p"}}"#),
    },
    Case {
        id: "E30",
        about: "A list without strategy is replaced (also by [])",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","args":["--x","--y"],"command":["run"]}]}}"#,
        patch: r#"{"spec":{"containers":[{"name":"a","args":["--z"],"command":[]}]}}"#,
        want: Ok(r#"{"spec":{"containers":[{"args":["--z"],"command":[],"name":"a"}]}}"#),
    },
    Case {
        id: "E31",
        about: "A list of maps without strategy is replaced as-is",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"tolerations":[{"key":"k1","operator":"Exists"},{"key":"k2","operator":"Exists"}]}}"#,
        patch: r#"{"spec":{"tolerations":[{"key":"k3","operator":"Exists","effect":null}]}}"#,
        want: Ok(r#"{"spec":{"tolerations":[{"effect":null,"key":"k3","operator":"Exists"}]}}"#),
    },
    Case {
        id: "E32",
        about: "$setElementOrder alone reorders",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"},{"name":"c","image":"c:1"}]}}"#,
        patch: r#"{"spec":{"$setElementOrder/containers":[{"name":"c"},{"name":"a"},{"name":"b"}]}}"#,
        want: Ok(
            r#"{"spec":{"containers":[{"image":"c:1","name":"c"},{"image":"a:1","name":"a"},{"image":"b:1","name":"b"}]}}"#,
        ),
    },
    Case {
        id: "E33",
        about: "$setElementOrder with a change and a server-only item",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"sidecar","image":"s:1"},{"name":"b","image":"b:1"}]}}"#,
        patch: r#"{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}],"containers":[{"name":"b","image":"b:2"}]}}"#,
        want: Ok(
            r#"{"spec":{"containers":[{"image":"s:1","name":"sidecar"},{"image":"b:2","name":"b"},{"image":"a:1","name":"a"}]}}"#,
        ),
    },
    Case {
        id: "E34",
        about: "$setElementOrder positions a new item",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}}"#,
        patch: r#"{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"n"},{"name":"b"}],"containers":[{"name":"n","image":"n:1"}]}}"#,
        want: Ok(
            r#"{"spec":{"containers":[{"image":"a:1","name":"a"},{"image":"n:1","name":"n"},{"image":"b:1","name":"b"}]}}"#,
        ),
    },
    Case {
        id: "E35",
        about: "$setElementOrder on a primitive list",
        group: "",
        kind: "Pod",
        original: r#"{"metadata":{"finalizers":["x","a","b"]}}"#,
        patch: r#"{"metadata":{"$setElementOrder/finalizers":["b","c","a"],"finalizers":["c"]}}"#,
        want: Ok(r#"{"metadata":{"finalizers":["x","b","c","a"]}}"#),
    },
    Case {
        id: "E36",
        about: "kubectl-shaped patch with a deletion (reference-order rule)",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"app","image":"app:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"},{"name":"INJ","value":"x"}]}]}}"#,
        patch: r#"{"spec":{"$setElementOrder/containers":[{"name":"app"}],"containers":[{"name":"app","image":"app:2","$setElementOrder/env":[{"name":"A"},{"name":"C"}],"env":[{"name":"C","value":"3"},{"name":"B","$patch":"delete"}]}]}}"#,
        want: Ok(
            r#"{"spec":{"containers":[{"env":[{"name":"A","value":"1"},{"name":"INJ","value":"x"},{"name":"C","value":"3"}],"image":"app:2","name":"app"}]}}"#,
        ),
    },
    Case {
        id: "E37",
        about: "Same as E36 without a deletion",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"app","env":[{"name":"A","value":"1"},{"name":"INJ","value":"x"}]}]}}"#,
        patch: r#"{"spec":{"containers":[{"name":"app","$setElementOrder/env":[{"name":"A"},{"name":"C"}],"env":[{"name":"C","value":"3"}]}]}}"#,
        want: Ok(
            r#"{"spec":{"containers":[{"env":[{"name":"A","value":"1"},{"name":"C","value":"3"},{"name":"INJ","value":"x"}],"name":"app"}]}}"#,
        ),
    },
    Case {
        id: "E38",
        about: "$setElementOrder for a list absent on both sides is ignored",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{}}"#,
        patch: r#"{"spec":{"$setElementOrder/containers":[{"name":"a"}]}}"#,
        want: Ok(r#"{"spec":{}}"#),
    },
    Case {
        id: "E39",
        about: "$setElementOrder on a list without strategy sorts the replacement",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","args":["1","2","3"]}]}}"#,
        patch: r#"{"spec":{"containers":[{"name":"a","$setElementOrder/args":["3","1"],"args":["3","1"]}]}}"#,
        want: Ok(r#"{"spec":{"containers":[{"args":["3","1"],"name":"a"}]}}"#),
    },
    Case {
        id: "E40",
        about: "Error: patch list order contradicts $setElementOrder",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}"#,
        patch: r#"{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],"containers":[{"name":"b","image":"x"},{"name":"a","image":"y"}]}}"#,
        want: Err(
            "The order in patch list:\n[map[image:x name:b] map[image:y name:a]]\n doesn't match $setElementOrder list:\n[map[name:a] map[name:b]]\n",
        ),
    },
    Case {
        id: "E41",
        about: "Error: patch item missing from $setElementOrder",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}"#,
        patch: r#"{"spec":{"$setElementOrder/containers":[{"name":"a"}],"containers":[{"name":"b","image":"x"}]}}"#,
        want: Err(
            "The order in patch list:\n[map[image:x name:b]]\n doesn't match $setElementOrder list:\n[map[name:a]]\n",
        ),
    },
    Case {
        id: "E42",
        about: "$patch: replace on a map (rollout undo of a StatefulSet)",
        group: "apps",
        kind: "StatefulSet",
        original: r#"{"spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"db"},"annotations":{"kubectl.kubernetes.io/restartedAt":"T1"}},"spec":{"containers":[{"name":"pg","image":"pg:16"},{"name":"side","image":"s:1"}]}}}}"#,
        patch: r#"{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"app":"db"},"creationTimestamp":null},"spec":{"containers":[{"name":"pg","image":"pg:15"}]}}}}"#,
        want: Ok(
            r#"{"spec":{"replicas":2,"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"db"}},"spec":{"containers":[{"image":"pg:15","name":"pg"}]}}}}"#,
        ),
    },
    Case {
        id: "E43",
        about: "$patch: replace on a map that does not exist drops it",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"restartPolicy":"Always"}}"#,
        patch: r#"{"spec":{"affinity":{"$patch":"replace","nodeAffinity":{}}}}"#,
        want: Ok(r#"{"spec":{"restartPolicy":"Always"}}"#),
    },
    Case {
        id: "E44",
        about: "$patch: delete on a map leaves an empty map",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"securityContext":{"runAsUser":1},"dnsPolicy":"ClusterFirst"}}"#,
        patch: r#"{"spec":{"securityContext":{"$patch":"delete"},"affinity":{"$patch":"delete"}}}"#,
        want: Ok(r#"{"spec":{"dnsPolicy":"ClusterFirst","securityContext":{}}}"#),
    },
    Case {
        id: "E45",
        about: "Error: $patch: merge on a map",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"securityContext":{"runAsUser":1}}}"#,
        patch: r#"{"spec":{"securityContext":{"$patch":"merge","runAsGroup":2}}}"#,
        want: Err("unknown patch type: merge in map: map[$patch:merge runAsGroup:2]"),
    },
    Case {
        id: "E46",
        about: "Top-level $patch: delete",
        group: "",
        kind: "ConfigMap",
        original: r#"{"metadata":{"name":"x"},"data":{"a":"1"}}"#,
        patch: r#"{"$patch":"delete"}"#,
        want: Ok(r#"{}"#),
    },
    Case {
        id: "E47",
        about: "$retainKeys switches a volume source",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"volumes":[{"name":"data","emptyDir":{"medium":"Memory"}},{"name":"cfg","configMap":{"name":"c1"}}]}}"#,
        patch: r#"{"spec":{"volumes":[{"name":"data","$retainKeys":["name","persistentVolumeClaim"],"persistentVolumeClaim":{"claimName":"pvc-1"}}]}}"#,
        want: Ok(
            r#"{"spec":{"volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"pvc-1"}},{"configMap":{"name":"c1"},"name":"cfg"}]}}"#,
        ),
    },
    Case {
        id: "E48",
        about: "Without $retainKeys volume sources accumulate",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"volumes":[{"name":"data","emptyDir":{}}]}}"#,
        patch: r#"{"spec":{"volumes":[{"name":"data","hostPath":{"path":"/d"}}]}}"#,
        want: Ok(
            r#"{"spec":{"volumes":[{"emptyDir":{},"hostPath":{"path":"/d"},"name":"data"}]}}"#,
        ),
    },
    Case {
        id: "E49",
        about: "$retainKeys on Deployment strategy",
        group: "apps",
        kind: "Deployment",
        original: r#"{"spec":{"replicas":2,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}}}}"#,
        patch: r#"{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}"#,
        want: Ok(r#"{"spec":{"replicas":2,"strategy":{"type":"Recreate"}}}"#),
    },
    Case {
        id: "E50",
        about: "$retainKeys with an explicit null for a dropped key",
        group: "apps",
        kind: "Deployment",
        original: r#"{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}"#,
        patch: r#"{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate","rollingUpdate":null}}}"#,
        want: Ok(r#"{"spec":{"strategy":{"type":"Recreate"}}}"#),
    },
    Case {
        id: "E51",
        about: "$retainKeys is honoured on any map, whatever the schema says",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"securityContext":{"runAsUser":1,"runAsGroup":2,"fsGroup":3}}}"#,
        patch: r#"{"spec":{"securityContext":{"$retainKeys":["runAsUser"]}}}"#,
        want: Ok(r#"{"spec":{"securityContext":{"runAsUser":1}}}"#),
    },
    Case {
        id: "E52",
        about: "Error: a patch key missing from $retainKeys",
        group: "apps",
        kind: "Deployment",
        original: r#"{"spec":{"strategy":{"type":"RollingUpdate"}}}"#,
        patch: r#"{"spec":{"strategy":{"$retainKeys":["type"],"type":"RollingUpdate","rollingUpdate":{"maxSurge":2}}}}"#,
        want: Err("invalid patch format of retainKeys"),
    },
    Case {
        id: "E53",
        about: "Error: $retainKeys is not a list",
        group: "apps",
        kind: "Deployment",
        original: r#"{"spec":{"strategy":{"type":"RollingUpdate"}}}"#,
        patch: r#"{"spec":{"strategy":{"$retainKeys":"type","type":"Recreate"}}}"#,
        want: Err("invalid patch format of retainKeys"),
    },
    Case {
        id: "E54",
        about: "$retainKeys: [] clears the map",
        group: "apps",
        kind: "Deployment",
        original: r#"{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}"#,
        patch: r#"{"spec":{"strategy":{"$retainKeys":[]}}}"#,
        want: Ok(r#"{"spec":{"strategy":{}}}"#),
    },
    Case {
        id: "E55",
        about: "Error: list item without its merge key",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","image":"a:1"}]}}"#,
        patch: r#"{"spec":{"containers":[{"image":"a:2"}]}}"#,
        want: Err("map: map[image:a:2] does not contain declared merge key: name"),
    },
    Case {
        id: "E56",
        about: "Error: $patch: delete without the merge key",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","image":"a:1"}]}}"#,
        patch: r#"{"spec":{"containers":[{"$patch":"delete","image":"a:1"}]}}"#,
        want: Err("map: map[$patch:delete image:a:1] does not contain declared merge key: name"),
    },
    Case {
        id: "E57",
        about: "Error: $patch: merge inside a list",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","image":"a:1"}]}}"#,
        patch: r#"{"spec":{"containers":[{"name":"a","$patch":"merge"}]}}"#,
        want: Err("merging lists cannot yet be specified in the patch"),
    },
    Case {
        id: "E58",
        about: "Error: unknown directive value",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","image":"a:1"}]}}"#,
        patch: r#"{"spec":{"containers":[{"name":"a","$patch":"frobnicate"}]}}"#,
        want: Err("unknown patch type: frobnicate in map: map[$patch:frobnicate name:a]"),
    },
    Case {
        id: "E59",
        about: "Error: list elements of different JSON types",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"containers":[{"name":"a","image":"a:1"}]}}"#,
        patch: r#"{"spec":{"containers":["a"]}}"#,
        want: Err("list element types are not identical: [[map[image:a:1 name:a]] [a]]"),
    },
    Case {
        id: "E60",
        about: "Error: malformed parallel-list key",
        group: "",
        kind: "Pod",
        original: r#"{"metadata":{"finalizers":["a"]}}"#,
        patch: r#"{"metadata":{"$deleteFromPrimitiveListfinalizers":["a"]}}"#,
        want: Err("invalid patch format of primitive list"),
    },
    Case {
        id: "E61",
        about: "Unknown field absent from the original is copied",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"restartPolicy":"Always"}}"#,
        patch: r#"{"spec":{"bogus":{"x":[1,2]}}}"#,
        want: Ok(r#"{"spec":{"bogus":{"x":[1,2]},"restartPolicy":"Always"}}"#),
    },
    Case {
        id: "E62",
        about: "Error: unknown field that is an object on both sides",
        group: "",
        kind: "Pod",
        original: r#"{"spec":{"bogus":{"x":1}}}"#,
        patch: r#"{"spec":{"bogus":{"y":2}}}"#,
        want: Err("unable to find api field in struct PodSpec for the json field \"bogus\""),
    },
    Case {
        id: "E63",
        about: "Error: merging into an opaque field (ControllerRevision.data)",
        group: "apps",
        kind: "ControllerRevision",
        original: r#"{"revision":1,"data":{"spec":{"template":{"a":1}}}}"#,
        patch: r#"{"data":{"spec":{"template":{"b":2}}}}"#,
        want: Err("unable to find api field in struct RawExtension for the json field \"spec\""),
    },
];
