//! `policylog serve`: the log over HTTP, read-only. A JSON API whose bodies are the CLI's
//! `--format json`, a server-sent-events stream of appends, and a timeline page embedded in
//! the binary. The only async code of the crate: handlers reach the store through
//! `spawn_blocking` with read-only connections (`pool.rs`).

mod api;
mod assets;
mod body;
mod cache;
mod cancel;
mod error;
mod limits;
mod listen;
mod params;
mod pool;
mod stream;
mod timeline;

pub use error::ApiError;
pub use listen::serve;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tokio::sync::watch;

/// How long one request may take before it is answered with 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to send a request's headers (and how long an idle
/// keep-alive connection stays open).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request head (request line and headers) accepted; more is a 431.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Header lines accepted in one request. Each takes at least 4 bytes (`a:` and CRLF), so
/// every head within `MAX_HEADER_BYTES` fits: the byte bound is the one that binds.
/// (hyper's default of 100 refused 101 small headers well within 16 KiB.)
pub const MAX_HEADERS: usize = MAX_HEADER_BYTES / 4;
/// Connections served at once; more wait in the listen backlog.
pub const MAX_CONNECTIONS: usize = 1024;
/// Event streams open at once; more are refused with 503.
pub const MAX_STREAMS: usize = 256;
/// How often the stream watcher looks at the log head.
pub const WATCH_INTERVAL: Duration = Duration::from_millis(250);
/// How long shutdown waits for requests in flight.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// Answers not in the cache (`state`, `diff`, `timeline`: folds of the log) computed at
/// once. Each can take hundreds of MB on a large log (a timeline of 100,000 events is
/// 78 MB of JSON), so this bounds the server's memory, not the machine's cores.
pub const HEAVY_AT_ONCE: usize = 2;
/// How long such a request waits for its turn before it is answered 503 with
/// `Retry-After: HEAVY_RETRY_AFTER`.
pub const HEAVY_WAIT: Duration = Duration::from_secs(1);
pub const HEAVY_RETRY_AFTER: u64 = 1;

/// What every handler shares: the store pool, the response cache, the turns for heavy
/// answers, the head watcher and the shutdown signal.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    pool: pool::Pool,
    cache: cache::Cache,
    /// `HEAVY_AT_ONCE` turns; a computation holds one until it really ends.
    heavy: Arc<tokio::sync::Semaphore>,
    /// The log head as last seen by the watcher.
    head: watch::Receiver<stream::HeadMark>,
    /// Turns true when the server begins to shut down; event streams end then.
    stopping: watch::Receiver<bool>,
    streams: std::sync::atomic::AtomicUsize,
}

impl App {
    fn new(
        db: PathBuf,
        head: watch::Receiver<stream::HeadMark>,
        stopping: watch::Receiver<bool>,
    ) -> App {
        App {
            inner: Arc::new(Inner {
                pool: pool::Pool::new(db),
                cache: cache::Cache::default(),
                heavy: Arc::new(tokio::sync::Semaphore::new(HEAVY_AT_ONCE)),
                head,
                stopping,
                streams: std::sync::atomic::AtomicUsize::new(0),
            }),
        }
    }
}

/// The routes. Everything is GET; anything with a body is refused before it gets here.
fn router(app: App) -> Router {
    Router::new()
        .route("/", get(assets::index))
        .route("/assets/{file}", get(assets::file))
        .route("/api/health", get(api::health))
        .route("/api/state", get(api::state))
        .route("/api/diff", get(api::diff))
        .route("/api/log", get(api::log))
        .route("/api/timeline", get(api::timeline))
        .route("/api/entities/{id}", get(api::entity))
        .route("/api/documents/{sha256}", get(api::document))
        .route("/api/events/stream", get(stream::events))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(axum::middleware::from_fn(limits::guard))
        .with_state(app)
}
