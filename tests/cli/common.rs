//! The `Test` builder: a temporary folder with a fresh log in it, and a `Cmd` that runs the
//! real `policylog` binary there (`--db <temp>/policylog.db` unless told otherwise) and
//! checks its exit code, standard output and standard error.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// The fixture every test can ingest: one short document and 13 events, canonical form.
pub const FIXTURE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/basic");
/// Its events file.
pub const FIXTURE_EVENTS: &str = "2023-07-18-icat-note.jsonl";
/// The sha256 of its document, `sources/icat-note.txt`.
pub const FIXTURE_SHA: &str = "69456aefd12d39e743ce5f18f78a0960f85b7629705cdcfd6098d56cf2cc090a";
/// The 12-character prefix the tables print.
pub const FIXTURE_PREFIX: &str = "69456aefd12d";
/// Ids of the fixture's events, in log order.
pub const FIXTURE_IDS: [&str; 13] = [
    "reg-icat",
    "reg-cbss",
    "reg-iom",
    "reg-osrsg-vac",
    "reg-unodc",
    "reg-directive",
    "cbss-joins",
    "cochair-iom-2023",
    "cochair-osrsg-vac-2023",
    "coordinator-unodc",
    "icat-priorities",
    "directive-under-revision",
    "children-share",
];

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
        Cmd {
            dir: self.dir.path().to_owned(),
            db: Some(self.db.clone()),
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
            stdout: Vec::new(),
            stdout_not: Vec::new(),
            stderr: Vec::new(),
        }
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

    /// `policylog head`: "SEQ HASH".
    pub fn head(&self) -> String {
        self.run(["head"]).success().stdout.trim().to_owned()
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

    /// Writes an events folder `folder` holding `doc`'s text under `sources/` and an events
    /// file `events_file` whose first line is a correct header for it, followed by `lines`.
    /// Returns the events file's path.
    pub fn write_events(
        &self,
        folder: &str,
        events_file: &str,
        doc: &Doc,
        lines: &[String],
    ) -> PathBuf {
        self.write(Path::new(folder).join(doc.file), doc.text);
        self.write_lines(folder, events_file, &doc.header(), lines)
    }

    /// Writes `first` and `lines` as the events file `folder/events_file`.
    pub fn write_lines(
        &self,
        folder: &str,
        events_file: &str,
        first: &str,
        lines: &[String],
    ) -> PathBuf {
        let mut text = format!("{first}\n");
        for line in lines {
            text.push_str(line);
            text.push('\n');
        }
        self.write(Path::new(folder).join(events_file), text)
    }

    /// A plain SQLite connection to the log, behind policylog's back.
    pub fn sqlite(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).expect("open the log with rusqlite")
    }
}

/// A document to write next to an events file.
pub struct Doc {
    /// Path relative to the events file, e.g. `sources/ilo-note.txt`.
    pub file: &'static str,
    pub text: &'static str,
    pub title: &'static str,
    pub publisher: &'static str,
    pub published: &'static str,
}

impl Doc {
    pub fn sha256(&self) -> String {
        sha256_hex(self.text.as_bytes())
    }

    /// The correct header line for this document.
    pub fn header(&self) -> String {
        self.header_with(self.file, &self.sha256())
    }

    /// A header naming `file` and `sha256` instead of the right ones.
    pub fn header_with(&self, file: &str, sha256: &str) -> String {
        json!({"document": {
            "file": file,
            "sha256": sha256,
            "title": self.title,
            "publisher": self.publisher,
            "published": self.published,
        }})
        .to_string()
    }
}

/// A second document, not in the fixture: its events refer to the fixture's `org:icat`.
pub const ILO_NOTE: Doc = Doc {
    file: "sources/ilo-note.txt",
    text: "ICAT note on the ILO\n\n\
           The International Labour Organization (ILO) joined ICAT in March 2024.\n\
           The ILO calls for ten actions against forced labour.\n",
    title: "ILO note for tests",
    publisher: "ILO",
    published: "2024-03",
};

/// The events file of `ILO_NOTE`.
pub const ILO_EVENTS: &str = "2024-03-ilo-note.jsonl";

/// A good line for `ILO_NOTE`: registers `org:ilo`.
pub fn reg_ilo() -> String {
    event(
        "reg-ilo",
        "entity.registered",
        "2024-03",
        json!({"id": "org:ilo", "type": "org", "name": "International Labour Organization", "acronym": "ILO"}),
        "The International Labour Organization (ILO)",
    )
}

/// A good line for `ILO_NOTE`: `org:ilo` joins `org:icat` (registered by the fixture).
pub fn ilo_joins() -> String {
    event(
        "ilo-joins",
        "membership.joined",
        "2024-03",
        json!({"member": "org:ilo", "group": "org:icat"}),
        "The International Labour Organization (ILO) joined ICAT in March 2024.",
    )
}

/// An event line without `source` (files imply it through their header).
pub fn event(id: &str, kind: &str, valid: &str, payload: Value, quote: &str) -> String {
    json!({"id": id, "kind": kind, "valid": valid, "payload": payload, "quote": quote}).to_string()
}

/// A good line for `append` on the fixture: `org:iom` joins `org:icat` in 2020.
pub fn iom_joins() -> String {
    sourced(
        "iom-joins",
        "membership.joined",
        "2020",
        json!({"member": "org:iom", "group": "org:icat"}),
        "International Organization for Migration (IOM)",
    )
}

