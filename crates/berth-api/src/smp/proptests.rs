//! Property tests and the bounded fuzz corpus.
//!
//! Valid objects are generated the way the API server stores them: keyed list items have
//! unique, present merge keys, set lists have no duplicates, and no key starts with `$`.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::*;
use crate::registry::RESOURCES;

fn name() -> impl Strategy<Value = String> {
    "[a-f]{1,2}"
}

/// Items keyed by `key`, unique keys, shuffled.
fn keyed<S: Strategy<Value = Map<String, Value>>>(
    key: &'static str,
    ids: impl Strategy<Value = Value>,
    body: S,
    max: usize,
) -> impl Strategy<Value = Value> {
    prop::collection::vec((ids, body), 0..max)
        .prop_map(move |items| {
            let mut seen = Vec::new();
            let mut out = Vec::new();
            for (id, mut m) in items {
                if !seen.contains(&id) {
                    seen.push(id.clone());
                    m.insert(key.to_owned(), id);
                    out.push(Value::Object(m));
                }
            }
            out
        })
        .prop_shuffle()
        .prop_map(Value::Array)
}

fn set(max: usize) -> impl Strategy<Value = Value> {
    prop::collection::btree_set(name(), 0..max)
        .prop_map(|s| s.into_iter().map(Value::from).collect::<Vec<_>>())
        .prop_shuffle()
        .prop_map(Value::Array)
}

fn labels() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(name(), name(), 0..3)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k, v.into())).collect()))
}

