//! Issue 21.5-7: damage and tampering beneath or beside the chain that plain `verify`
//! passed: a zeroed index page, a no-op trigger with the right name, a redefined view, and
//! a `recorded_at` that goes backwards or into the future under a re-hashed chain.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use rusqlite::Connection;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::harness::*;

/// A fixture log with its write-ahead file folded into the log file, so that the file's
/// pages are the whole log.
fn closed_log() -> Test {
    let t = Test::with_fixture();
    let conn = Connection::open(t.db()).expect("open");
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    conn.pragma_update(None, "journal_mode", "DELETE")
        .expect("leave WAL");
    drop(conn);
    t
}

fn verify_findings(t: &Test) -> Vec<Value> {
    let out = t.run(["verify", "--json"]).failure(1);
    out.json()["findings"].as_array().expect("findings").clone()
}

fn named(findings: &[Value], check: &str, subject: &str, words: &str) -> bool {
    findings.iter().any(|f| {
        f["check"] == check
            && f["subject"].as_str().is_some_and(|s| s.contains(subject))
            && f["problem"].as_str().is_some_and(|p| p.contains(words))
    })
}

#[test]
fn a_zeroed_index_page_fails_verify_and_export_then_ingest_repairs_it() {
    let t = closed_log();
    let conn = Connection::open(t.db()).expect("open");
    let page_size: u64 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .expect("page size");
    // An index of a derived table: the events and documents stay readable.
    let root: u64 = conn
        .query_row(
            "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND name = 'facts_in_between'",
            [],
            |r| r.get(0),
        )
        .expect("the index exists");
    drop(conn);
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(t.db())
        .expect("open the file");
    file.seek(SeekFrom::Start((root - 1) * page_size))
        .expect("seek");
    let mut page = vec![0; page_size as usize];
    file.read_exact(&mut page).expect("read the page");
    assert!(page.iter().any(|b| *b != 0), "the page held something");
    file.seek(SeekFrom::Start((root - 1) * page_size))
        .expect("seek");
    file.write_all(&vec![0; page_size as usize]).expect("zero");
    drop(file);

    let findings = verify_findings(&t);
    assert!(
        named(&findings, "integrity", "database file", "policylog rebuild")
            && named(&findings, "integrity", "database file", "export"),
        "{findings:#?}"
    );
    // The repair the message gives: export, then ingest into a new log.
    let out = t.path("export");
    t.run(["export", "--out"]).arg(&out).success();
    let repaired = t.path("repaired.db");
    t.cmd().db(&repaired).arg("ingest").arg(&out).success();
    t.cmd().db(&repaired).arg("verify").success();
    assert_eq!(
        t.cmd().db(&repaired).arg("head").success().stdout,
        t.run(["head"]).success().stdout
    );
}

#[test]
fn a_no_op_trigger_with_the_right_name_fails_verify() {
    let t = Test::with_fixture();
    t.sqlite()
        .execute_batch(
            "DROP TRIGGER events_no_update;
             CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT 1; END;",
        )
        .expect("replace the trigger");
    let findings = verify_findings(&t);
    assert!(
        named(
            &findings,
            "triggers",
            "events_no_update",
            "not the one policylog defines"
        ),
        "{findings:#?}"
    );
    let text = t.run(["verify"]).failure(1).stdout;
    assert!(text.contains("3 immutability triggers"), "{text}");
    // An extra trigger (one that rewrites what is appended, say) is named too.
    let t = Test::with_fixture();
    t.sqlite()
        .execute_batch("CREATE TRIGGER sneaky AFTER INSERT ON events BEGIN SELECT 1; END;")
        .expect("add a trigger");
    assert!(named(
        &verify_findings(&t),
        "triggers",
        "sneaky",
        "does not define"
    ));
}

