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

/// The fixtures of this file: texts shaped like the two of issue 19.
const ADD_FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/add");

/// Vocabulary 2 (`attested`, `decided`, `amends`, ...) is being added to ingest by
/// another helper. Until it is merged, the lines that need it (`"version":2`) are set
/// aside before ingesting; once it is, set this to `true`: every line then ingests.
const INGEST_READS_VOCABULARY_2: bool = true;

/// The recall and precision issue 19 asks of every curated document.
const RECALL: f64 = 0.60;
const PRECISION: f64 = 0.80;

/// One curated document: its events file, header and event lines.
struct Curated {
    file: PathBuf,
    header: Value,
    events: Vec<Value>,
}

impl Curated {
    fn all() -> Vec<Curated> {
        let mut files: Vec<PathBuf> = fs::read_dir(CURATED_EVENTS)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        files.sort();
        assert!(
            !files.is_empty(),
            "no curated events files in {CURATED_EVENTS}"
        );
        files
            .into_iter()
            .map(|file| {
                let lines = jsonl(&fs::read_to_string(&file).unwrap());
                let (header, events) = lines.split_first().expect("a header line");
                assert!(
                    header.get("document").is_some(),
                    "{}: no header",
                    file.display()
                );
                Curated {
                    file,
                    header: header["document"].clone(),
                    events: events.to_vec(),
                }
            })
            .collect()
    }

    fn name(&self) -> String {
        self.file
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    }

    /// The document's text, as a file outside the events folder.
    fn source(&self) -> PathBuf {
        Path::new(CURATED_EVENTS).join(self.header["file"].as_str().unwrap())
    }

    fn published(&self) -> &str {
        self.header["published"].as_str().unwrap()
    }

    /// events/ copied to `to`, without this document's events file and source.
    fn others(&self, to: &Path) {
        copy_dir(Path::new(CURATED_EVENTS), to);
        fs::remove_file(to.join(self.name())).unwrap();
        fs::remove_file(to.join(self.header["file"].as_str().unwrap())).unwrap();
    }
}

