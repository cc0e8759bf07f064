//! Merging lists: merge lists of objects by key (with `$patch` items), scalar sets and their
//! delete lists, and upstream's element order.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::gosort::go_stable_sort;
use super::object::merge_object;
use super::{ListMeta, Obj, PATCH, SmpError, SmpErrorKind, gofmt};

/// A merged list and the reference order `$setElementOrder` places server-only items by.
#[derive(Debug)]
pub(super) struct Merged {
    /// The merged list, in upstream's order.
    pub(super) items: Vec<Value>,
    /// For keyed lists: the original after `$patch: delete` removals, then the appended
    /// (unmatched) patch items, cut to the original's length — upstream reads this from the
    /// original list's storage, which the removals compacted and the appends refilled.
    /// The original as it was for scalar lists.
    pub(super) reference: Vec<Value>,
}

/// Merges `patch` into `orig` for a list with strategy `merge`, or applies a delete list.
pub(super) fn merge_list(
    orig: Vec<Value>,
    patch: Vec<Value>,
    meta: &ListMeta,
    delete: bool,
) -> Result<Merged, SmpError> {
    if orig.is_empty() && patch.is_empty() {
        return Ok(Merged {
            items: orig,
            reference: Vec::new(),
        });
    }
    if !check_element_types(&orig, &patch)? {
        return merge_scalars(orig, &patch, meta, delete);
    }
    let Some(key) = meta.key else {
        return Err(no_key(meta));
    };
    let n = orig.len();
    let mut list = orig;
    let mut plain: Vec<Obj> = Vec::with_capacity(patch.len());
    let mut replace = false;
    for item in patch {
        let Value::Object(item) = item else {
            return Err(expected_map(&item));
        };
        let Some(directive) = item.get(PATCH) else {
            plain.push(item);
            continue;
        };
        match directive.as_str() {
            Some("delete") => {
                let Some(k) = item.get(key) else {
                    return Err(no_merge_key(&item, key));
                };
                list.retain(|e| e.get(key) != Some(k));
            }
            Some("replace") => replace = true,
            Some("merge") => {
                return Err(SmpError::internal(
                    "merging lists cannot yet be specified in the patch",
                ));
            }
            _ => {
                return Err(SmpError::internal(format!(
                    "unknown patch type: {} in map: {}",
                    gofmt::s(directive),
                    gofmt::v(&Value::Object(item.clone()))
                )));
            }
        }
    }
    if replace {
        let items: Vec<Value> = plain.into_iter().map(Value::Object).collect();
        let own = ids(&items, Some(key), meta)?;
        let items = order(items, &[], &own, Some(key), meta)?;
        return Ok(Merged {
            items,
            reference: list,
        });
    }
    let kept = list.len();
    // First position of each merge-key value; items without the key are never matched.
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (i, e) in list.iter().enumerate() {
        if let Some(k) = e.get(key) {
            by_key.entry(id_text(k)).or_insert(i);
        }
    }
    let mut patch_ids = Vec::with_capacity(plain.len());
    for item in plain {
        let Some(k) = item.get(key).cloned() else {
            return Err(no_merge_key(&item, key));
        };
        match by_key.get(&id_text(&k)).and_then(|&i| list.get_mut(i)) {
            Some(Value::Object(found)) => {
                *found = merge_object(std::mem::take(found), item, meta.elem)?;
            }
            _ => {
                by_key.insert(id_text(&k), list.len());
                list.push(Value::Object(item));
            }
        }
        patch_ids.push(k);
    }
    let server_ids = ids(&list[..kept], Some(key), meta)?;
    let reference = list[..n.min(list.len())].to_vec();
    let items = order(list, &patch_ids, &server_ids, Some(key), meta)?;
    Ok(Merged { items, reference })
}

/// Scalar lists: a set union ordered like keyed lists, or the removal of a delete list.
fn merge_scalars(
    orig: Vec<Value>,
    patch: &[Value],
    meta: &ListMeta,
    delete: bool,
) -> Result<Merged, SmpError> {
    if delete {
        let gone: HashSet<String> = patch.iter().map(id_text).collect();
        let items = orig
            .iter()
            .filter(|v| !gone.contains(&id_text(v)))
            .cloned()
            .collect();
        return Ok(Merged {
            items,
            reference: orig,
        });
    }
    let mut merged: Vec<Value> = Vec::with_capacity(orig.len() + patch.len());
    let mut seen = HashSet::new();
    for v in orig.iter().chain(patch) {
        if seen.insert(id_text(v)) {
            merged.push(v.clone());
        }
    }
    let patch_ids = ids(patch, meta.key, meta)?;
    let server_ids = ids(&orig, meta.key, meta)?;
    let items = order(merged, &patch_ids, &server_ids, meta.key, meta)?;
    Ok(Merged {
        items,
        reference: orig,
    })
}

