//! The SQLite store: opening and migrating the log, appending batches in one transaction,
//! and reading events and documents back. All SQL of the crate lives under `store/`.

mod chain;
#[cfg(test)]
pub(crate) mod curated_log;
mod derived;
pub mod schema;

pub use derived::{DERIVED_TABLES, Derivable, EntityName, FactAt};

pub use chain::{GENESIS, Link};

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, TransactionBehavior, params};

use crate::date::day_string;
use crate::document::Document;
use crate::entity::Sha256;
use crate::error::{Error, Result};
use crate::event::{NewEvent, StoredEvent};

/// How long a writer waits for another writer before giving up with a clear message.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The wait, or `POLICYLOG_BUSY_TIMEOUT_MS` when set (for scripts that would rather fail fast).
fn busy_timeout() -> Duration {
    std::env::var("POLICYLOG_BUSY_TIMEOUT_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(BUSY_TIMEOUT, Duration::from_millis)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    /// Query commands: the connection cannot write, whatever the SQL.
    ReadOnly,
}

/// The log's last event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
    pub recorded_at: Option<String>,
}

impl Head {
    fn empty() -> Head {
        Head {
            seq: 0,
            hash: GENESIS.to_owned(),
            recorded_at: None,
        }
    }
}

/// A document row as `verify` reads it.
pub struct DocumentRecord {
    pub document: Document,
    pub recorded_at: String,
    pub record_hash: String,
    pub published_from: Option<String>,
    pub published_to: Option<String>,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// Which events to read; every field narrows the selection.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub kinds: Vec<String>,
    /// Events whose payload names this entity.
    pub entity: Option<String>,
    pub source: Option<String>,
    /// Valid time overlapping `[from, to]` (days, inclusive).
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    /// Only events with `seq > after`.
    pub after: Option<i64>,
    /// Only events with `seq <= upto` (known-at).
    pub upto: Option<i64>,
    pub limit: Option<i64>,
}

/// SQLite clamps it to its build's maximum (2 GiB less 64 KiB by default); a larger log
/// reads its further pages as before.
const READ_MMAP_BYTES: i64 = 1 << 31;

impl Store {
    pub fn open(path: &Path, access: Access) -> Result<Store> {
        Store::open_noting(path, access, &|_, _| {})
    }

    /// `open`, calling `upgrading(found, current)` before it upgrades the log's schema
    /// from version `found`: on a large log that takes a while, and a command can say so
    /// first. One connection when no upgrade is due.
    pub fn open_noting(path: &Path, access: Access, upgrading: &dyn Fn(i64, i64)) -> Result<Store> {
        match Store::open_as(path, access, upgrading) {
            Err(e) if e.is_cannot_open() && on_read_only_file_system(path) => match access {
                // Archived on read-only media: nothing can change the file, so SQLite may
                // read it without the shared-memory file it cannot create there.
                Access::ReadOnly => Store::open_immutable(path),
                Access::ReadWrite => Err(read_only_file_system(
                    path,
                    "the log is on a read-only file system: it can be read, not written",
                )),
            },
            other => other,
        }
    }

    fn open_as(path: &Path, access: Access, upgrading: &dyn Fn(i64, i64)) -> Result<Store> {
        if access == Access::ReadOnly && !path.exists() {
            // Every command creates the log on first use; only the creation writes.
            drop(Store::open_as(path, Access::ReadWrite, upgrading)?);
        }
        let conn = match access {
            Access::ReadWrite => Connection::open(path)?,
            Access::ReadOnly => Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?,
        };
        conn.busy_timeout(busy_timeout())?;
        let mut store = Store {
            conn,
            path: path.to_owned(),
        };
        match access {
            Access::ReadWrite => {
                store.conn.pragma_update(None, "journal_mode", "WAL")?;
                // FULL: a commit is on disk when `append` returns (docs/decisions/0003).
                store.conn.pragma_update(None, "synchronous", "FULL")?;
                // A large batch keeps its b-tree pages in memory instead of spilling them.
                store.conn.pragma_update(None, "cache_size", -65_536)?;
                store.migrate(upgrading)?;
            }
            Access::ReadOnly => {
                if store.user_version()? < schema::current_version() {
                    // Upgraded by a writer first; only the upgrade writes.
                    drop(store);
                    drop(Store::open_as(path, Access::ReadWrite, upgrading)?);
                    return Store::open_as(path, Access::ReadOnly, upgrading);
                }
                store.prepare_for_reading()?;
            }
        }
        Ok(store)
    }

