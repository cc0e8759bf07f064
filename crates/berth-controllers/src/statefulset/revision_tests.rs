//! Hash, naming, equality, rollback and truncation of revisions.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetSpec, StatefulSetStatus};
use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::json;

use super::*;

fn template(image: &str) -> PodTemplateSpec {
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(BTreeMap::from([("app".into(), "web".into())])),
            ..ObjectMeta::default()
        }),
        spec: Some(PodSpec {
            containers: vec![Container {
                name: "c".into(),
                image: Some(image.into()),
                ..Container::default()
            }],
            ..PodSpec::default()
        }),
    }
}

fn set(image: &str) -> StatefulSet {
    StatefulSet {
        metadata: ObjectMeta {
            name: Some("web".into()),
            namespace: Some("ns".into()),
            uid: Some("set-uid".into()),
            annotations: Some(BTreeMap::from([(
                "kubernetes.io/change-cause".into(),
                "x".into(),
            )])),
            ..ObjectMeta::default()
        },
        spec: Some(StatefulSetSpec {
            template: template(image),
            ..StatefulSetSpec::default()
        }),
        status: None,
    }
}

#[test]
fn fnv1_matches_the_reference_vectors() {
    // FNV-1 (multiply, then xor) 32-bit test vectors from the FNV reference suite.
    for (input, want) in [
        ("", 0x811c_9dc5_u32),
        ("a", 0x050c_5d7e),
        ("foobar", 0x31f0_b262),
    ] {
        assert_eq!(fnv1_32(input.as_bytes()), want, "{input:?}");
    }
}

#[test]
fn safe_encode_maps_digits_as_upstream() {
    assert_eq!(safe_encode("0123456789"), "456789bcdf");
}

#[test]
fn hash_is_fnv1_of_data_and_collision_count() {
    let data = json!({"a": 1});
    let bytes = b"{\"a\":1}0";
    assert_eq!(hash(&data, 0), safe_encode(&fnv1_32(bytes).to_string()));
    assert_ne!(hash(&data, 0), hash(&data, 1));
}

#[test]
fn encode_sorts_keys_and_escapes_like_go() {
    let data = json!({"b": {"z": 1, "a": [ {"y": 2, "x": 3} ]}, "a": "<&>\u{2028}"});
    assert_eq!(
        encode(&data),
        r#"{"a":"\u003c\u0026\u003e\u2028","b":{"a":[{"x":3,"y":2}],"z":1}}"#
    );
}

#[test]
fn data_replaces_the_whole_template() {
    let data = template_data(&template("nginx")).unwrap();
    assert_eq!(
        encode(&data),
        r#"{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx","name":"c","resources":{}}]}}}}"#
    );
}

#[test]
fn data_carries_the_empty_structs_go_writes() {
    let data = template_data(&PodTemplateSpec::default()).unwrap();
    assert_eq!(
        encode(&data),
        r#"{"spec":{"template":{"$patch":"replace","metadata":{},"spec":{}}}}"#
    );
}

#[test]
fn names_truncate_the_set_name() {
    assert_eq!(revision_name("web", "abc"), "web-abc");
    let long = "x".repeat(300);
    assert_eq!(revision_name(&long, "abc").len(), 223 + 4);
}

#[test]
fn new_revision_carries_labels_owner_and_annotations() {
    let r = new_revision(&set("nginx"), 7, 0).unwrap();
    let h = hash(&template_data(&template("nginx")).unwrap(), 0);
    assert_eq!(r.metadata.name, Some(format!("web-{h}")));
    assert_eq!(r.revision, 7);
    let labels = r.metadata.labels.clone().unwrap();
    assert_eq!(labels[HASH_LABEL], h);
    assert_eq!(labels["app"], "web");
    let owner = &r.metadata.owner_references.clone().unwrap()[0];
    assert_eq!(
        (
            owner.api_version.as_str(),
            owner.kind.as_str(),
            owner.name.as_str(),
            owner.uid.as_str()
        ),
        ("apps/v1", "StatefulSet", "web", "set-uid")
    );
    assert_eq!(
        (owner.controller, owner.block_owner_deletion),
        (Some(true), Some(true))
    );
    assert_eq!(r.metadata.annotations, set("nginx").metadata.annotations);
    // Reading the template back yields the same data (with Go's empty `resources` filled in).
    let back = template_of(&r).unwrap();
    assert_eq!(
        template_data(&back).unwrap(),
        template_data(&template("nginx")).unwrap()
    );
    assert_eq!(
        back.spec.unwrap().containers[0].image.as_deref(),
        Some("nginx")
    );
}

