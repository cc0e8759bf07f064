//! The sync against the real API server, in-process over the memory store (no socket): each
//! round reads the set, runs one sync, then plays the kubelet by marking pods Running and
//! Ready through the status subresource. No controller runtime, so no timing is involved.

use std::sync::Arc;

use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet};
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use k8s_openapi::jiff::Timestamp;
use kube::Client;
use kube::api::{Api, ListParams, PostParams};
use serde_json::json;

use berth_apiserver::{ApiServer, Config, SystemClock};
use berth_store::MemoryStore;

use super::*;

async fn client() -> Client {
    let srv = ApiServer::new(
        Arc::new(MemoryStore::new()),
        Config {
            server_address: "127.0.0.1:0".into(),
            admin_tokens: vec!["t".into()],
            clock: Arc::new(SystemClock),
        },
    );
    srv.bootstrap().await.unwrap();
    Client::new(srv.internal_router(), "default")
}

/// Marks every pod that is not yet Running as Running and Ready.
async fn kubelet(pods: &Api<Pod>) {
    for pod in pods.list(&ListParams::default()).await.unwrap().items {
        let phase = pod.status.as_ref().and_then(|s| s.phase.clone());
        if phase.as_deref() == Some("Running") || pod.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let mut next = pod.clone();
        next.status = Some(
            serde_json::from_value(json!({
                "phase": "Running",
                "conditions": [{"type": "Ready", "status": "True",
                                "lastTransitionTime": "2020-01-01T00:00:00Z"}],
            }))
            .unwrap(),
        );
        let name = pod.metadata.name.clone().unwrap();
        pods.replace_status(&name, &PostParams::default(), &next)
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_come_up_in_order_through_the_api() {
    let client = client().await;
    let sets: Api<StatefulSet> = Api::namespaced(client.clone(), "default");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let claims: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), "default");
    let revisions: Api<ControllerRevision> = Api::namespaced(client.clone(), "default");
    let set: StatefulSet = serde_json::from_value(json!({
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 3,
            "serviceName": "nginx",
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1"}]},
            },
            "volumeClaimTemplates": [{
                "metadata": {"name": "www"},
                "spec": {"accessModes": ["ReadWriteOnce"],
                         "resources": {"requests": {"storage": "1Gi"}}},
            }],
        },
    }))
    .unwrap();
    sets.create(&PostParams::default(), &set).await.unwrap();
    let objects = ApiObjects::new(client.clone());
    let mut created = Vec::new();
    for _ in 0..10 {
        let set = sets.get("web").await.unwrap();
        let outcome = sync(&set, &objects, Timestamp::now()).await.unwrap();
        created.extend(outcome.actions.iter().filter_map(|a| match a {
            Action::CreatePod(p) => p.metadata.name.clone(),
            _ => None,
        }));
        kubelet(&pods).await;
    }
    assert_eq!(created, ["web-0", "web-1", "web-2"]);
    let names = |items: Vec<PersistentVolumeClaim>| -> Vec<String> {
        items.into_iter().filter_map(|c| c.metadata.name).collect()
    };
    let mut got = names(claims.list(&ListParams::default()).await.unwrap().items);
    got.sort();
    assert_eq!(got, ["www-web-0", "www-web-1", "www-web-2"]);
    assert_eq!(
        revisions
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    let status = sets.get("web").await.unwrap().status.unwrap();
    assert_eq!(status.replicas, 3);
    assert_eq!(status.ready_replicas, Some(3));
    assert_eq!(status.current_revision, status.update_revision);
    assert_eq!(status.observed_generation, Some(1));

    // A new image rolls out highest ordinal first and becomes current.
    let mut set = sets.get("web").await.unwrap();
    set.spec
        .as_mut()
        .unwrap()
        .template
        .spec
        .as_mut()
        .unwrap()
        .containers[0]
        .image = Some("nginx:2".into());
    sets.replace("web", &PostParams::default(), &set)
        .await
        .unwrap();
    let mut deleted = Vec::new();
    for _ in 0..20 {
        let set = sets.get("web").await.unwrap();
        let outcome = sync(&set, &objects, Timestamp::now()).await.unwrap();
        deleted.extend(outcome.actions.iter().filter_map(|a| match a {
            Action::DeletePod(n) => Some(n.clone()),
            _ => None,
        }));
        kubelet(&pods).await;
    }
    assert_eq!(deleted, ["web-2", "web-1", "web-0"]);
    let status = sets.get("web").await.unwrap().status.unwrap();
    assert_eq!(
        revisions
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .len(),
        2
    );
    assert_eq!(status.current_revision, status.update_revision);
    assert_eq!(
        (status.updated_replicas, status.ready_replicas),
        (Some(3), Some(3))
    );
    assert_eq!(status.observed_generation, Some(2));
}
