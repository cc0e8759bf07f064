//! The sync against a recording fake: writes in order, stop at the first failure, status
//! written even then, and only when it changed.

use std::sync::Mutex;

use k8s_openapi::api::apps::v1::{
    ControllerRevision, StatefulSet, StatefulSetSpec, StatefulSetStatus,
};
use k8s_openapi::api::core::v1::{Container, PersistentVolumeClaim, Pod, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use k8s_openapi::jiff::Timestamp;

use super::writer::describe;
use super::*;

#[derive(Default)]
struct Fake {
    pods: Vec<Pod>,
    revisions: Vec<ControllerRevision>,
    /// Fail the write with this index (0-based).
    fail_at: Option<usize>,
    writes: Mutex<Vec<String>>,
    statuses: Mutex<Vec<StatefulSetStatus>>,
}

fn conflict() -> kube::Error {
    kube::Error::Api(Box::new(
        kube::core::Status::failure("conflict", "Conflict").with_code(409),
    ))
}

impl Objects for Fake {
    async fn pods(&self, _: &str) -> Result<Vec<Pod>, kube::Error> {
        Ok(self.pods.clone())
    }
    async fn claims(&self, _: &str) -> Result<Vec<PersistentVolumeClaim>, kube::Error> {
        Ok(Vec::new())
    }
    async fn revisions(&self, _: &str) -> Result<Vec<ControllerRevision>, kube::Error> {
        Ok(self.revisions.clone())
    }
    async fn apply(&self, _: &str, action: &Action) -> Result<(), kube::Error> {
        let mut writes = self.writes.lock().unwrap();
        if self.fail_at == Some(writes.len()) {
            return Err(conflict());
        }
        writes.push(describe(action));
        Ok(())
    }
    async fn replace_status(&self, set: &StatefulSet) -> Result<(), kube::Error> {
        self.statuses
            .lock()
            .unwrap()
            .push(set.status.clone().unwrap());
        Ok(())
    }
}

fn set() -> StatefulSet {
    StatefulSet {
        metadata: ObjectMeta {
            name: Some("web".into()),
            namespace: Some("ns".into()),
            uid: Some("set-uid".into()),
            generation: Some(1),
            ..ObjectMeta::default()
        },
        spec: Some(StatefulSetSpec {
            replicas: Some(2),
            pod_management_policy: Some("Parallel".into()),
            template: PodTemplateSpec {
                metadata: None,
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: "c".into(),
                        ..Container::default()
                    }],
                    ..PodSpec::default()
                }),
            },
            ..StatefulSetSpec::default()
        }),
        status: None,
    }
}

fn now() -> Timestamp {
    Timestamp::UNIX_EPOCH
}

#[tokio::test]
async fn writes_go_out_in_order_then_status() {
    let fake = Fake::default();
    let out = sync(&set(), &fake, now()).await.unwrap();
    let rev = out.status.update_revision.unwrap();
    assert_eq!(
        *fake.writes.lock().unwrap(),
        vec![
            format!("create controllerrevision {rev}"),
            "create pod web-0".to_string(),
            "create pod web-1".to_string(),
        ]
    );
    assert_eq!(fake.statuses.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_failed_write_stops_the_rest_but_status_is_still_written() {
    let fake = Fake {
        fail_at: Some(1),
        ..Fake::default()
    };
    let err = sync(&set(), &fake, now()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Write { action, .. } if action == "create pod web-0"),
        "{err}"
    );
    assert_eq!(fake.writes.lock().unwrap().len(), 1);
    assert_eq!(fake.statuses.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn unchanged_status_is_not_written_and_foreign_objects_are_ignored() {
    let mut s = set();
    let first = sync(&s, &Fake::default(), now()).await.unwrap();
    s.status = Some(first.status.clone());
    let revision = match &first.actions[0] {
        Action::CreateRevision(r) => r.clone(),
        other => panic!("{other:?}"),
    };
    // A pod named like a replica but controlled by someone else is not the set's.
    let foreign = Pod {
        metadata: ObjectMeta {
            name: Some("web-0".into()),
            owner_references: Some(vec![OwnerReference {
                uid: "other".into(),
                controller: Some(true),
                ..OwnerReference::default()
            }]),
            ..ObjectMeta::default()
        },
        ..Pod::default()
    };
    let fake = Fake {
        pods: vec![foreign],
        revisions: vec![revision],
        ..Fake::default()
    };
    sync(&s, &fake, now()).await.unwrap();
    assert_eq!(
        *fake.writes.lock().unwrap(),
        vec![
            "create pod web-0".to_string(),
            "create pod web-1".to_string()
        ]
    );
    assert!(fake.statuses.lock().unwrap().is_empty());
}

#[test]
fn min_ready_seconds_requeues_until_available() {
    let mut s = set();
    let out = |available| Outcome {
        actions: Vec::new(),
        status: StatefulSetStatus {
            available_replicas: Some(available),
            ..StatefulSetStatus::default()
        },
        blocked: None,
    };
    assert_eq!(next_run(&s, &out(0)), None);
    s.spec.as_mut().unwrap().min_ready_seconds = Some(5);
    assert_eq!(
        next_run(&s, &out(1)),
        Some(std::time::Duration::from_secs(5))
    );
    assert_eq!(next_run(&s, &out(2)), None);
}
