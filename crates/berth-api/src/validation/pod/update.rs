//! Pod spec immutability on update (`ValidatePodUpdate` after the create-time checks), and the
//! semantic equality upstream uses to compare specs.

use serde_json::{Map, Value};

use super::access::{Errs, Json};
use super::spec::tolerations;
use crate::validation::field::{BadValue, FieldError, FieldPath};
use crate::validation::names;

/// The fields a pod update may change, as upstream lists them (joined with `,`, no space).
const UPDATABLE_POD_SPEC_FIELDS: [&str; 5] = [
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
];

/// A wire value with Go's zero values removed: absent, `null`, `false`, `0`, `""`, `[]` and
/// `{}` all mean the same for the internal structs upstream compares.
///
/// Pointer fields whose zero value differs from nil (`runAsUser: 0`) compare equal to absent
/// here, which upstream would tell apart.
pub(crate) fn normalized(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, child) in map {
                let child = normalized(child);
                if !is_zero(&child) {
                    out.insert(k.clone(), child);
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(normalized).collect()),
        other => other.clone(),
    }
}

fn is_zero(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
    }
}

/// `apiequality.Semantic.DeepEqual` on wire values.
pub(crate) fn semantic_eq(a: &Value, b: &Value) -> bool {
    normalized(a) == normalized(b)
}

/// `ValidateContainerUpdates`: the same number of containers, each with a usable image.
/// `None` means the count changed and validation stops.
fn container_updates(new: &[Value], old: &[Value], path: &FieldPath) -> Option<Errs> {
    if new.len() != old.len() {
        return None;
    }
    let mut errs = Errs::new();
    for (i, c) in new.iter().enumerate() {
        let image = c.s("image");
        if image.is_empty() {
            errs.push(FieldError::required(path.index(i).child("image"), ""));
        }
        if image.trim() != image {
            errs.push(FieldError::invalid(
                path.index(i).child("image"),
                image,
                "must not have leading or trailing whitespace",
            ));
        }
    }
    Some(errs)
}

/// The update-specific part of `ValidatePodUpdate`, from the container counts on.
pub(crate) fn spec_update(new_spec: &Value, old_spec: &Value) -> Errs {
    let mut errs = Errs::new();
    let spec_path = FieldPath::new("spec");
    for key in ["containers", "initContainers"] {
        let p = spec_path.child(key);
        match container_updates(new_spec.list(key), old_spec.list(key), &p) {
            Some(e) => errs.extend(e),
            None => {
                errs.push(FieldError::forbidden(
                    p,
                    "pod updates may not add or remove containers",
                ));
                return errs;
            }
        }
    }
    let deadline_path = spec_path.child("activeDeadlineSeconds");
    match (
        new_spec.int("activeDeadlineSeconds"),
        old_spec.int("activeDeadlineSeconds"),
    ) {
        (Some(n), old) => {
            if !(0..=i64::from(i32::MAX)).contains(&n) {
                errs.push(FieldError::invalid(
                    deadline_path,
                    n,
                    names::inclusive_range_error(0, i64::from(i32::MAX)),
                ));
                return errs;
            }
            if old.is_some_and(|o| o < n) {
                errs.push(FieldError::invalid(
                    deadline_path,
                    n,
                    "must be less than or equal to previous value",
                ));
                return errs;
            }
        }
        (None, Some(_)) => errs.push(FieldError::invalid(
            deadline_path,
            BadValue::Null,
            "must not update from a positive integer to nil value",
        )),
        (None, None) => {}
    }
    errs.extend(only_added_tolerations(
        new_spec.list("tolerations"),
        old_spec.list("tolerations"),
        &spec_path.child("tolerations"),
    ));
    errs.extend(only_deleted_scheduling_gates(
        new_spec.list("schedulingGates"),
        old_spec.list("schedulingGates"),
        &spec_path.child("schedulingGates"),
    ));
    if semantic_eq(new_spec, old_spec) {
        return errs;
    }
    let mut munged = normalized(new_spec);
    let old_norm = normalized(old_spec);
    if let Some(m) = munged.as_object_mut() {
        for key in ["containers", "initContainers"] {
            let old_list = old_norm.list(key).to_vec();
            if let Some(Value::Array(items)) = m.get_mut(key) {
                for (c, old_c) in items.iter_mut().zip(&old_list) {
                    if let Some(obj) = c.as_object_mut() {
                        match old_c.at("image") {
                            Some(img) => obj.insert("image".to_owned(), img.clone()),
                            None => obj.remove("image"),
                        };
                    }
                }
            }
        }
        for key in ["activeDeadlineSeconds", "schedulingGates", "tolerations"] {
            match old_norm.at(key) {
                Some(v) => m.insert(key.to_owned(), v.clone()),
                None => m.remove(key),
            };
        }
        let old_grace = old_norm.int("terminationGracePeriodSeconds");
        if old_grace.is_some_and(|g| g < 0)
            && munged_grace(m) == Some(1)
            && let Some(g) = old_norm.at("terminationGracePeriodSeconds")
        {
            m.insert("terminationGracePeriodSeconds".to_owned(), g.clone());
        }
        if !old_norm.list("schedulingGates").is_empty() {
            let (new_sel, old_sel) = (
                m.get("nodeSelector").cloned(),
                old_norm.at("nodeSelector").cloned(),
            );
            if new_sel != old_sel {
                let new_sel = new_sel.unwrap_or(Value::Null);
                errs.extend(node_selector_mutation(
                    &new_sel,
                    old_sel.as_ref(),
                    &spec_path.child("nodeSelector"),
                ));
                match old_sel {
                    Some(v) => m.insert("nodeSelector".to_owned(), v),
                    None => m.remove("nodeSelector"),
                };
            }
        }
    }
    let munged = normalized(&munged);
    if munged != old_norm {
        let detail = format!(
            "pod updates may not change fields other than {}\n{}",
            UPDATABLE_POD_SPEC_FIELDS.join(","),
            spec_diff(&old_norm, &munged)
        );
        errs.push(FieldError::forbidden(spec_path, detail));
    }
    errs
}

