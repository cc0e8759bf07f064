//! The decisions of garbage collection over a snapshot of every object's metadata (upstream's
//! `attemptToDeleteItem`, `processDeletingDependentsItem` and `attemptToOrphan`): which
//! dependents to delete, which owner references to drop and which finalizers to release.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use crate::finalizers;
use crate::namespace::ResourceType;

/// The finalizer the API server adds for `propagationPolicy=Orphan`.
pub const ORPHAN: &str = "orphan";
/// The finalizer the API server adds for `propagationPolicy=Foreground`.
pub const FOREGROUND: &str = "foregroundDeletion";

/// One object of the snapshot: its type and its metadata as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// The served type the object was listed from.
    pub resource: Arc<ResourceType>,
    /// Metadata (name, namespace, uid, resourceVersion, ownerReferences, finalizers, deletion).
    pub meta: ObjectMeta,
}

impl Object {
    fn uid(&self) -> &str {
        self.meta.uid.as_deref().unwrap_or_default()
    }

    fn owners(&self) -> &[OwnerReference] {
        self.meta.owner_references.as_deref().unwrap_or_default()
    }

    fn deleting(&self) -> bool {
        self.meta.deletion_timestamp.is_some()
    }
}

/// The propagation policy a dependent is deleted with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Delete now; its own dependents are collected afterwards.
    Background,
    /// Keep it until its blocking dependents are gone.
    Foreground,
    /// Delete it and strip its reference from its dependents.
    Orphan,
}

/// Where an owner would be if it still existed: a live read confirms it is gone before anything
/// is deleted for its absence, because the snapshot's lists are not taken at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnerLookup {
    /// The owner's served type.
    pub resource: Arc<ResourceType>,
    /// Its namespace (the dependent's, for namespaced owners).
    pub namespace: Option<String>,
    /// Its name.
    pub name: String,
    /// The uid the reference names; an object with the same name and another uid is not it.
    pub uid: String,
}

/// One write the collector wants.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Delete `object` with `policy`, unless one of `confirm_absent` turns out to exist.
    Delete {
        /// The dependent.
        object: Object,
        /// The propagation policy.
        policy: Policy,
        /// Owners the snapshot did not see.
        confirm_absent: Vec<OwnerLookup>,
    },
    /// Drop the references to `uids` from `object`, unless one of `confirm_absent` exists.
    RemoveOwners {
        /// The dependent.
        object: Object,
        /// Owner uids whose references go.
        uids: Vec<String>,
        /// Owners the snapshot did not see.
        confirm_absent: Vec<OwnerLookup>,
    },
    /// Release `finalizer` from `object` (an owner done orphaning or waiting).
    RemoveFinalizer {
        /// The owner.
        object: Object,
        /// [`ORPHAN`] or [`FOREGROUND`].
        finalizer: &'static str,
    },
}

/// What one owner reference of a dependent points at.
enum Owner<'a> {
    /// Alive (or going in the background or orphaning): the dependent stays.
    Solid,
    /// Not in the snapshot.
    Dangling(OwnerLookup),
    /// Being deleted in the foreground: it waits for its dependents to go.
    Waiting(&'a Object),
}

/// Indexes of the snapshot.
struct Graph<'a> {
    types: &'a [Arc<ResourceType>],
    by_uid: HashMap<&'a str, &'a Object>,
    /// Owner uid → the objects that reference it.
    dependents: HashMap<&'a str, Vec<&'a Object>>,
}

impl<'a> Graph<'a> {
    fn new(types: &'a [Arc<ResourceType>], objects: &'a [Object]) -> Self {
        let mut by_uid = HashMap::new();
        let mut dependents: HashMap<&str, Vec<&Object>> = HashMap::new();
        for o in objects {
            if !o.uid().is_empty() {
                by_uid.insert(o.uid(), o);
            }
            let mut seen = HashSet::new();
            for r in o.owners() {
                if seen.insert(r.uid.as_str()) {
                    dependents.entry(r.uid.as_str()).or_default().push(o);
                }
            }
        }
        Self {
            types,
            by_uid,
            dependents,
        }
    }

