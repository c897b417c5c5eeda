//! Read-only connections for the handlers. A rusqlite connection is `Send` but not `Sync`,
//! so each blocking task takes one from the pool, uses it alone, and puts it back. A
//! semaphore bounds how many tasks read at once (and so how many connections exist); the
//! task holds its permit until it really ends, not only until its request gives up.
//!
//! Every read can be cancelled (`cancel.rs`): SQLite calls a progress handler every
//! `PROGRESS_STEPS` virtual-machine steps, which interrupts the statement once the
//! request is gone. A connection is used only while the log file at the path is the one
//! it was opened on: a log replaced under the server is read anew, not through old
//! connections that would go on reading the old file.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use tokio::sync::Semaphore;

use super::ApiError;
use super::cancel::Cancel;
use crate::store::{Access, Store};

/// SQLite virtual-machine steps between looks at the cancellation flag (microseconds).
const PROGRESS_STEPS: i32 = 1000;

pub struct Pool {
    db: PathBuf,
    idle: Arc<Mutex<Vec<Reader>>>,
    permits: Arc<Semaphore>,
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
            permits: Arc::new(Semaphore::new(readers)),
        }
    }

    /// Runs `read` on a blocking thread with a read-only connection of its own. When this
    /// future is dropped (the client went away, the deadline passed), `read` is cancelled.
    pub async fn read<T, F>(&self, read: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Store, &Cancel) -> Result<T, ApiError> + Send + 'static,
    {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::status(StatusCode::SERVICE_UNAVAILABLE, "shutting down"))?;
        let cancel = Cancel::default();
        let _cancel_on_drop = cancel.on_drop();
        let (idle, db) = (self.idle.clone(), self.db.clone());
        let task = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let reader = checkout(&idle, &db)?;
            let flag = cancel.clone();
            let conn = reader.store.connection();
            conn.progress_handler(PROGRESS_STEPS, Some(move || flag.is_cancelled()));
            let result = read(&reader.store, &cancel);
            conn.progress_handler(0, None::<fn() -> bool>);
            if cancel.is_cancelled() {
                // Interrupted somewhere: a fresh connection is cheaper than doubt.
                return Err(Cancel::error());
            }
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
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    use super::*;
    use crate::store::EventFilter;

    fn curated_log(dir: &tempfile::TempDir) -> PathBuf {
        let db = dir.path().join("t.db");
        let mut store = Store::open(&db, Access::ReadWrite).unwrap();
        let events = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("events");
        crate::ingest::ingest(&mut store, &[events], "test".into()).unwrap();
        db
    }

    /// Reads the whole log again and again, slowly, for at most `within`: a stand-in for
    /// a fold that outlives its request.
    fn endless_read(
        store: &Store,
        cancel: &Cancel,
        within: Duration,
        ended: &AtomicBool,
    ) -> Result<(), ApiError> {
        let started = Instant::now();
        let result = loop {
            let read = store.for_each_event(&EventFilter::default(), |_| {
                std::thread::sleep(Duration::from_micros(200));
                Ok(())
            });
            if let Err(e) = read {
                break Err(ApiError::from(e));
            }
            if started.elapsed() > within {
                break Ok(());
            }
        };
        assert!(cancel.is_cancelled() || result.is_ok());
        ended.store(true, Ordering::SeqCst);
        result
    }

    #[test]
    fn a_read_whose_request_is_dropped_stops_at_the_next_sqlite_step() {
        let dir = tempfile::tempdir().unwrap();
        let pool = Arc::new(Pool::new(curated_log(&dir)));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        let ended = Arc::new(AtomicBool::new(false));
        let seen = ended.clone();
        // As `limits.rs` does at the deadline: the request's future is dropped.
        let read = pool
            .read(move |store, cancel| endless_read(store, cancel, Duration::from_secs(30), &seen));
        let gave_up = runtime
            .block_on(async { tokio::time::timeout(Duration::from_millis(300), read).await });
        assert!(gave_up.is_err(), "the read outlived its deadline");
        let dropped = Instant::now();
        while !ended.load(Ordering::SeqCst) {
            assert!(
                dropped.elapsed() < Duration::from_secs(5),
                "the read went on after its request was dropped"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        // Its permit and a connection are back: the next read runs at once.
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = runs.clone();
        let head = runtime.block_on(pool.read(move |store, _| {
            counted.fetch_add(1, Ordering::SeqCst);
            Ok(store.head()?.seq)
        }));
        assert!(head.unwrap() > 0);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
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
        let head = || runtime.block_on(pool.read(|store, _| Ok(store.head()?)));
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
