//! Patch metadata of every field of the kinds berth serves: which lists merge by which key,
//! which are sets, which are replaced, which objects are maps and which carry `retainKeys`.
//!
//! One table feeds strategic merge patch (the `patchStrategy`/`patchMergeKey` struct tags that
//! kube-apiserver reads), server-side apply (`+listType`/`+listMapKey`) and the OpenAPI
//! extensions kubectl reads (`x-kubernetes-patch-*`, `x-kubernetes-list-*`), so the three can
//! never disagree. The table is the type graph in `data/type-graph.tsv`, compiled in and parsed
//! once; look-ups walk it from the kind's root type, so a field reached through several paths
//! (a `Container` under `containers` and `initContainers`) is described once.

use std::collections::HashMap;
use std::sync::OnceLock;

static DATA: &str = include_str!("../data/type-graph.tsv");

/// How strategic merge patch treats a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PatchStrategy {
    /// No strategy: the patch list replaces the whole list.
    Replace,
    /// `merge`: objects merge by the merge key; scalars form a set.
    Merge,
    /// `merge,retainKeys`: merge by key, and kubectl sends `$retainKeys` in changed items.
    MergeRetainKeys,
}

/// How server-side apply treats a list (`x-kubernetes-list-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListType {
    /// Owned and replaced as a whole.
    Atomic,
    /// Scalars, each owned on its own.
    Set,
    /// Objects identified by the list-map keys.
    Map,
}

/// `x-kubernetes-map-type` of an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MapType {
    /// Owned and replaced as a whole.
    Atomic,
    /// Each key owned on its own.
    Granular,
}

/// The patch metadata of one list-typed field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ListField {
    /// Strategic merge patch strategy (struct tag `patchStrategy`).
    pub patch_strategy: PatchStrategy,
    /// Strategic merge patch merge key (struct tag `patchMergeKey`).
    pub merge_key: Option<&'static str>,
    /// Server-side apply list type.
    pub list_type: ListType,
    /// Server-side apply list-map keys (empty unless `list_type` is `Map`).
    pub map_keys: &'static [&'static str],
}

/// What a field holds.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// An object of a struct type.
    Struct(TypeRef),
    /// A list; `elem` is the element struct type, `None` for scalars.
    List {
        /// Element type of a list of objects.
        elem: Option<TypeRef>,
        /// The list's patch metadata.
        list: ListField,
    },
    /// An object with free-form keys (labels, resource lists, config data).
    Map,
    /// Raw embedded JSON (`RawExtension`, `FieldsV1`): a struct type with no known fields.
    Opaque(TypeRef),
}

/// A field of a struct type.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// JSON name.
    pub name: &'static str,
    /// What it holds.
    pub shape: Shape,
    /// Whether its strategy includes `retainKeys` (an object, or each item of a list).
    pub retain_keys: bool,
    /// Field-level `x-kubernetes-map-type`, overriding the type's.
    pub map_type: Option<MapType>,
}

/// A struct type of the graph.
#[derive(Debug, Clone, Copy)]
pub struct TypeRef(&'static TypeDef);

impl TypeRef {
    /// The Go type name (`PodSpec`, `RawExtension`), as upstream's error messages print it.
    pub fn name(self) -> &'static str {
        self.0.id.split('@').next().unwrap_or(self.0.id)
    }

    /// The table's identifier, unique across groups (`DeploymentSpec@apps`).
    pub fn id(self) -> &'static str {
        self.0.id
    }

    /// Whether the type is `x-kubernetes-map-type: atomic`.
    pub fn atomic(self) -> bool {
        self.0.atomic
    }

    /// The field with JSON name `name`, if it holds an object, list or map.
    pub fn field(self, name: &str) -> Option<Field> {
        self.0.fields.iter().find(|f| f.name == name).map(resolve)
    }

    /// Every field that holds an object, list or map, in table order.
    pub fn fields(self) -> impl Iterator<Item = Field> {
        self.0.fields.iter().map(resolve)
    }
}

