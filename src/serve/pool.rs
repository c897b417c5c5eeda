//! Read-only connections for the handlers. A rusqlite connection is `Send` but not `Sync`,
//! so each blocking task takes one from the pool, uses it alone, and puts it back. A
//! semaphore bounds how many tasks read at once (and so how many connections exist).

use std::path::PathBuf;
use std::sync::Mutex;

use axum::http::StatusCode;
use tokio::sync::Semaphore;

use super::ApiError;
use crate::store::{Access, Store};

pub struct Pool {
    db: PathBuf,
    idle: Mutex<Vec<Store>>,
    permits: Semaphore,
}

impl Pool {
    pub fn new(db: PathBuf) -> Pool {
        // The work is CPU-bound folding: a few more readers than cores keeps them busy
        // while one waits on the disk.
        let readers = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
        Pool {
            db,
            idle: Mutex::new(Vec::with_capacity(readers)),
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
        // An idle connection, or the path to open a new one with.
        let idle = self.idle.lock().expect("pool lock").pop();
        let store_or_path = idle.ok_or_else(|| self.db.clone());
        let task = tokio::task::spawn_blocking(move || {
            let store = match store_or_path {
                Ok(store) => store,
                Err(db) => Store::open(&db, Access::ReadOnly)?,
            };
            let result = read(&store);
            Ok::<_, ApiError>((store, result))
        });
        match task.await {
            Ok(Ok((store, result))) => {
                self.idle.lock().expect("pool lock").push(store);
                result
            }
            Ok(Err(e)) => Err(e),
            Err(e) => Err(ApiError::status(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the request failed inside the server: {e}"),
            )),
        }
    }
}
