//! Tamper evidence. An attacker with the file drops the immutability triggers, changes one
//! character (or one bit) of one stored value, and puts the triggers back; `verify` must
//! name the event or document changed, every time. Truncating the tail cannot be seen from
//! inside the chain: `head` gives a hash to keep elsewhere and `verify --expect-head`
//! checks against it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Instant;

use rusqlite::Connection;
use rusqlite::types::Value as Sql;
use serde_json::Value;

use crate::harness::*;

/// The stored columns of an event.
const EVENT_COLUMNS: [&str; 15] = [
    "id",
    "kind",
    "version",
    "valid",
    "valid_from",
    "valid_to",
    "payload",
    "source",
    "quote",
    "quote_start",
    "quote_end",
    "recorded_at",
    "recorded_by",
    "prev_hash",
    "hash",
];

/// The stored columns of a document that its sha256 and record hash protect.
const DOCUMENT_COLUMNS: [&str; 8] = [
    "sha256",
    "file",
    "events_file",
    "title",
    "publisher",
    "published",
    "text",
    "record_hash",
];

/// Document columns derived from `published`, outside the record hash.
const DOCUMENT_DERIVED_COLUMNS: [&str; 2] = ["published_from", "published_to"];

/// How a stored value is changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// One character replaced by another: the text stays valid UTF-8.
    Character,
    /// One bit of one byte flipped: the text may no longer be UTF-8, as on a damaged disk.
    Bit,
}

/// Characters a flip may put in: letters, digits, JSON punctuation, whitespace, non-ASCII.
const ALPHABET: &[char] = &[
    'a', 'b', 'e', 'f', 'z', 'A', 'Z', '0', '1', '7', '9', '-', '_', ':', '.', '/', '"', '{', '}',
    '[', ']', ',', ' ', '\n', 'é', '’', '\\',
];

/// One change and what `verify` said about it.
struct Flip {
    table: &'static str,
    column: &'static str,
    /// The event `(seq N)` or the document sha256 (old and new) that verify must name.
    names: Vec<String>,
    before: String,
    after: String,
}

/// A log with two documents and 43 events: the fixture, a synthetic batch, an open-ended
/// interval, a retraction (no quote) and a correction.
fn base_log() -> Test {
    let log = Test::with_fixture();
    let batch = write_batch(
        &log.dir().join("batch"),
        "t",
        27,
        Some("2026-01-02T00:00:00Z"),
    );
    log.run(["ingest", batch.to_str().expect("path")]).success();
    log.run(["append", "--json", &append_line("appended-stat")])
        .success();
    log.run(["retract", "appended-stat", "--reason", "a test retraction"])
        .success();
    log.run([
        "correct",
        "cbss-joins",
        "--json",
        r#"{"valid":"2020-05"}"#,
        "--reason",
        "a test correction",
    ])
    .success();
    assert_verifies(log.db());
    log
}

