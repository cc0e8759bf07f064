//! The list, patch and map extensions of the schemas, from berth's merge-key table
//! (`berth_api::merge_keys`), the same table the server's strategic merge patch and
//! server-side apply use, so what kubectl computes and what the server applies agree.
//!
//! The table is a type graph rooted at each kind; the schemas are a graph of definitions. Both
//! are walked together from the kind, so each table type lands on the definition that declares
//! its fields. Extensions go where upstream's generator puts them: the four list extensions and
//! field-level `x-kubernetes-map-type` on the property, a struct's `retainKeys` on the property
//! next to its reference, and type-level `x-kubernetes-map-type: atomic` on the definition.

use std::collections::{BTreeMap, BTreeSet};

use berth_api::merge_keys::{self, Field, ListField, ListType, MapType, PatchStrategy, Shape};
use serde_json::{Map, Value, json};

use super::schemas::{REF_PREFIX, ref_target};

/// Adds the extensions of `group`/`kind`'s fields to the definitions reachable from `root`
/// (the kind's definition name). Fields the table knows but the schemas lack are skipped.
pub(crate) fn apply(
    definitions: &mut BTreeMap<String, Value>,
    root: &str,
    group: &str,
    kind: &str,
) {
    let Some(ty) = merge_keys::root(group, kind) else {
        return;
    };
    let mut done = BTreeSet::new();
    let mut pending = vec![(ty, root.to_owned())];
    while let Some((ty, name)) = pending.pop() {
        if !done.insert(name.clone()) {
            continue;
        }
        let Some(Value::Object(schema)) = definitions.get_mut(&name) else {
            continue;
        };
        if ty.atomic() {
            schema.insert("x-kubernetes-map-type".into(), "atomic".into());
        }
        let Some(Value::Object(props)) = schema.get_mut("properties") else {
            continue;
        };
        for field in ty.fields() {
            let Some(Value::Object(prop)) = props.get_mut(field.name) else {
                continue;
            };
            annotate(prop, &field);
            let next = match field.shape {
                Shape::Struct(t) => ref_of(prop).map(|target| (t, target)),
                Shape::List { elem: Some(t), .. } => prop
                    .get("items")
                    .and_then(|items| ref_target(items))
                    .map(|target| (t, target.to_owned())),
                Shape::List { elem: None, .. } | Shape::Map | Shape::Opaque(_) => None,
            };
            pending.extend(next);
        }
    }
}

/// The definition a property refers to.
fn ref_of(prop: &Map<String, Value>) -> Option<String> {
    let target = prop.get("$ref")?.as_str()?.strip_prefix(REF_PREFIX)?;
    Some(target.to_owned())
}

/// The extensions of one field, on its property schema.
fn annotate(prop: &mut Map<String, Value>, field: &Field) {
    match field.shape {
        Shape::List { list, .. } => {
            for (key, value) in list_extensions(&list) {
                prop.insert(key.into(), value);
            }
        }
        Shape::Struct(_) if field.retain_keys => {
            prop.insert("x-kubernetes-patch-strategy".into(), "retainKeys".into());
        }
        _ => {}
    }
    if let Some(map_type) = field.map_type {
        let value = match map_type {
            MapType::Atomic => "atomic",
            MapType::Granular => "granular",
        };
        prop.insert("x-kubernetes-map-type".into(), value.into());
    }
}

/// The four list extensions of a list field, by upstream's rules: no strategy or merge key when
/// empty, a list type always, map keys (always an array) only for map lists.
pub(crate) fn list_extensions(list: &ListField) -> Vec<(&'static str, Value)> {
    let mut out = Vec::new();
    let strategy = match list.patch_strategy {
        PatchStrategy::Replace => None,
        PatchStrategy::Merge => Some("merge"),
        PatchStrategy::MergeRetainKeys => Some("merge,retainKeys"),
    };
    if let Some(strategy) = strategy {
        out.push(("x-kubernetes-patch-strategy", strategy.into()));
    }
    if let Some(key) = list.merge_key {
        out.push(("x-kubernetes-patch-merge-key", key.into()));
    }
    let list_type = match list.list_type {
        ListType::Atomic => "atomic",
        ListType::Set => "set",
        ListType::Map => "map",
    };
    out.push(("x-kubernetes-list-type", list_type.into()));
    if list.list_type == ListType::Map {
        out.push(("x-kubernetes-list-map-keys", json!(list.map_keys)));
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn list_extensions_follow_the_generator_rules() {
        let cases = [
            (
                // PodSpec.containers
                ListField {
                    patch_strategy: PatchStrategy::Merge,
                    merge_key: Some("name"),
                    list_type: ListType::Map,
                    map_keys: &["name"],
                },
                json!({
                    "x-kubernetes-patch-strategy": "merge",
                    "x-kubernetes-patch-merge-key": "name",
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["name"],
                }),
            ),
            (
                // ObjectMeta.finalizers
                ListField {
                    patch_strategy: PatchStrategy::Merge,
                    merge_key: None,
                    list_type: ListType::Set,
                    map_keys: &[],
                },
                json!({"x-kubernetes-patch-strategy": "merge", "x-kubernetes-list-type": "set"}),
            ),
            (
                // Container.args
                ListField {
                    patch_strategy: PatchStrategy::Replace,
                    merge_key: None,
                    list_type: ListType::Atomic,
                    map_keys: &[],
                },
                json!({"x-kubernetes-list-type": "atomic"}),
            ),
            (
                // PodSpec.volumes
                ListField {
                    patch_strategy: PatchStrategy::MergeRetainKeys,
                    merge_key: Some("name"),
                    list_type: ListType::Map,
                    map_keys: &["name"],
                },
                json!({
                    "x-kubernetes-patch-strategy": "merge,retainKeys",
                    "x-kubernetes-patch-merge-key": "name",
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["name"],
                }),
            ),
            (
                // ResourceRequirements.claims: SSA keys it, SMP replaces it.
                ListField {
                    patch_strategy: PatchStrategy::Replace,
                    merge_key: None,
                    list_type: ListType::Map,
                    map_keys: &["name"],
                },
                json!({"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"]}),
            ),
        ];
        for (list, want) in cases {
            let got: Map<String, Value> = list_extensions(&list)
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
            assert_eq!(Value::Object(got), want);
        }
    }

    /// Follows `path` (JSON names, list items implied) from a kind's definition to the property
    /// schema it names.
    fn property_at<'a>(defs: &'a BTreeMap<String, Value>, root: &str, path: &[&str]) -> &'a Value {
        let mut schema = &defs[root];
        for (n, seg) in path.iter().enumerate() {
            let prop = &schema["properties"][*seg];
            assert!(!prop.is_null(), "{root} {path:?}");
            if n + 1 == path.len() {
                return prop;
            }
            let inner = if prop["type"] == "array" {
                &prop["items"]
            } else {
                prop
            };
            schema = &defs[ref_target(inner).unwrap()];
        }
        schema
    }

    #[test]
    fn every_table_list_lands_on_its_property() {
        let catalog = super::super::test_catalog();
        let mut checked = 0;
        for info in berth_api::Registry.all() {
            let Some(root) = catalog.kind_schema(info) else {
                continue;
            };
            for (path, list) in merge_keys::list_paths(info.group, info.kind) {
                let prop = property_at(&catalog.definitions, root, &path);
                assert_eq!(prop["type"], "array", "{} {path:?}", info.kind);
                for (key, value) in list_extensions(&list) {
                    assert_eq!(prop[key], value, "{} {path:?} {key}", info.kind);
                }
                checked += 1;
            }
        }
        assert!(checked > 300, "{checked}");
    }
}
