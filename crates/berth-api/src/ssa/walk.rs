//! Walks over objects that server-side apply is built from, each following its
//! structured-merge-diff counterpart: the field set of an object, the comparison of two objects,
//! the merge of a configuration into an object, the removal of a set of fields, and the
//! validation of an applied configuration.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::path::{Path, Pe, values_equal};
use super::schema::{Kind, Ty, item_pe};
use super::set::Set;
use crate::merge_keys::ListType;

/// The fields of `v` (upstream's `ToFieldSet`): leaves, list items and map keys are members;
/// struct fields are members only when they are null or empty objects.
pub(crate) fn field_set(v: &Value, ty: Ty) -> Set {
    let mut set = Set::default();
    to_set(v, ty, &mut Vec::new(), &mut set);
    set
}

fn to_set(v: &Value, ty: Ty, path: &mut Path, set: &mut Set) {
    match ty.kind(&[Some(v)]) {
        Kind::Leaf => set.insert(path),
        Kind::List { list, elem } => {
            if list.list_type == ListType::Atomic {
                set.insert(path);
                return;
            }
            let Some(items) = v.as_array() else { return };
            let pes: Vec<Option<Pe>> = items.iter().map(|i| item_pe(&list, i).ok()).collect();
            let mut seen = BTreeSet::new();
            let mut dups = BTreeSet::new();
            for pe in pes.iter().flatten() {
                if !seen.insert(pe) && dups.insert(pe) {
                    // A duplicated item is owned as a whole.
                    path.push(pe.clone());
                    set.insert(path);
                    path.pop();
                }
            }
            for (item, pe) in items.iter().zip(&pes) {
                let Some(pe) = pe else { continue };
                if dups.contains(pe) {
                    continue;
                }
                path.push(pe.clone());
                to_set(item, elem, path, set);
                set.insert(path);
                path.pop();
            }
        }
        Kind::Map { atomic, structure } => {
            if atomic {
                set.insert(path);
                return;
            }
            let Some(map) = v.as_object() else { return };
            for (k, val) in map {
                path.push(Pe::Field(k.clone()));
                to_set(val, ty.field(k), path, set);
                let empty = val.is_null() || val.as_object().is_some_and(Map::is_empty);
                if empty || !structure {
                    set.insert(path);
                }
                path.pop();
            }
        }
    }
}

/// Fields added, modified and removed between two objects (upstream's `Compare`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Comparison {
    /// In the old object only.
    pub(crate) removed: Set,
    /// Leaves whose values differ.
    pub(crate) modified: Set,
    /// In the new object only.
    pub(crate) added: Set,
}

impl Comparison {
    /// Drops `reset` and everything below it from all three sets.
    pub(crate) fn exclude(&mut self, reset: &Set) {
        self.removed = self.removed.recursive_difference(reset);
        self.modified = self.modified.recursive_difference(reset);
        self.added = self.added.recursive_difference(reset);
    }
}

/// Compares `old` with `new`.
pub(crate) fn compare(old: &Value, new: &Value, ty: Ty) -> Comparison {
    let mut c = Comparison::default();
    cmp(Some(old), Some(new), ty, &mut Vec::new(), &mut c);
    c
}

fn is_empty_list(v: Option<&Value>) -> bool {
    v.and_then(Value::as_array).is_none_or(Vec::is_empty)
}

fn is_empty_map(v: Option<&Value>) -> bool {
    v.and_then(Value::as_object).is_none_or(Map::is_empty)
}

fn cmp(l: Option<&Value>, r: Option<&Value>, ty: Ty, path: &mut Path, c: &mut Comparison) {
    let leaf = match ty.kind(&[l, r]) {
        Kind::Leaf => true,
        Kind::List { list, elem } => {
            if list.list_type == ListType::Atomic || (is_empty_list(l) && is_empty_list(r)) {
                true
            } else {
                let none = Vec::new();
                let ll = l.and_then(Value::as_array).unwrap_or(&none);
                let rl = r.and_then(Value::as_array).unwrap_or(&none);
                cmp_list(ll, rl, &list, elem, path, c);
                false
            }
        }
        Kind::Map { atomic, .. } => {
            if atomic || (is_empty_map(l) && is_empty_map(r)) {
                true
            } else {
                let lm = l.and_then(Value::as_object);
                let rm = r.and_then(Value::as_object);
                let keys: BTreeSet<&String> =
                    lm.into_iter().chain(rm).flat_map(Map::keys).collect();
                for k in keys {
                    path.push(Pe::Field(k.clone()));
                    let (lv, rv) = (lm.and_then(|m| m.get(k)), rm.and_then(|m| m.get(k)));
                    cmp(lv, rv, ty.field(k), path, c);
                    path.pop();
                }
                false
            }
        }
    };
    match (l, r) {
        (None, _) => c.added.insert(path),
        (_, None) => c.removed.insert(path),
        (Some(a), Some(b)) if leaf && !values_equal(a, b) => c.modified.insert(path),
        _ => {}
    }
}

