//! `delete` and `deletecollection`: preconditions, graceful deletion of pods, finalizers and
//! the propagation policy, as upstream's generic registry does them.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Value, json};

use berth_api::Registry;
use berth_store::Error as StoreError;

use super::Ctx;
use super::filter::Filter;
use super::read::{load, load_named, read_page, respond_one, store_error};
use super::write::{Written, commit_deletion_mark};
use crate::codec::{decode_json, json_response};
use crate::convert;
use crate::objects;
use crate::status::{ApiError, ApiResult, Cause, success_status};

/// Decoded `DeleteOptions` (body and query parameters together).
#[derive(Debug, Default, Clone)]
struct DeleteOptions {
    grace: Option<i64>,
    uid: Option<String>,
    resource_version: Option<String>,
    propagation: Option<String>,
    dry_run: bool,
}

fn invalid_options(field: &str, reason: &str, message: String) -> ApiError {
    ApiError::invalid_options(
        "DeleteOptions",
        "meta.k8s.io",
        &[Cause {
            reason: reason.into(),
            message,
            field: field.into(),
        }],
    )
}

fn options(ctx: &Ctx, body: &[u8]) -> ApiResult<DeleteOptions> {
    let mut opts = DeleteOptions::default();
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        decode_json(body)?
    };
    let mut orphan = body.get("orphanDependents").and_then(Value::as_bool);
    opts.grace = body.get("gracePeriodSeconds").and_then(Value::as_i64);
    opts.uid = body
        .pointer("/preconditions/uid")
        .and_then(Value::as_str)
        .map(str::to_owned);
    opts.resource_version = body
        .pointer("/preconditions/resourceVersion")
        .and_then(Value::as_str)
        .map(str::to_owned);
    opts.propagation = body
        .get("propagationPolicy")
        .and_then(Value::as_str)
        .map(str::to_owned);
    opts.dry_run = match body.get("dryRun").and_then(Value::as_array) {
        Some(values) => {
            for v in values {
                if v.as_str() != Some("All") {
                    return Err(ApiError::bad_request(format!(
                        "Invalid dry run value: dryRun: Unsupported value: {v}: supported values: \"All\""
                    )));
                }
            }
            !values.is_empty()
        }
        None => false,
    } || ctx.query.dry_run()?;
    if let Some(g) = ctx.query.int("gracePeriodSeconds")? {
        opts.grace = Some(g);
    }
    if let Some(p) = ctx.query.get("propagationPolicy") {
        opts.propagation = Some(p.to_owned());
    }
    if ctx.query.has("orphanDependents") {
        orphan = Some(ctx.query.flag("orphanDependents")?);
    }
    if let Some(p) = &opts.propagation {
        if !matches!(p.as_str(), "Foreground" | "Background" | "Orphan") {
            return Err(invalid_options(
                "propagationPolicy",
                "FieldValueNotSupported",
                format!(
                    "Unsupported value: \"{p}\": supported values: \"Foreground\", \"Background\", \"Orphan\""
                ),
            ));
        }
        if let Some(o) = orphan {
            return Err(invalid_options(
                "orphanDependents",
                "FieldValueInvalid",
                format!(
                    "Invalid value: {o}: Cannot both set OrphanDependents and PropagationPolicy"
                ),
            ));
        }
    } else if orphan == Some(true) {
        opts.propagation = Some("Orphan".into());
    }
    // Upstream treats a negative grace period as the shortest one.
    opts.grace = opts.grace.map(|g| if g < 0 { 1 } else { g });
    Ok(opts)
}

enum Plan {
    /// Remove from the store now.
    Remove,
    /// Keep it, marked for deletion (finalizers or a pod's grace period).
    Mark(Value),
}

fn plan(ctx: &Ctx, old: &Value, opts: &DeleteOptions) -> Plan {
    let info = ctx.target.info;
    let now = ctx.srv.now();
    let mut finalizers = objects::finalizers(old);
    let add = match opts.propagation.as_deref() {
        Some("Orphan") => Some("orphan"),
        Some("Foreground") => Some("foregroundDeletion"),
        _ => None,
    };
    if let Some(f) = add
        && !finalizers.iter().any(|x| x == f)
        && !objects::is_deleting(old)
    {
        finalizers.push(f.to_owned());
    }
    let grace = if info.group.is_empty() && info.plural == "pods" {
        let terminal = matches!(
            old.pointer("/status/phase").and_then(Value::as_str),
            Some("Succeeded" | "Failed")
        );
        let scheduled = old
            .pointer("/spec/nodeName")
            .and_then(Value::as_str)
            .is_some_and(|n| !n.is_empty());
        let requested = opts
            .grace
            .or_else(|| {
                old.pointer("/spec/terminationGracePeriodSeconds")
                    .and_then(Value::as_i64)
            })
            .unwrap_or(30);
        if terminal || !scheduled { 0 } else { requested }
    } else {
        0
    };
    let namespace_held = info.group.is_empty()
        && info.plural == "namespaces"
        && old
            .pointer("/spec/finalizers")
            .and_then(Value::as_array)
            .is_some_and(|f| !f.is_empty());
    if finalizers.is_empty() && grace == 0 && !namespace_held {
        return Plan::Remove;
    }
    let mut new = old.clone();
    let deadline = now
        .checked_add(jiff::SignedDuration::from_secs(grace))
        .unwrap_or(now);
    let deadline_s = crate::time::format(deadline);
    let meta = objects::meta_mut(&mut new);
    let earlier = match meta
        .get("deletionTimestamp")
        .and_then(Value::as_str)
        .and_then(crate::time::parse)
    {
        Some(existing) => deadline < existing,
        None => true,
    };
    if earlier {
        meta.insert("deletionTimestamp".into(), json!(deadline_s));
        meta.insert("deletionGracePeriodSeconds".into(), json!(grace));
        if !objects::is_deleting(old) || grace > 0 {
            let g = objects::generation(old);
            if g > 0 {
                meta.insert("generation".into(), json!(g + 1));
            }
        }
    }
    meta.insert("finalizers".into(), json!(finalizers));
    if finalizers.is_empty() {
        meta.remove("finalizers");
    }
    if namespace_held {
        new["status"]["phase"] = json!("Terminating");
    }
    Plan::Mark(new)
}

