//! `/api/events/stream`: catching up from a seq, then following appends live.

use std::io::{BufRead, BufReader, Read};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use serde_json::Value;

use crate::harness::{Server, curated_event_count};

/// One server-sent event: its `id:` and its `data:` as JSON.
#[derive(Debug)]
struct Message {
    id: i64,
    data: Value,
}

/// Opens the stream and reads its messages on a thread, into a channel.
fn open(server: &Server, query: &str, last_event_id: Option<&str>) -> mpsc::Receiver<Message> {
    let mut request = server
        .agent()
        .get(format!("{}/api/events/stream{query}", server.url));
    if let Some(id) = last_event_id {
        request = request.header("Last-Event-ID", id);
    }
    let response = request.call().expect("the stream opens");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "text/event-stream"
    );
    let reader = response.into_body().into_reader();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || read_messages(reader, tx));
    rx
}

fn read_messages(reader: impl Read, tx: mpsc::Sender<Message>) {
    let mut id = None;
    let mut data = String::new();
    for line in BufReader::new(reader).lines() {
        let Ok(line) = line else { return };
        if let Some(v) = line.strip_prefix("id:") {
            id = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("data:") {
            data.push_str(v.trim_start());
        } else if line.is_empty() && !data.is_empty() {
            let message = Message {
                id: id.take().unwrap_or(-1),
                data: serde_json::from_str(&data).expect("data is JSON"),
            };
            data.clear();
            if tx.send(message).is_err() {
                return;
            }
        }
    }
}

fn next(rx: &mpsc::Receiver<Message>) -> Message {
    rx.recv_timeout(Duration::from_secs(10))
        .expect("an event within 10 s")
}

#[test]
fn after_zero_replays_the_whole_log_in_order() {
    let server = Server::start();
    let rx = open(&server, "?after=0", None);
    let log = server.json("/api/log");
    for expected in log.as_array().unwrap() {
        let message = next(&rx);
        assert_eq!(message.id, expected["seq"].as_i64().unwrap());
        assert_eq!(&message.data, expected);
    }
    assert!(rx.recv_timeout(Duration::from_millis(600)).is_err());
}

#[test]
fn an_append_arrives_live_after_the_catch_up() {
    let server = Server::start();
    let curated = curated_event_count();
    let rx = open(&server, &format!("?after={}", curated - 2), None);
    assert_eq!(next(&rx).id, curated - 1);
    assert_eq!(next(&rx).id, curated);
    server.cli(&["retract", "cbss-joins-icat", "--reason", "live test"]);
    let live = next(&rx);
    assert_eq!(live.id, curated + 1);
    assert_eq!(live.data["kind"], "event.retracted");
    assert_eq!(live.data["payload"]["target"], "cbss-joins-icat");
}

#[test]
fn without_after_only_new_events_come() {
    let server = Server::start();
    let rx = open(&server, "", None);
    assert!(rx.recv_timeout(Duration::from_millis(600)).is_err());
    server.cli(&["retract", "cbss-joins-icat", "--reason", "one"]);
    server.cli(&["retract", "icat-cochair-icmpd-2022", "--reason", "two"]);
    let curated = curated_event_count();
    assert_eq!(next(&rx).id, curated + 1);
    assert_eq!(next(&rx).id, curated + 2);
}

#[test]
fn last_event_id_resumes_a_reconnecting_browser() {
    let server = Server::start();
    let curated = curated_event_count();
    let seen = (curated - 2).to_string();
    let rx = open(&server, "", Some(&seen));
    assert_eq!(next(&rx).id, curated - 1);
    assert_eq!(next(&rx).id, curated);
    // An explicit after= wins over the header.
    let rx = open(&server, &format!("?after={}", curated - 5), Some(&seen));
    assert_eq!(next(&rx).id, curated - 4);
}

#[test]
fn several_subscribers_each_get_every_event() {
    let server = Server::start();
    let curated = curated_event_count();
    let streams: Vec<_> = (0..3)
        .map(|_| open(&server, &format!("?after={curated}"), None))
        .collect();
    server.cli(&["retract", "cbss-joins-icat", "--reason", "fan out"]);
    for rx in &streams {
        assert_eq!(next(rx).id, curated + 1);
    }
}

#[test]
fn stream_parameters_are_checked() {
    let server = Server::start();
    server.get("/api/events/stream?after=x").assert_bad("after");
    server
        .get("/api/events/stream?after=-3")
        .assert_bad("after");
    server.get("/api/events/stream?from=3").assert_bad("from");
    let reply = server.request(
        server
            .agent()
            .get(format!("{}/api/events/stream", server.url))
            .header("Last-Event-ID", "abc"),
    );
    reply.assert_bad("Last-Event-ID");
}
