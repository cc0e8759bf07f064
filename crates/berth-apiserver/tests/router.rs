//! The API server in-process over the in-memory store: no sockets, requests go straight into
//! the router. Checks that hostile bodies never crash it, never answer 5xx and never change
//! what is stored.

use std::sync::Arc;

use axum::body::Body;
use http::{Method, Request, StatusCode};
use proptest::prelude::*;
use serde_json::{Value, json};
use tower::ServiceExt;

use berth_apiserver::{ApiServer, Config, SystemClock};
use berth_store::MemoryStore;

fn server() -> (ApiServer, axum::Router) {
    let srv = ApiServer::new(
        Arc::new(MemoryStore::new()),
        Config {
            server_address: "127.0.0.1:0".into(),
            admin_tokens: vec!["t".into()],
            clock: Arc::new(SystemClock),
        },
    );
    let router = srv.internal_router();
    (srv, router)
}

async fn call(
    router: &axum::Router,
    method: Method,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", content_type)
        .body(Body::from(body))
        .expect("request");
    let resp = router.clone().oneshot(req).await.expect("infallible");
    let code = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("body");
    (code, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Everything stored, as a list response would show it.
async fn snapshot(router: &axum::Router) -> Value {
    let (code, list) = call(
        router,
        Method::GET,
        "/api/v1/configmaps",
        "application/json",
        Vec::new(),
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    list["items"].clone()
}

fn json_like() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        any::<Vec<u8>>(),
        "[{}\\[\\]\":,a-z0-9 \\n-]{0,80}".prop_map(String::into_bytes),
        Just(
            br#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"base"},"data":{"k":1}}"#
                .to_vec()
        ),
        Just(br#"{"metadata":{"name":null,"labels":[]}}"#.to_vec()),
        Just(br#"{"metadata":"x"}"#.to_vec()),
        Just(b"k8s\0\x0a\x02\x0a".to_vec()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn hostile_bodies_never_crash_or_change_anything(
        body in json_like(),
        target in 0usize..4,
        ctype in prop::sample::select(vec![
            "application/json",
            "application/yaml",
            "application/vnd.kubernetes.protobuf",
            "application/merge-patch+json",
            "application/json-patch+json",
        ]),
    ) {
        let rt = runtime();
        rt.block_on(async {
            let (srv, router) = server();
            srv.bootstrap().await.expect("bootstrap");
            let base = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "base"}, "data": {"k": "v"}});
            let (code, _) = call(&router, Method::POST, "/api/v1/namespaces/default/configmaps", "application/json", base.to_string().into_bytes()).await;
            assert_eq!(code, StatusCode::CREATED);
            let before = snapshot(&router).await;
            let (method, path) = match target {
                0 => (Method::POST, "/api/v1/namespaces/default/configmaps"),
                1 => (Method::PUT, "/api/v1/namespaces/default/configmaps/base"),
                2 => (Method::PATCH, "/api/v1/namespaces/default/configmaps/base"),
                _ => (Method::DELETE, "/api/v1/namespaces/default/configmaps/base"),
            };
            let (code, status) = call(&router, method.clone(), path, ctype, body.clone()).await;
            assert!(!code.is_server_error(), "{method} {path} {ctype} answered {code}: {status}");
            if !code.is_success() {
                assert_eq!(status["kind"], "Status", "errors are Status objects");
                assert_eq!(snapshot(&router).await, before, "a refused request changed the store");
            }
        });
    }
}

#[test]
fn same_resource_version_exactly_one_update_wins() {
    runtime().block_on(async {
        let (srv, router) = server();
        srv.bootstrap().await.expect("bootstrap");
        let base = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"n": "0"}});
        let (_, created) = call(&router, Method::POST, "/api/v1/namespaces/default/configmaps", "application/json", base.to_string().into_bytes()).await;
        let rv = created["metadata"]["resourceVersion"].as_str().expect("rv").to_owned();
        let put = |n: &str| {
            let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "resourceVersion": rv}, "data": {"n": n}});
            call(&router, Method::PUT, "/api/v1/namespaces/default/configmaps/c", "application/json", body.to_string().into_bytes())
        };
        let ((a, _), (b, loser)) = tokio::join!(put("1"), put("2"));
        let mut codes = [a, b];
        codes.sort();
        let loser = if a == StatusCode::CONFLICT { &Value::Null } else { &loser };
        assert_eq!(codes, [StatusCode::OK, StatusCode::CONFLICT], "{loser}");
    });
}

