//! The `Test` builder: a temporary folder with a log path in it, and `Cmd`s that run the
//! real `policylog` binary there (`--db <temp>/policylog.db` unless told otherwise).

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tempfile::TempDir;

use super::{Cmd, FIXTURE_DIR, FIXTURE_PREFIX, Outcome, copy_dir};

/// One temporary folder with a log path in it. Dropping it removes everything.
pub struct Test {
    dir: TempDir,
    db: PathBuf,
}

impl Test {
    pub fn new() -> Test {
        let dir = tempfile::Builder::new()
            .prefix("policylog-test-")
            .tempdir()
            .expect("temp dir");
        let db = dir.path().join("policylog.db");
        Test { dir, db }
    }

    /// A fresh log holding the fixture's events.
    pub fn with_fixture() -> Test {
        let t = Test::new();
        t.ingest_fixture();
        t
    }

    /// The temporary folder, where commands run.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the temporary folder.
    pub fn path(&self, relative: impl AsRef<Path>) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// The log the commands use.
    pub fn db(&self) -> &Path {
        &self.db
    }

    /// A command with `--db <the test's log>`.
    pub fn cmd(&self) -> Cmd {
        Cmd::new(self.dir.path(), Some(&self.db))
    }

    /// Shorthand: `self.cmd().args(args)`.
    pub fn run<I, S>(&self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.cmd().args(args)
    }

    /// Copies the fixture folder to `name` inside the temp folder, so a test can mutate it.
    pub fn copy_fixture(&self, name: &str) -> PathBuf {
        let to = self.path(name);
        copy_dir(Path::new(FIXTURE_DIR), &to);
        to
    }

    /// Ingests (a copy of) the fixture and returns the head it printed.
    pub fn ingest_fixture(&self) -> String {
        let folder = self.copy_fixture("fixture");
        self.run([OsString::from("ingest"), folder.into()])
            .stdout_contains("13 new event(s)")
            .success();
        self.head()
    }

    /// `policylog head` without its anchor: "SEQ HASH".
    pub fn head(&self) -> String {
        let out = self.run(["head"]).success().stdout;
        let fields: Vec<&str> = out.split_whitespace().collect();
        fields[..fields.len().min(2)].join(" ")
    }

    /// The anchor `policylog head` prints last (events and documents).
    pub fn anchor(&self) -> String {
        let out = self.run(["head"]).success().stdout;
        out.split_whitespace()
            .nth(2)
            .unwrap_or_else(|| panic!("no anchor: {out:?}"))
            .to_owned()
    }

    /// Only the hash of the head.
    pub fn head_hash(&self) -> String {
        let head = self.head();
        head.split_whitespace()
            .nth(1)
            .unwrap_or_else(|| panic!("`head` printed no hash: {head:?}"))
            .to_owned()
    }

    /// Everything a refused command must leave alone: the head, every event and every
    /// document, as the binary prints them.
    pub fn state(&self) -> (String, String, String) {
        (
            self.head(),
            self.run(["log", "--format", "jsonl"]).success().stdout,
            self.run(["documents", "--format", "jsonl"])
                .success()
                .stdout,
        )
    }

    /// Runs `cmd`, expects it to be refused as bad input (exit code 2), and checks that
    /// the log is exactly as it was before.
    pub fn refuse(&self, cmd: Cmd) -> Outcome {
        let before = self.state();
        let outcome = cmd.failure(2);
        let after = self.state();
        assert_eq!(
            after, before,
            "a refused command changed the log\n--- stderr\n{}",
            outcome.stderr
        );
        outcome
    }

    /// Every event of the log, as `log --format jsonl` prints it.
    pub fn events(&self) -> Vec<Value> {
        let out = self.run(["log", "--format", "jsonl"]).success().stdout;
        out.lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    /// The ids of every event in the log, in log order.
    pub fn event_ids(&self) -> Vec<String> {
        self.events()
            .iter()
            .map(|e| e["id"].as_str().expect("id is a string").to_owned())
            .collect()
    }

    /// Writes `contents` at `relative` (creating folders) and returns the full path.
    pub fn write(&self, relative: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().expect("has a parent")).expect("create folders");
        fs::write(&path, contents).expect("write file");
        path
    }

    /// `state --format json` with `args`, parsed.
    pub fn state_json(&self, args: &[&str]) -> Value {
        self.run(["state", "--format", "json"])
            .args(args)
            .success()
            .json()
    }

    /// Appends one event quoting the fixture document, given as `append` flags
    /// (`sets` are `key=value` payload fields).
    pub fn append_fixture_event(
        &self,
        kind: &str,
        id: &str,
        valid: &str,
        quote: &str,
        sets: &[&str],
    ) {
        let mut cmd = self.run([
            "append",
            "--kind",
            kind,
            "--id",
            id,
            "--valid",
            valid,
            "--source",
            FIXTURE_PREFIX,
            "--quote",
            quote,
        ]);
        for set in sets {
            cmd = cmd.arg("--set").arg(*set);
        }
        cmd.stdout_contains(format!("id {id} ")).success();
    }

    /// A plain SQLite connection to the log, behind policylog's back.
    pub fn sqlite(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).expect("open the log with rusqlite")
    }
}
