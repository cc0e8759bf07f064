//! Ownership bookkeeping of one write, in the order upstream's field manager stacks it: the
//! structured-merge-diff updater (merge, prune, conflicts), the removal of server-set metadata,
//! the entry times, the manager identity, the cap on update entries and the adoption of
//! unowned fields (`before-first-apply`).

use std::collections::BTreeMap;

use serde_json::Value;

use super::managed::{self, APPLY, Id, Managed, UPDATE, VSet};
use super::path::{Path, values_equal};
use super::schema::{self, Ty};
use super::set::Set;
use super::walk::{self, Comparison};

/// Update entries kept before the oldest are folded into `ancient-changes`.
const MAX_UPDATE_MANAGERS: usize = 10;
/// The manager that adopts the fields of an object first applied without managed fields.
const BEFORE_FIRST_APPLY: &str = "before-first-apply";
/// The working identity of an update before it is merged into the writer's entry.
const CURRENT_OPERATION: &str = "current-operation";

/// What a write is about: the kind, the version written and the endpoint.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub(crate) group: String,
    pub(crate) kind: String,
    pub(crate) api_version: String,
    /// Empty for the main resource.
    pub(crate) subresource: String,
    pub(crate) ty: Ty,
    /// Paths this endpoint does not own (the status through the main resource and so on).
    pub(crate) reset: Set,
}

impl Ctx {
    pub(crate) fn new(
        group: &str,
        kind: &str,
        api_version: &str,
        subresource: Option<&str>,
    ) -> Ctx {
        let version = api_version.rsplit('/').next().unwrap_or(api_version);
        let status_sub = crate::Registry
            .by_kind(group, version, kind)
            .is_some_and(|r| r.status_subresource);
        Ctx {
            group: group.to_owned(),
            kind: kind.to_owned(),
            api_version: api_version.to_owned(),
            subresource: subresource.unwrap_or("").to_owned(),
            ty: Ty::root(group, kind),
            reset: Set::of(&schema::reset_paths(group, kind, status_sub, subresource)),
        }
    }

    fn id(&self, manager: &str, operation: &str) -> String {
        Id {
            manager: if manager.is_empty() {
                "unknown"
            } else {
                manager
            }
            .to_owned(),
            operation: operation.to_owned(),
            api_version: self.api_version.clone(),
            subresource: self.subresource.clone(),
        }
        .build()
    }
}

/// Conflicting paths, each with the identifier of the manager that owns it.
pub(crate) type Conflicts = Vec<(String, Path)>;

/// Why an apply failed.
#[derive(Debug)]
pub(crate) enum ApplyError {
    Conflicts(Conflicts),
    BadRequest(String),
    Internal(String),
}

/// Upstream's `Updater.update`: compares the objects, hands changed fields owned by others to
/// the writer (or reports them as conflicts) and drops removed fields from every manager.
fn update(
    ctx: &Ctx,
    old: &Value,
    new: &Value,
    fields: &mut BTreeMap<String, VSet>,
    workflow: &str,
    force: bool,
) -> Result<Comparison, Conflicts> {
    let mut cmp = walk::compare(old, new, ctx.ty);
    cmp.exclude(&ctx.reset);
    let changed = cmp.modified.union(&cmp.added);
    let mut conflicts: BTreeMap<String, Set> = BTreeMap::new();
    for (id, vs) in fields.iter() {
        if id == workflow {
            continue;
        }
        let c = vs.set.intersection(&changed);
        if !c.is_empty() {
            conflicts.insert(id.clone(), c);
        }
    }
    if !force && !conflicts.is_empty() {
        return Err(conflicts
            .into_iter()
            .flat_map(|(id, set)| set.paths().into_iter().map(move |p| (id.clone(), p)))
            .collect());
    }
    for (id, vs) in fields.iter_mut() {
        if id == workflow {
            continue;
        }
        if let Some(c) = conflicts.get(id) {
            vs.set = vs.set.difference(c);
        }
        if !cmp.removed.is_empty() {
            vs.set = vs.set.difference(&cmp.removed);
        }
    }
    fields.retain(|_, vs| !vs.set.is_empty());
    Ok(cmp)
}

/// Upstream's `Updater.Update`: the writer takes every field the write changed.
fn structured_update(
    ctx: &Ctx,
    live: &Value,
    new: &Value,
    fields: &mut BTreeMap<String, VSet>,
    id: &str,
) {
    let Ok(cmp) = update(ctx, live, new, fields, id, true) else {
        return;
    };
    let previous = fields.get(id).map(|vs| vs.set.clone()).unwrap_or_default();
    let set = previous
        .difference(&cmp.removed)
        .union(&cmp.modified)
        .union(&cmp.added)
        .recursive_difference(&ctx.reset);
    if set.is_empty() {
        fields.remove(id);
    } else {
        let api_version = ctx.api_version.clone();
        fields.insert(
            id.to_owned(),
            VSet {
                set,
                api_version,
                applied: false,
            },
        );
    }
}

