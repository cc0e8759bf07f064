//! ControllerRevisions of a StatefulSet: the serialized template, its hash and name, the
//! choice of current and update revision for one sync, and history truncation.
//!
//! The data is the strategic-merge patch upstream stores (`{"spec":{"template":{…,"$patch":
//! "replace"}}}`) with keys sorted at every level and Go's HTML-safe escaping, so `kubectl
//! rollout undo` can apply it unchanged. The hash is upstream's `HashControllerRevision`: FNV-1
//! (32 bit) over the data bytes followed by the decimal collision count, rendered in decimal and
//! mapped through `SafeEncodeString`.
//!
//! The bytes equal Go's when the stored template carries the same fields: Go always writes
//! empty structs (template `metadata`, container `resources`), which are added here, while
//! every other field follows the typed model's omission of unset values. Fields Go writes as
//! explicit zero values outside those cases (and `creationTimestamp: null`, written by
//! releases up to 1.33) make the hash differ from upstream's; names stay stable either way,
//! revisions are compared by template as well as by bytes, and collisions are handled.

use std::collections::BTreeSet;

use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use k8s_openapi::apimachinery::pkg::runtime::RawExtension;
use serde_json::{Map, Value};

/// The label carrying a revision's hash.
pub const HASH_LABEL: &str = "controller.kubernetes.io/hash";

/// Upstream's default `revisionHistoryLimit`.
pub const DEFAULT_HISTORY_LIMIT: i32 = 10;

/// The longest set-name prefix of a revision name, leaving room for `-<hash>`.
const MAX_PREFIX: usize = 223;

/// What can go wrong while handling revisions.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The set's template could not be serialized.
    #[error("failed to serialize the template of statefulset {set}")]
    Encode {
        /// The set.
        set: String,
        /// The serializer's error.
        #[source]
        source: serde_json::Error,
    },
    /// A stored revision's data does not hold a pod template.
    #[error("controller revision {name} holds no valid pod template")]
    Decode {
        /// The revision.
        name: String,
        /// Why the data did not parse.
        #[source]
        source: serde_json::Error,
    },
}

/// Sorts `value`'s object keys at every level, as Go's generic map encoding does.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// Go's `encoding/json` output for `data`: sorted keys and HTML-safe escapes. The escaped
/// characters can only occur inside strings, so replacing them in the output is exact.
pub fn encode(data: &Value) -> String {
    let plain = sorted(data.clone()).to_string();
    let mut out = String::with_capacity(plain.len());
    for c in plain.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Adds the empty structs Go's encoder always writes and the typed model omits: the
/// template's `metadata` and `spec`, and every container's `resources`.
fn go_empty_fields(template: &mut Map<String, Value>) {
    template
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    let spec = template
        .entry("spec")
        .or_insert_with(|| Value::Object(Map::new()));
    for list in ["initContainers", "containers"] {
        let Some(Value::Array(containers)) = spec.get_mut(list) else {
            continue;
        };
        for container in containers.iter_mut().filter_map(Value::as_object_mut) {
            container
                .entry("resources")
                .or_insert_with(|| Value::Object(Map::new()));
        }
    }
}

/// The revision data of `template`: a patch replacing the set's template wholesale.
pub fn template_data(template: &PodTemplateSpec) -> Result<Value, serde_json::Error> {
    let mut template = serde_json::to_value(template)?;
    if let Value::Object(map) = &mut template {
        go_empty_fields(map);
        map.insert("$patch".into(), Value::String("replace".into()));
    }
    let mut spec = Map::new();
    spec.insert("template".into(), template);
    let mut root = Map::new();
    root.insert("spec".into(), Value::Object(spec));
    Ok(sorted(Value::Object(root)))
}

/// FNV-1 (not 1a), 32 bit, as Go's `hash/fnv.New32`.
pub fn fnv1_32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |h, b| {
        h.wrapping_mul(0x0100_0193) ^ u32::from(*b)
    })
}

/// Upstream's `rand.SafeEncodeString`: every byte mapped into an alphabet without vowels.
pub fn safe_encode(s: &str) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    s.bytes()
        .map(|b| char::from(ALPHANUMS[usize::from(b) % ALPHANUMS.len()]))
        .collect()
}

/// The hash of revision data with a collision count (always appended for StatefulSets).
pub fn hash(data: &Value, collision_count: i32) -> String {
    let mut bytes = encode(data).into_bytes();
    bytes.extend_from_slice(collision_count.to_string().as_bytes());
    safe_encode(&fnv1_32(&bytes).to_string())
}

/// `<set name, at most 223 bytes>-<hash>`.
pub fn revision_name(set: &str, hash: &str) -> String {
    let mut end = set.len().min(MAX_PREFIX);
    while !set.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}-{hash}", &set[..end])
}