    /// A log on a read-only file system, opened with SQLite's `immutable`: refused when
    /// its write-ahead file holds commits (immutable would not see them) or when its schema
    /// needs an upgrade (which would write).
    fn open_immutable(path: &Path) -> Result<Store> {
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
            return Err(read_only_file_system(
                path,
                "the log is on a read-only file system and its write-ahead file (-wal) may hold \
                 commits not yet in the log file; open it once where it can be written, then copy it",
            ));
        }
        let absolute = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
        let conn = Connection::open_with_flags(
            format!("file:{}?immutable=1", uri_path(&absolute)),
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )?;
        let store = Store {
            conn,
            path: path.to_owned(),
        };
        if store.user_version()? < schema::current_version() {
            return Err(read_only_file_system(
                path,
                "the log is on a read-only file system and its schema needs an upgrade, which \
                 writes; open it once where it can be written",
            ));
        }
        store.prepare_for_reading()?;
        Ok(store)
    }

    fn prepare_for_reading(&self) -> Result<()> {
        self.check_version()?;
        // A whole-landscape query revisits the upper pages of the period tables' b-trees
        // thousands of times: keep them rather than read them again.
        self.conn.pragma_update(None, "cache_size", -65_536)?;
        // A query seeks pages all over the file (a group's keys, the events they cite);
        // mapped, a page is read without a system call and a copy. Only for reading: the
        // pages count in the process's RSS but belong to the page cache (docs/decisions/0005).
        self.conn
            .pragma_update(None, "mmap_size", READ_MMAP_BYTES)?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn user_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn check_version(&self) -> Result<()> {
        let found = self.user_version()?;
        if found > schema::current_version() {
            return Err(Error::NewerSchema {
                path: self.path.clone(),
                found,
                supported: schema::current_version(),
            });
        }
        Ok(())
    }

    fn migrate(&mut self, upgrading: &dyn Fn(i64, i64)) -> Result<()> {
        self.check_version()?;
        let found = self.user_version()?;
        if found == schema::current_version() {
            return Ok(());
        }
        // 0 is a file just created: its schema is written in no time.
        if found > 0 {
            upgrading(found, schema::current_version());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Exclusive)?;
        let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(found as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        tx.commit()?;
        // Schema 4's periods, schema 7's names and schema 9's exact listings cannot be
        // filled by SQL: derive them from the events (all derived tables), the names from
        // the registrations, the listings of keys whose facts were taken out from those.
        if (1..4).contains(&found) {
            self.rebuild()?;
        } else {
            if (4..7).contains(&found) {
                self.fill_entity_names()?;
            }
            if (4..9).contains(&found) {
                self.relist_targeted_keys()?;
            }
        }
        Ok(())
    }

    /// Runs `read` in one read transaction, so that every query it makes sees the same
    /// log even while a writer commits, and SQLite locks the file once, not per query.
    /// Inside a transaction already, it just runs.
    pub fn read<T>(&self, read: impl FnOnce() -> Result<T>) -> Result<T> {
        if !self.conn.is_autocommit() {
            return read();
        }
        let tx = self.conn.unchecked_transaction()?;
        let value = read()?;
        tx.commit()?;
        Ok(value)
    }

    pub fn head(&self) -> Result<Head> {
        head(&self.conn)
    }

    /// The head as `verify` reports it: a hash damaged into invalid UTF-8 is read with
    /// replacement characters (the chain check names it) instead of failing the read.
    pub fn head_lenient(&self) -> Result<Head> {
        head_row(&self.conn, |r, i| {
            Ok(lenient_text(r, i)?.unwrap_or_default())
        })
    }

    pub fn event_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))?)
    }

    /// Starts a write batch: one `BEGIN IMMEDIATE` transaction, so concurrent writers queue
    /// instead of failing half-way.
    pub fn batch(&mut self) -> Result<Batch<'_>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let head = head(&tx)?;
        Ok(Batch {
            derived: derived::Derived::for_log_of(head.seq),
            tx,
            head,
            scratch: String::new(),
        })
    }

    pub fn event(&self, id: &str) -> Result<Option<StoredEvent>> {
        event_by_id(&self.conn, id)
    }

    /// Calls `each` for every selected event in log order.
    pub fn for_each_event(
        &self,
        filter: &EventFilter,
        each: impl FnMut(StoredEvent) -> Result<()>,
    ) -> Result<()> {
        for_each_event(&self.conn, filter, each)
    }

    /// When the event at `seq` was recorded.
    pub fn recorded_at(&self, seq: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT recorded_at FROM events WHERE seq = ?")?
            .query_row([seq], |r| r.get(0))
            .optional()?)
    }

    pub fn documents(&self) -> Result<Vec<Document>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents ORDER BY published_from, events_file, sha256"
        ))?;
        let rows = stmt.query_map([], document)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn document(&self, sha256: &str) -> Result<Option<Document>> {
        document_by_sha(&self.conn, sha256)
    }

    /// Finds documents whose sha256 starts with `prefix`.
    pub fn documents_by_prefix(&self, prefix: &str) -> Result<Vec<Sha256>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT sha256 FROM documents WHERE substr(sha256, 1, length(?1)) = ?1 ORDER BY sha256 LIMIT 2",
        )?;
        let rows = stmt.query_map([prefix], |r| r.get::<_, String>(0))?;
        let mut found = Vec::new();
        for sha in rows {
            found.push(Sha256::parse(&sha?).map_err(Error::NotFound)?);
        }
        Ok(found)
    }

    /// For `verify`: every document with the columns that protect and place it.
    pub fn for_each_document_record(
        &self,
        mut each: impl FnMut(DocumentRecord) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {DOCUMENT_COLUMNS}, record_hash, published_from, published_to FROM documents ORDER BY sha256"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            each(DocumentRecord {
                document: document(row)?,
                recorded_at: lenient_text(row, 7)?.unwrap_or_default(),
                record_hash: lenient_text(row, 8)?.unwrap_or_default(),
                published_from: lenient_text(row, 9)?,
                published_to: lenient_text(row, 10)?,
            })?;
        }
        Ok(())
    }

    /// Names of the immutability triggers that are in place.
    pub fn triggers(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Entity ids the derived table knows, with the seq that declared them.
    pub fn entity_ids(&self) -> Result<Vec<(String, String, i64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, type, seq FROM entities ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The references the derived table holds, as (entity, seq, field).
    pub fn event_refs(&self) -> Result<Vec<(String, i64, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT entity, seq, field FROM event_refs ORDER BY entity, seq, field")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn entity_known(&self, id: &str) -> Result<bool> {
        entity_known(&self.conn, id)
    }

    /// Gives direct access for tests and the benchmark's ceiling measurement.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// An open write transaction. Dropping it without `commit` writes nothing.
pub struct Batch<'c> {
    tx: rusqlite::Transaction<'c>,
    head: Head,
    scratch: String,
    derived: derived::Derived,
}

impl Batch<'_> {
    pub fn head(&self) -> &Head {
        &self.head
    }

    pub fn document(&self, sha256: &str) -> Result<Option<Document>> {
        document_by_sha(&self.tx, sha256)
    }

    pub fn insert_document(&self, doc: &Document, recorded_at: &str) -> Result<()> {
        let published = crate::date::ValidTime::parse(&doc.published).ok();
        self.tx
            .prepare_cached(
                "INSERT INTO documents (sha256, file, events_file, title, publisher, published,
                    published_from, published_to, text, recorded_at, record_hash)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?
            .execute(params![
                doc.sha256.as_str(),
                doc.file,
                doc.events_file,
                doc.title,
                doc.publisher,
                doc.published,
                published.as_ref().and_then(|p| p.from()).map(day_string),
                published.as_ref().and_then(|p| p.to()).map(day_string),
                doc.text,
                recorded_at,
                doc.record_hash(recorded_at),
            ])?;
        Ok(())
    }

    pub fn event(&self, id: &str) -> Result<Option<StoredEvent>> {
        event_by_id(&self.tx, id)
    }

    pub fn entity_known(&self, id: &str) -> Result<bool> {
        entity_known(&self.tx, id)
    }

    /// Appends a validated event at the head of the chain.
    pub fn append(
        &mut self,
        event: &NewEvent,
        recorded_at: &str,
        recorded_by: &str,
    ) -> Result<StoredEvent> {
        let seq = self.head.seq + 1;
        let (quote_start, quote_end) = event
            .quote_span
            .map_or((None, None), |(s, e)| (Some(s as i64), Some(e as i64)));
        let mut stored = StoredEvent {
            seq,
            id: event.id.as_str().to_owned(),
            kind: event.event.kind().to_owned(),
            version: event.version,
            valid: event.valid.as_str().to_owned(),
            valid_from: event.valid.from().map(day_text),
            valid_to: event.valid.to().map(day_text),
            payload: event.payload.clone(),
            source: event.source.as_ref().map(|s| s.as_str().to_owned()),
            quote: event.quote.clone(),
            quote_start,
            quote_end,
            recorded_at: recorded_at.to_owned(),
            recorded_by: recorded_by.to_owned(),
            prev_hash: self.head.hash.clone(),
            hash: String::new(),
        };
        stored.hash = Link::of(&stored).hash(&stored.prev_hash, &mut self.scratch);
        insert_event(&self.tx, &stored)?;
        self.derive(&Derivable {
            seq,
            id: &stored.id,
            valid: &event.valid,
            event: &event.event,
            source: stored.source.as_deref(),
            quote: stored.quote.as_deref(),
        })?;
        // The head's strings are overwritten in place: no allocation per event.
        self.head.seq = seq;
        self.head.hash.clone_from(&stored.hash);
        match &mut self.head.recorded_at {
            Some(at) => at.clone_from(&stored.recorded_at),
            None => self.head.recorded_at = Some(stored.recorded_at.clone()),
        }
        Ok(stored)
    }

    pub fn commit(mut self) -> Result<()> {
        self.settle_keys()?;
        self.tx.commit()?;
        Ok(())
    }
}

