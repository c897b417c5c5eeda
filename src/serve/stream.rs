//! `GET /api/events/stream`: server-sent events of the log's appends. A subscriber first
//! catches up from `after=SEQ` (or the `Last-Event-ID` a browser sends when it
//! reconnects), then follows live. One watcher polls the head while anyone listens and
//! wakes the subscribers; each reads what it has not sent yet from the store itself, so a
//! slow subscriber cannot lose events, only fall behind.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::{mpsc, watch};

use super::params::Params;
use super::{ApiError, App, MAX_STREAMS, WATCH_INTERVAL};
use crate::store::EventFilter;

/// Events read from the store at a time while catching up.
const BATCH: i64 = 256;
/// A comment line this often keeps proxies and idle timers from closing the stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub async fn events(
    State(app): State<App>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&["after"])?;
    let after = match params.number("after", 0, i64::MAX)? {
        Some(seq) => Some(seq),
        None => last_event_id(&headers)?,
    };
    let slot = Slot::take(&app).ok_or_else(|| {
        ApiError::status(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{MAX_STREAMS} event streams are open already; retry later"),
        )
    })?;
    let start = match after {
        Some(seq) => seq,
        None => app.inner.pool.read(|store| Ok(store.head()?.seq)).await?,
    };
    let (tx, rx) = mpsc::channel(64);
    tokio::spawn(follow(app, start, tx, slot));
    Ok(Sse::new(Receiver(rx))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response())
}

fn last_event_id(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    headers
        .get("last-event-id")
        .map(|v| {
            v.to_str()
                .ok()
                .and_then(|v| v.trim().parse::<i64>().ok())
                .filter(|seq| *seq >= 0)
                .ok_or_else(|| ApiError::bad("Last-Event-ID", "not a seq"))
        })
        .transpose()
}

/// Sends every event after `last`, then waits for the head to move, until the client
/// goes away or the server stops.
async fn follow(app: App, mut last: i64, tx: mpsc::Sender<Result<Event, Infallible>>, _slot: Slot) {
    let mut head = app.inner.head.clone();
    let mut stopping = app.inner.stopping.clone();
    loop {
        head.borrow_and_update();
        loop {
            let read = app
                .inner
                .pool
                .read(move |store| {
                    let mut batch = Vec::new();
                    let filter = EventFilter {
                        after: Some(last),
                        limit: Some(BATCH),
                        ..EventFilter::default()
                    };
                    store.for_each_event(&filter, |e| {
                        batch.push((e.seq, e.to_json().to_string()));
                        Ok(())
                    })?;
                    Ok(batch)
                })
                .await;
            let batch = match read {
                Ok(batch) => batch,
                Err(e) => {
                    let _ = tx
                        .send(Ok(Event::default()
                            .event("error")
                            .data(e.to_json().to_string())))
                        .await;
                    return;
                }
            };
            let full = batch.len() as i64 == BATCH;
            for (seq, data) in batch {
                let event = Event::default().id(seq.to_string()).data(data);
                if tx.send(Ok(event)).await.is_err() {
                    return;
                }
                last = seq;
            }
            if !full {
                break;
            }
        }
        tokio::select! {
            changed = head.changed() => if changed.is_err() { return },
            _ = stopping.wait_for(|stop| *stop) => return,
            _ = tx.closed() => return,
        }
    }
}

/// Polls the log head while any stream is open, and tells the subscribers when it moves.
pub async fn watch_head(app: App, head: watch::Sender<i64>) {
    let mut stopping = app.inner.stopping.clone();
    let mut tick = tokio::time::interval(WATCH_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
        if app.inner.streams.load(Ordering::Relaxed) == 0 {
            continue;
        }
        if let Ok(seq) = app.inner.pool.read(|store| Ok(store.head()?.seq)).await {
            head.send_if_modified(|h| std::mem::replace(h, seq) != seq);
        }
    }
}

/// One of the `MAX_STREAMS` places; given back when the stream ends.
struct Slot(App);

impl Slot {
    fn take(app: &App) -> Option<Slot> {
        let open = app.inner.streams.fetch_add(1, Ordering::SeqCst);
        let slot = Slot(app.clone());
        (open < MAX_STREAMS).then_some(slot)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.inner.streams.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The channel's receiving end as the `Stream` that `Sse` reads.
struct Receiver(mpsc::Receiver<Result<Event, Infallible>>);

impl futures_core::Stream for Receiver {
    type Item = Result<Event, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}
