//! `persistentVolumeClaimRetentionPolicy` (§3.9): the owner references a claim should carry so
//! that garbage collection, not the controller, deletes it.

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

use super::revision::controller_ref;

/// Whether `whenScaled` and `whenDeleted` are `Delete` (anything else means `Retain`).
fn policy(set: &StatefulSet) -> (bool, bool) {
    let p = set
        .spec
        .as_ref()
        .and_then(|s| s.persistent_volume_claim_retention_policy.as_ref());
    let delete = |v: Option<&String>| v.is_some_and(|v| v == "Delete");
    (
        delete(p.and_then(|p| p.when_scaled.as_ref())),
        delete(p.and_then(|p| p.when_deleted.as_ref())),
    )
}

/// Whether `whenScaled: Delete`.
pub fn deletes_on_scale(set: &StatefulSet) -> bool {
    policy(set).0
}

fn pod_ref(pod: &Pod) -> OwnerReference {
    OwnerReference {
        api_version: "v1".into(),
        kind: "Pod".into(),
        name: pod.metadata.name.clone().unwrap_or_default(),
        uid: pod.metadata.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

fn same_owner(a: &OwnerReference, b: &OwnerReference) -> bool {
    a.kind == b.kind && a.name == b.name
}

/// Whether a claim is left over from an earlier incarnation of `pod_name` and waits for
/// garbage collection (creating the pod now would hand it a volume about to vanish).
pub fn is_stale_for(claim: &PersistentVolumeClaim, pod_name: &str, pod_uid: Option<&str>) -> bool {
    claim
        .metadata
        .owner_references
        .iter()
        .flatten()
        .any(|r| r.kind == "Pod" && r.name == pod_name && Some(r.uid.as_str()) != pod_uid)
}

/// The claim with its owner references converged to the policy, or `None` when it is already
/// right (or must not be touched). `condemned` is whether the pod is outside the replica range.
pub fn update_refs(
    set: &StatefulSet,
    pod: &Pod,
    claim: &PersistentVolumeClaim,
    condemned: bool,
) -> Option<PersistentVolumeClaim> {
    let (when_scaled, when_deleted) = policy(set);
    let set_ref = controller_ref(set);
    let pod_ref = pod_ref(pod);
    let refs = claim.metadata.owner_references.clone().unwrap_or_default();
    let ours = |r: &OwnerReference| same_owner(r, &set_ref) || same_owner(r, &pod_ref);
    let mut wanted = Vec::new();
    if when_scaled || when_deleted {
        let stale = refs.iter().any(|r| {
            (same_owner(r, &set_ref) && r.uid != set_ref.uid)
                || (same_owner(r, &pod_ref) && r.uid != pod_ref.uid)
        });
        if stale {
            return None;
        }
        let foreign_controller = refs.iter().any(|r| r.controller == Some(true) && !ours(r));
        if !foreign_controller {
            if when_deleted && !(condemned && when_scaled) {
                wanted.push(set_ref.clone());
            }
            if when_scaled && condemned {
                wanted.push(pod_ref.clone());
            }
        }
    }
    let current: Vec<&OwnerReference> = refs.iter().filter(|r| ours(r)).collect();
    if current.len() == wanted.len() && wanted.iter().all(|w| current.contains(&w)) {
        return None;
    }
    let mut next = claim.clone();
    let mut new_refs: Vec<OwnerReference> = refs.into_iter().filter(|r| !ours(r)).collect();
    new_refs.extend(wanted);
    next.metadata.owner_references = Some(new_refs);
    Some(next)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "retention_tests.rs"]
mod tests;
