//! Opening a log: for writing (WAL, durable commits, migrated to the current schema) or
//! for reading only (mapped, never written, upgraded by a writer first); and a log on a
//! read-only file system, which is read as immutable or refused with a clear message.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::identity::Identity;
use super::{Store, schema};
use crate::error::{Error, Result};

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
    /// `ingest --dry-run`: a write transaction that is always rolled back, so that the
    /// batch is checked exactly as `ingest` would check it (under the write lock, against
    /// what is committed). Never creates the file, never upgrades the schema, never sets
    /// the journal mode: nothing reaches the log file.
    DryRun,
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
                Access::ReadWrite | Access::DryRun => Err(read_only_file_system(
                    path,
                    "the log is on a read-only file system: it can be read, not written",
                )),
            },
            other => other,
        }
    }

    fn open_as(path: &Path, access: Access, upgrading: &dyn Fn(i64, i64)) -> Result<Store> {
        if access != Access::ReadWrite && !path.exists() {
            // Only the commands that write create a log; a reader creating one would say
            // "ok" about a mistyped path.
            return Err(no_log(path));
        }
        let conn = match access {
            Access::ReadWrite | Access::DryRun => Connection::open(path)?,
            Access::ReadOnly => Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?,
        };
        conn.busy_timeout(busy_timeout())?;
        let mut store = Store {
            conn,
            path: path.to_owned(),
            // Set once the file is known to be a log: another application's database is
            // never checkpointed either.
            writer: false,
            rebuilt_on_open: false,
        };
        // Before any pragma that writes (journal_mode): another application's database,
        // or a log whose version was lowered, is refused untouched.
        let identity = store.identify()?;
        match access {
            Access::ReadWrite => {
                store.conn.pragma_update(None, "journal_mode", "WAL")?;
                // FULL: a commit is on disk when `append` returns (docs/decisions/0003).
                store.conn.pragma_update(None, "synchronous", "FULL")?;
                // A large batch keeps its b-tree pages in memory instead of spilling them.
                store.conn.pragma_update(None, "cache_size", -65_536)?;
                store.migrate(upgrading)?;
                store.writer = true;
            }
            Access::DryRun => {
                store.check_readable_as_is(identity)?;
                store.conn.pragma_update(None, "cache_size", -65_536)?;
            }
            Access::ReadOnly => {
                store.check_readable_as_is(identity)?;
                store.prepare_for_reading()?;
            }
        }
        Ok(store)
    }

    /// A reader (and a dry run) uses the log as it is: a file that holds no log yet, or a
    /// log of an older schema, which only a writer upgrades, is refused saying what to run.
    fn check_readable_as_is(&self, identity: Identity) -> Result<()> {
        match identity {
            Identity::Empty => Err(Error::NotALog {
                path: self.path.clone(),
                problem: "an empty file, not a policylog log yet; create one with `policylog \
                          init` (or `policylog ingest`), or give the log's path with --db"
                    .to_owned(),
            }),
            Identity::Log(found) if found < schema::current_version() => Err(Error::Schema {
                path: self.path.clone(),
                problem: format!(
                    "the log has schema version {found}, this policylog uses {current}; \
                     commands that only read never upgrade a log (the upgrade writes): run \
                     `policylog --db {path} rebuild` once to upgrade it (derived tables only; no \
                     event is changed), or any `ingest` or `append`",
                    current = schema::current_version(),
                    path = self.path.display()
                ),
            }),
            Identity::Log(_) => self.check_version(),
        }
    }

    /// An empty log in memory, migrated like a new file: what `ingest --dry-run` checks a
    /// batch against when there is no log, so that it creates no file. Gone when dropped.
    pub fn in_memory() -> Result<Store> {
        let mut store = Store {
            conn: Connection::open_in_memory()?,
            // Never a file: the write path opens a second connection only on a log that
            // held events before the batch, which this one never does.
            path: ":memory:".into(),
            writer: false,
            rebuilt_on_open: false,
        };
        store.migrate(&|_, _| {})?;
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
            writer: false,
            rebuilt_on_open: false,
        };
        let identity = store.identify()?;
        if matches!(identity, Identity::Log(v) if v < schema::current_version()) {
            return Err(read_only_file_system(
                path,
                "the log is on a read-only file system and its schema needs an upgrade, which \
                 writes; open it once where it can be written",
            ));
        }
        store.check_readable_as_is(identity)?;
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
}

/// No file at a reader's path: said with the command that creates a log.
pub fn no_log(path: &Path) -> Error {
    Error::NotALog {
        path: path.to_owned(),
        problem: format!(
            "no log at this path; create one with `policylog --db {} init` (or `ingest`), or give the \
             log's path with --db (or POLICYLOG_DB)",
            path.display()
        ),
    }
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
}
