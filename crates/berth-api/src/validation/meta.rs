//! ObjectMeta validation on create and update (apimachinery `api/validation/objectmeta.go` plus
//! the core-group finalizer rule), and `generateName` expansion.

use serde_json::{Map, Value};

use super::field::{BadValue, FieldError, FieldPath};
use super::gofmt;
use super::meta_refs;
use super::names::{self, NameFn};
use crate::registry::ResourceInfo;

/// Upper bound on the total bytes of annotation keys and values.
pub const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;

/// Characters of the random `generateName` suffix.
pub const GENERATE_NAME_ALPHABET: &str = "bcdfghjklmnpqrstvwxz2456789";

/// Length of the random `generateName` suffix.
pub const GENERATE_NAME_RANDOM_LENGTH: usize = 5;

/// Longest `generateName` prefix kept before the suffix (63 − 5).
pub const MAX_GENERATED_PREFIX_LENGTH: usize = 58;

const STANDARD_FINALIZERS: [&str; 3] = ["kubernetes", "orphan", "foregroundDeletion"];

/// `generateName` expansion: the prefix cut to 58 bytes, then `random5` (five characters the
/// caller drew from [`GENERATE_NAME_ALPHABET`]).
pub fn generate_name(prefix: &str, random5: &str) -> String {
    let mut cut = prefix.len().min(MAX_GENERATED_PREFIX_LENGTH);
    while !prefix.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{random5}", &prefix[..cut])
}

/// The metadata fields validation reads, taken leniently from wire form (absent = zero value).
pub(crate) struct Meta<'a> {
    raw: &'a Map<String, Value>,
}

static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

impl<'a> Meta<'a> {
    pub(crate) fn of(meta: &'a Value) -> Self {
        Self {
            raw: meta.as_object().unwrap_or(&EMPTY),
        }
    }

    pub(crate) fn of_object(obj: &'a Value) -> Self {
        Self::of(obj.get("metadata").unwrap_or(&Value::Null))
    }

    pub(crate) fn str(&self, key: &str) -> &'a str {
        self.raw.get(key).and_then(Value::as_str).unwrap_or("")
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.raw.get(key).filter(|v| !v.is_null())
    }

    fn generation(&self) -> i64 {
        self.raw
            .get("generation")
            .and_then(Value::as_i64)
            .unwrap_or(0)
    }

    /// Entries of a string map, sorted by key for a stable error order.
    pub(crate) fn string_map(&self, key: &str) -> Vec<(&'a str, String)> {
        let mut out: Vec<(&'a str, String)> = self
            .get(key)
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.as_str(), value_text(v))).collect())
            .unwrap_or_default();
        out.sort_by(|a, b| a.0.cmp(b.0));
        out
    }

    pub(crate) fn list(&self, key: &str) -> &'a [Value] {
        self.get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub(crate) fn finalizers(&self) -> Vec<String> {
        self.list("finalizers").iter().map(value_text).collect()
    }
}

/// A string field's text; other JSON types as their JSON text (they would not have decoded).
pub(crate) fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Whether the kind's validation goes through the core-group `ValidateObjectMeta`, which adds
/// the "standard finalizer name" rule. Lease calls the apimachinery function directly.
fn uses_core_meta_rules(info: &ResourceInfo) -> bool {
    info.group != "coordination.k8s.io"
}

/// §1.2: the kind's `ValidateObjectMeta` with its name function ([`names::name_validator`]).
/// `meta` is the `metadata` object in wire form.
pub fn validate_object_meta_create(info: &ResourceInfo, meta: &Value) -> Vec<FieldError> {
    let nm = Meta::of(meta);
    let mut errs = object_meta_accessor(
        &nm,
        info.namespaced(),
        names::name_validator(info.group, info.kind),
    );
    if uses_core_meta_rules(info) {
        errs.extend(kube_finalizer_names(&nm));
    }
    errs
}

/// §1.3: the kind's `ValidateObjectMetaUpdate`. The caller has already restored the fields the
/// server resets from the old object (uid, creationTimestamp, …) and filled `resourceVersion`.
pub fn validate_object_meta_update(
    info: &ResourceInfo,
    new_meta: &Value,
    old_meta: &Value,
) -> Vec<FieldError> {
    let new = Meta::of(new_meta);
    let mut errs = object_meta_accessor_update(&new, &Meta::of(old_meta));
    if uses_core_meta_rules(info) {
        errs.extend(kube_finalizer_names(&new));
    }
    errs
}

