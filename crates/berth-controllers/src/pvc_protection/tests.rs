//! Cases from upstream's `pvc_protection_controller_test.go`, as decisions over snapshots and
//! as calls against a recording fake.

use std::sync::Mutex;

use k8s_openapi::api::core::v1::{
    EmptyDirVolumeSource, EphemeralVolumeSource, PersistentVolumeClaim,
    PersistentVolumeClaimVolumeSource, Pod, PodSpec, PodStatus, Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference, Time};

use super::*;

const NS: &str = "default";

fn now() -> Time {
    Time(k8s_openapi::jiff::Timestamp::UNIX_EPOCH)
}

fn pod() -> Pod {
    Pod {
        metadata: ObjectMeta {
            name: Some("pod1".into()),
            namespace: Some(NS.into()),
            uid: Some("uid1".into()),
            ..ObjectMeta::default()
        },
        spec: Some(PodSpec {
            node_name: Some("node1".into()),
            ..PodSpec::default()
        }),
        status: Some(PodStatus {
            phase: Some("Pending".into()),
            ..PodStatus::default()
        }),
    }
}

fn spec(pod: &mut Pod) -> &mut PodSpec {
    pod.spec.get_or_insert_with(PodSpec::default)
}

fn with_pvc(claim: &str, mut pod: Pod) -> Pod {
    spec(&mut pod)
        .volumes
        .get_or_insert_with(Vec::new)
        .push(Volume {
            name: claim.into(),
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                claim_name: claim.into(),
                read_only: None,
            }),
            ..Volume::default()
        });
    pod
}

fn with_ephemeral(volume: &str, mut pod: Pod) -> Pod {
    spec(&mut pod)
        .volumes
        .get_or_insert_with(Vec::new)
        .push(Volume {
            name: volume.into(),
            ephemeral: Some(EphemeralVolumeSource::default()),
            ..Volume::default()
        });
    pod
}

fn with_empty_dir(mut pod: Pod) -> Pod {
    spec(&mut pod)
        .volumes
        .get_or_insert_with(Vec::new)
        .push(Volume {
            name: "emptyDir".into(),
            empty_dir: Some(EmptyDirVolumeSource::default()),
            ..Volume::default()
        });
    pod
}

fn with_phase(phase: &str, mut pod: Pod) -> Pod {
    pod.status.get_or_insert_with(PodStatus::default).phase = Some(phase.into());
    pod
}

fn unscheduled(mut pod: Pod) -> Pod {
    spec(&mut pod).node_name = None;
    pod
}

fn in_namespace(ns: &str, mut pod: Pod) -> Pod {
    pod.metadata.namespace = Some(ns.into());
    pod
}

fn shut_down(mut pod: Pod) -> Pod {
    pod.metadata.deletion_timestamp = Some(now());
    pod.metadata.deletion_grace_period_seconds = Some(0);
    pod
}

fn terminating(mut pod: Pod) -> Pod {
    pod.metadata.deletion_timestamp = Some(now());
    pod.metadata.deletion_grace_period_seconds = Some(30);
    pod
}

fn pvc(name: &str) -> PersistentVolumeClaim {
    PersistentVolumeClaim {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some(NS.into()),
            resource_version: Some("5".into()),
            ..ObjectMeta::default()
        },
        ..PersistentVolumeClaim::default()
    }
}

fn protected(mut c: PersistentVolumeClaim) -> PersistentVolumeClaim {
    c.metadata.finalizers = Some(vec![FINALIZER.into()]);
    c
}

fn deleted(mut c: PersistentVolumeClaim) -> PersistentVolumeClaim {
    c.metadata.deletion_timestamp = Some(now());
    c
}