/// Orders a list merged under `$setElementOrder`: items named by `order` in its order,
/// server-only items placed by `reference`.
pub(super) fn order_by_directive(
    merged: Vec<Value>,
    order_list: &[Value],
    reference: &[Value],
    meta: &ListMeta,
    objects: bool,
) -> Result<Vec<Value>, SmpError> {
    match (meta.key, objects) {
        (Some(_), true) | (None, false) => {
            let patch_ids = ids(order_list, meta.key, meta)?;
            let server_ids = ids(reference, meta.key, meta)?;
            order(merged, &patch_ids, &server_ids, meta.key, meta)
        }
        (None, true) => Err(no_key(meta)),
        (Some(_), false) => match merged.first() {
            Some(first) => Err(expected_map(first)),
            None => Ok(merged),
        },
    }
}

/// Whether a patch item and a `$setElementOrder` entry name the same element.
pub(super) fn same_identity(
    item: &Value,
    entry: &Value,
    meta: &ListMeta,
) -> Result<bool, SmpError> {
    match meta.key {
        Some(key) => {
            let (Value::Object(a), Value::Object(b)) = (item, entry) else {
                return Err(expected_map(if item.is_object() { entry } else { item }));
            };
            let ka = a.get(key).ok_or_else(|| no_merge_key(a, key))?;
            let kb = b.get(key).ok_or_else(|| no_merge_key(b, key))?;
            Ok(ka == kb)
        }
        None => {
            let comparable = !matches!(
                (item, entry),
                (Value::Object(_), Value::Object(_)) | (Value::Array(_), Value::Array(_))
            );
            if comparable {
                Ok(item == entry)
            } else {
                Err(no_key(meta))
            }
        }
    }
}

/// The Go type of a decoded JSON value: integers and floats differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GoType {
    Nil,
    Bool,
    Int,
    Float,
    String,
    Slice,
    Map,
}

fn go_type(v: &Value) -> GoType {
    match v {
        Value::Null => GoType::Nil,
        Value::Bool(_) => GoType::Bool,
        Value::Number(n) if n.is_i64() => GoType::Int,
        Value::Number(_) => GoType::Float,
        Value::String(_) => GoType::String,
        Value::Array(_) => GoType::Slice,
        Value::Object(_) => GoType::Map,
    }
}

/// Whether upstream sees the two values as the same type (and so merges instead of replacing).
pub(super) fn same_go_type(a: &Value, b: &Value) -> bool {
    go_type(a) == go_type(b)
}

/// All elements of both lists must share one type, which is not a list. `Ok(true)` for
/// objects. Upstream crashes on a leading `null`; that is reported as a type mismatch.
pub(super) fn check_element_types(orig: &[Value], patch: &[Value]) -> Result<bool, SmpError> {
    let mismatch = || {
        SmpError::internal(format!(
            "list element types are not identical: [{} {}]",
            gofmt::v(&Value::Array(orig.to_vec())),
            gofmt::v(&Value::Array(patch.to_vec()))
        ))
    };
    let mut first = None;
    for v in orig.iter().chain(patch) {
        let t = go_type(v);
        match first {
            None if t == GoType::Nil => return Err(mismatch()),
            None if t == GoType::Slice => {
                return Err(SmpError::new(
                    SmpErrorKind::Invalid,
                    "lists of lists are not supported",
                ));
            }
            None => first = Some(t),
            Some(f) if f != t => return Err(mismatch()),
            Some(_) => {}
        }
    }
    match first {
        Some(t) => Ok(t == GoType::Map),
        None => Err(SmpError::internal("no elements in any of the given slices")),
    }
}

pub(super) fn expected_map(got: &Value) -> SmpError {
    SmpError::internal(format!(
        "expected a map[string]interface {{}}, but received a {}",
        gofmt::type_name(got)
    ))
}

fn no_merge_key(item: &Obj, key: &str) -> SmpError {
    SmpError::internal(format!(
        "map: {} does not contain declared merge key: {key}",
        gofmt::v(&Value::Object(item.clone()))
    ))
}

