use std::net::SocketAddr;
use std::path::Path;

use crate::error::{Error, Result};

/// The long help (`--help`), set on the `Command` variant: a variant's doc comment
/// would replace one set here.
pub(super) const LONG_ABOUT: &str = "Serve the log read-only over HTTP: a JSON API whose bodies are the query \
commands' --format json (/api/state, /api/diff, /api/log, /api/entities/ID, /api/documents/SHA256, \
/api/health), a stream of appends as server-sent events (/api/events/stream?after=SEQ), and at / \
a page that draws the landscape as a timeline with an as-of date and a compare-with date. \
Prints `listening on http://ADDR` first; stops cleanly on Ctrl-C or SIGTERM. See docs/serve.md.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to listen. Loopback by default; port 0 picks a free port.
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
}

pub fn run(db: &Path, args: Args) -> Result<()> {
    // Opened once here, so that a missing log, another application's database or an
    // older schema is said before the server starts; the server opens its own connections.
    drop(super::open_read(db)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("the async runtime", e))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .map_err(|e| Error::io(args.addr.to_string(), e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::io(args.addr.to_string(), e))?;
        if let Some(warning) = exposure_warning(addr) {
            super::note(&warning);
        }
        super::out(&format!("listening on http://{addr}\n"))?;
        crate::serve::serve(listener, db.to_owned(), shutdown_signal()).await
    })
}

/// A warning when the address is reachable from other machines.
fn exposure_warning(addr: SocketAddr) -> Option<String> {
    (!addr.ip().is_loopback()).then(|| {
        format!(
            "warning: listening on {addr}, which other machines may reach; the log is served \
without authentication (use 127.0.0.1 to keep it local)"
        )
    })
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_non_loopback_addresses_are_warned_about() {
        for (addr, warned) in [
            ("127.0.0.1:8080", false),
            ("127.0.0.2:80", false),
            ("[::1]:8080", false),
            ("0.0.0.0:8080", true),
            ("[::]:8080", true),
            ("192.168.1.10:8080", true),
        ] {
            let addr: SocketAddr = addr.parse().unwrap();
            assert_eq!(exposure_warning(addr).is_some(), warned, "{addr}");
        }
    }
}
