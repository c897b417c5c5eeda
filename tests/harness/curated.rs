//! The curated landscape as `events/` holds it today. Tests that need it ingest it and
//! count it from the files; none writes its size, head or figure down, so a new document
//! in `events/` leaves them green (`scripts/curated.sh check` compares the data with
//! `events/HEAD`, `snapshots/` and `docs/timeline.svg`).

use std::fs;
use std::path::Path;

use super::Test;

/// The repository's curated events folder.
pub const CURATED_EVENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/events");

/// The names of the events files in `folder`, in the order ingest reads them.
pub fn events_files(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| entry.expect("folder entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".jsonl"))
        .collect();
    names.sort();
    names
}

/// How many events the files in `folder` hold: every line but each file's header.
pub fn events_in(folder: &Path) -> i64 {
    let lines: usize = events_files(folder)
        .iter()
        .map(|name| {
            let text = fs::read_to_string(folder.join(name)).expect("read an events file");
            text.lines()
                .skip(1)
                .filter(|l| !l.trim().is_empty())
                .count()
        })
        .sum();
    i64::try_from(lines).expect("a count")
}

/// The names of the curated events files, in the order ingest reads them.
pub fn curated_events_files() -> Vec<String> {
    events_files(Path::new(CURATED_EVENTS))
}

/// How many events the curated files hold.
pub fn curated_event_count() -> i64 {
    events_in(Path::new(CURATED_EVENTS))
}

impl Test {
    /// A fresh log holding the curated events.
    pub fn curated() -> Test {
        let t = Test::new();
        t.run(["ingest", CURATED_EVENTS])
            .stdout_contains("new event(s)")
            .success();
        t
    }

    /// Corrects ICMPD's 2022 co-chair term into an open one, `2021-06/..`.
    pub fn open_icmpd_term(&self) {
        self.run([
            "correct",
            "icat-cochair-icmpd-2022",
            "--json",
            r#"{"valid": "2021-06/.."}"#,
            "--reason",
            "test: an open term",
            "--id",
            "open-icmpd",
        ])
        .success();
    }

    /// Ends that open term in 2024-03 and the CBSS membership in 2024-06 (quoting
    /// sentences of the same documents: the tests need the events, not the truth).
    pub fn end_icmpd_term_and_cbss_membership(&self) {
        #[rustfmt::skip]
        self.run([
            "append", "--kind", "role.ended", "--id", "end-icmpd", "--valid", "2024-03",
            "--source", "130d3182fe07", "--quote", "In 2022, ICMPD and UNODC co-chair the Group.",
            "--set", "group=org:icat", "--set", "holder=org:icmpd", "--set", "role=co-chair",
        ])
        .success();
        #[rustfmt::skip]
        self.run([
            "append", "--kind", "membership.left", "--id", "cbss-leaves", "--valid", "2024-06",
            "--source", "414245735597",
            "--quote", "The Council of the Baltic Sea States joined the ICAT in April 2020",
            "--set", "group=org:icat", "--set", "member=org:cbss",
        ])
        .success();
    }
}