/// Objects in a list without merge key cannot be matched (upstream crashes hashing them).
fn no_key(meta: &ListMeta) -> SmpError {
    SmpError::internal(format!(
        "cannot merge lists without merge key for {}",
        meta.elem_name
    ))
}

/// The identity of an element: its merge-key value, or for scalar lists the value itself.
fn ident(item: &Value, key: Option<&str>, meta: &ListMeta) -> Result<Value, SmpError> {
    match key {
        Some(key) => {
            let Value::Object(m) = item else {
                return Err(expected_map(item));
            };
            m.get(key).cloned().ok_or_else(|| no_merge_key(m, key))
        }
        None if item.is_object() || item.is_array() => Err(no_key(meta)),
        None => Ok(item.clone()),
    }
}

fn ids(list: &[Value], key: Option<&str>, meta: &ListMeta) -> Result<Vec<Value>, SmpError> {
    list.iter().map(|v| ident(v, key, meta)).collect()
}

/// An identity as text, for hashing: serde_json's rendering keeps JSON types apart (`1` is not
/// `1.0` nor `"1"`) and prints object keys sorted, so equal texts mean equal values.
fn id_text(v: &Value) -> String {
    v.to_string()
}

/// First positions of identities in an order list (upstream searches linearly for the first).
struct Positions(HashMap<String, usize>);

impl Positions {
    fn new(ids: &[Value]) -> Self {
        let mut m = HashMap::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            m.entry(id_text(id)).or_insert(i);
        }
        Self(m)
    }

    fn of(&self, id: &Value) -> Option<usize> {
        self.0.get(&id_text(id)).copied()
    }
}

/// Upstream's ordering: split into patch items (identity in `patch_ids`) and server-only
/// items, sort the first by `patch_ids` and the second by `server_ids`, then interleave them,
/// emitting a server-only item first only when `server_ids` places it before the patch item.
fn order(
    merged: Vec<Value>,
    patch_ids: &[Value],
    server_ids: &[Value],
    key: Option<&str>,
    meta: &ListMeta,
) -> Result<Vec<Value>, SmpError> {
    let patch_pos = Positions::new(patch_ids);
    let server_pos = Positions::new(server_ids);
    let mut patch_items = Vec::new();
    let mut server = Vec::new();
    for item in merged {
        let id = ident(&item, key, meta)?;
        let at_server = server_pos.of(&id);
        match patch_pos.of(&id) {
            Some(at_patch) => patch_items.push(Placed {
                sort_at: Some(at_patch),
                at_server,
                item,
            }),
            None => server.push(Placed {
                sort_at: at_server,
                at_server,
                item,
            }),
        }
    }
    let keyed = key.is_some();
    let mut patch_items = sort_placed(patch_items, keyed).into_iter().peekable();
    let mut server = sort_placed(server, keyed).into_iter().peekable();
    let mut out = Vec::with_capacity(server.len() + patch_items.len());
    loop {
        let take_server = match (server.peek(), patch_items.peek()) {
            (Some(s), Some(p)) => matches!((s.at_server, p.at_server), (Some(a), Some(b)) if a < b),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_server {
            server.next()
        } else {
            patch_items.next()
        };
        out.extend(next.map(|p| p.item));
    }
    Ok(out)
}

/// An item with its position in the order it is sorted by and in the server order.
struct Placed {
    sort_at: Option<usize>,
    at_server: Option<usize>,
    item: Value,
}

/// Sorts by `sort_at` exactly as upstream's `sort.SliceStable` call does. Its comparison says
/// "less" whenever either item is missing from the order, which is not a strict ordering, so
/// the result depends on the sorting algorithm: Go's is reproduced. Keyed lists move
/// `$patch: delete` items behind the sorted ones, as upstream does.
fn sort_placed(items: Vec<Placed>, keyed: bool) -> Vec<Placed> {
    let is_delete =
        |p: &Placed| keyed && p.item.get(PATCH).and_then(Value::as_str) == Some("delete");
    let (deletes, mut items): (Vec<_>, Vec<_>) = items.into_iter().partition(is_delete);
    go_stable_sort(&mut items, |a, b| match (a.sort_at, b.sort_at) {
        (Some(x), Some(y)) => x < y,
        _ => true,
    });
    items.extend(deletes);
    items
}
