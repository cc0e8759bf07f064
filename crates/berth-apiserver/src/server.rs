//! The API server value: shared state and the axum router with upstream's paths.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, RawQuery, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use http::{HeaderMap, Method, StatusCode};
use serde_json::json;

use berth_store::Store;

use crate::auth::{self, Identity};
use crate::codec::json_response;
use crate::handlers;
use crate::metrics::Metrics;
use crate::status::{ApiError, ApiResult};

/// Wall clock, injected so tests control time.
pub trait Clock: Send + Sync + 'static {
    /// Now.
    fn now(&self) -> jiff::Timestamp;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> jiff::Timestamp {
        jiff::Timestamp::now()
    }
}

/// How the API server is set up.
#[derive(Clone)]
pub struct Config {
    /// `host:port` clients reach the server at (reported by discovery).
    pub server_address: String,
    /// Bearer tokens accepted as the cluster admin.
    pub admin_tokens: Vec<String>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("server_address", &self.server_address)
            .finish_non_exhaustive()
    }
}

/// Shared state of one API server.
pub struct Inner {
    /// The revision log.
    pub store: Arc<dyn Store>,
    /// Set-up.
    pub config: Config,
    /// Prometheus metrics.
    pub metrics: Arc<Metrics>,
    /// When the server started (for `/readyz` and uptime).
    pub started: Instant,
}

/// A cheaply clonable handle to the API server.
#[derive(Clone)]
pub struct ApiServer(pub Arc<Inner>);

impl std::fmt::Debug for ApiServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiServer")
            .field("config", &self.0.config)
            .finish_non_exhaustive()
    }
}

/// Namespaces that exist from the first start, as on every Kubernetes cluster.
pub const SYSTEM_NAMESPACES: &[&str] =
    &["default", "kube-system", "kube-public", "kube-node-lease"];

impl ApiServer {
    /// An API server over `store`.
    pub fn new(store: Arc<dyn Store>, config: Config) -> Self {
        Self::with_metrics(store, config, Arc::new(Metrics::default()))
    }

    /// An API server over `store` reporting into `metrics` (which the store may feed too).
    pub fn with_metrics(store: Arc<dyn Store>, config: Config, metrics: Arc<Metrics>) -> Self {
        Self(Arc::new(Inner {
            store,
            config,
            metrics,
            started: Instant::now(),
        }))
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.0.store
    }

    /// The clock.
    pub fn now(&self) -> jiff::Timestamp {
        self.0.config.clock.now()
    }

    /// Metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    /// Creates the system namespaces that do not exist yet.
    pub async fn bootstrap(&self) -> ApiResult<()> {
        for ns in SYSTEM_NAMESPACES {
            handlers::ensure_namespace(self, ns).await?;
        }
        Ok(())
    }

    /// The router: every path, authenticated, with metrics.
    pub fn router(&self) -> Router {
        let api = Router::new()
            .route("/api", get(discovery_api))
            .route("/apis", get(discovery_apis))
            .route("/api/v1", get(discovery_core_v1))
            .route("/apis/{group}", get(discovery_group))
            .route("/apis/{group}/{version}", get(discovery_group_version))
            .route("/api/v1/{*rest}", any(core_resource))
            .route("/apis/{group}/{version}/{*rest}", any(group_resource))
            .route("/openapi/v2", get(handlers::openapi_v2))
            .route("/openapi/v3", get(handlers::openapi_v3_root))
            .route("/openapi/v3/{*path}", get(handlers::openapi_v3_doc))
            .route("/metrics", get(metrics_text))
            .fallback(not_found)
            .layer(middleware::from_fn_with_state(self.clone(), auth::require));
        Router::new()
            .route("/version", get(version))
            .route("/healthz", get(health))
            .route("/livez", get(health))
            .route("/readyz", get(health))
            .merge(api)
            .layer(middleware::from_fn_with_state(self.clone(), observe))
            .with_state(self.clone())
    }

