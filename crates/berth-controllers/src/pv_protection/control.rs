//! The decision, from the volume alone.

use k8s_openapi::api::core::v1::PersistentVolume;

use crate::finalizers;

/// The finalizer upstream's StorageObjectInUseProtection admission puts on every new volume.
pub const FINALIZER: &str = "kubernetes.io/pv-protection";

/// What to do with one volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Nothing to do: alive with the finalizer, or not held by it.
    Nothing,
    /// Being deleted, but still bound: keep the finalizer.
    Keep,
    /// Being deleted and unused: drop the finalizer so the volume goes away.
    RemoveFinalizer,
    /// Alive without the finalizer (made before the admission step added it): add it.
    AddFinalizer,
}

/// Upstream's `isBeingUsed`: the PV controller marks a volume `Bound` while a claim holds it.
pub fn is_being_used(pv: &PersistentVolume) -> bool {
    pv.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound")
}

/// Upstream's `processPV`.
pub fn decide(pv: &PersistentVolume) -> Decision {
    if finalizers::is_deletion_candidate(&pv.metadata, FINALIZER) {
        return if is_being_used(pv) {
            Decision::Keep
        } else {
            Decision::RemoveFinalizer
        };
    }
    if finalizers::needs_adding(&pv.metadata, FINALIZER) {
        return Decision::AddFinalizer;
    }
    Decision::Nothing
}
