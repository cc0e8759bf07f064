//! The writer thread: group commit of every queued write.
//!
//! It blocks for one request, takes whatever else is queued (up to `max_batch`), applies all of
//! them in one transaction, commits once, and only then publishes the events and answers the
//! callers. Each request checks its precondition inside the transaction, so it sees the
//! writes of the requests before it in the same batch; a failed precondition answers that
//! caller alone. A failing statement or commit rolls the whole batch back and fails everyone in
//! it.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::Instant;

use bytes::Bytes;
use rusqlite::{Connection, OptionalExtension, Statement, params};
use tokio::sync::{broadcast, oneshot};

use super::schema::{self, Latest};
use super::{CommitObserver, CommitStats, Shared};
use crate::{Error, Event, EventKind, KeyValue, Result, Revision};

/// A write to apply.
#[derive(Debug)]
pub(super) enum Op {
    Create {
        key: String,
        value: Bytes,
    },
    Update {
        key: String,
        value: Bytes,
        expected: Revision,
    },
    Delete {
        key: String,
        expected: Option<Revision>,
    },
    Compact {
        revision: Revision,
    },
}

/// The answer to a successful [`Op`].
#[derive(Debug)]
pub(super) enum Reply {
    Written(Revision),
    Deleted(Revision, KeyValue),
    Compacted(Revision),
}

/// One caller's request and where its answer goes.
pub(super) struct Request {
    pub(super) op: Op,
    pub(super) reply: oneshot::Sender<Result<Reply>>,
}

/// The state the writer thread owns.
pub(super) struct Writer {
    pub(super) revision: Revision,
    pub(super) compacted: Revision,
    pub(super) shared: Arc<Shared>,
    pub(super) events: broadcast::Sender<Arc<Event>>,
    pub(super) observer: Option<CommitObserver>,
    pub(super) max_batch: usize,
}

/// Statements reused by every batch.
struct Statements<'c> {
    begin: Statement<'c>,
    commit: Statement<'c>,
    latest: Statement<'c>,
    insert: Statement<'c>,
}

impl<'c> Statements<'c> {
    fn prepare(conn: &'c Connection) -> rusqlite::Result<Self> {
        Ok(Self {
            begin: conn.prepare("BEGIN IMMEDIATE")?,
            commit: conn.prepare("COMMIT")?,
            latest: conn.prepare(schema::LATEST_SQL)?,
            insert: conn.prepare(
                "INSERT INTO log (id, key, deleted, create_revision, prev_revision, value)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
        })
    }

    fn live(&mut self, key: &str) -> rusqlite::Result<Option<KeyValue>> {
        let latest = self
            .latest
            .query_row([key.as_bytes()], Latest::from_row)
            .optional()?;
        Ok(latest.and_then(|row| row.live(key)))
    }
}

/// A request's outcome inside a batch that has not committed yet.
struct Applied {
    reply: Reply,
    event: Option<Arc<Event>>,
}

/// The batch's view of the log while its transaction is open.
struct Tx {
    revision: Revision,
    compacted: Revision,
}

impl Writer {
    /// Serves `queue` until every sender is gone.
    pub(super) fn run(mut self, conn: &Connection, queue: &mpsc::Receiver<Request>) {
        let mut stmts = match Statements::prepare(conn) {
            Ok(stmts) => stmts,
            Err(err) => {
                tracing::error!(%err, "store writer cannot prepare its statements");
                let message = format!("sqlite: {err}");
                while let Ok(request) = queue.recv() {
                    let _ = request.reply.send(Err(Error::Backend(message.clone())));
                }
                return;
            }
        };
        while let Ok(first) = queue.recv() {
            let mut batch = vec![first];
            while batch.len() < self.max_batch {
                match queue.try_recv() {
                    Ok(request) => batch.push(request),
                    Err(_) => break,
                }
            }
            self.commit_batch(conn, &mut stmts, batch);
        }
    }

    fn commit_batch(&mut self, conn: &Connection, stmts: &mut Statements<'_>, batch: Vec<Request>) {
        let started = Instant::now();
        let mut tx = Tx {
            revision: self.revision,
            compacted: self.compacted,
        };
        let outcome = apply_all(conn, stmts, &mut tx, &batch);
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(err) => {
                if !conn.is_autocommit()
                    && let Err(rollback) = conn.execute_batch("ROLLBACK")
                {
                    tracing::error!(%rollback, "store writer cannot roll back");
                }
                tracing::error!(%err, batch = batch.len(), "store batch failed");
                let message = err.to_string();
                for request in batch {
                    let _ = request
                        .reply
                        .send(Err(Error::Backend(format!("sqlite: {message}"))));
                }
                return;
            }
        };
        let batch_size = batch.len();
        if let Some(observer) = &self.observer {
            // Before the answers, so a write is never acknowledged ahead of its commit's report.
            // A panicking observer must not take the writer thread down with it.
            let stats = CommitStats {
                batch_size,
                duration: started.elapsed(),
            };
            if panic::catch_unwind(AssertUnwindSafe(|| observer(stats))).is_err() {
                tracing::error!("store commit observer panicked");
            }
        }
        self.revision = tx.revision;
        self.compacted = tx.compacted;
        self.shared.compacted.store(tx.compacted, Ordering::SeqCst);
        // Raised before sending, so a watcher reading it after subscribing misses nothing.
        self.shared.published.store(tx.revision, Ordering::SeqCst);
        let mut outcome = outcome;
        for event in outcome
            .iter_mut()
            .flatten()
            .filter_map(|applied| applied.event.take())
        {
            // An error only means nobody is watching.
            let _ = self.events.send(event);
        }
        for (request, result) in batch.into_iter().zip(outcome) {
            // The caller may have stopped waiting; the write stands regardless.
            let _ = request.reply.send(result.map(|applied| applied.reply));
        }
    }
}

