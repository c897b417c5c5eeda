//! A temporary folder with the curated events ingested, and a way to run the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// The repository's curated events.
pub const EVENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/events");
/// Where the rendered example lives.
pub const DOCS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs");

pub struct Log {
    dir: TempDir,
}

impl Log {
    /// A fresh log holding the curated events.
    pub fn curated() -> Log {
        let log = Log::empty();
        log.ok(&["ingest", EVENTS]);
        log
    }

    pub fn empty() -> Log {
        let dir = tempfile::Builder::new()
            .prefix("policylog-ecosystem-")
            .tempdir()
            .expect("temp dir");
        Log { dir }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("policylog.db")
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Corrects ICMPD's 2022 co-chair term into an open one, `2021-06/..`.
    pub fn open_icmpd_term(&self) {
        self.ok(&[
            "correct",
            "icat-cochair-icmpd-2022",
            "--json",
            r#"{"valid": "2021-06/.."}"#,
            "--reason",
            "test: an open term",
            "--id",
            "open-icmpd",
        ]);
    }

    /// Ends that open term in 2024-03 and the CBSS membership in 2024-06 (quoting
    /// sentences of the same documents: the tests need the events, not the truth).
    pub fn end_icmpd_term_and_cbss_membership(&self) {
        #[rustfmt::skip]
        self.ok(&[
            "append", "--kind", "role.ended", "--id", "end-icmpd", "--valid", "2024-03",
            "--source", "130d3182fe07", "--quote", "In 2022, ICMPD and UNODC co-chair the Group.",
            "--set", "group=org:icat", "--set", "holder=org:icmpd", "--set", "role=co-chair",
        ]);
        #[rustfmt::skip]
        self.ok(&[
            "append", "--kind", "membership.left", "--id", "cbss-leaves", "--valid", "2024-06",
            "--source", "414245735597",
            "--quote", "The Council of the Baltic Sea States joined the ICAT in April 2020",
            "--set", "group=org:icat", "--set", "member=org:cbss",
        ]);
    }

    /// Runs `policylog --db <log> ARGS` in the temp folder.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_policylog"))
            .arg("--db")
            .arg(self.db())
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("POLICYLOG_DB")
            .env_remove("NO_COLOR")
            .output()
            .expect("the binary runs")
    }

    /// Runs and insists on success; returns standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "policylog {args:?} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8 output")
    }
}

/// Runs `python3 -c SCRIPT ARGS...` and returns its standard output. A missing Python
/// fails the test: it must not pass silently.
pub fn python(script: &str, args: &[&Path]) -> String {
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs (the SQL test reads the log with Python's sqlite3 module)");
    assert!(
        output.status.success(),
        "python3 failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}