fn jsonl(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// What a proposal must share with a curated event to count as found (issue 19: kind,
/// the entities named, the date; here also the role, status or value, and a
/// registration's id). Written apart from the extractor's own measure on purpose.
fn fact(event: &Value) -> (String, String, BTreeSet<String>, String) {
    let p = &event["payload"];
    let kind = event["kind"].as_str().unwrap().to_owned();
    let mut ids = BTreeSet::new();
    for (field, v) in p.as_object().unwrap() {
        let names_entity = [
            "member",
            "group",
            "holder",
            "representative",
            "person",
            "org",
            "issuers",
            "owner",
            "instrument",
            "organisers",
            "participants",
            "publisher",
            "reported_by",
            "subject",
        ]
        .contains(&field.as_str())
            || (kind == "entity.registered" && field == "id");
        if !names_entity {
            continue;
        }
        match v {
            Value::String(s) => {
                ids.insert(s.clone());
            }
            Value::Array(a) => ids.extend(a.iter().map(|x| x.as_str().unwrap().to_owned())),
            _ => {}
        }
    }
    let detail = match kind.as_str() {
        "role.assigned" => p["role"].to_string(),
        "instrument.status" => p["status"].to_string(),
        "statistic.reported" => {
            let unit = p["unit"].as_str().unwrap();
            let measures =
                if ["percent", "USD", "EUR", "times"].contains(&unit) || unit.starts_with("in ") {
                    unit
                } else {
                    "count"
                };
            format!("{} {measures}", p["value"])
        }
        _ => String::new(),
    };
    (
        kind,
        event["valid"].as_str().unwrap().to_owned(),
        ids,
        detail,
    )
}

/// Recall and precision of `proposals` against `curated`, matched one to one.
fn figures(proposals: &[Value], curated: &[Value]) -> (f64, f64, usize, usize) {
    let mut left: Vec<_> = curated.iter().map(fact).collect();
    let mut correct = 0;
    for p in proposals {
        if let Some(i) = left.iter().position(|c| *c == fact(p)) {
            left.remove(i);
            correct += 1;
        }
    }
    let found = curated.len() - left.len();
    (
        found as f64 / curated.len() as f64,
        correct as f64 / proposals.len().max(1) as f64,
        found,
        correct,
    )
}

/// `add` of a curated document into `events`, without a log, as `--dry-run`: the lines.
fn draft(t: &Test, doc: &Curated, events: &Path) -> Vec<Value> {
    let out = t
        .run(["add"])
        .arg(doc.source())
        .args(["--title", doc.header["title"].as_str().unwrap()])
        .args(["--published", doc.published()])
        .arg("--events")
        .arg(events)
        .arg("--dry-run")
        .success();
    jsonl(&out.stdout)
}

#[test]
fn each_curated_document_drafted_without_its_own_events_meets_the_targets() {
    for doc in Curated::all() {
        let t = Test::new();
        let events = t.path("events");
        doc.others(&events);
        let before = files_under(&events);
        let lines = draft(&t, &doc, &events);
        assert_eq!(
            files_under(&events),
            before,
            "--dry-run wrote into the folder"
        );
        assert!(!t.db().exists(), "add created the log");
        let (header, proposals) = lines.split_first().expect("a header");
        assert_eq!(header["document"]["published"], doc.header["published"]);
        assert_eq!(header["document"]["sha256"], doc.header["sha256"]);
        let (recall, precision, found, correct) = figures(proposals, &doc.events);
        // Printed for tracking: `cargo test --test cli add -- --nocapture`.
        eprintln!(
            "{}: {found} of {} curated events proposed ({:.0}%), {correct} of {} proposals correct ({:.0}%)",
            doc.name(),
            doc.events.len(),
            recall * 100.0,
            proposals.len(),
            precision * 100.0
        );
        assert!(
            recall >= RECALL,
            "{}: recall {recall:.2} below {RECALL}",
            doc.name()
        );
        assert!(
            precision >= PRECISION,
            "{}: precision {precision:.2} below {PRECISION}",
            doc.name()
        );
        for p in proposals {
            let quote = p["quote"].as_str().expect("every proposal quotes");
            assert!(
                !quote.is_empty() && p["recorded_at"].is_string() && p["recorded_by"] == "tester",
                "{p}"
            );
        }
    }
}

#[test]
fn the_measure_command_reports_every_curated_document() {
    let t = Test::new();
    let out = t
        .run([
            "add",
            "--measure",
            "--format",
            "json",
            "--events",
            CURATED_EVENTS,
        ])
        .success()
        .json();
    let rows = out["documents"].as_array().unwrap();
    assert_eq!(rows.len(), Curated::all().len());
    for row in rows {
        assert!(row["recall"].as_f64().unwrap() >= RECALL, "{row}");
        assert!(row["precision"].as_f64().unwrap() >= PRECISION, "{row}");
        assert_eq!(
            row["refused"],
            serde_json::json!([]),
            "the tool's check refuses a proposal: {row}"
        );
    }
}

/// Registrations the other documents need from `doc` that the proposals did not make:
/// the curated log minus `doc` refers to them, so they are ingested beside the
/// proposals (they are no proposals, and no proposal can refer to them).
fn registrations_others_need(
    doc: &Curated,
    events: &Path,
    registered: &BTreeSet<String>,
) -> Vec<Value> {
    let mut referred = BTreeSet::new();
    for f in files_under(events) {
        if f.extension().is_some_and(|x| x == "jsonl") {
            for e in jsonl(&fs::read_to_string(events.join(&f)).unwrap())
                .iter()
                .skip(1)
            {
                let (_, _, ids, _) = fact(e);
                referred.extend(ids);
            }
        }
    }
    doc.events
        .iter()
        .filter(|e| e["kind"] == "entity.registered")
        .filter(|e| {
            let id = e["payload"]["id"].as_str().unwrap();
            referred.contains(id) && !registered.contains(id)
        })
        .cloned()
        .collect()
}

#[test]
fn every_proposal_ingests_into_the_curated_log_minus_its_document() {
    for doc in Curated::all() {
        let t = Test::new();
        let events = t.path("events");
        doc.others(&events);
        let out = t
            .run(["add"])
            .arg(doc.source())
            .args(["--title", doc.header["title"].as_str().unwrap()])
            .args(["--published", doc.published()])
            .arg("--events")
            .arg(&events)
            .success();
        let written = PathBuf::from(out.stdout.lines().next().unwrap());
        assert!(written.starts_with(&events), "{}", out.stdout);
        let text = fs::read_to_string(&written).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let proposals = jsonl(&text)[1..].to_vec();
        assert!(
            out.stdout
                .contains(&format!("{} proposed event(s)", proposals.len()))
        );
        let v2: Vec<&str> = lines[1..]
            .iter()
            .copied()
            .filter(|l| l.contains("\"version\":2"))
            .collect();
        if !INGEST_READS_VOCABULARY_2 {
            // Set aside until vocabulary 2 is merged (see the constant).
            let v1: Vec<&str> = lines.iter().copied().filter(|l| !v2.contains(l)).collect();
            fs::write(&written, v1.join("\n") + "\n").unwrap();
        }
        let registered: BTreeSet<String> = proposals
            .iter()
            .filter(|p| p["kind"] == "entity.registered")
            .map(|p| p["payload"]["id"].as_str().unwrap().to_owned())
            .collect();
        let needed = registrations_others_need(&doc, &events, &registered);
        let mut shim = vec![lines[0].to_owned()];
        shim.extend(needed.iter().map(Value::to_string));
        fs::write(
            events.join("zz-curated-registrations.jsonl"),
            shim.join("\n") + "\n",
        )
        .unwrap();
        t.run(["ingest"]).arg(&events).success();
        let in_log: BTreeSet<String> = t.event_ids().into_iter().collect();
        for p in &proposals {
            let id = p["id"].as_str().unwrap();
            let expected = INGEST_READS_VOCABULARY_2 || p.get("version").is_none();
            assert_eq!(in_log.contains(id), expected, "{}: {id}", doc.name());
        }
        t.run(["verify"]).success();
    }
}

/// A copy of the test fixture's folder (one document, 13 events) in `events`.
fn fixture_folder(t: &Test) -> PathBuf {
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

#[test]
fn terms_endorsed_for_a_later_year_carry_the_decision() {
    // Issue 19's first text: an annual report naming the 2021 co-chairs and those
    // endorsed for 2022.
    let t = Test::new();
    let events = fixture_folder(&t);
    let out = t
        .run(["add"])
        .arg(Path::new(ADD_FIXTURES).join("annual-report-2021.txt"))
        .args([
            "--title",
            "ICAT Annual Report 2021",
            "--published",
            "2022-03",
            "--dry-run",
        ])
        .arg("--events")
        .arg(&events)
        .success();
    let lines = jsonl(&out.stdout);
    let terms: BTreeSet<(String, String, String)> = lines
        .iter()
        .filter(|l| l["kind"] == "role.assigned" && l["payload"]["role"] == "co-chair")
        .map(|l| {
            (
                l["payload"]["holder"].as_str().unwrap().to_owned(),
                l["valid"].as_str().unwrap().to_owned(),
                l["payload"]["decided"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let term = |h: &str, v: &str, d: &str| (h.to_owned(), v.to_owned(), d.to_owned());
    assert_eq!(
        terms,
        BTreeSet::from([
            term("org:iom", "2021", ""),
            term("org:unodc", "2021", ""),
            term("org:icmpd", "2022", "2021-11-15"),
            term("org:unodc", "2022", "2021-11-15"),
        ])
    );
    let coordinator = lines
        .iter()
        .find(|l| l["payload"]["role"] == "coordinator")
        .unwrap();
    assert_eq!(
        (
            coordinator["valid"].as_str(),
            coordinator["payload"]["attested"].as_bool()
        ),
        (Some("2022-03"), Some(true))
    );
    // ICMPD is new to the fixture's log: registered under the id convention.
    assert!(
        lines
            .iter()
            .any(|l| l["kind"] == "entity.registered" && l["payload"]["id"] == "org:icmpd")
    );
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
        .stderr_contains("`15 November 2021` is not an EDTF date: did you mean 2021-11-15?")
        .failure(2);
    t.run(["add"])
        .arg(&text)
        .args(["--title", "T", "--published", "sometime"])
        .arg("--events")
        .arg(&events)
        .stderr_contains("`sometime` is not an EDTF date; dates are EDTF")
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
