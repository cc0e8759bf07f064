//! Scenarios from upstream's `stateful_set_control_test.go` and the worked timeline of the
//! specification, run in the simulated world with invariants checked on every write.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{
    RollingUpdateStatefulSetStrategy, StatefulSet, StatefulSetOrdinals,
    StatefulSetPersistentVolumeClaimRetentionPolicy, StatefulSetSpec, StatefulSetUpdateStrategy,
};
use k8s_openapi::api::core::v1::{Container, PersistentVolumeClaim, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use proptest::prelude::*;

use super::control::Action;
use super::identity::REVISION_LABEL;
use super::revision::{hash, revision_name, template_data};
use super::sim::World;

fn labels() -> BTreeMap<String, String> {
    BTreeMap::from([("app".to_string(), "web".to_string())])
}

fn template(image: &str) -> PodTemplateSpec {
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels()),
            ..ObjectMeta::default()
        }),
        spec: Some(PodSpec {
            containers: vec![Container {
                name: "nginx".into(),
                image: Some(image.into()),
                ..Container::default()
            }],
            ..PodSpec::default()
        }),
    }
}

fn set(replicas: i32, policy: &str) -> StatefulSet {
    StatefulSet {
        metadata: ObjectMeta {
            name: Some("web".into()),
            namespace: Some("default".into()),
            ..ObjectMeta::default()
        },
        spec: Some(StatefulSetSpec {
            replicas: Some(replicas),
            pod_management_policy: Some(policy.into()),
            selector: LabelSelector {
                match_labels: Some(labels()),
                ..LabelSelector::default()
            },
            service_name: Some("nginx".into()),
            template: template("nginx:1"),
            update_strategy: Some(StatefulSetUpdateStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateStatefulSetStrategy {
                    partition: Some(0),
                    max_unavailable: None,
                }),
            }),
            volume_claim_templates: Some(vec![PersistentVolumeClaim {
                metadata: ObjectMeta {
                    name: Some("www".into()),
                    ..ObjectMeta::default()
                },
                ..PersistentVolumeClaim::default()
            }]),
            ..StatefulSetSpec::default()
        }),
        status: None,
    }
}

/// The revision name upstream gives `template` with no collisions.
fn rev(image: &str) -> String {
    revision_name("web", &hash(&template_data(&template(image)).unwrap(), 0))
}

fn names(world: &World) -> Vec<String> {
    world.pods.keys().cloned().collect()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_string()).collect()
}

fn created_pods(log: &[Action]) -> Vec<String> {
    log.iter()
        .filter_map(|a| match a {
            Action::CreatePod(p) => p.metadata.name.clone(),
            _ => None,
        })
        .collect()
}

