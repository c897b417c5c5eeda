//! The SQL of backups: a consistent copy of the whole log into a new file, and the
//! checkpoint that makes the log's main file whole when its writer closes.

use std::path::Path;

use super::Store;
use crate::error::Result;

impl Store {
    /// Writes the whole log, as one read transaction sees it, into a new file at `dest`
    /// (which must not exist): SQLite's `VACUUM INTO`, so that a writer committing
    /// meanwhile, or a `serve` holding commits in the `-wal`, never leaves the copy half
    /// of one or without them. The copy is one self-contained file (no `-wal`); it is not
    /// synced to disk here, the caller does that.
    pub fn copy_into(&self, dest: &Path) -> Result<()> {
        self.conn.execute(
            "VACUUM INTO ?1",
            [dest.as_os_str().to_string_lossy().as_ref()],
        )?;
        Ok(())
    }

    /// The hash of the event at `seq`, if the log holds one: whether a copy's head is
    /// one of this log's events.
    pub fn hash_at(&self, seq: i64) -> Result<Option<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT hash FROM events WHERE seq = ?1")?;
        let mut rows = stmt.query([seq])?;
        Ok(match rows.next()? {
            Some(row) => Some(row.get(0)?),
            None => None,
        })
    }

    /// Copies what the `-wal` holds into the main file, as far as readers allow, without
    /// waiting for them. Run when a writer closes: SQLite checkpoints by itself only when
    /// the last connection closes or the `-wal` passes 1,000 pages, so with a `serve`
    /// open every small append would stay in the `-wal`, and a copy of the `.db` file
    /// alone (how people back up) would lack it.
    pub(super) fn checkpoint(&self) {
        // Best effort: a reader in the middle of a read keeps the frames it may still
        // need, and the next writer's checkpoint copies them. A failure loses nothing.
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
    }
}
