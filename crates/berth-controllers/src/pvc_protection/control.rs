//! The decision, from the claim and the pods of its namespace.

use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, Volume};

use crate::finalizers;

/// The finalizer upstream's StorageObjectInUseProtection admission puts on every new claim.
pub const FINALIZER: &str = "kubernetes.io/pvc-protection";

/// What to do with one claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Nothing to do: alive with the finalizer, or not held by it.
    Nothing,
    /// Being deleted, but a pod still uses it: keep the finalizer.
    Keep,
    /// Being deleted and unused: drop the finalizer so the claim goes away.
    RemoveFinalizer,
    /// Alive without the finalizer (made before the admission step added it): add it.
    AddFinalizer,
}

/// Whether the decision depends on the pods: only for a claim this controller may release.
pub fn needs_pods(claim: &PersistentVolumeClaim) -> bool {
    finalizers::is_deletion_candidate(&claim.metadata, FINALIZER)
}

/// The claim name of a generic ephemeral volume: `<pod>-<volume>`.
pub fn ephemeral_claim_name(pod: &Pod, volume: &Volume) -> String {
    format!(
        "{}-{}",
        pod.metadata.name.as_deref().unwrap_or_default(),
        volume.name
    )
}

/// Upstream's `podIsShutDown`: the node is done with the pod (it asked for removal with a zero
/// grace period), or it was force-deleted. Its ephemeral claims are then released even if the
/// pod object lingers, which breaks a cycle with finalizers on the pod.
fn is_shut_down(pod: &Pod) -> bool {
    pod.metadata.deletion_timestamp.is_some()
        && pod.metadata.deletion_grace_period_seconds == Some(0)
}

/// Upstream's `ephemeral.VolumeIsForPod`: the claim was made for this very pod, which controls it.
fn is_for_pod(claim: &PersistentVolumeClaim, pod: &Pod) -> bool {
    claim.metadata.namespace == pod.metadata.namespace
        && pod.metadata.uid.is_some()
        && claim
            .metadata
            .owner_references
            .iter()
            .flatten()
            .any(|r| r.controller == Some(true) && Some(&r.uid) == pod.metadata.uid.as_ref())
}

/// Upstream's `podUsesPVC`. Only scheduled pods count: a node never starts a pod whose claim is
/// already being deleted, so an unscheduled pod cannot come to use it.
pub fn pod_uses_claim(pod: &Pod, claim: &PersistentVolumeClaim) -> bool {
    let Some(spec) = pod.spec.as_ref() else {
        return false;
    };
    if spec.node_name.as_deref().unwrap_or_default().is_empty()
        || pod.metadata.namespace != claim.metadata.namespace
    {
        return false;
    }
    let name = claim.metadata.name.as_deref().unwrap_or_default();
    spec.volumes.iter().flatten().any(|v| {
        v.persistent_volume_claim
            .as_ref()
            .is_some_and(|c| c.claim_name == name)
            || (v.ephemeral.is_some()
                && !is_shut_down(pod)
                && ephemeral_claim_name(pod, v) == name
                && is_for_pod(claim, pod))
    })
}

/// The claims a pod refers to (directly or as ephemeral volumes), in its namespace: the claims
/// whose protection a change to the pod may settle.
pub fn claims_of(pod: &Pod) -> Vec<String> {
    pod.spec
        .iter()
        .flat_map(|s| s.volumes.iter().flatten())
        .filter_map(|v| match (&v.persistent_volume_claim, &v.ephemeral) {
            (Some(c), _) => Some(c.claim_name.clone()),
            (None, Some(_)) => Some(ephemeral_claim_name(pod, v)),
            (None, None) => None,
        })
        .collect()
}

/// Upstream's `processPVC`, given every pod of the claim's namespace (ignored unless
/// [`needs_pods`]).
pub fn decide(claim: &PersistentVolumeClaim, pods: &[Pod]) -> Decision {
    if needs_pods(claim) {
        return if pods.iter().any(|p| pod_uses_claim(p, claim)) {
            Decision::Keep
        } else {
            Decision::RemoveFinalizer
        };
    }
    if finalizers::needs_adding(&claim.metadata, FINALIZER) {
        return Decision::AddFinalizer;
    }
    Decision::Nothing
}
