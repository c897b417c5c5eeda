//! Concurrent writers and readers: several processes append at once while an `ingest`
//! runs beside them and readers (`log`, `head`, `state`) look on. Every event ends in the
//! log once, on one unbroken chain; no "database is locked" reaches the user; no reader
//! sees half a batch. A writer that cannot get the log in time says so.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::*;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What the readers saw.
#[derive(Default)]
struct Seen {
    /// `log --format jsonl` snapshots checked.
    logs: usize,
    /// (`head` or `state`) heads seen: (what, seq).
    heads: Vec<(&'static str, i64)>,
    /// Bulk events counted in each log snapshot.
    bulk_counts: Vec<usize>,
}

/// Checks one `log --format jsonl` snapshot: seq 1..n, each prev_hash the previous hash,
/// each writer's events a prefix of what it appended. Returns the bulk events it holds.
fn check_snapshot(text: &str, writers: usize) -> usize {
    let mut prev = GENESIS.to_owned();
    let mut next_of_writer = vec![0usize; writers];
    let mut bulk = 0;
    for (i, line) in text.lines().enumerate() {
        let e: Value = serde_json::from_str(line).expect("log line is JSON");
        assert_eq!(e["seq"], (i + 1) as i64, "a reader saw a gap in seq");
        assert_eq!(e["prev_hash"], prev.as_str(), "a reader saw a broken chain");
        prev = e["hash"].as_str().expect("hash").to_owned();
        let id = e["id"].as_str().expect("id");
        if id.starts_with("bulk-") {
            bulk += 1;
        } else if let Some(rest) = id.strip_prefix('w') {
            let (w, j) = rest.split_once('-').expect("w<writer>-<n>");
            let (w, j): (usize, usize) = (w.parse().expect("writer"), j.parse().expect("n"));
            assert_eq!(j, next_of_writer[w], "writer {w}'s appends out of order");
            next_of_writer[w] += 1;
        }
    }
    bulk
}

#[test]
fn concurrent_appends_ingest_and_readers_keep_one_chain() {
    let started = Instant::now();
    let writers = 4;
    let per_writer = scaled(40, 500);
    let bulk = scaled(1_000, 20_000);
    let log = Arc::new(Test::with_fixture());
    let batch = write_batch(&log.dir().join("bulk"), "bulk", bulk, None);
    let has_state = log.run(["--help"]).success().stdout.contains("\n  state ");

    let done = Arc::new(AtomicBool::new(false));
    let appended = Arc::new(AtomicUsize::new(0));

    // Readers: run until the writers are done.
    let reader_log = {
        let (log, done) = (log.clone(), done.clone());
        thread::spawn(move || {
            let mut seen = Seen::default();
            while !done.load(Ordering::SeqCst) {
                let text = log.run(["log", "--format", "jsonl"]).success().stdout;
                seen.bulk_counts.push(check_snapshot(&text, writers));
                seen.logs += 1;
            }
            seen
        })
    };
    let reader_heads = {
        let (log, done) = (log.clone(), done.clone());
        thread::spawn(move || {
            let mut seen = Seen::default();
            while !done.load(Ordering::SeqCst) {
                seen.heads.push(("head", head_of(log.db()).seq));
                if has_state {
                    let state = log.run(["state", "--format", "json"]).success().json();
                    let seq = state["log_head"]["seq"]
                        .as_i64()
                        .expect("state log_head.seq");
                    seen.heads.push(("state", seq));
                }
            }
            seen
        })
    };

    // Writers: each appends its events one process at a time.
    let mut handles = Vec::new();
    for w in 0..writers {
        let (log, appended) = (log.clone(), appended.clone());
        handles.push(thread::spawn(move || {
            let mut failures = Vec::new();
            for j in 0..per_writer {
                let (code, out) = log
                    .run(["append", "--json", &append_line(&format!("w{w}-{j}"))])
                    .finish();
                if code != Some(0) {
                    failures.push(format!("w{w}-{j}: {code:?}: {}", out.stderr));
                }
                appended.fetch_add(1, Ordering::SeqCst);
            }
            failures
        }));
    }
    // The ingest starts once the writers are well under way.
    let ingest = {
        let (log, appended) = (log.clone(), appended.clone());
        let batch = batch.clone();
        thread::spawn(move || {
            while appended.load(Ordering::SeqCst) < writers * per_writer / 4 {
                thread::sleep(Duration::from_millis(5));
            }
            let t0 = Instant::now();
            let out = log.run(["ingest", batch.to_str().expect("path")]).finish();
            (out, t0.elapsed())
        })
    };
    let failures: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("writer"))
        .collect();
    let (ingest_out, ingest_time) = ingest.join().expect("ingest");
    done.store(true, Ordering::SeqCst);
    let seen_log = reader_log.join().expect("reader");
    let seen_heads = reader_heads.join().expect("reader");

