//! A hostile environment: a read-only log file, a log on a read-only file system, a full
//! disk, a log written by a newer policylog. Each gives a clear error; nothing is
//! half-written and nothing is lost.

use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::harness::*;

/// `nobody`: root ignores file permissions, so a read-only file is tried as nobody.
const NOBODY: u32 = 65534;

/// A file system mounted for one test, unmounted (lazily) when dropped.
struct Mount(PathBuf);

impl Mount {
    /// Mounts with `mount args...`; `None` when this process may not mount.
    fn new(target: &Path, args: &[&str]) -> Option<Mount> {
        std::fs::create_dir_all(target).expect("mount point");
        let ok = Command::new("mount")
            .args(args)
            .arg(target)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Mount(target.to_owned()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Whether mounting is possible here (root in a sandbox that allows it). When it is not,
/// the test says so and stops: CI runs as root, where it must work.
fn can_mount(test: &str) -> bool {
    if is_root() {
        return true;
    }
    figure(&format!(
        "{test}: skipped, mounting a file system needs root"
    ));
    false
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).trim().to_owned()
}

/// The commands that write, each with the arguments it needs against the fixture log.
fn write_commands(batch: &str) -> Vec<Vec<String>> {
    [
        vec!["ingest", batch],
        vec!["append", "--json", &append_line("refused")],
        vec!["retract", "cbss-joins", "--reason", "test"],
        vec![
            "correct",
            "cbss-joins",
            "--json",
            r#"{"valid":"2020-05"}"#,
            "--reason",
            "test",
        ],
    ]
    .into_iter()
    .map(|c| c.into_iter().map(str::to_owned).collect())
    .collect()
}

/// The commands that only read.
fn read_commands(has_state: bool) -> Vec<Vec<String>> {
    let mut all = vec![
        vec!["head"],
        vec!["log", "--format", "jsonl"],
        vec!["documents"],
        vec!["verify"],
    ];
    if has_state {
        all.push(vec!["state", "--format", "json"]);
    }
    all.into_iter()
        .map(|c| c.into_iter().map(str::to_owned).collect())
        .collect()
}

/// A fixture log in a folder anyone may enter, with a small batch beside it.
fn open_log() -> (Test, String, bool) {
    let log = Test::with_fixture();
    std::fs::set_permissions(log.dir(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let batch = write_batch(&log.dir().join("batch"), "env", 300, None);
    let has_state = log.run(["--help"]).success().stdout.contains("\n  state ");
    (log, batch.to_str().expect("path").to_owned(), has_state)
}

#[test]
fn a_read_only_log_file_is_read_and_refuses_writes_clearly() {
    let (log, batch, has_state) = open_log();
    std::fs::set_permissions(log.db(), std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let before = file_hash(log.db());
    let head = head_of(log.db());
    // `nobody` may not reach the build folder (a clone in a private temp dir): run a copy
    // of the binary from the log's folder, which anyone may enter.
    let exe = log.dir().join("policylog-for-nobody");
    std::fs::copy(bin(), &exe).expect("copy the binary");
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let as_user = |c: &[String]| {
        let mut cmd = log.run(c).bin(&exe).command();
        if is_root() {
            cmd.uid(NOBODY).gid(NOBODY);
        }
        cmd.output().expect("run")
    };
    let mut message = String::new();
    for c in write_commands(&batch) {
        let out = as_user(&c);
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(3), "{c:?}: {stderr}");
        assert!(
            stderr.contains("read-only") || stderr.contains("cannot be written"),
            "{c:?}: unclear message: {stderr}"
        );
        message = stderr;
    }
    for c in read_commands(has_state) {
        let out = as_user(&c);
        assert!(
            out.status.success(),
            "{c:?} failed on a read-only log: {}",
            stderr_of(&out)
        );
    }
    assert_eq!(file_hash(log.db()), before, "the read-only file changed");
    assert_eq!(head_of(log.db()), head);
    assert_verifies(log.db());
    figure(&format!(
        "environment/read-only file (mode 0444, run as {}): 4 write commands refused with exit 3 ({message}); \
         {} read commands answered; file unchanged",
        if is_root() { "nobody" } else { "the owner" },
        read_commands(has_state).len()
    ));
}

#[test]
fn a_log_on_a_read_only_file_system_is_read_and_refuses_writes_clearly() {
    if !can_mount("environment/read-only file system") {
        return;
    }
    let (log, batch, has_state) = open_log();
    let head = head_of(log.db());
    let before = file_hash(log.db());
    // As a writer leaves it (and as it is copied to read-only media): no -wal, no -shm.
    let conn = rusqlite::Connection::open(log.db()).expect("open");
    conn.query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0))
        .expect("read");
    drop(conn);
    assert!(!log.dir().join("policylog.db-shm").exists());
    let mount_point = tempfile::tempdir().expect("mount point");
    let ro = mount_point.path().to_owned();
    let _bind =
        Mount::new(&ro, &["--bind", log.dir().to_str().expect("path")]).expect("bind mount");
    let _ro = Mount::new(&ro, &["-o", "remount,bind,ro"]).expect("remount read-only");
    let db = ro.join("policylog.db");
    for c in write_commands(&batch) {
        let (code, out) = log.run(&c).db(&db).finish();
        let stderr = out.stderr.trim();
        assert_eq!(code, Some(3), "{c:?}: {stderr}");
        assert!(
            stderr.contains("read-only"),
            "{c:?}: unclear message: {stderr}"
        );
    }
    for c in read_commands(has_state) {
        let (code, out) = log.run(&c).db(&db).finish();
        assert_eq!(
            code,
            Some(0),
            "{c:?} failed on a read-only file system: {}",
            out.stderr.trim()
        );
    }
    drop(_ro);
    assert_eq!(file_hash(log.db()), before);
    assert_eq!(head_of(log.db()), head);
    figure(&format!(
        "environment/read-only file system (bind mount, ro): {} write commands refused with exit 3 naming the read-only file system; {} read commands answered; file unchanged",
        write_commands(&batch).len(),
        read_commands(has_state).len()
    ));
}

#[test]
fn a_log_with_commits_still_in_its_wal_on_a_read_only_file_system_is_refused_not_misread() {
    if !can_mount("environment/read-only file system, pending write-ahead file") {
        return;
    }
    let (log, _batch, _) = open_log();
    // A reader kept open stops the appender from checkpointing on close: its commit stays
    // in the -wal, as on media copied while a writer was at work.
    let held = rusqlite::Connection::open(log.db()).expect("open");
    held.query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0))
        .expect("read");
    log.run(["append", "--json", &append_line("pending")])
        .success();
    let wal = log.dir().join("policylog.db-wal");
    assert!(
        std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0),
        "the commit is in the -wal"
    );
    let mount_point = tempfile::tempdir().expect("mount point");
    let ro = mount_point.path().to_owned();
    let _bind =
        Mount::new(&ro, &["--bind", log.dir().to_str().expect("path")]).expect("bind mount");
    let _ro = Mount::new(&ro, &["-o", "remount,bind,ro"]).expect("remount read-only");
    // Without the -shm, SQLite could only read the log file and miss the commit: refused.
    std::fs::remove_file(log.dir().join("policylog.db-shm")).ok();
    let (code, out) = log.run(["head"]).db(ro.join("policylog.db")).finish();
    let stderr = out.stderr.trim();
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("write-ahead"), "unclear message: {stderr}");
    drop(_ro);
    drop(held);
    figure(&format!(
        "environment/read-only file system with commits in the -wal: refused with exit 3 ({stderr})"
    ));
}

