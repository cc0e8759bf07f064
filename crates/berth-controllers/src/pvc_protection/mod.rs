//! PVC protection (upstream `pkg/controller/volume/pvcprotection`): a PersistentVolumeClaim
//! being deleted keeps its `kubernetes.io/pvc-protection` finalizer while a scheduled pod uses
//! it, and loses it once none does, so the API server can remove it. Pods are watched too, so a
//! claim is released as soon as its last pod goes.

mod control;

pub use control::{
    Decision, FINALIZER, claims_of, decide, ephemeral_claim_name, needs_pods, pod_uses_claim,
};

use std::future::Future;
use std::sync::Arc;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use kube::api::{Api, ListParams, PostParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;

use crate::{finalizers, shell};

/// What can go wrong while reconciling one claim.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Listing the pods of the claim's namespace failed.
    #[error("failed to list the pods of namespace {namespace}")]
    ListPods {
        /// The claim's namespace.
        namespace: String,
        /// The API error.
        #[source]
        source: kube::Error,
    },
    /// Writing the claim's finalizers back failed (a conflict retries on the next run).
    #[error("failed to update the finalizers of persistent volume claim {namespace}/{name}")]
    Update {
        /// The claim's namespace.
        namespace: String,
        /// The claim.
        name: String,
        /// The API error.
        #[source]
        source: kube::Error,
    },
}

/// Reads pods and writes claims; the seam that keeps [`sync`] free of any transport.
pub trait Claims: Send + Sync + 'static {
    /// Every pod of `namespace`, read from the API rather than a cache: releasing a claim on
    /// a stale view could let a pod lose its volume.
    fn pods(&self, namespace: &str) -> impl Future<Output = Result<Vec<Pod>, kube::Error>> + Send;
    /// Replaces `claim` (carrying its `resourceVersion`, so a stale copy conflicts).
    fn replace(
        &self,
        claim: &PersistentVolumeClaim,
    ) -> impl Future<Output = Result<(), kube::Error>> + Send;
}

/// [`Claims`] over the API.
#[derive(Clone)]
pub struct ApiClaims(kube::Client);

impl ApiClaims {
    /// Claims and pods through `client`.
    pub fn new(client: kube::Client) -> Self {
        Self(client)
    }
}

impl Claims for ApiClaims {
    async fn pods(&self, namespace: &str) -> Result<Vec<Pod>, kube::Error> {
        let pods: Api<Pod> = Api::namespaced(self.0.clone(), namespace);
        Ok(pods.list(&ListParams::default()).await?.items)
    }

    async fn replace(&self, claim: &PersistentVolumeClaim) -> Result<(), kube::Error> {
        let namespace = claim.metadata.namespace.as_deref().unwrap_or_default();
        let name = claim.metadata.name.as_deref().unwrap_or_default();
        let claims: Api<PersistentVolumeClaim> = Api::namespaced(self.0.clone(), namespace);
        claims
            .replace(name, &PostParams::default(), claim)
            .await
            .map(drop)
    }
}

/// One reconcile: read the pods if the claim may be released, decide, write the change.
pub async fn sync(claim: &PersistentVolumeClaim, claims: &impl Claims) -> Result<Decision, Error> {
    let namespace = claim.metadata.namespace.clone().unwrap_or_default();
    let name = claim.metadata.name.clone().unwrap_or_default();
    let pods = if needs_pods(claim) {
        claims
            .pods(&namespace)
            .await
            .map_err(|source| Error::ListPods {
                namespace: namespace.clone(),
                source,
            })?
    } else {
        Vec::new()
    };
    let decision = decide(claim, &pods);
    let mut next = claim.clone();
    match decision {
        Decision::Nothing => return Ok(decision),
        Decision::Keep => {
            tracing::debug!(%namespace, claim = %name, "keeping claim: a pod uses it");
            return Ok(decision);
        }
        Decision::AddFinalizer => finalizers::add(&mut next.metadata, FINALIZER),
        Decision::RemoveFinalizer => finalizers::remove(&mut next.metadata, FINALIZER),
    }
    match claims.replace(&next).await {
        Ok(()) => {
            tracing::debug!(%namespace, claim = %name, ?decision, "updated finalizers");
            Ok(decision)
        }
        // Gone already: nothing left to protect.
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(Decision::Nothing),
        Err(source) => Err(Error::Update {
            namespace,
            name,
            source,
        }),
    }
}

async fn reconcile(
    claim: Arc<PersistentVolumeClaim>,
    claims: Arc<ApiClaims>,
) -> Result<Action, Error> {
    sync(&claim, claims.as_ref()).await?;
    // Level-triggered: a change to the claim or to any pod naming it runs this again.
    Ok(Action::await_change())
}

/// The claims a pod event may settle.
fn claim_refs(pod: &Pod) -> Vec<ObjectRef<PersistentVolumeClaim>> {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
    claims_of(pod)
        .iter()
        .map(|name| ObjectRef::new(name).within(namespace))
        .collect()
}

/// Runs the controller until `shutdown` resolves.
pub async fn run(client: kube::Client, shutdown: impl Future<Output = ()> + Send + Sync + 'static) {
    let claims = Arc::new(ApiClaims::new(client.clone()));
    let results = Controller::new(
        Api::<PersistentVolumeClaim>::all(client.clone()),
        watcher::Config::default(),
    )
    .watches(Api::<Pod>::all(client), watcher::Config::default(), |pod| {
        claim_refs(&pod)
    })
    .graceful_shutdown_on(shutdown)
    .run(reconcile, shell::retry_later, claims);
    shell::drive("pvc-protection", results.boxed()).await;
}

#[cfg(test)]
// Tests fail loudly on anything unexpected.
#[allow(clippy::unwrap_used)]
mod tests;