#[test]
fn unchanged_update_keeps_the_resource_version() {
    runtime().block_on(async {
        let (srv, router) = server();
        srv.bootstrap().await.expect("bootstrap");
        let base = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"n": "0"}});
        let (_, created) = call(&router, Method::POST, "/api/v1/namespaces/default/configmaps", "application/json", base.to_string().into_bytes()).await;
        let (code, same) = call(&router, Method::PATCH, "/api/v1/namespaces/default/configmaps/c", "application/merge-patch+json", br#"{"data":{"n":"0"}}"#.to_vec()).await;
        assert_eq!(code, StatusCode::OK);
        assert_eq!(same["metadata"]["resourceVersion"], created["metadata"]["resourceVersion"]);
    });
}

#[test]
fn status_writes_leave_spec_alone_and_spec_writes_leave_status_alone() {
    runtime().block_on(async {
        let (srv, router) = server();
        srv.bootstrap().await.expect("bootstrap");
        let sts = json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "db"},
            "spec": {"replicas": 1, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
                     "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{"name": "pg", "image": "postgres:15"}]}}},
            "status": {"replicas": 7},
        });
        let base = "/apis/apps/v1/namespaces/default/statefulsets";
        let (code, created) = call(&router, Method::POST, base, "application/json", sts.to_string().into_bytes()).await;
        assert_eq!(code, StatusCode::CREATED, "{created}");
        assert_eq!(created["status"], json!({"availableReplicas": 0, "replicas": 0}), "create resets the client's status: {created}");
        assert_eq!(created["metadata"]["generation"], 1);
        let (code, after) = call(&router, Method::PATCH, &format!("{base}/db/status"), "application/merge-patch+json", br#"{"spec":{"replicas":5},"status":{"replicas":1}}"#.to_vec()).await;
        assert_eq!(code, StatusCode::OK, "{after}");
        assert_eq!(after["spec"]["replicas"], 1);
        assert_eq!(after["status"]["replicas"], 1);
        assert_eq!(after["metadata"]["generation"], 1);
        let (code, after) = call(&router, Method::PATCH, &format!("{base}/db"), "application/merge-patch+json", br#"{"spec":{"replicas":3},"status":{"replicas":9}}"#.to_vec()).await;
        assert_eq!(code, StatusCode::OK, "{after}");
        assert_eq!(after["spec"]["replicas"], 3);
        assert_eq!(after["status"]["replicas"], 1);
        assert_eq!(after["metadata"]["generation"], 2);
        let (code, scale) = call(&router, Method::GET, &format!("{base}/db/scale"), "application/json", Vec::new()).await;
        assert_eq!(code, StatusCode::OK);
        assert_eq!(scale["kind"], "Scale");
        assert_eq!(scale["spec"]["replicas"], 3);
        assert_eq!(scale["status"]["selector"], "app=db");
        let (code, scaled) = call(&router, Method::PATCH, &format!("{base}/db/scale"), "application/merge-patch+json", br#"{"spec":{"replicas":4}}"#.to_vec()).await;
        assert_eq!(code, StatusCode::OK, "{scaled}");
        let (_, now) = call(&router, Method::GET, &format!("{base}/db"), "application/json", Vec::new()).await;
        assert_eq!(now["spec"]["replicas"], 4);
        assert_eq!(now["metadata"]["generation"], 3);
    });
}

#[test]
fn finalizers_hold_deletion_until_removed() {
    runtime().block_on(async {
        let (srv, router) = server();
        srv.bootstrap().await.expect("bootstrap");
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "held", "finalizers": ["example.com/hold"]}});
        let path = "/api/v1/namespaces/default/configmaps";
        call(&router, Method::POST, path, "application/json", cm.to_string().into_bytes()).await;
        let (code, marked) = call(&router, Method::DELETE, &format!("{path}/held"), "application/json", Vec::new()).await;
        assert_eq!(code, StatusCode::ACCEPTED, "{marked}");
        assert!(marked["metadata"]["deletionTimestamp"].is_string());
        let (code, _) = call(&router, Method::GET, &format!("{path}/held"), "application/json", Vec::new()).await;
        assert_eq!(code, StatusCode::OK, "still there while the finalizer holds it");
        let (code, refused) = call(&router, Method::PATCH, &format!("{path}/held"), "application/merge-patch+json", br#"{"metadata":{"finalizers":["example.com/hold","example.com/more"]}}"#.to_vec()).await;
        assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        let (code, _) = call(&router, Method::PATCH, &format!("{path}/held"), "application/merge-patch+json", br#"{"metadata":{"finalizers":null}}"#.to_vec()).await;
        assert_eq!(code, StatusCode::OK);
        let (code, _) = call(&router, Method::GET, &format!("{path}/held"), "application/json", Vec::new()).await;
        assert_eq!(code, StatusCode::NOT_FOUND, "gone once the last finalizer is removed");
    });
}

