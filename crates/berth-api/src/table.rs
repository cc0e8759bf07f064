//! Server-side table printing: the `meta.k8s.io/v1` `Table` kubectl prints `get` output from.
//!
//! Every served kind has upstream's column set (names, types, formats, priorities and
//! descriptions from the Kubernetes 1.33 printers) and cells computed the way those printers
//! compute them. As upstream's apiserver does, tables are always built in wide mode: all
//! columns go out and kubectl hides priority-1 columns unless `-o wide`. Kinds without an
//! upstream printer get the default `Name` / `Created At` pair.

mod apps;
mod core;
mod desc;
mod events;
mod network;
mod pod;
mod storage;

use jiff::Timestamp;
use serde_json::{Map, Value, json};

use crate::duration::{human_duration, since};
use crate::registry::Registry;
use crate::selector::go_quote;

/// One entry of a Table's `columnDefinitions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Header text (kubectl upper-cases it).
    pub name: &'static str,
    /// `string`, `integer`, `boolean` or `date`.
    pub column_type: &'static str,
    /// `name` for the column kubectl prefixes with `kind/`, else empty.
    pub format: &'static str,
    /// What the column shows.
    pub description: &'static str,
    /// 0: always shown; 1: shown with `-o wide`.
    pub priority: i32,
}

impl Column {
    /// The column definition as JSON.
    pub fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "type": self.column_type,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        })
    }
}

const fn col(name: &'static str, column_type: &'static str, description: &'static str) -> Column {
    Column {
        name,
        column_type,
        format: "",
        description,
        priority: 0,
    }
}

const fn wide(name: &'static str, column_type: &'static str, description: &'static str) -> Column {
    Column {
        name,
        column_type,
        format: "",
        description,
        priority: 1,
    }
}

const NAME: Column = Column {
    name: "Name",
    column_type: "string",
    format: "name",
    description: desc::NAME,
    priority: 0,
};
const AGE: Column = col("Age", "string", desc::CREATED);
const CONTAINERS: Column = wide(
    "Containers",
    "string",
    "Names of each container in the template.",
);
const IMAGES: Column = wide(
    "Images",
    "string",
    "Images referenced by each container in the template.",
);
const DEFAULT_COLUMNS: &[Column] = &[NAME, col("Created At", "date", desc::CREATED)];

/// What each row's `object` carries (the `includeObject` query parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IncludeObject {
    /// No object.
    None,
    /// A `PartialObjectMetadata` with the object's metadata (the default).
    #[default]
    Metadata,
    /// The full object.
    Object,
}

/// An `includeObject` value upstream does not know; answered as 400 BadRequest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unrecognized includeObject value: {}", go_quote(.0))]
pub struct IncludeObjectError(pub String);