/// Deletes one loaded object. Returns the response body and whether it is gone.
async fn delete_loaded(ctx: &Ctx, name: &str, opts: &DeleteOptions) -> ApiResult<(Value, bool)> {
    let info = ctx.target.info;
    let storage = Registry.storage_of(info);
    for _ in 0..16 {
        let (old, rev) = load_named(ctx, name)
            .await?
            .ok_or_else(|| ApiError::not_found(info, name))?;
        let uid = objects::meta_str(&old, "uid").unwrap_or("").to_owned();
        if let Some(want) = opts.uid.as_deref().filter(|u| *u != uid) {
            return Err(ApiError::conflict_with(
                info,
                name,
                &format!(
                    "the UID in the precondition ({want}) does not match the UID in record ({uid}). The object might have been deleted and then recreated"
                ),
            ));
        }
        if let Some(want) = opts
            .resource_version
            .as_deref()
            .filter(|r| *r != rev.to_string())
        {
            return Err(ApiError::conflict_with(
                info,
                name,
                &format!(
                    "the ResourceVersion in the precondition ({want}) does not match the ResourceVersion in record ({rev}). The object might have been modified"
                ),
            ));
        }
        match plan(ctx, &old, opts) {
            Plan::Remove => {
                let key = objects::key(storage, objects::meta_str(&old, "namespace"), name);
                if opts.dry_run {
                    return Ok((convert::outward(info, old), true));
                }
                match ctx.srv.store().delete(&key, Some(rev)).await {
                    Ok((rev, _)) => {
                        let mut gone = convert::outward(info, old);
                        objects::set_resource_version(&mut gone, rev);
                        return Ok((gone, true));
                    }
                    Err(StoreError::Conflict { .. } | StoreError::NotFound { .. }) => continue,
                    Err(e) => return Err(store_error(e)),
                }
            }
            Plan::Mark(new) => match commit_deletion_mark(ctx, &old, rev, new, opts.dry_run).await?
            {
                Some(Written::Stored(obj)) => return Ok((convert::outward(info, obj), false)),
                Some(Written::Removed(obj)) => return Ok((convert::outward(info, obj), true)),
                None => continue,
            },
        }
    }
    Err(ApiError::conflict(info, name))
}

/// `DELETE` of one object.
pub(crate) async fn delete(ctx: &Ctx, body: &[u8]) -> ApiResult<Response> {
    let info = ctx.target.info;
    let opts = options(ctx, body)?;
    let name = ctx.target.name.clone().unwrap_or_default();
    if load(ctx).await?.is_none() {
        return Err(ApiError::not_found(info, &name));
    }
    let (obj, gone) = delete_loaded(ctx, &name, &opts).await?;
    if !gone {
        return respond_one(ctx, &obj, StatusCode::ACCEPTED);
    }
    // Pods answer with their last state; other kinds with a Status, as upstream.
    if info.group.is_empty() && info.plural == "pods" {
        return respond_one(ctx, &obj, StatusCode::OK);
    }
    let uid = objects::meta_str(&obj, "uid").unwrap_or("");
    Ok(json_response(
        StatusCode::OK,
        &success_status(info, &name, uid),
    ))
}

/// `DELETE` of a collection: every object the selectors match.
pub(crate) async fn delete_collection(ctx: &Ctx, body: &[u8]) -> ApiResult<Response> {
    let info = ctx.target.info;
    let mut opts = options(ctx, body)?;
    // Preconditions name one object; they make no sense for a collection.
    opts.uid = None;
    opts.resource_version = None;
    let filter = Filter::from_query(info, &ctx.query)?;
    let page = read_page(ctx, &filter).await?;
    let mut items = Vec::new();
    for obj in page.items {
        let name = objects::name(&obj).to_owned();
        let ns = objects::meta_str(&obj, "namespace").map(str::to_owned);
        let mut target = ctx.target.clone();
        target.namespace = ns;
        target.name = Some(name.clone());
        let item_ctx = ctx.derive(target, ctx.query.clone());
        match delete_loaded(&item_ctx, &name, &opts).await {
            Ok((obj, _)) => items.push(obj),
            Err(e) if e.code == 404 => {}
            Err(e) => return Err(e),
        }
    }
    let rev = ctx
        .srv
        .store()
        .current_revision()
        .await
        .map_err(store_error)?;
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "kind": info.list_kind(),
            "apiVersion": info.api_version(),
            "metadata": {"resourceVersion": rev.to_string()},
            "items": items,
        }),
    ))
}