/// The generic ObjectMeta check the store runs after the kind's own validation, with the
/// path-segment name rule (§1.1 step 5).
pub(crate) fn generic_create(info: &ResourceInfo, meta: &Value) -> Vec<FieldError> {
    object_meta_accessor(
        &Meta::of(meta),
        info.namespaced(),
        names::name_is_path_segment,
    )
}

/// The generic checks the store runs before the kind's update validation: the path-segment
/// create check on the new object, then the update rules.
pub(crate) fn generic_update(
    info: &ResourceInfo,
    new_meta: &Value,
    old_meta: &Value,
) -> Vec<FieldError> {
    let new = Meta::of(new_meta);
    let mut errs = object_meta_accessor(&new, info.namespaced(), names::name_is_path_segment);
    errs.extend(object_meta_accessor_update(&new, &Meta::of(old_meta)));
    errs
}

fn root() -> FieldPath {
    FieldPath::new("metadata")
}

/// apimachinery `ValidateObjectMetaAccessor`.
pub(crate) fn object_meta_accessor(
    meta: &Meta<'_>,
    namespaced: bool,
    name_fn: NameFn,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let generate_name = meta.str("generateName");
    if !generate_name.is_empty() {
        for msg in name_fn(generate_name, true) {
            errs.push(FieldError::invalid(
                root().child("generateName"),
                generate_name,
                msg,
            ));
        }
    }
    let name = meta.str("name");
    if name.is_empty() {
        errs.push(FieldError::required(
            root().child("name"),
            "name or generateName is required",
        ));
    } else {
        for msg in name_fn(name, false) {
            errs.push(FieldError::invalid(root().child("name"), name, msg));
        }
    }
    let namespace = meta.str("namespace");
    if namespaced {
        if namespace.is_empty() {
            errs.push(FieldError::required(root().child("namespace"), ""));
        } else {
            for msg in names::dns1123_label(namespace) {
                errs.push(FieldError::invalid(
                    root().child("namespace"),
                    namespace,
                    msg,
                ));
            }
        }
    } else if !namespace.is_empty() {
        errs.push(FieldError::forbidden(
            root().child("namespace"),
            "not allowed on this type",
        ));
    }
    let generation = meta.generation();
    if generation < 0 {
        errs.push(FieldError::invalid(
            root().child("generation"),
            generation,
            "must be greater than or equal to 0",
        ));
    }
    errs.extend(labels(meta));
    errs.extend(annotations(meta));
    errs.extend(meta_refs::owner_references(meta.list("ownerReferences")));
    errs.extend(finalizers(meta));
    errs.extend(meta_refs::managed_fields(meta.list("managedFields")));
    errs
}

/// apimachinery `ValidateObjectMetaAccessorUpdate`.
fn object_meta_accessor_update(new: &Meta<'_>, old: &Meta<'_>) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if old.get("deletionTimestamp").is_some() {
        let old_finalizers = old.finalizers();
        let mut extra: Vec<String> = new
            .finalizers()
            .into_iter()
            .filter(|f| !old_finalizers.contains(f))
            .collect();
        extra.sort();
        extra.dedup();
        if !extra.is_empty() {
            errs.push(FieldError::forbidden(
                root().child("finalizers"),
                format!(
                    "no new finalizers can be added if the object is being deleted, found new finalizers {}",
                    gofmt::string_slice(&extra)
                ),
            ));
        }
    }
    if new.str("resourceVersion").is_empty() {
        errs.push(FieldError::invalid(
            root().child("resourceVersion"),
            new.str("resourceVersion"),
            "must be specified for an update",
        ));
    }
    if new.generation() < old.generation() {
        errs.push(FieldError::invalid(
            root().child("generation"),
            new.generation(),
            "must not be decremented",
        ));
    }
    for key in ["name", "namespace", "uid"] {
        if new.str(key) != old.str(key) {
            errs.push(FieldError::invalid(
                root().child(key),
                new.str(key),
                "field is immutable",
            ));
        }
    }
    for key in ["creationTimestamp", "deletionTimestamp"] {
        let (n, o) = (new.get(key), old.get(key));
        if !same_instant(n, o) {
            errs.push(FieldError::invalid(
                root().child(key),
                time_value(n, key),
                "field is immutable",
            ));
        }
    }
    let (n, o) = (
        new.get("deletionGracePeriodSeconds"),
        old.get("deletionGracePeriodSeconds"),
    );
    if n != o {
        errs.push(FieldError::invalid(
            root().child("deletionGracePeriodSeconds"),
            n.map_or(BadValue::Null, BadValue::from_json),
            "field is immutable",
        ));
    }
    errs.extend(labels(new));
    errs.extend(annotations(new));
    errs.extend(meta_refs::owner_references(new.list("ownerReferences")));
    errs.extend(meta_refs::managed_fields(new.list("managedFields")));
    errs
}

