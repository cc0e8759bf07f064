//! Garbage collection (upstream `pkg/controller/garbagecollector`): objects whose
//! `metadata.ownerReferences` all name owners that no longer exist are deleted, owners deleted
//! with `propagationPolicy=Orphan` first have their references stripped from their dependents,
//! and owners deleted with `propagationPolicy=Foreground` wait until their dependents are gone.
//!
//! Instead of upstream's watch-fed graph, every [`RESYNC`] (when anything was written since) the
//! collector lists every served type, page by page, and plans over that snapshot ([`plan`]). The lists of one snapshot are taken moments apart,
//! so nothing is done on a single list's word: an owner's absence is confirmed by a live read
//! before anything is deleted for it, and an owner's finalizer is released only when a second
//! snapshot agrees (see [`sync`]).

mod api;
mod graph;

pub use api::ApiCluster;
pub use graph::{Action, FOREGROUND, ORPHAN, Object, OwnerLookup, Policy, plan, without_owners};

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::namespace::ResourceType;

/// How often the collector takes a new snapshot. Waiting owners are re-checked at this pace too.
pub const RESYNC: Duration = Duration::from_millis(500);

/// What can go wrong in one pass of the collector.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Discovery of the served resource types failed.
    #[error("failed to discover the served resource types")]
    Discover(#[source] kube::Error),
    /// Listing one type failed.
    #[error("failed to list {resource}")]
    List {
        /// The resource type (`plural.group`).
        resource: String,
        /// The API error.
        #[source]
        source: kube::Error,
    },
    /// A read or write on one object failed.
    #[error("failed to {what} {resource} {name}")]
    Write {
        /// What was being done.
        what: &'static str,
        /// The resource type (`plural.group`).
        resource: String,
        /// The object's name.
        name: String,
        /// The API error.
        #[source]
        source: kube::Error,
    },
}

/// Discovery, lists and the collector's writes: the seam that keeps [`sync`] free of any
/// transport. Writes carry the object's uid or resourceVersion as a precondition; a conflict or
/// a missing object is reported as an error and sorted out by the next pass.
pub trait Cluster: Send + Sync + 'static {
    /// Every resource type the API serves (preferred versions).
    fn resource_types(&self)
    -> impl Future<Output = Result<Vec<ResourceType>, kube::Error>> + Send;
    /// The metadata of every object of `resource`, across namespaces.
    fn list(
        &self,
        resource: &ResourceType,
    ) -> impl Future<
        Output = Result<
            Vec<k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta>,
            kube::Error,
        >,
    > + Send;
    /// The uid of the object `name` of `resource` in `namespace`, if it exists.
    fn uid_of(
        &self,
        resource: &ResourceType,
        namespace: Option<&str>,
        name: &str,
    ) -> impl Future<Output = Result<Option<String>, kube::Error>> + Send;
    /// `DELETE` of `object` with `policy`, on the condition that its uid is unchanged.
    fn delete(
        &self,
        object: &Object,
        policy: Policy,
    ) -> impl Future<Output = Result<(), kube::Error>> + Send;
    /// Sets `object`'s owner references to `refs` at its listed resourceVersion.
    fn set_owners(
        &self,
        object: &Object,
        refs: Option<Vec<k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference>>,
    ) -> impl Future<Output = Result<(), kube::Error>> + Send;
    /// Sets `object`'s finalizers to `finalizers` at its listed resourceVersion.
    fn set_finalizers(
        &self,
        object: &Object,
        finalizers: Option<Vec<String>>,
    ) -> impl Future<Output = Result<(), kube::Error>> + Send;
}

/// The types the collector looks at: those whose objects can be listed and deleted.
fn collectable(t: &ResourceType) -> bool {
    t.supports("list") && t.supports("delete") && t.supports("patch")
}

/// Lists every collectable type into a snapshot.
pub async fn snapshot(
    cluster: &impl Cluster,
) -> Result<(Vec<Arc<ResourceType>>, Vec<Object>), Error> {
    let types: Vec<Arc<ResourceType>> = cluster
        .resource_types()
        .await
        .map_err(Error::Discover)?
        .into_iter()
        .filter(collectable)
        .map(Arc::new)
        .collect();
    let mut objects = Vec::new();
    for t in &types {
        let metas = cluster.list(t).await.map_err(|source| Error::List {
            resource: t.qualified(),
            source,
        })?;
        objects.extend(metas.into_iter().map(|meta| Object {
            resource: Arc::clone(t),
            meta,
        }));
    }
    Ok((types, objects))
}