fn controlled_by(uid: &str, mut c: PersistentVolumeClaim) -> PersistentVolumeClaim {
    c.metadata.owner_references = Some(vec![OwnerReference {
        api_version: "v1".into(),
        kind: "Pod".into(),
        name: "pod1".into(),
        uid: uid.into(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }]);
    c
}

#[test]
fn decisions() {
    use Decision::*;
    let releasing = || deleted(protected(pvc("pvc1")));
    let cases: Vec<(&str, PersistentVolumeClaim, Vec<Pod>, Decision)> = vec![
        ("no finalizer: added", pvc("pvc1"), vec![], AddFinalizer),
        (
            "finalizer: nothing",
            protected(pvc("pvc1")),
            vec![with_pvc("pvc1", pod())],
            Nothing,
        ),
        (
            "deleted, no pods: removed",
            releasing(),
            vec![],
            RemoveFinalizer,
        ),
        (
            "deleted, pod uses it: kept",
            releasing(),
            vec![with_pvc("pvc1", pod())],
            Keep,
        ),
        (
            "deleted, pod with unrelated claim and emptyDir: removed",
            releasing(),
            vec![with_empty_dir(with_pvc("unrelatedPVC", pod()))],
            RemoveFinalizer,
        ),
        (
            "deleted, finished pod still names it: kept",
            releasing(),
            vec![with_phase("Failed", with_pvc("pvc1", pod()))],
            Keep,
        ),
        (
            "deleted, succeeded pod still names it: kept",
            releasing(),
            vec![with_phase("Succeeded", with_pvc("pvc1", pod()))],
            Keep,
        ),
        (
            "deleted, running pod: kept",
            releasing(),
            vec![with_phase("Running", with_pvc("pvc1", pod()))],
            Keep,
        ),
        (
            "deleted, unscheduled pod: removed",
            releasing(),
            vec![unscheduled(with_pvc("pvc1", pod()))],
            RemoveFinalizer,
        ),
        (
            "deleted, same-named claim in another namespace: removed",
            releasing(),
            vec![in_namespace("namespace-2", with_pvc("pvc1", pod()))],
            RemoveFinalizer,
        ),
        (
            "deleted, terminating pod with grace left: kept",
            releasing(),
            vec![terminating(with_pvc("pvc1", pod()))],
            Keep,
        ),
        (
            // Only ephemeral claims are released by a pod the node is done with.
            "deleted, shut-down pod naming it directly: kept",
            releasing(),
            vec![shut_down(with_pvc("pvc1", pod()))],
            Keep,
        ),
        (
            "deleted, ephemeral claim of its pod: kept",
            controlled_by("uid1", deleted(protected(pvc("pod1-data")))),
            vec![with_ephemeral("data", pod())],
            Keep,
        ),
        (
            "deleted, ephemeral claim of a shut-down pod: removed",
            controlled_by("uid1", deleted(protected(pvc("pod1-data")))),
            vec![shut_down(with_ephemeral("data", pod()))],
            RemoveFinalizer,
        ),
        (
            "deleted, ephemeral-looking claim owned by another pod: removed",
            controlled_by("uid-other", deleted(protected(pvc("pod1-data")))),
            vec![with_ephemeral("data", pod())],
            RemoveFinalizer,
        ),
        (
            "deleted, ephemeral-looking claim with no owner: removed",
            deleted(protected(pvc("pod1-data"))),
            vec![with_ephemeral("data", pod())],
            RemoveFinalizer,
        ),
        (
            "deleted, someone else's finalizer only: nothing",
            deleted(pvc("pvc1")),
            vec![],
            Nothing,
        ),
    ];
    for (name, claim, pods, want) in cases {
        assert_eq!(decide(&claim, &pods), want, "{name}");
    }
}

#[test]
fn pods_name_their_claims() {
    let p = with_ephemeral("data", with_empty_dir(with_pvc("a", with_pvc("b", pod()))));
    assert_eq!(claims_of(&p), vec!["b", "a", "pod1-data"]);
    assert!(claims_of(&unscheduled(Pod::default())).is_empty());
}

#[derive(Default)]
struct Fake {
    pods: Vec<Pod>,
    fail_list: bool,
    fail_update: Option<u16>,
    calls: Mutex<Vec<String>>,
    written: Mutex<Vec<PersistentVolumeClaim>>,
}

fn api_error(code: u16) -> kube::Error {
    kube::Error::Api(
        kube::core::Status::failure("injected", "Injected")
            .with_code(code)
            .boxed(),
    )
}

impl Claims for Fake {
    async fn pods(&self, namespace: &str) -> Result<Vec<Pod>, kube::Error> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("list pods {namespace}"));
        if self.fail_list {
            return Err(api_error(403));
        }
        Ok(self.pods.clone())
    }

    async fn replace(&self, claim: &PersistentVolumeClaim) -> Result<(), kube::Error> {
        let name = claim.metadata.name.clone().unwrap_or_default();
        self.calls.lock().unwrap().push(format!("update {name}"));
        if let Some(code) = self.fail_update {
            return Err(api_error(code));
        }
        self.written.lock().unwrap().push(claim.clone());
        Ok(())
    }
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn release_lists_pods_live_then_writes_with_the_resource_version() {
    let fake = Fake::default();
    let got = block_on(sync(&deleted(protected(pvc("pvc1"))), &fake)).unwrap();
    assert_eq!(got, Decision::RemoveFinalizer);
    assert_eq!(
        *fake.calls.lock().unwrap(),
        ["list pods default", "update pvc1"]
    );
    let written = fake.written.lock().unwrap();
    assert_eq!(written[0].metadata.finalizers, None);
    assert_eq!(written[0].metadata.resource_version.as_deref(), Some("5"));
    assert!(written[0].metadata.deletion_timestamp.is_some());
}

#[test]
fn a_used_claim_is_only_read() {
    let fake = Fake {
        pods: vec![with_pvc("pvc1", pod())],
        ..Fake::default()
    };
    assert_eq!(
        block_on(sync(&deleted(protected(pvc("pvc1"))), &fake)).unwrap(),
        Decision::Keep
    );
    assert_eq!(*fake.calls.lock().unwrap(), ["list pods default"]);
}

#[test]
fn adding_needs_no_pods() {
    let fake = Fake::default();
    assert_eq!(
        block_on(sync(&pvc("pvc1"), &fake)).unwrap(),
        Decision::AddFinalizer
    );
    assert_eq!(*fake.calls.lock().unwrap(), ["update pvc1"]);
    assert_eq!(
        fake.written.lock().unwrap()[0].metadata.finalizers,
        Some(vec![FINALIZER.to_owned()])
    );
}

#[test]
fn failures_surface_for_a_retry() {
    let fake = Fake {
        fail_list: true,
        ..Fake::default()
    };
    assert!(matches!(
        block_on(sync(&deleted(protected(pvc("pvc1"))), &fake)),
        Err(Error::ListPods { .. })
    ));
    assert_eq!(*fake.calls.lock().unwrap(), ["list pods default"]);

    let fake = Fake {
        fail_update: Some(409),
        ..Fake::default()
    };
    assert!(matches!(
        block_on(sync(&pvc("pvc1"), &fake)),
        Err(Error::Update { .. })
    ));

    let fake = Fake {
        fail_update: Some(404),
        ..Fake::default()
    };
    assert_eq!(
        block_on(sync(&pvc("pvc1"), &fake)).unwrap(),
        Decision::Nothing
    );
}