/// `day_string`, written by hand for the years 0 to 9999: chrono's formatter parses its
/// pattern on every call, twice per appended event.
fn day_text(day: crate::date::Day) -> String {
    use chrono::Datelike;
    let year = day.year();
    if !(0..=9999).contains(&year) {
        return day_string(day);
    }
    let digits = |n: u32, width: usize, out: &mut String| {
        for i in (0..width).rev() {
            out.push(char::from(b'0' + ((n / 10u32.pow(i as u32)) % 10) as u8));
        }
    };
    let mut out = String::with_capacity(10);
    digits(year as u32, 4, &mut out);
    out.push('-');
    digits(day.month(), 2, &mut out);
    out.push('-');
    digits(day.day(), 2, &mut out);
    out
}

/// Calls `each` for every selected event in log order.
pub(crate) fn for_each_event(
    conn: &Connection,
    filter: &EventFilter,
    mut each: impl FnMut(StoredEvent) -> Result<()>,
) -> Result<()> {
    let mut sql = format!("SELECT {EVENT_COLUMNS} FROM events e WHERE 1=1");
    let mut values: Vec<rusqlite::types::Value> = Vec::new();
    let mut bind = |sql: &mut String, fragment: &str, value: rusqlite::types::Value| {
        sql.push_str(fragment);
        values.push(value);
    };
    if !filter.kinds.is_empty() {
        let kinds = serde_json::to_string(&filter.kinds).expect("strings");
        bind(
            &mut sql,
            " AND e.kind IN (SELECT value FROM json_each(?))",
            kinds.into(),
        );
    }
    if let Some(entity) = &filter.entity {
        bind(
            &mut sql,
            " AND e.seq IN (SELECT seq FROM event_refs WHERE entity = ?)",
            entity.clone().into(),
        );
    }
    if let Some(source) = &filter.source {
        bind(&mut sql, " AND e.source = ?", source.clone().into());
    }
    if let Some(from) = &filter.valid_from {
        bind(
            &mut sql,
            " AND (e.valid_to IS NULL OR e.valid_to >= ?)",
            from.clone().into(),
        );
    }
    if let Some(to) = &filter.valid_to {
        bind(
            &mut sql,
            " AND (e.valid_from IS NULL OR e.valid_from <= ?)",
            to.clone().into(),
        );
    }
    if let Some(after) = filter.after {
        bind(&mut sql, " AND e.seq > ?", after.into());
    }
    if let Some(upto) = filter.upto {
        bind(&mut sql, " AND e.seq <= ?", upto.into());
    }
    sql.push_str(" ORDER BY e.seq");
    if let Some(limit) = filter.limit {
        bind(&mut sql, " LIMIT ?", limit.into());
    }
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(values))?;
    while let Some(row) = rows.next()? {
        each(stored_event(row)?)?;
    }
    Ok(())
}