    /// The router for in-process clients: every request carries the internal identity.
    pub fn internal_router(&self) -> Router {
        self.router()
            .layer(middleware::from_fn(auth::mark_internal))
    }
}

async fn observe(State(srv): State<ApiServer>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let watch = req
        .uri()
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "watch=true" || p == "watch=1"));
    let resp = next.run(req).await;
    let verb = verb_of(&method, &path, watch);
    srv.metrics().observe_request(
        verb,
        &resource_of(&path),
        resp.status().as_u16(),
        start.elapsed(),
    );
    resp
}

fn verb_of(method: &Method, path: &str, watch: bool) -> &'static str {
    match *method {
        Method::GET if watch => "WATCH",
        Method::GET => {
            if path.split('/').filter(|s| !s.is_empty()).count() % 2 == 0 {
                "GET"
            } else {
                "LIST"
            }
        }
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        _ => "OTHER",
    }
}

/// The resource segment of a path, for metric labels (bounded set: unknown → `other`).
fn resource_of(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let rest = match parts.as_slice() {
        ["api", "v1", rest @ ..] => rest,
        ["apis", _, _, rest @ ..] => rest,
        _ => return String::new(),
    };
    let rest = match rest {
        ["namespaces", _, tail @ ..]
            if !tail.is_empty() && !matches!(tail[0], "status" | "finalize") =>
        {
            tail
        }
        other => other,
    };
    let known = |p: &str| berth_api::Registry.all().iter().any(|r| r.plural == p);
    match rest.first() {
        Some(p) if known(p) => (*p).to_owned(),
        Some(_) => "other".into(),
        None => String::new(),
    }
}

async fn version() -> Response {
    json_response(StatusCode::OK, &version_info())
}

/// The `/version` document: a Kubernetes 1.33 API, built by berth.
pub fn version_info() -> serde_json::Value {
    json!({
        "major": "1",
        "minor": "33",
        "emulationMajor": "1",
        "emulationMinor": "33",
        "minCompatibilityMajor": "1",
        "minCompatibilityMinor": "32",
        "gitVersion": format!("v1.33.0+berth-{}", env!("CARGO_PKG_VERSION")),
        "gitCommit": "",
        "gitTreeState": "clean",
        "buildDate": "",
        "goVersion": "",
        "compiler": "rustc",
        "platform": format!("{}/{}", std::env::consts::OS, go_arch()),
    })
}

fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

async fn health(State(srv): State<ApiServer>) -> Response {
    match srv.store().current_revision().await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("store: {e}")).into_response(),
    }
}

async fn metrics_text(State(srv): State<ApiServer>) -> Response {
    let mut resp = srv.metrics().encode().into_response();
    resp.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    resp
}

async fn not_found() -> Response {
    ApiError::no_route().into_response()
}

async fn discovery_api(State(srv): State<ApiServer>, headers: HeaderMap) -> Response {
    handlers::discovery_root(&srv, &headers, true)
}

async fn discovery_apis(State(srv): State<ApiServer>, headers: HeaderMap) -> Response {
    handlers::discovery_root(&srv, &headers, false)
}

async fn discovery_core_v1() -> Response {
    handlers::discovery_resources("", "v1")
}

async fn discovery_group(Path(group): Path<String>) -> Response {
    handlers::discovery_group(&group)
}

async fn discovery_group_version(Path((group, version)): Path<(String, String)>) -> Response {
    handlers::discovery_resources(&group, &version)
}

async fn core_resource(
    State(srv): State<ApiServer>,
    Path(rest): Path<String>,
    RawQuery(query): RawQuery,
    identity: Identity,
    req: Request<Body>,
) -> Response {
    handlers::resource(srv, "", "v1", &rest, query, identity, req).await
}

async fn group_resource(
    State(srv): State<ApiServer>,
    Path((group, version, rest)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
    identity: Identity,
    req: Request<Body>,
) -> Response {
    handlers::resource(srv, &group, &version, &rest, query, identity, req).await
}
