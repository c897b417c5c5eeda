//! The SQLite store: opening and migrating the log, appending batches in one transaction,
//! and reading events and documents back. All SQL of the crate lives under `store/`.
//!
//! `open.rs` opens a log (read-only media too), `schema.rs` migrates it, `events.rs` and
//! `documents.rs` read what it holds, `views.rs` says what each SQL view is for, `batch.rs`
//! is a write transaction extending the chain (`chain.rs`), `derived/` keeps the query
//! tables derived from the events, and `backup.rs` copies the log whole and checkpoints
//! it when a writer closes.

mod backup;
mod batch;
mod chain;
#[cfg(test)]
pub(crate) mod curated_log;
mod derived;
mod documents;
mod entities;
mod events;
mod identity;
mod open;
mod row;
pub mod schema;
mod views;

pub use batch::Batch;
pub use chain::{GENESIS, Link, anchor};
pub use derived::{DERIVED_TABLES, EntityName, FactAt, KeyEntry, unpack_entry};
pub use documents::DocumentRecord;
pub use events::{EventFilter, Head};
pub use identity::{SchemaObject, reference_schemas};
pub use open::{Access, no_log};
pub use views::{
    COMMON_COLUMNS, Catalogue, Facet, LIST_COLUMNS, VIEW_GUIDES, ViewGuide, view_guide,
};

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::error::Result;

/// An open log: one SQLite connection, for reading or for writing (`Access`).
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Opened to write: closing checkpoints the `-wal` into the main file (`checkpoint`).
    writer: bool,
    /// Opening upgraded the log by deriving every derived table again from its events
    /// (`Upgrade::Rebuild`): `rebuild` has nothing left to do.
    rebuilt_on_open: bool,
}

impl Drop for Store {
    fn drop(&mut self) {
        if self.writer {
            self.checkpoint();
        }
    }
}

impl Store {
    pub fn path(&self) -> &Path {
        &self.path
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

    /// Gives direct access for tests and the benchmark's ceiling measurement.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}
