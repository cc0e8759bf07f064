//! `create`, `update` (PUT) and `patch`, with the server-owned metadata, the status and scale
//! subresource split, optimistic concurrency and finalizer-driven removal.

use axum::response::Response;
use base64::Engine;
use http::StatusCode;
use rand::Rng;
use serde_json::{Value, json};

use berth_api::Registry;
use berth_api::registry::{GenerationPolicy, ResourceInfo};
use berth_api::validation::{self, FieldError};
use berth_store::Error as StoreError;

use super::Ctx;
use super::namespaces::check_namespace_open;
use super::read::{load, respond_one, scale_of, store_error};
use crate::codec::decode_object_strict;
use crate::convert;
use crate::objects;
use crate::request::FieldValidation;
use crate::status::{ApiError, ApiResult, Cause};

/// How many times a write without a precondition retries after losing a race.
pub(crate) const MAX_RETRIES: usize = 16;

/// Field errors as `Status` causes.
pub(crate) fn causes(errs: &[FieldError]) -> Vec<Cause> {
    errs.iter()
        .map(|e| Cause {
            reason: e.reason().to_owned(),
            message: e.body(),
            field: e.field.clone(),
        })
        .collect()
}

/// Decodes `obj` into its Kubernetes type as upstream's decoder does: wrong types are a `400`,
/// and unknown fields are refused, warned about or dropped per `fieldValidation`.
pub(crate) fn decode_typed(
    ctx: &Ctx,
    group: &str,
    version: &str,
    kind: &str,
    obj: &Value,
    duplicates: &[String],
) -> ApiResult<Value> {
    use berth_api::schema;
    // The type's decoder wants its own apiVersion and kind; a body may leave them out.
    let mut obj = obj.clone();
    if let Some(map) = obj.as_object_mut() {
        let api_version = if group.is_empty() {
            version.to_owned()
        } else {
            format!("{group}/{version}")
        };
        map.entry("apiVersion")
            .or_insert_with(|| json!(api_version));
        map.entry("kind").or_insert_with(|| json!(kind));
    }
    let decoded = schema::decode(group, kind, &obj)
        .map_err(|e| ApiError::bad_request(schema::cannot_handle(kind, version, &e.0)))?;
    if !decoded.unknown.is_empty() || !duplicates.is_empty() {
        match ctx.query.field_validation()? {
            FieldValidation::Strict => {
                return Err(ApiError::bad_request(schema::cannot_handle(
                    kind,
                    version,
                    &schema::strict_message(&decoded.unknown, duplicates),
                )));
            }
            FieldValidation::Warn => {
                for f in &decoded.unknown {
                    ctx.warn(format!("unknown field \"{f}\""));
                }
                for f in duplicates {
                    ctx.warn(format!("duplicate field \"{f}\""));
                }
            }
            FieldValidation::Ignore => {}
        }
    }
    Ok(decoded.object)
}

/// Refuses a body whose `apiVersion`/`kind` name another resource.
fn check_type_meta(obj: &Value, group: &str, version: &str, kind: &str) -> ApiResult<()> {
    let expected = if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    };
    if let Some(av) = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        && av != expected
    {
        return Err(ApiError::bad_request(format!(
            "the API version in the data ({av}) does not match the expected API version ({expected})"
        )));
    }
    if let Some(k) = obj
        .get("kind")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        && k != kind
    {
        return Err(ApiError::bad_request(format!(
            "the kind in the data ({k}) does not match the expected kind ({kind})"
        )));
    }
    Ok(())
}

fn random_suffix() -> String {
    let alphabet = validation::GENERATE_NAME_ALPHABET.as_bytes();
    let mut rng = rand::rng();
    (0..5)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

/// Puts the request's namespace into the object, or refuses a mismatch (upstream's
/// `BeforeCreate`/`BeforeUpdate` namespace check).
pub(crate) fn settle_namespace(ctx: &Ctx, obj: &mut Value) -> ApiResult<()> {
    let info = ctx.target.info;
    let meta = objects::meta_mut(obj);
    if !info.namespaced() {
        meta.remove("namespace");
        return Ok(());
    }
    let Some(url_ns) = ctx.target.namespace.as_deref() else {
        return Err(ApiError::method_not_supported(info, "create"));
    };
    match meta.get("namespace").and_then(Value::as_str) {
        None | Some("") => {
            meta.insert("namespace".into(), json!(url_ns));
            Ok(())
        }
        Some(ns) if ns == url_ns => Ok(()),
        Some(_) => Err(ApiError::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        )),
    }
}

