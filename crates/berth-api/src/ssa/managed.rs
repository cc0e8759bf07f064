//! `metadata.managedFields` in memory: one field set per manager identity, with its time.
//!
//! A manager's identity is upstream's identifier string, the compact JSON of the entry without
//! fields and time (and without `apiVersion` for appliers, so that one applier keeps one entry
//! across versions): `{"manager":"kubectl","operation":"Apply"}`,
//! `{"manager":"kubectl","operation":"Update","apiVersion":"apps/v1","subresource":"scale"}`.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::str::FromStr;

use serde_json::{Map, Value};

use super::gojson;
use super::path::{Path, Pe};
use super::set::Set;

/// `operation` of entries written by server-side apply.
pub(crate) const APPLY: &str = "Apply";
/// `operation` of entries written by create, update and non-apply patches.
pub(crate) const UPDATE: &str = "Update";

/// The fields one manager owns.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct VSet {
    /// Owned paths.
    pub(crate) set: Set,
    /// API version the paths were written in.
    pub(crate) api_version: String,
    /// Whether the owner is an applier.
    pub(crate) applied: bool,
}

/// All managers of an object.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Managed {
    /// Field sets by manager identifier.
    pub(crate) fields: BTreeMap<String, VSet>,
    /// Entry times (RFC 3339) by manager identifier; absent when the entry has none.
    pub(crate) times: BTreeMap<String, String>,
}

/// The parts of a manager identifier.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Id {
    pub(crate) manager: String,
    pub(crate) operation: String,
    pub(crate) api_version: String,
    pub(crate) subresource: String,
}

impl Id {
    /// Upstream's identifier string (`BuildManagerIdentifier`).
    pub(crate) fn build(&self) -> String {
        let mut out = String::from("{");
        let mut field = |name: &str, value: &str| {
            if value.is_empty() {
                return;
            }
            if out.len() > 1 {
                out.push(',');
            }
            gojson::write_string(name, &mut out);
            out.push(':');
            gojson::write_string(value, &mut out);
        };
        field("manager", &self.manager);
        field("operation", &self.operation);
        if self.operation != APPLY {
            field("apiVersion", &self.api_version);
        }
        field("subresource", &self.subresource);
        out.push('}');
        out
    }

    /// The parts of an identifier string (an unparsable one is taken as a bare manager name).
    pub(crate) fn parse(id: &str) -> Id {
        let Ok(Value::Object(m)) = serde_json::from_str::<Value>(id) else {
            return Id {
                manager: id.to_owned(),
                ..Id::default()
            };
        };
        let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        Id {
            manager: s("manager"),
            operation: s("operation"),
            api_version: s("apiVersion"),
            subresource: s("subresource"),
        }
    }
}

/// Why `metadata.managedFields` could not be read.
pub(crate) type DecodeError = String;

/// Reads `metadata.managedFields` (absent or null: no managers).
pub(crate) fn decode(entries: Option<&Value>) -> Result<Managed, DecodeError> {
    let mut m = Managed::default();
    let items = match entries {
        None | Some(Value::Null) => return Ok(m),
        Some(Value::Array(items)) => items,
        Some(other) => return Err(format!("managedFields must be a list, got {other}")),
    };
    for (i, e) in items.iter().enumerate() {
        let s = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("");
        let operation = s("operation");
        if operation != APPLY && operation != UPDATE {
            return Err("operation must be `Apply` or `Update`".to_owned());
        }
        if s("apiVersion").is_empty() {
            return Err("apiVersion must not be empty".to_owned());
        }
        match s("fieldsType") {
            "FieldsV1" => {}
            "" => return Err(format!("missing fieldsType in managed fields entry {i}")),
            other => {
                return Err(format!(
                    "invalid fieldsType {} in managed fields entry {i}",
                    gojson::quote(other)
                ));
            }
        }
        let id = Id {
            manager: s("manager").to_owned(),
            operation: operation.to_owned(),
            api_version: s("apiVersion").to_owned(),
            subresource: s("subresource").to_owned(),
        }
        .build();
        let set = match e.get("fieldsV1") {
            None | Some(Value::Null) => Set::default(),
            Some(f) => {
                Set::from_fields_v1(f).map_err(|err| format!("error decoding set: {err}"))?
            }
        };
        let vs = VSet {
            set,
            api_version: s("apiVersion").to_owned(),
            applied: operation == APPLY,
        };
        m.fields.insert(id.clone(), vs);
        match e.get("time").and_then(Value::as_str) {
            Some(t) => m.times.insert(id, t.to_owned()),
            None => m.times.remove(&id),
        };
    }
    Ok(m)
}

fn unix_seconds(t: Option<&String>) -> i64 {
    t.and_then(|t| jiff::Timestamp::from_str(t).ok())
        .map_or(0, jiff::Timestamp::as_second)
}

