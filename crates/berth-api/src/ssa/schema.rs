//! The structure server-side apply sees in an object: which objects are structs and which are
//! maps, which of them are atomic, and how each list is identified (`x-kubernetes-list-type`,
//! `-list-map-keys`), read from [`crate::merge_keys`].
//!
//! Fields the table does not describe hold scalars and are owned whole. Kinds the table does
//! not know are treated as upstream treats schemaless objects: objects are granular maps and
//! lists are atomic.

use serde_json::{Map, Value, json};

use super::gojson;
use super::path::{Path, Pe};
use crate::merge_keys::{self, ListField, ListType, MapType, Shape, TypeRef};

/// The type of a node of an object.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ty {
    /// A struct with known fields.
    Struct { def: TypeRef, atomic: bool },
    /// A string-keyed map of values.
    Map { atomic: bool },
    /// A list.
    List {
        list: ListField,
        elem: Option<TypeRef>,
    },
    /// Structure taken from the value (objects are maps, lists are atomic).
    Deduced,
    /// A scalar, or a value owned whole.
    Leaf,
}

/// How a walker handles a node, given its type and the values it sees there.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    /// Owned whole, compared by value.
    Leaf,
    /// A list: atomic, or items identified by key or value.
    List { list: ListField, elem: Ty },
    /// An object: `structure` is true for structs (whose fields are not members by
    /// themselves) and false for maps (whose keys are).
    Map { atomic: bool, structure: bool },
}

const ATOMIC_LIST: ListField = ListField {
    patch_strategy: merge_keys::PatchStrategy::Replace,
    merge_key: None,
    list_type: ListType::Atomic,
    map_keys: &[],
};

impl Ty {
    /// The type of a whole object of `group`/`kind`.
    pub(crate) fn root(group: &str, kind: &str) -> Ty {
        merge_keys::root(group, kind).map_or(Ty::Deduced, |def| Ty::Struct {
            def,
            atomic: def.atomic(),
        })
    }

    fn of_struct(def: TypeRef) -> Ty {
        Ty::Struct {
            def,
            atomic: def.atomic(),
        }
    }

    /// The type of field (or map key) `name` of this node.
    pub(crate) fn field(self, name: &str) -> Ty {
        match self {
            Ty::Struct { def, .. } => match def.field(name) {
                None => Ty::Leaf,
                Some(f) => match f.shape {
                    Shape::Struct(t) => Ty::Struct {
                        def: t,
                        atomic: match f.map_type {
                            Some(MapType::Atomic) => true,
                            Some(MapType::Granular) => false,
                            None => t.atomic(),
                        },
                    },
                    Shape::Map => Ty::Map {
                        atomic: f.map_type == Some(MapType::Atomic),
                    },
                    Shape::List { list, elem } => Ty::List { list, elem },
                    Shape::Opaque(_) => Ty::Leaf,
                },
            },
            Ty::Deduced => Ty::Deduced,
            Ty::Map { .. } | Ty::List { .. } | Ty::Leaf => Ty::Leaf,
        }
    }

    /// The type of the items of this list.
    pub(crate) fn elem(self) -> Ty {
        match self {
            Ty::List { elem: Some(t), .. } => Ty::of_struct(t),
            Ty::Deduced => Ty::Deduced,
            _ => Ty::Leaf,
        }
    }

    /// Whether a field step below this node names a struct field (upstream's
    /// `EnsureNamedFieldsAreMembers` adds those as members).
    pub(crate) fn names_fields(self) -> bool {
        matches!(self, Ty::Struct { .. })
    }

    /// How to walk this node holding `values` (absent ones left out). A value of the wrong
    /// shape makes the node a leaf.
    pub(crate) fn kind(self, values: &[Option<&Value>]) -> Kind {
        let present = || values.iter().flatten().filter(|v| !v.is_null());
        let all_objects = || present().all(|v| v.is_object());
        let all_arrays = || present().all(|v| v.is_array());
        match self {
            Ty::Leaf => Kind::Leaf,
            Ty::Struct { atomic, .. } if all_objects() => Kind::Map {
                atomic,
                structure: true,
            },
            Ty::Map { atomic } if all_objects() => Kind::Map {
                atomic,
                structure: false,
            },
            Ty::List { list, .. } if all_arrays() => Kind::List {
                list,
                elem: self.elem(),
            },
            Ty::Deduced if present().next().is_some() && all_objects() => Kind::Map {
                atomic: false,
                structure: false,
            },
            Ty::Deduced if present().next().is_some() && all_arrays() => Kind::List {
                list: ATOMIC_LIST,
                elem: Ty::Deduced,
            },
            _ => Kind::Leaf,
        }
    }
}