/// A Secret's `stringData` is write-only: it is merged into `data` (winning on a clash) and
/// dropped, as upstream's conversion does.
fn fold_string_data(info: &ResourceInfo, obj: &mut Value) {
    if !(info.group.is_empty() && info.plural == "secrets") {
        return;
    }
    let Some(string_data) = obj.as_object_mut().and_then(|m| m.remove("stringData")) else {
        return;
    };
    let Some(entries) = string_data.as_object() else {
        return;
    };
    if !obj.get("data").is_some_and(Value::is_object) {
        obj["data"] = json!({});
    }
    for (k, v) in entries {
        let text = v.as_str().unwrap_or_default();
        obj["data"][k] = json!(base64::engine::general_purpose::STANDARD.encode(text));
    }
}

/// What the registry strategy does to a new object of `info` before defaulting (which covers
/// the rest, Namespace finalizer and status included).
fn prepare_create(info: &ResourceInfo, obj: &mut Value) {
    fold_string_data(info, obj);
    if info.status_subresource
        && !info.create_keeps_status
        && let Some(map) = obj.as_object_mut()
    {
        map.remove("status");
    }
    if info.generation != GenerationPolicy::None {
        objects::meta_mut(obj).insert("generation".into(), json!(1));
    }
}

/// The field manager of a write: the `fieldManager` parameter, else the first word of the
/// user agent (`kubectl` for `kubectl/v1.33.1 …`), as upstream names it.
pub(crate) fn field_manager(ctx: &Ctx) -> String {
    if let Some(m) = ctx.query.get("fieldManager") {
        return m.to_owned();
    }
    ctx.headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .and_then(|ua| ua.split('/').next())
        .filter(|s| !s.is_empty())
        .unwrap_or("unknown")
        .to_owned()
}

/// `POST` to a collection.
pub(crate) async fn create(ctx: &Ctx, body: &[u8]) -> ApiResult<Response> {
    let info = ctx.target.info;
    let dry_run = ctx.query.dry_run()?;
    ctx.query.field_validation()?;
    let body = decode_object_strict(&ctx.headers, body)?;
    check_type_meta(&body.value, info.group, info.version, info.kind)?;
    let mut obj = decode_typed(
        ctx,
        info.group,
        info.version,
        info.kind,
        &body.value,
        &body.duplicates,
    )?;
    settle_namespace(ctx, &mut obj)?;
    objects::clear_server_fields(&mut obj);
    let manager = field_manager(ctx);
    let (obj, rev) = create_object(ctx, obj, dry_run, Some(&manager)).await?;
    let mut out = convert::outward(info, obj);
    if let Some(rev) = rev {
        objects::set_resource_version(&mut out, rev);
    }
    respond_one(ctx, &out, StatusCode::CREATED)
}