/// Writes the managers as `metadata.managedFields` entries in upstream's order (appliers
/// first, then by time, manager, API version, subresource). `None` when there are none.
pub(crate) fn encode(m: &Managed) -> Option<Value> {
    if m.fields.is_empty() {
        return None;
    }
    struct Row<'a> {
        id: Id,
        time: Option<&'a String>,
        entry: Map<String, Value>,
    }
    let mut rows: Vec<Row<'_>> = m
        .fields
        .iter()
        .map(|(id_str, vs)| {
            let mut id = Id::parse(id_str);
            id.api_version.clone_from(&vs.api_version);
            if vs.applied {
                APPLY.clone_into(&mut id.operation);
            }
            let time = m.times.get(id_str);
            let mut entry = Map::new();
            let mut put = |k: &str, v: &str| {
                if !v.is_empty() {
                    entry.insert(k.to_owned(), Value::String(v.to_owned()));
                }
            };
            put("manager", &id.manager);
            put("operation", &id.operation);
            put("apiVersion", &id.api_version);
            if let Some(t) = time {
                put("time", t);
            }
            put("fieldsType", "FieldsV1");
            put("subresource", &id.subresource);
            entry.insert("fieldsV1".to_owned(), vs.set.to_fields_v1());
            Row { id, time, entry }
        })
        .collect();
    rows.sort_by(|p, q| {
        p.id.operation
            .cmp(&q.id.operation)
            .then_with(|| unix_seconds(p.time).cmp(&unix_seconds(q.time)))
            .then_with(|| p.id.manager.cmp(&q.id.manager))
            .then_with(|| p.id.api_version.cmp(&q.id.api_version))
            .then_with(|| p.id.subresource.cmp(&q.id.subresource))
    });
    Some(Value::Array(
        rows.into_iter().map(|r| Value::Object(r.entry)).collect(),
    ))
}

/// The managers as a reader of their encoded entries sees them: identifiers rebuilt from each
/// entry's current API version and operation.
pub(crate) fn reencode(m: &Managed) -> Managed {
    decode(encode(m).as_ref()).unwrap_or_default()
}

/// Fields no manager owns: the object's identity and server-set metadata.
fn strip_set() -> Set {
    let p = |parts: &[&str]| parts.iter().map(|s| Pe::field(s)).collect::<Path>();
    Set::of(&[
        p(&["apiVersion"]),
        p(&["kind"]),
        p(&["metadata"]),
        p(&["metadata", "name"]),
        p(&["metadata", "namespace"]),
        p(&["metadata", "creationTimestamp"]),
        p(&["metadata", "selfLink"]),
        p(&["metadata", "uid"]),
        p(&["metadata", "clusterName"]),
        p(&["metadata", "generation"]),
        p(&["metadata", "managedFields"]),
        p(&["metadata", "resourceVersion"]),
    ])
}

/// Drops the server-set metadata from `id`'s set, and the entry if nothing is left.
pub(crate) fn strip(m: &mut Managed, id: &str) {
    if let Some(vs) = m.fields.get_mut(id) {
        vs.set = vs.set.difference(&strip_set());
        if vs.set.is_empty() {
            m.fields.remove(id);
        }
    }
}

/// Upstream's limit on update entries: past ten, the oldest are folded into one
/// `ancient-changes` entry per API version.
pub(crate) fn cap_update_managers(m: &mut Managed, max: usize) {
    let mut updaters: Vec<String> = m
        .fields
        .iter()
        .filter(|(_, vs)| !vs.applied)
        .map(|(id, _)| id.clone())
        .collect();
    if updaters.len() <= max {
        return;
    }
    updaters.sort_by(|a, b| {
        let (ta, tb) = (unix_seconds(m.times.get(a)), unix_seconds(m.times.get(b)));
        match ta.cmp(&tb) {
            Ordering::Equal => a.cmp(b),
            other => other,
        }
    });
    let mut first_of_version: BTreeMap<String, String> = BTreeMap::new();
    let mut length = updaters.len();
    for manager in &updaters {
        if length <= max {
            break;
        }
        let Some(vs) = m.fields.get(manager).cloned() else {
            continue;
        };
        let time = m.times.get(manager).cloned();
        let bucket = Id {
            manager: "ancient-changes".to_owned(),
            operation: UPDATE.to_owned(),
            api_version: vs.api_version.clone(),
            subresource: String::new(),
        }
        .build();
        match first_of_version.get(&vs.api_version) {
            Some(first) => {
                if !m.fields.contains_key(&bucket)
                    && let Some(s) = m.fields.remove(first)
                {
                    m.fields.insert(bucket.clone(), s);
                }
                let merged = m
                    .fields
                    .get(&bucket)
                    .map_or_else(|| vs.set.clone(), |b| vs.set.union(&b.set));
                m.fields.insert(bucket.clone(), VSet { set: merged, ..vs });
                m.fields.remove(manager);
                length -= 1;
                match time {
                    Some(t) => m.times.insert(bucket, t),
                    None => m.times.remove(&bucket),
                };
            }
            None => {
                first_of_version.insert(vs.api_version.clone(), manager.clone());
            }
        }
    }
}