impl IncludeObject {
    /// Parses the query parameter; empty means `Metadata`.
    pub fn parse(value: &str) -> Result<Self, IncludeObjectError> {
        match value {
            "" | "Metadata" => Ok(IncludeObject::Metadata),
            "Object" => Ok(IncludeObject::Object),
            "None" => Ok(IncludeObject::None),
            other => Err(IncludeObjectError(other.to_owned())),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Printer {
    Namespace,
    Pod,
    Service,
    Endpoints,
    ConfigMap,
    Secret,
    ServiceAccount,
    PersistentVolume,
    PersistentVolumeClaim,
    Event,
    Node,
    StatefulSet,
    ControllerRevision,
    Deployment,
    ReplicaSet,
    StorageClass,
    EndpointSlice,
    Lease,
    Default,
}

fn printer(group: &str, plural: &str) -> Printer {
    match (group, plural) {
        ("", "namespaces") => Printer::Namespace,
        ("", "pods") => Printer::Pod,
        ("", "services") => Printer::Service,
        ("", "endpoints") => Printer::Endpoints,
        ("", "configmaps") => Printer::ConfigMap,
        ("", "secrets") => Printer::Secret,
        ("", "serviceaccounts") => Printer::ServiceAccount,
        ("", "persistentvolumes") => Printer::PersistentVolume,
        ("", "persistentvolumeclaims") => Printer::PersistentVolumeClaim,
        // events.k8s.io Events are printed by the core Event printer, as upstream does.
        ("" | "events.k8s.io", "events") => Printer::Event,
        ("", "nodes") => Printer::Node,
        ("apps", "statefulsets") => Printer::StatefulSet,
        ("apps", "controllerrevisions") => Printer::ControllerRevision,
        ("apps", "deployments") => Printer::Deployment,
        ("apps", "replicasets") => Printer::ReplicaSet,
        ("storage.k8s.io", "storageclasses") => Printer::StorageClass,
        ("discovery.k8s.io", "endpointslices") => Printer::EndpointSlice,
        ("coordination.k8s.io", "leases") => Printer::Lease,
        _ => Printer::Default,
    }
}

/// Whether the kind has an upstream printer (otherwise it gets `Name` and `Created At`).
pub fn has_printer(group: &str, plural: &str) -> bool {
    printer(group, plural) != Printer::Default
}

/// The column definitions for `group`/`plural`.
pub fn columns(group: &str, plural: &str) -> Vec<Column> {
    let cols: &[Column] = match printer(group, plural) {
        Printer::Namespace => core::NAMESPACE,
        Printer::Pod => pod::COLUMNS,
        Printer::Service => core::SERVICE,
        Printer::Endpoints => core::ENDPOINTS,
        Printer::ConfigMap => core::CONFIGMAP,
        Printer::Secret => core::SECRET,
        Printer::ServiceAccount => core::SERVICEACCOUNT,
        Printer::PersistentVolume => storage::PERSISTENTVOLUME,
        Printer::PersistentVolumeClaim => storage::PERSISTENTVOLUMECLAIM,
        Printer::Event => events::COLUMNS,
        Printer::Node => core::NODE,
        Printer::StatefulSet => apps::STATEFULSET,
        Printer::ControllerRevision => apps::CONTROLLERREVISION,
        Printer::Deployment => apps::DEPLOYMENT,
        Printer::ReplicaSet => apps::REPLICASET,
        Printer::StorageClass => storage::STORAGECLASS,
        Printer::EndpointSlice => network::ENDPOINTSLICE,
        Printer::Lease => network::LEASE,
        Printer::Default => DEFAULT_COLUMNS,
    };
    cols.to_vec()
}

/// The cells of one object's row, one per column of [`columns`]. `obj` is in the wire form
/// of `group`/`plural`; `now` is used for ages.
pub fn row_cells(group: &str, plural: &str, obj: &Value, now: Timestamp) -> Vec<Value> {
    match printer(group, plural) {
        Printer::Namespace => core::namespace(obj, now),
        Printer::Pod => pod::cells(obj, now),
        Printer::Service => core::service(obj, now),
        Printer::Endpoints => core::endpoints(obj, now),
        Printer::ConfigMap => core::configmap(obj, now),
        Printer::Secret => core::secret(obj, now),
        Printer::ServiceAccount => core::serviceaccount(obj, now),
        Printer::PersistentVolume => storage::persistentvolume(obj, now),
        Printer::PersistentVolumeClaim => storage::persistentvolumeclaim(obj, now),
        Printer::Event => events::cells(group == "events.k8s.io", obj, now),
        Printer::Node => core::node(obj, now),
        Printer::StatefulSet => apps::statefulset(obj, now),
        Printer::ControllerRevision => apps::controllerrevision(obj, now),
        Printer::Deployment => apps::deployment(obj, now),
        Printer::ReplicaSet => apps::replicaset(obj, now),
        Printer::StorageClass => storage::storageclass(obj, now),
        Printer::EndpointSlice => network::endpointslice(obj, now),
        Printer::Lease => network::lease(obj, now),
        Printer::Default => vec![name(obj), Value::from(created_at(obj))],
    }
}

/// The row's `conditions` (only pods have any: `Completed` once they succeed or fail).
pub fn row_conditions(group: &str, plural: &str, obj: &Value) -> Vec<Value> {
    match printer(group, plural) {
        Printer::Pod => pod::conditions(obj),
        _ => Vec::new(),
    }
}

/// Builds the whole `meta.k8s.io/v1` Table for `objects` (in wire form of `group`/`plural`).
///
/// `list_meta` becomes the Table's `metadata` (`resourceVersion`, `continue`,
/// `remainingItemCount`); pass the list's metadata for a list. With `None` and exactly one
/// object, the object's `resourceVersion` is used, as upstream does for a single-object GET.
pub fn build_table(
    group: &str,
    plural: &str,
    objects: &[Value],
    now: Timestamp,
    include: IncludeObject,
    list_meta: Option<Value>,
) -> Value {
    let metadata = list_meta.unwrap_or_else(|| match objects {
        [one] => match one.pointer("/metadata/resourceVersion") {
            Some(rv) => json!({ "resourceVersion": rv }),
            None => json!({}),
        },
        _ => json!({}),
    });
    let columns: Vec<Value> = columns(group, plural).iter().map(Column::to_json).collect();
    let rows: Vec<Value> = objects
        .iter()
        .map(|obj| {
            let mut row = Map::new();
            row.insert(
                "cells".to_owned(),
                Value::Array(row_cells(group, plural, obj, now)),
            );
            let conditions = row_conditions(group, plural, obj);
            if !conditions.is_empty() {
                row.insert("conditions".to_owned(), Value::Array(conditions));
            }
            if let Some(object) = row_object(group, plural, obj, include) {
                row.insert("object".to_owned(), object);
            }
            Value::Object(row)
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": columns,
        "rows": rows,
    })
}

/// Clears `columnDefinitions`, as upstream does for every watch event after the first.
pub fn drop_column_definitions(table: &mut Value) {
    if let Some(obj) = table.as_object_mut() {
        obj.insert("columnDefinitions".to_owned(), Value::Null);
    }
}

fn row_object(group: &str, plural: &str, obj: &Value, include: IncludeObject) -> Option<Value> {
    match include {
        IncludeObject::None => None,
        IncludeObject::Metadata => Some(json!({
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": obj.get("metadata").cloned().unwrap_or_else(|| json!({})),
        })),
        IncludeObject::Object => {
            let mut full = obj.clone();
            let info = Registry
                .all()
                .iter()
                .find(|r| r.group == group && r.plural == plural);
            if let (Some(map), Some(info)) = (full.as_object_mut(), info) {
                map.entry("kind").or_insert_with(|| Value::from(info.kind));
                map.entry("apiVersion")
                    .or_insert_with(|| Value::from(info.api_version()));
            }
            Some(full)
        }
    }
}

/// The value at `path`, treating JSON `null` as absent.
fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    (!cur.is_null()).then_some(cur)
}

/// The string at `path`, or `""`.
fn text<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    get(v, path).and_then(Value::as_str).unwrap_or("")
}

/// The integer at `path`, or 0.
fn int(v: &Value, path: &[&str]) -> i64 {
    get(v, path).and_then(Value::as_i64).unwrap_or(0)
}

/// The list at `path`, or empty.
fn list<'a>(v: &'a Value, path: &[&str]) -> &'a [Value] {
    get(v, path)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The number of entries of the map at `path`.
