//! `ingest`: the fixture goes in whole, twice is a no-op, the chain is reproducible, and
//! every kind of bad input refuses the whole batch with exit code 2, naming file, line and
//! event, and leaving the log as it was.

use serde_json::json;

use crate::harness::*;

/// The head of the fixture's chain: the same on every machine, whatever the clock says.
const FIXTURE_HEAD: &str = "13 abc0dfd3f7973a00334d4d4ea1c735d49ad7c85b5084e69506e5a29aaf2cfd5d";

#[test]
fn ingest_of_the_fixture_folder_appends_its_document_and_13_events() {
    let t = Test::new();
    let folder = t.copy_fixture("fixture");
    t.run(["ingest".into(), folder.into_os_string()])
        .stdout_contains("read 1 file(s): 1 new document(s)")
        .stdout_contains("13 new event(s), 0 already in the log")
        .stdout_contains("head 13 ")
        .stdout_lacks("nothing new")
        .success();
    assert_eq!(t.event_ids(), FIXTURE_IDS);
}

#[test]
fn ingest_reads_a_single_events_file() {
    let t = Test::new();
    let folder = t.copy_fixture("fixture");
    t.run([
        "ingest".into(),
        folder.join(FIXTURE_EVENTS).into_os_string(),
    ])
    .stdout_contains("13 new event(s)")
    .success();
    assert_eq!(t.event_ids(), FIXTURE_IDS);
}

#[test]
fn reingest_appends_nothing() {
    let t = Test::new();
    let head = t.ingest_fixture();
    t.run(["ingest", "fixture"])
        .stdout_contains("0 new document(s), 1 already in the log")
        .stdout_contains("0 new event(s), 13 already in the log")
        .stdout_contains("nothing new")
        .stdout_contains(format!("head {head}"))
        .success();
    assert_eq!(t.head(), head);
    assert_eq!(t.event_ids(), FIXTURE_IDS);
}

#[test]
fn head_printed_by_ingest_is_identical_in_two_fresh_logs() {
    let head_line = |t: &Test| {
        t.copy_fixture("fixture");
        let out = t.run(["ingest", "fixture"]).success().stdout;
        out.lines()
            .find(|l| l.starts_with("head "))
            .unwrap_or_else(|| panic!("ingest printed no head:\n{out}"))
            .to_owned()
    };
    let (a, b) = (Test::new(), Test::new());
    let first = head_line(&a);
    assert_eq!(first, head_line(&b));
    assert_eq!(first, format!("head {}", a.head()));
}

#[test]
fn fixture_head_is_pinned() {
    // A changed hash means the chain format or the fixture changed: every existing log
    // would stop verifying against its anchors.
    assert_eq!(Test::new().ingest_fixture(), FIXTURE_HEAD);
}

// Bad input. Each case first ingests the fixture, then a folder `batch` holding a second
// document whose events file starts with good lines; the bad line comes after them, so a
// refusal that left the good lines behind would show in the log.

fn refuse_batch(lines: &[String], expect: &[&str]) -> Outcome {
    let t = Test::new();
    t.ingest_fixture();
    t.write_events("batch", ILO_EVENTS, &ILO_NOTE, lines);
    refuse_ingest(&t, expect)
}

fn refuse_ingest(t: &Test, expect: &[&str]) -> Outcome {
    let mut cmd = t.run(["ingest", "batch"]);
    for text in expect {
        cmd = cmd.stderr_contains(*text);
    }
    let out = t.refuse(cmd);
    let ids = t.event_ids();
    assert!(
        !ids.iter().any(|id| id == "reg-ilo" || id == "ilo-joins"),
        "good lines of a refused batch were written: {ids:?}"
    );
    t.run(["documents"]).stdout_lacks(ILO_NOTE.title).success();
    out
}

fn with_good_lines(bad: String) -> Vec<String> {
    vec![reg_ilo(), ilo_joins(), bad]
}

