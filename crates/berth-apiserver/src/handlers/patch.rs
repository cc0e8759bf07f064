//! `patch` in its four formats: JSON merge patch, JSON patch, strategic merge patch and
//! server-side apply, each followed by the same typed decode, defaulting, validation and
//! compare-and-swap as an update.

use axum::response::Response;
use http::StatusCode;
use serde_json::Value;

use berth_api::validation::FieldError;

use super::Ctx;
use super::read::{load, respond_one, scale_of};
use super::write::{
    MAX_RETRIES, causes, commit_update, create_object, decode_typed, field_manager, prepare_update,
    respond_written, settle_namespace,
};
use crate::codec::{decode_json, media_type};
use crate::convert;
use crate::objects;
use crate::status::{ApiError, ApiResult};

/// The patch formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PatchKind {
    /// RFC 7386 JSON merge patch.
    Merge,
    /// RFC 6902 JSON patch.
    Json,
    /// Kubernetes strategic merge patch.
    Strategic,
}

const PATCH_TYPES: &[&str] = &[
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
];

/// An error from a library that already knows upstream's code, reason and message.
fn upstream_error(code: u16, reason: &str, message: String, details: Option<Value>) -> ApiError {
    let reason = match reason {
        "BadRequest" => "BadRequest",
        "Invalid" => "Invalid",
        "Conflict" => "Conflict",
        "UnsupportedMediaType" => "UnsupportedMediaType",
        "NotFound" => "NotFound",
        "Forbidden" => "Forbidden",
        _ => "",
    };
    ApiError {
        code,
        reason,
        message,
        details,
        retry_after: None,
        continue_token: None,
    }
}

fn apply_patch(
    kind: PatchKind,
    group: &str,
    type_kind: &str,
    base: &Value,
    body: &[u8],
) -> ApiResult<Value> {
    let mut out = base.clone();
    match kind {
        PatchKind::Strategic => {
            let patch = decode_json(body)?;
            out = berth_api::smp::apply(group, type_kind, base, &patch).map_err(|e| {
                upstream_error(e.code(), e.reason(), e.status_message().to_owned(), None)
            })?;
        }
        PatchKind::Merge => {
            let patch = decode_json(body)?;
            if !patch.is_object() {
                return Err(ApiError::bad_request("merge patch must be a JSON object"));
            }
            json_patch::merge(&mut out, &patch);
        }
        PatchKind::Json => {
            let ops: json_patch::Patch = serde_json::from_slice(body).map_err(|e| {
                ApiError::bad_request(format!(
                    "the server rejected our request due to an error in our request: {e}"
                ))
            })?;
            json_patch::patch(&mut out, &ops).map_err(|e| ApiError {
                code: 422,
                reason: "Invalid",
                message: format!(
                    "the server rejected our request due to an error in our request: {e}"
                ),
                details: None,
                retry_after: None,
                continue_token: None,
            })?;
        }
    }
    if !out.is_object() {
        return Err(ApiError::bad_request(
            "the patched object is not a JSON object",
        ));
    }
    Ok(out)
}

/// `PATCH` of an object or subresource.
pub(crate) async fn patch(ctx: &Ctx, body: &[u8]) -> ApiResult<Response> {
    let info = ctx.target.info;
    let dry_run = ctx.query.dry_run()?;
    ctx.query.field_validation()?;
    let kind = match media_type(&ctx.headers).as_str() {
        "application/merge-patch+json" => PatchKind::Merge,
        "application/json-patch+json" => PatchKind::Json,
        "application/strategic-merge-patch+json" => PatchKind::Strategic,
        "application/apply-patch+yaml" => return server_side_apply(ctx, body, dry_run).await,
        other => return Err(ApiError::unsupported_media_type(other, PATCH_TYPES)),
    };
    let name = ctx.target.name.clone().unwrap_or_default();
    for _ in 0..MAX_RETRIES {
        let (old, old_rev) = load(ctx)
            .await?
            .ok_or_else(|| ApiError::not_found(info, &name))?;
        let outward = convert::outward(info, old.clone());
        let scale = ctx.target.subresource.as_deref() == Some("scale");
        let base = if scale { scale_of(&outward)? } else { outward };
        let (group, type_kind) = if scale {
            ("autoscaling", "Scale")
        } else {
            (info.group, info.kind)
        };
        let patched = apply_patch(kind, group, type_kind, &base, body)?;
        if objects::resource_version(&patched)?.is_some_and(|rv| rv != old_rev) {
            return Err(ApiError::conflict(info, &name));
        }
        if objects::name(&patched) != name {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({}) does not match the name on the URL ({name})",
                objects::name(&patched)
            )));
        }
        let incoming = if scale {
            patched
        } else {
            let typed = decode_typed(ctx, info.group, info.version, info.kind, &patched, &[])?;
            convert::inward(info, typed)?
        };
        let new = prepare_update(ctx, &old, incoming, Some(&field_manager(ctx)))?;
        if let Some(written) = commit_update(ctx, &old, old_rev, new, dry_run).await? {
            return respond_written(ctx, written);
        }
    }
    Err(ApiError::conflict(info, &name))
}

