//! One sync of a StatefulSet as a pure function of a snapshot (upstream's
//! `UpdateStatefulSet`): revisions, then Phase A (replicas), B (condemned claims), C
//! (scale-down) and D (updates), then status and history truncation.
//!
//! The result is an ordered list of writes. A writer applies them in order and stops at the
//! first error; since every write is derived from the snapshot alone, running the sync again
//! on the new state after any prefix of the list converges to the same end state.

use std::collections::BTreeSet;

use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet, StatefulSetStatus};
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, PodTemplateSpec};
use k8s_openapi::jiff::Timestamp;

use super::identity::{
    claim_templates, identity_matches, is_available, is_created, is_finished, is_pending,
    is_running_ready, is_terminating, new_claims, new_pod, ordinal, pod_name, revision_of,
    set_identity,
};
use super::retention::{deletes_on_scale, is_stale_for, update_refs};
use super::revision::{self, DEFAULT_HISTORY_LIMIT, RevisionWrite};
use super::status;

/// What one sync sees.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot<'a> {
    /// The set, as read at the start of the sync.
    pub set: &'a StatefulSet,
    /// The pods the set owns (already claimed); pods whose name has no ordinal are ignored.
    pub pods: &'a [Pod],
    /// The claims of the set's namespace (at least those named after its claim templates).
    pub claims: &'a [PersistentVolumeClaim],
    /// The revisions the set owns.
    pub revisions: &'a [ControllerRevision],
    /// Other revisions of the namespace, consulted only to detect hash-name collisions.
    pub other_revisions: &'a [ControllerRevision],
    /// The time availability (`minReadySeconds`) is measured against.
    pub now: Timestamp,
}

/// One write, in the order it must be applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Create a ControllerRevision.
    CreateRevision(ControllerRevision),
    /// Replace a ControllerRevision (only its `revision` number changes).
    UpdateRevision(ControllerRevision),
    /// Delete the ControllerRevision of this name.
    DeleteRevision(String),
    /// Create a claim (the pod that uses it is created later in the same list).
    CreateClaim(PersistentVolumeClaim),
    /// Replace a claim's owner references.
    UpdateClaim(PersistentVolumeClaim),
    /// Create a pod.
    CreatePod(Pod),
    /// Replace a pod whose identity labels drifted.
    UpdatePod(Pod),
    /// Delete the pod of this name (graceful; never forced).
    DeletePod(String),
}

/// The outcome of one sync.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The writes, in order.
    pub actions: Vec<Action>,
    /// The status to write (also after a failed write, as upstream does).
    pub status: StatefulSetStatus,
    /// Why the sync could not make progress, when a slot is blocked by a claim being deleted.
    pub blocked: Option<String>,
}

/// What can go wrong in a sync.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A revision could not be built or read.
    #[error("failed to resolve the revisions of statefulset {set}")]
    Revision {
        /// The set.
        set: String,
        /// The cause.
        #[source]
        source: revision::Error,
    },
}

/// The settings the phases read, resolved once.
struct Ctx<'a> {
    snap: Snapshot<'a>,
    start: i32,
    min_ready: i32,
    monotonic: bool,
    current_name: String,
    update_name: String,
    current_template: PodTemplateSpec,
    update_template: PodTemplateSpec,
    actions: Vec<Action>,
    blocked: Option<String>,
    /// Pods this sync already deletes: later phases see them as terminating.
    deleted: BTreeSet<String>,
}