/// Validates and stores a new object (already namespaced and stripped of server fields).
/// Returns the stored object and its revision (`None` for a dry run).
pub(crate) async fn create_object(
    ctx: &Ctx,
    mut obj: Value,
    dry_run: bool,
    manager: Option<&str>,
) -> ApiResult<(Value, Option<i64>)> {
    let info = ctx.target.info;
    let generate = objects::name(&obj)
        .is_empty()
        .then(|| objects::meta_str(&obj, "generateName").map(str::to_owned))
        .flatten()
        .filter(|g| !g.is_empty());
    if let Some(prefix) = &generate {
        let name = validation::generate_name(prefix, &random_suffix());
        objects::meta_mut(&mut obj).insert("name".into(), json!(name));
    }
    prepare_create(info, &mut obj);
    let now = ctx.srv.now();
    let now_s = crate::time::format(now);
    berth_api::defaults::apply_on_create(info.group, info.kind, &mut obj, &now_s).map_err(
        |berth_api::defaults::AdmissionError::Forbidden(why)| {
            ApiError::forbidden(info, objects::name(&obj), why)
        },
    )?;
    if info.group.is_empty() && info.plural == "persistentvolumeclaims" {
        // The DefaultStorageClass admission plugin: a claim that names no class gets the
        // cluster's default one.
        let classes = storage_classes(ctx).await?;
        berth_api::defaults::default_storage_class(&mut obj, &classes);
    }
    let errs = validation::validate_create(info, &obj);
    if !errs.is_empty() {
        return Err(ApiError::invalid(info, objects::name(&obj), &causes(&errs)));
    }
    if info.namespaced() {
        let ns = objects::meta_str(&obj, "namespace")
            .unwrap_or("")
            .to_owned();
        check_namespace_open(ctx, &ns, info, objects::name(&obj)).await?;
    }
    let meta = objects::meta_mut(&mut obj);
    meta.insert("uid".into(), json!(uuid::Uuid::new_v4().to_string()));
    meta.insert("creationTimestamp".into(), json!(now_s));
    if let Some(manager) = manager {
        berth_api::ssa::record_update(
            info.group,
            info.kind,
            &info.api_version(),
            None,
            &mut obj,
            manager,
            None,
            &now_s,
        );
    }
    let mut obj = convert::inward(info, obj)?;
    let storage = Registry.storage_of(info);
    let mut attempts = 0;
    loop {
        let name = objects::name(&obj).to_owned();
        let key = objects::key(storage, objects::meta_str(&obj, "namespace"), &name);
        if dry_run {
            return match ctx.srv.store().get(&key).await.map_err(store_error)? {
                Some(_) => Err(ApiError::already_exists(info, &name)),
                None => Ok((obj, None)),
            };
        }
        match ctx.srv.store().create(&key, objects::to_store(&obj)?).await {
            Ok(rev) => {
                objects::set_resource_version(&mut obj, rev);
                return Ok((obj, Some(rev)));
            }
            Err(StoreError::AlreadyExists { .. }) => {
                if let Some(prefix) = generate.as_deref().filter(|_| attempts < 7) {
                    attempts += 1;
                    let name = validation::generate_name(prefix, &random_suffix());
                    objects::meta_mut(&mut obj).insert("name".into(), json!(name));
                    continue;
                }
                let mut err = ApiError::already_exists(info, &name);
                if generate.is_some() {
                    err.message.push_str(
                        ", the server was not able to generate a unique name for the object",
                    );
                    err.retry_after = Some(1);
                } else if let Some(kv) = ctx.srv.store().get(&key).await.map_err(store_error)?
                    && objects::is_deleting(&objects::from_store(&kv)?)
                {
                    err.message = format!("object is being deleted: {}", err.message);
                }
                return Err(err);
            }
            Err(e) => return Err(store_error(e)),
        }
    }
}

/// Every StorageClass, as the DefaultStorageClass admission plugin sees them.
async fn storage_classes(ctx: &Ctx) -> ApiResult<Vec<Value>> {
    let Some(info) = Registry.by_plural("storage.k8s.io", "v1", "storageclasses") else {
        return Ok(Vec::new());
    };
    let page = ctx
        .srv
        .store()
        .list(berth_store::ListOptions {
            prefix: objects::prefix(info),
            ..Default::default()
        })
        .await
        .map_err(store_error)?;
    page.items.iter().map(objects::from_store).collect()
}

/// Builds the object to store from the current one and the client's version, for the main
/// resource or a subresource: the strategy's merge, defaulting, and the managed fields of
/// `manager` (`None` for server-side apply, which computed them already).
pub(crate) fn prepare_update(
    ctx: &Ctx,
    old: &Value,
    incoming: Value,
    manager: Option<&str>,
) -> ApiResult<Value> {
    let storage = Registry.storage_of(ctx.target.info);
    let mut new = merge_update(ctx, old, incoming)?;
    berth_api::defaults::apply_on_update(storage.group, storage.kind, old, &mut new);
    if let Some(manager) = manager {
        let now = crate::time::format(ctx.srv.now());
        berth_api::ssa::record_update(
            storage.group,
            storage.kind,
            &ctx.target.info.api_version(),
            Some(old),
            &mut new,
            manager,
            ctx.target.subresource.as_deref(),
            &now,
        );
    }
    Ok(new)
}