/// `PATCH` with `application/apply-patch+yaml`: server-side apply, creating the object when it
/// does not exist (201) and merging the applied configuration with field ownership otherwise.
async fn server_side_apply(ctx: &Ctx, body: &[u8], dry_run: bool) -> ApiResult<Response> {
    let info = ctx.target.info;
    let name = ctx.target.name.clone().unwrap_or_default();
    let Some(manager) = ctx.query.get("fieldManager").map(str::to_owned) else {
        let errs = [FieldError::required(
            "fieldManager",
            "is required for apply patch",
        )];
        return Err(ApiError::invalid_options(
            "PatchOptions",
            "meta.k8s.io",
            &causes(&errs),
        ));
    };
    let force = ctx.query.flag("force")?;
    let applied = crate::codec::decode_yaml(body)?;
    if !applied.is_object() {
        return Err(ApiError::bad_request(
            "the applied configuration is not an object",
        ));
    }
    if objects::name(&applied) != name {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({}) does not match the name on the URL ({name})",
            objects::name(&applied)
        )));
    }
    // Unknown fields in the configuration are refused or reported like in any other body.
    decode_typed(ctx, info.group, info.version, info.kind, &applied, &[])?;
    let api_version = info.api_version();
    let now = crate::time::format(ctx.srv.now());
    let ssa_error = |e: berth_api::ssa::SsaError| {
        let status = e.status();
        upstream_error(
            e.code(),
            status["reason"].as_str().unwrap_or(""),
            e.to_string(),
            status.get("details").cloned(),
        )
    };
    for _ in 0..MAX_RETRIES {
        let Some((old, old_rev)) = load(ctx).await? else {
            if ctx.target.subresource.is_some() {
                return Err(ApiError::not_found(info, &name));
            }
            let merged = berth_api::ssa::apply(
                info.group,
                info.kind,
                &api_version,
                None,
                &applied,
                &manager,
                force,
                &now,
            )
            .map_err(ssa_error)?;
            let mut obj = decode_typed(ctx, info.group, info.version, info.kind, &merged, &[])?;
            settle_namespace(ctx, &mut obj)?;
            objects::clear_server_fields(&mut obj);
            let (obj, rev) = create_object(ctx, obj, dry_run, None).await?;
            let mut out = convert::outward(info, obj);
            if let Some(rev) = rev {
                objects::set_resource_version(&mut out, rev);
            }
            return respond_one(ctx, &out, StatusCode::CREATED);
        };
        let live = convert::outward(info, old.clone());
        let merged = berth_api::ssa::apply(
            info.group,
            info.kind,
            &api_version,
            Some(&live),
            &applied,
            &manager,
            force,
            &now,
        )
        .map_err(ssa_error)?;
        if objects::resource_version(&applied)?.is_some_and(|rv| rv != old_rev) {
            return Err(ApiError::conflict(info, &name));
        }
        let typed = decode_typed(ctx, info.group, info.version, info.kind, &merged, &[])?;
        let new = prepare_update(ctx, &old, convert::inward(info, typed)?, None)?;
        if let Some(written) = commit_update(ctx, &old, old_rev, new, dry_run).await? {
            return respond_written(ctx, written);
        }
    }
    Err(ApiError::conflict(info, &name))
}
