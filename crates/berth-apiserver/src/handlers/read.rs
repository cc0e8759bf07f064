//! `get` and `list`, as objects or as server-printed tables.

use axum::response::Response;
use base64::Engine;
use http::StatusCode;
use serde_json::{Value, json};

use berth_api::Registry;
use berth_api::table::{IncludeObject, build_table};
use berth_store::{Error as StoreError, ListOptions};

use super::Ctx;
use super::filter::Filter;
use crate::codec::{Representation, json_response, representation};
use crate::convert;
use crate::objects;
use crate::status::{ApiError, ApiResult};

/// Reads the live object addressed by `ctx`, in its stored form (`None` if absent).
pub(crate) async fn load(ctx: &Ctx) -> ApiResult<Option<(Value, i64)>> {
    let name = ctx.target.name.as_deref().unwrap_or("");
    load_named(ctx, name).await
}

/// Reads one live object by name in the request's namespace, in stored form.
pub(crate) async fn load_named(ctx: &Ctx, name: &str) -> ApiResult<Option<(Value, i64)>> {
    let storage = Registry.storage_of(ctx.target.info);
    let key = objects::key(storage, ctx.target.namespace.as_deref(), name);
    match ctx.srv.store().get(&key).await {
        Ok(Some(kv)) => Ok(Some((objects::from_store(&kv)?, kv.mod_revision))),
        Ok(None) => Ok(None),
        Err(e) => Err(store_error(e)),
    }
}

/// `GET` of one object or of its `status`/`scale` subresource.
pub(crate) async fn get(ctx: &Ctx) -> ApiResult<Response> {
    let info = ctx.target.info;
    let name = ctx.target.name.as_deref().unwrap_or("");
    let (obj, _) = load(ctx)
        .await?
        .ok_or_else(|| ApiError::not_found(info, name))?;
    let obj = convert::outward(info, obj);
    if ctx.target.subresource.as_deref() == Some("scale") {
        return Ok(json_response(StatusCode::OK, &scale_of(&obj)?));
    }
    respond_one(ctx, &obj, StatusCode::OK)
}

/// Answers one object in the representation the client asked for.
pub(crate) fn respond_one(ctx: &Ctx, obj: &Value, code: StatusCode) -> ApiResult<Response> {
    match representation(&ctx.headers) {
        Representation::Table(version) => {
            let table = table(ctx, std::slice::from_ref(obj), version, None)?;
            Ok(json_response(code, &table))
        }
        Representation::Object => Ok(json_response(code, obj)),
    }
}

fn table(ctx: &Ctx, objs: &[Value], version: &str, list_meta: Option<Value>) -> ApiResult<Value> {
    let include = IncludeObject::parse(ctx.query.get("includeObject").unwrap_or("Metadata"))
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let info = ctx.target.info;
    let mut t = build_table(
        info.group,
        info.plural,
        objs,
        ctx.srv.now(),
        include,
        list_meta,
    );
    t["apiVersion"] = json!(format!("meta.k8s.io/{version}"));
    Ok(t)
}

/// The `autoscaling/v1` Scale view of a workload.
pub(crate) fn scale_of(obj: &Value) -> ApiResult<Value> {
    let meta = obj.get("metadata").cloned().unwrap_or_else(|| json!({}));
    let pick = |f: &str| meta.get(f).cloned().unwrap_or(Value::Null);
    let selector = match obj.pointer("/spec/selector") {
        Some(sel) => berth_api::selector::Selector::from_label_selector(sel)
            .map(|s| s.to_string())
            .map_err(|e| ApiError::internal(e.to_string()))?,
        None => String::new(),
    };
    let mut metadata = json!({});
    for f in [
        "name",
        "namespace",
        "uid",
        "resourceVersion",
        "creationTimestamp",
    ] {
        if !pick(f).is_null() {
            metadata[f] = pick(f);
        }
    }
    Ok(json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": metadata,
        "spec": {"replicas": obj.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(0)},
        "status": {
            "replicas": obj.pointer("/status/replicas").and_then(Value::as_i64).unwrap_or(0),
            "selector": selector,
        },
    }))
}

/// A continue token: the revision the list is read at and the last key returned.
#[derive(Debug, PartialEq, Eq)]
struct Continue {
    rv: i64,
    start: String,
}