#[test]
fn equality_is_by_template() {
    let a = new_revision(&set("nginx"), 1, 0).unwrap();
    let mut a2 = new_revision(&set("nginx"), 5, 3).unwrap();
    a2.metadata.name = Some("other".into());
    let b = new_revision(&set("redis"), 1, 0).unwrap();
    assert!(equal(&a, &a2));
    assert!(!equal(&a, &b));
}

#[test]
fn plan_covers_create_reuse_rollback_and_collision() {
    // No history: create revision 1, which is both current and update.
    let p = plan(&set("v1"), &[], &[]).unwrap();
    let r1 = new_revision(&set("v1"), 1, 0).unwrap();
    assert_eq!(p.write, Some(RevisionWrite::Create(r1.clone())));
    assert_eq!((p.current.clone(), p.update), (r1.clone(), r1.clone()));

    // Newest revision already matches: no write.
    let p = plan(&set("v1"), std::slice::from_ref(&r1), &[]).unwrap();
    assert_eq!(p.write, None);

    // A new template while status names revision 1 as current.
    let mut s2 = set("v2");
    s2.status = Some(StatefulSetStatus {
        current_revision: r1.metadata.name.clone(),
        ..StatefulSetStatus::default()
    });
    let p = plan(&s2, std::slice::from_ref(&r1), &[]).unwrap();
    let r2 = new_revision(&s2, 2, 0).unwrap();
    assert_eq!(p.write, Some(RevisionWrite::Create(r2.clone())));
    assert_eq!(p.current, r1);

    // Back to the first template: revision 1 is renumbered to 3, keeping its name.
    let p = plan(&set("v1"), &[r1.clone(), r2], &[]).unwrap();
    let mut r1_as_3 = r1.clone();
    r1_as_3.revision = 3;
    assert_eq!(p.write, Some(RevisionWrite::Renumber(r1_as_3.clone())));
    assert_eq!(p.update, r1_as_3);

    // Another object already holds the candidate name with other data: bump the count.
    let mut squatter = new_revision(&set("other"), 1, 0).unwrap();
    squatter.metadata.name = r1.metadata.name.clone();
    let p = plan(&set("v1"), &[], &[squatter]).unwrap();
    assert_eq!(p.collision_count, 1);
    assert_eq!(
        p.write,
        Some(RevisionWrite::Create(
            new_revision(&set("v1"), 1, 1).unwrap()
        ))
    );
    assert_ne!(p.update.metadata.name, r1.metadata.name);
}

#[test]
fn truncation_keeps_live_revisions_and_the_newest_history() {
    let revs: Vec<ControllerRevision> = (1..=6)
        .map(|i| {
            let mut r = new_revision(&set(&format!("v{i}")), i, 0).unwrap();
            r.metadata.name = Some(format!("r{i}"));
            r
        })
        .collect();
    let live: BTreeSet<String> = ["r1", "r6"].iter().map(|s| (*s).to_string()).collect();
    // Non-live history r2..r5, limit 2: the two oldest go.
    assert_eq!(
        truncate(&revs, &live, 2),
        vec!["r2".to_string(), "r3".to_string()]
    );
    assert!(truncate(&revs, &live, 4).is_empty());
    assert!(truncate(&revs, &live, -1).is_empty());
    assert_eq!(truncate(&revs, &live, 0).len(), 4);
}

#[test]
fn next_revision_follows_the_maximum() {
    assert_eq!(next_revision(&[]), 1);
    let mut r = new_revision(&set("v"), 4, 0).unwrap();
    assert_eq!(next_revision(std::slice::from_ref(&r)), 5);
    r.revision = 9;
    assert_eq!(next_revision(&[r]), 10);
}
