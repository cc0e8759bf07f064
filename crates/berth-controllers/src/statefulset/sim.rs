//! A tiny simulated world for the sync: an API state the actions are applied to, a "kubelet"
//! that moves pods along on demand, garbage collection of claims owned by deleted pods, and
//! the ordering invariants checked on every write.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet};
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, PodCondition, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::{SignedDuration, Timestamp};

use super::control::{Action, Outcome, Snapshot, sync};
use super::identity::{
    POD_INDEX_LABEL, POD_NAME_LABEL, is_available, is_finished, is_running_ready, is_terminating,
    ordinal,
};

/// The API state plus a clock.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct World {
    pub(crate) set: StatefulSet,
    pub(crate) pods: BTreeMap<String, Pod>,
    pub(crate) claims: BTreeMap<String, PersistentVolumeClaim>,
    pub(crate) revisions: BTreeMap<String, ControllerRevision>,
    pub(crate) now: Timestamp,
    uid: u64,
    /// Every action applied, for ordering assertions.
    pub(crate) log: Vec<Action>,
}

fn name_of(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> String {
    meta.name.clone().unwrap()
}

impl World {
    pub(crate) fn new(mut set: StatefulSet) -> Self {
        set.metadata.uid = Some("set-uid".into());
        set.metadata.generation = Some(1);
        Self {
            set,
            pods: BTreeMap::new(),
            claims: BTreeMap::new(),
            revisions: BTreeMap::new(),
            now: Timestamp::from_second(1_000_000).unwrap(),
            uid: 0,
            log: Vec::new(),
        }
    }

    fn next_uid(&mut self) -> String {
        self.uid += 1;
        format!("uid-{}", self.uid)
    }

    /// Changes the spec the way an API update does: the generation moves on.
    pub(crate) fn edit(&mut self, f: impl FnOnce(&mut StatefulSet)) {
        f(&mut self.set);
        self.set.metadata.generation = self.set.metadata.generation.map(|g| g + 1);
    }

    pub(crate) fn sync(&self) -> Outcome {
        let pods: Vec<Pod> = self.pods.values().cloned().collect();
        let claims: Vec<PersistentVolumeClaim> = self.claims.values().cloned().collect();
        let revisions: Vec<ControllerRevision> = self.revisions.values().cloned().collect();
        sync(Snapshot {
            set: &self.set,
            pods: &pods,
            claims: &claims,
            revisions: &revisions,
            other_revisions: &[],
            now: self.now,
        })
        .unwrap()
    }

    /// One controller run that applies at most `limit` of its writes (a crash after them), then
    /// writes status. Returns how many writes the run wanted.
    pub(crate) fn step(&mut self, limit: usize) -> usize {
        let outcome = self.sync();
        let wanted = outcome.actions.len();
        for action in outcome.actions.into_iter().take(limit) {
            self.apply(action);
        }
        self.set.status = Some(outcome.status);
        wanted
    }

    fn monotonic(&self) -> bool {
        self.set
            .spec
            .as_ref()
            .unwrap()
            .pod_management_policy
            .as_deref()
            != Some("Parallel")
    }

    fn min_ready(&self) -> i32 {
        self.set
            .spec
            .as_ref()
            .unwrap()
            .min_ready_seconds
            .unwrap_or(0)
    }

    fn ordinal_of(&self, pod: &Pod) -> i32 {
        ordinal(&self.set, pod).unwrap()
    }

    pub(crate) fn apply(&mut self, action: Action) {
        self.log.push(action.clone());
        match action {
            Action::CreateRevision(mut r) => {
                let name = name_of(&r.metadata);
                assert!(
                    !self.revisions.contains_key(&name),
                    "revision {name} exists"
                );
                r.metadata.uid = Some(self.next_uid());
                self.revisions.insert(name, r);
            }
            Action::UpdateRevision(r) => {
                let name = name_of(&r.metadata);
                let old = self
                    .revisions
                    .get_mut(&name)
                    .expect("renumbered revision exists");
                assert_eq!(old.data, r.data, "revision data is immutable");
                *old = r;
            }
            Action::DeleteRevision(name) => {
                self.revisions.remove(&name);
            }
            Action::CreateClaim(mut c) => {
                let name = name_of(&c.metadata);
                assert!(!self.claims.contains_key(&name), "claim {name} exists");
                c.metadata.uid = Some(self.next_uid());
                self.claims.insert(name, c);
            }
            Action::UpdateClaim(c) => {
                let name = name_of(&c.metadata);
                assert!(
                    self.claims.contains_key(&name),
                    "updated claim {name} exists"
                );
                self.claims.insert(name, c);
            }
            Action::CreatePod(pod) => self.create_pod(pod),
            Action::UpdatePod(pod) => {
                let name = name_of(&pod.metadata);
                assert!(self.pods.contains_key(&name), "updated pod {name} exists");
                self.pods.insert(name, pod);
            }
            Action::DeletePod(name) => self.delete_pod(&name),
        }
    }

    fn create_pod(&mut self, mut pod: Pod) {
        let name = name_of(&pod.metadata);
        assert!(!self.pods.contains_key(&name), "two pods named {name}");
        let o = self.ordinal_of(&pod);
        let labels = pod.metadata.labels.clone().unwrap();
        assert_eq!(labels[POD_NAME_LABEL], name);
        assert_eq!(labels[POD_INDEX_LABEL], o.to_string());
        for v in pod.spec.as_ref().unwrap().volumes.iter().flatten() {
            if let Some(c) = &v.persistent_volume_claim {
                assert!(
                    self.claims.contains_key(&c.claim_name),
                    "claim {} before pod {name}",
                    c.claim_name
                );
            }
        }
        if self.monotonic() {
            let start = self.start();
            for lower in start..o {
                let p = self
                    .pods
                    .get(&format!("{}-{lower}", name_of(&self.set.metadata)));
                assert!(
                    p.is_some_and(
                        |p| is_available(p, self.min_ready(), self.now) && !is_terminating(p)
                    ),
                    "{name} created before ordinal {lower} is available"
                );
            }
        }
        pod.metadata.uid = Some(self.next_uid());
        // The API server's pod strategy sets the phase on create.
        pod.status = Some(PodStatus {
            phase: Some("Pending".into()),
            ..PodStatus::default()
        });
        self.pods.insert(name, pod);
    }

    fn delete_pod(&mut self, name: &str) {
        let now = self.now;
        let monotonic = self.monotonic();
        let others_terminating = self
            .pods
            .values()
            .any(|p| is_terminating(p) && p.metadata.name.as_deref() != Some(name));
        let higher = |w: &World, o: i32| w.pods.values().any(|p| w.ordinal_of(p) > o);
        let o = self
            .pods
            .get(name)
            .map(|p| self.ordinal_of(p))
            .expect("deleted pod exists");
        let pod = &self.pods[name];
        assert!(!is_terminating(pod), "{name} deleted twice");
        if monotonic && !is_finished(pod) {
            let replicas = self.set.spec.as_ref().unwrap().replicas.unwrap_or(1);
            if o >= self.start() + replicas {
                // Scale-down: descending, each successor fully gone first.
                assert!(
                    !higher(self, o),
                    "{name} deleted before a higher ordinal is gone"
                );
            } else {
                // Rolling update: one replacement at a time.
                assert!(
                    !others_terminating,
                    "{name} deleted while another pod terminates"
                );
            }
        }
        let pod = self.pods.get_mut(name).unwrap();
        pod.metadata.deletion_timestamp = Some(Time(now));
    }

    pub(crate) fn start(&self) -> i32 {
        self.set
            .spec
            .as_ref()
            .unwrap()
            .ordinals
            .as_ref()
            .and_then(|o| o.start)
            .unwrap_or(0)
    }

    // The kubelet.

    /// Makes a pending pod Running and Ready (no-op otherwise).
    pub(crate) fn run(&mut self, name: &str) {
        let now = self.now;
        if let Some(pod) = self
            .pods
            .get_mut(name)
            .filter(|p| !is_terminating(p) && !is_finished(p) && !is_running_ready(p))
        {
            pod.status = Some(PodStatus {
                phase: Some("Running".into()),
                conditions: Some(vec![PodCondition {
                    type_: "Ready".into(),
                    status: "True".into(),
                    last_transition_time: Some(Time(now)),
                    ..PodCondition::default()
                }]),
                ..PodStatus::default()
            });
        }
    }

    /// The pod's containers exit with an error.
    pub(crate) fn fail(&mut self, name: &str) {
        if let Some(pod) = self.pods.get_mut(name) {
            pod.status = Some(PodStatus {
                phase: Some("Failed".into()),
                ..PodStatus::default()
            });
        }
    }

    /// Finishes graceful deletion of every terminating pod; garbage collection then removes the
    /// claims those pods controlled.
    pub(crate) fn reap(&mut self) {
        let gone: Vec<String> = self
            .pods
            .values()
            .filter(|p| is_terminating(p))
            .filter_map(|p| p.metadata.uid.clone())
            .collect();
        self.pods.retain(|_, p| !is_terminating(p));
        self.claims.retain(|_, c| {
            !c.metadata
                .owner_references
                .iter()
                .flatten()
                .any(|r| gone.contains(&r.uid))
        });
    }

    pub(crate) fn tick(&mut self, seconds: i64) {
        self.now = self
            .now
            .checked_add(SignedDuration::from_secs(seconds))
            .unwrap();
    }

    /// Runs controller and kubelet until nothing changes; every pod becomes Ready.
    pub(crate) fn settle(&mut self) {
        for _ in 0..500 {
            let before = self.clone();
            self.step(usize::MAX);
            let names: Vec<String> = self.pods.keys().cloned().collect();
            for n in &names {
                self.run(n);
            }
            self.reap();
            self.tick(1);
            let mut after = self.clone();
            after.now = before.now;
            after.log.clone_from(&before.log);
            if after == before {
                return;
            }
        }
        panic!("the world did not settle");
    }

    /// Pod names with the revision each runs.
    pub(crate) fn pod_revisions(&self) -> Vec<(String, String)> {
        self.pods
            .values()
            .map(|p| {
                let rev = p.metadata.labels.as_ref().unwrap()["controller-revision-hash"].clone();
                (name_of(&p.metadata), rev)
            })
            .collect()
    }
}