/// The controller reference a set puts on what it owns.
pub fn controller_ref(set: &StatefulSet) -> OwnerReference {
    OwnerReference {
        api_version: "apps/v1".into(),
        kind: "StatefulSet".into(),
        name: set.metadata.name.clone().unwrap_or_default(),
        uid: set.metadata.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// Upstream's `newRevision`: the revision of the set's live template.
pub fn new_revision(
    set: &StatefulSet,
    revision: i64,
    collision_count: i32,
) -> Result<ControllerRevision, Error> {
    let set_name = set.metadata.name.clone().unwrap_or_default();
    let template = &set
        .spec
        .as_ref()
        .map(|s| s.template.clone())
        .unwrap_or_default();
    let data = template_data(template).map_err(|source| Error::Encode {
        set: set_name.clone(),
        source,
    })?;
    let hash = hash(&data, collision_count);
    let mut labels = template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    labels.insert(HASH_LABEL.into(), hash.clone());
    Ok(ControllerRevision {
        metadata: ObjectMeta {
            name: Some(revision_name(&set_name, &hash)),
            namespace: set.metadata.namespace.clone(),
            labels: Some(labels),
            annotations: set.metadata.annotations.clone(),
            owner_references: Some(vec![controller_ref(set)]),
            ..ObjectMeta::default()
        },
        data: Some(RawExtension(data)),
        revision,
    })
}

/// The pod template a revision holds.
pub fn template_of(revision: &ControllerRevision) -> Result<PodTemplateSpec, Error> {
    let name = revision.metadata.name.clone().unwrap_or_default();
    let mut template = revision
        .data
        .as_ref()
        .and_then(|d| d.0.pointer("/spec/template"))
        .cloned()
        .unwrap_or(Value::Null);
    if let Value::Object(map) = &mut template {
        map.remove("$patch");
    }
    serde_json::from_value(template).map_err(|source| Error::Decode { name, source })
}

/// Whether two revisions record the same template: identical data bytes, or templates equal
/// once parsed (so a serializer difference never starts a rollout).
pub fn equal(a: &ControllerRevision, b: &ControllerRevision) -> bool {
    let data = |r: &ControllerRevision| r.data.as_ref().map(|d| encode(&d.0));
    if data(a) == data(b) {
        return true;
    }
    matches!((template_of(a), template_of(b)), (Ok(x), Ok(y)) if x == y)
}

/// Upstream's sort: by `revision`, then creation time, then name.
pub fn sort(revisions: &mut [ControllerRevision]) {
    revisions.sort_by(|a, b| {
        a.revision
            .cmp(&b.revision)
            .then_with(|| {
                let t = |r: &ControllerRevision| r.metadata.creation_timestamp.clone().map(|t| t.0);
                t(a).cmp(&t(b))
            })
            .then_with(|| a.metadata.name.cmp(&b.metadata.name))
    });
}

/// `1 + max(revision)`, or 1 without revisions.
pub fn next_revision(revisions: &[ControllerRevision]) -> i64 {
    revisions.iter().map(|r| r.revision).max().unwrap_or(0) + 1
}

/// A write to the revision history.
#[derive(Debug, Clone, PartialEq)]
pub enum RevisionWrite {
    /// Create this revision.
    Create(ControllerRevision),
    /// Renumber an existing revision (a rollback to an older template); carries the whole
    /// revision with its new number.
    Renumber(ControllerRevision),
}

/// The revisions one sync works with.
#[derive(Debug, Clone, PartialEq)]
pub struct Revisions {
    /// The revision the set is rolling away from.
    pub current: ControllerRevision,
    /// The revision of the live template.
    pub update: ControllerRevision,
    /// The collision count to record in status.
    pub collision_count: i32,
    /// The write that makes `update` exist with the newest number, if any.
    pub write: Option<RevisionWrite>,
}

/// Chooses current and update revision (§3.3 steps 2–6). `owned` are the set's revisions;
/// `others` are any further revisions of the namespace, consulted only for name collisions.
pub fn plan(
    set: &StatefulSet,
    owned: &[ControllerRevision],
    others: &[ControllerRevision],
) -> Result<Revisions, Error> {
    let mut owned = owned.to_vec();
    sort(&mut owned);
    let next = next_revision(&owned);
    let status = set.status.as_ref();
    let mut collision_count = status.and_then(|s| s.collision_count).unwrap_or(0);
    let candidate = new_revision(set, next, collision_count)?;
    let equals: Vec<&ControllerRevision> = owned.iter().filter(|r| equal(r, &candidate)).collect();
    let (update, write) = match (equals.last(), owned.last()) {
        (Some(eq), Some(last)) if eq.metadata.name == last.metadata.name => ((*eq).clone(), None),
        (Some(eq), _) => {
            let mut renumbered = (*eq).clone();
            renumbered.revision = next;
            (
                renumbered.clone(),
                Some(RevisionWrite::Renumber(renumbered)),
            )
        }
        (None, _) => {
            let mut candidate = candidate;
            // A same-named revision with other data is a hash collision: perturb the hash.
            while let Some(clash) = owned
                .iter()
                .chain(others)
                .find(|r| r.metadata.name == candidate.metadata.name)
            {
                if equal(clash, &candidate) {
                    break;
                }
                collision_count = collision_count.saturating_add(1);
                candidate = new_revision(set, next, collision_count)?;
            }
            (candidate.clone(), Some(RevisionWrite::Create(candidate)))
        }
    };
    let current_name = status.and_then(|s| s.current_revision.as_ref());
    let current = owned
        .iter()
        .find(|r| current_name.is_some() && r.metadata.name.as_ref() == current_name)
        .filter(|r| r.metadata.name != update.metadata.name)
        .cloned()
        .unwrap_or_else(|| update.clone());
    Ok(Revisions {
        current,
        update,
        collision_count,
        write,
    })
}

/// Upstream's `truncateHistory`: the names of the revisions to delete so that at most `limit`
/// revisions that are neither in `live` remain, oldest first. A negative limit keeps all.
pub fn truncate(
    revisions: &[ControllerRevision],
    live: &BTreeSet<String>,
    limit: i32,
) -> Vec<String> {
    let Ok(limit) = usize::try_from(limit) else {
        return Vec::new();
    };
    let mut history: Vec<ControllerRevision> = revisions
        .iter()
        .filter(|r| !r.metadata.name.as_ref().is_some_and(|n| live.contains(n)))
        .cloned()
        .collect();
    sort(&mut history);
    let excess = history.len().saturating_sub(limit);
    history
        .into_iter()
        .take(excess)
        .filter_map(|r| r.metadata.name)
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "revision_tests.rs"]
mod tests;