fn encode_continue(c: &Continue) -> String {
    let raw = json!({"v": "meta.k8s.io/v1", "rv": c.rv, "start": c.start}).to_string();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

fn decode_continue(token: &str) -> ApiResult<Continue> {
    let bad = || {
        ApiError::bad_request(
            "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
        )
    };
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| bad())?;
    let v: Value = serde_json::from_slice(&raw).map_err(|_| bad())?;
    if v.get("v").and_then(Value::as_str) != Some("meta.k8s.io/v1") {
        return Err(bad());
    }
    let rv = v
        .get("rv")
        .and_then(Value::as_i64)
        .filter(|rv| *rv > 0)
        .ok_or_else(bad)?;
    let start = v
        .get("start")
        .and_then(Value::as_str)
        .ok_or_else(bad)?
        .to_owned();
    Ok(Continue { rv, start })
}

const CONTINUE_EXPIRED: &str = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

/// The key prefix a list or watch covers.
pub(crate) fn list_prefix(ctx: &Ctx) -> String {
    let storage = Registry.storage_of(ctx.target.info);
    match &ctx.target.namespace {
        Some(ns) if storage.namespaced() => objects::namespace_prefix(storage, ns),
        _ => objects::prefix(storage),
    }
}

/// One page of a filtered list, each item in the form the caller asked for.
pub(crate) struct Page<T = Value> {
    pub(crate) items: Vec<T>,
    pub(crate) revision: i64,
    pub(crate) continue_token: Option<String>,
    pub(crate) remaining: Option<usize>,
}

/// Reads matching objects, honouring `limit`, `continue`, `resourceVersion` and
/// `resourceVersionMatch` as upstream does.
pub(crate) async fn read_page(ctx: &Ctx, filter: &Filter) -> ApiResult<Page> {
    read_page_as(ctx, filter, Ok).await
}

/// [`read_page`], turning each matching object into `T` as soon as it is read, so a long list
/// never holds every object decoded at once.
pub(crate) async fn read_page_as<T>(
    ctx: &Ctx,
    filter: &Filter,
    mut each: impl FnMut(Value) -> ApiResult<T>,
) -> ApiResult<Page<T>> {
    let limit = match ctx.query.int("limit")? {
        Some(n) if n > 0 => Some(usize::try_from(n).unwrap_or(usize::MAX)),
        _ => None,
    };
    let store = ctx.srv.store();
    let (mut revision, mut start_after) = (None, None);
    if let Some(token) = ctx.query.get("continue") {
        if ctx.query.get("resourceVersion").is_some_and(|rv| rv != "0") {
            return Err(ApiError::bad_request(
                "specifying resource version is not allowed when using continue",
            ));
        }
        let c = decode_continue(token)?;
        revision = Some(c.rv);
        start_after = Some(c.start);
    } else if let Some(rv) = ctx.query.get("resourceVersion") {
        let rv = objects::parse_resource_version(rv)?;
        match ctx.query.get("resourceVersionMatch") {
            Some("Exact") => revision = Some(rv),
            None | Some("NotOlderThan") => {
                let current = store.current_revision().await.map_err(store_error)?;
                if rv > current {
                    return Err(ApiError::timeout(format!(
                        "Too large resource version: {rv}, current: {current}"
                    )));
                }
            }
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "resourceVersionMatch: Unsupported value: \"{other}\": supported values: \"Exact\", \"NotOlderThan\""
                )));
            }
        }
    }
    let prefix = list_prefix(ctx);
    let mut items = Vec::new();
    let mut last_key = None;
    let mut page_revision;
    loop {
        let want = limit.map(|l| l.saturating_sub(items.len()).max(1));
        let page = match store
            .list(ListOptions {
                prefix: prefix.clone(),
                revision,
                start_after: start_after.clone(),
                limit: want,
            })
            .await
        {
            Ok(page) => page,
            Err(StoreError::Compacted { .. }) if ctx.query.get("continue").is_some() => {
                // As upstream, the answer carries a token that continues from the same key at
                // the current revision, for clients that accept an inconsistent list.
                let mut err = ApiError::expired(CONTINUE_EXPIRED);
                let current = store.current_revision().await.map_err(store_error)?;
                err.continue_token = start_after
                    .clone()
                    .map(|start| encode_continue(&Continue { rv: current, start }));
                return Err(err);
            }
            Err(other) => return Err(store_error(other)),
        };
        page_revision = page.revision;
        // Later pages read at the same revision, so the whole list is one consistent snapshot.
        revision = Some(page.revision);
        let got = page.items.len();
        for kv in &page.items {
            last_key = Some(kv.key.clone());
            let obj = objects::from_store(kv)?;
            let obj = convert::outward(ctx.target.info, obj);
            if filter.matches(&obj) {
                items.push(each(obj)?);
            }
        }
        start_after = last_key.clone();
        let full = limit.is_some_and(|l| items.len() >= l);
        if page.remaining == 0 || got == 0 {
            return Ok(Page {
                items,
                revision: page_revision,
                continue_token: None,
                remaining: None,
            });
        }
        if full {
            let token = last_key.map(|start| {
                encode_continue(&Continue {
                    rv: page_revision,
                    start,
                })
            });
            let remaining = filter.is_empty().then_some(page.remaining);
            return Ok(Page {
                items,
                revision: page_revision,
                continue_token: token,
                remaining,
            });
        }
    }
}

