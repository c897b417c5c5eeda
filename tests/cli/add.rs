//! `add`: a new document into an events folder with the events the extractor proposes.
//! Each curated document is drafted with its own events left out (its events file and
//! its source taken out of a copy of events/), and the proposals are measured against
//! its curated events, then ingested with the curated log; bad input is refused with
//! exit 2 and nothing written.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::*;

mod curated;
mod texts;

/// The fixtures of this file: texts shaped like the two of issue 19.
pub const ADD_FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/add");

/// The JSON values of an events file's (or `add --dry-run`'s) non-empty lines.
pub fn jsonl(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// A copy of the test fixture's folder (one document, 13 events) in `events`.
pub fn fixture_folder(t: &Test) -> PathBuf {
    let events = t.path("events");
    copy_dir(Path::new(FIXTURE_DIR), &events);
    events
}

#[test]
fn add_copies_the_text_and_writes_its_events_file() {
    let t = Test::new();
    let events = fixture_folder(&t);
    let text = fs::read(Path::new(ADD_FIXTURES).join("directive-2024-1712.txt")).unwrap();
    let out = t
        .run(["add"])
        .arg(Path::new(ADD_FIXTURES).join("directive-2024-1712.txt"))
        .args([
            "--title",
            "Directive (EU) 2024/1712 amends the EU Anti-Trafficking Directive",
        ])
        .args([
            "--published",
            "2024-07",
            "--publisher",
            "org:icat",
            "--url",
            "https://example.org/d",
        ])
        .arg("--events")
        .arg(&events)
        .args(["--recorded-by", "maintainer"])
        .success();
    let written = events.join("2024-07-directive-eu-2024-1712-amends-the-eu.jsonl");
    assert_eq!(
        out.stdout.lines().next().unwrap(),
        written.display().to_string()
    );
    assert_eq!(
        fs::read(events.join("sources/directive-2024-1712.txt")).unwrap(),
        text,
        "byte for byte"
    );
    let lines = jsonl(&fs::read_to_string(&written).unwrap());
    let header = &lines[0]["document"];
    assert_eq!(header["sha256"], sha256_hex(&text));
    assert_eq!(header["file"], "sources/directive-2024-1712.txt");
    assert_eq!(
        (header["publisher"].as_str(), header["url"].as_str()),
        (Some("ICAT"), Some("https://example.org/d"))
    );
    // The adoption of issue 19's second text: its statuses, what it amends, its deadline.
    let status = |s: &str| {
        lines
            .iter()
            .find(|l| l["kind"] == "instrument.status" && l["payload"]["status"] == s)
            .unwrap_or_else(|| panic!("no {s} status in {lines:?}"))
    };
    assert_eq!(status("adopted")["valid"], "2024-06-13");
    assert_eq!(
        status("adopted")["payload"]["amends"],
        serde_json::json!(["instrument:directive-2011-36-eu"])
    );
    assert_eq!(status("in_force")["valid"], "2024-07-14");
    assert_eq!(
        status("in_force")["payload"]["transposition_deadline"],
        "2026-07-15"
    );
    assert_eq!(status("in_force")["version"], 2);
    // The same stamp on every line, after everything the folder holds.
    let stamps: BTreeSet<&str> = lines[1..]
        .iter()
        .map(|l| l["recorded_at"].as_str().unwrap())
        .collect();
    assert_eq!(stamps.len(), 1);
    assert!(*stamps.first().unwrap() > "2026-01-01T00:00:00Z");
    assert!(lines[1..].iter().all(|l| l["recorded_by"] == "maintainer"));
    for line in lines[1..]
        .iter()
        .filter(|l| l["kind"] != "entity.registered")
    {
        assert!(
            out.stdout.contains(line["kind"].as_str().unwrap()),
            "{}",
            out.stdout
        );
    }
}

/// Runs `add` on `file` into a copy of the fixture folder and checks it is refused
/// (exit 2) with `message`, leaving the folder and the log as they were.
fn refused(t: &Test, file: &Path, extra: &[&str], message: &str) {
    let events = t.path("events");
    let before = files_under(&events);
    let log_before = t.db().exists().then(|| fs::read(t.db()).unwrap());
    t.run(["add"])
        .arg(file)
        .args(["--title", "A title", "--published", "2024-07"])
        .args(extra)
        .arg("--events")
        .arg(&events)
        .stderr_contains(message)
        .failure(2);
    assert_eq!(
        files_under(&events),
        before,
        "a refused add wrote into the folder"
    );
    assert_eq!(
        t.db().exists().then(|| fs::read(t.db()).unwrap()),
        log_before,
        "a refused add touched the log"
    );
}

#[test]
fn bad_files_are_refused_without_blocking_or_writing() {
    let t = Test::new();
    fixture_folder(&t);
    refused(&t, &t.path("nowhere.txt"), &[], "there is no such file");
    fs::create_dir(t.path("a-folder")).unwrap();
    refused(
        &t,
        &t.path("a-folder"),
        &[],
        "is a directory, not a regular file",
    );
    let fifo = t.path("a-fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
    // Opening a FIFO without a writer would block: add must refuse it before opening.
    refused(&t, &fifo, &[], "is a FIFO (named pipe), not a regular file");
    refused(
        &t,
        Path::new("/dev/null"),
        &[],
        "is a device, not a regular file",
    );
    refused(
        &t,
        &Path::new(ADD_FIXTURES).join("not-utf8.txt"),
        &[],
        "is not UTF-8 text (invalid byte at offset 3)",
    );
    refused(
        &t,
        &Path::new(ADD_FIXTURES).join("blank.txt"),
        &[],
        "is empty",
    );
    assert!(!t.db().exists(), "add never creates the log");
}

#[test]
fn a_text_already_recorded_is_refused_naming_the_file_that_has_it() {
    let t = Test::new();
    let events = fixture_folder(&t);
    let fixture_text = events.join("sources/icat-note.txt");
    let outside = t.write("incoming/note.txt", fs::read(&fixture_text).unwrap());
    // In the folder, before any log exists.
    refused(
        &t,
        &outside,
        &[],
        "2023-07-18-icat-note.jsonl has the same sha256",
    );
    // In the log.
    t.ingest_fixture();
    fs::remove_dir_all(&events).unwrap();
    fs::create_dir(&events).unwrap();
    refused(
        &t,
        &outside,
        &[],
        "this text is already recorded: 2023-07-18-icat-note.jsonl (in the log",
    );
}

#[test]
fn bad_dates_and_unknown_publishers_are_refused_with_a_suggestion() {
    let t = Test::new();
    fixture_folder(&t);
    let text = Path::new(ADD_FIXTURES).join("directive-2024-1712.txt");
    let events = t.path("events");
    let before = files_under(&events);
    t.run(["add"])
        .arg(&text)
        .args(["--title", "T", "--published", "15 November 2021"])
        .arg("--events")
        .arg(&events)
        .stderr_contains(
            "`15 November 2021` is not an EDTF date; dates are EDTF: did you mean 2021-11-15?",
        )
        .failure(2);
    t.run(["add"])
        .arg(&text)
        .args(["--title", "T", "--published", "sometime"])
        .arg("--events")
        .arg(&events)
        .stderr_contains("`sometime` is not an EDTF date")
        .stderr_contains("write a day (`2023-07-18`)")
        .failure(2);
    assert_eq!(files_under(&events), before);
    refused(
        &t,
        &text,
        &["--publisher", "iom"],
        "`iom` is not an entity the log or the events folder knows: did you mean org:iom?",
    );
    refused(
        &t,
        &text,
        &["--publisher", "org:unodcc"],
        "did you mean org:unodc?",
    );
}

#[test]
fn add_never_overwrites_an_events_file_or_a_source() {
    let t = Test::new();
    let events = fixture_folder(&t);
    let text = Path::new(ADD_FIXTURES).join("directive-2024-1712.txt");
    // A source of that name with other bytes.
    t.write("events/sources/directive-2024-1712.txt", "another text\n");
    refused(
        &t,
        &text,
        &[],
        "directive-2024-1712.txt already exists and add never overwrites",
    );
    fs::remove_file(events.join("sources/directive-2024-1712.txt")).unwrap();
    // An events file of that name.
    t.write("events/2024-07-a-title.jsonl", "");
    refused(
        &t,
        &text,
        &[],
        "2024-07-a-title.jsonl already exists and add never overwrites",
    );
    assert_eq!(
        fs::read_to_string(events.join("2024-07-a-title.jsonl")).unwrap(),
        ""
    );
}

#[test]
fn the_log_is_only_read() {
    let t = Test::new();
    t.ingest_fixture();
    let events = t.path("new-events");
    let before = t.state();
    t.run(["add"])
        .arg(Path::new(ADD_FIXTURES).join("annual-report-2021.txt"))
        .args([
            "--title",
            "ICAT Annual Report 2021",
            "--published",
            "2022-03",
        ])
        .arg("--events")
        .arg(&events)
        .stdout_contains("proposed event(s)")
        .success();
    assert_eq!(t.state(), before, "add changed the log");
    // ICAT is known from the log, not registered again.
    let written = files_under(&events)
        .into_iter()
        .find(|f| f.extension().is_some_and(|x| x == "jsonl"))
        .unwrap();
    let lines = jsonl(&fs::read_to_string(events.join(written)).unwrap());
    assert!(
        !lines
            .iter()
            .any(|l| l["kind"] == "entity.registered" && l["payload"]["id"] == "org:icat")
    );
    assert!(lines.iter().any(|l| l["payload"]["group"] == "org:icat"));
}

#[test]
fn a_text_already_put_in_sources_is_used_where_it_is() {
    // README's first step puts the text in events/sources/ by hand.
    let t = Test::new();
    let events = fixture_folder(&t);
    let text = fs::read(Path::new(ADD_FIXTURES).join("annual-report-2021.txt")).unwrap();
    let placed = t.write("events/sources/annual-report-2021.txt", &text);
    let out = t
        .run(["add"])
        .arg(&placed)
        .args([
            "--title",
            "ICAT Annual Report 2021",
            "--published",
            "2022-03",
        ])
        .arg("--events")
        .arg(&events)
        .success();
    assert_eq!(fs::read(&placed).unwrap(), text);
    let written = PathBuf::from(out.stdout.lines().next().unwrap());
    let header = &jsonl(&fs::read_to_string(written).unwrap())[0]["document"];
    assert_eq!(header["file"], "sources/annual-report-2021.txt");
    // Once an events file names it, it is recorded: a second add is refused.
    refused(&t, &placed, &[], "has the same sha256");
}

#[test]
fn an_events_folder_that_is_a_file_is_refused() {
    let t = Test::new();
    let not_a_folder = t.write("events", "");
    t.run(["add"])
        .arg(Path::new(ADD_FIXTURES).join("annual-report-2021.txt"))
        .args(["--title", "T", "--published", "2022"])
        .arg("--events")
        .arg(&not_a_folder)
        .stderr_contains("is not a folder")
        .failure(2);
    assert_eq!(fs::read(&not_a_folder).unwrap(), b"");
}