impl<'a> Ctx<'a> {
    fn set(&self) -> &'a StatefulSet {
        self.snap.set
    }

    fn claim(&self, name: &str) -> Option<&'a PersistentVolumeClaim> {
        self.snap
            .claims
            .iter()
            .find(|c| c.metadata.name.as_deref() == Some(name))
    }

    fn delete(&mut self, ordinal: i32) {
        let name = pod_name(self.set(), ordinal);
        if self.deleted.insert(name.clone()) {
            self.actions.push(Action::DeletePod(name));
        }
    }

    fn terminating(&self, pod: &Pod) -> bool {
        is_terminating(pod)
            || pod
                .metadata
                .name
                .as_ref()
                .is_some_and(|n| self.deleted.contains(n))
    }

    fn available(&self, pod: &Pod) -> bool {
        is_available(pod, self.min_ready, self.snap.now)
    }

    /// Creates the ordinal's missing claims; false when one is being deleted.
    fn create_missing_claims(&mut self, ordinal: i32) -> bool {
        for claim in new_claims(self.set(), ordinal) {
            let name = claim.metadata.name.clone().unwrap_or_default();
            match self.claim(&name) {
                None => self.actions.push(Action::CreateClaim(claim)),
                Some(c) if c.metadata.deletion_timestamp.is_some() => {
                    self.blocked = Some(format!("pvc {name} is being deleted"));
                    return false;
                }
                Some(_) => {}
            }
        }
        true
    }

    /// Converges the owner references of the pod's existing claims to the policy.
    fn reconcile_claim_refs(&mut self, pod: &Pod, ordinal: i32, condemned: bool) {
        for template in claim_templates(self.set()) {
            let name = super::identity::claim_name(template, self.set(), ordinal);
            if let Some(next) = self
                .claim(&name)
                .and_then(|c| update_refs(self.set(), pod, c, condemned))
            {
                self.actions.push(Action::UpdateClaim(next));
            }
        }
    }

    fn claim_refs_match(&self, pod: &Pod, ordinal: i32, condemned: bool) -> bool {
        claim_templates(self.set()).iter().all(|t| {
            let name = super::identity::claim_name(t, self.set(), ordinal);
            self.claim(&name)
                .is_none_or(|c| update_refs(self.set(), pod, c, condemned).is_none())
        })
    }

    /// Phase A for one slot; returns true when a monotonic sync must stop.
    fn replica(
        &mut self,
        ordinal: i32,
        pod: Option<&Pod>,
        stored: Option<&StatefulSetStatus>,
    ) -> bool {
        let Some(pod) = pod else {
            return self.create(ordinal, stored);
        };
        if is_finished(pod) {
            if !is_terminating(pod) {
                self.delete(ordinal);
            }
            return true;
        }
        if is_pending(pod) {
            if !self.create_missing_claims(ordinal) {
                return true;
            }
            self.reconcile_claim_refs(pod, ordinal, false);
        }
        if self.monotonic && (is_terminating(pod) || !is_running_ready(pod) || !self.available(pod))
        {
            return true;
        }
        if is_terminating(pod) {
            return false;
        }
        // Only the identity labels can be repaired: pod volumes are immutable, so a pod whose
        // storage drifted is left as it is rather than rewritten on every sync.
        if !identity_matches(self.set(), pod, ordinal) {
            let mut repaired = pod.clone();
            set_identity(self.set(), &mut repaired, ordinal);
            self.actions.push(Action::UpdatePod(repaired));
        }
        if !is_pending(pod) && !self.claim_refs_match(pod, ordinal, false) {
            self.reconcile_claim_refs(pod, ordinal, false);
        }
        false
    }

    /// Creates the pod of an empty slot (after its claims).
    fn create(&mut self, ordinal: i32, stored: Option<&StatefulSetStatus>) -> bool {
        let name = pod_name(self.set(), ordinal);
        if deletes_on_scale(self.set()) {
            let stale = new_claims(self.set(), ordinal).iter().any(|c| {
                c.metadata
                    .name
                    .as_deref()
                    .and_then(|n| self.claim(n))
                    .is_some_and(|c| is_stale_for(c, &name, None))
            });
            if stale {
                return true;
            }
        }
        if !self.create_missing_claims(ordinal) {
            return true;
        }
        let (template, revision) = if self.below_current_boundary(ordinal, stored) {
            (&self.current_template, &self.current_name)
        } else {
            (&self.update_template, &self.update_name)
        };
        let pod = new_pod(self.set(), template, revision, ordinal);
        self.actions.push(Action::CreatePod(pod));
        true
    }

    /// Whether a re-created pod of `ordinal` keeps the current revision (§3.4 step 2).
    fn below_current_boundary(&self, ordinal: i32, stored: Option<&StatefulSetStatus>) -> bool {
        let strategy = self
            .set()
            .spec
            .as_ref()
            .and_then(|s| s.update_strategy.as_ref());
        let kind = strategy
            .and_then(|s| s.type_.as_deref())
            .unwrap_or("RollingUpdate");
        match strategy.and_then(|s| s.rolling_update.as_ref()) {
            None if kind == "RollingUpdate" => {
                let current = stored.and_then(|s| s.current_replicas).unwrap_or(0);
                ordinal < self.start.saturating_add(current)
            }
            None => false,
            Some(r) => ordinal < self.start.saturating_add(r.partition.unwrap_or(0)),
        }
    }
}

