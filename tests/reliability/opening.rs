//! Issue 21.9: what opening a path does. Commands that only read never create, upgrade or
//! write a file; no command touches an SQLite database that is not a policylog log; a
//! lowered `user_version` is named with its fix; `ingest --dry-run` never upgrades.

use std::path::Path;

use crate::harness::*;

/// Every command that only reads, with the arguments it needs (dates the fixture has).
fn readers(dir: &Path) -> Vec<Vec<String>> {
    let out = |name: &str| dir.join(name).to_string_lossy().into_owned();
    [
        vec!["verify".to_owned()],
        vec!["head".into()],
        vec!["backup".into(), out("backup.db")],
        vec!["log".into()],
        vec!["state".into(), "--as-of".into(), "2024".into()],
        vec!["diff".into(), "2019".into(), "2024".into()],
        vec!["history".into(), "org:icat".into()],
        vec!["documents".into()],
        vec!["entities".into()],
        vec!["export".into(), "--out".into(), out("export")],
        vec!["timeline".into(), "--svg".into(), out("t.svg")],
        vec![
            "snapshot".into(),
            "--at".into(),
            "2024".into(),
            "--out".into(),
            out("snaps"),
        ],
        vec!["serve".into(), "--addr".into(), "127.0.0.1:0".into()],
        vec![
            "datasette-metadata".into(),
            "--out".into(),
            out("meta.json"),
        ],
    ]
    .into()
}

/// The files in `dir`, by name.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn user_version(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .expect("open")
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version")
}