fn deleted_pods(log: &[Action]) -> Vec<String> {
    log.iter()
        .filter_map(|a| match a {
            Action::DeletePod(n) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

fn set_image(world: &mut World, image: &str) {
    world.edit(|s| s.spec.as_mut().unwrap().template = template(image));
}

fn scale(world: &mut World, replicas: i32) {
    world.edit(|s| s.spec.as_mut().unwrap().replicas = Some(replicas));
}

#[test]
fn ordered_ready_creates_one_pod_at_a_time_claim_first() {
    let mut w = World::new(set(3, "OrderedReady"));
    let first = w.sync().actions;
    assert!(
        matches!(&first[0], Action::CreateRevision(r) if r.metadata.name == Some(rev("nginx:1")))
    );
    assert!(
        matches!(&first[1], Action::CreateClaim(c) if c.metadata.name.as_deref() == Some("www-web-0"))
    );
    assert!(
        matches!(&first[2], Action::CreatePod(p) if p.metadata.name.as_deref() == Some("web-0"))
    );
    assert_eq!(first.len(), 3);
    w.step(usize::MAX);
    // Pending pod: nothing more until it is Running and Ready.
    w.step(usize::MAX);
    assert_eq!(names(&w), strs(&["web-0"]));
    w.run("web-0");
    w.step(usize::MAX);
    assert_eq!(names(&w), strs(&["web-0", "web-1"]));
    w.settle();
    assert_eq!(names(&w), strs(&["web-0", "web-1", "web-2"]));
    assert_eq!(created_pods(&w.log), strs(&["web-0", "web-1", "web-2"]));
    let pod = &w.pods["web-1"];
    let spec = pod.spec.as_ref().unwrap();
    assert_eq!(spec.hostname.as_deref(), Some("web-1"));
    assert_eq!(spec.subdomain.as_deref(), Some("nginx"));
    let l = pod.metadata.labels.as_ref().unwrap();
    assert_eq!(l["statefulset.kubernetes.io/pod-name"], "web-1");
    assert_eq!(l["apps.kubernetes.io/pod-index"], "1");
    assert_eq!(l[REVISION_LABEL], rev("nginx:1"));
    assert_eq!(l["app"], "web");
    let owner = &pod.metadata.owner_references.as_ref().unwrap()[0];
    assert_eq!(
        (
            owner.kind.as_str(),
            owner.controller,
            owner.block_owner_deletion
        ),
        ("StatefulSet", Some(true), Some(true))
    );
    let claim = &spec.volumes.as_ref().unwrap()[0];
    assert_eq!(
        claim.persistent_volume_claim.as_ref().unwrap().claim_name,
        "www-web-1"
    );
    let status = w.set.status.clone().unwrap();
    assert_eq!(status.replicas, 3);
    assert_eq!(status.ready_replicas, Some(3));
    assert_eq!(status.available_replicas, Some(3));
    assert_eq!(status.current_replicas, Some(3));
    assert_eq!(status.updated_replicas, Some(3));
    assert_eq!(status.current_revision, Some(rev("nginx:1")));
    assert_eq!(status.update_revision, Some(rev("nginx:1")));
    assert_eq!(status.observed_generation, Some(1));
    assert_eq!(status.collision_count, Some(0));
}

#[test]
fn parallel_creates_every_pod_in_one_sync() {
    let mut w = World::new(set(3, "Parallel"));
    w.step(usize::MAX);
    assert_eq!(names(&w), strs(&["web-0", "web-1", "web-2"]));
    assert_eq!(w.claims.len(), 3);
    assert_eq!(
        w.set.status.as_ref().unwrap().replicas,
        0,
        "counted over the snapshot"
    );
    w.settle();
    assert_eq!(w.set.status.as_ref().unwrap().ready_replicas, Some(3));
}

#[test]
fn min_ready_seconds_holds_the_next_pod_back() {
    let mut w = World::new(set(2, "OrderedReady"));
    w.edit(|s| s.spec.as_mut().unwrap().min_ready_seconds = Some(10));
    w.step(usize::MAX);
    w.run("web-0");
    w.tick(10);
    w.step(usize::MAX);
    assert_eq!(
        names(&w),
        strs(&["web-0"]),
        "ready for exactly 10s is not yet available"
    );
    assert_eq!(w.set.status.as_ref().unwrap().available_replicas, Some(0));
    w.tick(1);
    w.step(usize::MAX);
    assert_eq!(names(&w), strs(&["web-0", "web-1"]));
}

#[test]
fn ordinals_start_offsets_names() {
    let mut w = World::new(set(3, "OrderedReady"));
    w.edit(|s| s.spec.as_mut().unwrap().ordinals = Some(StatefulSetOrdinals { start: Some(2) }));
    w.settle();
    assert_eq!(names(&w), strs(&["web-2", "web-3", "web-4"]));
    assert!(w.claims.contains_key("www-web-2"));
}

#[test]
fn scale_up_then_down_in_both_modes() {
    for policy in ["OrderedReady", "Parallel"] {
        let mut w = World::new(set(3, policy));
        w.settle();
        scale(&mut w, 5);
        w.settle();
        assert_eq!(
            names(&w),
            strs(&["web-0", "web-1", "web-2", "web-3", "web-4"]),
            "{policy}"
        );
        let mark = w.log.len();
        scale(&mut w, 2);
        w.settle();
        assert_eq!(names(&w), strs(&["web-0", "web-1"]), "{policy}");
        if policy == "OrderedReady" {
            assert_eq!(
                deleted_pods(&w.log[mark..]),
                strs(&["web-4", "web-3", "web-2"])
            );
        }
        // Retain: claims outlive their pods.
        assert_eq!(w.claims.len(), 5, "{policy}");
        assert_eq!(w.set.status.as_ref().unwrap().replicas, 2);
    }
}

#[test]
fn ordered_scale_down_waits_for_each_pod_to_go() {
    let mut w = World::new(set(3, "OrderedReady"));
    w.settle();
    scale(&mut w, 1);
    w.step(usize::MAX);
    w.step(usize::MAX);
    assert_eq!(
        deleted_pods(&w.log),
        strs(&["web-2"]),
        "web-1 waits while web-2 terminates"
    );
    w.reap();
    w.step(usize::MAX);
    assert_eq!(deleted_pods(&w.log), strs(&["web-2", "web-1"]));
}

#[test]
fn rolling_update_respects_partition_and_goes_highest_first() {
    let mut w = World::new(set(3, "OrderedReady"));
    w.settle();
    w.edit(|s| {
        let spec = s.spec.as_mut().unwrap();
        spec.template = template("nginx:2");
        spec.update_strategy
            .as_mut()
            .unwrap()
            .rolling_update
            .as_mut()
            .unwrap()
            .partition = Some(1);
    });
    let mark = w.log.len();
    w.settle();
    assert_eq!(deleted_pods(&w.log[mark..]), strs(&["web-2", "web-1"]));
    assert_eq!(
        w.pod_revisions(),
        vec![
            ("web-0".to_string(), rev("nginx:1")),
            ("web-1".to_string(), rev("nginx:2")),
            ("web-2".to_string(), rev("nginx:2")),
        ]
    );
    let status = w.set.status.clone().unwrap();
    assert_eq!(status.current_revision, Some(rev("nginx:1")));
    assert_eq!(status.update_revision, Some(rev("nginx:2")));
    assert_eq!(
        (status.current_replicas, status.updated_replicas),
        (Some(1), Some(2))
    );
    // A pod below the partition is re-created at the current revision.
    w.apply(Action::DeletePod("web-0".into()));
    w.settle();
    assert_eq!(w.pod_revisions()[0].1, rev("nginx:1"));

    w.edit(|s| {
        let spec = s.spec.as_mut().unwrap();
        spec.update_strategy
            .as_mut()
            .unwrap()
            .rolling_update
            .as_mut()
            .unwrap()
            .partition = Some(0);
    });
    w.settle();
    let status = w.set.status.clone().unwrap();
    assert_eq!(status.current_revision, Some(rev("nginx:2")));
    assert_eq!(status.current_replicas, Some(3));
    assert!(w.pod_revisions().iter().all(|(_, r)| *r == rev("nginx:2")));
}

#[test]
fn rolling_update_deletes_one_pod_per_sync_and_counts_it() {
    let mut w = World::new(set(3, "OrderedReady"));
    w.settle();
    set_image(&mut w, "nginx:2");
    let out = w.sync();
    assert!(matches!(&out.actions[0], Action::CreateRevision(r) if r.revision == 2));
    assert_eq!(deleted_pods(&out.actions), strs(&["web-2"]));
    assert_eq!(out.status.current_replicas, Some(2));
    assert_eq!(out.status.observed_generation, Some(2));
}

#[test]
fn rollback_renumbers_the_old_revision() {
    let mut w = World::new(set(2, "OrderedReady"));
    w.settle();
    set_image(&mut w, "nginx:2");
    w.settle();
    set_image(&mut w, "nginx:1");
    let out = w.sync();
    assert!(
        matches!(&out.actions[0], Action::UpdateRevision(r) if r.revision == 3 && r.metadata.name == Some(rev("nginx:1")))
    );
    w.settle();
    let numbers: BTreeMap<String, i64> = w
        .revisions
        .values()
        .map(|r| (r.metadata.name.clone().unwrap(), r.revision))
        .collect();
    assert_eq!(
        numbers,
        BTreeMap::from([(rev("nginx:1"), 3), (rev("nginx:2"), 2)])
    );
    assert!(w.pod_revisions().iter().all(|(_, r)| *r == rev("nginx:1")));
    assert_eq!(
        w.set.status.as_ref().unwrap().current_revision,
        Some(rev("nginx:1"))
    );
}

#[test]
fn history_is_truncated_to_the_limit() {
    let mut w = World::new(set(1, "OrderedReady"));
    w.edit(|s| s.spec.as_mut().unwrap().revision_history_limit = Some(1));
    for i in 1..=4 {
        set_image(&mut w, &format!("nginx:{i}"));
        w.settle();
    }
    let kept: Vec<String> = w.revisions.keys().cloned().collect();
    let mut want = vec![rev("nginx:3"), rev("nginx:4")];
    want.sort();
    assert_eq!(kept, want);
}

#[test]
fn on_delete_replaces_only_deleted_pods() {
    let mut w = World::new(set(3, "OrderedReady"));
    w.edit(|s| {
        s.spec.as_mut().unwrap().update_strategy = Some(StatefulSetUpdateStrategy {
            type_: Some("OnDelete".into()),
            rolling_update: None,
        });
    });
    w.settle();
    set_image(&mut w, "nginx:2");
    w.settle();
    assert!(w.pod_revisions().iter().all(|(_, r)| *r == rev("nginx:1")));
    assert_eq!(
        w.set.status.as_ref().unwrap().update_revision,
        Some(rev("nginx:2"))
    );
    w.apply(Action::DeletePod("web-1".into()));
    w.settle();
    assert_eq!(w.pod_revisions()[1].1, rev("nginx:2"));
    assert_eq!(w.pod_revisions()[0].1, rev("nginx:1"));
}

#[test]
fn failed_pod_is_deleted_then_recreated() {
    for policy in ["OrderedReady", "Parallel"] {
        let mut w = World::new(set(3, policy));
        w.settle();
        w.fail("web-1");
        let out = w.sync();
        assert_eq!(deleted_pods(&out.actions), strs(&["web-1"]), "{policy}");
        w.step(usize::MAX);
        // No replacement while the old object exists.
        w.step(usize::MAX);
        assert!(
            created_pods(&w.log)
                .iter()
                .filter(|n| *n == "web-1")
                .count()
                == 1
        );
        w.settle();
        assert_eq!(names(&w), strs(&["web-0", "web-1", "web-2"]));
        assert_eq!(
            created_pods(&w.log)
                .iter()
                .filter(|n| *n == "web-1")
                .count(),
            2
        );
        assert!(w.claims.contains_key("www-web-1"));
    }
}

#[test]
fn when_scaled_delete_hands_claims_to_condemned_pods() {
    let mut w = World::new(set(3, "OrderedReady"));
    w.edit(|s| {
        s.spec
            .as_mut()
            .unwrap()
            .persistent_volume_claim_retention_policy =
            Some(StatefulSetPersistentVolumeClaimRetentionPolicy {
                when_scaled: Some("Delete".into()),
                when_deleted: Some("Delete".into()),
            });
    });
    w.settle();
    let refs = |w: &World, c: &str| -> Vec<String> {
        w.claims[c]
            .metadata
            .owner_references
            .iter()
            .flatten()
            .map(|r| r.kind.clone())
            .collect()
    };
    assert_eq!(refs(&w, "www-web-2"), strs(&["StatefulSet"]));
    scale(&mut w, 1);
    w.step(usize::MAX);
    assert_eq!(
        refs(&w, "www-web-2"),
        strs(&["Pod"]),
        "handed to the pod before it goes"
    );
    w.settle();
    assert_eq!(
        w.claims.keys().cloned().collect::<Vec<_>>(),
        strs(&["www-web-0"])
    );
    scale(&mut w, 2);
    w.settle();
    assert_eq!(refs(&w, "www-web-1"), strs(&["StatefulSet"]));
}

#[test]
fn a_set_being_deleted_gets_status_only() {
    let mut w = World::new(set(3, "OrderedReady"));
    w.set.metadata.deletion_timestamp =
        Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(w.now));
    let out = w.sync();
    assert!(
        out.actions
            .iter()
            .all(|a| matches!(a, Action::CreateRevision(_)))
    );
}

#[test]
fn identity_labels_are_repaired() {
    let mut w = World::new(set(1, "OrderedReady"));
    w.settle();
    let mut pod = w.pods["web-0"].clone();
    pod.metadata
        .labels
        .as_mut()
        .unwrap()
        .remove("statefulset.kubernetes.io/pod-name");
    w.pods.insert("web-0".into(), pod);
    let out = w.sync();
    let [Action::UpdatePod(p)] = out.actions.as_slice() else {
        panic!("{:?}", out.actions)
    };
    assert_eq!(
        p.metadata.labels.as_ref().unwrap()["statefulset.kubernetes.io/pod-name"],
        "web-0"
    );
}

#[test]
fn ordinals_parse_as_upstream() {
    let s = set(1, "OrderedReady");
    let pod = |n: &str| k8s_openapi::api::core::v1::Pod {
        metadata: ObjectMeta {
            name: Some(n.into()),
            ..ObjectMeta::default()
        },
        ..Default::default()
    };
    let cases = [
        ("web-0", Some(0)),
        ("web-12", Some(12)),
        ("web-0-1", None),
        ("web-", None),
        ("web-x", None),
        ("web-+1", None),
        ("web-2147483648", None),
        ("db-0", None),
    ];
    for (name, want) in cases {
        assert_eq!(super::identity::ordinal(&s, &pod(name)), want, "{name}");
    }
}

#[test]
fn a_claim_being_deleted_blocks_its_pod() {
    let mut w = World::new(set(1, "OrderedReady"));
    let mut claim = super::identity::new_claims(&w.set, 0).remove(0);
    claim.metadata.deletion_timestamp =
        Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(w.now));
    w.claims.insert("www-web-0".into(), claim);
    let out = w.sync();
    assert!(created_pods(&out.actions).is_empty());
    assert_eq!(
        out.blocked.as_deref(),
        Some("pvc www-web-0 is being deleted")
    );
}

#[test]
fn a_claim_awaiting_collection_blocks_recreation_under_when_scaled_delete() {
    let mut w = World::new(set(1, "OrderedReady"));
    w.edit(|s| {
        s.spec
            .as_mut()
            .unwrap()
            .persistent_volume_claim_retention_policy =
            Some(StatefulSetPersistentVolumeClaimRetentionPolicy {
                when_scaled: Some("Delete".into()),
                when_deleted: Some("Retain".into()),
            });
    });
    let mut claim = super::identity::new_claims(&w.set, 0).remove(0);
    claim.metadata.owner_references = Some(vec![
        k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference {
            api_version: "v1".into(),
            kind: "Pod".into(),
            name: "web-0".into(),
            uid: "gone".into(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        },
    ]);
    w.claims.insert("www-web-0".into(), claim);
    assert!(created_pods(&w.sync().actions).is_empty());
    w.claims.clear();
    assert_eq!(created_pods(&w.sync().actions), strs(&["web-0"]));
}

#[test]
fn a_pending_pod_gets_its_lost_claim_back() {
    let mut w = World::new(set(1, "OrderedReady"));
    w.step(usize::MAX);
    w.claims.clear();
    let out = w.sync();
    assert!(
        matches!(out.actions.as_slice(), [Action::CreateClaim(c)] if c.metadata.name.as_deref() == Some("www-web-0"))
    );
}

#[test]
fn status_counts_terminating_pods_as_existing_only() {
    let mut w = World::new(set(2, "Parallel"));
    w.settle();
    w.apply(Action::DeletePod("web-1".into()));
    let status = w.sync().status;
    assert_eq!(status.replicas, 2);
    assert_eq!(
        status.ready_replicas,
        Some(2),
        "a terminating pod that is still Ready counts"
    );
    assert_eq!(status.current_replicas, Some(1));
    assert_eq!(status.updated_replicas, Some(1));
    let old = w.set.status.clone();
    assert!(super::status::changed(old.as_ref(), &status));
    assert!(!super::status::changed(old.as_ref(), old.as_ref().unwrap()));
    assert!(super::status::changed(None, &status));
}

#[test]
fn claim_volumes_replace_template_volumes_of_the_same_name() {
    let mut s = set(1, "OrderedReady");
    let spec = s.spec.as_mut().unwrap();
    spec.template.spec.as_mut().unwrap().volumes = Some(vec![
        k8s_openapi::api::core::v1::Volume {
            name: "www".into(),
            ..Default::default()
        },
        k8s_openapi::api::core::v1::Volume {
            name: "scratch".into(),
            ..Default::default()
        },
    ]);
    let t = spec.template.clone();
    let pod = super::identity::new_pod(&s, &t, "web-abc", 4);
    let volumes = pod.spec.as_ref().unwrap().volumes.clone().unwrap();
    let names: Vec<&str> = volumes.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["www", "scratch"]);
    let claim = volumes[0].persistent_volume_claim.as_ref().unwrap();
    assert_eq!(
        (claim.claim_name.as_str(), claim.read_only),
        ("www-web-4", None)
    );
    assert!(super::identity::storage_matches(&s, &pod, 4));
    assert!(!super::identity::storage_matches(&s, &pod, 3));
    assert!(super::identity::identity_matches(&s, &pod, 4));
    assert_eq!(pod.metadata.generate_name.as_deref(), Some("web-"));
}

#[derive(Debug, Clone)]
enum Op {
    /// A controller run; with restarts it dies after its first write.
    Sync,
    Run(i32),
    Fail(i32),
    Reap,
    Image(u8),
    Scale(i32),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => Just(Op::Sync),
        3 => (0..5).prop_map(Op::Run),
        1 => (0..5).prop_map(Op::Fail),
        2 => Just(Op::Reap),
        1 => (1..3u8).prop_map(Op::Image),
        1 => (0..5).prop_map(Op::Scale),
    ]
}

