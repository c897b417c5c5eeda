//! Work nobody waits for stops. Each store read carries a `Cancel` that turns on when
//! the request's future is dropped: its client went away (hyper drops the future of a
//! closed connection) or its deadline passed (`limits.rs` drops it after
//! `REQUEST_TIMEOUT`). The blocking task sees it between SQLite steps (a progress
//! handler, `pool.rs`) and while writing the body (`body.rs`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::StatusCode;

use super::ApiError;

#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// A guard that cancels when dropped, to be held by the future that waits for the work.
    pub fn on_drop(&self) -> CancelOnDrop {
        CancelOnDrop(self.clone())
    }

    /// The error of work given up (nobody reads it: its request is gone).
    pub fn error() -> ApiError {
        ApiError::status(
            StatusCode::SERVICE_UNAVAILABLE,
            "the request was given up: its client went away or its time ran out",
        )
    }
}

pub struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropping_the_guard_cancels_every_clone() {
        let cancel = Cancel::default();
        let seen_by_the_task = cancel.clone();
        let guard = cancel.on_drop();
        assert!(!seen_by_the_task.is_cancelled());
        drop(guard);
        assert!(seen_by_the_task.is_cancelled());
    }
}