/// Timestamps compare as instants (upstream's semantic equality), falling back to text.
pub(crate) fn same_instant(a: Option<&Value>, b: Option<&Value>) -> bool {
    let parse = |v: Option<&Value>| -> Option<jiff::Timestamp> { v?.as_str()?.parse().ok() };
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// How upstream prints a `metav1.Time` (value) or `*metav1.Time` (pointer) bad value.
fn time_value(v: Option<&Value>, key: &str) -> BadValue {
    match v.and_then(Value::as_str) {
        Some(s) => BadValue::Raw(gofmt::time_string(s).unwrap_or_else(|| s.to_owned())),
        // creationTimestamp is a struct value: zero prints as the zero time.
        None if key == "creationTimestamp" => BadValue::Raw(gofmt::ZERO_TIME.to_owned()),
        None => BadValue::Null,
    }
}

fn labels(meta: &Meta<'_>) -> Vec<FieldError> {
    let path = root().child("labels");
    let mut errs = Vec::new();
    for (k, v) in meta.string_map("labels") {
        for msg in names::qualified_name(k) {
            errs.push(FieldError::invalid(&path, k, msg));
        }
        for msg in names::label_value(&v) {
            errs.push(FieldError::invalid(&path, v.as_str(), msg));
        }
    }
    errs
}

fn annotations(meta: &Meta<'_>) -> Vec<FieldError> {
    let path = root().child("annotations");
    let mut errs = Vec::new();
    let entries = meta.string_map("annotations");
    for (k, _) in &entries {
        for msg in names::qualified_name(&k.to_lowercase()) {
            errs.push(FieldError::invalid(&path, *k, msg));
        }
    }
    let total: usize = entries.iter().map(|(k, v)| k.len() + v.len()).sum();
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        errs.push(FieldError::too_long(
            &path,
            TOTAL_ANNOTATION_SIZE_LIMIT as i64,
        ));
    }
    errs
}

fn finalizers(meta: &Meta<'_>) -> Vec<FieldError> {
    let path = root().child("finalizers");
    let list = meta.finalizers();
    let mut errs = Vec::new();
    for f in &list {
        for msg in names::qualified_name(f) {
            errs.push(FieldError::invalid(&path, f.as_str(), msg));
        }
    }
    if list.iter().any(|f| f == "orphan") && list.iter().any(|f| f == "foregroundDeletion") {
        errs.push(FieldError::invalid(
            &path,
            BadValue::Raw(gofmt::string_slice(&list)),
            "finalizer orphan and foregroundDeletion cannot be both set",
        ));
    }
    errs
}

/// Core-group rule: a finalizer without `/` must be one of the standard names.
pub(crate) fn kube_finalizer_name(value: &str, path: &FieldPath) -> Option<FieldError> {
    (!value.contains('/') && !STANDARD_FINALIZERS.contains(&value)).then(|| {
        FieldError::invalid(
            path,
            value,
            "name is neither a standard finalizer name nor is it fully qualified",
        )
    })
}

fn kube_finalizer_names(meta: &Meta<'_>) -> Vec<FieldError> {
    let path = root().child("finalizers");
    meta.finalizers()
        .iter()
        .enumerate()
        .filter_map(|(i, f)| kube_finalizer_name(f, &path.index(i)))
        .collect()
}
