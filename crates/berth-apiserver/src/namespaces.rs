//! Namespace deletion: once a namespace is marked for deletion, delete everything in it, then
//! release the namespace's `kubernetes` finalizer so it goes away — what upstream's namespace
//! controller does. It works through the API in-process, as any controller must.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use tokio::sync::watch;
use tower::ServiceExt;

use berth_api::Registry;

use crate::server::ApiServer;

/// How often terminating namespaces are looked at.
const EVERY: Duration = Duration::from_millis(500);

async fn call(
    router: &Router,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Option<(StatusCode, Value)> {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .ok()?;
    let resp = router.clone().oneshot(req).await.ok()?;
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .ok()?;
    Some((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

fn base(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("/api/{version}")
    } else {
        format!("/apis/{group}/{version}")
    }
}

/// Deletes the contents of one terminating namespace; true when nothing is left.
async fn drain(router: &Router, ns: &str) -> bool {
    let mut empty = true;
    for info in Registry.all() {
        if !info.namespaced() || info.virtual_create_only || info.stored_as.is_some() {
            continue;
        }
        let path = format!(
            "{}/namespaces/{ns}/{}",
            base(info.group, info.version),
            info.plural
        );
        let _ = call(router, Method::DELETE, &path, None).await;
        match call(router, Method::GET, &format!("{path}?limit=1"), None).await {
            Some((StatusCode::OK, list)) => {
                if list
                    .get("items")
                    .and_then(Value::as_array)
                    .is_some_and(|i| !i.is_empty())
                {
                    empty = false;
                }
            }
            _ => empty = false,
        }
    }
    empty
}

/// Runs until `shutdown` turns true.
pub async fn run(srv: ApiServer, mut shutdown: watch::Receiver<bool>) {
    let router = srv.internal_router();
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => return,
        }
        let Some((StatusCode::OK, list)) =
            call(&router, Method::GET, "/api/v1/namespaces", None).await
        else {
            continue;
        };
        let terminating = list
            .get("items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|ns| ns.pointer("/metadata/deletionTimestamp").is_some())
            .cloned()
            .collect::<Vec<_>>();
        for ns in terminating {
            let Some(name) = ns.pointer("/metadata/name").and_then(Value::as_str) else {
                continue;
            };
            if !drain(&router, name).await {
                continue;
            }
            let finalizers: Vec<Value> = ns
                .pointer("/spec/finalizers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|f| f.as_str() != Some("kubernetes"))
                .cloned()
                .collect();
            let mut body = ns.clone();
            body["spec"] = json!({"finalizers": finalizers});
            let path = format!("/api/v1/namespaces/{name}/finalize");
            if let Some((code, resp)) = call(&router, Method::PUT, &path, Some(&body)).await
                && !code.is_success()
                && code != StatusCode::CONFLICT
            {
                tracing::warn!(namespace = name, status = %code, response = %resp, "cannot finalize namespace");
            }
        }
    }
}
