//! `GET /api/events/stream`: server-sent events of the log's appends. A subscriber first
//! catches up from `after=SEQ` (or the `Last-Event-ID` a browser sends when it
//! reconnects), then follows live. One watcher polls the head while anyone listens and
//! wakes the subscribers; each reads what it has not sent yet from the store itself, so a
//! slow subscriber cannot lose events, only fall behind. Before each read it checks that
//! the log still holds the last event it sent, with the hash it sent: a log replaced under
//! the server (a restore, another copy) ends the stream with an `error` message instead of
//! going on along another chain.

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
use crate::store::{EventFilter, GENESIS, Head, Store};

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
    // Where the stream starts, and the hash there: what it goes on from.
    let start = app
        .inner
        .pool
        .read(move |store, _| {
            let seq = match after {
                Some(seq) => seq,
                None => store.head()?.seq,
            };
            Ok(Sent {
                seq,
                hash: hash_at(store, seq)?,
            })
        })
        .await?;
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

/// The log head as the watcher saw it: a new hash at the same seq is a change too (a log
/// replaced by another of the same length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadMark {
    pub seq: i64,
    pub hash: String,
}

impl HeadMark {
    pub fn of(head: Head) -> HeadMark {
        HeadMark {
            seq: head.seq,
            hash: head.hash,
        }
    }
}

/// The last event a stream sent (or the one it started after) and its hash: the log
/// must still hold that event for what follows to continue what was sent. `hash` is
/// `None` while the log has not reached `seq` (a stream opened ahead of the head).
#[derive(Debug, Clone)]
struct Sent {
    seq: i64,
    hash: Option<String>,
}

/// What one read from the store found.
enum Read {
    Events(Vec<(i64, String, String)>),
    /// The log no longer continues what the stream sent: this says how.
    Replaced(String),
}

/// The hash of the event at `seq` (the chain's genesis before seq 1), if the log has it.
fn hash_at(store: &Store, seq: i64) -> Result<Option<String>, ApiError> {
    if seq == 0 {
        return Ok(Some(GENESIS.to_owned()));
    }
    let mut found = None;
    let filter = EventFilter {
        after: Some(seq - 1),
        upto: Some(seq),
        ..EventFilter::default()
    };
    store.for_each_event(&filter, |e| {
        found = Some(e.hash);
        Ok(())
    })?;
    Ok(found)
}

/// The next events after what was sent, or why the log no longer continues it: the event
/// at the last sent seq is gone (the log is shorter now) or has another hash, or an event
/// read does not chain to the one before it.
fn read_after(store: &Store, sent: &Sent) -> Result<Read, ApiError> {
    let short = |hash: &str| hash.chars().take(12).collect::<String>();
    let mut previous = match (&sent.hash, hash_at(store, sent.seq)?) {
        (Some(hash), Some(now)) if *hash == now => Some(now),
        (Some(hash), Some(now)) => {
            return Ok(Read::Replaced(format!(
                "the log was replaced: its event at seq {} is not the one this stream sent \
                 (hash {}…, now {}…)",
                sent.seq,
                short(hash),
                short(&now)
            )));
        }
        (Some(_), None) => {
            return Ok(Read::Replaced(format!(
                "the log was replaced: it now ends at seq {}, before seq {} that this stream \
                 sent",
                store.head()?.seq,
                sent.seq
            )));
        }
        (None, now) => now,
    };
    let mut batch = Vec::new();
    let filter = EventFilter {
        after: Some(sent.seq),
        limit: Some(BATCH),
        ..EventFilter::default()
    };
    let mut broken = None;
    store.for_each_event(&filter, |e| {
        if broken.is_some() {
            return Ok(());
        }
        if previous.as_ref().is_some_and(|p| *p != e.prev_hash) {
            broken = Some(e.seq);
            return Ok(());
        }
        previous = Some(e.hash.clone());
        batch.push((e.seq, e.hash.clone(), e.to_json().to_string()));
        Ok(())
    })?;
    if let Some(seq) = broken {
        return Ok(Read::Replaced(format!(
            "the log was replaced: its event at seq {seq} does not follow the one before it \
             that this stream sent"
        )));
    }
    Ok(Read::Events(batch))
}

/// Sends every event after `sent`, then waits for the head to move, until the client
/// goes away, the server stops, or the log stops continuing what was sent.
async fn follow(
    app: App,
    mut sent: Sent,
    tx: mpsc::Sender<Result<Event, Infallible>>,
    _slot: Slot,
) {
    let mut head = app.inner.head.clone();
    let mut stopping = app.inner.stopping.clone();
    loop {
        head.borrow_and_update();
        loop {
            let from = sent.clone();
            let read = app
                .inner
                .pool
                .read(move |store, _| read_after(store, &from))
                .await;
            let batch = match read {
                Ok(Read::Events(batch)) => batch,
                Ok(Read::Replaced(what)) => {
                    let message = format!(
                        "{what}; what it sent may not be in the log now. Reconnect to read the \
                         log as it is: after=0 replays it (a browser reconnects by itself, from \
                         the id of this message, 0)"
                    );
                    let error = ApiError::status(StatusCode::CONFLICT, message);
                    // `id: 0`: an EventSource reconnecting sends Last-Event-ID 0 and is
                    // sent the log from its start, not the rest of another chain.
                    let _ = tx
                        .send(Ok(Event::default()
                            .event("error")
                            .id("0")
                            .data(error.to_json().to_string())))
                        .await;
                    return;
                }
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
            for (seq, hash, data) in batch {
                let event = Event::default().id(seq.to_string()).data(data);
                if tx.send(Ok(event)).await.is_err() {
                    return;
                }
                sent = Sent {
                    seq,
                    hash: Some(hash),
                };
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
pub async fn watch_head(app: App, head: watch::Sender<HeadMark>) {
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
        if let Ok(now) = app
            .inner
            .pool
            .read(|store, _| Ok(HeadMark::of(store.head()?)))
            .await
        {
            head.send_if_modified(|h| {
                let moved = *h != now;
                *h = now;
                moved
            });
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
