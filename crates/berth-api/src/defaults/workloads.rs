//! apps/v1 defaulting: Deployment, ReplicaSet, StatefulSet (feature gates as in 1.33:
//! `StatefulSetAutoDeletePVC` on, `MaxUnavailableStatefulSet` off) and ControllerRevision.
//! Pod templates get the pod-spec defaults but not the pod-only ones.

use serde_json::{Value, json};

use super::{Obj, each_obj, ensure_obj, obj_mut, pod, set_if_empty, set_if_unset, str_of};

/// `SetDefaults_Deployment` and the template. Go writes `status` even when it is empty.
pub(super) fn deployment(o: &mut Obj) {
    if let Some(spec) = ensure_obj(o, "spec") {
        set_if_unset(spec, "replicas", json!(1));
        if let Some(strategy) = ensure_obj(spec, "strategy") {
            set_if_empty(strategy, "type", "RollingUpdate");
            if str_of(strategy, "type") == "RollingUpdate"
                && let Some(rolling) = ensure_obj(strategy, "rollingUpdate")
            {
                set_if_unset(rolling, "maxUnavailable", json!("25%"));
                set_if_unset(rolling, "maxSurge", json!("25%"));
            }
        }
        set_if_unset(spec, "revisionHistoryLimit", json!(10));
        set_if_unset(spec, "progressDeadlineSeconds", json!(600));
        pod::template(spec);
    }
    ensure_obj(o, "status");
}

/// `SetDefaults_ReplicaSet` and the template. `status.replicas` has no `omitempty`.
pub(super) fn replica_set(o: &mut Obj) {
    if let Some(spec) = ensure_obj(o, "spec") {
        set_if_unset(spec, "replicas", json!(1));
        pod::template(spec);
    }
    if let Some(status) = ensure_obj(o, "status") {
        set_if_unset(status, "replicas", json!(0));
    }
}

/// `SetDefaults_StatefulSet`, the template, and each claim template as a defaulted
/// PersistentVolumeClaim carrying `apiVersion: v1` / `kind: PersistentVolumeClaim`.
/// `status.replicas` and `status.availableReplicas` have no `omitempty`.
pub(super) fn stateful_set(o: &mut Obj) {
    if let Some(spec) = ensure_obj(o, "spec") {
        set_if_empty(spec, "podManagementPolicy", "OrderedReady");
        if let Some(strategy) = ensure_obj(spec, "updateStrategy") {
            // Only a defaulted type brings an empty `rollingUpdate`; an explicit
            // `type: RollingUpdate` without it stays without it.
            if str_of(strategy, "type").is_empty() {
                strategy.insert("type".to_owned(), json!("RollingUpdate"));
                set_if_unset(strategy, "rollingUpdate", json!({}));
            }
            if str_of(strategy, "type") == "RollingUpdate"
                && let Some(rolling) = obj_mut(strategy, "rollingUpdate")
            {
                set_if_unset(rolling, "partition", json!(0));
            }
        }
        if let Some(policy) = ensure_obj(spec, "persistentVolumeClaimRetentionPolicy") {
            set_if_empty(policy, "whenDeleted", "Retain");
            set_if_empty(policy, "whenScaled", "Retain");
        }
        set_if_unset(spec, "replicas", json!(1));
        set_if_unset(spec, "revisionHistoryLimit", json!(10));
        pod::template(spec);
        for claim in each_obj(spec, "volumeClaimTemplates") {
            claim.insert("apiVersion".to_owned(), json!("v1"));
            claim.insert("kind".to_owned(), json!("PersistentVolumeClaim"));
            super::template_meta(claim);
            if let Some(claim_spec) = ensure_obj(claim, "spec") {
                super::storage::claim_spec(claim_spec);
            }
            super::storage::claim_status(claim);
        }
    }
    if let Some(status) = ensure_obj(o, "status") {
        set_if_unset(status, "replicas", json!(0));
        set_if_unset(status, "availableReplicas", json!(0));
    }
}

/// No defaulter; `revision` has no `omitempty`.
pub(super) fn controller_revision(o: &mut Obj) {
    set_if_unset(o, "revision", json!(0));
}

/// Create: the strategies start these kinds with an empty status.
pub(super) fn on_create(kind: &str, o: &mut Obj) {
    let status: Value = match kind {
        "ReplicaSet" => json!({"replicas": 0}),
        "StatefulSet" => json!({"replicas": 0, "availableReplicas": 0}),
        _ => json!({}),
    };
    o.insert("status".to_owned(), status);
}
