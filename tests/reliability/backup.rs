//! Issue 21.2: backups that keep every commit. The `.db` file copied alone holds every
//! commit once its writer has closed, even with a reader (`serve`) open; `backup` writes a
//! consistent, verified copy while others append; `restore` never applies a stale `-wal`
//! to the restored file, never loses what was there, and refuses a copy that does not
//! verify.

use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::harness::*;

/// A reader as `serve` keeps one: open, having answered a request, idle.
fn idle_reader(db: &Path) -> rusqlite::Connection {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open a reader");
    let _: i64 = conn
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .expect("read");
    conn
}

fn append(t: &Test, id: &str) {
    t.run(["append", "--json", &append_line(id)]).success();
}

/// The names of the files in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list the folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `head` of the log at `db`: "SEQ HASH ANCHOR".
fn head_of(t: &Test, db: &Path) -> String {
    t.cmd()
        .db(db)
        .args(["head"])
        .success()
        .stdout
        .trim()
        .to_owned()
}

#[test]
fn the_db_file_copied_alone_holds_every_commit_once_the_writer_has_closed() {
    let t = Test::with_fixture();
    // Before the fix, a reader kept open made every append stay in the -wal: SQLite
    // checkpoints by itself only when the last connection closes.
    let reader = idle_reader(t.db());
    for n in 0..3 {
        append(&t, &format!("appended-{n}"));
    }
    let copy = t.path("copy/policylog.db");
    fs::create_dir_all(copy.parent().unwrap()).unwrap();
    fs::copy(t.db(), &copy).expect("copy the .db file alone");
    assert_eq!(
        head_of(&t, &copy),
        head_of(&t, t.db()),
        "the .db file alone lacks commits still in the -wal"
    );
    t.cmd().db(&copy).args(["verify"]).success();
    drop(reader);
}

#[test]
fn backup_is_consistent_and_verified_while_others_append() {
    let t = Test::with_fixture();
    let reader = idle_reader(t.db());
    let appending = AtomicBool::new(true);
    let backups: Vec<_> = std::thread::scope(|s| {
        s.spawn(|| {
            for n in 0..30 {
                append(&t, &format!("while-backing-up-{n}"));
            }
            appending.store(false, Ordering::SeqCst);
        });
        let mut made = Vec::new();
        while appending.load(Ordering::SeqCst) || made.is_empty() {
            let dest = t.path(format!("backup-{}.db", made.len()));
            let out = t
                .run([
                    "backup".into(),
                    dest.clone().into_os_string(),
                    "--json".into(),
                ])
                .success()
                .json();
            made.push((dest, out));
        }
        made
    });
    drop(reader);
    // Every backup is a whole log at one of the log's heads, with nothing beside it.
    let log = t.events();
    for (dest, out) in &backups {
        let seq = out["head_seq"].as_i64().expect("head_seq");
        assert!(seq >= 13, "{out}");
        assert_eq!(
            out["head_hash"],
            log[seq as usize - 1]["hash"],
            "{} is not a state the log passed through",
            dest.display()
        );
        t.cmd().db(dest).args(["verify"]).success();
        let head = head_of(&t, dest);
        assert!(head.starts_with(&format!("{seq} {}", out["head_hash"].as_str().unwrap())));
        assert!(head.ends_with(out["anchor"].as_str().unwrap()));
    }
    // One taken after the last append holds everything.
    let last = t.path("after.db");
    t.run(["backup".into(), last.clone().into_os_string()])
        .stdout_contains("verified")
        .success();
    assert_eq!(head_of(&t, &last), head_of(&t, t.db()));
    let leftovers: Vec<_> = names_in(t.dir())
        .into_iter()
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "scratch files left: {leftovers:?}");
}

#[test]
fn backup_never_writes_over_a_file() {
    let t = Test::with_fixture();
    let there = t.write("there.db", "somebody's file");
    let out = t.refuse(t.run(["backup".into(), there.clone().into_os_string()]));
    assert!(out.stderr.contains("exists"), "{}", out.stderr);
    assert_eq!(fs::read_to_string(&there).unwrap(), "somebody's file");
    // Not the log itself, nor through a symlink planted where the copy goes.
    let log_hash = file_hash(t.db());
    t.refuse(t.run(["backup".into(), t.db().as_os_str().to_owned()]));
    std::os::unix::fs::symlink(t.path("elsewhere.db"), t.path("link.db")).unwrap();
    t.refuse(t.run(["backup", "link.db"]));
    assert!(!t.path("elsewhere.db").exists());
    for beside_the_log in ["policylog.db-wal", "policylog.db-journal"] {
        let _ = fs::remove_file(t.path(beside_the_log));
        // (The readers `refuse` runs to compare the log leave an empty -wal of their own.)
        let out = t.refuse(t.run(["backup", beside_the_log]));
        assert!(out.stderr.contains("its own file"), "{}", out.stderr);
    }
    let out = t.refuse(t.run(["backup", "no-such-folder/b.db"]));
    assert!(
        out.stderr.contains("mkdir -p no-such-folder"),
        "{}",
        out.stderr
    );
    assert_eq!(file_hash(t.db()), log_hash);
    // Readers only: no backup of a path that holds no log, and nothing created.
    let missing = t.path("missing.db");
    t.cmd()
        .db(&missing)
        .args(["backup", "b.db"])
        .stderr_contains("no log at this path")
        .failure(2);
    assert!(!missing.exists() && !t.path("b.db").exists());
}

