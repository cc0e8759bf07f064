//! The writes of a sync and the reads that build its snapshot, behind [`Objects`], and the
//! sync that ties them to [`super::control::sync`].

use std::future::Future;

use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet, StatefulSetStatus};
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, DeleteParams, ListParams, PostParams};

use super::control::{self, Action, Outcome, Snapshot};
use super::status;

/// What can go wrong in one sync of a set.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Listing the set's pods, claims or revisions failed.
    #[error("failed to list the {what} of statefulset {namespace}/{name}")]
    List {
        /// `pods`, `claims` or `revisions`.
        what: &'static str,
        /// The set's namespace.
        namespace: String,
        /// The set.
        name: String,
        /// The API error.
        #[source]
        source: kube::Error,
    },
    /// The algorithm could not run (an unreadable revision).
    #[error(transparent)]
    Control(#[from] control::Error),
    /// A write failed; the writes before it were made.
    #[error("failed to apply {action} for statefulset {namespace}/{name}")]
    Write {
        /// What was being written, e.g. `create pod web-1`.
        action: String,
        /// The set's namespace.
        namespace: String,
        /// The set.
        name: String,
        /// The API error.
        #[source]
        source: kube::Error,
    },
    /// Writing status failed (a conflict retries on the next run).
    #[error("failed to update the status of statefulset {namespace}/{name}")]
    Status {
        /// The set's namespace.
        namespace: String,
        /// The set.
        name: String,
        /// The API error.
        #[source]
        source: kube::Error,
    },
}

/// Reads and writes of one namespace; the seam that keeps [`sync`] free of any transport.
/// Writes carry the `resourceVersion` they were computed from, so a stale one conflicts.
pub trait Objects: Send + Sync + 'static {
    /// Every pod of `namespace`.
    fn pods(&self, namespace: &str) -> impl Future<Output = Result<Vec<Pod>, kube::Error>> + Send;
    /// Every claim of `namespace`.
    fn claims(
        &self,
        namespace: &str,
    ) -> impl Future<Output = Result<Vec<PersistentVolumeClaim>, kube::Error>> + Send;
    /// Every ControllerRevision of `namespace`.
    fn revisions(
        &self,
        namespace: &str,
    ) -> impl Future<Output = Result<Vec<ControllerRevision>, kube::Error>> + Send;
    /// Makes one write in `namespace`.
    fn apply(
        &self,
        namespace: &str,
        action: &Action,
    ) -> impl Future<Output = Result<(), kube::Error>> + Send;
    /// Replaces the set's status.
    fn replace_status(
        &self,
        set: &StatefulSet,
    ) -> impl Future<Output = Result<(), kube::Error>> + Send;
}

/// [`Objects`] over the API.
#[derive(Clone)]
pub struct ApiObjects(kube::Client);

impl ApiObjects {
    /// Objects through `client`.
    pub fn new(client: kube::Client) -> Self {
        Self(client)
    }

    fn api<K>(&self, namespace: &str) -> Api<K>
    where
        K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>,
    {
        Api::namespaced(self.0.clone(), namespace)
    }
}

fn name(meta: &ObjectMeta) -> &str {
    meta.name.as_deref().unwrap_or_default()
}

/// A delete of something already gone has done its job.
fn gone_is_fine<T>(r: Result<T, kube::Error>) -> Result<(), kube::Error> {
    match r {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(()),
        Err(e) => Err(e),
    }
}

impl Objects for ApiObjects {
    async fn pods(&self, namespace: &str) -> Result<Vec<Pod>, kube::Error> {
        Ok(self
            .api::<Pod>(namespace)
            .list(&ListParams::default())
            .await?
            .items)
    }

    async fn claims(&self, namespace: &str) -> Result<Vec<PersistentVolumeClaim>, kube::Error> {
        let api = self.api::<PersistentVolumeClaim>(namespace);
        Ok(api.list(&ListParams::default()).await?.items)
    }

    async fn revisions(&self, namespace: &str) -> Result<Vec<ControllerRevision>, kube::Error> {
        let api = self.api::<ControllerRevision>(namespace);
        Ok(api.list(&ListParams::default()).await?.items)
    }

    async fn apply(&self, namespace: &str, action: &Action) -> Result<(), kube::Error> {
        let pp = PostParams::default();
        let dp = DeleteParams::default();
        match action {
            Action::CreateRevision(r) => self.api(namespace).create(&pp, r).await.map(drop),
            Action::UpdateRevision(r) => self
                .api(namespace)
                .replace(name(&r.metadata), &pp, r)
                .await
                .map(drop),
            Action::DeleteRevision(n) => gone_is_fine(
                self.api::<ControllerRevision>(namespace)
                    .delete(n, &dp)
                    .await,
            ),
            Action::CreateClaim(c) => self.api(namespace).create(&pp, c).await.map(drop),
            Action::UpdateClaim(c) => self
                .api(namespace)
                .replace(name(&c.metadata), &pp, c)
                .await
                .map(drop),
            Action::CreatePod(p) => self.api(namespace).create(&pp, p).await.map(drop),
            Action::UpdatePod(p) => self
                .api(namespace)
                .replace(name(&p.metadata), &pp, p)
                .await
                .map(drop),
            Action::DeletePod(n) => gone_is_fine(self.api::<Pod>(namespace).delete(n, &dp).await),
        }
    }

