//! The status a sync computes (§1.6): counted afresh over the claimed pods, never copied from
//! the stored status.

use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetStatus};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::jiff::Timestamp;

use super::identity::{is_available, is_created, is_running_ready, is_terminating, revision_of};

/// Counts over `pods` (the set's pods with a valid ordinal, condemned ones included).
pub fn compute(
    set: &StatefulSet,
    pods: &[&Pod],
    current_revision: &str,
    update_revision: &str,
    collision_count: i32,
    now: Timestamp,
) -> StatefulSetStatus {
    let min_ready = set
        .spec
        .as_ref()
        .and_then(|s| s.min_ready_seconds)
        .unwrap_or(0);
    let count = |f: &dyn Fn(&Pod) -> bool| {
        i32::try_from(pods.iter().filter(|p| is_created(p) && f(p)).count()).unwrap_or(i32::MAX)
    };
    let live_at = |rev: &str| count(&|p| !is_terminating(p) && revision_of(p) == Some(rev));
    StatefulSetStatus {
        observed_generation: set.metadata.generation,
        replicas: count(&|_| true),
        ready_replicas: Some(count(&is_running_ready)),
        available_replicas: Some(count(&|p| is_available(p, min_ready, now))),
        current_replicas: Some(live_at(current_revision)),
        updated_replicas: Some(live_at(update_revision)),
        current_revision: Some(current_revision.into()),
        update_revision: Some(update_revision.into()),
        collision_count: Some(collision_count),
        conditions: None,
    }
}

/// The completion rule: once every replica exists, is ready and runs the update revision, the
/// update revision becomes current. Applied whatever the update strategy (upstream since 1.36).
pub fn complete(set: &StatefulSet, status: &mut StatefulSetStatus) {
    let want = set.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    if status.updated_replicas == Some(want)
        && status.ready_replicas == Some(want)
        && status.replicas == want
    {
        status.current_replicas = status.updated_replicas;
        status.current_revision = status.update_revision.clone();
    }
}

/// Upstream's write rule: whether `next` is worth a status write over `old`.
pub fn changed(old: Option<&StatefulSetStatus>, next: &StatefulSetStatus) -> bool {
    let Some(old) = old else {
        return true;
    };
    next.observed_generation > old.observed_generation
        || old.replicas != next.replicas
        || old.current_replicas != next.current_replicas
        || old.ready_replicas != next.ready_replicas
        || old.updated_replicas != next.updated_replicas
        || old.available_replicas != next.available_replicas
        || old.current_revision != next.current_revision
        || old.update_revision != next.update_revision
        || old.collision_count != next.collision_count
}
