//! Namespace lifecycle rules enforced by the API server itself (upstream's `NamespaceLifecycle`
//! admission): content needs a live namespace, and the system namespaces always exist.

use serde_json::json;

use berth_api::Registry;
use berth_api::registry::ResourceInfo;
use berth_store::Error as StoreError;

use super::Ctx;
use super::read::store_error;
use crate::objects;
use crate::server::ApiServer;
use crate::status::{ApiError, ApiResult};

fn namespaces() -> &'static ResourceInfo {
    Registry
        .by_plural("", "v1", "namespaces")
        .expect("namespaces are always served")
}

/// Creates namespace `name` unless it exists.
pub(crate) async fn ensure_namespace(srv: &ApiServer, name: &str) -> ApiResult<()> {
    let info = namespaces();
    let key = objects::key(info, None, name);
    if srv.store().get(&key).await.map_err(store_error)?.is_some() {
        return Ok(());
    }
    let now = crate::time::format(srv.now());
    let mut obj = json!({
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": name, "uid": uuid::Uuid::new_v4().to_string(), "creationTimestamp": now},
    });
    // The same defaulting a created namespace gets: its label, finalizer and phase.
    berth_api::defaults::apply_on_create("", "Namespace", &mut obj, &now)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    match srv.store().create(&key, objects::to_store(&obj)?).await {
        Ok(_) | Err(StoreError::AlreadyExists { .. }) => Ok(()),
        Err(e) => Err(store_error(e)),
    }
}

/// New content may only go into a namespace that exists and is not being deleted.
pub(crate) async fn check_namespace_open(
    ctx: &Ctx,
    ns: &str,
    info: &ResourceInfo,
    name: &str,
) -> ApiResult<()> {
    let key = objects::key(namespaces(), None, ns);
    let Some(kv) = ctx.srv.store().get(&key).await.map_err(store_error)? else {
        return Err(ApiError::not_found(namespaces(), ns));
    };
    let namespace = objects::from_store(&kv)?;
    if objects::is_deleting(&namespace) {
        return Err(ApiError::forbidden(
            info,
            name,
            format!(
                "unable to create new content in namespace {ns} because it is being terminated"
            ),
        ));
    }
    Ok(())
}
