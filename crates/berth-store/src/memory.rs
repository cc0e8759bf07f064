//! An in-memory backend with the same semantics as the durable one: full history, compaction,
//! list at old revisions and watches. Nothing survives the process; it serves tests and
//! throw-away clusters.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use tokio::sync::broadcast;

use crate::watch::{self, DEFAULT_WATCH_BUFFER, History};
use crate::{
    Error, Event, EventKind, KeyValue, ListOptions, ListResult, Result, Revision, Store,
    WatchStream,
};

/// A [`Store`] kept in memory.
pub struct MemoryStore {
    state: Arc<Mutex<State>>,
    // Only the store holds the sender, so dropping the store ends every watch.
    events: broadcast::Sender<Arc<Event>>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = lock(&self.state);
        f.debug_struct("MemoryStore")
            .field("revision", &state.revision)
            .field("compacted", &state.compacted)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct State {
    /// Every retained write, by revision. An event carries the state before it, so history
    /// needs nothing else.
    log: BTreeMap<Revision, Arc<Event>>,
    /// The retained revisions of each key, ascending.
    keys: BTreeMap<String, Vec<Revision>>,
    revision: Revision,
    compacted: Revision,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // Every mutation completes before the guard drops, so a panic elsewhere cannot leave the
    // state half-written.
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

impl State {
    fn latest_at(&self, revisions: &[Revision], at: Revision) -> Option<&Arc<Event>> {
        let n = revisions.partition_point(|&r| r <= at);
        let rev = revisions.get(n.checked_sub(1)?)?;
        self.log.get(rev)
    }

    fn live(&self, key: &str) -> Option<&KeyValue> {
        let revisions = self.keys.get(key)?;
        let event = self.log.get(revisions.last()?)?;
        (event.kind != EventKind::Deleted).then_some(&event.kv)
    }

    fn check_read_revision(&self, requested: Revision) -> Result<()> {
        if requested < self.compacted {
            return Err(Error::Compacted {
                requested,
                compacted: self.compacted,
            });
        }
        if requested > self.revision {
            return Err(Error::FutureRevision {
                requested,
                current: self.revision,
            });
        }
        Ok(())
    }

    fn forget(&mut self, rev: Revision) {
        let Some(event) = self.log.remove(&rev) else {
            return;
        };
        let key = event.kv.key.as_str();
        if let Some(revisions) = self.keys.get_mut(key) {
            revisions.retain(|&r| r != rev);
            if revisions.is_empty() {
                self.keys.remove(key);
            }
        }
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::with_watch_buffer(DEFAULT_WATCH_BUFFER)
    }

    /// An empty store whose watchers may fall `capacity` events behind before they are fed
    /// from history instead of the live broadcast.
    pub fn with_watch_buffer(capacity: usize) -> Self {
        let (events, _) = broadcast::channel(capacity.max(1));
        Self {
            state: Arc::default(),
            events,
        }
    }

    /// Appends the event `build` derives from the current state at the next revision.
    fn write<T>(&self, build: impl FnOnce(&State, Revision) -> Result<(Event, T)>) -> Result<T> {
        let mut state = lock(&self.state);
        let rev = state.revision + 1;
        let (event, out) = build(&state, rev)?;
        let event = Arc::new(event);
        state.revision = rev;
        state
            .keys
            .entry(event.kv.key.clone())
            .or_default()
            .push(rev);
        state.log.insert(rev, Arc::clone(&event));
        // Sent under the lock so events go out in revision order, after `revision` was raised.
        // An error only means nobody is watching.
        let _ = self.events.send(event);
        Ok(out)
    }
}

impl History for Mutex<State> {
    fn events(
        &self,
        prefix: &str,
        after: Revision,
        until: Revision,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Event>>> + Send {
        let state = lock(self);
        let events = state.check_read_revision(after).map(|()| {
            if until <= after {
                return Vec::new();
            }
            state
                .log
                .range(after + 1..=until)
                .map(|(_, event)| event)
                .filter(|event| event.kv.key.starts_with(prefix))
                .take(limit)
                .map(|event| Event::clone(event))
                .collect()
        });
        std::future::ready(events)
    }

    fn published(&self) -> Revision {
        lock(self).revision
    }
}

#[async_trait::async_trait]
impl Store for MemoryStore {
    async fn current_revision(&self) -> Result<Revision> {
        Ok(lock(&self.state).revision)
    }

    async fn compacted_revision(&self) -> Result<Revision> {
        Ok(lock(&self.state).compacted)
    }

    async fn get(&self, key: &str) -> Result<Option<KeyValue>> {
        Ok(lock(&self.state).live(key).cloned())
    }

    async fn list(&self, opts: ListOptions) -> Result<ListResult> {
        let state = lock(&self.state);
        let at = match opts.revision {
            Some(requested) => {
                state.check_read_revision(requested)?;
                requested
            }
            None => state.revision,
        };
        let prefix = opts.prefix.as_str();
        let lower = match opts.start_after.as_deref() {
            Some(after) if after >= prefix => Bound::Excluded(after),
            _ => Bound::Included(prefix),
        };
        let limit = opts.limit.filter(|&n| n > 0).unwrap_or(usize::MAX);
        let mut items = Vec::new();
        let mut remaining = 0;
        let range = state.keys.range::<str, _>((lower, Bound::Unbounded));
        for (key, revisions) in range.take_while(|(key, _)| key.starts_with(prefix)) {
            let Some(event) = state.latest_at(revisions, at) else {
                continue;
            };
            if event.kind == EventKind::Deleted {
                continue;
            }
            if items.len() < limit {
                debug_assert_eq!(&event.kv.key, key);
                items.push(event.kv.clone());
            } else {
                remaining += 1;
            }
        }
        Ok(ListResult {
            items,
            revision: at,
            remaining,
        })
    }

    async fn create(&self, key: &str, value: Bytes) -> Result<Revision> {
        self.write(|state, rev| {
            if state.live(key).is_some() {
                return Err(Error::AlreadyExists {
                    key: key.to_owned(),
                });
            }
            let kv = KeyValue {
                key: key.to_owned(),
                value,
                create_revision: rev,
                mod_revision: rev,
            };
            Ok((
                Event {
                    kind: EventKind::Created,
                    kv,
                    prev: None,
                },
                rev,
            ))
        })
    }

    async fn update(&self, key: &str, value: Bytes, expected: Revision) -> Result<Revision> {
        self.write(|state, rev| {
            let current = state.live(key).ok_or_else(|| Error::NotFound {
                key: key.to_owned(),
            })?;
            if current.mod_revision != expected {
                return Err(Error::Conflict {
                    key: key.to_owned(),
                    expected,
                    current: Box::new(current.clone()),
                });
            }
            let kv = KeyValue {
                key: key.to_owned(),
                value,
                create_revision: current.create_revision,
                mod_revision: rev,
            };
            Ok((
                Event {
                    kind: EventKind::Updated,
                    kv,
                    prev: Some(current.clone()),
                },
                rev,
            ))
        })
    }

    async fn delete(&self, key: &str, expected: Option<Revision>) -> Result<(Revision, KeyValue)> {
        self.write(|state, rev| {
            let current = state.live(key).ok_or_else(|| Error::NotFound {
                key: key.to_owned(),
            })?;
            if let Some(expected) = expected
                && current.mod_revision != expected
            {
                return Err(Error::Conflict {
                    key: key.to_owned(),
                    expected,
                    current: Box::new(current.clone()),
                });
            }
            let kv = KeyValue {
                mod_revision: rev,
                ..current.clone()
            };
            let event = Event {
                kind: EventKind::Deleted,
                kv,
                prev: Some(current.clone()),
            };
            Ok((event, (rev, current.clone())))
        })
    }

    async fn watch(&self, prefix: &str, after: Revision) -> Result<WatchStream> {
        watch::watch(Arc::clone(&self.state), &self.events, prefix, after).await
    }

    async fn compact(&self, revision: Revision) -> Result<Revision> {
        let mut state = lock(&self.state);
        if revision > state.revision {
            return Err(Error::FutureRevision {
                requested: revision,
                current: state.revision,
            });
        }
        let old = state.compacted;
        if revision <= old {
            return Ok(old);
        }
        // A row is needed below the new point only until its successor; every row superseded
        // since the last compaction is the `prev` of a write in (old, revision]. Tombstones in
        // that range are needed by nothing at or after `revision`.
        let mut doomed = Vec::new();
        for (&rev, event) in state.log.range(old + 1..=revision) {
            if let Some(prev) = &event.prev {
                doomed.push(prev.mod_revision);
            }
            if event.kind == EventKind::Deleted {
                doomed.push(rev);
            }
        }
        for rev in doomed {
            state.forget(rev);
        }
        state.compacted = revision;
        Ok(revision)
    }
}
