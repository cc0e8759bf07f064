//! Object bookkeeping shared by the handlers: store keys, the stored form, and the metadata the
//! server owns (`uid`, `creationTimestamp`, `resourceVersion`, `generation`).

use bytes::Bytes;
use serde_json::{Map, Value, json};

use berth_api::registry::{GenerationPolicy, ResourceInfo};
use berth_store::KeyValue;

use crate::status::{ApiError, ApiResult};

/// The store key of one object.
pub fn key(info: &ResourceInfo, namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) if info.namespaced() => format!("{}{ns}/{name}", prefix(info)),
        _ => format!("{}{name}", prefix(info)),
    }
}

/// The key prefix of a resource (all namespaces).
pub fn prefix(info: &ResourceInfo) -> String {
    let group = if info.group.is_empty() {
        "core"
    } else {
        info.group
    };
    format!("/registry/{group}/{}/", info.plural)
}

/// The key prefix of a resource inside one namespace.
pub fn namespace_prefix(info: &ResourceInfo, namespace: &str) -> String {
    format!("{}{namespace}/", prefix(info))
}

/// Decodes a stored value and stamps it with the revision that wrote it.
pub fn from_store(kv: &KeyValue) -> ApiResult<Value> {
    let mut obj: Value = serde_json::from_slice(&kv.value)
        .map_err(|e| ApiError::internal(format!("stored object {} is corrupt: {e}", kv.key)))?;
    set_resource_version(&mut obj, kv.mod_revision);
    Ok(obj)
}

/// The bytes to store: the object without its `resourceVersion`, which is the store's revision.
pub fn to_store(obj: &Value) -> ApiResult<Bytes> {
    let mut obj = obj.clone();
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("resourceVersion");
    }
    serde_json::to_vec(&obj)
        .map(Bytes::from)
        .map_err(ApiError::internal)
}

/// `metadata` as a map, created if missing or not an object. Request bodies are checked to be
/// JSON objects when decoded, so `obj` is always an object here.
pub fn meta_mut(obj: &mut Value) -> &mut Map<String, Value> {
    if !obj.is_object() {
        *obj = json!({});
    }
    if !obj.get("metadata").is_some_and(Value::is_object) {
        obj["metadata"] = json!({});
    }
    obj.get_mut("metadata")
        .and_then(Value::as_object_mut)
        .expect("metadata was made an object above")
}

/// A string field of `metadata`.
pub fn meta_str<'a>(obj: &'a Value, field: &str) -> Option<&'a str> {
    obj.get("metadata")?.get(field)?.as_str()
}

/// `metadata.name`.
pub fn name(obj: &Value) -> &str {
    meta_str(obj, "name").unwrap_or("")
}

/// Sets `metadata.resourceVersion`.
pub fn set_resource_version(obj: &mut Value, rev: i64) {
    meta_mut(obj).insert("resourceVersion".into(), json!(rev.to_string()));
}

/// `metadata.resourceVersion` parsed, if the object carries one. A value that is not a
/// revision is a bad request rather than a conflict, as upstream answers.
pub fn resource_version(obj: &Value) -> ApiResult<Option<i64>> {
    match meta_str(obj, "resourceVersion") {
        None | Some("") => Ok(None),
        Some(rv) => parse_resource_version(rv).map(Some),
    }
}

/// Parses a resource version given by a client.
pub fn parse_resource_version(rv: &str) -> ApiResult<i64> {
    rv.parse::<i64>()
        .ok()
        .filter(|v| *v >= 0)
        .ok_or_else(|| ApiError::bad_request(format!("invalid resource version: {rv}")))
}

/// Fills in `apiVersion` and `kind` for `info`.
pub fn set_type_meta(obj: &mut Value, info: &ResourceInfo) {
    if let Some(map) = obj.as_object_mut() {
        map.insert("apiVersion".into(), json!(info.api_version()));
        map.insert("kind".into(), json!(info.kind));
    }
}

/// The fields a client may not set on create: the server owns them.
pub fn clear_server_fields(obj: &mut Value) {
    let meta = meta_mut(obj);
    for field in [
        "uid",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "selfLink",
        "resourceVersion",
        "generation",
    ] {
        meta.remove(field);
    }
}

