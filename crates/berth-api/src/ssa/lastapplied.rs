//! How server-side apply by the manager `kubectl` meets client-side apply's
//! `kubectl.kubernetes.io/last-applied-configuration` annotation, as upstream does it.
//!
//! * A conflict on a field whose live value still equals the annotation's is no conflict: the
//!   user is moving the object from client-side to server-side apply, and the apply is forced.
//! * After a successful apply, an existing annotation is rewritten to the applied
//!   configuration, so a later client-side apply computes its patch from it.

use serde_json::{Map, Value};

use super::gojson;
use super::path::Path;
use super::set::Set;
use super::updater::Ctx;
use super::walk;

/// The client-side apply annotation.
pub(crate) const ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";
/// The only field manager the annotation is kept in step with.
pub(crate) const KUBECTL: &str = "kubectl";
/// Upstream's limit on the total size of an object's annotations.
const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;

fn annotation(obj: &Value) -> Option<&str> {
    obj.pointer("/metadata/annotations")?
        .get(ANNOTATION)?
        .as_str()
        .filter(|s| !s.is_empty())
}

/// Whether `obj` carries a non-empty last-applied annotation.
pub(crate) fn has_last_applied(obj: &Value) -> bool {
    annotation(obj).is_some()
}

/// The fields whose conflicts client-side apply explains: those of the annotation whose live
/// values still match it. `None` when the annotation is missing or unusable.
pub(crate) fn allowed_conflicts(ctx: &Ctx, live: &Value) -> Option<Set> {
    let last: Value = serde_json::from_str(annotation(live)?).ok()?;
    // Upstream decodes it as an object, which needs a kind.
    last.get("kind")?.as_str().filter(|k| !k.is_empty())?;
    if last.get("apiVersion").and_then(Value::as_str) != Some(ctx.api_version.as_str()) {
        return None;
    }
    if !walk::validate(live, ctx.ty, false).is_empty()
        || !walk::validate(&last, ctx.ty, false).is_empty()
    {
        return None;
    }
    let cmp = walk::compare(&last, live, ctx.ty);
    Some(
        walk::field_set(&last, ctx.ty)
            .difference(&cmp.modified)
            .difference(&cmp.added)
            .difference(&cmp.removed),
    )
}

/// Conflicts not explained by `allowed`.
pub(crate) fn unexplained(conflicts: &[(String, Path)], allowed: &Set) -> Vec<(String, Path)> {
    conflicts
        .iter()
        .filter(|(_, p)| !allowed.has(p))
        .cloned()
        .collect()
}

/// The annotation value for an applied configuration: the configuration without the annotation,
/// as Go's JSON encoder writes it, newline included.
fn build(config: &Value) -> String {
    let mut obj = config.clone();
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        let strings = meta
            .get("annotations")
            .and_then(Value::as_object)
            .is_some_and(|a| a.values().all(Value::is_string));
        if strings {
            if let Some(a) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
                a.remove(ANNOTATION);
            }
        } else {
            meta.remove("annotations");
        }
    }
    let mut out = gojson::to_string(&obj);
    out.push('\n');
    out
}

/// Rewrites the annotation of `obj` from the applied `config`, dropping it when the
/// annotations would outgrow upstream's limit.
pub(crate) fn update_annotation(obj: &mut Value, config: &Value) {
    let value = build(config);
    let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) else {
        return;
    };
    let annotations = meta
        .entry("annotations")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(annotations) = annotations.as_object_mut() else {
        return;
    };
    annotations.insert(ANNOTATION.to_owned(), Value::String(value));
    let size: usize = annotations
        .iter()
        .map(|(k, v)| k.len() + v.as_str().map_or(0, str::len))
        .sum();
    if size > TOTAL_ANNOTATION_SIZE_LIMIT {
        annotations.remove(ANNOTATION);
    }
}
