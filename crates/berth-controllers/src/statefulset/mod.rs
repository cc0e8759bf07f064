//! The StatefulSet controller (upstream `pkg/controller/statefulset`). Its core is a pure sync
//! over a snapshot of the set, its pods, its claims and its ControllerRevisions, returning the
//! writes to make and the status to record; a thin shell lists, applies and requeues.
//!
//! - [`revision`]: revision data, hash, names, rollback re-numbering and history truncation;
//! - [`identity`]: pod and claim names, labels and health;
//! - [`retention`]: claim owner references for `persistentVolumeClaimRetentionPolicy`;
//! - [`control`]: the phases of one sync;
//! - [`status`]: the status counts and the completion rule;
//! - [`writer`]: the reads and writes behind a trait, and the sync that applies an outcome.

pub mod control;
pub mod identity;
pub mod retention;
pub mod revision;
pub mod status;
pub mod writer;

pub use control::{Action, Outcome, Snapshot};
pub use writer::{ApiObjects, Error, Objects, sync};

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::jiff::Timestamp;
use kube::api::Api;
use kube::runtime::controller::{Action as Requeue, Controller};
use kube::runtime::watcher;

use crate::shell;

/// After a sync, when to look again: pods turning available after `minReadySeconds` produce
/// no event, so a timer must bring the set back.
pub fn next_run(set: &StatefulSet, outcome: &Outcome) -> Option<Duration> {
    let spec = set.spec.as_ref()?;
    let min_ready = u64::try_from(spec.min_ready_seconds.unwrap_or(0)).ok()?;
    let want = spec.replicas.unwrap_or(1);
    (min_ready > 0 && outcome.status.available_replicas != Some(want))
        .then(|| Duration::from_secs(min_ready))
}

async fn reconcile(set: Arc<StatefulSet>, objects: Arc<ApiObjects>) -> Result<Requeue, Error> {
    let outcome = sync(&set, objects.as_ref(), Timestamp::now()).await?;
    Ok(next_run(&set, &outcome).map_or_else(Requeue::await_change, Requeue::requeue))
}

/// Runs the controller until `shutdown` resolves.
pub async fn run(client: kube::Client, shutdown: impl Future<Output = ()> + Send + Sync + 'static) {
    let objects = Arc::new(ApiObjects::new(client.clone()));
    let results = Controller::new(
        Api::<StatefulSet>::all(client.clone()),
        watcher::Config::default(),
    )
    .owns(Api::<Pod>::all(client), watcher::Config::default())
    .graceful_shutdown_on(shutdown)
    .run(reconcile, shell::retry_later, objects);
    shell::drive("statefulset", results.boxed()).await;
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod api_tests;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod sim;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod writer_tests;
