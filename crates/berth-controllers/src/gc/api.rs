//! [`Cluster`] over the API: aggregated discovery, dynamic lists, preconditioned deletes and
//! merge patches pinned to the listed resourceVersion.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kube::api::{
    Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, Preconditions,
    PropagationPolicy,
};
use kube::core::GroupVersionKind;
use kube::discovery::ApiResource;
use serde_json::json;

use super::{Cluster, Object, Policy};
use crate::namespace::{ApiContent, Content, ResourceType};

/// [`Cluster`] through a [`kube::Client`].
#[derive(Clone)]
pub struct ApiCluster(kube::Client);

impl ApiCluster {
    /// The cluster behind `client`.
    pub fn new(client: kube::Client) -> Self {
        Self(client)
    }

    fn api(&self, r: &ResourceType, namespace: Option<&str>) -> Api<DynamicObject> {
        let gvk = GroupVersionKind::gvk(&r.group, &r.version, &r.kind);
        let ar = ApiResource::from_gvk_with_plural(&gvk, &r.plural);
        match namespace {
            Some(ns) if r.namespaced => Api::namespaced_with(self.0.clone(), ns, &ar),
            _ => Api::all_with(self.0.clone(), &ar),
        }
    }

    fn object_api(&self, o: &Object) -> Api<DynamicObject> {
        self.api(&o.resource, o.meta.namespace.as_deref())
    }

    /// A merge patch of `metadata` fields, rejected with a conflict if the object changed since
    /// it was listed.
    async fn patch_meta(
        &self,
        o: &Object,
        field: &str,
        value: serde_json::Value,
    ) -> Result<(), kube::Error> {
        let name = o.meta.name.as_deref().unwrap_or_default();
        let body = json!({"metadata": {
            "resourceVersion": o.meta.resource_version,
            "uid": o.meta.uid,
            field: value,
        }});
        self.object_api(o)
            .patch(name, &PatchParams::default(), &Patch::Merge(body))
            .await
            .map(drop)
    }
}

/// Objects per list request.
const PAGE: u32 = 500;

impl Cluster for ApiCluster {
    async fn resource_types(&self) -> Result<Vec<ResourceType>, kube::Error> {
        ApiContent::new(self.0.clone()).resource_types().await
    }

    async fn list(&self, r: &ResourceType) -> Result<Vec<ObjectMeta>, kube::Error> {
        // Paged, so that a type with many objects never sits in memory whole: only the
        // metadata of each page is kept.
        let api = self.api(r, None);
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut params = ListParams::default().limit(PAGE);
            if let Some(t) = &token {
                params = params.continue_token(t);
            }
            let page = api.list(&params).await?;
            // The collector reads identity, owners, finalizers and deletion state only; the
            // rest of the metadata (managed fields above all) would multiply its memory.
            out.extend(page.items.into_iter().map(|o| {
                let mut meta = o.metadata;
                meta.managed_fields = None;
                meta.annotations = None;
                meta.labels = None;
                meta
            }));
            match page.metadata.continue_ {
                Some(t) if !t.is_empty() => token = Some(t),
                _ => return Ok(out),
            }
        }
    }

    async fn uid_of(
        &self,
        r: &ResourceType,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Option<String>, kube::Error> {
        if r.namespaced && namespace.is_none() {
            return Ok(None);
        }
        let found = self.api(r, namespace).get_opt(name).await?;
        Ok(found.and_then(|o| o.metadata.uid))
    }

    async fn delete(&self, o: &Object, policy: Policy) -> Result<(), kube::Error> {
        let name = o.meta.name.as_deref().unwrap_or_default();
        let dp = DeleteParams {
            propagation_policy: Some(match policy {
                Policy::Background => PropagationPolicy::Background,
                Policy::Foreground => PropagationPolicy::Foreground,
                Policy::Orphan => PropagationPolicy::Orphan,
            }),
            preconditions: Some(Preconditions {
                uid: o.meta.uid.clone(),
                resource_version: None,
            }),
            ..DeleteParams::default()
        };
        self.object_api(o).delete(name, &dp).await.map(drop)
    }

    async fn set_owners(
        &self,
        o: &Object,
        refs: Option<Vec<OwnerReference>>,
    ) -> Result<(), kube::Error> {
        self.patch_meta(o, "ownerReferences", json!(refs)).await
    }

    async fn set_finalizers(
        &self,
        o: &Object,
        finalizers: Option<Vec<String>>,
    ) -> Result<(), kube::Error> {
        self.patch_meta(o, "finalizers", json!(finalizers)).await
    }
}