/// An event line with a `source` (what `append` takes).
pub fn sourced(id: &str, kind: &str, valid: &str, payload: Value, quote: &str) -> String {
    json!({
        "id": id, "kind": kind, "valid": valid, "payload": payload,
        "source": FIXTURE_SHA, "quote": quote,
    })
    .to_string()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Every file under `root`, as sorted paths relative to it.
pub fn files_under(root: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("folder entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).expect("under root").to_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// One run of the binary, built up then checked by `success` or `failure`.
#[must_use = "a Cmd does nothing until .success() or .failure(code)"]
pub struct Cmd {
    dir: PathBuf,
    db: Option<PathBuf>,
    args: Vec<OsString>,
    env: Vec<(OsString, OsString)>,
    stdin: Option<Vec<u8>>,
    stdout: Vec<String>,
    stdout_not: Vec<String>,
    stderr: Vec<String>,
}

/// What a finished run printed.
#[derive(Debug)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// Standard output parsed as one JSON value.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

impl Cmd {
    pub fn arg(mut self, arg: impl Into<OsString>) -> Cmd {
        self.args.push(arg.into());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Runs without `--db`, so that `POLICYLOG_DB` or the default path applies.
    pub fn without_db(mut self) -> Cmd {
        self.db = None;
        self
    }

    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Cmd {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn stdin(mut self, text: impl Into<Vec<u8>>) -> Cmd {
        self.stdin = Some(text.into());
        self
    }

    pub fn stdout_contains(mut self, text: impl Into<String>) -> Cmd {
        self.stdout.push(text.into());
        self
    }

    pub fn stdout_lacks(mut self, text: impl Into<String>) -> Cmd {
        self.stdout_not.push(text.into());
        self
    }

    pub fn stderr_contains(mut self, text: impl Into<String>) -> Cmd {
        self.stderr.push(text.into());
        self
    }

    /// Runs, and checks exit code 0 and the expected output.
    pub fn success(self) -> Outcome {
        self.check(0)
    }

    /// Runs, and checks exit code `code` and the expected output.
    pub fn failure(self, code: i32) -> Outcome {
        assert_ne!(code, 0, "use .success() for exit code 0");
        self.check(code)
    }

    /// Runs, checks nothing, and returns the exit code with the output.
    pub fn finish(self) -> (Option<i32>, Outcome) {
        let (output, _) = self.output();
        let outcome = Outcome {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        (output.status.code(), outcome)
    }

    fn check(self, code: i32) -> Outcome {
        let (output, shown) = self.output();
        let outcome = Outcome {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        let report = || {
            format!(
                "{shown}\nexit code: {:?}\n--- stdout\n{}--- stderr\n{}",
                output.status.code(),
                outcome.stdout,
                outcome.stderr
            )
        };
        assert_eq!(
            output.status.code(),
            Some(code),
            "expected exit code {code}\n{}",
            report()
        );
        for text in &self.stdout {
            assert!(
                outcome.stdout.contains(text.as_str()),
                "stdout lacks {text:?}\n{}",
                report()
            );
        }
        for text in &self.stdout_not {
            assert!(
                !outcome.stdout.contains(text.as_str()),
                "stdout should not contain {text:?}\n{}",
                report()
            );
        }
        for text in &self.stderr {
            assert!(
                outcome.stderr.contains(text.as_str()),
                "stderr lacks {text:?}\n{}",
                report()
            );
        }
        outcome
    }

    fn output(&self) -> (Output, String) {
        let mut cmd = cargo_bin_cmd!("policylog");
        cmd.current_dir(&self.dir)
            .env_remove("POLICYLOG_DB")
            .env("POLICYLOG_USER", "tester")
            .timeout(Duration::from_secs(120));
        let mut shown = String::from("policylog");
        if let Some(db) = &self.db {
            cmd.arg("--db").arg(db);
            shown.push_str(&format!(" --db {}", db.display()));
        }
        cmd.args(&self.args);
        for arg in &self.args {
            shown.push_str(&format!(" {}", arg.to_string_lossy()));
        }
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        if let Some(stdin) = &self.stdin {
            cmd.write_stdin(stdin.clone());
        }
        let output = cmd.output().expect("the binary runs");
        (output, shown)
    }
}

// Helpers for the query tests (state, diff, history, snapshot, curated, third_party).

/// A sentence of the fixture document, quotable by events appended to the fixture.
pub const FIXTURE_CBSS_SENTENCE: &str = "The Council of the Baltic Sea States (CBSS) joined the Inter-Agency Coordination Group against Trafficking in Persons (ICAT) in April 2020.";
/// Another: the priority areas.
pub const FIXTURE_PRIORITIES_SENTENCE: &str =
    "ICAT recommends six priority areas: building the evidence base; addressing the core drivers.";
/// Another: the statistic.
pub const FIXTURE_STATISTIC_SENTENCE: &str =
    "Children comprise approximately 35 percent of detected victims.";

/// The repository's curated events folder.
pub const CURATED_EVENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/events");

impl Test {
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
}

/// Compares `actual` byte for byte with `tests/golden/NAME`. With `UPDATE_GOLDEN=1` in the
/// environment it rewrites the file instead (then read the diff before committing it).
pub fn assert_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        fs::create_dir_all(path.parent().expect("has a parent")).expect("create tests/golden");
        fs::write(&path, actual).expect("write golden file");
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map_or(
                expected.lines().count().min(actual.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "output differs from {} (first at line {line}); if the change is intended, \
             rerun with UPDATE_GOLDEN=1 and review the diff\n--- expected\n{expected}--- actual\n{actual}",
            path.display()
        );
    }
}
