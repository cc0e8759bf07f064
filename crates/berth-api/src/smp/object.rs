//! Merging one JSON object: the `$patch`, `$retainKeys`, `$setElementOrder/<f>` and
//! `$deleteFromPrimitiveList/<f>` directives, then every ordinary key.

use serde_json::Value;

use super::list::{self, check_element_types};
use super::{
    DELETE_FROM_PRIMITIVE_LIST, ListMeta, Obj, PATCH, RETAIN_KEYS, SET_ELEMENT_ORDER, Schema,
    SmpError, gofmt,
};

/// Merges `patch` into `orig`, both objects of type `schema`. Steps run in upstream's order:
/// `$patch`, `$retainKeys`, every `$setElementOrder/<f>`, the ordinary keys, and last the
/// `$deleteFromPrimitiveList/<f>` lists (upstream visits keys in random order; deleting last
/// makes a value both added and deleted end up deleted, every time).
pub(super) fn merge_object(mut orig: Obj, mut patch: Obj, schema: Schema) -> Result<Obj, SmpError> {
    if let Some(directive) = patch.get(PATCH) {
        return match directive.as_str() {
            Some("replace") => {
                patch.remove(PATCH);
                Ok(patch)
            }
            Some("delete") => Ok(Obj::new()),
            _ => Err(SmpError::internal(format!(
                "unknown patch type: {} in map: {}",
                gofmt::s(directive),
                gofmt::v(&Value::Object(patch.clone()))
            ))),
        };
    }
    retain_keys(&mut orig, &mut patch)?;
    set_element_orders(&mut orig, &mut patch, schema)?;
    let mut delete_lists = Vec::new();
    for (k, pv) in patch {
        if k.starts_with(DELETE_FROM_PRIMITIVE_LIST) {
            let field = directive_field(&k, DELETE_FROM_PRIMITIVE_LIST)?.to_owned();
            delete_lists.push((field, pv));
        } else {
            merge_key(&mut orig, k, pv, schema)?;
        }
    }
    for (field, pv) in delete_lists {
        delete_from_list(&mut orig, &field, pv, schema)?;
    }
    Ok(orig)
}

/// The `<f>` of `<prefix>/<f>`.
fn directive_field<'a>(key: &'a str, prefix: &str) -> Result<&'a str, SmpError> {
    match key.split_once('/') {
        Some((head, field)) if head == prefix => Ok(field),
        _ if prefix == SET_ELEMENT_ORDER => Err(SmpError::bad_request(
            "invalid patch format of setElementOrder list",
        )),
        _ => Err(SmpError::bad_request(
            "invalid patch format of primitive list",
        )),
    }
}

/// `$retainKeys`: drop every original key the list does not name, before merging. Every
/// non-null patch key must be listed.
fn retain_keys(orig: &mut Obj, patch: &mut Obj) -> Result<(), SmpError> {
    let Some(keys) = patch.remove(RETAIN_KEYS) else {
        return Ok(());
    };
    let bad = || SmpError::bad_request("invalid patch format of retainKeys");
    let Value::Array(keys) = keys else {
        return Err(bad());
    };
    let listed = |k: &str| keys.iter().any(|x| x.as_str() == Some(k));
    for (k, v) in patch.iter() {
        let exempt = v.is_null()
            || k.starts_with(DELETE_FROM_PRIMITIVE_LIST)
            || k.starts_with(SET_ELEMENT_ORDER);
        if !exempt && !listed(k) {
            return Err(bad());
        }
    }
    orig.retain(|k, _| listed(k));
    Ok(())
}

/// An ordinary key: `null` deletes, new keys and type changes copy the cleaned patch value,
/// objects and lists merge by the field's metadata, scalars overwrite.
fn merge_key(orig: &mut Obj, key: String, pv: Value, schema: Schema) -> Result<(), SmpError> {
    if pv.is_null() {
        orig.remove(&key);
        return Ok(());
    }
    let Some(ov) = orig.get_mut(&key) else {
        if let Some(clean) = clean(pv) {
            orig.insert(key, clean);
        }
        return Ok(());
    };
    if !list::same_go_type(ov, &pv) {
        match clean(pv) {
            Some(clean) => *ov = clean,
            None => {
                orig.remove(&key);
            }
        }
        return Ok(());
    }
    match (ov, pv) {
        (Value::Object(o), Value::Object(p)) => {
            let child = schema.object_field(&key)?;
            *o = merge_object(std::mem::take(o), p, child)?;
        }
        (Value::Array(o), Value::Array(p)) => {
            let meta = schema.list_field(&key)?;
            if meta.merge {
                *o = list::merge_list(std::mem::take(o), p, &meta, false)?.items;
            } else {
                // Replaced exactly as written: no cleaning, `[]` empties the list.
                *o = p;
            }
        }
        (ov, pv) => *ov = pv,
    }
    Ok(())
}

