//! Read-only connections for the handlers. A rusqlite connection is `Send` but not `Sync`,
//! so each blocking task takes one from the pool, uses it alone, and puts it back. A
//! semaphore bounds how many tasks read at once (and so how many connections exist).
//!
//! A connection is used only while the log file at the path is the one it was opened on:
//! a log replaced under the server is read anew, not through old connections that would
//! go on reading the old file.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use tokio::sync::Semaphore;

use super::ApiError;
use crate::store::{Access, Store};

pub struct Pool {
    db: PathBuf,
    idle: Arc<Mutex<Vec<Reader>>>,
    permits: Semaphore,
}

/// A connection and the file it was opened on.
struct Reader {
    store: Store,
    file: FileId,
}

impl Pool {
    pub fn new(db: PathBuf) -> Pool {
        // The work is CPU-bound folding: a few more readers than cores keeps them busy
        // while one waits on the disk.
        let readers = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
        Pool {
            db,
            idle: Arc::new(Mutex::new(Vec::with_capacity(readers))),
            permits: Semaphore::new(readers),
        }
    }

    /// Runs `read` on a blocking thread with a read-only connection of its own.
    pub async fn read<T, F>(&self, read: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ApiError::status(StatusCode::SERVICE_UNAVAILABLE, "shutting down"))?;
        let (idle, db) = (self.idle.clone(), self.db.clone());
        let task = tokio::task::spawn_blocking(move || {
            let reader = checkout(&idle, &db)?;
            let result = read(&reader.store);
            idle.lock().expect("pool lock").push(reader);
            result
        });
        match task.await {
            Ok(result) => result,
            Err(e) => Err(ApiError::status(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the request failed inside the server: {e}"),
            )),
        }
    }
}

/// An idle connection still on the file at `db`, or a new one.
fn checkout(idle: &Mutex<Vec<Reader>>, db: &Path) -> Result<Reader, ApiError> {
    // Looked at before opening: if the file is replaced in between, the connection is on
    // the newer file and the next checkout opens another, never the other way round.
    let file = FileId::of(db)?;
    loop {
        let Some(reader) = idle.lock().expect("pool lock").pop() else {
            break;
        };
        if reader.file == file {
            return Ok(reader);
        }
    }
    let store = Store::open(db, Access::ReadOnly)?;
    Ok(Reader { store, file })
}

/// Which file a path names: its device and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId(u64, u64);

impl FileId {
    #[cfg(unix)]
    fn of(db: &Path) -> Result<FileId, ApiError> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(db).map_err(|e| {
            ApiError::status(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "{}: the log cannot be read ({e}); is it still there?",
                    db.display()
                ),
            )
        })?;
        Ok(FileId(meta.dev(), meta.ino()))
    }

    #[cfg(not(unix))]
    fn of(_db: &Path) -> Result<FileId, ApiError> {
        Ok(FileId(0, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curated_log(dir: &tempfile::TempDir) -> PathBuf {
        let db = dir.path().join("t.db");
        let mut store = Store::open(&db, Access::ReadWrite).unwrap();
        let events = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("events");
        crate::ingest::ingest(&mut store, &[events], "test".into()).unwrap();
        db
    }

    #[test]
    fn a_log_replaced_at_its_path_is_read_anew() {
        let dir = tempfile::tempdir().unwrap();
        let db = curated_log(&dir);
        let pool = Pool::new(db.clone());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let head = || runtime.block_on(pool.read(|store| Ok(store.head()?)));
        let before = head().unwrap();
        // Another log moved over it (a restore from an older copy): one document's events.
        let other = dir.path().join("other.db");
        let mut store = Store::open(&other, Access::ReadWrite).unwrap();
        let one = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("events/2020-12-15-cbss-joins-icat.jsonl");
        crate::ingest::ingest(&mut store, &[one], "test".into()).unwrap();
        drop(store);
        std::fs::rename(&other, &db).unwrap();
        for side in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{side}", db.display()));
        }
        let after = head().unwrap();
        assert!(after.seq < before.seq, "{after:?} read from the old file");
        // Gone altogether: a 503 that names the file, and nothing created in its place.
        std::fs::remove_file(&db).unwrap();
        let gone = head().unwrap_err();
        assert_eq!(gone.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(gone.message.contains("t.db"), "{}", gone.message);
        assert!(!db.exists());
    }
}