/// The root type of `group`/`kind` (`""` for the core group), if berth knows the kind.
pub fn root(group: &str, kind: &str) -> Option<TypeRef> {
    let g = graph();
    let group = if group.is_empty() { "core" } else { group };
    g.roots
        .iter()
        .find(|(rg, rk, _)| *rg == group && *rk == kind)
        .and_then(|(_, _, t)| g.types.get(*t))
        .map(TypeRef)
}

/// The field at `path` (JSON names from the root; list indices and map keys omitted).
pub fn field_at(group: &str, kind: &str, path: &[&str]) -> Option<Field> {
    let (last, parents) = path.split_last()?;
    let mut ty = root(group, kind)?;
    for seg in parents {
        ty = match ty.field(seg)?.shape {
            Shape::Struct(t) | Shape::Opaque(t) => t,
            Shape::List { elem: Some(t), .. } => t,
            Shape::List { elem: None, .. } | Shape::Map => return None,
        };
    }
    ty.field(last)
}

/// The list metadata of the field at `path`, e.g. `["spec","template","spec","containers","ports"]`
/// (JSON field names from the object root, list indices and map keys omitted). `None` when the
/// path is not a list field of the kind.
pub fn list_field(group: &str, kind: &str, path: &[&str]) -> Option<ListField> {
    match field_at(group, kind, path)?.shape {
        Shape::List { list, .. } => Some(list),
        _ => None,
    }
}

/// Whether the field at `path` carries `retainKeys`: struct level (Deployment `spec.strategy`)
/// or item level (a `merge,retainKeys` list such as `volumes`, whose changed items get
/// `$retainKeys`).
pub fn retain_keys(group: &str, kind: &str, path: &[&str]) -> bool {
    field_at(group, kind, path).is_some_and(|f| f.retain_keys)
}

/// Whether `path` is a map (string-keyed object of values) rather than a struct — the SMP
/// walker treats maps' keys as data.
pub fn is_map(group: &str, kind: &str, path: &[&str]) -> bool {
    field_at(group, kind, path).is_some_and(|f| matches!(f.shape, Shape::Map))
}

/// Every list path of a kind (for coverage tests and OpenAPI extensions), depth first in table
/// order. A list inside a list item appears under the list's path.
pub fn list_paths(group: &str, kind: &str) -> Vec<(Vec<&'static str>, ListField)> {
    let mut out = Vec::new();
    if let Some(t) = root(group, kind) {
        let mut path = Vec::new();
        let mut stack = Vec::new();
        walk_lists(t, &mut path, &mut stack, &mut out);
    }
    out
}

fn walk_lists(
    ty: TypeRef,
    path: &mut Vec<&'static str>,
    stack: &mut Vec<&'static str>,
    out: &mut Vec<(Vec<&'static str>, ListField)>,
) {
    // The graph has no recursive types today; the guard keeps a future one from looping.
    if stack.contains(&ty.id()) {
        return;
    }
    stack.push(ty.id());
    for f in ty.fields() {
        path.push(f.name);
        match f.shape {
            Shape::Struct(t) => walk_lists(t, path, stack, out),
            Shape::List { elem, list } => {
                out.push((path.clone(), list));
                if let Some(t) = elem {
                    walk_lists(t, path, stack, out);
                }
            }
            Shape::Map | Shape::Opaque(_) => {}
        }
        path.pop();
    }
    stack.pop();
}

// ---- the parsed table ----

#[derive(Debug)]
struct TypeDef {
    id: &'static str,
    atomic: bool,
    fields: Vec<FieldDef>,
}

#[derive(Debug)]
enum ShapeDef {
    Struct(usize),
    List(Option<usize>, ListField),
    Map,
    Opaque(usize),
}

#[derive(Debug)]
struct FieldDef {
    name: &'static str,
    shape: ShapeDef,
    retain_keys: bool,
    map_type: Option<MapType>,
}

#[derive(Debug, Default)]
struct Graph {
    roots: Vec<(&'static str, &'static str, usize)>,
    types: Vec<TypeDef>,
    problems: Vec<String>,
}

fn graph() -> &'static Graph {
    static GRAPH: OnceLock<Graph> = OnceLock::new();
    GRAPH.get_or_init(|| parse(DATA))
}

