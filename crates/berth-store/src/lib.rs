//! berth-store: the revision log under the berth API server.
//!
//! It owns one global, strictly increasing revision; every write appends at a new revision and
//! is compare-and-swap on the key's last modification revision; reads can be served at the
//! current revision or at an older one that compaction has not removed yet; watches replay every
//! event after a retained revision, in order, and then follow live writes.
//!
//! It knows nothing about Kubernetes kinds: keys are opaque strings and values opaque bytes. It
//! must not be reached by anything but the API server: controllers, the node agent and DNS are
//! API clients.
//!
//! Two backends implement [`Store`]: [`SqliteStore`], durable, and [`MemoryStore`], for tests
//! and throw-away clusters. With the `testing` feature, the `testing` module holds the
//! conformance suite both pass.

mod error;
mod memory;
mod sqlite;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod types;
mod watch;

pub use error::{Error, Result};
pub use memory::MemoryStore;
pub use sqlite::{CommitObserver, CommitStats, Durability, SqliteOptions, SqliteStore};
pub use types::{
    Event, EventKind, KeyValue, ListOptions, ListResult, Revision, Store, WatchStream,
};