const EVENT_COLUMNS: &str = "e.seq, e.id, e.kind, e.version, e.valid, e.valid_from, e.valid_to, e.payload, \
     e.source, e.quote, e.quote_start, e.quote_end, e.recorded_at, e.recorded_by, e.prev_hash, e.hash";

const DOCUMENT_COLUMNS: &str =
    "sha256, file, events_file, title, publisher, published, text, recorded_at";

fn head(conn: &Connection) -> Result<Head> {
    head_row(conn, |r, i| r.get(i))
}

/// The last event's seq, hash and time, the texts read by `text`.
fn head_row(
    conn: &Connection,
    text: impl Fn(&Row<'_>, usize) -> rusqlite::Result<String>,
) -> Result<Head> {
    let head = conn
        .query_row(
            "SELECT seq, hash, recorded_at FROM events ORDER BY seq DESC LIMIT 1",
            [],
            |r| {
                Ok(Head {
                    seq: r.get(0)?,
                    hash: text(r, 1)?,
                    recorded_at: Some(text(r, 2)?),
                })
            },
        )
        .optional()?;
    Ok(head.unwrap_or_else(Head::empty))
}

fn insert_event(conn: &Connection, e: &StoredEvent) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO events (seq, id, kind, version, valid, valid_from, valid_to, payload, source,
            quote, quote_start, quote_end, recorded_at, recorded_by, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        e.seq,
        e.id,
        e.kind,
        e.version,
        e.valid,
        e.valid_from,
        e.valid_to,
        e.payload,
        e.source,
        e.quote,
        e.quote_start,
        e.quote_end,
        e.recorded_at,
        e.recorded_by,
        e.prev_hash,
        e.hash,
    ])?;
    Ok(())
}