fn resolve(f: &FieldDef) -> Field {
    let types = &graph().types;
    let t = |i: usize| types.get(i).map(TypeRef);
    let shape = match f.shape {
        ShapeDef::Struct(i) => t(i).map_or(Shape::Map, Shape::Struct),
        ShapeDef::Opaque(i) => t(i).map_or(Shape::Map, Shape::Opaque),
        ShapeDef::List(elem, list) => Shape::List {
            elem: elem.and_then(t),
            list,
        },
        ShapeDef::Map => Shape::Map,
    };
    Field {
        name: f.name,
        shape,
        retain_keys: f.retain_keys,
        map_type: f.map_type,
    }
}

/// Parses the table. Malformed lines are skipped and reported in `problems` (a test keeps that
/// empty), so a look-up never fails because of the table itself.
fn parse(data: &'static str) -> Graph {
    let mut g = Graph::default();
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    let mut intern = |g: &mut Graph, id: &'static str| -> usize {
        *index.entry(id).or_insert_with(|| {
            g.types.push(TypeDef {
                id,
                atomic: false,
                fields: Vec::new(),
            });
            g.types.len() - 1
        })
    };
    for (n, line) in data.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&'static str> = line.split('\t').collect();
        match cols.as_slice() {
            ["root", group, kind, ty] => {
                let t = intern(&mut g, ty);
                g.roots.push((group, kind, t));
            }
            ["atomic", ty] => {
                let t = intern(&mut g, ty);
                if let Some(def) = g.types.get_mut(t) {
                    def.atomic = true;
                }
            }
            [
                "field",
                ty,
                name,
                shape,
                target,
                strategy,
                key,
                list_type,
                map_keys,
                map_type,
            ] => {
                let field = parse_field(
                    [shape, target, strategy, key, list_type, map_keys, map_type],
                    |id| intern(&mut g, id),
                );
                match field {
                    Ok((shape, retain_keys, map_type)) => {
                        let t = intern(&mut g, ty);
                        if let Some(def) = g.types.get_mut(t) {
                            def.fields.push(FieldDef {
                                name,
                                shape,
                                retain_keys,
                                map_type,
                            });
                        }
                    }
                    Err(e) => g.problems.push(format!("line {}: {e}", n + 1)),
                }
            }
            _ => g.problems.push(format!("line {}: malformed", n + 1)),
        }
    }
    g
}

type ParsedField = (ShapeDef, bool, Option<MapType>);

fn parse_field(
    [shape, target, strategy, key, list_type, map_keys, map_type]: [&'static str; 7],
    mut intern: impl FnMut(&'static str) -> usize,
) -> Result<ParsedField, String> {
    let opt = |s: &'static str| (s != "-").then_some(s);
    let (patch_strategy, retain_keys) = match strategy {
        "-" => (PatchStrategy::Replace, false),
        "merge" => (PatchStrategy::Merge, false),
        "merge,retainKeys" => (PatchStrategy::MergeRetainKeys, true),
        "retainKeys" => (PatchStrategy::Replace, true),
        other => return Err(format!("unknown patch strategy {other}")),
    };
    let map_type = match map_type {
        "-" => None,
        "atomic" => Some(MapType::Atomic),
        "granular" => Some(MapType::Granular),
        other => return Err(format!("unknown map type {other}")),
    };
    let shape = match shape {
        "struct" => ShapeDef::Struct(intern(target)),
        "opaque" => ShapeDef::Opaque(intern(target)),
        "map" => ShapeDef::Map,
        "list" => {
            let list_type = match list_type {
                "atomic" => ListType::Atomic,
                "set" => ListType::Set,
                "map" => ListType::Map,
                other => return Err(format!("unknown list type {other}")),
            };
            let map_keys: &'static [&'static str] = match opt(map_keys) {
                None => &[],
                // Leaked once per keyed list at first use: the table is static for the process.
                Some(keys) => Vec::leak(keys.split(',').collect()),
            };
            let elem = opt(target).filter(|t| *t != "scalar").map(&mut intern);
            ShapeDef::List(
                elem,
                ListField {
                    patch_strategy,
                    merge_key: opt(key),
                    list_type,
                    map_keys,
                },
            )
        }
        other => return Err(format!("unknown shape {other}")),
    };
    Ok((shape, retain_keys, map_type))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "merge_keys/tests.rs"]
mod tests;
