//! Server-side apply and `metadata.managedFields`, with upstream's ownership rules.
//!
//! Every field of an object belongs to the managers that set it. [`apply`] merges an applied
//! configuration into the live object: fields the applier set before and no longer applies are
//! removed (unless someone else owns them), a field another manager owns may only be changed
//! with `force` (which moves its ownership), and equal values are shared without conflict.
//! [`record_update`] keeps the ownership of every other write (create, update, non-apply
//! patches, subresources): the writer takes each field it changed.
//!
//! Lists and objects are tracked per item and per key as their schema says
//! (`x-kubernetes-list-type`, `-list-map-keys`, `-map-type`), and ownership is written as
//! upstream writes it: one entry per manager, operation and (for updates) API version and
//! subresource, with `FieldsV1` paths such as `f:spec`, `k:{"name":"nginx"}`, `v:"x"` and `.`
//! for an item that is owned itself.

mod gojson;
mod lastapplied;
mod managed;
mod path;
mod scale;
mod schema;
mod set;
mod updater;
mod walk;

use serde_json::{Map, Value, json};

use managed::{APPLY, Id, Managed};
use path::path_string;
use updater::{ApplyError, Ctx};

/// Why an apply was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SsaError {
    /// Fields owned by other managers would change (409 Conflict).
    #[error("{}", conflict_message(.0))]
    Conflicts(Vec<Conflict>),
    /// The request is malformed: wrong kind or version, `metadata.managedFields` set (400).
    #[error("{0}")]
    Invalid(String),
    /// The configuration cannot be typed (a keyed list item without its key, duplicate
    /// keys...). Upstream answers these with a plain error, 500 without a reason.
    #[error("{0}")]
    Internal(String),
}

impl SsaError {
    /// The HTTP status code upstream answers with.
    pub fn code(&self) -> u16 {
        match self {
            SsaError::Conflicts(_) => 409,
            SsaError::Invalid(_) => 400,
            SsaError::Internal(_) => 500,
        }
    }

    /// The `Status` object upstream answers with.
    pub fn status(&self) -> Value {
        let mut s = json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {},
            "status": "Failure", "message": self.to_string(), "code": self.code(),
        });
        match self {
            SsaError::Conflicts(conflicts) => {
                let causes: Vec<Value> = conflicts
                    .iter()
                    .map(|c| {
                        json!({
                            "reason": "FieldManagerConflict",
                            "message": format!("conflict with {}", c.manager_text()),
                            "field": c.field,
                        })
                    })
                    .collect();
                s["reason"] = json!("Conflict");
                s["details"] = json!({ "causes": causes });
            }
            SsaError::Invalid(_) => s["reason"] = json!("BadRequest"),
            SsaError::Internal(_) => {}
        }
        s
    }
}

/// A field an apply would change that another manager owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The owner's name (`kubectl`, `before-first-apply`, ...).
    pub manager: String,
    /// The field as upstream prints it: `.spec.replicas`, `.spec.containers[name="a"].image`.
    pub field: String,
    /// The API version of the owner's entry.
    pub api_version: String,
    /// The owner's operation: `Apply` or `Update`.
    pub operation: String,
    /// The subresource the owner wrote through (`scale`, `status`), empty for the main resource.
    pub subresource: String,
}

impl Conflict {
    fn id(&self) -> Id {
        Id {
            manager: self.manager.clone(),
            operation: self.operation.clone(),
            api_version: self.api_version.clone(),
            subresource: self.subresource.clone(),
        }
    }

    /// The owner as upstream names it: `"kubectl"` for an applier,
    /// `"kubectl" with subresource "scale" using apps/v1` for an updater.
    fn manager_text(&self) -> String {
        let mut s = gojson::quote(&self.manager);
        if !self.subresource.is_empty() {
            s = format!("{s} with subresource {}", gojson::quote(&self.subresource));
        }
        if self.operation != APPLY {
            s = format!("{s} using {}", self.api_version);
        }
        s
    }
}