fn event_by_id(conn: &Connection, id: &str) -> Result<Option<StoredEvent>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS} FROM events e WHERE e.id = ?"
        ))?
        .query_row([id], stored_event)
        .optional()?)
}

fn entity_known(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM entities WHERE id = ?")?
        .exists([id])?)
}

fn document_by_sha(conn: &Connection, sha256: &str) -> Result<Option<Document>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE sha256 = ?"
        ))?
        .query_row([sha256], document)
        .optional()?)
}

fn stored_event(r: &Row<'_>) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        seq: r.get(0)?,
        id: r.get(1)?,
        kind: r.get(2)?,
        version: r.get(3)?,
        valid: r.get(4)?,
        valid_from: r.get(5)?,
        valid_to: r.get(6)?,
        payload: r.get(7)?,
        source: r.get(8)?,
        quote: r.get(9)?,
        quote_start: r.get(10)?,
        quote_end: r.get(11)?,
        recorded_at: r.get(12)?,
        recorded_by: r.get(13)?,
        prev_hash: r.get(14)?,
        hash: r.get(15)?,
    })
}

/// Reads a text column whatever its bytes: a value made invalid UTF-8 behind the tool's
/// back comes out with replacement characters, so that its hash check names the row
/// instead of the read failing.
fn lenient_text(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<String>> {
    use rusqlite::types::ValueRef;
    Ok(match r.get_ref(i)? {
        ValueRef::Null => None,
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
        ValueRef::Integer(n) => Some(n.to_string()),
        ValueRef::Real(x) => Some(x.to_string()),
    })
}

fn document(r: &Row<'_>) -> rusqlite::Result<Document> {
    // Read leniently: a damaged value is reported by `verify`'s hash checks, not a read error.
    let text = |i| lenient_text(r, i).map(Option::unwrap_or_default);
    Ok(Document {
        sha256: Sha256::from_stored(text(0)?),
        file: text(1)?,
        events_file: text(2)?,
        title: text(3)?,
        publisher: text(4)?,
        published: text(5)?,
        text: text(6)?,
    })
}

/// Whether the log's file system refuses writing (checked only after SQLite could not
/// open the log, so that a query never opens the file for writing otherwise).
fn on_read_only_file_system(path: &Path) -> bool {
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .is_err_and(|e| e.kind() == std::io::ErrorKind::ReadOnlyFilesystem)
}

/// What a log on a read-only file system cannot do, as an environment error (exit 3)
/// naming the file.
fn read_only_file_system(path: &Path, problem: &str) -> Error {
    Error::io(
        path,
        std::io::Error::new(std::io::ErrorKind::ReadOnlyFilesystem, problem),
    )
}

/// A path as the path of an SQLite URI filename: every byte but unreserved ones and `/`
/// percent-encoded, so that `?`, `#` and `%` in folder names stay part of the path.
pub(crate) fn uri_path(path: &Path) -> String {
    let mut uri = String::new();
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uri_path_keeps_every_byte_of_the_path_as_path() {
        assert_eq!(
            uri_path(Path::new("/logs/a b/c?d#e%f/été~x.db")),
            "/logs/a%20b/c%3Fd%23e%25f/%C3%A9t%C3%A9~x.db"
        );
    }

    #[test]
    fn day_text_matches_day_string() {
        let days = [
            (1, 1, 1),
            (0, 1, 1),
            (999, 12, 31),
            (2024, 2, 29),
            (9999, 12, 31),
            (-1, 6, 15),
            (10000, 1, 1),
        ];
        for (y, m, d) in days {
            let day = crate::date::Day::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(day_text(day), day_string(day));
        }
    }
}