/// The key default upstream's schema gives a list-map key field that an item omits.
fn key_default(name: &str) -> Option<Value> {
    // `ContainerPort.protocol` and `ServicePort.protocol` default to TCP; no other list-map key
    // of the served kinds has a default.
    (name == "protocol").then(|| json!("TCP"))
}

/// The path step naming `item` in an associative (`set` or `map`) list, with upstream's errors.
pub(crate) fn item_pe(list: &ListField, item: &Value) -> Result<Pe, String> {
    if list.map_keys.is_empty() {
        return match item {
            Value::Object(_) => {
                Err("associative list without keys has an element that's a map type".to_owned())
            }
            Value::Array(_) => {
                Err("not supported: associative list with lists as elements".to_owned())
            }
            Value::Null => Err(
                "associative list without keys has an element that's an explicit null".to_owned(),
            ),
            v => Ok(Pe::Value(v.clone())),
        };
    }
    let fields = match item {
        Value::Null => {
            return Err("associative list with keys may not have a null element".to_owned());
        }
        Value::Object(m) => m,
        _ => return Err("associative list with keys may not have non-map elements".to_owned()),
    };
    let mut key = Vec::with_capacity(list.map_keys.len());
    for name in list.map_keys {
        match fields.get(*name).cloned().or_else(|| key_default(name)) {
            Some(v) => key.push(((*name).to_owned(), v)),
            None => {
                return Err(format!(
                    "associative list with keys has an element that omits key field {} (and doesn't have default value)",
                    gojson::quote(name)
                ));
            }
        }
    }
    key.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Pe::Key(key))
}

/// Paths whose changes a write through the main resource or a subresource does not own
/// (upstream's per-strategy "reset fields").
pub(crate) fn reset_paths(
    group: &str,
    kind: &str,
    status_subresource: bool,
    subresource: Option<&str>,
) -> Vec<Path> {
    let p = |parts: &[&str]| parts.iter().map(|s| Pe::field(s)).collect::<Path>();
    match subresource {
        None if status_subresource => vec![p(&["status"])],
        Some("status") if group.is_empty() && kind == "Pod" => vec![
            p(&["spec"]),
            p(&["metadata", "deletionTimestamp"]),
            p(&["metadata", "ownerReferences"]),
        ],
        Some("status") => vec![p(&["spec"])],
        _ => Vec::new(),
    }
}

/// The JSON of a newly allocated (zero) Go object of the kind: the fields it always carries
/// (`null` for non-`omitempty` slices and pointers, `{}` for embedded structs). A write's
/// comparison against it decides which new objects and lists become members (`.`) of the
/// creator's entry.
pub(crate) fn zero_object(group: &str, kind: &str) -> Value {
    let pod_template = || json!({"metadata": {}, "spec": {"containers": null}});
    let body = match (group, kind) {
        ("", "Pod") => json!({"spec": {"containers": null}, "status": {}}),
        ("", "PodTemplate") => json!({"template": pod_template()}),
        ("", "Service") => json!({"spec": {}, "status": {"loadBalancer": {}}}),
        ("", "Namespace" | "PersistentVolume") => json!({"spec": {}, "status": {}}),
        ("", "PersistentVolumeClaim") => json!({"spec": {"resources": {}}, "status": {}}),
        ("", "Node") => json!({
            "spec": {},
            "status": {"daemonEndpoints": {"kubeletEndpoint": {}}, "nodeInfo": {}}
        }),
        ("", "Event") => json!({
            "involvedObject": {}, "source": {},
            "firstTimestamp": null, "lastTimestamp": null, "eventTime": null
        }),
        ("events.k8s.io", "Event") => json!({
            "eventTime": null, "regarding": {}, "deprecatedSource": {},
            "deprecatedFirstTimestamp": null, "deprecatedLastTimestamp": null
        }),
        ("apps", "Deployment") => json!({
            "spec": {"selector": null, "template": pod_template(), "strategy": {}},
            "status": {}
        }),
        ("apps", "ReplicaSet") => json!({
            "spec": {"selector": null, "template": pod_template()},
            "status": {}
        }),
        ("apps", "StatefulSet") => json!({
            "spec": {"selector": null, "template": pod_template(), "updateStrategy": {}},
            "status": {}
        }),
        ("apps", "ControllerRevision") => json!({"data": null}),
        ("discovery.k8s.io", "EndpointSlice") => json!({"endpoints": null, "ports": null}),
        ("coordination.k8s.io", "Lease") => json!({"spec": {}}),
        ("autoscaling", "Scale") => json!({"spec": {}, "status": {}}),
        _ => json!({}),
    };
    let mut obj = match body {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    obj.insert("metadata".to_owned(), json!({"creationTimestamp": null}));
    Value::Object(obj)
}
