//! `init`, `--db` and `POLICYLOG_DB`: where the log lives, and that every command creates
//! it on first use.

use crate::harness::*;

const EMPTY_HEAD: &str = "0 0000000000000000000000000000000000000000000000000000000000000000";

#[test]
fn init_creates_an_empty_log() {
    let t = Test::new();
    assert!(!t.db().exists());
    t.run(["init"]).stdout_contains("ready: 0 events").success();
    assert!(t.db().is_file());
    assert_eq!(t.head(), EMPTY_HEAD);
    t.run(["verify"]).success();
}

#[test]
fn init_twice_keeps_the_log() {
    let t = Test::new();
    let head = t.ingest_fixture();
    t.run(["init"])
        .stdout_contains("ready: 13 events")
        .success();
    assert_eq!(t.head(), head);
}

#[test]
fn db_flag_chooses_the_log_file() {
    let t = Test::new();
    let other = t.path("elsewhere/other.db");
    std::fs::create_dir_all(t.path("elsewhere")).expect("mkdir");
    t.cmd()
        .without_db()
        .arg("--db")
        .arg(&other)
        .arg("init")
        .success();
    assert!(other.is_file());
    assert!(!t.path("policylog.db").exists());
    // The flag may also follow the subcommand.
    t.copy_fixture("fixture");
    t.cmd()
        .without_db()
        .args(["ingest", "fixture", "--db"])
        .arg(&other)
        .success();
    t.cmd()
        .without_db()
        .args(["head", "--db"])
        .arg(&other)
        .stdout_contains("13 ")
        .success();
}

#[test]
fn policylog_db_env_chooses_the_log_file() {
    let t = Test::new();
    let env_db = t.path("from-env.db");
    t.cmd()
        .without_db()
        .env("POLICYLOG_DB", &env_db)
        .arg("init")
        .success();
    assert!(env_db.is_file());
    assert!(!t.path("policylog.db").exists());
    t.copy_fixture("fixture");
    t.cmd()
        .without_db()
        .env("POLICYLOG_DB", &env_db)
        .args(["ingest", "fixture"])
        .success();
    t.cmd()
        .without_db()
        .args(["--db"])
        .arg(&env_db)
        .arg("head")
        .stdout_contains("13 ")
        .success();
}

#[test]
fn db_flag_wins_over_policylog_db() {
    let t = Test::new();
    let env_db = t.path("from-env.db");
    t.cmd().env("POLICYLOG_DB", &env_db).arg("init").success();
    assert!(t.db().is_file());
    assert!(!env_db.exists());
}

#[test]
fn default_log_is_policylog_db_in_the_working_folder() {
    let t = Test::new();
    t.cmd().without_db().arg("init").success();
    assert!(t.path("policylog.db").is_file());
}

#[test]
fn only_the_commands_that_write_create_the_log() {
    // A reader on a missing path would otherwise say "ok" about a mistyped one
    // (issue 21.9; every reader is in reliability::opening).
    for args in [
        vec!["head"],
        vec!["log"],
        vec!["documents"],
        vec!["verify"],
        vec!["export", "--out", "out"],
    ] {
        let t = Test::new();
        t.run(args.clone())
            .stderr_contains("no log at this path")
            .failure(2);
        assert!(!t.db().exists(), "`{}` created the log", args[0]);
    }
    let t = Test::new();
    t.copy_fixture("fixture");
    t.run(["ingest", "fixture"]).success();
    assert!(t.db().is_file(), "`ingest` did not create the log");
}

#[test]
fn log_in_a_missing_folder_is_an_environment_error() {
    let t = Test::new();
    t.cmd()
        .without_db()
        .arg("--db")
        .arg(t.path("no/such/folder/x.db"))
        .arg("init")
        .stderr_contains("cannot be opened")
        .failure(3);
}