/// Whether every owner in `lookups` is really gone (no object by that name, or another uid).
async fn all_absent(cluster: &impl Cluster, lookups: &[OwnerLookup]) -> Result<bool, Error> {
    for l in lookups {
        let uid = cluster
            .uid_of(&l.resource, l.namespace.as_deref(), &l.name)
            .await
            .map_err(|source| Error::Write {
                what: "read",
                resource: l.resource.qualified(),
                name: l.name.clone(),
                source,
            })?;
        if uid.as_deref() == Some(l.uid.as_str()) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Carries out one action. Returns whether a write was made.
pub async fn apply(cluster: &impl Cluster, action: &Action) -> Result<bool, Error> {
    let (what, object, result) = match action {
        Action::Delete {
            object,
            policy,
            confirm_absent,
        } => {
            if !all_absent(cluster, confirm_absent).await? {
                return Ok(false);
            }
            ("delete", object, cluster.delete(object, *policy).await)
        }
        Action::RemoveOwners {
            object,
            uids,
            confirm_absent,
        } => {
            if !all_absent(cluster, confirm_absent).await? {
                return Ok(false);
            }
            let refs = without_owners(
                object.meta.owner_references.as_deref().unwrap_or_default(),
                uids,
            );
            (
                "update owner references of",
                object,
                cluster.set_owners(object, refs).await,
            )
        }
        Action::RemoveFinalizer { object, finalizer } => {
            let mut meta = object.meta.clone();
            crate::finalizers::remove(&mut meta, finalizer);
            (
                "remove a finalizer from",
                object,
                cluster.set_finalizers(object, meta.finalizers).await,
            )
        }
    };
    match result {
        Ok(()) => Ok(true),
        // Already gone: nothing left to do for it.
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(false),
        Err(source) => Err(Error::Write {
            what,
            resource: object.resource.qualified(),
            name: object.meta.name.clone().unwrap_or_default(),
            source,
        }),
    }
}

/// One pass: snapshot, plan, apply. Every action is tried even when one fails; the first
/// failure is returned. Returns how many writes were made.
///
/// An owner's finalizer is released only if a second snapshot, whose lists all start after the
/// first one saw the owner, agrees: a dependent created just before the owner's deletion may be
/// missing from a list taken before the owner's, and must not be left with its reference.
pub async fn sync(cluster: &impl Cluster) -> Result<usize, Error> {
    let (types, objects) = snapshot(cluster).await?;
    let (releases, rest): (Vec<Action>, Vec<Action>) = plan(&types, &objects)
        .into_iter()
        .partition(|a| matches!(a, Action::RemoveFinalizer { .. }));
    let mut writes = 0;
    let mut failure = None;
    let mut run = |r: Result<bool, Error>| match r {
        Ok(true) => writes += 1,
        Ok(false) => {}
        Err(e) => {
            failure.get_or_insert(e);
        }
    };
    for action in &rest {
        run(apply(cluster, action).await);
    }
    if !releases.is_empty() {
        let (types, objects) = snapshot(cluster).await?;
        for action in plan(&types, &objects)
            .iter()
            .filter(|a| releases.iter().any(|r| same_release(r, a)))
        {
            run(apply(cluster, action).await);
        }
    }
    failure.map_or(Ok(writes), Err)
}

/// Whether `a` and `b` release the same finalizer from the same object.
fn same_release(a: &Action, b: &Action) -> bool {
    match (a, b) {
        (
            Action::RemoveFinalizer {
                object: x,
                finalizer: f,
            },
            Action::RemoveFinalizer {
                object: y,
                finalizer: g,
            },
        ) => f == g && x.meta.uid == y.meta.uid,
        _ => false,
    }
}

/// The store's current revision, read with the smallest list there is: every list answers
/// with it, and it moves on every write anywhere.
async fn current_revision(client: &kube::Client) -> Option<String> {
    let api: kube::Api<k8s_openapi::api::core::v1::Namespace> = kube::Api::all(client.clone());
    let list = api
        .list(&kube::api::ListParams::default().limit(1))
        .await
        .ok()?;
    list.metadata.resource_version
}

/// Runs the collector until `shutdown` resolves.
///
/// A pass is skipped while nothing was written anywhere since a pass that found nothing to do
/// (the same state gives the same plan), and passes are spaced by at least four times their own
/// duration, so the collector never takes more than a fifth of a core however many objects the
/// store holds.
pub async fn run(client: kube::Client, shutdown: impl Future<Output = ()> + Send + Sync + 'static) {
    let cluster = ApiCluster::new(client.clone());
    tracing::info!(controller = "garbage-collector", "controller started");
    let mut shutdown = std::pin::pin!(shutdown);
    let mut settled_at: Option<String> = None;
    loop {
        let started = std::time::Instant::now();
        let revision = current_revision(&client).await;
        if revision.is_none() || revision != settled_at {
            tokio::select! {
                () = &mut shutdown => break,
                r = sync(&cluster) => match r {
                    Ok(0) => settled_at = revision,
                    Ok(n) => {
                        settled_at = None;
                        tracing::debug!(controller = "garbage-collector", writes = n, "collected");
                    }
                    Err(e) => {
                        settled_at = None;
                        tracing::warn!(controller = "garbage-collector", error = %e, "collection failed; retrying");
                    }
                },
            }
        }
        let pause = RESYNC.max(started.elapsed() * 4);
        tokio::select! {
            () = &mut shutdown => break,
            () = tokio::time::sleep(pause) => {}
        }
    }
    tracing::info!(controller = "garbage-collector", "controller stopped");
}

#[cfg(test)]
// Tests fail loudly on anything unexpected.
#[allow(clippy::unwrap_used)]
mod tests;