fn play(policy: &str, ops: &[Op], restarts: bool) -> World {
    let mut w = World::new(set(3, policy));
    for op in ops {
        match op {
            Op::Sync => {
                let limit = if restarts { 1 } else { usize::MAX };
                // A crashed run is followed by a fresh one with no memory of it.
                while w.step(limit) > limit && restarts {}
            }
            Op::Run(o) => w.run(&format!("web-{o}")),
            Op::Fail(o) => w.fail(&format!("web-{o}")),
            Op::Reap => w.reap(),
            Op::Image(i) => set_image(&mut w, &format!("nginx:{i}")),
            Op::Scale(n) => scale(&mut w, *n),
        }
    }
    w.settle();
    w
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn restarts_between_writes_reach_the_same_end(ops in proptest::collection::vec(op(), 0..40), parallel in any::<bool>()) {
        let policy = if parallel { "Parallel" } else { "OrderedReady" };
        let plain = play(policy, &ops, false);
        let restarted = play(policy, &ops, true);
        prop_assert_eq!(plain.pod_revisions(), restarted.pod_revisions());
        prop_assert_eq!(plain.claims.keys().collect::<Vec<_>>(), restarted.claims.keys().collect::<Vec<_>>());
        let numbers = |w: &World| w.revisions.values().map(|r| (r.metadata.name.clone(), r.revision)).collect::<Vec<_>>();
        prop_assert_eq!(numbers(&plain), numbers(&restarted));
        let status = |w: &World| { let mut s = w.set.status.clone().unwrap(); s.available_replicas = None; s };
        prop_assert_eq!(status(&plain), status(&restarted));
        // As upstream, OrderedReady deletes an unhealthy condemned pod only when it is the
        // lowest unhealthy one, so several failed condemned pods block scale-down for good.
        let stuck = plain.pods.values().any(super::identity::is_finished);
        prop_assume!(!stuck);
        let want = plain.set.spec.as_ref().unwrap().replicas.unwrap();
        prop_assert_eq!(plain.pods.len(), usize::try_from(want).unwrap());
        let update = plain.set.status.as_ref().unwrap().update_revision.clone().unwrap();
        prop_assert!(plain.pod_revisions().iter().all(|(_, r)| *r == update));
    }
}

/// A case the property found: scale-down deletes the healthy highest pod while a lower, failed
/// one is still terminating (as upstream: the condemned loop only waits on its own target).
#[test]
fn scale_down_past_a_terminating_failed_pod() {
    let ops = [
        Op::Sync,
        Op::Run(0),
        Op::Sync,
        Op::Fail(0),
        Op::Run(1),
        Op::Sync,
        Op::Scale(0),
    ];
    for restarts in [false, true] {
        let w = play("OrderedReady", &ops, restarts);
        assert!(w.pods.is_empty());
        assert_eq!(w.set.status.as_ref().unwrap().replicas, 0);
    }
}