/// Applies every request in one transaction and commits it. The outer error fails the batch.
fn apply_all(
    conn: &Connection,
    stmts: &mut Statements<'_>,
    tx: &mut Tx,
    batch: &[Request],
) -> rusqlite::Result<Vec<Result<Applied>>> {
    stmts.begin.execute([])?;
    let mut results = Vec::with_capacity(batch.len());
    for request in batch {
        results.push(apply(conn, stmts, tx, &request.op)?);
    }
    stmts.commit.execute([])?;
    Ok(results)
}

fn apply(
    conn: &Connection,
    stmts: &mut Statements<'_>,
    tx: &mut Tx,
    op: &Op,
) -> rusqlite::Result<Result<Applied>> {
    match op {
        Op::Create { key, value } => {
            if stmts.live(key)?.is_some() {
                return Ok(Err(Error::AlreadyExists { key: key.clone() }));
            }
            let rev = tx.revision + 1;
            stmts
                .insert
                .execute(params![rev, key.as_bytes(), false, rev, 0, value.as_ref()])?;
            tx.revision = rev;
            let kv = KeyValue {
                key: key.clone(),
                value: value.clone(),
                create_revision: rev,
                mod_revision: rev,
            };
            let event = Event {
                kind: EventKind::Created,
                kv,
                prev: None,
            };
            Ok(Ok(Applied {
                reply: Reply::Written(rev),
                event: Some(Arc::new(event)),
            }))
        }
        Op::Update {
            key,
            value,
            expected,
        } => {
            let current = match precondition(stmts, key, Some(*expected))? {
                Ok(current) => current,
                Err(err) => return Ok(Err(err)),
            };
            let rev = tx.revision + 1;
            stmts.insert.execute(params![
                rev,
                key.as_bytes(),
                false,
                current.create_revision,
                current.mod_revision,
                value.as_ref()
            ])?;
            tx.revision = rev;
            let kv = KeyValue {
                key: key.clone(),
                value: value.clone(),
                create_revision: current.create_revision,
                mod_revision: rev,
            };
            let event = Event {
                kind: EventKind::Updated,
                kv,
                prev: Some(current),
            };
            Ok(Ok(Applied {
                reply: Reply::Written(rev),
                event: Some(Arc::new(event)),
            }))
        }
        Op::Delete { key, expected } => {
            let current = match precondition(stmts, key, *expected)? {
                Ok(current) => current,
                Err(err) => return Ok(Err(err)),
            };
            let rev = tx.revision + 1;
            let no_value: &[u8] = &[];
            stmts.insert.execute(params![
                rev,
                key.as_bytes(),
                true,
                current.create_revision,
                current.mod_revision,
                no_value
            ])?;
            tx.revision = rev;
            let kv = KeyValue {
                mod_revision: rev,
                ..current.clone()
            };
            let reply = Reply::Deleted(rev, current.clone());
            let event = Event {
                kind: EventKind::Deleted,
                kv,
                prev: Some(current),
            };
            Ok(Ok(Applied {
                reply,
                event: Some(Arc::new(event)),
            }))
        }
        Op::Compact { revision } => compact(conn, tx, *revision),
    }
}

/// The live value of `key`, if it is live and (when asked) at the expected revision.
fn precondition(
    stmts: &mut Statements<'_>,
    key: &str,
    expected: Option<Revision>,
) -> rusqlite::Result<Result<KeyValue>> {
    let Some(current) = stmts.live(key)? else {
        return Ok(Err(Error::NotFound {
            key: key.to_owned(),
        }));
    };
    match expected {
        Some(expected) if expected != current.mod_revision => Ok(Err(Error::Conflict {
            key: key.to_owned(),
            expected,
            current: Box::new(current),
        })),
        _ => Ok(Ok(current)),
    }
}

/// Deletes the rows nothing at or after `target` needs. Every row superseded since the last
/// compaction is the `prev_revision` of a write in `(old, target]`; tombstones in that range
/// are needed by no read at or after `target`.
fn compact(conn: &Connection, tx: &mut Tx, target: Revision) -> rusqlite::Result<Result<Applied>> {
    if target > tx.revision {
        return Ok(Err(Error::FutureRevision {
            requested: target,
            current: tx.revision,
        }));
    }
    let old = tx.compacted;
    if target <= old {
        return Ok(Ok(Applied {
            reply: Reply::Compacted(old),
            event: None,
        }));
    }
    conn.execute(
        "DELETE FROM log WHERE id IN (
             SELECT prev_revision FROM log WHERE id > ?1 AND id <= ?2 AND prev_revision > 0)",
        params![old, target],
    )?;
    conn.execute(
        "DELETE FROM log WHERE id > ?1 AND id <= ?2 AND deleted = 1",
        params![old, target],
    )?;
    conn.execute(
        "INSERT OR REPLACE INTO meta (name, value) VALUES ('compacted', ?1), ('revision', ?2)",
        params![target, tx.revision],
    )?;
    tx.compacted = target;
    Ok(Ok(Applied {
        reply: Reply::Compacted(target),
        event: None,
    }))
}
