//! The controllers against the real API server, in-process over the memory store: `kube`'s
//! client uses the server's router as its transport, so no socket is involved.

// Tests fail loudly on anything unexpected.
#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::{
    ConfigMap, Namespace, PersistentVolume, PersistentVolumeClaim, Pod,
};
use kube::api::{Api, DeleteParams, PostParams};
use kube::{Client, Resource};
use serde_json::json;
use tokio::sync::watch;

use berth_apiserver::{ApiServer, Config, SystemClock};
use berth_store::MemoryStore;

const DEADLINE: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(20);

struct Cluster {
    client: Client,
    stop: watch::Sender<bool>,
    controllers: tokio::task::JoinHandle<()>,
}

async fn start() -> Cluster {
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
    let controllers = tokio::spawn(berth_controllers::run(client.clone(), rx));
    Cluster {
        client,
        stop,
        controllers,
    }
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

async fn gone<K>(api: &Api<K>, name: &str)
where
    K: Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    eventually(&format!("{name} to be gone"), || async {
        api.get_opt(name).await.unwrap().is_none().then_some(())
    })
    .await;
}

fn obj<K: serde::de::DeserializeOwned>(v: serde_json::Value) -> K {
    serde_json::from_value(v).unwrap()
}

fn claim(name: &str) -> PersistentVolumeClaim {
    obj(json!({
        "metadata": {"name": name},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
    }))
}

fn pod_using(name: &str, claim: &str) -> Pod {
    obj(json!({
        "metadata": {"name": name},
        "spec": {
            "nodeName": "node1",
            "containers": [{"name": "c", "image": "busybox"}],
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": claim}}],
        },
    }))
}

fn has_finalizer<K: Resource>(o: &K, f: &str) -> bool {
    o.meta().finalizers.iter().flatten().any(|x| x == f)
}

async fn create_namespace(client: &Client, name: &str) {
    let nss: Api<Namespace> = Api::all(client.clone());
    nss.create(
        &PostParams::default(),
        &obj(json!({"metadata": {"name": name}})),
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_namespace_removes_its_content_then_itself() {
    let c = start().await;
    create_namespace(&c.client, "team").await;
    let cms: Api<ConfigMap> = Api::namespaced(c.client.clone(), "team");
    let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(c.client.clone(), "team");
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), "team");
    let pp = PostParams::default();
    cms.create(
        &pp,
        &obj(json!({"metadata": {"name": "settings"}, "data": {"k": "v"}})),
    )
    .await
    .unwrap();
    pvcs.create(&pp, &claim("data")).await.unwrap();
    // An unscheduled pod is deleted at once, and does not keep its claim.
    pods.create(
        &pp,
        &obj(json!({
            "metadata": {"name": "waiting"},
            "spec": {"containers": [{"name": "c", "image": "busybox"}],
                     "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]},
        })),
    )
    .await
    .unwrap();
    eventually("the claim's protection finalizer", || async {
        let pvc = pvcs.get("data").await.unwrap();
        has_finalizer(&pvc, "kubernetes.io/pvc-protection").then_some(())
    })
    .await;

    let nss: Api<Namespace> = Api::all(c.client.clone());
    nss.delete("team", &DeleteParams::default()).await.unwrap();
    gone(&nss, "team").await;
    for (kind, left) in [
        (
            "configmaps",
            cms.list(&Default::default()).await.unwrap().items.len(),
        ),
        (
            "claims",
            pvcs.list(&Default::default()).await.unwrap().items.len(),
        ),
        (
            "pods",
            pods.list(&Default::default()).await.unwrap().items.len(),
        ),
    ] {
        assert_eq!(left, 0, "{kind} left behind");
    }
    // The system namespaces are never drained.
    assert!(nss.get_opt("default").await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_in_use_stays_terminating_until_its_pod_goes() {
    let c = start().await;
    let pvcs: Api<PersistentVolumeClaim> = Api::default_namespaced(c.client.clone());
    let pods: Api<Pod> = Api::default_namespaced(c.client.clone());
    let pp = PostParams::default();
    pvcs.create(&pp, &claim("data")).await.unwrap();
    pvcs.create(&pp, &claim("scratch")).await.unwrap();
    pods.create(&pp, &pod_using("db-0", "data")).await.unwrap();
    for name in ["data", "scratch"] {
        eventually("protection finalizers", || async {
            has_finalizer(
                &pvcs.get(name).await.unwrap(),
                "kubernetes.io/pvc-protection",
            )
            .then_some(())
        })
        .await;
    }

    pvcs.delete("data", &DeleteParams::default()).await.unwrap();
    pvcs.delete("scratch", &DeleteParams::default())
        .await
        .unwrap();
    // The unused claim deleted after it going away shows the controller has looked at both.
    gone(&pvcs, "scratch").await;
    let held = pvcs.get("data").await.unwrap();
    assert!(held.metadata.deletion_timestamp.is_some());
    assert!(has_finalizer(&held, "kubernetes.io/pvc-protection"));

    pods.delete(
        "db-0",
        &DeleteParams {
            grace_period_seconds: Some(0),
            ..DeleteParams::default()
        },
    )
    .await
    .unwrap();
    gone(&pvcs, "data").await;
}

/// What the PV controller would write as it binds and releases a volume.
async fn set_phase(pvs: &Api<PersistentVolume>, name: &str, phase: &str) {
    let mut v = pvs.get_status(name).await.unwrap();
    v.status.get_or_insert_with(Default::default).phase = Some(phase.into());
    pvs.replace_status(name, &PostParams::default(), &v)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volume_goes_once_it_is_not_bound() {
    let c = start().await;
    let pvs: Api<PersistentVolume> = Api::all(c.client.clone());
    let pv = |name: &str| -> PersistentVolume {
        obj(json!({
            "metadata": {"name": name},
            "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                     "hostPath": {"path": format!("/tmp/{name}")}},
        }))
    };
    let pp = PostParams::default();
    pvs.create(&pp, &pv("free")).await.unwrap();
    pvs.create(&pp, &pv("bound")).await.unwrap();
    for name in ["free", "bound"] {
        eventually("protection finalizers", || async {
            has_finalizer(&pvs.get(name).await.unwrap(), "kubernetes.io/pv-protection")
                .then_some(())
        })
        .await;
    }
    set_phase(&pvs, "bound", "Bound").await;

    pvs.delete("bound", &DeleteParams::default()).await.unwrap();
    pvs.delete("free", &DeleteParams::default()).await.unwrap();
    gone(&pvs, "free").await;
    let held = pvs.get("bound").await.unwrap();
    assert!(held.metadata.deletion_timestamp.is_some());
    assert!(has_finalizer(&held, "kubernetes.io/pv-protection"));

    set_phase(&pvs, "bound", "Released").await;
    gone(&pvs, "bound").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_controllers_stop_when_told() {
    let c = start().await;
    // Let them get going first: a namespace is drained only by a running controller.
    create_namespace(&c.client, "short").await;
    let nss: Api<Namespace> = Api::all(c.client.clone());
    nss.delete("short", &DeleteParams::default()).await.unwrap();
    gone(&nss, "short").await;

    c.stop.send(true).unwrap();
    tokio::time::timeout(DEADLINE, c.controllers)
        .await
        .expect("controllers stop")
        .unwrap();
}