    /// The served type an owner reference names (any served version of its group and kind).
    fn resolve(&self, r: &OwnerReference) -> Option<&'a Arc<ResourceType>> {
        let group = r.api_version.rsplit_once('/').map_or("", |(g, _)| g);
        self.types
            .iter()
            .find(|t| t.group == group && t.kind == r.kind)
    }

    fn classify(&self, dependent: &Object, r: &OwnerReference) -> Owner<'a> {
        // An owner kind the API does not serve cannot be checked; keeping the dependent is safe.
        let Some(resource) = self.resolve(r) else {
            return Owner::Solid;
        };
        // Namespaced owners live in the dependent's namespace; a cluster-scoped dependent
        // cannot have one, and upstream treats such a reference as dangling.
        let namespace = if resource.namespaced {
            match dependent.meta.namespace.as_deref() {
                Some(ns) if dependent.resource.namespaced => Some(ns.to_owned()),
                _ => None,
            }
        } else {
            None
        };
        match self.by_uid.get(r.uid.as_str()) {
            Some(owner) if owner.meta.namespace == namespace => {
                if owner.deleting() && finalizers::has(&owner.meta, FOREGROUND) {
                    Owner::Waiting(owner)
                } else {
                    Owner::Solid
                }
            }
            _ => Owner::Dangling(OwnerLookup {
                resource: Arc::clone(resource),
                namespace,
                name: r.name.clone(),
                uid: r.uid.clone(),
            }),
        }
    }

    fn has_dependents(&self, o: &Object) -> bool {
        self.dependents.get(o.uid()).is_some_and(|d| !d.is_empty())
    }

    /// Whether some dependent still references `owner` with `blockOwnerDeletion: true`.
    fn blocked(&self, owner: &Object) -> bool {
        self.dependents.get(owner.uid()).is_some_and(|ds| {
            ds.iter().any(|d| {
                d.owners()
                    .iter()
                    .any(|r| r.uid == owner.uid() && r.block_owner_deletion == Some(true))
            })
        })
    }

    /// Upstream's `attemptToDeleteItem` for an object that has owner references.
    fn attempt_to_delete(&self, o: &Object) -> Option<Action> {
        if o.owners().is_empty() || o.deleting() {
            return None;
        }
        let mut solid = false;
        let mut dangling = Vec::new();
        let mut waiting = Vec::new();
        for r in o.owners() {
            match self.classify(o, r) {
                Owner::Solid => solid = true,
                Owner::Dangling(lookup) => dangling.push(lookup),
                Owner::Waiting(owner) => waiting.push(owner.uid().to_owned()),
            }
        }
        if solid {
            if dangling.is_empty() && waiting.is_empty() {
                return None;
            }
            let mut uids: Vec<String> = dangling.iter().map(|l| l.uid.clone()).collect();
            uids.extend(waiting);
            return Some(Action::RemoveOwners {
                object: o.clone(),
                uids,
                confirm_absent: dangling,
            });
        }
        let policy = if finalizers::has(&o.meta, ORPHAN) {
            Policy::Orphan
        } else if finalizers::has(&o.meta, FOREGROUND) {
            Policy::Foreground
        } else if !waiting.is_empty() && self.has_dependents(o) {
            // Its own dependents must go before the owner waiting on it can.
            Policy::Foreground
        } else {
            Policy::Background
        };
        Some(Action::Delete {
            object: o.clone(),
            policy,
            confirm_absent: dangling,
        })
    }

    /// Upstream's `attemptToOrphan` and `processDeletingDependentsItem` for an owner being
    /// deleted.
    fn finish_owner(&self, o: &Object, out: &mut Vec<Action>) {
        if !o.deleting() {
            return;
        }
        if finalizers::has(&o.meta, ORPHAN) {
            let referencing = self.dependents.get(o.uid()).cloned().unwrap_or_default();
            if referencing.is_empty() {
                out.push(Action::RemoveFinalizer {
                    object: o.clone(),
                    finalizer: ORPHAN,
                });
            }
            for d in referencing {
                out.push(Action::RemoveOwners {
                    object: d.clone(),
                    uids: vec![o.uid().to_owned()],
                    confirm_absent: Vec::new(),
                });
            }
        }
        if finalizers::has(&o.meta, FOREGROUND) && !self.blocked(o) {
            out.push(Action::RemoveFinalizer {
                object: o.clone(),
                finalizer: FOREGROUND,
            });
        }
    }
}

/// Every write the snapshot calls for, owners' finalizers first. `types` are the served types
/// owner references resolve against; `objects` every object of those types.
///
/// Level-triggered: applying the actions and planning again over a fresh snapshot converges,
/// and a snapshot with nothing to collect yields nothing.
pub fn plan(types: &[Arc<ResourceType>], objects: &[Object]) -> Vec<Action> {
    let graph = Graph::new(types, objects);
    let mut out = Vec::new();
    for o in objects {
        graph.finish_owner(o, &mut out);
    }
    for o in objects {
        // An object already losing its reference to an orphaning owner is decided next time.
        let orphaning = out
            .iter()
            .any(|a| matches!(a, Action::RemoveOwners { object, .. } if object.uid() == o.uid()));
        if !orphaning && let Some(a) = graph.attempt_to_delete(o) {
            out.push(a);
        }
    }
    out
}

/// `refs` without the references to `uids`; `None` when nothing is left, as upstream writes it.
pub fn without_owners(refs: &[OwnerReference], uids: &[String]) -> Option<Vec<OwnerReference>> {
    let kept: Vec<OwnerReference> = refs
        .iter()
        .filter(|r| !uids.contains(&r.uid))
        .cloned()
        .collect();
    (!kept.is_empty()).then_some(kept)
}