/// Upstream's 409 message: `Apply failed with 1 conflict: conflict with "m" using apps/v1:
/// .spec.replicas`, or for several, one `conflicts with "m":` line per owner (ordered by owner)
/// followed by its fields as `- .spec.replicas` lines.
pub fn conflict_message(conflicts: &[Conflict]) -> String {
    if let [c] = conflicts {
        return format!(
            "Apply failed with 1 conflict: conflict with {}: {}",
            c.manager_text(),
            c.field
        );
    }
    let mut owners: Vec<(String, &Conflict)> = Vec::new();
    for c in conflicts {
        let id = c.id().build();
        if !owners.iter().any(|(o, _)| *o == id) {
            owners.push((id, c));
        }
    }
    owners.sort_by(|a, b| a.0.cmp(&b.0));
    let mut lines = Vec::new();
    for (id, first) in owners {
        lines.push(format!("conflicts with {}:", first.manager_text()));
        for c in conflicts.iter().filter(|c| c.id().build() == id) {
            lines.push(format!("- {}", c.field));
        }
    }
    format!(
        "Apply failed with {} conflicts: {}",
        conflicts.len(),
        lines.join("\n")
    )
}

fn to_conflicts(raw: &[(String, path::Path)], managed: &Managed) -> Vec<Conflict> {
    raw.iter()
        .map(|(id, p)| {
            let parts = Id::parse(id);
            let vs = managed.fields.get(id);
            let applied = vs.is_some_and(|v| v.applied) || parts.operation == APPLY;
            Conflict {
                manager: parts.manager,
                field: path_string(p),
                api_version: if parts.api_version.is_empty() {
                    vs.map(|v| v.api_version.clone()).unwrap_or_default()
                } else {
                    parts.api_version
                },
                operation: if applied { APPLY } else { managed::UPDATE }.to_owned(),
                subresource: parts.subresource,
            }
        })
        .collect()
}

fn apply_error(e: ApplyError, managed: &Managed) -> SsaError {
    match e {
        ApplyError::Conflicts(c) => SsaError::Conflicts(to_conflicts(&c, managed)),
        ApplyError::BadRequest(m) => SsaError::Invalid(m),
        ApplyError::Internal(m) => SsaError::Internal(m),
    }
}

fn managed_fields(obj: &Value) -> Option<&Value> {
    obj.pointer("/metadata/managedFields")
}

fn without_managed_fields(obj: &Value) -> Value {
    let mut o = obj.clone();
    set_managed_fields(&mut o, None);
    o
}

fn set_managed_fields(obj: &mut Value, entries: Option<Value>) {
    let Some(root) = obj.as_object_mut() else {
        return;
    };
    match entries {
        Some(e) => {
            let meta = root
                .entry("metadata")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(meta) = meta.as_object_mut() {
                meta.insert("managedFields".to_owned(), e);
            }
        }
        None => {
            if let Some(meta) = root.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.remove("managedFields");
            }
        }
    }
}

