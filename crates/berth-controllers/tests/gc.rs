//! The garbage collector against the real API server, in-process over the memory store: the
//! three propagation policies of `DELETE` on an owner.

// Tests fail loudly on anything unexpected.
#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::Client;
use kube::api::{Api, DeleteParams, PostParams};
use serde_json::json;
use tokio::sync::watch;

use berth_apiserver::{ApiServer, Config, SystemClock};
use berth_store::MemoryStore;

const DEADLINE: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(20);

async fn start() -> (Client, watch::Sender<bool>) {
    let srv = ApiServer::new(
        Arc::new(MemoryStore::new()),
        Config {
            server_address: "127.0.0.1:0".into(),
            admin_tokens: vec!["t".into()],
            clock: Arc::new(SystemClock),
        },
    );
    srv.bootstrap().await.unwrap();
    let client = Client::new(srv.internal_router(), "default");
    let (stop, rx) = watch::channel(false);
    tokio::spawn(berth_controllers::run(client.clone(), rx));
    (client, stop)
}

/// Polls `check` until it yields a value or the deadline passes.
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// A deployment `web` and a config map `settings` it owns (blocking its deletion).
async fn owner_and_dependent(client: &Client) -> (Api<Deployment>, Api<ConfigMap>, String) {
    let deploys: Api<Deployment> = Api::default_namespaced(client.clone());
    let cms: Api<ConfigMap> = Api::default_namespaced(client.clone());
    let pp = PostParams::default();
    let d: Deployment = serde_json::from_value(json!({
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": "busybox"}]},
            },
        },
    }))
    .unwrap();
    let uid = deploys.create(&pp, &d).await.unwrap().metadata.uid.unwrap();
    let cm: ConfigMap = serde_json::from_value(json!({
        "metadata": {"name": "settings", "ownerReferences": [{
            "apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": uid,
            "blockOwnerDeletion": true,
        }]},
        "data": {"k": "v"},
    }))
    .unwrap();
    cms.create(&pp, &cm).await.unwrap();
    (deploys, cms, uid)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn background_deletion_collects_the_dependent() {
    let (client, _stop) = start().await;
    let (deploys, cms, _) = owner_and_dependent(&client).await;
    // An unowned config map is never collected.
    cms.create(
        &PostParams::default(),
        &serde_json::from_value(json!({"metadata": {"name": "free"}})).unwrap(),
    )
    .await
    .unwrap();
    deploys
        .delete("web", &DeleteParams::default())
        .await
        .unwrap();
    assert!(deploys.get_opt("web").await.unwrap().is_none());
    eventually("the dependent to be collected", || async {
        cms.get_opt("settings")
            .await
            .unwrap()
            .is_none()
            .then_some(())
    })
    .await;
    assert!(cms.get_opt("free").await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orphan_deletion_keeps_the_dependent_without_its_reference() {
    let (client, _stop) = start().await;
    let (deploys, cms, _) = owner_and_dependent(&client).await;
    deploys
        .delete("web", &DeleteParams::orphan())
        .await
        .unwrap();
    eventually("the owner to go", || async {
        deploys
            .get_opt("web")
            .await
            .unwrap()
            .is_none()
            .then_some(())
    })
    .await;
    let cm = cms.get("settings").await.unwrap();
    assert_eq!(cm.metadata.owner_references.unwrap_or_default(), vec![]);
    // Nothing collects it later either.
    tokio::time::sleep(berth_controllers::gc::RESYNC * 3).await;
    assert!(cms.get_opt("settings").await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreground_deletion_waits_for_the_dependent() {
    let (client, _stop) = start().await;
    let (deploys, cms, uid) = owner_and_dependent(&client).await;
    // A finalizer the collector does not own keeps the dependent, and so the owner, around.
    let mut cm = cms.get("settings").await.unwrap();
    cm.metadata.finalizers = Some(vec!["example.com/hold".into()]);
    cms.replace("settings", &PostParams::default(), &cm)
        .await
        .unwrap();

    deploys
        .delete("web", &DeleteParams::foreground())
        .await
        .unwrap();
    let held = eventually("the dependent to be deleted", || async {
        let cm = cms.get("settings").await.unwrap();
        cm.metadata.deletion_timestamp.is_some().then_some(cm)
    })
    .await;
    let d = deploys.get("web").await.unwrap();
    assert_eq!(d.metadata.uid.as_deref(), Some(uid.as_str()));
    assert!(d.metadata.deletion_timestamp.is_some());
    assert!(
        d.metadata
            .finalizers
            .iter()
            .flatten()
            .any(|f| f == "foregroundDeletion")
    );

    let mut cm = held;
    cm.metadata.finalizers = None;
    cms.replace("settings", &PostParams::default(), &cm)
        .await
        .unwrap();
    eventually("the owner to go", || async {
        deploys
            .get_opt("web")
            .await
            .unwrap()
            .is_none()
            .then_some(())
    })
    .await;
    assert!(cms.get_opt("settings").await.unwrap().is_none());
}
