//! PV protection (upstream `pkg/controller/volume/pvprotection`): a PersistentVolume being
//! deleted keeps its `kubernetes.io/pv-protection` finalizer while it is bound to a claim, and
//! loses it once it is not, so the API server can remove it.

mod control;

pub use control::{Decision, FINALIZER, decide, is_being_used};

use std::future::Future;
use std::sync::Arc;

use futures::StreamExt;
use k8s_openapi::api::core::v1::PersistentVolume;
use kube::api::{Api, PostParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::watcher;

use crate::{finalizers, shell};

/// What can go wrong while reconciling one volume.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Writing the volume's finalizers back failed (a conflict retries on the next run).
    #[error("failed to update the finalizers of persistent volume {name}")]
    Update {
        /// The volume.
        name: String,
        /// The API error.
        #[source]
        source: kube::Error,
    },
}

/// Writes persistent volumes; the seam that keeps [`sync`] free of any transport.
pub trait Volumes: Send + Sync + 'static {
    /// Replaces `pv` (carrying its `resourceVersion`, so a stale copy conflicts).
    fn replace(
        &self,
        pv: &PersistentVolume,
    ) -> impl Future<Output = Result<(), kube::Error>> + Send;
}

/// [`Volumes`] over the API.
#[derive(Clone)]
pub struct ApiVolumes(Api<PersistentVolume>);

impl ApiVolumes {
    /// Volumes through `client`.
    pub fn new(client: kube::Client) -> Self {
        Self(Api::all(client))
    }
}

impl Volumes for ApiVolumes {
    async fn replace(&self, pv: &PersistentVolume) -> Result<(), kube::Error> {
        let name = pv.metadata.name.as_deref().unwrap_or_default();
        self.0
            .replace(name, &PostParams::default(), pv)
            .await
            .map(drop)
    }
}

/// One reconcile: decide from the volume alone, then write the finalizer change, if any.
pub async fn sync(pv: &PersistentVolume, volumes: &impl Volumes) -> Result<Decision, Error> {
    let decision = decide(pv);
    let mut next = pv.clone();
    match decision {
        Decision::Nothing | Decision::Keep => return Ok(decision),
        Decision::AddFinalizer => finalizers::add(&mut next.metadata, FINALIZER),
        Decision::RemoveFinalizer => finalizers::remove(&mut next.metadata, FINALIZER),
    }
    match volumes.replace(&next).await {
        Ok(()) => {
            tracing::debug!(volume = %pv.metadata.name.as_deref().unwrap_or_default(), ?decision, "updated finalizers");
            Ok(decision)
        }
        // Gone already: nothing left to protect.
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(Decision::Nothing),
        Err(source) => Err(Error::Update {
            name: pv.metadata.name.clone().unwrap_or_default(),
            source,
        }),
    }
}

async fn reconcile(pv: Arc<PersistentVolume>, volumes: Arc<ApiVolumes>) -> Result<Action, Error> {
    sync(&pv, volumes.as_ref()).await?;
    // Level-triggered: every change to the volume (its phase, its deletion) runs this again.
    Ok(Action::await_change())
}

/// Runs the controller until `shutdown` resolves.
pub async fn run(client: kube::Client, shutdown: impl Future<Output = ()> + Send + Sync + 'static) {
    let volumes = Arc::new(ApiVolumes::new(client.clone()));
    let results = Controller::new(
        Api::<PersistentVolume>::all(client),
        watcher::Config::default(),
    )
    .graceful_shutdown_on(shutdown)
    .run(reconcile, shell::retry_later, volumes);
    shell::drive("pv-protection", results.boxed()).await;
}

#[cfg(test)]
// Tests fail loudly on anything unexpected.
#[allow(clippy::unwrap_used)]
mod tests;
