//! The store contract every backend implements.

use bytes::Bytes;
use futures::stream::BoxStream;

use crate::Result;

/// A point in the global revision log. Revisions start at 1; 0 means "none".
pub type Revision = i64;

/// One live key with its value and revisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    /// The key.
    pub key: String,
    /// The value as stored.
    pub value: Bytes,
    /// The revision that created this incarnation of the key.
    pub create_revision: Revision,
    /// The revision of the last write to the key (for a deletion event: the deletion's revision).
    pub mod_revision: Revision,
}

/// What happened to a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// The key did not exist (or was deleted) before this write.
    Created,
    /// The key existed and was overwritten.
    Updated,
    /// The key was removed.
    Deleted,
}

/// One write, as seen by a watcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// The key's state after the write. For `Deleted` this is the last value, with
    /// `mod_revision` set to the deletion's revision.
    pub kv: KeyValue,
    /// The key's state before the write (`None` for `Created`).
    pub prev: Option<KeyValue>,
}

impl Event {
    /// The revision at which this event happened.
    pub fn revision(&self) -> Revision {
        self.kv.mod_revision
    }
}

/// How to list a key range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// Only keys starting with this prefix.
    pub prefix: String,
    /// Read at this revision (`None`: the current one). Fails with `Compacted` or
    /// `FutureRevision` when out of range.
    pub revision: Option<Revision>,
    /// Only keys strictly greater than this one (paging).
    pub start_after: Option<String>,
    /// At most this many items (`None` or 0: all).
    pub limit: Option<usize>,
}

/// A page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListResult {
    /// Live keys in key order.
    pub items: Vec<KeyValue>,
    /// The revision the list was read at.
    pub revision: Revision,
    /// How many matching keys come after this page (0 when complete).
    pub remaining: usize,
}

/// A stream of events in revision order. It ends with an error if the watcher fell so far behind
/// that the events it needs were compacted.
pub type WatchStream = BoxStream<'static, Result<Event>>;

/// A revision log. Every method is safe to call concurrently; writes are linearizable and every
/// write is durable (per the backend's contract) before its future resolves.
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// The newest revision (0 for an empty store).
    async fn current_revision(&self) -> Result<Revision>;

    /// The compaction point C (0 when nothing was compacted): lists at a revision below C and
    /// watches from `after` below C fail with `Compacted`; C itself is still readable.
    async fn compacted_revision(&self) -> Result<Revision>;

    /// The live value of `key` at the current revision.
    async fn get(&self, key: &str) -> Result<Option<KeyValue>>;

    /// Live keys under a prefix, in key order.
    async fn list(&self, opts: ListOptions) -> Result<ListResult>;

    /// Creates `key`; fails with `AlreadyExists` if it is live. Returns the new revision.
    async fn create(&self, key: &str, value: Bytes) -> Result<Revision>;

    /// Overwrites `key` if its `mod_revision` equals `expected`; `NotFound` if it is not live,
    /// `Conflict` (with the current value) otherwise. Returns the new revision.
    async fn update(&self, key: &str, value: Bytes, expected: Revision) -> Result<Revision>;

    /// Removes `key`, if `expected` is `Some`, only when its `mod_revision` matches. Returns the
    /// deletion's revision and the value that was removed.
    async fn delete(&self, key: &str, expected: Option<Revision>) -> Result<(Revision, KeyValue)>;

    /// Every event on keys under `prefix` with a revision strictly greater than `after`, in
    /// order, then live events as they commit. Fails with `Compacted` if `after` is below the
    /// compaction point, and with `FutureRevision` if it is ahead of the current revision. A
    /// watcher too slow to keep up is fed from history; if that history was compacted meanwhile
    /// the stream yields `Compacted` and ends.
    async fn watch(&self, prefix: &str, after: Revision) -> Result<WatchStream>;

    /// Drops the history needed only to read below `revision` (never a live value, never the
    /// row that made it live). Returns the new compaction point, `max(old, revision)`; asking for
    /// a revision ahead of the current one is `FutureRevision`.
    async fn compact(&self, revision: Revision) -> Result<Revision>;
}
