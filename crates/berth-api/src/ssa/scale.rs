//! Ownership of `spec.replicas` through the `scale` subresource, as upstream's scale handler
//! keeps it: the write is recorded on a Scale object (autoscaling/v1) whose only managed field
//! is `spec.replicas`, then moved back onto the parent's entries.
//!
//! Two upstream quirks follow from that and are kept: a parent whose `spec.replicas` nobody
//! owns gets no entry from a scale, and the parent's `scale` entries carry no `time`.

use serde_json::{Value, json};

use super::managed::{self, Managed, VSet};
use super::path::{Path, Pe};
use super::set::Set;
use super::updater::{self, Ctx};

const SCALE_VERSION: &str = "autoscaling/v1";

fn replicas_path() -> Path {
    vec![Pe::field("spec"), Pe::field("replicas")]
}

/// The managers of the parent after `manager` changed it through `scale` from `old` to `new`.
pub(crate) fn record(
    parent_ctx: &Ctx,
    old: &Value,
    new: &Value,
    manager: &str,
    now: &str,
) -> Managed {
    let parent = managed::decode(old.pointer("/metadata/managedFields")).unwrap_or_default();
    let replicas = replicas_path();
    let only_replicas = Set::of(std::slice::from_ref(&replicas));

    // The parent's owners of spec.replicas, as entries of the Scale object.
    let mut sub = Managed::default();
    for (id, vs) in &parent.fields {
        if vs.api_version == parent_ctx.api_version && vs.set.has(&replicas) {
            let entry = VSet {
                set: only_replicas.clone(),
                api_version: SCALE_VERSION.to_owned(),
                applied: vs.applied,
            };
            sub.fields.insert(id.clone(), entry);
            if let Some(t) = parent.times.get(id) {
                sub.times.insert(id.clone(), t.clone());
            }
        }
    }
    let mut sub = managed::reencode(&sub);
    // A Scale without managers is not tracked (it exists, so nothing is adopted).
    if !sub.fields.is_empty() {
        let ctx = Ctx::new("autoscaling", "Scale", SCALE_VERSION, Some("scale"));
        let scale_of = |o: &Value| {
            let r = o.pointer("/spec/replicas").cloned().unwrap_or(json!(0));
            json!({"spec": {"replicas": r}})
        };
        sub = updater::update_chain(&ctx, &scale_of(old), &scale_of(new), sub, manager, now);
        sub = managed::reencode(&sub);
    }

    // Back onto the parent: owners that lost spec.replicas lose it on the parent too, and the
    // Scale's new owners own it there.
    let mut out = Managed::default();
    let mut sub_fields = sub.fields;
    for (id, vs) in &parent.fields {
        let keep_time = |out: &mut Managed| {
            if let Some(t) = parent.times.get(id) {
                out.times.insert(id.clone(), t.clone());
            }
        };
        // Entries without spec.replicas, and owners the Scale kept, stay as they are.
        if vs.api_version != parent_ctx.api_version
            || !vs.set.has(&replicas)
            || sub_fields.remove(id).is_some()
        {
            out.fields.insert(id.clone(), vs.clone());
            keep_time(&mut out);
        } else {
            let rest = vs.set.difference(&only_replicas);
            if !rest.is_empty() {
                out.fields.insert(
                    id.clone(),
                    VSet {
                        set: rest,
                        ..vs.clone()
                    },
                );
                keep_time(&mut out);
            }
        }
    }
    for (id, vs) in sub_fields {
        if vs.set.has(&replicas) {
            let entry = VSet {
                set: only_replicas.clone(),
                api_version: parent_ctx.api_version.clone(),
                applied: vs.applied,
            };
            if let Some(t) = parent.times.get(&id) {
                out.times.insert(id.clone(), t.clone());
            }
            out.fields.insert(id, entry);
        }
    }
    out
}
