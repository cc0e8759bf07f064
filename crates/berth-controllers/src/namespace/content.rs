//! [`Content`] over the API: aggregated discovery and dynamic objects.

use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, PostParams};
use kube::core::GroupVersionKind;
use kube::discovery::{ApiResource, Discovery, Scope};

use super::{Content, ResourceType};

/// [`Content`] through a [`kube::Client`].
#[derive(Clone)]
pub struct ApiContent(kube::Client);

impl ApiContent {
    /// Content through `client`.
    pub fn new(client: kube::Client) -> Self {
        Self(client)
    }

    fn api(&self, namespace: &str, r: &ResourceType) -> Api<DynamicObject> {
        let gvk = GroupVersionKind::gvk(&r.group, &r.version, &r.kind);
        let ar = ApiResource::from_gvk_with_plural(&gvk, &r.plural);
        Api::namespaced_with(self.0.clone(), namespace, &ar)
    }
}

/// Deleted objects' dependents are left to the garbage collector, as upstream's deleter asks.
fn background() -> DeleteParams {
    DeleteParams::background()
}

impl Content for ApiContent {
    async fn resource_types(&self) -> Result<Vec<ResourceType>, kube::Error> {
        let discovery = Discovery::new(self.0.clone()).run_aggregated().await?;
        Ok(discovery
            .groups()
            .flat_map(|g| g.recommended_resources())
            .map(|(ar, caps)| ResourceType {
                group: ar.group,
                version: ar.version,
                kind: ar.kind,
                plural: ar.plural,
                namespaced: caps.scope == Scope::Namespaced,
                verbs: caps.operations,
            })
            .collect())
    }

    async fn delete_collection(
        &self,
        namespace: &str,
        r: &ResourceType,
    ) -> Result<(), kube::Error> {
        self.api(namespace, r)
            .delete_collection(&background(), &ListParams::default())
            .await
            .map(drop)
    }

    async fn list(&self, namespace: &str, r: &ResourceType) -> Result<Vec<String>, kube::Error> {
        let list = self.api(namespace, r).list(&ListParams::default()).await?;
        Ok(list
            .items
            .into_iter()
            .filter_map(|o| o.metadata.name)
            .collect())
    }

    async fn delete(
        &self,
        namespace: &str,
        r: &ResourceType,
        name: &str,
    ) -> Result<(), kube::Error> {
        self.api(namespace, r)
            .delete(name, &background())
            .await
            .map(drop)
    }

    async fn finalize(&self, ns: &Namespace) -> Result<(), kube::Error> {
        let name = ns.metadata.name.as_deref().unwrap_or_default();
        Api::<Namespace>::all(self.0.clone())
            .replace_subresource("finalize", name, &PostParams::default(), ns)
            .await
            .map(drop)
    }
}