/// Changes one value of `column` in a random non-NULL row, as an attacker would: drop the
/// triggers, update, put the triggers back.
fn tamper(db: &Path, rng: &mut Rng, table: &'static str, column: &'static str, mode: Mode) -> Flip {
    let conn = Connection::open(db).expect("open copy");
    let key = if table == "events" { "seq" } else { "sha256" };
    let rows: Vec<(Sql, Sql, Option<String>)> = {
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {key}, {column}, {} FROM {table} WHERE {column} IS NOT NULL",
                if table == "events" { "id" } else { "NULL" }
            ))
            .expect("select");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    let (key_value, value, id) = rows[rng.below(rows.len())].clone();
    let change = |rng: &mut Rng| match (&value, mode) {
        (Sql::Integer(n), _) => {
            let delta = [-3, -2, -1, 1, 2, 3, 17, -17][rng.below(8)];
            Sql::Integer(n + delta)
        }
        (Sql::Text(text), Mode::Character) => {
            let chars: Vec<char> = text.chars().collect();
            let at = rng.below(chars.len());
            let mut replacement = *rng.pick(ALPHABET);
            while replacement == chars[at] {
                replacement = *rng.pick(ALPHABET);
            }
            let mut changed = chars.clone();
            changed[at] = replacement;
            Sql::Text(changed.into_iter().collect())
        }
        (Sql::Text(text), Mode::Bit) => {
            let mut bytes = text.clone().into_bytes();
            let at = rng.below(bytes.len());
            bytes[at] ^= 1 << rng.below(8);
            Sql::Blob(bytes)
        }
        (other, _) => panic!("unexpected value {other:?} in {table}.{column}"),
    };
    let triggers: Vec<String> = {
        let mut stmt = conn
            .prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger'")
            .expect("triggers");
        stmt.query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    for name in [
        "events_no_update",
        "events_no_delete",
        "documents_no_update",
        "documents_no_delete",
    ] {
        conn.execute_batch(&format!("DROP TRIGGER IF EXISTS {name}"))
            .expect("drop trigger");
    }
    // A change the schema itself refuses (an id or sha256 that another row already has)
    // is not open to an attacker either: draw another.
    let mut new_value = change(rng);
    for attempt in 0.. {
        // A blob is written as TEXT with the same bytes, valid UTF-8 or not.
        let set = if matches!(new_value, Sql::Blob(_)) {
            "CAST(?1 AS TEXT)"
        } else {
            "?1"
        };
        match conn.execute(
            &format!("UPDATE {table} SET {column} = {set} WHERE {key} = ?2"),
            rusqlite::params![new_value, key_value],
        ) {
            Ok(_) => break,
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation && attempt < 50 =>
            {
                new_value = change(rng);
            }
            Err(e) => panic!("tamper {table}.{column}: {e}"),
        }
    }
    for sql in &triggers {
        conn.execute_batch(sql).expect("restore trigger");
    }
    drop(conn);

    let show = |v: &Sql| match v {
        Sql::Integer(n) => n.to_string(),
        Sql::Text(t) => format!("{:?}", crate_truncate(t)),
        Sql::Blob(b) => format!("{:?}", crate_truncate(&String::from_utf8_lossy(b))),
        other => format!("{other:?}"),
    };
    let mut names = Vec::new();
    match (&key_value, table) {
        (Sql::Integer(seq), "events") => {
            names.push(format!("(seq {seq})"));
            if let Some(id) = id {
                names.push(id);
            }
        }
        (Sql::Text(sha), _) => {
            names.push(sha.clone());
            match (&new_value, column) {
                (Sql::Text(new), "sha256") => names.push(new.clone()),
                (Sql::Blob(new), "sha256") => names.push(String::from_utf8_lossy(new).into_owned()),
                _ => {}
            }
        }
        _ => unreachable!(),
    }
    Flip {
        table,
        column,
        names,
        before: show(&value),
        after: show(&new_value),
    }
}

fn crate_truncate(text: &str) -> String {
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text.to_owned()
    }
}

/// Whether `verify --json` failed with a finding that names the flipped row.
fn named(db: &Path, flip: &Flip) -> Result<(), String> {
    let (code, report) = verify_db(db);
    if code != 1 {
        return Err(format!("verify exited {code} (report: {report})"));
    }
    let subjects: Vec<&str> = report["findings"]
        .as_array()
        .map(|f| f.iter().filter_map(|f| f["subject"].as_str()).collect())
        .unwrap_or_default();
    let hit = subjects.iter().any(|s| {
        flip.names.iter().any(|n| {
            if n.starts_with("(seq ") {
                s.contains(n.as_str())
            } else {
                *s == n || s.starts_with(&format!("{n} ")) || s.contains(n.as_str())
            }
        })
    });
    if hit {
        Ok(())
    } else {
        Err(format!("findings name {subjects:?}"))
    }
}

/// Per column: flips tried, flips named, and a few that escaped.
type Tally = BTreeMap<String, (usize, usize, Vec<String>)>;

