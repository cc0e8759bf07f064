//! The database layout, connection setup and row decoding shared by the writer and readers.

use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use rusqlite::types::Type;
use rusqlite::{Connection, OpenFlags, Row};

use super::{Durability, SqliteOptions};
use crate::{Error, KeyValue, Result, Revision};

/// The layout this code reads and writes, kept in `PRAGMA user_version`.
const SCHEMA_VERSION: i64 = 1;

/// The revision log. `key` is a BLOB so that prefix ranges compare raw UTF-8 bytes. A
/// tombstone's `value` is empty: its value is the one of the row it replaced (`prev_revision`),
/// which compaction keeps as long as the tombstone. `meta` holds `compacted` (the compaction
/// point) and `revision` (the newest revision when it last compacted, so that deleting the
/// newest rows can never make a revision be handed out twice).
const SCHEMA: &str = "
    CREATE TABLE log (
        id INTEGER PRIMARY KEY,
        key BLOB NOT NULL,
        deleted INTEGER NOT NULL,
        create_revision INTEGER NOT NULL,
        prev_revision INTEGER NOT NULL,
        value BLOB NOT NULL
    );
    CREATE INDEX log_key ON log (key, id, deleted);
    CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
";

/// The newest revision and the compaction point, read in one snapshot.
const HEAD_SQL: &str = "
    SELECT MAX(IFNULL((SELECT MAX(id) FROM log), 0),
               IFNULL((SELECT value FROM meta WHERE name = 'revision'), 0)),
           IFNULL((SELECT value FROM meta WHERE name = 'compacted'), 0)";

/// The newest row of one key.
pub(super) const LATEST_SQL: &str =
    "SELECT id, deleted, create_revision, value FROM log WHERE key = ?1 ORDER BY id DESC LIMIT 1";

/// Where the log stands.
#[derive(Debug, Clone, Copy)]
pub(super) struct Head {
    pub(super) revision: Revision,
    pub(super) compacted: Revision,
}

/// Wraps a SQLite failure.
#[expect(clippy::needless_pass_by_value, reason = "shaped for `map_err(sql)`")]
pub(super) fn sql(err: rusqlite::Error) -> Error {
    Error::Backend(format!("sqlite: {err}"))
}

/// Opens the write connection, creating the schema in a new database.
pub(super) fn open_writer(path: &Path, opts: &SqliteOptions) -> Result<(Connection, Head)> {
    let conn = Connection::open(path)
        .map_err(|err| Error::Backend(format!("cannot open {}: {err}", path.display())))?;
    conn.busy_timeout(Duration::from_secs(5)).map_err(sql)?;
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(sql)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Backend(format!(
            "{} cannot use WAL mode (got {mode})",
            path.display()
        )));
    }
    let synchronous = match opts.synchronous {
        Durability::Full => "FULL",
        Durability::Normal => "NORMAL",
    };
    conn.pragma_update(None, "synchronous", synchronous)
        .map_err(sql)?;
    if let Some(bytes) = opts.max_db_bytes {
        let page_size: i64 = conn
            .pragma_query_value(None, "page_size", |row| row.get(0))
            .map_err(sql)?;
        let pages = i64::try_from(bytes).unwrap_or(i64::MAX) / page_size.max(1);
        conn.pragma_update(None, "max_page_count", pages.max(1))
            .map_err(sql)?;
    }
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(sql)?;
    match version {
        0 => conn
            .execute_batch(&format!(
                "BEGIN IMMEDIATE; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            ))
            .map_err(sql)?,
        SCHEMA_VERSION => {}
        other => {
            return Err(Error::Backend(format!(
                "{} has schema version {other}; this berth understands {SCHEMA_VERSION}",
                path.display()
            )));
        }
    }
    let head = head(&conn)?;
    Ok((conn, head))
}

/// Opens one read-only connection.
pub(super) fn open_reader(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)
        .map_err(|err| Error::Backend(format!("cannot open {}: {err}", path.display())))?;
    conn.busy_timeout(Duration::from_secs(5)).map_err(sql)?;
    Ok(conn)
}

/// Reads where the log stands; inside a transaction, as of its snapshot.
pub(super) fn head(conn: &Connection) -> Result<Head> {
    conn.query_row(HEAD_SQL, [], |row| {
        Ok(Head {
            revision: row.get(0)?,
            compacted: row.get(1)?,
        })
    })
    .map_err(sql)
}

/// Column `idx` as a key.
pub(super) fn key_at(row: &Row<'_>, idx: usize) -> rusqlite::Result<String> {
    let bytes = row.get_ref(idx)?.as_blob()?;
    String::from_utf8(bytes.to_vec())
        .map_err(|err| rusqlite::Error::FromSqlConversionFailure(idx, Type::Blob, Box::new(err)))
}

/// Column `idx` as a value.
pub(super) fn bytes_at(row: &Row<'_>, idx: usize) -> rusqlite::Result<Bytes> {
    Ok(Bytes::copy_from_slice(row.get_ref(idx)?.as_blob()?))
}

/// The newest row of a key, as [`LATEST_SQL`] returns it.
#[derive(Debug)]
pub(super) struct Latest {
    id: Revision,
    deleted: bool,
    create_revision: Revision,
    value: Bytes,
}

impl Latest {
    /// Decodes a [`LATEST_SQL`] row.
    pub(super) fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            deleted: row.get(1)?,
            create_revision: row.get(2)?,
            value: bytes_at(row, 3)?,
        })
    }

    /// The key's live value, unless this row is a tombstone.
    pub(super) fn live(self, key: &str) -> Option<KeyValue> {
        (!self.deleted).then(|| KeyValue {
            key: key.to_owned(),
            value: self.value,
            create_revision: self.create_revision,
            mod_revision: self.id,
        })
    }
}