#[test]
fn malformed_json_refuses_the_batch() {
    refuse_batch(
        &with_good_lines(r#"{"id":"ilo-left","kind":"membership.left","#.into()),
        &["batch/2024-03-ilo-note.jsonl:4", "malformed JSON"],
    );
}

#[test]
fn event_without_a_header_refuses_the_batch() {
    let t = Test::new();
    t.ingest_fixture();
    // A good file first (read first: files go by name), then one whose first line is an
    // event that names no source.
    t.write_events("batch", ILO_EVENTS, &ILO_NOTE, &[reg_ilo(), ilo_joins()]);
    let orphan = event(
        "ilo-calls",
        "membership.left",
        "2024-03",
        json!({"member": "org:ilo", "group": "org:icat"}),
        "The ILO calls for ten actions against forced labour.",
    );
    t.write_lines("batch", "2025-no-header.jsonl", &orphan, &[]);
    refuse_ingest(
        &t,
        &[
            "batch/2025-no-header.jsonl:1",
            "(event `ilo-calls`)",
            "`source` is missing",
        ],
    );
}

#[test]
fn second_header_in_the_middle_of_a_file_refuses_the_batch() {
    refuse_batch(
        &with_good_lines(ILO_NOTE.header()),
        &[
            "batch/2024-03-ilo-note.jsonl:4",
            "header must be the first line",
        ],
    );
}

#[test]
fn document_whose_sha256_does_not_match_refuses_the_batch() {
    let t = Test::new();
    t.ingest_fixture();
    let wrong = "0".repeat(63) + "1";
    t.write(
        std::path::Path::new("batch").join(ILO_NOTE.file),
        ILO_NOTE.text,
    );
    t.write_lines(
        "batch",
        ILO_EVENTS,
        &ILO_NOTE.header_with(ILO_NOTE.file, &wrong),
        &[reg_ilo(), ilo_joins()],
    );
    refuse_ingest(
        &t,
        &[
            "batch/2024-03-ilo-note.jsonl:1",
            "sources/ilo-note.txt",
            &ILO_NOTE.sha256(),
            &wrong,
        ],
    );
}

#[test]
fn missing_source_file_refuses_the_batch() {
    let t = Test::new();
    t.ingest_fixture();
    t.write_lines(
        "batch",
        ILO_EVENTS,
        &ILO_NOTE.header_with("sources/missing.txt", &ILO_NOTE.sha256()),
        &[reg_ilo(), ilo_joins()],
    );
    refuse_ingest(
        &t,
        &[
            "batch/2024-03-ilo-note.jsonl:1",
            "sources/missing.txt",
            "cannot be read",
        ],
    );
}

#[test]
fn source_file_outside_the_folder_is_refused() {
    for file in [
        "../../etc/passwd",
        "/etc/passwd",
        "sources/../../fixture/sources/icat-note.txt",
    ] {
        let t = Test::new();
        t.ingest_fixture();
        t.write(
            std::path::Path::new("batch").join(ILO_NOTE.file),
            ILO_NOTE.text,
        );
        t.write_lines(
            "batch",
            ILO_EVENTS,
            &ILO_NOTE.header_with(file, &ILO_NOTE.sha256()),
            &[reg_ilo(), ilo_joins()],
        );
        refuse_ingest(
            &t,
            &[
                "batch/2024-03-ilo-note.jsonl:1",
                &format!("`{file}`"),
                "inside the events folder",
            ],
        );
    }
}

#[test]
fn unknown_kind_refuses_the_batch() {
    refuse_batch(
        &with_good_lines(event(
            "ilo-typo",
            "membership.joind",
            "2024-03",
            json!({"member": "org:ilo", "group": "org:icat"}),
            "joined ICAT in March 2024",
        )),
        &[
            "batch/2024-03-ilo-note.jsonl:4",
            "(event `ilo-typo`)",
            "unknown kind `membership.joind`",
        ],
    );
}

#[test]
fn missing_payload_field_refuses_the_batch() {
    refuse_batch(
        &with_good_lines(event(
            "ilo-half",
            "membership.joined",
            "2024-03",
            json!({"member": "org:ilo"}),
            "joined ICAT in March 2024",
        )),
        &[
            "batch/2024-03-ilo-note.jsonl:4",
            "(event `ilo-half`)",
            "missing field `group`",
        ],
    );
}

#[test]
fn mistyped_payload_field_refuses_the_batch() {
    refuse_batch(
        &with_good_lines(event(
            "ilo-call",
            "call.issued",
            "2024-03",
            json!({
                "call": "call:ilo-forced-labour",
                "title": "Ten actions against forced labour",
                "issuers": ["org:ilo"],
                "action_count": "10",
            }),
            "The ILO calls for ten actions against forced labour.",
        )),
        &[
            "batch/2024-03-ilo-note.jsonl:4",
            "(event `ilo-call`)",
            "bad payload for `call.issued`",
            "\"10\"",
        ],
    );
}

#[test]
fn impossible_day_refuses_the_batch() {
    refuse_batch(
        &with_good_lines(event(
            "ilo-feb",
            "membership.joined",
            "2023-02-30",
            json!({"member": "org:ilo", "group": "org:icat"}),
            "joined ICAT in March 2024",
        )),
        &[
            "batch/2024-03-ilo-note.jsonl:4",
            "(event `ilo-feb`)",
            "bad date in `valid`",
            "2023-02-30",
        ],
    );
}

#[test]
fn impossible_month_refuses_the_batch() {
    refuse_batch(
        &with_good_lines(event(
            "ilo-13",
            "membership.joined",
            "2024-13",
            json!({"member": "org:ilo", "group": "org:icat"}),
            "joined ICAT in March 2024",
        )),
        &[
            "batch/2024-03-ilo-note.jsonl:4",
            "(event `ilo-13`)",
            "bad date in `valid`",
            "2024-13",
        ],
    );
}

#[test]
fn impossible_date_inside_the_payload_refuses_the_batch() {
    refuse_batch(
        &with_good_lines(event(
            "ilo-stat",
            "statistic.reported",
            "2024-03",
            json!({
                "indicator": "indicator:ilo-actions",
                "label": "Actions",
                "value": 10,
                "unit": "actions",
                "period": "2024-13",
            }),
            "The ILO calls for ten actions",
        )),
        &[
            "batch/2024-03-ilo-note.jsonl:4",
            "(event `ilo-stat`)",
            "bad date in `period`",
        ],
    );
}

#[test]
fn quote_not_in_the_source_refuses_the_batch() {
    refuse_batch(
        &with_good_lines(event(
            "ilo-left",
            "membership.left",
            "2024-03",
            json!({"member": "org:ilo", "group": "org:icat"}),
            "The ILO left ICAT in March 2024.",
        )),
        &[
            "batch/2024-03-ilo-note.jsonl:4",
            "(event `ilo-left`)",
            "the quote is not in document",
            &ILO_NOTE.sha256()[..12],
        ],
    );
}

#[test]
fn reference_to_an_unregistered_entity_refuses_the_batch() {
    refuse_batch(
        &with_good_lines(event(
            "imo-joins",
            "membership.joined",
            "2024-03",
            json!({"member": "org:imo", "group": "org:icat"}),
            "joined ICAT in March 2024",
        )),
        &[
            "batch/2024-03-ilo-note.jsonl:4",
            "(event `imo-joins`)",
            "`member` refers to `org:imo`",
            "not registered",
        ],
    );
}

#[test]
fn id_already_in_the_log_with_other_content_refuses_the_batch() {
    refuse_batch(
        &with_good_lines(event(
            "cbss-joins",
            "membership.joined",
            "2024-03",
            json!({"member": "org:ilo", "group": "org:icat"}),
            "joined ICAT in March 2024",
        )),
        &[
            "batch/2024-03-ilo-note.jsonl:4",
            "(event `cbss-joins`)",
            "already in the log with different content",
        ],
    );
}

fn stamped(line: String, recorded_at: &str) -> String {
    let mut value: serde_json::Value = serde_json::from_str(&line).expect("JSON");
    value["recorded_at"] = recorded_at.into();
    value["recorded_by"] = "tester".into();
    value.to_string()
}

#[test]
fn recorded_at_in_the_future_refuses_the_batch() {
    let far = "2999-01-01T00:00:00Z";
    refuse_batch(
        &with_good_lines(stamped(
            event(
                "ilo-later",
                "membership.left",
                "2024-03",
                json!({"member": "org:ilo", "group": "org:icat"}),
                "joined ICAT in March 2024",
            ),
            far,
        )),
        &[
            "batch/2024-03-ilo-note.jsonl:4",
            "(event `ilo-later`)",
            far,
            "future",
        ],
    );
}

#[test]
fn recorded_at_before_the_log_head_refuses_the_batch() {
    // The fixture's events are recorded at 2026-01-01T00:00:00Z.
    let early = "2025-06-01T00:00:00Z";
    refuse_batch(
        &with_good_lines(stamped(
            event(
                "ilo-earlier",
                "membership.left",
                "2024-03",
                json!({"member": "org:ilo", "group": "org:icat"}),
                "joined ICAT in March 2024",
            ),
            early,
        )),
        &[
            "batch/2024-03-ilo-note.jsonl:4",
            "(event `ilo-earlier`)",
            early,
            "goes backwards",
        ],
    );
}

#[test]
fn recorded_at_going_backwards_within_a_file_refuses_the_batch() {
    let t = Test::new();
    t.ingest_fixture();
    t.write_events(
        "batch",
        ILO_EVENTS,
        &ILO_NOTE,
        &[
            stamped(reg_ilo(), "2026-03-02T00:00:00Z"),
            stamped(ilo_joins(), "2026-03-01T00:00:00Z"),
        ],
    );
    refuse_ingest(
        &t,
        &[
            "batch/2024-03-ilo-note.jsonl:3",
            "(event `ilo-joins`)",
            "goes backwards",
        ],
    );
}

#[test]
fn recorded_at_never_goes_backwards_along_the_chain() {
    let t = Test::new();
    t.ingest_fixture();
    // reg-ilo gets the batch's stamp (now); ilo-joins claims a time after the fixture's
    // 2026-01-01 but before now. Either refuse it, or keep seq order and time order equal.
    t.write_events(
        "batch",
        ILO_EVENTS,
        &ILO_NOTE,
        &[reg_ilo(), stamped(ilo_joins(), "2026-01-02T00:00:00Z")],
    );
    let (code, out) = t.run(["ingest", "batch"]).finish();
    assert!(matches!(code, Some(0 | 2)), "{out:?}");
    let times: Vec<String> = t
        .events()
        .iter()
        .map(|e| e["recorded_at"].as_str().expect("recorded_at").to_owned())
        .collect();
    for pair in times.windows(2) {
        assert!(
            pair[0] <= pair[1],
            "recorded_at goes backwards along seq: {} then {} (all: {times:?})",
            pair[0],
            pair[1]
        );
    }
}