/// Runs `count` flips over `columns` on copies of `base`, two at a time.
fn run_flips(
    name: &str,
    base: &Path,
    columns: &[(&'static str, &'static str)],
    count: usize,
    mode: Mode,
) -> Tally {
    let tally: Arc<Mutex<Tally>> = Arc::default();
    let columns: Arc<Vec<(&'static str, &'static str)>> = Arc::new(columns.to_vec());
    let workers = 2;
    let mut seed_rng = Rng::new(name);
    let handles: Vec<_> = (0..workers)
        .map(|w| {
            let (tally, columns) = (tally.clone(), columns.clone());
            let base: PathBuf = base.to_owned();
            let mut rng = Rng::seeded(seed_rng.next());
            thread::spawn(move || {
                let dir = tempfile::tempdir().expect("temp dir");
                let copy = dir.path().join("copy.db");
                for i in (w..count).step_by(workers) {
                    std::fs::copy(&base, &copy).expect("copy");
                    let (table, column) = columns[i % columns.len()];
                    let flip = tamper(&copy, &mut rng, table, column, mode);
                    let result = named(&copy, &flip);
                    let _ = std::fs::remove_file(dir.path().join("copy.db-wal"));
                    let _ = std::fs::remove_file(dir.path().join("copy.db-shm"));
                    let mut tally = tally.lock().expect("tally");
                    let entry = tally
                        .entry(format!("{}.{}", flip.table, flip.column))
                        .or_default();
                    entry.0 += 1;
                    match result {
                        Ok(()) => entry.1 += 1,
                        Err(why) if entry.2.len() < 3 => entry
                            .2
                            .push(format!("{} -> {}: {why}", flip.before, flip.after)),
                        Err(_) => {}
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("flip worker");
    }
    Arc::try_unwrap(tally)
        .expect("workers done")
        .into_inner()
        .expect("tally")
}

/// Asserts every flip was named, reporting the escapes column by column.
fn assert_all_named(what: &str, tally: &Tally, started: Instant) {
    let tried: usize = tally.values().map(|t| t.0).sum();
    let named: usize = tally.values().map(|t| t.1).sum();
    let escapes: Vec<String> = tally
        .iter()
        .filter(|(_, t)| t.1 < t.0)
        .map(|(col, t)| {
            format!(
                "{col}: {} of {} escaped, e.g. {}",
                t.0 - t.1,
                t.0,
                t.2.join("; ")
            )
        })
        .collect();
    figure(&format!(
        "tamper/{what}: {named} of {tried} flips named by verify ({} columns, {}); {:.1}s",
        tally.len(),
        if escapes.is_empty() {
            "none escaped".to_owned()
        } else {
            format!("{} escaped", tried - named)
        },
        started.elapsed().as_secs_f64()
    ));
    assert!(
        escapes.is_empty(),
        "flips that verify did not name:\n{}",
        escapes.join("\n")
    );
}

fn columns(table: &'static str, names: &[&'static str]) -> Vec<(&'static str, &'static str)> {
    names.iter().map(|c| (table, *c)).collect()
}

/// Text columns of events and documents.
fn text_columns() -> Vec<(&'static str, &'static str)> {
    let mut all = columns(
        "events",
        &EVENT_COLUMNS
            .into_iter()
            .filter(|c| !INTEGER_COLUMNS.contains(c))
            .collect::<Vec<_>>(),
    );
    all.extend(columns("documents", &DOCUMENT_COLUMNS));
    all
}

/// Integer columns of events.
const INTEGER_COLUMNS: [&str; 3] = ["version", "quote_start", "quote_end"];

#[test]
fn every_character_flip_in_a_stored_event_or_document_is_named() {
    let started = Instant::now();
    let log = base_log();
    let tally = run_flips(
        "tamper-character",
        log.db(),
        &text_columns(),
        scaled(200, 1_000),
        Mode::Character,
    );
    assert_all_named(
        "one character changed in a text column of an event (12 columns) or a document (8)",
        &tally,
        started,
    );
}

#[test]
fn every_change_of_an_integer_column_is_named() {
    let started = Instant::now();
    let log = base_log();
    let tally = run_flips(
        "tamper-integer",
        log.db(),
        &columns("events", &INTEGER_COLUMNS),
        scaled(60, 300),
        Mode::Character,
    );
    assert_all_named(
        "integer columns of an event (version, quote_start, quote_end) changed by a small amount",
        &tally,
        started,
    );
}

#[test]
fn every_bit_flip_in_a_stored_event_or_document_is_named() {
    let started = Instant::now();
    let log = base_log();
    let mut all = columns("events", &EVENT_COLUMNS);
    all.extend(columns("documents", &DOCUMENT_COLUMNS));
    let tally = run_flips("tamper-bit", log.db(), &all, scaled(200, 1_000), Mode::Bit);
    assert_all_named(
        "one bit flipped in any stored event or document column (UTF-8 or not)",
        &tally,
        started,
    );
}

#[test]
fn every_change_of_a_document_derived_date_is_named() {
    let started = Instant::now();
    let log = base_log();
    let tally = run_flips(
        "tamper-document-dates",
        log.db(),
        &columns("documents", &DOCUMENT_DERIVED_COLUMNS),
        scaled(30, 100),
        Mode::Character,
    );
    assert_all_named(
        "documents.published_from/published_to changed",
        &tally,
        started,
    );
}

#[test]
fn every_change_of_a_document_recorded_at_is_named() {
    let started = Instant::now();
    let log = base_log();
    let tally = run_flips(
        "tamper-document-recorded-at",
        log.db(),
        &columns("documents", &["recorded_at"]),
        scaled(10, 50),
        Mode::Character,
    );
    assert_all_named("documents.recorded_at changed", &tally, started);
}

/// Deleting events at the tail leaves a valid shorter chain; only a head kept elsewhere
/// shows it.
#[test]
fn truncating_the_tail_is_caught_by_a_head_kept_elsewhere() {
    let log = base_log();
    let kept: Value =
        serde_json::from_str(&log.run(["head", "--json"]).success().stdout).expect("head JSON");
    let hash = kept["hash"].as_str().expect("hash").to_owned();
    let seq = kept["seq"].as_i64().expect("seq");
    log.run(["verify", "--expect-head", &hash]).success();
    log.run(["verify", "--expect-head", &hash[..12]]).success();

    let conn = Connection::open(log.db()).expect("open");
    let trigger: String = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'events_no_delete'",
            [],
            |r| r.get(0),
        )
        .expect("trigger");
    conn.execute_batch(
        "DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq > (SELECT max(seq) - 3 FROM events);",
    )
    .expect("truncate");
    conn.execute_batch(&trigger).expect("put the trigger back");
    drop(conn);

    // From inside, the shorter chain is whole.
    let (code, report) = verify_db(log.db());
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["head_seq"], seq - 3);
    // Against the kept head, it is not.
    for given in [hash.as_str(), &hash[..12]] {
        let report = log
            .run(["verify", "--json", "--expect-head", given])
            .failure(1)
            .json();
        let finding = &report["findings"][0];
        assert_eq!(finding["check"], "head", "{report:#}");
        assert!(
            finding["problem"]
                .as_str()
                .expect("problem")
                .contains(&hash[..12])
        );
    }
    // A prefix too short to mean anything is refused, not taken as a match.
    let (code, _) = log.run(["verify", "--expect-head", &hash[..4]]).finish();
    assert_ne!(code, Some(0), "a 4-digit --expect-head was accepted");
    figure(&format!(
        "tamper/truncation: 3 events cut from the tail of {seq}: plain verify passes (as it must: the shorter chain is whole), \
         verify --expect-head <kept hash or its 12-digit prefix> fails naming the head"
    ));
}

/// The derived tables (`facts`, `entity_names`, ...) answer `state`, `diff` and `history`.
/// They carry no triggers and no hash: changing them changes what a historian reads.
/// `verify --derived` derives them again from the events and names the tables that differ
/// (plain `verify` keeps to the chain, quotes and documents: it runs at 450k events/s).
#[test]
fn tampering_with_the_derived_tables_is_named() {
    let log = Test::with_fixture();
    let state_before = log
        .run(["state", "--as-of", "2023-09-01", "--format", "json"])
        .success()
        .stdout;
    log.run(["verify", "--derived"]).success();
    let conn = Connection::open(log.db()).expect("open");
    // CBSS's membership disappears from `state`; IOM gets another name.
    conn.execute_batch(
        "DELETE FROM facts WHERE seq = (SELECT seq FROM events WHERE id = 'cbss-joins');
         UPDATE entity_names SET name = 'Forged Organisation' WHERE id = 'org:iom';",
    )
    .expect("tamper");
    drop(conn);
    let state_after = log
        .run(["state", "--as-of", "2023-09-01", "--format", "json"])
        .success()
        .stdout;
    assert_ne!(
        state_before, state_after,
        "the tamper did not change the answer"
    );
    let (code, out) = log.run(["verify", "--derived", "--json"]).finish();
    assert_eq!(code, Some(1), "verify --derived passed a forged log");
    let report = out.json();
    let named: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == "derived")
        .map(|f| f["subject"].as_str().unwrap_or_default())
        .collect();
    assert!(named.contains(&"facts"), "facts not named: {report:#}");
    assert!(
        named.contains(&"entity_names"),
        "entity_names not named: {report:#}"
    );
    // What it advises mends it.
    log.run(["rebuild"]).success();
    log.run(["verify", "--derived"]).success();
    assert_eq!(
        log.run(["state", "--as-of", "2023-09-01", "--format", "json"])
            .success()
            .stdout,
        state_before
    );
    figure(&format!(
        "tamper/derived tables: a deleted fact and a forged name change `state`; verify --derived names {named:?}; rebuild restores the answer"
    ));
}