/// The registry strategy's update: what the client may change through this endpoint.
fn merge_update(ctx: &Ctx, old: &Value, incoming: Value) -> ApiResult<Value> {
    let info = ctx.target.info;
    let storage = Registry.storage_of(info);
    let mut new = match ctx.target.subresource.as_deref() {
        Some("status") => {
            let mut new = old.clone();
            match incoming.get("status") {
                Some(s) => new["status"] = s.clone(),
                None => {
                    if let Some(map) = new.as_object_mut() {
                        map.remove("status");
                    }
                }
            }
            return Ok(new);
        }
        Some("finalize") => {
            let mut new = old.clone();
            let finalizers = incoming
                .pointer("/spec/finalizers")
                .cloned()
                .unwrap_or_else(|| json!([]));
            new["spec"]["finalizers"] = finalizers;
            return Ok(new);
        }
        Some("scale") => {
            let replicas = incoming
                .pointer("/spec/replicas")
                .and_then(Value::as_i64)
                .ok_or_else(|| ApiError::bad_request("scale: spec.replicas is required"))?;
            if replicas < 0 {
                let errs = [FieldError::invalid(
                    "spec.replicas",
                    replicas,
                    "must be greater than or equal to 0",
                )];
                return Err(ApiError::invalid_options(
                    "Scale",
                    "autoscaling",
                    &causes(&errs),
                ));
            }
            let mut new = old.clone();
            new["spec"]["replicas"] = json!(replicas);
            new
        }
        _ => {
            // Defaults first, so that a field the client left to its default does not count as
            // a spec change below.
            let mut incoming = incoming;
            berth_api::defaults::apply_on_update(storage.group, storage.kind, old, &mut incoming);
            incoming
        }
    };
    fold_string_data(info, &mut new);
    if info.status_subresource {
        match old.get("status") {
            Some(s) => new["status"] = s.clone(),
            None => {
                if let Some(map) = new.as_object_mut() {
                    map.remove("status");
                }
            }
        }
    }
    if info.group.is_empty() && info.plural == "namespaces" {
        new["spec"] = old.get("spec").cloned().unwrap_or_else(|| json!({}));
    }
    let old_meta = old.get("metadata").cloned().unwrap_or_else(|| json!({}));
    let meta = objects::meta_mut(&mut new);
    if meta
        .get("uid")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
        && let Some(uid) = old_meta.get("uid")
    {
        meta.insert("uid".into(), uid.clone());
    }
    for field in ["creationTimestamp", "deletionTimestamp", "generation"] {
        match old_meta.get(field) {
            Some(v) => meta.insert(field.into(), v.clone()),
            None => meta.remove(field),
        };
    }
    if !meta.contains_key("deletionGracePeriodSeconds")
        && let Some(v) = old_meta.get("deletionGracePeriodSeconds")
    {
        meta.insert("deletionGracePeriodSeconds".into(), v.clone());
    }
    meta.remove("selfLink");
    if objects::generation_changed(info.generation, old, &new) {
        let g = objects::generation(old) + 1;
        objects::meta_mut(&mut new).insert("generation".into(), json!(g));
    }
    Ok(new)
}

/// Whether an update leaves an object that is being deleted with nothing holding it.
fn released(info: &ResourceInfo, obj: &Value) -> bool {
    if !objects::is_deleting(obj) || !objects::finalizers(obj).is_empty() {
        return false;
    }
    if info.plural == "namespaces" && info.group.is_empty() {
        return obj
            .pointer("/spec/finalizers")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty);
    }
    if info.plural == "pods" && info.group.is_empty() {
        // A pod is removed by its kubelet once its grace period is over.
        return obj
            .pointer("/metadata/deletionGracePeriodSeconds")
            .and_then(Value::as_i64)
            .unwrap_or(0)
            == 0;
    }
    true
}

/// Outcome of a committed write.
pub(crate) enum Written {
    /// Stored at a revision.
    Stored(Value),
    /// Removed: the last finalizer went away from an object being deleted.
    Removed(Value),
}

/// Validates `new` against `old` and commits it with compare-and-swap on `old_rev`.
/// `Ok(None)` means the store moved on and the caller should retry on fresh state.
pub(crate) async fn commit_update(
    ctx: &Ctx,
    old: &Value,
    old_rev: i64,
    new: Value,
    dry_run: bool,
) -> ApiResult<Option<Written>> {
    commit(ctx, old, old_rev, new, dry_run, true).await
}

/// Marks an object for deletion: the server's own metadata change, which is not a client
/// update and so skips update validation (upstream's `BeforeDelete` path).
pub(crate) async fn commit_deletion_mark(
    ctx: &Ctx,
    old: &Value,
    old_rev: i64,
    new: Value,
    dry_run: bool,
) -> ApiResult<Option<Written>> {
    commit(ctx, old, old_rev, new, dry_run, false).await
}

