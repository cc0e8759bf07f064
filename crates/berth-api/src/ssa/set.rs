//! Sets of field paths (structured-merge-diff's `fieldpath.Set`) and their `FieldsV1` form.
//!
//! A set is a tree: each node has members (paths that end there) and children (paths that go
//! on). A path can be a member and have children, which `FieldsV1` writes as `".": {}`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::path::{Path, Pe};
use super::schema::Ty;

/// A set of field paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Set {
    members: BTreeSet<Pe>,
    children: BTreeMap<Pe, Set>,
}

impl Set {
    /// The set holding `paths`.
    pub(crate) fn of(paths: &[Path]) -> Set {
        let mut s = Set::default();
        for p in paths {
            s.insert(p);
        }
        s
    }

    /// Adds `path`; its parents are not added. The empty path (the whole object) is never owned.
    pub(crate) fn insert(&mut self, path: &[Pe]) {
        let Some((last, parents)) = path.split_last() else {
            return;
        };
        let mut node = self;
        for pe in parents {
            node = node.children.entry(pe.clone()).or_default();
        }
        node.members.insert(last.clone());
    }

    /// Whether `path` is a member.
    pub(crate) fn has(&self, path: &[Pe]) -> bool {
        let Some((last, parents)) = path.split_last() else {
            return false;
        };
        let mut node = self;
        for pe in parents {
            match node.children.get(pe) {
                Some(n) => node = n,
                None => return false,
            }
        }
        node.members.contains(last)
    }

    /// Whether `pe` is a member of this node.
    pub(crate) fn has_member(&self, pe: &Pe) -> bool {
        self.members.contains(pe)
    }

    /// The paths below `pe`, with `pe` removed.
    pub(crate) fn child(&self, pe: &Pe) -> Option<&Set> {
        self.children.get(pe).filter(|s| !s.is_empty())
    }

    /// Whether the set has no member at any depth.
    pub(crate) fn is_empty(&self) -> bool {
        self.members.is_empty() && self.children.values().all(Set::is_empty)
    }

    /// Paths in either set.
    pub(crate) fn union(&self, other: &Set) -> Set {
        let mut out = self.clone();
        out.members.extend(other.members.iter().cloned());
        for (pe, s) in &other.children {
            let merged = match out.children.get(pe) {
                Some(mine) => mine.union(s),
                None => s.clone(),
            };
            out.children.insert(pe.clone(), merged);
        }
        out
    }

    /// Paths in both sets.
    pub(crate) fn intersection(&self, other: &Set) -> Set {
        let members = self.members.intersection(&other.members).cloned().collect();
        let children = self
            .children
            .iter()
            .filter_map(|(pe, s)| {
                let both = s.intersection(other.children.get(pe)?);
                (!both.is_empty()).then(|| (pe.clone(), both))
            })
            .collect();
        Set { members, children }
    }

    /// Paths of `self` that are not members of `other`. A member of `other` does not remove the
    /// paths below it (that is [`Set::recursive_difference`]).
    pub(crate) fn difference(&self, other: &Set) -> Set {
        let members = self.members.difference(&other.members).cloned().collect();
        let children = self
            .children
            .iter()
            .filter_map(|(pe, s)| {
                let rest = match other.children.get(pe) {
                    Some(o) => s.difference(o),
                    None => s.clone(),
                };
                (!rest.is_empty()).then(|| (pe.clone(), rest))
            })
            .collect();
        Set { members, children }
    }

    /// Paths of `self` that neither are nor lie below a member of `other`.
    pub(crate) fn recursive_difference(&self, other: &Set) -> Set {
        let members = self.members.difference(&other.members).cloned().collect();
        let children = self
            .children
            .iter()
            .filter(|(pe, _)| !other.members.contains(*pe))
            .filter_map(|(pe, s)| {
                let rest = match other.children.get(pe) {
                    Some(o) => s.recursive_difference(o),
                    None => s.clone(),
                };
                (!rest.is_empty()).then(|| (pe.clone(), rest))
            })
            .collect();
        Set { members, children }
    }

