//! `watch`: newline-delimited JSON events in revision order, with upstream's `resourceVersion`
//! semantics, selector transitions, bookmarks and timeouts.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures::{StreamExt, stream};
use http::{HeaderValue, StatusCode, header};
use rand::Rng;
use serde_json::{Value, json};

use berth_api::table::{IncludeObject, build_table};
use berth_store::{Error as StoreError, Event, EventKind};

use super::Ctx;
use super::filter::Filter;
use super::read::{list_prefix, read_page, store_error};
use crate::codec::{Representation, representation};
use crate::convert;
use crate::objects;
use crate::server::ApiServer;
use crate::status::{ApiError, ApiResult};

/// How often a watch that asked for bookmarks gets one.
const BOOKMARK_EVERY: Duration = Duration::from_secs(60);

struct Encoder {
    info: &'static berth_api::registry::ResourceInfo,
    table: Option<&'static str>,
    include: IncludeObject,
    srv: ApiServer,
}

impl Encoder {
    fn line(&self, kind: &str, obj: Value) -> Bytes {
        let object = match self.table {
            Some(version) => {
                let mut t = build_table(
                    self.info.group,
                    self.info.plural,
                    std::slice::from_ref(&obj),
                    self.srv.now(),
                    self.include,
                    None,
                );
                t["apiVersion"] = json!(format!("meta.k8s.io/{version}"));
                t
            }
            None => obj,
        };
        let mut line = json!({"type": kind, "object": object}).to_string();
        line.push('\n');
        Bytes::from(line)
    }

    fn bookmark(&self, rev: i64) -> Bytes {
        let obj = json!({
            "kind": self.info.kind,
            "apiVersion": self.info.api_version(),
            "metadata": {"resourceVersion": rev.to_string()},
        });
        let mut line = json!({"type": "BOOKMARK", "object": obj}).to_string();
        line.push('\n');
        Bytes::from(line)
    }

    fn error(err: &ApiError) -> Bytes {
        let mut line = json!({"type": "ERROR", "object": err.to_status()}).to_string();
        line.push('\n');
        Bytes::from(line)
    }
}

/// What one store event means for a watcher with a filter. An object that stops matching is
/// reported DELETED in its last matching state, stamped with the revision of the change, as
/// upstream's watch cache does.
fn translate(
    filter: &Filter,
    info: &'static berth_api::registry::ResourceInfo,
    ev: &Event,
) -> ApiResult<Option<(&'static str, Value)>> {
    let new = convert::outward(info, objects::from_store(&ev.kv)?);
    if filter.is_empty() {
        // Everything matches: the previous state is not needed, and every watcher of a busy
        // resource would otherwise decode it again.
        let kind = match ev.kind {
            EventKind::Created => "ADDED",
            EventKind::Updated => "MODIFIED",
            EventKind::Deleted => "DELETED",
        };
        return Ok(Some((kind, new)));
    }
    let old = match &ev.prev {
        Some(prev) => Some(convert::outward(info, objects::from_store(prev)?)),
        None => None,
    };
    let old_matches = old.as_ref().is_some_and(|o| filter.matches(o));
    Ok(match ev.kind {
        EventKind::Created => filter.matches(&new).then_some(("ADDED", new)),
        EventKind::Updated => match (old_matches, filter.matches(&new)) {
            (true, true) => Some(("MODIFIED", new)),
            (false, true) => Some(("ADDED", new)),
            (true, false) => old.map(|mut last| {
                objects::set_resource_version(&mut last, ev.revision());
                ("DELETED", last)
            }),
            (false, false) => None,
        },
        EventKind::Deleted => old_matches.then_some(("DELETED", new)),
    })
}

