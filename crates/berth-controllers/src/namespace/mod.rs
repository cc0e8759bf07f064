//! Namespace deletion (upstream `pkg/controller/namespace`): once a namespace is marked for
//! deletion, delete everything in it — pods first, then every other namespaced type discovery
//! reports — and when nothing is left, release the namespace's `kubernetes` finalizer through
//! `/finalize`, after which the API server removes it. Content held by finalizers (a claim
//! still in use, say) keeps the namespace until it goes, re-checked every [`RECHECK`].

mod content;
mod control;

pub use content::ApiContent;
pub use control::{FINALIZER, Plan, ResourceType, finalized, plan, waves};

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::Api;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::watcher;

use crate::shell;

/// How soon a namespace whose content is still going away is looked at again. Nothing about
/// the namespace itself changes meanwhile, so only this timer brings it back.
pub const RECHECK: Duration = Duration::from_secs(1);

/// What can go wrong while draining one namespace.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Discovery of the served resource types failed.
    #[error("failed to discover the served resource types")]
    Discover(#[source] kube::Error),
    /// Deleting or listing the objects of one type failed.
    #[error("failed to delete the {resource} in namespace {namespace}")]
    Delete {
        /// The namespace being drained.
        namespace: String,
        /// The resource type (`plural.group`).
        resource: String,
        /// The API error.
        #[source]
        source: kube::Error,
    },
    /// `PUT …/finalize` failed (a conflict retries on the next run).
    #[error("failed to finalize namespace {namespace}")]
    Finalize {
        /// The namespace.
        namespace: String,
        /// The API error.
        #[source]
        source: kube::Error,
    },
}

/// Where a drained namespace stands after one reconcile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Not being deleted, or no longer this controller's to finish.
    Nothing,
    /// Objects remain (being deleted, or held by finalizers): `(resource, how many)`.
    Remaining(Vec<(String, usize)>),
    /// Empty; the `kubernetes` finalizer was released.
    Finalized,
}

/// Discovery, deletes and `/finalize`: the seam that keeps [`sync`] free of any transport.
pub trait Content: Send + Sync + 'static {
    /// Every resource type the API serves (preferred versions).
    fn resource_types(&self)
    -> impl Future<Output = Result<Vec<ResourceType>, kube::Error>> + Send;
    /// `DELETE` on the collection of `resource` in `namespace`.
    fn delete_collection(
        &self,
        namespace: &str,
        resource: &ResourceType,
    ) -> impl Future<Output = Result<(), kube::Error>> + Send;
    /// The names of the objects of `resource` left in `namespace`.
    fn list(
        &self,
        namespace: &str,
        resource: &ResourceType,
    ) -> impl Future<Output = Result<Vec<String>, kube::Error>> + Send;
    /// `DELETE` on one object.
    fn delete(
        &self,
        namespace: &str,
        resource: &ResourceType,
        name: &str,
    ) -> impl Future<Output = Result<(), kube::Error>> + Send;
    /// `PUT /api/v1/namespaces/{name}/finalize` with `ns` (see [`finalized`]).
    fn finalize(&self, ns: &Namespace) -> impl Future<Output = Result<(), kube::Error>> + Send;
}

/// Not served for this type after all (upstream treats both codes as "unsupported").
fn unsupported(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Api(s) if s.code == 404 || s.code == 405)
}

/// Empties `resource` in `namespace` (the collection at once where supported, else item by item)
/// and returns how many objects are still there.
async fn drain_type(
    content: &impl Content,
    namespace: &str,
    resource: &ResourceType,
) -> Result<usize, kube::Error> {
    let mut each = !resource.supports("deletecollection");
    if !each {
        match content.delete_collection(namespace, resource).await {
            Ok(()) => {}
            Err(e) if unsupported(&e) => each = true,
            Err(e) => return Err(e),
        }
    }
    let listable = resource.supports("list");
    if each && listable {
        for name in content.list(namespace, resource).await? {
            match content.delete(namespace, resource, &name).await {
                Ok(()) => {}
                Err(kube::Error::Api(s)) if s.code == 404 => {}
                Err(e) => return Err(e),
            }
        }
    }
    if !listable {
        return Ok(0);
    }
    match content.list(namespace, resource).await {
        Ok(left) => Ok(left.len()),
        Err(e) if unsupported(&e) => Ok(0),
        Err(e) => Err(e),
    }
}

/// One reconcile of namespace `ns`: drain it wave by wave and finalize it once empty.
///
/// Every type of a wave is tried even when one fails, so one broken type does not hold up the
/// rest; the first failure is returned after the wave.
pub async fn sync(ns: &Namespace, content: &impl Content) -> Result<Outcome, Error> {
    if plan(ns) == Plan::Nothing {
        return Ok(Outcome::Nothing);
    }
    let name = ns.metadata.name.clone().unwrap_or_default();
    let types = content.resource_types().await.map_err(Error::Discover)?;
    for wave in waves(&types) {
        let mut remaining = Vec::new();
        let mut failure = None;
        for resource in &wave {
            match drain_type(content, &name, resource).await {
                Ok(0) => {}
                Ok(n) => remaining.push((resource.qualified(), n)),
                Err(source) => {
                    tracing::warn!(namespace = %name, resource = %resource.qualified(), error = %source, "cannot delete namespace content");
                    failure.get_or_insert(Error::Delete {
                        namespace: name.clone(),
                        resource: resource.qualified(),
                        source,
                    });
                }
            }
        }
        if let Some(e) = failure {
            return Err(e);
        }
        if !remaining.is_empty() {
            return Ok(Outcome::Remaining(remaining));
        }
    }
    match content.finalize(&finalized(ns)).await {
        Ok(()) => Ok(Outcome::Finalized),
        // Someone finished it already.
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(Outcome::Finalized),
        Err(source) => Err(Error::Finalize {
            namespace: name,
            source,
        }),
    }
}

async fn reconcile(ns: Arc<Namespace>, content: Arc<ApiContent>) -> Result<Action, Error> {
    match sync(&ns, content.as_ref()).await? {
        Outcome::Remaining(left) => {
            tracing::debug!(namespace = %ns.metadata.name.as_deref().unwrap_or_default(), ?left, "content remains");
            Ok(Action::requeue(RECHECK))
        }
        Outcome::Nothing | Outcome::Finalized => Ok(Action::await_change()),
    }
}

/// Runs the controller until `shutdown` resolves.
pub async fn run(client: kube::Client, shutdown: impl Future<Output = ()> + Send + Sync + 'static) {
    let content = Arc::new(ApiContent::new(client.clone()));
    let results = Controller::new(Api::<Namespace>::all(client), watcher::Config::default())
        .graceful_shutdown_on(shutdown)
        .run(reconcile, shell::retry_later, content);
    shell::drive("namespace", results.boxed()).await;
}

#[cfg(test)]
// Tests fail loudly on anything unexpected.
#[allow(clippy::unwrap_used)]
mod tests;
