//! Resource handlers: dispatch of one request to its verb, plus discovery and OpenAPI answers.

mod delete;
mod filter;
mod namespaces;
mod patch;
mod read;
mod review;
mod watch;
mod write;

use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};

use crate::auth::Identity;
use crate::codec::{MAX_BODY, json_response};
use crate::discovery;
use crate::openapi;
use crate::request::{Query, Target, parse_target};
use crate::server::ApiServer;
use crate::status::{ApiError, ApiResult};

pub(crate) use namespaces::ensure_namespace;

/// One decoded resource request.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub(crate) srv: ApiServer,
    pub(crate) target: Target,
    pub(crate) query: Query,
    pub(crate) headers: HeaderMap,
    pub(crate) identity: Identity,
    /// `Warning` headers to send with the response.
    pub(crate) warnings: std::sync::Mutex<Vec<String>>,
}

impl Ctx {
    /// Adds a `Warning` header to the response.
    pub(crate) fn warn(&self, text: String) {
        if let Ok(mut w) = self.warnings.lock() {
            w.push(text);
        }
    }

    /// A context for another object of the same request (collection deletes, watches).
    pub(crate) fn derive(&self, target: Target, query: Query) -> Self {
        Self {
            srv: self.srv.clone(),
            target,
            query,
            headers: self.headers.clone(),
            identity: self.identity.clone(),
            warnings: std::sync::Mutex::new(Vec::new()),
        }
    }
}

/// Serves `/api/v1/…` and `/apis/{group}/{version}/…`.
pub(crate) async fn resource(
    srv: ApiServer,
    group: &str,
    version: &str,
    rest: &str,
    query: Option<String>,
    identity: Identity,
    req: Request<Body>,
) -> Response {
    let warnings = std::sync::Mutex::new(Vec::new());
    let path = ResourcePath {
        group,
        version,
        rest,
    };
    let mut resp = match dispatch(srv, path, query, identity, req, &warnings).await {
        Ok(resp) => resp,
        Err(err) => err.into_response(),
    };
    for w in warnings.into_inner().unwrap_or_default() {
        let text = format!("299 - {}", serde_json::Value::String(w));
        if let Ok(v) = HeaderValue::from_str(&text) {
            resp.headers_mut().append(header::WARNING, v);
        }
    }
    resp
}

/// The parts of a resource path the router matched.
struct ResourcePath<'a> {
    group: &'a str,
    version: &'a str,
    rest: &'a str,
}

async fn dispatch(
    srv: ApiServer,
    path: ResourcePath<'_>,
    query: Option<String>,
    identity: Identity,
    req: Request<Body>,
    warnings: &std::sync::Mutex<Vec<String>>,
) -> ApiResult<Response> {
    let target = parse_target(path.group, path.version, path.rest)?;
    let query = Query::parse(query.as_deref());
    let (parts, body) = req.into_parts();
    let method = parts.method.clone();
    let ctx = Ctx {
        srv,
        target,
        query,
        headers: parts.headers,
        identity,
        warnings: std::sync::Mutex::new(Vec::new()),
    };
    let has_name = ctx.target.name.is_some();
    let info = ctx.target.info;
    let verb = match (&method, has_name) {
        (&Method::GET, true) => "get",
        (&Method::GET, false) if ctx.query.flag("watch")? => "watch",
        (&Method::GET, false) => "list",
        (&Method::POST, false) => "create",
        (&Method::PUT, true) => "update",
        (&Method::PATCH, true) => "patch",
        (&Method::DELETE, true) => "delete",
        (&Method::DELETE, false) => "deletecollection",
        (m, _) => return Err(ApiError::method_not_supported(info, m.as_str())),
    };
    let sub_ok = match &ctx.target.subresource {
        None => info.has_verb(verb),
        Some(_) => matches!(verb, "get" | "update" | "patch"),
    };
    if !sub_ok {
        return Err(ApiError::method_not_supported(info, verb));
    }
    let result = run_verb(&ctx, verb, body).await;
    if let (Ok(mut out), Ok(mut mine)) = (warnings.lock(), ctx.warnings.lock()) {
        out.append(&mut mine);
    }
    result
}

async fn run_verb(ctx: &Ctx, verb: &str, body: Body) -> ApiResult<Response> {
    let info = ctx.target.info;
    match verb {
        "get" => read::get(ctx).await,
        "list" => read::list(ctx).await,
        "watch" => watch::watch(ctx).await,
        "create" => {
            let body = read_body(body).await?;
            if info.virtual_create_only {
                review::create(ctx, &body)
            } else {
                write::create(ctx, &body).await
            }
        }
        "update" => write::update(ctx, &read_body(body).await?).await,
        "patch" => patch::patch(ctx, &read_body(body).await?).await,
        "delete" => delete::delete(ctx, &read_body(body).await?).await,
        _ => delete::delete_collection(ctx, &read_body(body).await?).await,
    }
}

async fn read_body(body: Body) -> ApiResult<Bytes> {
    axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| ApiError::too_large(MAX_BODY))
}

/// `/api` or `/apis`, aggregated when the client asks for it.
pub(crate) fn discovery_root(srv: &ApiServer, headers: &HeaderMap, core: bool) -> Response {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let format = discovery::negotiate(accept);
    if format != discovery::DiscoveryFormat::Legacy {
        let body = discovery::aggregated(core, format);
        let mut resp = json_response(StatusCode::OK, &body);
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(discovery::aggregated_content_type(format)),
        );
        return resp;
    }
    let body = if core {
        discovery::api_versions(&srv.0.config.server_address)
    } else {
        discovery::api_group_list()
    };
    json_response(StatusCode::OK, &body)
}

/// `/apis/{group}`.
pub(crate) fn discovery_group(group: &str) -> Response {
    match discovery::api_group(group) {
        Some(doc) => json_response(StatusCode::OK, &doc),
        None => ApiError::no_route().into_response(),
    }
}

/// `/api/v1` or `/apis/{group}/{version}`.
pub(crate) fn discovery_resources(group: &str, version: &str) -> Response {
    match discovery::api_resource_list(group, version) {
        Some(doc) => json_response(StatusCode::OK, &doc),
        None => ApiError::no_route().into_response(),
    }
}

/// `/openapi/v2` in protobuf, as kubectl 1.27 and 1.28 need it for validation.
pub(crate) async fn openapi_v2(headers: HeaderMap) -> Response {
    let etag = format!("\"{}\"", openapi::v2_etag());
    if not_modified(&headers, &etag) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let mut resp = (StatusCode::OK, openapi::v2_protobuf()).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(openapi::V2_PROTOBUF_CONTENT_TYPE),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    resp
}

/// `/openapi/v3`: the index of per-group-version documents.
pub(crate) async fn openapi_v3_root() -> Response {
    json_response(StatusCode::OK, &openapi::v3_root())
}

/// `/openapi/v3/{api/v1 | apis/g/v}`.
pub(crate) async fn openapi_v3_doc(
    axum::extract::Path(path): axum::extract::Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some((body, hash)) = openapi::v3_group_version(&path) else {
        return ApiError::no_route().into_response();
    };
    let etag = format!("\"{hash}\"");
    if not_modified(&headers, &etag) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let mut resp = (StatusCode::OK, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    // A hashed URL names one exact document, so clients may cache it for good.
    let hashed = query.as_deref().is_some_and(|q| q.contains("hash="));
    let cache = if hashed {
        "public, immutable"
    } else {
        "no-cache, private"
    };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    resp
}

fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
}