#[test]
fn a_full_disk_refuses_the_write_clearly_and_loses_nothing() {
    if !can_mount("environment/full disk") {
        return;
    }
    let log = Test::new();
    let disk = log.dir().join("disk");
    let _tmpfs = Mount::new(&disk, &["-t", "tmpfs", "-o", "size=3m", "tmpfs"]).expect("tmpfs");
    let db = disk.join("policylog.db");
    let run = |a: &[&str]| log.run(a).db(&db).finish();
    log.run(["ingest", FIXTURE_DIR]).db(&db).success();
    let head = head_of(&db);

    // A batch larger than the disk.
    let batch = write_batch(
        &log.dir().join("batch"),
        "full",
        scaled(12_000, 30_000),
        None,
    );
    let (code, out) = run(&["ingest", batch.to_str().expect("path")]);
    let ingest_message = out.stderr.trim().to_owned();
    assert_eq!(code, Some(3), "{ingest_message}");
    assert!(
        ingest_message.contains("disk is full"),
        "unclear: {ingest_message}"
    );
    assert_eq!(head_of(&db), head);
    assert_verifies(&db);

    // The disk filled to the last byte: a single append.
    let fill = disk.join("fill");
    let _ = Command::new("dd")
        .args(["if=/dev/zero", "bs=4k"])
        .arg(format!("of={}", fill.display()))
        .output();
    let (code, out) = run(&["append", "--json", &append_line("no-room")]);
    let append_message = out.stderr.trim();
    assert_eq!(code, Some(3), "{append_message}");
    assert!(
        append_message.contains("disk is full"),
        "unclear: {append_message}"
    );
    assert_eq!(head_of(&db), head);
    assert_verifies(&db);

    // Room again: the same append goes through and the chain goes on.
    std::fs::remove_file(&fill).expect("free space");
    log.run(["append", "--json", &append_line("no-room")])
        .db(&db)
        .success();
    assert_eq!(head_of(&db).seq, head.seq + 1);
    assert_verifies(&db);
    figure(&format!(
        "environment/full disk (3 MiB tmpfs): an ingest larger than the disk and an append on a full disk both exit 3 \
         ({ingest_message}); the log verifies at its old head; after freeing space the append succeeds"
    ));
}

#[test]
fn a_log_from_a_newer_policylog_is_refused_and_left_untouched() {
    let (log, batch, has_state) = open_log();
    let conn = rusqlite::Connection::open(log.db()).expect("open");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    conn.pragma_update(None, "user_version", version + 1)
        .expect("bump");
    drop(conn);
    let before = file_hash(log.db());
    let mut commands = write_commands(&batch);
    commands.extend(read_commands(has_state));
    commands.push(vec!["init".into()]);
    commands.push(vec!["rebuild".into()]);
    commands.push(vec![
        "export".into(),
        "--out".into(),
        log.dir().join("export").to_string_lossy().into_owned(),
    ]);
    let mut message = String::new();
    for c in &commands {
        let (code, out) = log.run(c).finish();
        let stderr = out.stderr.trim().to_owned();
        assert_eq!(code, Some(3), "{c:?}: {stderr}");
        assert!(
            stderr.contains(&format!("schema version {}", version + 1))
                && stderr.contains("upgrade"),
            "{c:?}: unclear message: {stderr}"
        );
        assert_eq!(file_hash(log.db()), before, "{c:?} changed the file");
        message = stderr;
    }
    assert!(!log.dir().join("export").exists(), "export wrote files");
    figure(&format!(
        "environment/newer schema (user_version {}): {} commands refused with exit 3, file byte-identical: {message}",
        version + 1,
        commands.len()
    ));
}
