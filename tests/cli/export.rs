//! `export`: the log written back in the canonical form `ingest` reads, so that ingest
//! followed by export changes no byte, and export followed by ingest rebuilds the chain.

use std::fs;
use std::path::Path;

use crate::harness::*;

/// Both folders hold the same files with the same bytes.
fn assert_same_tree(expected: &Path, actual: &Path) {
    let files = files_under(expected);
    assert_eq!(
        files_under(actual),
        files,
        "{} and {} hold different files",
        expected.display(),
        actual.display()
    );
    for file in &files {
        let (want, got) = (
            fs::read(expected.join(file)).expect("read"),
            fs::read(actual.join(file)).expect("read"),
        );
        assert!(
            want == got,
            "{} differs from the fixture:\n--- fixture\n{}\n--- export\n{}",
            file.display(),
            String::from_utf8_lossy(&want),
            String::from_utf8_lossy(&got)
        );
    }
}

#[test]
fn export_after_ingest_reproduces_the_fixture_byte_for_byte() {
    let t = Test::new();
    t.ingest_fixture();
    t.run(["export", "--out", "out"])
        .stdout_contains("wrote 13 events and 1 documents")
        .success();
    assert_same_tree(Path::new(FIXTURE_DIR), &t.path("out"));
}

#[test]
fn export_then_ingest_rebuilds_the_same_head() {
    let t = Test::new();
    t.ingest_fixture();
    t.write_events("ilo", ILO_EVENTS, &ILO_NOTE, &[reg_ilo(), ilo_joins()]);
    t.run(["ingest", "ilo"]).success();
    t.run(["retract", "cbss-joins", "--reason", "test"])
        .success();
    let head = t.head();
    t.run(["export", "--out", "out"]).success();

    let fresh = Test::new();
    copy_dir(&t.path("out"), &fresh.path("events"));
    fresh.run(["ingest", "events"]).success();
    assert_eq!(fresh.head(), head);
    fresh.run(["verify"]).success();

    // And exporting the rebuilt log writes the same files again.
    fresh.run(["export", "--out", "again"]).success();
    assert_same_tree(&t.path("out"), &fresh.path("again"));
}