/// `GET` of a collection.
pub(crate) async fn list(ctx: &Ctx) -> ApiResult<Response> {
    let info = ctx.target.info;
    let filter = Filter::from_query(info, &ctx.query)?;
    let list_meta = |revision: i64, token: Option<&String>, remaining: Option<usize>| {
        let mut meta = json!({"resourceVersion": revision.to_string()});
        if let Some(token) = token {
            meta["continue"] = json!(token);
        }
        if let Some(n) = remaining {
            meta["remainingItemCount"] = json!(n);
        }
        meta
    };
    match representation(&ctx.headers) {
        Representation::Table(version) => {
            let page = read_page(ctx, &filter).await?;
            let meta = list_meta(page.revision, page.continue_token.as_ref(), page.remaining);
            let table = table(ctx, &page.items, version, Some(meta))?;
            Ok(json_response(StatusCode::OK, &table))
        }
        Representation::Object => {
            // Items are encoded as they are read: a list of many objects is held as JSON text,
            // never as a tree of every object at once.
            let page = read_page_as(ctx, &filter, |obj| {
                serde_json::to_vec(&strip_type_meta(obj)).map_err(ApiError::internal)
            })
            .await?;
            let meta = list_meta(page.revision, page.continue_token.as_ref(), page.remaining);
            let head = json!({"kind": info.list_kind(), "apiVersion": info.api_version(), "metadata": meta});
            let mut body = head.to_string().into_bytes();
            body.pop(); // the closing brace; the items follow
            body.extend_from_slice(b",\"items\":[");
            for (i, item) in page.items.iter().enumerate() {
                if i > 0 {
                    body.push(b',');
                }
                body.extend_from_slice(item);
            }
            body.extend_from_slice(b"]}");
            Ok(crate::codec::json_bytes(
                StatusCode::OK,
                bytes::Bytes::from(body),
                "application/json",
            ))
        }
    }
}

/// List items carry no `apiVersion`/`kind`, as upstream serves them.
fn strip_type_meta(mut obj: Value) -> Value {
    if let Some(map) = obj.as_object_mut() {
        map.remove("apiVersion");
        map.remove("kind");
    }
    obj
}

/// Maps a store failure to the API error upstream would give.
pub(crate) fn store_error(e: StoreError) -> ApiError {
    match e {
        StoreError::Compacted {
            requested,
            compacted,
        } => ApiError::expired(format!(
            "too old resource version: {requested} ({compacted})"
        )),
        StoreError::FutureRevision { requested, current } => ApiError::timeout(format!(
            "Too large resource version: {requested}, current: {current}"
        )),
        other => ApiError::internal(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_tokens_round_trip() {
        let c = Continue {
            rv: 42,
            start: "/registry/core/pods/db/web-1".into(),
        };
        assert_eq!(decode_continue(&encode_continue(&c)).expect("valid"), c);
        assert_eq!(decode_continue("!!!").expect_err("garbage").code, 400);
        assert_eq!(decode_continue("e30").expect_err("empty object").code, 400);
    }
}