fn obj(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn container() -> impl Strategy<Value = Map<String, Value>> {
    (
        name(),
        keyed(
            "name",
            name().prop_map(Value::from),
            name().prop_map(|v| obj(vec![("value", v.into())])),
            4,
        ),
        keyed(
            "containerPort",
            (1u16..6).prop_map(Value::from),
            prop_oneof![Just("TCP"), Just("UDP")].prop_map(|p| obj(vec![("protocol", p.into())])),
            3,
        ),
        prop::collection::vec(name().prop_map(Value::from), 0..3),
        keyed(
            "mountPath",
            name().prop_map(|n| format!("/{n}").into()),
            Just(Map::new()),
            3,
        ),
    )
        .prop_map(|(image, env, ports, args, mounts)| {
            obj(vec![
                ("image", image.into()),
                ("env", env),
                ("ports", ports),
                ("args", Value::Array(args)),
                ("volumeMounts", mounts),
            ])
        })
}

fn volume() -> impl Strategy<Value = Map<String, Value>> {
    prop_oneof![
        Just(obj(vec![("emptyDir", json!({}))])),
        name().prop_map(|n| obj(vec![("configMap", json!({ "name": n }))])),
    ]
}

fn pod_spec() -> impl Strategy<Value = Value> {
    (
        keyed("name", name().prop_map(Value::from), container(), 4),
        keyed("name", name().prop_map(Value::from), container(), 2),
        keyed("name", name().prop_map(Value::from), volume(), 3),
        prop::collection::vec(
            name().prop_map(|k| json!({"key": k, "operator": "Exists"})),
            0..3,
        ),
        labels(),
    )
        .prop_map(|(containers, init, volumes, tolerations, node_selector)| {
            json!({
                "containers": containers,
                "initContainers": init,
                "volumes": volumes,
                "tolerations": tolerations,
                "nodeSelector": node_selector,
                "restartPolicy": "Always",
            })
        })
}

fn metadata() -> impl Strategy<Value = Value> {
    (
        name(),
        labels(),
        set(4),
        keyed("uid", name().prop_map(Value::from), name().prop_map(|n| obj(vec![("name", n.into())])), 3),
    )
        .prop_map(|(n, labels, finalizers, owners)| {
            json!({"name": n, "labels": labels, "finalizers": finalizers, "ownerReferences": owners})
        })
}

/// A valid object of one of a few kinds with keyed, set and atomic lists.
fn valid_object() -> impl Strategy<Value = (&'static str, &'static str, Value)> {
    let pod = (
        metadata(),
        pod_spec(),
        keyed(
            "type",
            name().prop_map(Value::from),
            Just(obj(vec![("status", "True".into())])),
            3,
        ),
    )
        .prop_map(|(m, s, c)| {
            (
                "",
                "Pod",
                json!({"metadata": m, "spec": s, "status": {"conditions": c}}),
            )
        });
    let deployment = (metadata(), labels(), pod_spec(), 0u8..4).prop_map(|(m, l, s, r)| {
        (
            "apps",
            "Deployment",
            json!({"metadata": m, "spec": {"replicas": r, "template": {"metadata": {"labels": l}, "spec": s},
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}}),
        )
    });
    let service = (
        metadata(),
        keyed(
            "port",
            (1u16..8).prop_map(Value::from),
            name().prop_map(|n| obj(vec![("name", n.into()), ("protocol", "TCP".into())])),
            4,
        ),
    )
        .prop_map(|(m, ports)| {
            (
                "",
                "Service",
                json!({"metadata": m, "spec": {"ports": ports}}),
            )
        });
    prop_oneof![pod, deployment, service]
}

/// Arbitrary JSON with the keys and directive values SMP reacts to.
fn any_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("spec".to_owned()),
        Just("metadata".to_owned()),
        Just("containers".to_owned()),
        Just("name".to_owned()),
        Just("finalizers".to_owned()),
        Just("env".to_owned()),
        Just("$patch".to_owned()),
        Just("$retainKeys".to_owned()),
        Just("$setElementOrder/containers".to_owned()),
        Just("$setElementOrder/finalizers".to_owned()),
        Just("$deleteFromPrimitiveList/finalizers".to_owned()),
        "[a-c$/]{0,3}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-2i64..3).prop_map(Value::from),
        Just(json!(0.5)),
        prop_oneof![
            Just("replace"),
            Just("delete"),
            Just("merge"),
            Just("a"),
            Just("name")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn order_only(spec_containers: &Value) -> Value {
    let names: Vec<Value> = spec_containers
        .as_array()
        .map(|cs| cs.iter().map(|c| json!({"name": c["name"]})).collect())
        .unwrap_or_default();
    Value::Array(names)
}

proptest! {
    /// (a) An empty patch returns the original, for any original.
    #[test]
    fn empty_patch_is_identity((group, kind, original) in valid_object(), junk in any_json()) {
        prop_assert_eq!(apply(group, kind, &original, &json!({})).unwrap(), original);
        if junk.is_object() {
            prop_assert_eq!(apply("", "Pod", &junk, &json!({})).unwrap(), junk);
        }
    }

    /// (b) Arbitrary patches against arbitrary originals never panic.
    #[test]
    fn arbitrary_patches_do_not_panic(original in any_json(), patch in any_json(), k in 0usize..32) {
        let r = &RESOURCES[k % RESOURCES.len()];
        let _ = apply(r.group, r.kind, &original, &patch);
        let wrapped = json!({"spec": {"template": {"spec": original}}});
        let _ = apply("apps", "Deployment", &wrapped, &json!({"spec": {"template": {"spec": patch}}}));
    }

    /// (c) Merging an object into itself changes nothing: every keyed item matches itself,
    /// sets absorb their own values and order follows the patch, which is the original order.
    #[test]
    fn self_merge_is_identity((group, kind, original) in valid_object()) {
        prop_assert_eq!(apply(group, kind, &original, &original).unwrap(), original);
    }

    /// Specification §9 (b): a patch made only of `$setElementOrder` lists naming every
    /// current item in the current order is the identity.
    #[test]
    fn order_only_patch_is_identity((group, kind, original) in valid_object()) {
        prop_assume!(kind == "Pod");
        let spec = &original["spec"];
        let first_env = spec["containers"].get(0).map(|c| c["env"].clone());
        let mut containers_patch = Vec::new();
        if let Some(Value::Array(env)) = &first_env && !env.is_empty() {
            let order: Vec<Value> = env.iter().map(|e| json!({"name": e["name"]})).collect();
            containers_patch.push(json!({"name": spec["containers"][0]["name"], "$setElementOrder/env": order}));
        }
        let mut spec_patch = json!({});
        if spec["containers"].as_array().is_some_and(|c| !c.is_empty()) {
            spec_patch["$setElementOrder/containers"] = order_only(&spec["containers"]);
            if !containers_patch.is_empty() {
                spec_patch["containers"] = Value::Array(containers_patch);
            }
        }
        let mut patch = json!({"spec": spec_patch});
        if original["metadata"]["finalizers"].as_array().is_some_and(|f| !f.is_empty()) {
            patch["metadata"] = json!({"$setElementOrder/finalizers": original["metadata"]["finalizers"]});
        }
        prop_assert_eq!(apply(group, kind, &original, &patch).unwrap(), original);
    }

    /// The fuzz entry point never panics on arbitrary bytes.
    #[test]
    fn fuzz_one_arbitrary_bytes(data in prop::collection::vec(any::<u8>(), 0..256)) {
        fuzz_one(&data);
    }
}

/// A bounded, seeded corpus for [`fuzz_one`]: byte strings from a fixed linear congruential
/// sequence plus JSON pairs, so every run covers the same inputs.
#[test]
fn fuzz_corpus() {
    let mut state: u64 = 0x5eed_0001;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as u8
    };
    for len in 0..2_000usize {
        let data: Vec<u8> = (0..len % 200).map(|_| next()).collect();
        fuzz_one(&data);
    }
    for pair in [
        r#"[{"spec":{"containers":[null]}},{"spec":{"containers":[null]}}]"#,
        r#"[{"metadata":{"finalizers":[null]}},{"metadata":{"finalizers":[null]}}]"#,
        r#"[{"spec":{"tolerations":[{"key":"a"}]}},{"spec":{"$setElementOrder/tolerations":[{"key":"a"}],"tolerations":[{"key":"a"}]}}]"#,
        r#"[{"spec":{"containers":[{"name":{"x":1}}]}},{"spec":{"containers":[{"name":{"x":1}}]}}]"#,
        r#"[{"spec":{"containers":[]}},{"spec":{"$setElementOrder/containers":[],"containers":[{"name":"a"},{"name":"b"},{"name":"c"}]}}]"#,
        r#"[{},{"$setElementOrder/x":[1]}]"#,
        r#"[{"metadata":{"finalizers":["a"]}},{"metadata":{"$setElementOrder/finalizers":[{"a":1}],"finalizers":[{"a":1}]}}]"#,
    ] {
        fuzz_one(pair.as_bytes());
    }
}
