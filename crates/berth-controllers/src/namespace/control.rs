//! The decisions of namespace deletion, over a snapshot: whether to act, in which order the
//! resource types are emptied, and the namespace as it is sent to `/finalize`.

use k8s_openapi::api::core::v1::{Namespace, NamespaceSpec};

/// The spec finalizer that namespace deletion owns; the API server adds it to every namespace.
pub const FINALIZER: &str = "kubernetes";

/// A resource type the API serves, as discovery describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    /// API group (empty for the core group).
    pub group: String,
    /// API version within the group.
    pub version: String,
    /// Kind of the objects.
    pub kind: String,
    /// URL segment of the collection (`pods`).
    pub plural: String,
    /// Whether objects live in namespaces.
    pub namespaced: bool,
    /// Verbs the collection supports (`list`, `delete`, `deletecollection`, …).
    pub verbs: Vec<String>,
}

impl ResourceType {
    /// Whether the type supports `verb`.
    pub fn supports(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| v == verb)
    }

    /// `plural.group`, or just `plural` in the core group.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    fn is_pods(&self) -> bool {
        self.group.is_empty() && self.plural == "pods"
    }
}

/// What a namespace needs from this controller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Alive, or no longer held by [`FINALIZER`]: nothing to do.
    Nothing,
    /// Being deleted and still held: empty it, then release the finalizer.
    Drain,
}

/// Upstream's first checks in `Delete`: only a namespace being deleted that still carries
/// [`FINALIZER`] is drained.
pub fn plan(ns: &Namespace) -> Plan {
    let held = ns
        .spec
        .as_ref()
        .and_then(|s| s.finalizers.as_deref())
        .is_some_and(|f| f.iter().any(|x| x == FINALIZER));
    if ns.metadata.deletion_timestamp.is_some() && held {
        Plan::Drain
    } else {
        Plan::Nothing
    }
}

/// The namespaced types whose objects can be deleted, in waves: pods first, and the rest only
/// once no pod is left, so that nothing a running pod relies on goes before the pod
/// (upstream's ordered namespace deletion, on by default since 1.33).
pub fn waves(types: &[ResourceType]) -> Vec<Vec<ResourceType>> {
    let (pods, rest): (Vec<_>, Vec<_>) = types
        .iter()
        .filter(|t| t.namespaced && t.supports("delete"))
        .cloned()
        .partition(ResourceType::is_pods);
    [pods, rest].into_iter().filter(|w| !w.is_empty()).collect()
}

/// The body for `PUT /api/v1/namespaces/{name}/finalize`: the namespace without
/// [`FINALIZER`], its other spec finalizers kept as a sorted set as upstream writes them.
pub fn finalized(ns: &Namespace) -> Namespace {
    let mut rest: Vec<String> = ns
        .spec
        .as_ref()
        .and_then(|s| s.finalizers.clone())
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f != FINALIZER)
        .collect();
    rest.sort();
    rest.dedup();
    Namespace {
        metadata: ns.metadata.clone(),
        spec: Some(NamespaceSpec {
            finalizers: Some(rest),
        }),
        status: ns.status.clone(),
    }
}