async fn commit(
    ctx: &Ctx,
    old: &Value,
    old_rev: i64,
    new: Value,
    dry_run: bool,
    validate: bool,
) -> ApiResult<Option<Written>> {
    let info = ctx.target.info;
    let storage = Registry.storage_of(info);
    let name = objects::name(old).to_owned();
    // The write is compare-and-swap on `old_rev` whatever the client sent, so validate it as
    // the conditional update it is.
    let mut new = new;
    objects::set_resource_version(&mut new, old_rev);
    let errs = if validate {
        validation::validate_update(storage, &new, old)
    } else {
        Vec::new()
    };
    if !errs.is_empty() {
        return Err(ApiError::invalid(info, &name, &causes(&errs)));
    }
    if objects::is_deleting(old) {
        let before = objects::finalizers(old);
        let added: Vec<String> = objects::finalizers(&new)
            .into_iter()
            .filter(|f| !before.contains(f))
            .collect();
        if !added.is_empty() {
            let list = added
                .iter()
                .map(|f| format!("{f:?}"))
                .collect::<Vec<_>>()
                .join(", ");
            let errs = [FieldError::forbidden(
                "metadata.finalizers",
                format!(
                    "no new finalizers can be added if the object is being deleted, found new finalizers []string{{{list}}}"
                ),
            )];
            return Err(ApiError::invalid(info, &name, &causes(&errs)));
        }
    }
    let key = objects::key(storage, objects::meta_str(old, "namespace"), &name);
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("resourceVersion");
        }
        v
    };
    if strip(old) == strip(&new) {
        // Upstream skips writes that change nothing: same object, same resourceVersion.
        let mut same = new;
        objects::set_resource_version(&mut same, old_rev);
        return Ok(Some(Written::Stored(same)));
    }
    if released(storage, &new) {
        if dry_run {
            return Ok(Some(Written::Removed(new)));
        }
        return match ctx.srv.store().delete(&key, Some(old_rev)).await {
            Ok((rev, _)) => {
                let mut gone = new;
                objects::set_resource_version(&mut gone, rev);
                Ok(Some(Written::Removed(gone)))
            }
            Err(StoreError::Conflict { .. } | StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(store_error(e)),
        };
    }
    if dry_run {
        return Ok(Some(Written::Stored(new)));
    }
    match ctx
        .srv
        .store()
        .update(&key, objects::to_store(&new)?, old_rev)
        .await
    {
        Ok(rev) => {
            let mut stored = new;
            objects::set_resource_version(&mut stored, rev);
            Ok(Some(Written::Stored(stored)))
        }
        Err(StoreError::Conflict { .. } | StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(store_error(e)),
    }
}

pub(crate) fn respond_written(ctx: &Ctx, written: Written) -> ApiResult<Response> {
    let info = ctx.target.info;
    let obj = match written {
        Written::Stored(obj) | Written::Removed(obj) => convert::outward(info, obj),
    };
    if ctx.target.subresource.as_deref() == Some("scale") {
        return Ok(crate::codec::json_response(
            StatusCode::OK,
            &scale_of(&obj)?,
        ));
    }
    respond_one(ctx, &obj, StatusCode::OK)
}

/// `PUT` of an object or subresource.
pub(crate) async fn update(ctx: &Ctx, body: &[u8]) -> ApiResult<Response> {
    let info = ctx.target.info;
    let dry_run = ctx.query.dry_run()?;
    ctx.query.field_validation()?;
    let url_name = ctx.target.name.clone().unwrap_or_default();
    let body = decode_object_strict(&ctx.headers, body)?;
    let incoming = body.value;
    let mut incoming = if ctx.target.subresource.as_deref() == Some("scale") {
        check_type_meta(&incoming, "autoscaling", "v1", "Scale")?;
        incoming
    } else {
        check_type_meta(&incoming, info.group, info.version, info.kind)?;
        decode_typed(
            ctx,
            info.group,
            info.version,
            info.kind,
            &incoming,
            &body.duplicates,
        )?
    };
    let body_name = objects::name(&incoming).to_owned();
    if body_name != url_name {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({body_name}) does not match the name on the URL ({url_name})"
        )));
    }
    if info.namespaced() {
        settle_namespace(ctx, &mut incoming)?;
    }
    let precondition = objects::resource_version(&incoming)?;
    for _ in 0..MAX_RETRIES {
        let Some((old, old_rev)) = load(ctx).await? else {
            if info.create_on_update && ctx.target.subresource.is_none() {
                let mut obj = incoming.clone();
                objects::clear_server_fields(&mut obj);
                let (obj, rev) =
                    create_object(ctx, obj, dry_run, Some(&field_manager(ctx))).await?;
                let mut out = convert::outward(info, obj);
                if let Some(rev) = rev {
                    objects::set_resource_version(&mut out, rev);
                }
                return respond_one(ctx, &out, StatusCode::CREATED);
            }
            return Err(ApiError::not_found(info, &url_name));
        };
        if precondition.is_some_and(|rv| rv != old_rev) {
            return Err(ApiError::conflict(info, &url_name));
        }
        let new = prepare_update(
            ctx,
            &old,
            convert::inward(info, incoming.clone())?,
            Some(&field_manager(ctx)),
        )?;
        if let Some(written) = commit_update(ctx, &old, old_rev, new, dry_run).await? {
            return respond_written(ctx, written);
        }
        if precondition.is_some() {
            return Err(ApiError::conflict(info, &url_name));
        }
    }
    Err(ApiError::conflict(info, &url_name))
}