/// Server-side apply of `applied` by `manager` (query `fieldManager`) onto `live` (`None`
/// creates). `api_version` is the version of the endpoint (`apps/v1`, `v1`); `now` is RFC 3339
/// (`2026-11-24T04:13:27Z`). Returns the new object (before defaulting and validation) with
/// its `metadata.managedFields`; an unchanged object keeps its entry times.
///
/// Through the main resource of a kind with a status subresource, the applied `status` is
/// neither kept nor owned. When `manager` is `kubectl`, conflicts with values still recorded in
/// the `last-applied-configuration` annotation are taken over, and an existing annotation is
/// rewritten to the applied configuration, as upstream does for kubectl.
#[allow(clippy::too_many_arguments)]
pub fn apply(
    group: &str,
    kind: &str,
    api_version: &str,
    live: Option<&Value>,
    applied: &Value,
    manager: &str,
    force: bool,
    now: &str,
) -> Result<Value, SsaError> {
    let ctx = Ctx::new(group, kind, api_version, None);
    let version = api_version.rsplit('/').next().unwrap_or(api_version);
    let got = updater::gvk_string(applied);
    if got != format!("{group}/{version}, Kind={kind}") || !applied.is_object() {
        return Err(SsaError::Invalid(format!("invalid object type: {got}")));
    }
    let live_obj = live.map_or_else(|| json!({}), without_managed_fields);
    let managed = match live {
        Some(l) => managed::decode(managed_fields(l))
            .map_err(|e| SsaError::Internal(format!("failed to decode managed fields: {e}")))?,
        None => Managed::default(),
    };
    let run = |force: bool| {
        updater::apply_chain(
            &ctx,
            &live_obj,
            applied,
            managed.clone(),
            manager,
            force,
            now,
        )
    };
    let (mut obj, after) = match run(force) {
        Ok(r) => r,
        Err(ApplyError::Conflicts(c)) if manager == lastapplied::KUBECTL => {
            match lastapplied::allowed_conflicts(&ctx, &live_obj) {
                Some(allowed) => {
                    let rest = lastapplied::unexplained(&c, &allowed);
                    if !rest.is_empty() {
                        return Err(SsaError::Conflicts(to_conflicts(&rest, &managed)));
                    }
                    run(true).map_err(|e| apply_error(e, &managed))?
                }
                None => return Err(SsaError::Conflicts(to_conflicts(&c, &managed))),
            }
        }
        Err(e) => return Err(apply_error(e, &managed)),
    };
    if manager == lastapplied::KUBECTL && lastapplied::has_last_applied(&obj) {
        lastapplied::update_annotation(&mut obj, applied);
    }
    if ctx.reset.has(&[path::Pe::field("status")])
        && let Some(o) = obj.as_object_mut()
    {
        // The main resource never writes status: the live one stays.
        match live_obj.get("status") {
            Some(s) => o.insert("status".to_owned(), s.clone()),
            None => o.remove("status"),
        };
    }
    set_managed_fields(&mut obj, managed::encode(&after));
    Ok(obj)
}

/// Records a non-apply write by `manager` (create, update, patch; `subresource` `status` or
/// `scale` for those endpoints): `new` is the object about to be stored (after defaulting),
/// `old` the stored one (`None` on create). The writer takes every field it changed, in an
/// `Update` entry for its name, `api_version` and subresource, timed `now` when it changed
/// something; other managers lose those fields.
///
/// As upstream: managed fields sent in `new` replace the stored ones (`[]` or `[{}]` clears
/// them) except through a subresource; an existing object without managed fields stays
/// untracked; through `scale` only `spec.replicas` is tracked, and only once someone owns it.
#[allow(clippy::too_many_arguments)]
pub fn record_update(
    group: &str,
    kind: &str,
    api_version: &str,
    old: Option<&Value>,
    new: &mut Value,
    manager: &str,
    subresource: Option<&str>,
    now: &str,
) {
    let ctx = Ctx::new(group, kind, api_version, subresource);
    if let (Some("scale"), Some(old)) = (subresource, old) {
        let after = scale::record(&ctx, old, new, manager, now);
        set_managed_fields(new, managed::encode(&after));
        return;
    }
    let managed = decode_live_or_new(old, new, subresource.is_some());
    set_managed_fields(new, None);
    if managed.fields.is_empty() && old.is_some() {
        return;
    }
    let live = old.map_or_else(|| schema::zero_object(group, kind), without_managed_fields);
    let after = updater::update_chain(&ctx, &live, new, managed, manager, now);
    set_managed_fields(new, managed::encode(&after));
}

/// The managers a write starts from: those it sends, unless it sends none, sends unreadable
/// ones or writes a subresource; `[]` and `[{}]` reset them.
fn decode_live_or_new(old: Option<&Value>, new: &Value, ignore_new: bool) -> Managed {
    let live = || {
        old.and_then(|o| managed::decode(managed_fields(o)).ok())
            .unwrap_or_default()
    };
    if ignore_new {
        return live();
    }
    let sent = managed_fields(new);
    if let Some(Value::Array(entries)) = sent {
        let empty_entry = |e: &Value| {
            e.as_object().is_some_and(|m| {
                m.values().all(|v| match v {
                    Value::Null => true,
                    Value::String(s) => s.is_empty(),
                    _ => false,
                })
            })
        };
        if entries.is_empty() || (entries.len() == 1 && empty_entry(&entries[0])) {
            return Managed::default();
        }
    }
    match managed::decode(sent) {
        Ok(m) if !m.fields.is_empty() => m,
        _ => live(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