    async fn replace_status(&self, set: &StatefulSet) -> Result<(), kube::Error> {
        let api = self.api::<StatefulSet>(set.metadata.namespace.as_deref().unwrap_or_default());
        api.replace_status(name(&set.metadata), &PostParams::default(), set)
            .await
            .map(drop)
    }
}

/// A short description of a write, for errors and logs.
pub fn describe(action: &Action) -> String {
    match action {
        Action::CreateRevision(r) => format!("create controllerrevision {}", name(&r.metadata)),
        Action::UpdateRevision(r) => format!("update controllerrevision {}", name(&r.metadata)),
        Action::DeleteRevision(n) => format!("delete controllerrevision {n}"),
        Action::CreateClaim(c) => format!("create claim {}", name(&c.metadata)),
        Action::UpdateClaim(c) => format!("update claim {}", name(&c.metadata)),
        Action::CreatePod(p) => format!("create pod {}", name(&p.metadata)),
        Action::UpdatePod(p) => format!("update pod {}", name(&p.metadata)),
        Action::DeletePod(n) => format!("delete pod {n}"),
    }
}

/// Whether `meta` has a controller reference to the object with `uid`.
fn controlled_by(meta: &ObjectMeta, uid: &str) -> bool {
    meta.owner_references
        .iter()
        .flatten()
        .any(|r| r.controller == Some(true) && r.uid == uid)
}

/// One sync: read the namespace, run the algorithm over the set's own pods and revisions,
/// apply the writes in order up to the first failure, then write status if it changed (also
/// after a failure, as upstream does).
///
/// Only objects already controlled by the set are used; adopting orphans and releasing pods
/// that stopped matching the selector is not done here.
pub async fn sync(
    set: &StatefulSet,
    objects: &impl Objects,
    now: Timestamp,
) -> Result<Outcome, Error> {
    let namespace = set.metadata.namespace.clone().unwrap_or_default();
    let set_name = set.metadata.name.clone().unwrap_or_default();
    let uid = set.metadata.uid.clone().unwrap_or_default();
    let list_err = |what: &'static str| {
        let (namespace, name) = (namespace.clone(), set_name.clone());
        move |source| Error::List {
            what,
            namespace,
            name,
            source,
        }
    };
    let pods = objects.pods(&namespace).await.map_err(list_err("pods"))?;
    let claims = objects
        .claims(&namespace)
        .await
        .map_err(list_err("claims"))?;
    let revisions = objects
        .revisions(&namespace)
        .await
        .map_err(list_err("revisions"))?;
    let pods: Vec<Pod> = pods
        .into_iter()
        .filter(|p| controlled_by(&p.metadata, &uid))
        .collect();
    let (owned, others): (Vec<_>, Vec<_>) = revisions
        .into_iter()
        .partition(|r| controlled_by(&r.metadata, &uid));
    let outcome = control::sync(Snapshot {
        set,
        pods: &pods,
        claims: &claims,
        revisions: &owned,
        other_revisions: &others,
        now,
    })?;
    if let Some(reason) = &outcome.blocked {
        tracing::warn!(%namespace, statefulset = %set_name, %reason, "sync blocked");
    }
    let mut failed = None;
    for action in &outcome.actions {
        if let Err(source) = objects.apply(&namespace, action).await {
            failed = Some(Error::Write {
                action: describe(action),
                namespace: namespace.clone(),
                name: set_name.clone(),
                source,
            });
            break;
        }
        tracing::debug!(%namespace, statefulset = %set_name, action = %describe(action), "applied");
    }
    write_status(set, &outcome.status, objects).await?;
    match failed {
        Some(e) => Err(e),
        None => Ok(outcome),
    }
}

async fn write_status(
    set: &StatefulSet,
    next: &StatefulSetStatus,
    objects: &impl Objects,
) -> Result<(), Error> {
    if !status::changed(set.status.as_ref(), next) {
        return Ok(());
    }
    let mut updated = set.clone();
    updated.status = Some(next.clone());
    objects
        .replace_status(&updated)
        .await
        .map_err(|source| Error::Status {
            namespace: set.metadata.namespace.clone().unwrap_or_default(),
            name: set.metadata.name.clone().unwrap_or_default(),
            source,
        })
}
