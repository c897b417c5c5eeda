//! The accept loop. `axum::serve` offers no header-read timeout, header size limit or
//! connection cap, so connections are served here with hyper's HTTP/1 builder directly;
//! shutdown stops accepting, ends the event streams, and waits `SHUTDOWN_GRACE` for the
//! requests in flight.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use super::{
    App, HEADER_TIMEOUT, MAX_CONNECTIONS, MAX_HEADER_BYTES, MAX_HEADERS, SHUTDOWN_GRACE, router,
    stream,
};
use crate::error::{Error, Result};
use crate::store::{Access, Store};

/// Serves the log at `db` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    db: PathBuf,
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
    // Open the log once before accepting anything, so that a missing or newer log is
    // reported at start and not on every request.
    let check = db.clone();
    let head = tokio::task::spawn_blocking(move || Store::open(&check, Access::ReadOnly)?.head())
        .await
        .map_err(|e| Error::io(&db, std::io::Error::other(e)))??;
    let (stop, stopping) = watch::channel(false);
    let (head_tx, head_rx) = watch::channel(stream::HeadMark::of(head));
    let app = App::new(db, head_rx, stopping.clone());
    let watcher = tokio::spawn(stream::watch_head(app.clone(), head_tx));
    let service = TowerToHyperService::new(router(app));
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));

    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = connections.clone().acquire_owned() => permit.expect("never closed"),
            () = &mut shutdown => break,
        };
        let tcp = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _peer)) => tcp,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    eprintln!("policylog serve: accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = tcp.set_nodelay(true);
        let service = service.clone();
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_header_size(MAX_HEADER_BYTES)
                .max_headers(MAX_HEADERS);
            let conn = builder.serve_connection(TokioIo::new(tcp), service);
            tokio::pin!(conn);
            let mut draining = false;
            loop {
                tokio::select! {
                    _ = conn.as_mut() => break,
                    _ = stopping.wait_for(|stop| *stop), if !draining => {
                        draining = true;
                        conn.as_mut().graceful_shutdown();
                    }
                }
            }
        });
    }

    drop(listener);
    let _ = stop.send(true);
    let _ = watcher.await;
    // Every connection holds a permit: all of them back means all connections closed.
    let all = MAX_CONNECTIONS as u32;
    if tokio::time::timeout(SHUTDOWN_GRACE, connections.acquire_many(all))
        .await
        .is_err()
    {
        eprintln!(
            "policylog serve: requests still running after {} s; stopping anyway",
            SHUTDOWN_GRACE.as_secs()
        );
    }
    Ok(())
}