#[test]
fn a_redefined_view_fails_verify() {
    let t = Test::with_fixture();
    let conn = t.sqlite();
    let sql: String = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'view' AND name = 'memberships'",
            [],
            |r| r.get(0),
        )
        .expect("the view");
    // The same view, hiding one member.
    let hiding = format!(
        "DROP VIEW memberships; CREATE VIEW memberships AS SELECT * FROM ({}) WHERE member <> 'org:cbss';",
        sql.split_once("memberships AS").expect("the view's body").1
    );
    conn.execute_batch(&hiding).expect("redefine the view");
    drop(conn);
    let findings = verify_findings(&t);
    assert!(
        named(
            &findings,
            "views",
            "memberships",
            "not the one policylog defines"
        ),
        "{findings:#?}"
    );
}

/// `hash` of an event row as docs/hash-chain.md specifies it (the payload parsed and
/// written again with sorted keys: the fixture's payloads read back as themselves).
fn link_hash(prev: &str, row: &Map<String, Value>) -> String {
    let mut event = row.clone();
    event.retain(|k, _| {
        [
            "id",
            "kind",
            "payload",
            "quote",
            "recorded_at",
            "recorded_by",
            "seq",
            "source",
            "valid",
            "version",
        ]
        .contains(&k.as_str())
    });
    let canonical = serde_json::to_string(&Value::Object(event)).expect("json");
    let mut hasher = Sha256::new();
    hasher.update(prev.as_bytes());
    hasher.update(b"\n");
    hasher.update(canonical.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Sets `recorded_at` of event `seq` and re-hashes the chain from there, triggers put
/// back after: what a careful forger does, leaving a chain that verifies.
fn restamp(db: &Path, seq: i64, recorded_at: &str) {
    let conn = Connection::open(db).expect("open");
    let triggers: Vec<String> = conn
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger'")
        .expect("triggers")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    conn.execute_batch(
        "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;
         DROP TRIGGER documents_no_update; DROP TRIGGER documents_no_delete;",
    )
    .expect("drop triggers");
    conn.execute(
        "UPDATE events SET recorded_at = ?1 WHERE seq = ?2",
        rusqlite::params![recorded_at, seq],
    )
    .expect("restamp");
    let rows: Vec<(i64, Map<String, Value>)> = conn
        .prepare(
            "SELECT seq, id, kind, version, valid, payload, source, quote, recorded_at, recorded_by
             FROM events ORDER BY seq",
        )
        .expect("events")
        .query_map([], |r| {
            let mut m = Map::new();
            m.insert("seq".into(), r.get::<_, i64>(0)?.into());
            m.insert("id".into(), r.get::<_, String>(1)?.into());
            m.insert("kind".into(), r.get::<_, String>(2)?.into());
            m.insert("version".into(), r.get::<_, i64>(3)?.into());
            m.insert("valid".into(), r.get::<_, String>(4)?.into());
            let payload: String = r.get(5)?;
            m.insert(
                "payload".into(),
                serde_json::from_str(&payload).expect("payload"),
            );
            m.insert("source".into(), r.get::<_, Option<String>>(6)?.into());
            m.insert("quote".into(), r.get::<_, Option<String>>(7)?.into());
            m.insert("recorded_at".into(), r.get::<_, String>(8)?.into());
            m.insert("recorded_by".into(), r.get::<_, String>(9)?.into());
            Ok((r.get(0)?, m))
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    let mut prev = "0".repeat(64);
    for (at, row) in &rows {
        let hash = link_hash(&prev, row);
        conn.execute(
            "UPDATE events SET prev_hash = ?1, hash = ?2 WHERE seq = ?3",
            rusqlite::params![prev, hash, at],
        )
        .expect("rehash");
        prev = hash;
    }
    for sql in &triggers {
        conn.execute_batch(sql).expect("restore trigger");
    }
}

#[test]
fn recorded_at_going_backwards_or_into_the_future_fails_verify() {
    // The forgery helper itself leaves a chain that verifies.
    let t = Test::with_fixture();
    let first: String = t
        .sqlite()
        .query_row("SELECT recorded_at FROM events WHERE seq = 1", [], |r| {
            r.get(0)
        })
        .expect("stamp");
    restamp(t.db(), 1, &first);
    t.run(["verify"]).success();

    let t = Test::with_fixture();
    restamp(t.db(), 5, "1999-01-01T00:00:00Z");
    let findings = verify_findings(&t);
    assert!(
        named(&findings, "chain", "(seq 5)", "before the previous event's"),
        "{findings:#?}"
    );
    assert!(
        !findings
            .iter()
            .any(|f| f["problem"].as_str().is_some_and(|p| p.contains("hash"))),
        "the forged chain itself verifies: {findings:#?}"
    );

    let t = Test::with_fixture();
    let last: i64 = t
        .sqlite()
        .query_row("SELECT max(seq) FROM events", [], |r| r.get(0))
        .expect("head");
    restamp(t.db(), last, "2999-01-01T00:00:00Z");
    let findings = verify_findings(&t);
    assert!(
        named(
            &findings,
            "chain",
            &format!("(seq {last})"),
            "in the future"
        ),
        "{findings:#?}"
    );
}

/// Issue 21.4: a document's published date, title and publisher rewritten together with
/// its record hash, or a forged extra document, pass every check of the documents alone;
/// the anchor `head` prints covers them, so `verify --expect-head ANCHOR` fails.
#[test]
fn the_head_anchor_covers_the_documents() {
    let record = |doc: &Test, title: &str, published: &str, sha: &str| -> String {
        let (events_file, file, at): (String, String, String) = doc
            .sqlite()
            .query_row(
                "SELECT events_file, file, recorded_at FROM documents LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("the document");
        let value = serde_json::json!({"events_file": events_file, "file": file,
            "published": published, "publisher": "Nobody", "recorded_at": at,
            "sha256": sha, "title": title});
        sha256_hex(value.to_string().as_bytes())
    };

    // Rewritten with a record hash that matches: plain verify cannot tell.
    let t = Test::with_fixture();
    let anchor = t.anchor();
    let head = t.head();
    t.run(["verify", "--expect-head", &anchor]).success();
    t.run(["verify", "--expect-head", &anchor[..12]]).success();
    let sha: String = t
        .sqlite()
        .query_row("SELECT sha256 FROM documents", [], |r| r.get(0))
        .expect("sha");
    let forged_record = record(&t, "Forged", "2001", &sha);
    let trigger: String = t
        .sqlite()
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'documents_no_update'",
            [],
            |r| r.get(0),
        )
        .expect("trigger");
    let conn = t.sqlite();
    conn.execute_batch("DROP TRIGGER documents_no_update;")
        .expect("drop");
    conn.execute(
        "UPDATE documents SET title = 'Forged', publisher = 'Nobody', published = '2001',
         published_from = '2001-01-01', published_to = '2001-12-31', record_hash = ?1",
        [forged_record],
    )
    .expect("rewrite");
    conn.execute_batch(&trigger).expect("restore trigger");
    drop(conn);
    t.run(["verify"]).success();
    assert_eq!(t.head(), head, "the events' head is unchanged");
    t.run(["verify", "--expect-head", &anchor])
        .stdout_contains("a document was changed, added or removed")
        .failure(1);

    // A url given behind the log's back, with a record hash that covers it: the anchor
    // counts the url too.
    let t = Test::with_fixture();
    let anchor = t.anchor();
    let (events_file, file, title, publisher, published, sha, at): (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
    ) = t
        .sqlite()
        .query_row(
            "SELECT events_file, file, title, publisher, published, sha256, recorded_at
             FROM documents LIMIT 1",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )
        .expect("the document");
    let with_url = serde_json::json!({"events_file": events_file, "file": file,
        "published": published, "publisher": publisher, "recorded_at": at,
        "sha256": sha, "title": title, "url": "https://forged.example/"});
    let conn = t.sqlite();
    conn.execute_batch("DROP TRIGGER documents_no_update;")
        .expect("drop");
    conn.execute(
        "UPDATE documents SET url = 'https://forged.example/', record_hash = ?1",
        [sha256_hex(with_url.to_string().as_bytes())],
    )
    .expect("rewrite");
    conn.execute_batch(&trigger).expect("restore trigger");
    drop(conn);
    t.run(["verify"]).success();
    t.run(["verify", "--expect-head", &anchor])
        .stdout_contains("a document was changed, added or removed")
        .failure(1);

    // A forged extra document.
    let t = Test::with_fixture();
    let anchor = t.anchor();
    let text = "A forged document.";
    let fake = sha256_hex(text.as_bytes());
    let at: String = t
        .sqlite()
        .query_row("SELECT recorded_at FROM documents", [], |r| r.get(0))
        .expect("stamp");
    // With a record hash of its own, as a forger computes it.
    let fake_record = {
        let value = serde_json::json!({"events_file": "fake.jsonl", "file": "sources/fake.txt",
            "published": "2001", "publisher": "Nobody", "recorded_at": at,
            "sha256": fake, "title": "Fake"});
        sha256_hex(value.to_string().as_bytes())
    };
    t.sqlite()
        .execute(
            "INSERT INTO documents (sha256, file, events_file, title, publisher, published,
             published_from, published_to, text, recorded_at, record_hash)
             VALUES (?1, 'sources/fake.txt', 'fake.jsonl', 'Fake', 'Nobody', '2001',
             '2001-01-01', '2001-12-31', ?2, ?3, ?4)",
            rusqlite::params![fake, text, at, fake_record],
        )
        .expect("forge");
    t.run(["verify"]).success();
    t.run(["verify", "--expect-head", &anchor])
        .stdout_contains("a document was changed, added or removed")
        .failure(1);
    // The events' hash, as kept before anchors, checks the events only, and says so.
    t.run(["verify", "--expect-head", &t.head_hash()])
        .stdout_contains("does not cover the documents")
        .success();
}

#[test]
fn verify_derived_runs_the_full_integrity_check_for_an_index_that_disagrees_with_its_rows() {
    let t = closed_log();
    // Every page well formed, but the index holds entries for other rows than its
    // definition selects: only SQLite's full check, index against table, sees it.
    let conn = Connection::open(t.db()).expect("open");
    conn.execute_batch(
        "PRAGMA writable_schema = ON;
         UPDATE sqlite_master SET sql = replace(sql, 'membership.left', 'membership.joined')
          WHERE name = 'facts_in_between';
         PRAGMA writable_schema = OFF;",
    )
    .expect("redefine the index behind SQLite's back");
    drop(conn);
    left_to_derived(&t, "facts_in_between", "index entries");
}

#[test]
fn an_r_tree_that_disagrees_with_itself_is_left_to_verify_derived() {
    let t = closed_log();
    // Every page well formed, but the R*Tree's rowid table has lost a box its nodes
    // hold: the R*Tree's own check sees it. Plain verify's page check leaves it (it
    // costs a lookup per box, and the R*Trees are derived); `--derived` runs it.
    let conn = Connection::open(t.db()).expect("open");
    let removed = conn
        .execute(
            "DELETE FROM key_period_spans_rowid
              WHERE rowid = (SELECT min(rowid) FROM key_period_spans_rowid)",
            [],
        )
        .expect("break the R*Tree behind SQLite's back");
    assert_eq!(removed, 1, "the fixture has periods");
    drop(conn);
    left_to_derived(&t, "key_period_spans", "the R*Tree's boxes");
}

/// Damage that plain verify's page check does not read (`what`), and that `verify
/// --derived`'s full SQLite check names in `table`.
fn left_to_derived(t: &Test, table: &str, what: &str) {
    let (_, quick) = t.run(["verify", "--json"]).finish();
    let quick: Value = serde_json::from_str(&quick.stdout).expect("json");
    let quick = quick["findings"].as_array().expect("findings");
    assert!(
        !quick.iter().any(|f| f["check"] == "integrity"),
        "plain verify's page check reads pages, not {what}: {quick:#?}"
    );
    let full = t.run(["verify", "--derived", "--json"]).failure(1).json();
    let full = full["findings"].as_array().expect("findings");
    assert!(
        named(full, "integrity", "database file", table),
        "{full:#?}"
    );
}
