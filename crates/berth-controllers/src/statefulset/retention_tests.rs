//! The owner-reference matrix and conflict rules of §3.9.

use k8s_openapi::api::apps::v1::{
    StatefulSetPersistentVolumeClaimRetentionPolicy, StatefulSetSpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::*;

fn set(when_scaled: &str, when_deleted: &str) -> StatefulSet {
    StatefulSet {
        metadata: ObjectMeta {
            name: Some("web".into()),
            uid: Some("set-uid".into()),
            ..ObjectMeta::default()
        },
        spec: Some(StatefulSetSpec {
            persistent_volume_claim_retention_policy: Some(
                StatefulSetPersistentVolumeClaimRetentionPolicy {
                    when_scaled: Some(when_scaled.into()),
                    when_deleted: Some(when_deleted.into()),
                },
            ),
            ..StatefulSetSpec::default()
        }),
        status: None,
    }
}

fn pod() -> Pod {
    Pod {
        metadata: ObjectMeta {
            name: Some("web-1".into()),
            uid: Some("pod-uid".into()),
            ..ObjectMeta::default()
        },
        ..Pod::default()
    }
}

fn owner(kind: &str, name: &str, uid: &str, controller: bool) -> OwnerReference {
    OwnerReference {
        api_version: if kind == "Pod" { "v1" } else { "apps/v1" }.into(),
        kind: kind.into(),
        name: name.into(),
        uid: uid.into(),
        controller: Some(controller),
        block_owner_deletion: controller.then_some(true),
    }
}

fn claim(refs: Vec<OwnerReference>) -> PersistentVolumeClaim {
    PersistentVolumeClaim {
        metadata: ObjectMeta {
            name: Some("www-web-1".into()),
            owner_references: Some(refs),
            ..ObjectMeta::default()
        },
        ..PersistentVolumeClaim::default()
    }
}

/// The owner kinds a fresh claim converges to.
fn converged(scaled: &str, deleted: &str, condemned: bool) -> Vec<String> {
    let s = set(scaled, deleted);
    let c = claim(Vec::new());
    let next = update_refs(&s, &pod(), &c, condemned).unwrap_or(c);
    next.metadata
        .owner_references
        .unwrap_or_default()
        .iter()
        .map(|r| r.kind.clone())
        .collect()
}

#[test]
fn matrix() {
    let cases: [(&str, &str, bool, &[&str]); 8] = [
        ("Retain", "Retain", false, &[]),
        ("Retain", "Retain", true, &[]),
        ("Retain", "Delete", false, &["StatefulSet"]),
        ("Retain", "Delete", true, &["StatefulSet"]),
        ("Delete", "Retain", false, &[]),
        ("Delete", "Retain", true, &["Pod"]),
        ("Delete", "Delete", false, &["StatefulSet"]),
        ("Delete", "Delete", true, &["Pod"]),
    ];
    for (scaled, deleted, condemned, want) in cases {
        assert_eq!(
            converged(scaled, deleted, condemned),
            want.iter().map(|s| (*s).to_string()).collect::<Vec<_>>(),
            "{scaled}/{deleted} condemned={condemned}"
        );
    }
}

#[test]
fn converged_claims_are_left_alone() {
    let s = set("Delete", "Delete");
    let c = claim(vec![owner("StatefulSet", "web", "set-uid", true)]);
    assert_eq!(update_refs(&s, &pod(), &c, false), None);
}

#[test]
fn retain_retain_removes_our_refs() {
    let s = set("Retain", "Retain");
    let c = claim(vec![owner("StatefulSet", "web", "set-uid", true)]);
    let next = update_refs(&s, &pod(), &c, false).unwrap();
    assert_eq!(next.metadata.owner_references, Some(Vec::new()));
}

#[test]
fn stale_refs_leave_the_claim_untouched() {
    let s = set("Delete", "Delete");
    let c = claim(vec![owner("Pod", "web-1", "old-pod-uid", true)]);
    assert_eq!(update_refs(&s, &pod(), &c, false), None);
    assert!(is_stale_for(&c, "web-1", None));
    assert!(!is_stale_for(&c, "web-1", Some("old-pod-uid")));
}

#[test]
fn a_foreign_controller_wins() {
    let s = set("Delete", "Delete");
    let c = claim(vec![
        owner("Thing", "x", "x-uid", true),
        owner("StatefulSet", "web", "set-uid", true),
    ]);
    let next = update_refs(&s, &pod(), &c, false).unwrap();
    assert_eq!(
        next.metadata.owner_references,
        Some(vec![owner("Thing", "x", "x-uid", true)])
    );
}

#[test]
fn non_controller_refs_are_rewritten_and_unrelated_ones_kept() {
    let s = set("Retain", "Delete");
    let c = claim(vec![
        owner("StatefulSet", "web", "set-uid", false),
        owner("Thing", "x", "x-uid", false),
    ]);
    let next = update_refs(&s, &pod(), &c, false).unwrap();
    assert_eq!(
        next.metadata.owner_references,
        Some(vec![
            owner("Thing", "x", "x-uid", false),
            owner("StatefulSet", "web", "set-uid", true),
        ])
    );
}