/// `$deleteFromPrimitiveList/<f>`: removes values from the scalar list `f`. A `null` removes
/// the field; an absent or non-list field is left alone.
fn delete_from_list(
    orig: &mut Obj,
    field: &str,
    pv: Value,
    schema: Schema,
) -> Result<(), SmpError> {
    if pv.is_null() {
        orig.remove(field);
        return Ok(());
    }
    let (Some(Value::Array(o)), Value::Array(p)) = (orig.get_mut(field), pv) else {
        return Ok(());
    };
    let meta = schema.list_field(field)?;
    *o = list::merge_list(std::mem::take(o), p, &meta, true)?.items;
    Ok(())
}

/// Every `$setElementOrder/<f>`: merges `patch[f]` into `orig[f]` (consuming it) and puts the
/// result in the order the directive gives.
fn set_element_orders(orig: &mut Obj, patch: &mut Obj, schema: Schema) -> Result<(), SmpError> {
    let keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ELEMENT_ORDER))
        .cloned()
        .collect();
    for key in keys {
        let Some(order) = patch.remove(&key) else {
            continue;
        };
        let Value::Array(order) = order else {
            return Err(expected_list(&order));
        };
        let field = directive_field(&key, SET_ELEMENT_ORDER)?;
        for side in [orig.get(field), patch.get(field)].into_iter().flatten() {
            if !side.is_array() {
                return Err(expected_list(side));
            }
        }
        let meta = schema.list_field(field)?;
        if let Some(Value::Array(p)) = patch.get(field) {
            check_order(p, &order, &meta)?;
        }
        let orig_list = orig.remove(field);
        let patch_list = patch.remove(field);
        if orig_list.is_none() && patch_list.is_none() {
            continue;
        }
        let as_slice = |v: &Option<Value>| match v {
            Some(Value::Array(a)) => a.clone(),
            _ => Vec::new(),
        };
        let objects = check_element_types(&as_slice(&orig_list), &as_slice(&patch_list))?;
        let (merged, reference) = match (orig_list, patch_list) {
            (Some(Value::Array(o)), None) => (o.clone(), o),
            (None, Some(Value::Array(p))) => (
                p.into_iter().filter_map(remove_directives).collect(),
                Vec::new(),
            ),
            (Some(Value::Array(o)), Some(Value::Array(p))) if meta.merge => {
                let merged = list::merge_list(o, p, &meta, false)?;
                (merged.items, merged.reference)
            }
            (Some(Value::Array(o)), Some(Value::Array(p))) => (p, o),
            _ => continue,
        };
        let ordered = list::order_by_directive(merged, &order, &reference, &meta, objects)?;
        orig.insert(field.to_owned(), Value::Array(ordered));
    }
    Ok(())
}

fn expected_list(got: &Value) -> SmpError {
    SmpError::internal(format!(
        "expected a []interface {{}}, but received a {}",
        gofmt::type_name(got)
    ))
}

/// The `$setElementOrder` list must name the patch list's items (those without a `$patch`
/// directive) as a subsequence, matched by merge key or, for scalars, by value.
fn check_order(patch_list: &[Value], order: &[Value], meta: &ListMeta) -> Result<(), SmpError> {
    if order.is_empty() || patch_list.is_empty() {
        return Ok(());
    }
    let mut items = Vec::with_capacity(patch_list.len());
    for item in patch_list {
        if meta.key.is_some() {
            let Value::Object(m) = item else {
                return Err(list::expected_map(item));
            };
            if m.get(PATCH).and_then(Value::as_str) == Some("delete") {
                continue;
            }
        }
        items.push(item);
    }
    let (mut pi, mut oi) = (0, 0);
    while pi < items.len() && oi < order.len() {
        if items[pi].get(PATCH).is_some() {
            pi += 1;
            continue;
        }
        if list::same_identity(items[pi], &order[oi], meta)? {
            pi += 1;
        }
        oi += 1;
    }
    if pi < items.len() && oi >= order.len() {
        return Err(SmpError::internal(format!(
            "The order in patch list:\n{}\n doesn't match $setElementOrder list:\n{}\n",
            gofmt::v(&Value::Array(patch_list.to_vec())),
            gofmt::v(&Value::Array(order.to_vec()))
        )));
    }
    Ok(())
}

/// How a patch value is copied where the original has nothing to merge with: null-valued keys
/// dropped at every depth, then every object holding `$patch` removed. `None` when the value
/// itself is such an object.
pub(super) fn clean(mut value: Value) -> Option<Value> {
    drop_nulls(&mut value);
    remove_directives(value)
}

fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// Removes every object that holds a `$patch` key, at any depth. `None` when `value` is one.
pub(super) fn remove_directives(value: Value) -> Option<Value> {
    match value {
        Value::Object(m) => {
            if m.contains_key(PATCH) {
                return None;
            }
            let kept = m
                .into_iter()
                .filter_map(|(k, v)| remove_directives(v).map(|v| (k, v)))
                .collect();
            Some(Value::Object(kept))
        }
        Value::Array(items) => Some(Value::Array(
            items.into_iter().filter_map(remove_directives).collect(),
        )),
        other => Some(other),
    }
}