/// One sync over `snap`.
pub fn sync(snap: Snapshot<'_>) -> Result<Outcome, Error> {
    let set = snap.set;
    let set_name = set.metadata.name.clone().unwrap_or_default();
    let wrap = |source| Error::Revision {
        set: set_name.clone(),
        source,
    };
    let revs = revision::plan(set, snap.revisions, snap.other_revisions).map_err(wrap)?;
    let spec = set.spec.clone().unwrap_or_default();
    let update_template = spec.template.clone();
    let current_template = if revs.current.metadata.name == revs.update.metadata.name {
        update_template.clone()
    } else {
        revision::template_of(&revs.current).map_err(wrap)?
    };
    let mut ctx = Ctx {
        snap,
        start: spec.ordinals.as_ref().and_then(|o| o.start).unwrap_or(0),
        min_ready: spec.min_ready_seconds.unwrap_or(0),
        monotonic: spec.pod_management_policy.as_deref() != Some("Parallel"),
        current_name: revs.current.metadata.name.clone().unwrap_or_default(),
        update_name: revs.update.metadata.name.clone().unwrap_or_default(),
        current_template,
        update_template,
        actions: Vec::new(),
        blocked: None,
        deleted: BTreeSet::new(),
    };
    match &revs.write {
        Some(RevisionWrite::Create(r)) => ctx.actions.push(Action::CreateRevision(r.clone())),
        Some(RevisionWrite::Renumber(r)) => ctx.actions.push(Action::UpdateRevision(r.clone())),
        None => {}
    }

    let replicas = usize::try_from(spec.replicas.unwrap_or(1)).unwrap_or(0);
    let mut slots: Vec<Option<&Pod>> = vec![None; replicas];
    let mut condemned: Vec<(i32, &Pod)> = Vec::new();
    for pod in snap.pods {
        let Some(o) = ordinal(set, pod) else { continue };
        match usize::try_from(o - ctx.start)
            .ok()
            .filter(|i| *i < replicas)
        {
            Some(i) => slots[i] = Some(pod),
            None => condemned.push((o, pod)),
        }
    }
    condemned.sort_by_key(|c| std::cmp::Reverse(c.0));
    let owned: Vec<&Pod> = slots
        .iter()
        .flatten()
        .copied()
        .chain(condemned.iter().map(|c| c.1))
        .collect();
    let mut status = status::compute(
        set,
        &owned,
        &ctx.current_name,
        &ctx.update_name,
        revs.collision_count,
        snap.now,
    );

    if set.metadata.deletion_timestamp.is_none() {
        phases(&mut ctx, &slots, &condemned, &mut status);
    }

    // History: every revision a pod still runs stays, as do current and update.
    let mut live: BTreeSet<String> = owned
        .iter()
        .filter_map(|p| revision_of(p).map(String::from))
        .collect();
    live.insert(ctx.current_name.clone());
    live.insert(ctx.update_name.clone());
    let mut history = snap.revisions.to_vec();
    if let Some(RevisionWrite::Create(r)) = &revs.write {
        history.push(r.clone());
    }
    let limit = spec.revision_history_limit.unwrap_or(DEFAULT_HISTORY_LIMIT);
    for name in revision::truncate(&history, &live, limit) {
        ctx.actions.push(Action::DeleteRevision(name));
    }
    status::complete(set, &mut status);
    Ok(Outcome {
        actions: ctx.actions,
        status,
        blocked: ctx.blocked,
    })
}

/// Phases A–D; each returns early where upstream ends the sync.
fn phases(
    ctx: &mut Ctx<'_>,
    slots: &[Option<&Pod>],
    condemned: &[(i32, &Pod)],
    status: &mut StatefulSetStatus,
) {
    let stored = ctx.set().status.clone();
    for (i, pod) in slots.iter().enumerate() {
        let ordinal = ctx
            .start
            .saturating_add(i32::try_from(i).unwrap_or(i32::MAX));
        if ctx.replica(ordinal, *pod, stored.as_ref()) && ctx.monotonic {
            return;
        }
    }
    for (o, pod) in condemned {
        if !is_terminating(pod) && !ctx.claim_refs_match(pod, *o, true) {
            ctx.reconcile_claim_refs(pod, *o, true);
        }
    }
    // The lowest-ordinal unavailable pod may be deleted even while unhealthy (all in-range
    // replicas are available here in monotonic mode, so it is a condemned one).
    let first_unavailable = condemned
        .iter()
        .rev()
        .find(|(_, p)| !ctx.available(p) || is_terminating(p))
        .map(|(o, _)| *o);
    for (o, pod) in condemned {
        if is_terminating(pod) {
            if ctx.monotonic {
                return;
            }
            continue;
        }
        if ctx.monotonic && !ctx.available(pod) && Some(*o) != first_unavailable {
            return;
        }
        ctx.delete(*o);
        if ctx.monotonic {
            return;
        }
    }
    rolling_update(ctx, slots, status);
}

/// Phase D, classic algorithm: replace one outdated pod at a time, highest index first, down to
/// the partition, waiting for each replacement to become available.
fn rolling_update(ctx: &mut Ctx<'_>, slots: &[Option<&Pod>], status: &mut StatefulSetStatus) {
    let strategy = ctx
        .set()
        .spec
        .as_ref()
        .and_then(|s| s.update_strategy.clone())
        .unwrap_or_default();
    if strategy.type_.as_deref().unwrap_or("RollingUpdate") != "RollingUpdate" {
        return;
    }
    let partition = strategy
        .rolling_update
        .and_then(|r| r.partition)
        .unwrap_or(0);
    let floor = usize::try_from(partition).unwrap_or(0);
    for i in (floor..slots.len()).rev() {
        let ordinal = ctx
            .start
            .saturating_add(i32::try_from(i).unwrap_or(i32::MAX));
        match slots[i] {
            Some(pod)
                if revision_of(pod) != Some(ctx.update_name.as_str()) && !ctx.terminating(pod) =>
            {
                ctx.delete(ordinal);
                if is_created(pod) {
                    status.current_replicas = status.current_replicas.map(|c| c - 1);
                }
                return;
            }
            Some(pod) if ctx.available(pod) && !ctx.terminating(pod) => {}
            _ => return,
        }
    }
}