    /// The set plus every struct field that has members below it (upstream's
    /// `EnsureNamedFieldsAreMembers`); map keys and list items are left as they are.
    pub(crate) fn ensure_named(&self, ty: Ty) -> Set {
        let mut members = self.members.clone();
        let mut children = BTreeMap::new();
        for (pe, s) in &self.children {
            let child_ty = match pe {
                Pe::Field(name) => {
                    if ty.names_fields() {
                        members.insert(pe.clone());
                    }
                    ty.field(name)
                }
                Pe::Key(_) => ty.elem(),
                Pe::Value(_) | Pe::Index(_) => Ty::Leaf,
            };
            children.insert(pe.clone(), s.ensure_named(child_ty));
        }
        Set { members, children }
    }

    /// Every member path, members of a node before its children, each in order.
    pub(crate) fn paths(&self) -> Vec<Path> {
        let mut out = Vec::new();
        self.collect(&mut Vec::new(), &mut out);
        out
    }

    fn collect(&self, prefix: &mut Path, out: &mut Vec<Path>) {
        for pe in &self.members {
            let mut p = prefix.clone();
            p.push(pe.clone());
            out.push(p);
        }
        for (pe, s) in &self.children {
            prefix.push(pe.clone());
            s.collect(prefix, out);
            prefix.pop();
        }
    }

    /// The `fieldsV1` object of the set.
    pub(crate) fn to_fields_v1(&self) -> Value {
        Value::Object(self.contents(false))
    }

    fn contents(&self, include_self: bool) -> Map<String, Value> {
        let mut out = Map::new();
        if include_self && !self.is_empty() {
            out.insert(".".to_owned(), Value::Object(Map::new()));
        }
        for pe in &self.members {
            if !self.children.contains_key(pe) {
                out.insert(pe.serialize(), Value::Object(Map::new()));
            }
        }
        for (pe, s) in &self.children {
            if s.is_empty() {
                continue;
            }
            let inner = s.contents(self.members.contains(pe));
            out.insert(pe.serialize(), Value::Object(inner));
        }
        out
    }

    /// Parses a `fieldsV1` object. Keys of unknown kinds are skipped, as upstream does.
    pub(crate) fn from_fields_v1(v: &Value) -> Result<Set, String> {
        Ok(read(v)?.0.unwrap_or_default())
    }
}

/// Reads one node: its subtree (if any entry below it) and whether it is itself a member.
fn read(v: &Value) -> Result<(Option<Set>, bool), String> {
    let mut children: Option<Set> = None;
    let mut is_member = false;
    match v {
        Value::Null => {}
        Value::Object(map) => {
            for (key, val) in map {
                if key == "." {
                    is_member = true;
                    continue;
                }
                let Some(pe) =
                    Pe::parse(key).map_err(|e| format!("parsing key as path element: {e}"))?
                else {
                    continue;
                };
                let (grand, child_member) = read(val)?;
                if child_member {
                    children.get_or_insert_default().members.insert(pe.clone());
                }
                if let Some(g) = grand {
                    children.get_or_insert_default().children.insert(pe, g);
                }
            }
        }
        other => return Err(format!("expected an object of fields, got {other}")),
    }
    if children.is_none() {
        is_member = true;
    }
    Ok((children, is_member))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(s: &str) -> Path {
        s.split('.').map(Pe::field).collect()
    }

    #[test]
    fn fields_v1_round_trip_with_dot_for_members_with_children() {
        let mut s = Set::default();
        s.insert(&p("data.a"));
        s.insert(&p("data"));
        s.insert(&p("metadata.labels.app"));
        let v = s.to_fields_v1();
        assert_eq!(
            v,
            json!({"f:data": {".": {}, "f:a": {}}, "f:metadata": {"f:labels": {"f:app": {}}}})
        );
        assert_eq!(Set::from_fields_v1(&v).unwrap(), s);
        assert_eq!(Set::from_fields_v1(&json!({})).unwrap(), Set::default());
    }

    #[test]
    fn set_algebra_follows_upstream() {
        let a = Set::of(&[p("a.b.c"), p("a.d"), p("e")]);
        let b = Set::of(&[p("a.b"), p("e")]);
        // A member of b does not remove a's paths below it...
        assert_eq!(a.difference(&b), Set::of(&[p("a.b.c"), p("a.d")]));
        // ...unless the difference is recursive.
        assert_eq!(a.recursive_difference(&b), Set::of(&[p("a.d")]));
        assert_eq!(
            a.intersection(&Set::of(&[p("a.d"), p("a.b")])),
            Set::of(&[p("a.d")])
        );
        assert_eq!(a.union(&b).paths().len(), 4);
        assert!(a.has(&p("a.b.c")) && !a.has(&p("a.b")));
    }
}
