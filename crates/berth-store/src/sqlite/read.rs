//! Reads: a pool of read-only connections and the queries they run.
//!
//! Each read runs on tokio's blocking pool with a connection of its own; WAL mode gives it a
//! consistent snapshot without ever waiting for the writer.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::{Connection, OptionalExtension, Row, params};
use tokio::sync::Semaphore;

use super::schema::{self, Head, Latest, bytes_at, key_at, sql};
use crate::watch::prefix_end;
use crate::{Error, Event, EventKind, KeyValue, ListOptions, ListResult, Result, Revision};

/// The newest row of each key in `[?1, ?2)` at revision `?3`, in key order. SQLite takes the
/// bare columns of a `MAX()` aggregate from the row holding the maximum.
const LIST_FROM_SQL: &str = "
    SELECT key, MAX(id), deleted, create_revision, value FROM log
    WHERE key >= ?1 AND key < ?2 AND id <= ?3 GROUP BY key ORDER BY key";

/// [`LIST_FROM_SQL`] for keys strictly after `?1`.
const LIST_AFTER_SQL: &str = "
    SELECT key, MAX(id), deleted, create_revision, value FROM log
    WHERE key > ?1 AND key < ?2 AND id <= ?3 GROUP BY key ORDER BY key";

/// How many keys in `(?1, ?2)` are live at revision `?3`; answered from the index alone.
const COUNT_AFTER_SQL: &str = "
    SELECT COUNT(*) FROM (
        SELECT MAX(id), deleted FROM log
        WHERE key > ?1 AND key < ?2 AND id <= ?3 GROUP BY key
    ) WHERE deleted = 0";

/// Writes in `(?1, ?2]` on keys in `[?3, ?4)`, with the row each one replaced.
const EVENTS_SQL: &str = "
    SELECT l.id, l.key, l.deleted, l.create_revision, l.prev_revision, l.value,
           p.value, p.create_revision
    FROM log AS l LEFT JOIN log AS p ON p.id = l.prev_revision
    WHERE l.id > ?1 AND l.id <= ?2 AND l.key >= ?3 AND l.key < ?4
    ORDER BY l.id LIMIT ?5";

/// Read-only connections, opened on first need and reused.
pub(super) struct ReadPool {
    path: Arc<Path>,
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
}

impl ReadPool {
    pub(super) fn new(path: &Path, size: usize) -> Self {
        Self {
            path: Arc::from(PathBuf::from(path)),
            idle: Mutex::new(Vec::with_capacity(size)),
            permits: Semaphore::new(size),
        }
    }

    /// Runs `read` on a pooled connection off the async threads.
    pub(super) async fn run<T, F>(&self, read: F) -> Result<T>
    where
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| Error::Backend("the read pool is closed".to_owned()))?;
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let path = Arc::clone(&self.path);
        // A connection whose task is cancelled or fails is simply not returned; the pool opens
        // another one when it runs short.
        let (conn, out) = tokio::task::spawn_blocking(move || {
            let mut conn = match idle {
                Some(conn) => conn,
                None => schema::open_reader(&path)?,
            };
            let out = read(&mut conn);
            Ok::<_, Error>((conn, out))
        })
        .await
        .map_err(|err| Error::Backend(format!("read task failed: {err}")))??;
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(conn);
        out
    }
}

fn check_revision(head: Head, requested: Revision) -> Result<()> {
    if requested < head.compacted {
        return Err(Error::Compacted {
            requested,
            compacted: head.compacted,
        });
    }
    if requested > head.revision {
        return Err(Error::FutureRevision {
            requested,
            current: head.revision,
        });
    }
    Ok(())
}

/// The live value of `key`.
pub(super) fn get(conn: &mut Connection, key: &str) -> Result<Option<KeyValue>> {
    let latest = conn
        .query_row(schema::LATEST_SQL, [key.as_bytes()], Latest::from_row)
        .optional()
        .map_err(sql)?;
    Ok(latest.and_then(|row| row.live(key)))
}