fn map_len(v: &Value, path: &[&str]) -> usize {
    get(v, path).and_then(Value::as_object).map_or(0, Map::len)
}

/// A timestamp field; absent, unparseable and Go's zero time are all "zero" (`None`).
fn time(v: &Value, path: &[&str]) -> Option<Timestamp> {
    let t: Timestamp = text(v, path).parse().ok()?;
    (t.as_second() != ZERO_TIME).then_some(t)
}

/// Seconds of 0001-01-01T00:00:00Z, Go's zero `time.Time`.
const ZERO_TIME: i64 = -62_135_596_800;

/// An age cell: `<unknown>` for a zero time.
fn age_of(t: Option<Timestamp>, now: Timestamp) -> String {
    t.map_or_else(|| "<unknown>".to_owned(), |t| human_duration(since(t, now)))
}

/// The AGE cell from `metadata.creationTimestamp`.
fn age(obj: &Value, now: Timestamp) -> Value {
    Value::from(age_of(time(obj, &["metadata", "creationTimestamp"]), now))
}

fn name(obj: &Value) -> Value {
    Value::from(text(obj, &["metadata", "name"]))
}

/// The default convertor's `Created At` cell: RFC 3339 in UTC, whole seconds.
fn created_at(obj: &Value) -> String {
    match time(obj, &["metadata", "creationTimestamp"]) {
        Some(t) => t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        None => "0001-01-01T00:00:00Z".to_owned(),
    }
}

/// Names and images of a pod template's containers, each joined with `,`.
fn container_cells(obj: &Value) -> [Value; 2] {
    let containers = list(obj, &["spec", "template", "spec", "containers"]);
    let names: Vec<&str> = containers.iter().map(|c| text(c, &["name"])).collect();
    let images: Vec<&str> = containers.iter().map(|c| text(c, &["image"])).collect();
    [Value::from(names.join(",")), Value::from(images.join(","))]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