    assert!(
        failures.is_empty(),
        "appends failed:\n{}",
        failures.join("\n")
    );
    assert_eq!(
        ingest_out.0,
        Some(0),
        "ingest failed: {}",
        ingest_out.1.stderr
    );

    // Every event once, one chain.
    let report = assert_verifies(log.db());
    let events = log.events();
    let total = FIXTURE_IDS.len() + writers * per_writer + bulk;
    assert_eq!(events.len(), total);
    assert_eq!(report["events"], total as i64);
    let ids: HashSet<&str> = events
        .iter()
        .map(|e| e["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids.len(), total, "an id appears twice");
    for w in 0..writers {
        for j in 0..per_writer {
            assert!(
                ids.contains(format!("w{w}-{j}").as_str()),
                "w{w}-{j} is missing"
            );
        }
    }
    check_snapshot(
        &log.run(["log", "--format", "jsonl"]).success().stdout,
        writers,
    );

    // The batch sits in one contiguous run of seqs, and no reader saw its inside.
    let bulk_seqs: Vec<i64> = events
        .iter()
        .filter(|e| e["id"].as_str().is_some_and(|id| id.starts_with("bulk-")))
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect();
    let (first, last) = (bulk_seqs[0], *bulk_seqs.last().expect("bulk"));
    assert_eq!(
        last - first + 1,
        bulk as i64,
        "the batch was interleaved with appends"
    );
    for count in &seen_log.bulk_counts {
        assert!(
            *count == 0 || *count == bulk,
            "a reader saw {count} of the batch's {bulk} events"
        );
    }
    let mut by_reader: BTreeMap<&str, usize> = BTreeMap::new();
    for (what, seq) in &seen_heads.heads {
        assert!(
            !(first <= *seq && *seq < last),
            "`{what}` saw head seq {seq}, inside the batch {first}..={last}"
        );
        *by_reader.entry(what).or_default() += 1;
    }
    let saw_bulk = seen_log.bulk_counts.iter().filter(|c| **c == bulk).count();
    figure(&format!(
        "concurrency: {writers} writers x {per_writer} appends + an ingest of {bulk} events ({:.1}s, while appends queued) \
         + readers: every append exited 0 (no busy/locked error), {total} events once each on one verified chain; \
         readers took {} `log` snapshots ({saw_bulk} with the whole batch, the rest with none of it) and {} \
         head/state reads, none inside the batch; {:.1}s",
        ingest_time.as_secs_f64(),
        seen_log.logs,
        by_reader
            .iter()
            .map(|(what, n)| format!("{n} {what}"))
            .collect::<Vec<_>>()
            .join(" + "),
        started.elapsed().as_secs_f64()
    ));
}

/// A writer that cannot get the log within its wait (30 s) gives up with a clear
/// message and exit code 3, and writes nothing. Full scale only: it waits 30 s.
#[test]
fn a_writer_that_waits_too_long_says_so_and_writes_nothing() {
    if !full() {
        eprintln!("reliability: busy-timeout: skipped in the quick run (it waits 30 s)");
        return;
    }
    let started = Instant::now();
    let log = Test::with_fixture();
    let before = head_of(log.db());
    let conn = rusqlite::Connection::open(log.db()).expect("open");
    conn.execute_batch("BEGIN IMMEDIATE")
        .expect("hold the write lock");
    let (code, out) = log
        .run(["append", "--json", &append_line("waited")])
        .finish();
    let waited = started.elapsed();
    conn.execute_batch("ROLLBACK").expect("release");
    drop(conn);
    let stderr = out.stderr;
    assert_eq!(code, Some(3), "stderr: {stderr}");
    assert!(
        stderr.contains("busy") && stderr.contains("retry"),
        "unclear message: {stderr}"
    );
    assert!(
        waited >= Duration::from_secs(25),
        "gave up after {waited:?}"
    );
    assert_eq!(head_of(log.db()), before);
    assert_verifies(log.db());
    figure(&format!(
        "concurrency/busy: an append blocked by a held write lock gave up after {:.1}s with exit 3: {}",
        waited.as_secs_f64(),
        stderr.trim()
    ));
}