/// `GET …?watch=1`.
pub(crate) async fn watch(ctx: &Ctx) -> ApiResult<Response> {
    let info = ctx.target.info;
    let filter = Filter::from_query(info, &ctx.query)?;
    if ctx.query.flag("sendInitialEvents")? {
        return Err(ApiError::invalid_options(
            "ListOptions",
            "meta.k8s.io",
            &[crate::status::Cause {
                reason: "FieldValueForbidden".into(),
                message: "Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled".into(),
                field: "sendInitialEvents".into(),
            }],
        ));
    }
    let table = match representation(&ctx.headers) {
        Representation::Table(v) => Some(v),
        Representation::Object => None,
    };
    let include = IncludeObject::parse(ctx.query.get("includeObject").unwrap_or("Metadata"))
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let bookmarks = ctx.query.flag("allowWatchBookmarks")?;
    let timeout = match ctx.query.int("timeoutSeconds")? {
        Some(s) if s > 0 => Duration::from_secs(s.unsigned_abs()),
        // Upstream closes unbounded watches after a random 30–60 minutes so clients spread
        // their re-lists.
        _ => Duration::from_secs(rand::rng().random_range(1800..3600)),
    };
    let enc = Encoder {
        info,
        table,
        include,
        srv: ctx.srv.clone(),
    };
    let store = ctx.srv.store().clone();

    // `resourceVersion` unset or "0": the current state as ADDED events first.
    let rv = ctx.query.get("resourceVersion").unwrap_or("0");
    let mut initial = Vec::new();
    let after = if rv == "0" {
        let page = read_page_all(ctx, &filter).await?;
        for obj in page.items {
            initial.push(enc.line("ADDED", obj));
        }
        page.revision
    } else {
        objects::parse_resource_version(rv)?
    };

    let prefix = list_prefix(ctx);
    let events = match store.watch(&prefix, after).await {
        Ok(s) => s,
        Err(StoreError::Compacted { compacted, .. }) => {
            let err = ApiError::expired(format!("too old resource version: {after} ({compacted})"));
            return Ok(stream_response(
                stream::iter(vec![Encoder::error(&err)]).boxed(),
            ));
        }
        Err(e) => return Err(store_error(e)),
    };

    let metrics_srv = ctx.srv.clone();
    metrics_srv.metrics().watch_delta(1);
    let guard = WatchGuard(metrics_srv);
    let deadline = tokio::time::sleep(timeout);
    let state = (
        events,
        enc,
        filter,
        after,
        Box::pin(deadline),
        tokio::time::interval_at(tokio::time::Instant::now() + BOOKMARK_EVERY, BOOKMARK_EVERY),
        guard,
        bookmarks,
    );
    let live = stream::unfold(Some(state), |state| async move {
        let (mut events, enc, filter, mut last, mut deadline, mut tick, guard, bookmarks) = state?;
        loop {
            tokio::select! {
                () = &mut deadline => return None,
                _ = tick.tick(), if bookmarks => {
                    let line = enc.bookmark(last);
                    return Some((line, Some((events, enc, filter, last, deadline, tick, guard, bookmarks))));
                }
                next = events.next() => match next {
                    None => return None,
                    Some(Err(StoreError::Compacted { requested, compacted })) => {
                        let err = ApiError::expired(format!("too old resource version: {requested} ({compacted})"));
                        return Some((Encoder::error(&err), None));
                    }
                    Some(Err(e)) => {
                        return Some((Encoder::error(&store_error(e)), None));
                    }
                    Some(Ok(ev)) => {
                        last = ev.revision();
                        match translate(&filter, enc.info, &ev) {
                            Ok(Some((kind, obj))) => {
                                let line = enc.line(kind, obj);
                                return Some((line, Some((events, enc, filter, last, deadline, tick, guard, bookmarks))));
                            }
                            Ok(None) => {}
                            Err(err) => return Some((Encoder::error(&err), None)),
                        }
                    }
                }
            }
        }
    });
    Ok(stream_response(stream::iter(initial).chain(live).boxed()))
}

/// All matching objects (no paging), for the initial events of a watch.
async fn read_page_all(ctx: &Ctx, filter: &Filter) -> ApiResult<super::read::Page> {
    let ctx_all = ctx.derive(ctx.target.clone(), crate::request::Query::parse(None));
    read_page(&ctx_all, filter).await
}

struct WatchGuard(ApiServer);

impl Drop for WatchGuard {
    fn drop(&mut self) {
        self.0.metrics().watch_delta(-1);
    }
}

fn stream_response(lines: stream::BoxStream<'static, Bytes>) -> Response {
    let body = Body::from_stream(lines.map(Ok::<_, Infallible>));
    let mut resp = (StatusCode::OK, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}