fn cmp_list(
    ll: &[Value],
    rl: &[Value],
    list: &crate::merge_keys::ListField,
    elem: Ty,
    path: &mut Path,
    c: &mut Comparison,
) {
    let mut order: Vec<Pe> = Vec::new();
    let mut lvals: BTreeMap<Pe, Vec<&Value>> = BTreeMap::new();
    let mut rvals: BTreeMap<Pe, Vec<&Value>> = BTreeMap::new();
    for item in ll {
        let Ok(pe) = item_pe(list, item) else {
            continue;
        };
        let entry = lvals.entry(pe.clone()).or_default();
        if entry.is_empty() {
            order.push(pe);
        }
        entry.push(item);
    }
    for item in rl {
        let Ok(pe) = item_pe(list, item) else {
            continue;
        };
        let entry = rvals.entry(pe.clone()).or_default();
        if entry.is_empty() && !lvals.contains_key(&pe) {
            order.push(pe);
        }
        entry.push(item);
    }
    for pe in order {
        let lv = lvals.get(&pe).map_or(&[][..], Vec::as_slice);
        let rv = rvals.get(&pe).map_or(&[][..], Vec::as_slice);
        path.push(pe);
        match (lv.len(), rv.len()) {
            (0..=1, 0..=1) => cmp(lv.first().copied(), rv.first().copied(), elem, path, c),
            (2.., 2..) => {
                let same =
                    lv.len() == rv.len() && lv.iter().zip(rv).all(|(a, b)| values_equal(a, b));
                if !same {
                    c.modified.insert(path);
                }
            }
            (2.., _) => {
                if let Some(first) = rv.first() {
                    cmp(None, Some(first), elem, path, c);
                }
                c.removed.insert(path);
            }
            (_, _) => {
                if let Some(first) = lv.first() {
                    cmp(Some(first), None, elem, path, c);
                }
                c.added.insert(path);
            }
        }
        path.pop();
    }
}

/// `config` merged into `live` (upstream's `Merge` with the configuration winning): objects
/// and associative lists merge item by item, everything else is replaced.
pub(crate) fn merge(live: &Value, config: &Value, ty: Ty) -> Value {
    merge_node(Some(live), Some(config), ty).unwrap_or(Value::Null)
}

