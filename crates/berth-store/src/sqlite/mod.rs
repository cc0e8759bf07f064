//! The durable backend: one SQLite file holding an append-only revision log.
//!
//! Every create, update and delete appends one row whose id is the global revision; a delete
//! appends a tombstone. One writer thread owns the only write connection and commits whatever
//! writes queued up while the previous commit was syncing as one transaction (group commit), so
//! the cost of an fsync is shared by every write in the batch. Reads run on a small pool of
//! read-only connections, which WAL mode lets proceed while the writer commits.

mod read;
mod schema;
mod writer;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{broadcast, oneshot};

use crate::watch::{self, DEFAULT_WATCH_BUFFER, History};
use crate::{
    Error, Event, KeyValue, ListOptions, ListResult, Result, Revision, Store, WatchStream,
};
use read::ReadPool;
use writer::{Op, Reply, Request};

/// When a commit counts as done.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Durability {
    /// Every commit is synced to disk before writers are answered (`synchronous=FULL`).
    #[default]
    Full,
    /// Commits survive a crash of berth, but the newest ones may be lost if the machine loses
    /// power (`synchronous=NORMAL`). For throw-away clusters.
    Normal,
}

/// What one group commit did, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitStats {
    /// How many write requests the transaction carried (including ones that failed their
    /// precondition and wrote nothing).
    pub batch_size: usize,
    /// From the start of the transaction until the commit was durable.
    pub duration: Duration,
}

/// A callback run on the writer thread after every committed transaction, before the writes in
/// it are acknowledged; it must be quick.
pub type CommitObserver = Arc<dyn Fn(CommitStats) + Send + Sync>;

/// How to open a [`SqliteStore`].
#[derive(Clone)]
pub struct SqliteOptions {
    /// Sync mode of commits.
    pub synchronous: Durability,
    /// Called after every committed transaction.
    pub commit_observer: Option<CommitObserver>,
    /// Read-only connections serving reads and watch replays concurrently (at least 1).
    pub readers: usize,
    /// The most write requests one transaction carries (at least 1).
    pub max_batch: usize,
    /// How many events a watcher may fall behind the live broadcast before it is fed from the
    /// log instead.
    pub watch_buffer: usize,
    /// Refuse writes that would grow the database beyond about this many bytes; such a write
    /// fails its whole batch with [`Error::Backend`]. `None`: no limit.
    pub max_db_bytes: Option<u64>,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            synchronous: Durability::Full,
            commit_observer: None,
            readers: 4,
            max_batch: 512,
            watch_buffer: DEFAULT_WATCH_BUFFER,
            max_db_bytes: None,
        }
    }
}

impl fmt::Debug for SqliteOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteOptions")
            .field("synchronous", &self.synchronous)
            .field("commit_observer", &self.commit_observer.is_some())
            .field("readers", &self.readers)
            .field("max_batch", &self.max_batch)
            .field("watch_buffer", &self.watch_buffer)
            .field("max_db_bytes", &self.max_db_bytes)
            .finish()
    }
}

/// What readers and watchers share with the writer. It holds no event sender, so watch
/// streams, which keep it alive, do not keep the broadcast open after the store is dropped.
struct Shared {
    reads: ReadPool,
    /// The newest revision whose events were sent; raised after commit, before sending.
    published: AtomicI64,
    compacted: AtomicI64,
}

impl History for Shared {
    async fn events(
        &self,
        prefix: &str,
        after: Revision,
        until: Revision,
        limit: usize,
    ) -> Result<Vec<Event>> {
        let prefix = prefix.to_owned();
        self.reads
            .run(move |conn| read::events(conn, &prefix, after, until, limit))
            .await
    }

    fn published(&self) -> Revision {
        self.published.load(Ordering::SeqCst)
    }
}

