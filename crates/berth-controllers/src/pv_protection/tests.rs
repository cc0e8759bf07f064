//! The decision table from upstream's `pv_protection_controller_test.go`, and the write path
//! against a recording fake.

use std::sync::Mutex;

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

use super::*;

fn pv(phase: &str, finalizer: bool, deleting: bool) -> PersistentVolume {
    PersistentVolume {
        metadata: ObjectMeta {
            name: Some("pv1".into()),
            resource_version: Some("7".into()),
            finalizers: finalizer.then(|| vec![FINALIZER.to_owned()]),
            deletion_timestamp: deleting.then_some(Time(k8s_openapi::jiff::Timestamp::UNIX_EPOCH)),
            ..ObjectMeta::default()
        },
        status: Some(PersistentVolumeStatus {
            phase: Some(phase.into()),
            ..PersistentVolumeStatus::default()
        }),
        ..PersistentVolume::default()
    }
}

#[test]
fn decisions() {
    use Decision::*;
    // (phase, has finalizer, being deleted, expected)
    let cases = [
        ("Available", false, false, AddFinalizer),
        ("Bound", false, false, AddFinalizer),
        ("Available", true, false, Nothing),
        ("Bound", true, false, Nothing),
        ("Bound", true, true, Keep),
        ("Available", true, true, RemoveFinalizer),
        ("Released", true, true, RemoveFinalizer),
        ("Failed", true, true, RemoveFinalizer),
        ("Pending", true, true, RemoveFinalizer),
        // Someone else's finalizer holds it; this controller has nothing to say.
        ("Available", false, true, Nothing),
        ("Bound", false, true, Nothing),
    ];
    for (phase, fin, deleting, want) in cases {
        assert_eq!(
            decide(&pv(phase, fin, deleting)),
            want,
            "{phase} {fin} {deleting}"
        );
    }
}

#[derive(Default)]
struct Recorder {
    written: Mutex<Vec<PersistentVolume>>,
    fail_with: Option<u16>,
}

impl Volumes for Recorder {
    async fn replace(&self, pv: &PersistentVolume) -> Result<(), kube::Error> {
        if let Some(code) = self.fail_with {
            return Err(kube::Error::Api(
                kube::core::Status::failure("injected", "Injected")
                    .with_code(code)
                    .boxed(),
            ));
        }
        self.written.lock().unwrap().push(pv.clone());
        Ok(())
    }
}

fn run<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn sync_writes_only_a_finalizer_change_with_the_resource_version() {
    let rec = Recorder::default();
    assert_eq!(
        run(sync(&pv("Bound", true, true), &rec)).unwrap(),
        Decision::Keep
    );
    assert_eq!(
        run(sync(&pv("Bound", true, false), &rec)).unwrap(),
        Decision::Nothing
    );
    assert!(rec.written.lock().unwrap().is_empty());

    assert_eq!(
        run(sync(&pv("Released", true, true), &rec)).unwrap(),
        Decision::RemoveFinalizer
    );
    assert_eq!(
        run(sync(&pv("Available", false, false), &rec)).unwrap(),
        Decision::AddFinalizer
    );
    let written = rec.written.lock().unwrap();
    assert_eq!(written.len(), 2);
    assert_eq!(written[0].metadata.finalizers, None);
    assert_eq!(written[0].metadata.resource_version.as_deref(), Some("7"));
    assert_eq!(
        written[1].metadata.finalizers,
        Some(vec![FINALIZER.to_owned()])
    );
}

#[test]
fn sync_reports_conflicts_and_ignores_a_vanished_volume() {
    let conflict = Recorder {
        fail_with: Some(409),
        ..Recorder::default()
    };
    assert!(matches!(
        run(sync(&pv("Released", true, true), &conflict)),
        Err(Error::Update { .. })
    ));
    let gone = Recorder {
        fail_with: Some(404),
        ..Recorder::default()
    };
    assert_eq!(
        run(sync(&pv("Released", true, true), &gone)).unwrap(),
        Decision::Nothing
    );
}