/// Upstream's `Updater.Apply`: merges the configuration, prunes what the applier stopped
/// applying, settles ownership. `None` when the object does not change.
fn structured_apply(
    ctx: &Ctx,
    live: &Value,
    config: &Value,
    fields: &mut BTreeMap<String, VSet>,
    id: &str,
    force: bool,
) -> Result<Option<Value>, Conflicts> {
    let merged = walk::merge(live, config, ctx.ty);
    let last = fields.get(id).map(|vs| vs.set.clone());
    let set = walk::field_set(config, ctx.ty).recursive_difference(&ctx.reset);
    fields.insert(
        id.to_owned(),
        VSet {
            set,
            api_version: ctx.api_version.clone(),
            applied: true,
        },
    );
    let new = match last {
        Some(last) if !last.is_empty() => prune(ctx, &merged, fields, &last),
        _ => merged,
    };
    update(ctx, live, &new, fields, id, force)?;
    Ok((!values_equal(live, &new)).then_some(new))
}

/// Removes what the applier applied last time, does not apply now, and nobody else owns.
fn prune(ctx: &Ctx, merged: &Value, fields: &BTreeMap<String, VSet>, last: &Set) -> Value {
    let ty = ctx.ty;
    let named = |v: &Value| walk::field_set(v, ty).ensure_named(ty);
    let last = last.ensure_named(ty);
    let pruned = walk::remove(merged, &last, ty);
    // Add back what any manager (the applier's new configuration included) owns.
    let owned = fields
        .values()
        .fold(Set::default(), |acc, vs| acc.union(&vs.set))
        .ensure_named(ty);
    let merged_set = named(merged);
    let keep = named(&pruned).union(&owned);
    let pruned = walk::remove(merged, &merged_set.difference(&keep), ty);
    // Of what is still gone, remove only what the applier owned before.
    let gone = merged_set.difference(&named(&pruned)).intersection(&last);
    walk::remove(merged, &gone, ty)
}

/// An update through the field manager stack. Returns the managers after the write.
pub(crate) fn update_chain(
    ctx: &Ctx,
    live: &Value,
    new: &Value,
    mut managed: Managed,
    manager: &str,
    now: &str,
) -> Managed {
    let id = ctx.id(manager, UPDATE);
    structured_update(ctx, live, new, &mut managed.fields, CURRENT_OPERATION);
    managed::strip(&mut managed, CURRENT_OPERATION);
    if let Some(vs) = managed.fields.remove(CURRENT_OPERATION) {
        let merged = match managed.fields.get(&id) {
            Some(prev) => VSet {
                set: vs.set.union(&prev.set),
                ..vs
            },
            None => vs,
        };
        managed.fields.insert(id.clone(), merged);
        managed.times.insert(id, now.to_owned());
    }
    managed::cap_update_managers(&mut managed, MAX_UPDATE_MANAGERS);
    managed
}

/// An apply through the field manager stack, below the last-applied handling. Returns the new
/// object (the live one when nothing changed) and the managers.
pub(crate) fn apply_chain(
    ctx: &Ctx,
    live: &Value,
    config: &Value,
    mut managed: Managed,
    manager: &str,
    force: bool,
    now: &str,
) -> Result<(Value, Managed), ApplyError> {
    if managed.fields.is_empty() {
        // Whatever the object holds was written before anyone applied: adopt it.
        let zero = schema::zero_object(&ctx.group, &ctx.kind);
        managed = update_chain(ctx, &zero, live, managed, BEFORE_FIRST_APPLY, now);
    }
    let id = ctx.id(manager, APPLY);
    let has_managed_fields = config
        .pointer("/metadata/managedFields")
        .is_some_and(|v| !v.is_null());
    if has_managed_fields {
        return Err(ApplyError::BadRequest(
            "metadata.managedFields must be nil".to_owned(),
        ));
    }
    let errs = walk::validate(config, ctx.ty, false);
    if !errs.is_empty() {
        return Err(ApplyError::Internal(format!(
            "failed to create typed patch object ({}): {}",
            gvknn(config),
            walk::errors_text(&errs)
        )));
    }
    let new = structured_apply(ctx, live, config, &mut managed.fields, &id, force)
        .map_err(ApplyError::Conflicts)?;
    managed::strip(&mut managed, &id);
    match new {
        Some(obj) => {
            managed.times.insert(id, now.to_owned());
            Ok((obj, managed))
        }
        None => Ok((live.clone(), managed)),
    }
}

/// Upstream's `GroupVersionKind.String()` of an object: `apps/v1, Kind=Deployment`,
/// `/v1, Kind=ConfigMap`.
pub(crate) fn gvk_string(obj: &Value) -> String {
    let s = |k: &str| obj.get(k).and_then(Value::as_str).unwrap_or("");
    let api_version = s("apiVersion");
    let (group, version) = match api_version.split('/').collect::<Vec<_>>().as_slice() {
        [v] => ("", *v),
        [g, v] => (*g, *v),
        _ => ("", ""),
    };
    format!("{group}/{version}, Kind={}", s("kind"))
}

/// `namespace/name; gvk`, as upstream names an object in field manager errors.
fn gvknn(obj: &Value) -> String {
    let m = |k: &str| {
        obj.pointer(&format!("/metadata/{k}"))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    format!("{}/{}; {}", m("namespace"), m("name"), gvk_string(obj))
}