/// A [`Store`] in one SQLite database file. Dropping it waits for queued writes to commit and
/// ends every watch stream once it has delivered the events already committed.
pub struct SqliteStore {
    shared: Arc<Shared>,
    events: broadcast::Sender<Arc<Event>>,
    requests: Option<mpsc::Sender<Request>>,
    writer: Option<JoinHandle<()>>,
    path: PathBuf,
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .field("revision", &self.shared.published())
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and starts its writer thread.
    pub fn open(path: &Path, opts: SqliteOptions) -> Result<Self> {
        let (conn, head) = schema::open_writer(path, &opts)?;
        let shared = Arc::new(Shared {
            reads: ReadPool::new(path, opts.readers.max(1)),
            published: AtomicI64::new(head.revision),
            compacted: AtomicI64::new(head.compacted),
        });
        let (events, _) = broadcast::channel(opts.watch_buffer.max(1));
        let (requests, queue) = mpsc::channel();
        let writer = writer::Writer {
            revision: head.revision,
            compacted: head.compacted,
            shared: Arc::clone(&shared),
            events: events.clone(),
            observer: opts.commit_observer,
            max_batch: opts.max_batch.max(1),
        };
        let thread = std::thread::Builder::new()
            .name("berth-store-writer".to_owned())
            .spawn(move || writer.run(&conn, &queue))
            .map_err(|err| Error::Backend(format!("cannot start the writer thread: {err}")))?;
        Ok(Self {
            shared,
            events,
            requests: Some(requests),
            writer: Some(thread),
            path: path.to_owned(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn submit(&self, op: Op) -> Result<Reply> {
        let (reply, answer) = oneshot::channel();
        let closed = || Error::Backend("the store writer has stopped".to_owned());
        // Sent on the first poll: from then on the write happens even if the caller stops
        // waiting for the answer.
        self.requests
            .as_ref()
            .ok_or_else(closed)?
            .send(Request { op, reply })
            .map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        // Closing the queue lets the writer finish what is queued and exit; its copy of the
        // event sender goes with it, which ends the watch streams.
        drop(self.requests.take());
        if let Some(writer) = self.writer.take()
            && writer.join().is_err()
        {
            tracing::error!(path = %self.path.display(), "store writer thread panicked");
        }
    }
}

fn unexpected(reply: &Reply) -> Error {
    Error::Backend(format!("store writer sent an unexpected reply: {reply:?}"))
}

#[async_trait::async_trait]
impl Store for SqliteStore {
    async fn current_revision(&self) -> Result<Revision> {
        Ok(self.shared.published())
    }

    async fn compacted_revision(&self) -> Result<Revision> {
        Ok(self.shared.compacted.load(Ordering::SeqCst))
    }

    async fn get(&self, key: &str) -> Result<Option<KeyValue>> {
        let key = key.to_owned();
        self.shared
            .reads
            .run(move |conn| read::get(conn, &key))
            .await
    }

    async fn list(&self, opts: ListOptions) -> Result<ListResult> {
        self.shared
            .reads
            .run(move |conn| read::list(conn, &opts))
            .await
    }

    async fn create(&self, key: &str, value: Bytes) -> Result<Revision> {
        match self
            .submit(Op::Create {
                key: key.to_owned(),
                value,
            })
            .await?
        {
            Reply::Written(rev) => Ok(rev),
            other => Err(unexpected(&other)),
        }
    }

    async fn update(&self, key: &str, value: Bytes, expected: Revision) -> Result<Revision> {
        match self
            .submit(Op::Update {
                key: key.to_owned(),
                value,
                expected,
            })
            .await?
        {
            Reply::Written(rev) => Ok(rev),
            other => Err(unexpected(&other)),
        }
    }

    async fn delete(&self, key: &str, expected: Option<Revision>) -> Result<(Revision, KeyValue)> {
        match self
            .submit(Op::Delete {
                key: key.to_owned(),
                expected,
            })
            .await?
        {
            Reply::Deleted(rev, kv) => Ok((rev, kv)),
            other => Err(unexpected(&other)),
        }
    }

    async fn watch(&self, prefix: &str, after: Revision) -> Result<WatchStream> {
        watch::watch(Arc::clone(&self.shared), &self.events, prefix, after).await
    }

    async fn compact(&self, revision: Revision) -> Result<Revision> {
        match self.submit(Op::Compact { revision }).await? {
            Reply::Compacted(rev) => Ok(rev),
            other => Err(unexpected(&other)),
        }
    }
}