#[test]
fn claims_without_a_class_get_the_default_one() {
    runtime().block_on(async {
        let (srv, router) = server();
        srv.bootstrap().await.expect("bootstrap");
        let sc = json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": "local-path", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "berth.dev/local-path"});
        let (code, _) = call(&router, Method::POST, "/apis/storage.k8s.io/v1/storageclasses", "application/json", sc.to_string().into_bytes()).await;
        assert_eq!(code, StatusCode::CREATED);
        let claims = "/api/v1/namespaces/default/persistentvolumeclaims";
        let pvc = |name: &str, class: Option<&str>| {
            let mut c = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}});
            if let Some(class) = class {
                c["spec"]["storageClassName"] = json!(class);
            }
            c.to_string().into_bytes()
        };
        let (code, defaulted) = call(&router, Method::POST, claims, "application/json", pvc("a", None)).await;
        assert_eq!(code, StatusCode::CREATED, "{defaulted}");
        assert_eq!(defaulted["spec"]["storageClassName"], "local-path");
        assert_eq!(defaulted["status"]["phase"], "Pending");
        let (_, explicit) = call(&router, Method::POST, claims, "application/json", pvc("b", Some(""))).await;
        assert_eq!(explicit["spec"]["storageClassName"], "", "an explicit empty class means no class");
    });
}

#[test]
fn namespaces_are_defaulted_and_nodes_keep_their_status() {
    runtime().block_on(async {
        let (srv, router) = server();
        srv.bootstrap().await.expect("bootstrap");
        let (_, system) = call(&router, Method::GET, "/api/v1/namespaces/kube-system", "application/json", Vec::new()).await;
        let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "db"}});
        let (code, created) = call(&router, Method::POST, "/api/v1/namespaces", "application/json", ns.to_string().into_bytes()).await;
        assert_eq!(code, StatusCode::CREATED);
        for (n, name) in [(&system, "kube-system"), (&created, "db")] {
            assert_eq!(n["metadata"]["labels"]["kubernetes.io/metadata.name"], name, "{n}");
            assert_eq!(n["spec"]["finalizers"], json!(["kubernetes"]), "{n}");
            assert_eq!(n["status"]["phase"], "Active", "{n}");
        }
        let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
            "status": {"capacity": {"cpu": "2"}, "conditions": [{"type": "Ready", "status": "True"}]}});
        let (code, created) = call(&router, Method::POST, "/api/v1/nodes", "application/json", node.to_string().into_bytes()).await;
        assert_eq!(code, StatusCode::CREATED, "{created}");
        assert_eq!(created["status"]["capacity"]["cpu"], "2", "a kubelet registers its Node with a status: {created}");
    });
}