/// Whether `metadata.generation` must move from `old` to `new` under `policy`.
pub fn generation_changed(policy: GenerationPolicy, old: &Value, new: &Value) -> bool {
    let spec_changed = old.get("spec") != new.get("spec");
    match policy {
        GenerationPolicy::None => false,
        GenerationPolicy::Spec => spec_changed,
        GenerationPolicy::SpecOrAnnotations => {
            spec_changed
                || old.get("metadata").and_then(|m| m.get("annotations"))
                    != new.get("metadata").and_then(|m| m.get("annotations"))
        }
        GenerationPolicy::NonMetadataOrLabels => {
            let strip = |v: &Value| {
                let mut v = v.clone();
                if let Some(map) = v.as_object_mut() {
                    map.remove("metadata");
                }
                v
            };
            strip(old) != strip(new)
                || old.get("metadata").and_then(|m| m.get("labels"))
                    != new.get("metadata").and_then(|m| m.get("labels"))
        }
    }
}

/// `metadata.generation` as a number (0 when unset).
pub fn generation(obj: &Value) -> i64 {
    obj.get("metadata")
        .and_then(|m| m.get("generation"))
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

/// `metadata.finalizers` as strings.
pub fn finalizers(obj: &Value) -> Vec<String> {
    obj.get("metadata")
        .and_then(|m| m.get("finalizers"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Whether the object is being deleted.
pub fn is_deleting(obj: &Value) -> bool {
    meta_str(obj, "deletionTimestamp").is_some()
}

/// `metadata.labels` as a map of strings.
pub fn labels(obj: &Value) -> std::collections::BTreeMap<String, String> {
    obj.get("metadata")
        .and_then(|m| m.get("labels"))
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use berth_api::Registry;

    #[test]
    fn keys_separate_namespaces_and_scopes() {
        let pods = Registry.by_plural("", "v1", "pods").expect("served");
        let nodes = Registry.by_plural("", "v1", "nodes").expect("served");
        let sts = Registry
            .by_plural("apps", "v1", "statefulsets")
            .expect("served");
        assert_eq!(
            key(pods, Some("db"), "web-0"),
            "/registry/core/pods/db/web-0"
        );
        assert_eq!(key(nodes, None, "n1"), "/registry/core/nodes/n1");
        assert_eq!(
            key(sts, Some("db"), "web"),
            "/registry/apps/statefulsets/db/web"
        );
        assert!(key(pods, Some("db"), "x").starts_with(&namespace_prefix(pods, "db")));
        assert!(!key(pods, Some("dbx"), "x").starts_with(&namespace_prefix(pods, "db")));
    }

    #[test]
    fn stored_form_drops_resource_version() {
        let obj = json!({"metadata": {"name": "a", "resourceVersion": "7"}});
        let bytes = to_store(&obj).expect("encodes");
        let kv = KeyValue {
            key: "k".into(),
            value: bytes,
            create_revision: 3,
            mod_revision: 9,
        };
        let back = from_store(&kv).expect("decodes");
        assert_eq!(back["metadata"]["resourceVersion"], "9");
    }

    #[test]
    fn generation_policies() {
        let a = json!({"metadata": {"annotations": {"x": "1"}, "labels": {"l": "1"}}, "spec": {"r": 1}});
        let mut b = a.clone();
        b["metadata"]["annotations"]["x"] = json!("2");
        assert!(!generation_changed(GenerationPolicy::Spec, &a, &b));
        assert!(generation_changed(
            GenerationPolicy::SpecOrAnnotations,
            &a,
            &b
        ));
        let mut c = a.clone();
        c["spec"]["r"] = json!(2);
        assert!(generation_changed(GenerationPolicy::Spec, &a, &c));
        assert!(!generation_changed(GenerationPolicy::None, &a, &c));
        let mut d = a.clone();
        d["metadata"]["labels"]["l"] = json!("2");
        assert!(generation_changed(
            GenerationPolicy::NonMetadataOrLabels,
            &a,
            &d
        ));
        assert!(!generation_changed(
            GenerationPolicy::NonMetadataOrLabels,
            &a,
            &b
        ));
    }
}