fn munged_grace(m: &Map<String, Value>) -> Option<i64> {
    m.get("terminationGracePeriodSeconds")
        .and_then(Value::as_i64)
}

/// `validateNodeSelectorMutation`: a gated pod may only add node selector entries.
fn node_selector_mutation(new: &Value, old: Option<&Value>, path: &FieldPath) -> Errs {
    let old_entries = old.and_then(Value::as_object);
    let removed_or_changed =
        old_entries.is_some_and(|o| o.iter().any(|(k, v)| new.get(k) != Some(v)));
    if removed_or_changed {
        vec![FieldError::invalid(
            path,
            BadValue::from_json(new),
            "only additions to spec.nodeSelector are allowed (no mutations or deletions)",
        )]
    } else {
        Vec::new()
    }
}

/// `validateOnlyAddedTolerations`: old tolerations stay (only `tolerationSeconds` may change).
fn only_added_tolerations(new: &[Value], old: &[Value], path: &FieldPath) -> Errs {
    for o in old {
        let found = new.iter().any(|n| {
            let mut clone = o.clone();
            if let Some(obj) = clone.as_object_mut() {
                match n.at("tolerationSeconds") {
                    Some(s) => obj.insert("tolerationSeconds".to_owned(), s.clone()),
                    None => obj.remove("tolerationSeconds"),
                };
            }
            semantic_eq(&clone, n)
        });
        if !found {
            return vec![FieldError::forbidden(
                path,
                "existing toleration can not be modified except its tolerationSeconds",
            )];
        }
    }
    tolerations(new, path)
}

/// `validateOnlyDeletedSchedulingGates`.
fn only_deleted_scheduling_gates(new: &[Value], old: &[Value], path: &FieldPath) -> Errs {
    let mut added: Vec<(usize, &str)> = Vec::new();
    for (i, gate) in new.iter().enumerate() {
        let name = gate.s("name");
        // Like upstream's name → index map: a repeated name keeps its last index.
        added.retain(|(_, n)| *n != name);
        added.push((i, name));
    }
    added.retain(|(_, n)| !old.iter().any(|g| g.s("name") == *n));
    added.sort_unstable();
    added
        .into_iter()
        .map(|(i, name)| {
            FieldError::forbidden(
                path.index(i).child("name"),
                format!("only deletion is allowed, but found new scheduling gate '{name}'"),
            )
        })
        .collect()
}

/// A short rendering of the differing spec fields, in the spirit of upstream's `cmp.Diff`.
fn spec_diff(old: &Value, new: &Value) -> String {
    let empty = Map::new();
    let (o, n) = (
        old.as_object().unwrap_or(&empty),
        new.as_object().unwrap_or(&empty),
    );
    let mut keys: Vec<&String> = o.keys().chain(n.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = String::from("  core.PodSpec{\n");
    for key in keys {
        let (a, b) = (o.get(key), n.get(key));
        if a == b {
            continue;
        }
        let field = go_field_name(key);
        let render = |v: Option<&Value>| v.map_or_else(|| "nil".to_owned(), Value::to_string);
        out.push_str(&format!("- \t{field}: {},\n", render(a)));
        out.push_str(&format!("+ \t{field}: {},\n", render(b)));
    }
    out.push_str("  }");
    out
}

fn go_field_name(key: &str) -> String {
    let mut chars = key.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}