#[test]
fn readers_on_a_missing_path_say_so_and_create_nothing() {
    let t = Test::new();
    let missing = t.path("mistyped.db");
    for args in readers(t.dir()) {
        let out = t.cmd().db(&missing).args(&args).failure(2);
        assert!(
            out.stderr.contains("no log at this path") && out.stderr.contains("init"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(!missing.exists(), "{args:?} created the log file");
        assert_eq!(
            listing(t.dir()),
            Vec::<String>::new(),
            "{args:?} left files"
        );
    }
    t.cmd().db(&missing).arg("rebuild").failure(2);
    // A zero-byte file is no log either, and stays zero bytes.
    std::fs::write(&missing, b"").expect("empty file");
    for args in readers(t.dir()) {
        let out = t.cmd().db(&missing).args(&args).failure(2);
        assert!(
            out.stderr.contains("empty file"),
            "{args:?}: {}",
            out.stderr
        );
        assert_eq!(
            std::fs::metadata(&missing).expect("meta").len(),
            0,
            "{args:?}"
        );
    }
    // The commands that create logs still do.
    t.cmd().db(&missing).arg("init").success();
    t.cmd().db(&missing).arg("head").success();
    let ingested = t.path("ingested.db");
    let fixture = t.copy_fixture("fixture");
    t.cmd().db(&ingested).arg("ingest").arg(&fixture).success();
    t.cmd().db(&ingested).arg("verify").success();
}

#[test]
fn no_command_touches_another_applications_database() {
    let t = Test::new();
    let other = t.path("calendar.db");
    let conn = rusqlite::Connection::open(&other).expect("create");
    // A common table name, and a version of its own.
    conn.execute_batch(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, title TEXT);
         INSERT INTO events (title) VALUES ('dentist');
         PRAGMA user_version = 3;",
    )
    .expect("fill");
    drop(conn);
    let before = file_hash(&other);
    let files = listing(t.dir());
    let batch = write_batch(&t.path("batch"), "x", 3, None);
    let mut commands = readers(t.dir());
    commands.push(vec!["init".into()]);
    commands.push(vec!["rebuild".into()]);
    commands.push(vec!["ingest".into(), batch.to_string_lossy().into_owned()]);
    commands.push(vec![
        "ingest".into(),
        "--dry-run".into(),
        batch.to_string_lossy().into_owned(),
    ]);
    commands.push(vec!["append".into(), "--json".into(), append_line("x")]);
    for args in &commands {
        let out = t.cmd().db(&other).args(args).failure(2);
        assert!(
            out.stderr.contains("not a policylog log") && out.stderr.contains("calendar.db"),
            "{args:?}: {}",
            out.stderr
        );
        assert_eq!(file_hash(&other), before, "{args:?} changed the database");
        let mut now = listing(t.dir());
        now.retain(|f| f != "batch");
        assert_eq!(now, files, "{args:?} left files beside it");
    }
    assert_eq!(user_version(&other), 3);
}

/// A fixture log taken back to schema 10 as an older policylog wrote it (the views of
/// schema 3, no day tables).
pub(super) fn schema_10_log() -> Test {
    let t = Test::with_fixture();
    let conn = rusqlite::Connection::open(t.db()).expect("open");
    conn.execute_batch(concat!(
        "ALTER TABLE documents DROP COLUMN url;
         DROP VIEW name_periods; DROP VIEW representatives; DROP VIEW publications;
         DROP VIEW meetings; DROP VIEW statistics; DROP VIEW instrument_status;
         DROP VIEW commitment_items; DROP VIEW calls; DROP VIEW roles; DROP VIEW memberships;
         DROP VIEW names; DROP VIEW live_facts;
         DROP TABLE fact_days; DROP TABLE entity_name_periods;",
        include_str!("../../src/store/sql/0003_views.sql"),
        "PRAGMA user_version = 10;"
    ))
    .expect("take the log back to schema 10");
    drop(conn);
    t
}

#[test]
fn readers_and_dry_runs_never_upgrade_an_older_log_and_say_how_to() {
    let t = schema_10_log();
    let before = file_hash(t.db());
    let batch = write_batch(&t.path("batch"), "old", 3, None);
    let mut commands = readers(t.dir());
    commands.push(vec![
        "ingest".into(),
        "--dry-run".into(),
        batch.to_string_lossy().into_owned(),
    ]);
    for args in &commands {
        let out = t.run(args).failure(3);
        assert!(
            out.stderr.contains("schema version 10") && out.stderr.contains("rebuild"),
            "{args:?}: {}",
            out.stderr
        );
        assert_eq!(user_version(t.db()), 10, "{args:?} upgraded the log");
        assert_eq!(file_hash(t.db()), before, "{args:?} changed the log");
    }
    // What the message says works, and then the readers do.
    t.run(["rebuild"]).success();
    assert!(user_version(t.db()) > 10);
    t.run(["verify"]).success();
    t.run(["state", "--as-of", "2024"]).success();
}

#[test]
fn a_lowered_user_version_is_named_with_its_fix() {
    let t = Test::with_fixture();
    let real = user_version(t.db());
    let conn = rusqlite::Connection::open(t.db()).expect("open");
    conn.pragma_update(None, "user_version", 5).expect("lower");
    drop(conn);
    let before = file_hash(t.db());
    let batch = write_batch(&t.path("batch"), "low", 3, None);
    let mut commands = readers(t.dir());
    commands.push(vec!["ingest".into(), batch.to_string_lossy().into_owned()]);
    commands.push(vec!["init".into()]);
    commands.push(vec!["rebuild".into()]);
    let fix = format!("PRAGMA user_version = {real}");
    for args in &commands {
        let out = t.run(args).failure(3);
        let stderr = out.stderr.trim();
        assert!(
            stderr.contains("says schema 5") && stderr.contains("lowered") && stderr.contains(&fix),
            "{args:?}: {stderr}"
        );
        assert_eq!(
            stderr.lines().count(),
            1,
            "{args:?}: one message, not the SQL: {stderr}"
        );
        assert_eq!(file_hash(t.db()), before, "{args:?} changed the log");
    }
    // Lowered to 0, as if the log were new: the same.
    let conn = rusqlite::Connection::open(t.db()).expect("open");
    conn.pragma_update(None, "user_version", 0).expect("lower");
    drop(conn);
    t.run(["ingest", batch.to_str().expect("path")])
        .stderr_contains(fix.as_str())
        .failure(3);
    // The fix the message gives is the fix.
    let conn = rusqlite::Connection::open(t.db()).expect("open");
    conn.pragma_update(None, "user_version", real)
        .expect("restore");
    drop(conn);
    t.run(["verify"]).success();
    t.run(["ingest", batch.to_str().expect("path")]).success();
}

#[test]
fn a_dry_run_leaves_the_log_file_byte_for_byte_as_it_was() {
    let t = Test::with_fixture();
    let before = file_hash(t.db());
    let batch = write_batch(&t.path("batch"), "dry", 20, None);
    t.run(["ingest", "--dry-run", batch.to_str().expect("path")])
        .stdout_contains("nothing was written")
        .success();
    assert_eq!(file_hash(t.db()), before);
    t.run(["verify"]).success();
}