/// One page of live keys, read in a single snapshot.
pub(super) fn list(conn: &mut Connection, opts: &ListOptions) -> Result<ListResult> {
    let tx = conn.transaction().map_err(sql)?;
    let head = schema::head(&tx)?;
    let at = match opts.revision {
        Some(requested) => {
            check_revision(head, requested)?;
            requested
        }
        None => head.revision,
    };
    let prefix = opts.prefix.as_str();
    let end = prefix_end(prefix);
    let (query, lower) = match opts.start_after.as_deref() {
        Some(after) if after >= prefix => (LIST_AFTER_SQL, after),
        _ => (LIST_FROM_SQL, prefix),
    };
    let limit = opts.limit.filter(|&n| n > 0).unwrap_or(usize::MAX);
    let mut items = Vec::new();
    {
        let mut stmt = tx.prepare(query).map_err(sql)?;
        let mut rows = stmt
            .query(params![lower.as_bytes(), end, at])
            .map_err(sql)?;
        // Rows stream in key order, so stopping at `limit` spares reading the rest.
        while items.len() < limit {
            let Some(row) = rows.next().map_err(sql)? else {
                break;
            };
            if let Some(kv) = list_row(row).map_err(sql)? {
                items.push(kv);
            }
        }
    }
    let remaining = match items.last() {
        Some(last) if items.len() == limit => {
            let count: i64 = tx
                .query_row(
                    COUNT_AFTER_SQL,
                    params![last.key.as_bytes(), end, at],
                    |row| row.get(0),
                )
                .map_err(sql)?;
            usize::try_from(count).unwrap_or(0)
        }
        _ => 0,
    };
    tx.finish().map_err(sql)?;
    Ok(ListResult {
        items,
        revision: at,
        remaining,
    })
}

fn list_row(row: &Row<'_>) -> rusqlite::Result<Option<KeyValue>> {
    if row.get::<_, bool>(2)? {
        return Ok(None);
    }
    Ok(Some(KeyValue {
        key: key_at(row, 0)?,
        mod_revision: row.get(1)?,
        create_revision: row.get(3)?,
        value: bytes_at(row, 4)?,
    }))
}

/// Events on keys under `prefix` in `(after, until]`, at most `limit`, read in one snapshot
/// that also checks `after` against the compaction point and the newest revision.
pub(super) fn events(
    conn: &mut Connection,
    prefix: &str,
    after: Revision,
    until: Revision,
    limit: usize,
) -> Result<Vec<Event>> {
    let tx = conn.transaction().map_err(sql)?;
    check_revision(schema::head(&tx)?, after)?;
    let mut events = Vec::new();
    if until > after {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = tx.prepare(EVENTS_SQL).map_err(sql)?;
        let mut rows = stmt
            .query(params![
                after,
                until,
                prefix.as_bytes(),
                prefix_end(prefix),
                limit
            ])
            .map_err(sql)?;
        while let Some(row) = rows.next().map_err(sql)? {
            events.push(event_row(row)?);
        }
    }
    tx.finish().map_err(sql)?;
    Ok(events)
}

fn event_row(row: &Row<'_>) -> Result<Event> {
    let revision: Revision = row.get(0).map_err(sql)?;
    let key = key_at(row, 1).map_err(sql)?;
    let deleted: bool = row.get(2).map_err(sql)?;
    let create_revision: Revision = row.get(3).map_err(sql)?;
    let prev_revision: Revision = row.get(4).map_err(sql)?;
    let prev = if prev_revision == 0 {
        None
    } else {
        let missing = || {
            Error::Backend(format!(
                "revision {revision} replaced {prev_revision}, which is gone"
            ))
        };
        let value = row
            .get_ref(6)
            .map_err(sql)?
            .as_blob_or_null()
            .map_err(|e| sql(e.into()))?;
        Some(KeyValue {
            key: key.clone(),
            value: bytes::Bytes::copy_from_slice(value.ok_or_else(missing)?),
            create_revision: row.get(7).map_err(sql)?,
            mod_revision: prev_revision,
        })
    };
    let (kind, value) = match (&prev, deleted) {
        (Some(prev), true) => (EventKind::Deleted, prev.value.clone()),
        (None, true) => {
            return Err(Error::Backend(format!(
                "tombstone {revision} replaced nothing"
            )));
        }
        (Some(_), false) => (EventKind::Updated, bytes_at(row, 5).map_err(sql)?),
        (None, false) => (EventKind::Created, bytes_at(row, 5).map_err(sql)?),
    };
    let kv = KeyValue {
        key,
        value,
        create_revision,
        mod_revision: revision,
    };
    Ok(Event { kind, kv, prev })
}