fn merge_node(l: Option<&Value>, r: Option<&Value>, ty: Ty) -> Option<Value> {
    let keep = || r.or(l).cloned();
    match ty.kind(&[l, r]) {
        Kind::Leaf => keep(),
        Kind::List { list, elem } => {
            if list.list_type == ListType::Atomic || (is_empty_list(l) && is_empty_list(r)) {
                return keep();
            }
            let none = Vec::new();
            let ll = l.and_then(Value::as_array).unwrap_or(&none);
            let rl = r.and_then(Value::as_array).unwrap_or(&none);
            let out = merge_list(ll, rl, &list, elem);
            (!out.is_empty()).then_some(Value::Array(out))
        }
        Kind::Map { atomic, .. } => {
            if atomic || (is_empty_map(l) && is_empty_map(r)) {
                return keep();
            }
            let lm = l.and_then(Value::as_object);
            let rm = r.and_then(Value::as_object);
            let keys: BTreeSet<&String> = lm.into_iter().chain(rm).flat_map(Map::keys).collect();
            let mut out = Map::new();
            for k in keys {
                let (lv, rv) = (lm.and_then(|m| m.get(k)), rm.and_then(|m| m.get(k)));
                if let Some(v) = merge_node(lv, rv, ty.field(k)) {
                    out.insert(k.clone(), v);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
    }
}

/// Merges two associative lists in upstream's order: live items keep their places, items of
/// the configuration follow the configuration's order, new items go where the configuration
/// puts them.
fn merge_list(
    ll: &[Value],
    rl: &[Value],
    list: &crate::merge_keys::ListField,
    elem: Ty,
) -> Vec<Value> {
    let null = Value::Null;
    let index = |items: &[Value]| -> Vec<(Pe, usize)> {
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| item_pe(list, item).ok().map(|pe| (pe, i)))
            .collect()
    };
    let rhs = index(rl);
    let lhs = index(ll);
    let observed_r: BTreeMap<&Pe, &Value> = rhs.iter().map(|(pe, i)| (pe, &rl[*i])).collect();
    // A key the live list holds twice merges as if absent: the configuration replaces them.
    let mut observed_l: BTreeMap<&Pe, &Value> = BTreeMap::new();
    for (pe, i) in &lhs {
        let v = if observed_l.contains_key(pe) {
            &null
        } else {
            &ll[*i]
        };
        observed_l.insert(pe, v);
    }
    let mut shared = rhs
        .iter()
        .map(|(pe, _)| pe)
        .filter(|pe| observed_l.contains_key(pe));
    let mut next_shared = shared.next();
    let mut merged_r: BTreeSet<&Pe> = BTreeSet::new();
    let mut out = Vec::with_capacity(ll.len().max(rl.len()));
    let (mut li, mut ri) = (0, 0);
    while li < lhs.len() || ri < rhs.len() {
        if li < lhs.len() && ri < rhs.len() {
            let pe = &lhs[li].0;
            if *pe == rhs[ri].0 {
                merged_r.insert(pe);
                let lc = observed_l.get(pe).copied();
                let rc = observed_r.get(pe).copied();
                out.extend(merge_node(lc, rc, elem));
                li += 1;
                ri += 1;
                next_shared = shared.next();
                continue;
            }
            if observed_r.contains_key(pe) && next_shared.is_some_and(|n| n != pe) {
                li += 1;
                continue;
            }
        }
        if li < lhs.len() {
            let (pe, i) = &lhs[li];
            if !observed_r.contains_key(pe) {
                out.extend(merge_node(Some(&ll[*i]), None, elem));
                li += 1;
                continue;
            } else if merged_r.contains(pe) {
                li += 1;
            }
        }
        if ri < rhs.len() {
            let pe = &rhs[ri].0;
            merged_r.insert(pe);
            let lc = observed_l.get(pe).copied();
            let rc = observed_r.get(pe).copied();
            out.extend(merge_node(lc, rc, elem));
            ri += 1;
            if next_shared.is_some_and(|n| n == pe) {
                next_shared = shared.next();
            }
        }
    }
    out
}

/// `v` without the members of `set` and what lies below them (upstream's `RemoveItems`). An
/// object or list emptied this way becomes null, as upstream leaves it.
pub(crate) fn remove(v: &Value, set: &Set, ty: Ty) -> Value {
    match ty.kind(&[Some(v)]) {
        Kind::Leaf => v.clone(),
        Kind::List { list, elem } => {
            let Some(items) = v.as_array().filter(|a| !a.is_empty()) else {
                return Value::Null;
            };
            if list.list_type == ListType::Atomic {
                return Value::Null;
            }
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item_pe(&list, item) {
                    Ok(pe) if set.has_member(&pe) => {}
                    Ok(pe) => match set.child(&pe) {
                        Some(sub) => out.push(remove(item, sub, elem)),
                        None => out.push(item.clone()),
                    },
                    Err(_) => out.push(item.clone()),
                }
            }
            if out.is_empty() {
                Value::Null
            } else {
                Value::Array(out)
            }
        }
        Kind::Map { atomic, .. } => {
            let Some(map) = v.as_object().filter(|m| !m.is_empty()) else {
                return Value::Null;
            };
            if atomic {
                return Value::Null;
            }
            let mut out = Map::new();
            for (k, val) in map {
                let pe = Pe::Field(k.clone());
                if set.has_member(&pe) {
                    continue;
                }
                let kept = match set.child(&pe) {
                    Some(sub) => remove(val, sub, ty.field(k)),
                    None => val.clone(),
                };
                out.insert(k.clone(), kept);
            }
            if out.is_empty() {
                Value::Null
            } else {
                Value::Object(out)
            }
        }
    }
}

/// Upstream's checks of a configuration's associative lists, as `path: message` lines.
/// `allow_duplicates` accepts repeated keys (live objects).
pub(crate) fn validate(v: &Value, ty: Ty, allow_duplicates: bool) -> Vec<String> {
    let mut errs = Vec::new();
    check(v, ty, allow_duplicates, &mut String::new(), &mut errs);
    errs
}

fn check(v: &Value, ty: Ty, dups_ok: bool, path: &mut String, errs: &mut Vec<String>) {
    let at = |path: &str, msg: String| {
        if path.is_empty() {
            msg
        } else {
            format!("{path}: {msg}")
        }
    };
    match ty.kind(&[Some(v)]) {
        Kind::Leaf => {}
        Kind::List { list, elem } => {
            let Some(items) = v.as_array() else { return };
            let mut seen = BTreeSet::new();
            for (i, item) in items.iter().enumerate() {
                let step = if list.list_type == ListType::Atomic {
                    format!("[{i}]")
                } else {
                    match item_pe(&list, item) {
                        Ok(pe) => {
                            if !seen.insert(pe.clone()) && !dups_ok {
                                errs.push(at(path, format!("duplicate entries for key {pe}")));
                            }
                            pe.to_string()
                        }
                        Err(e) => {
                            errs.push(at(path, format!("element {i}: {e}")));
                            return;
                        }
                    }
                };
                let len = path.len();
                path.push_str(&step);
                check(item, elem, dups_ok, path, errs);
                path.truncate(len);
            }
        }
        Kind::Map { .. } => {
            let Some(map) = v.as_object() else { return };
            for (k, val) in map {
                let len = path.len();
                path.push('.');
                path.push_str(k);
                check(val, ty.field(k), dups_ok, path, errs);
                path.truncate(len);
            }
        }
    }
}

/// Upstream's text for a list of validation errors.
pub(crate) fn errors_text(errs: &[String]) -> String {
    match errs {
        [one] => one.clone(),
        many => {
            let mut lines = vec!["errors:".to_owned()];
            lines.extend(many.iter().map(|e| format!("  {e}")));
            lines.join("\n")
        }
    }
}