#[test]
fn restore_sets_aside_the_log_with_its_stale_wal_and_keeps_every_commit() {
    let t = Test::with_fixture();
    let backup = t.path("backup.db");
    t.run(["backup".into(), backup.clone().into_os_string()])
        .success();
    // The scene of the issue: a log whose -wal holds commits its main file lacks (a
    // reader in the middle of a read keeps them from being checkpointed), as a crash or
    // a copy by hand leaves it.
    let reader = idle_reader(t.db());
    reader
        .execute_batch("BEGIN; SELECT count(*) FROM events;")
        .unwrap();
    append(&t, "only-in-the-wal");
    let scene = t.path("scene");
    fs::create_dir(&scene).unwrap();
    let db = scene.join("policylog.db");
    fs::copy(t.db(), &db).unwrap();
    fs::copy(t.path("policylog.db-wal"), scene.join("policylog.db-wal")).unwrap();
    drop(reader);
    let before = head_of(&t, &db);
    assert!(
        before.starts_with("14 "),
        "the scene's log holds the append: {before}"
    );

    // It holds an event the backup lacks: kept unless --force.
    let out = t.refuse(t.cmd().db(&db).arg("restore").arg(&backup));
    assert!(
        out.stderr.contains("1 event(s) after the backup's head") && out.stderr.contains("--force")
    );
    let out = t
        .cmd()
        .db(&db)
        .arg("restore")
        .arg(&backup)
        .arg("--force")
        .stdout_contains("nothing was deleted")
        .success();
    assert_eq!(head_of(&t, &db), head_of(&t, &backup));
    t.cmd().db(&db).args(["verify"]).success();
    // The next writer works on the restored file: no stale -wal was applied to it.
    t.cmd()
        .db(&db)
        .args(["append", "--json", &append_line("after-restore")])
        .success();
    t.cmd().db(&db).args(["verify"]).success();
    assert!(head_of(&t, &db).starts_with("14 "));
    // What was there is kept whole, its -wal with it: it still opens with the commit.
    let aside: Vec<_> = names_in(&scene)
        .into_iter()
        .filter(|n| n.ends_with('Z'))
        .map(|n| scene.join(n))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}\n{}", out.stdout);
    assert_eq!(head_of(&t, &aside[0]), before);
    let scratch: Vec<_> = names_in(&scene)
        .into_iter()
        .filter(|n| n.contains("restoring"))
        .collect();
    assert!(scratch.is_empty(), "scratch files left: {scratch:?}");
}

#[test]
fn restore_replaces_a_damaged_log_and_refuses_a_copy_that_does_not_verify() {
    let t = Test::with_fixture();
    let backup = t.path("backup.db");
    t.run(["backup".into(), backup.clone().into_os_string()])
        .success();
    let head = head_of(&t, t.db());

    // A tampered copy: a quote changed behind policylog's back.
    let bad = t.path("bad.db");
    fs::copy(&backup, &bad).unwrap();
    let conn = rusqlite::Connection::open(&bad).unwrap();
    conn.execute_batch(
        "DROP TRIGGER events_no_update;
         UPDATE events SET quote = 'forged' WHERE seq = 2;",
    )
    .unwrap();
    drop(conn);
    let listing = || names_in(t.dir());
    let files_before = listing();
    let log_before = file_hash(t.db());
    let out = t.run(["restore", "bad.db"]).failure(1);
    assert!(out.stderr.contains("does not verify"), "{}", out.stderr);
    assert_eq!(file_hash(t.db()), log_before);
    assert_eq!(listing(), files_before, "a refused restore left files");
    t.write("text.db", "not a database at all");
    let files_before = listing();
    t.run(["restore", "text.db"])
        .stderr_contains("text.db: not a readable SQLite database, so not a backup")
        .failure(1);
    assert_eq!(listing(), files_before);
    assert_eq!(file_hash(t.db()), log_before);

    // A damaged log: SQLite's own message points to `restore`, which replaces it
    // without --force and keeps the damaged bytes.
    fs::write(t.db(), vec![0x5a; 8192]).unwrap();
    for side in ["policylog.db-wal", "policylog.db-shm"] {
        let _ = fs::remove_file(t.path(side));
    }
    t.run(["head"]).stderr_contains("restore BACKUP").failure(3);
    t.run(["restore", "backup.db"])
        .stdout_contains("kept as")
        .success();
    assert_eq!(head_of(&t, t.db()), head);
    t.run(["verify"]).success();
    let aside = listing()
        .into_iter()
        .find(|n| n.starts_with("policylog.db.before-restore-"))
        .expect("the damaged file is set aside");
    assert_eq!(fs::read(t.path(aside)).unwrap(), vec![0x5a; 8192]);

    // The same backup again: nothing to do.
    t.run(["restore", "backup.db"])
        .stdout_contains("nothing was changed")
        .success();
}

#[test]
fn restore_brings_back_a_backup_of_an_older_schema_and_never_touches_another_database() {
    let old = super::opening::schema_10_log();
    let t = Test::new();
    let backup = t.path("old-backup.db");
    fs::copy(old.db(), &backup).unwrap();
    let backup_hash = file_hash(&backup);
    t.run(["restore", "old-backup.db"]).success();
    assert_eq!(
        file_hash(&backup),
        backup_hash,
        "restore wrote to the backup"
    );
    t.run(["verify"]).success();
    t.run(["state", "--as-of", "2024"]).success();
    let old_head: (i64, String) = rusqlite::Connection::open(old.db())
        .unwrap()
        .query_row(
            "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(head_of(&t, t.db()).starts_with(&format!("{} {}", old_head.0, old_head.1)));

    // Another application's SQLite file at --db is left alone.
    let other = t.path("other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('mine');")
        .unwrap();
    drop(conn);
    let other_hash = file_hash(&other);
    t.cmd()
        .db(&other)
        .args(["restore", "old-backup.db"])
        .stderr_contains("not a policylog log")
        .failure(2);
    assert_eq!(file_hash(&other), other_hash);
}
