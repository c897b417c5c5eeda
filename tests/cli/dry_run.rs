//! `ingest --dry-run`: a batch checked exactly as ingest checks it, every problem listed
//! (each naming file, line, event and the fix, then a summary line), nothing written —
//! not even a new log file. A refused line is skipped; a later line that needs it is told
//! that it depends on it, once. Plain `ingest` lists every problem the same way.

use serde_json::json;

use crate::harness::*;

/// The batch's events file, as messages name it.
const BATCH_FILE: &str = "batch/2024-03-ilo-note.jsonl";

/// A line `n` of the batch's events file, as messages name it.
fn at(n: usize) -> String {
    format!("{BATCH_FILE}:{n}")
}

/// An events file beside the fixture holding a mistake of each kind, each on its own line
/// (the line numbers are those of the file: the header is line 1).
fn many_mistakes(t: &Test) {
    let ilo_sentence = "The International Labour Organization (ILO) joined ICAT in March 2024.";
    let mut bad_quote: serde_json::Value = serde_json::from_str(&reg_ilo()).unwrap();
    bad_quote["quote"] = "The International Labour Organisation (ILO)".into();
    let lines = vec![
        // 2: a quote not in the document: refused; it registers org:ilo.
        bad_quote.to_string(),
        // 3: needs org:ilo, which line 2 registers.
        ilo_joins(),
        // 4: not JSON.
        r#"{"id":"half-a-line","kind":"#.to_owned(),
        // 5: a date written in words.
        event(
            "iom-left",
            "membership.left",
            "15 March 2024",
            json!({"member": "org:iom", "group": "org:icat"}),
            ilo_sentence,
        ),
        // 6: a kind that is not one.
        event(
            "iom-joind",
            "membership.joind",
            "2024-03",
            json!({"member": "org:iom", "group": "org:icat"}),
            ilo_sentence,
        ),
        // 7: a typo in a reference to what the log knows.
        event(
            "unodc-joins",
            "membership.joined",
            "2024-03",
            json!({"member": "org:unodcc", "group": "org:icat"}),
            ilo_sentence,
        ),
        // 8: a line longer than a line may be; the next line is still read as line 9.
        format!(
            r#"{{"id":"huge","kind":"membership.joined","pad":"{}"}}"#,
            "x".repeat(1 << 20)
        ),
        // 9: an id the log holds with other content.
        event(
            "cbss-joins",
            "membership.joined",
            "2024-03",
            json!({"member": "org:cbss", "group": "org:icat"}),
            ilo_sentence,
        ),
        // 10: retracts line 2's event: depends on it.
        event(
            "unsay-reg-ilo",
            "event.retracted",
            "2024-03",
            json!({"target": "reg-ilo", "reason": "test"}),
            ilo_sentence,
        ),
        // 11: a good line: checked, and not written.
        event(
            "icat-statistic-2024",
            "statistic.reported",
            "2024-03",
            json!({"indicator": "indicator:ilo-actions", "label": "Actions", "value": 10,
                   "unit": "actions", "period": "2024"}),
            "The ILO calls for ten actions against forced labour.",
        ),
    ];
    t.write_events("batch", ILO_EVENTS, &ILO_NOTE, &lines);
}

/// The problems printed, one per line of standard error, without the summary.
fn problems(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("policylog: ") && !l.contains(" problem"))
        .collect()
}

#[test]
fn a_dry_run_lists_every_problem_of_the_batch_and_writes_nothing() {
    let t = Test::new();
    t.ingest_fixture();
    many_mistakes(&t);
    let out = t.refuse(t.run(["ingest", "--dry-run", "batch"]));
    let expected = [
        (at(2), "(event `reg-ilo`): the quote is not in document"),
        (
            at(3),
            "(event `ilo-joins`): depends on batch/2024-03-ilo-note.jsonl:2 (event `reg-ilo`): `member` refers to `org:ilo`, which that line registers, and that line is refused; fix it first",
        ),
        (at(4), ": malformed JSON"),
        (
            at(5),
            "(event `iom-left`): bad date in `valid`: `15 March 2024` is not an EDTF date; dates are EDTF: did you mean 2024-03-15?",
        ),
        (
            at(6),
            "(event `iom-joind`): unknown kind `membership.joind`",
        ),
        (
            at(7),
            "(event `unodc-joins`): `member` refers to `org:unodcc`, which is not registered in the log or this batch; fix the typo, or register it with an entity.registered event (`policylog entities` lists the ids): did you mean org:unodc?",
        ),
        (at(8), "the line is longer than"),
        (
            at(9),
            "(event `cbss-joins`): event `cbss-joins` is already in the log with different content",
        ),
        (
            at(10),
            "(event `unsay-reg-ilo`): depends on batch/2024-03-ilo-note.jsonl:2 (event `reg-ilo`): `target` `reg-ilo` is the event of that line",
        ),
    ];
    let listed = problems(&out.stderr);
    assert_eq!(
        listed.len(),
        expected.len(),
        "one problem per bad line:\n{}",
        out.stderr
    );
    for (line, (place, what)) in listed.iter().zip(&expected) {
        assert!(
            line.starts_with(&format!("policylog: {place}")) && line.contains(what),
            "expected {place} … {what}\n got {line}\n{}",
            out.stderr
        );
    }
    // Then one summary line, last.
    let summary = out.stderr.lines().last().unwrap();
    assert_eq!(
        summary,
        "policylog: 9 problems in 1 events file (2 of them only because a line they depend on is refused); nothing was written"
    );
    assert!(!t.event_ids().contains(&"icat-statistic-2024".to_owned()));
}

#[test]
fn plain_ingest_lists_every_problem_the_same_way() {
    let t = Test::new();
    t.ingest_fixture();
    many_mistakes(&t);
    let dry = t.refuse(t.run(["ingest", "--dry-run", "batch"]));
    let real = t.refuse(t.run(["ingest", "batch"]));
    assert_eq!(real.stderr, dry.stderr, "one validation, two modes");
}

#[test]
fn a_clean_dry_run_says_so_creates_no_log_and_names_the_head_ingest_reaches() {
    let t = Test::new();
    let folder = t.copy_fixture("fixture");
    let out = t
        .run(["ingest", "--dry-run"])
        .arg(&folder)
        .stdout_contains("1 new document(s), 0 already in the log; 13 new event(s)")
        .stdout_contains("no problem found; nothing was written (dry run)")
        .success();
    assert!(!t.db().exists(), "a dry run created the log");
    // The fixture's lines carry their recorded_at: the head named is the one ingest reaches.
    t.run(["ingest"]).arg(&folder).success();
    let head = t.head();
    assert!(
        out.stdout.contains(&format!("reach head {head}")),
        "{}\nhead {head}",
        out.stdout
    );
    // On the log that holds them, nothing is new and nothing changes.
    let before = t.state();
    t.run(["ingest", "--dry-run"])
        .arg(&folder)
        .stdout_contains("0 new event(s), 13 already in the log")
        .success();
    assert_eq!(t.state(), before);
    // A good new document on that log: checked, not written; ingest then takes it.
    t.write_events("batch", ILO_EVENTS, &ILO_NOTE, &[reg_ilo(), ilo_joins()]);
    t.run(["ingest", "--dry-run", "batch"])
        .stdout_contains("1 new document(s), 0 already in the log; 2 new event(s)")
        .success();
    assert_eq!(t.state(), before, "a dry run wrote into the log");
    t.run(["ingest", "batch"])
        .stdout_contains("2 new event(s)")
        .success();
}

#[test]
fn a_dry_run_with_problems_creates_no_log_either() {
    let t = Test::new();
    many_mistakes(&t);
    let out = t.run(["ingest", "--dry-run", "batch"]).failure(2);
    assert!(!t.db().exists(), "a dry run created the log");
    // Without the fixture's log, its entities are unknown too: org:icat, with the nearest.
    assert!(
        out.stderr
            .contains("`group` refers to `org:icat`, which is not registered"),
        "{}",
        out.stderr
    );
}

#[test]
fn max_errors_stops_the_list_and_says_there_may_be_more() {
    let t = Test::new();
    t.ingest_fixture();
    many_mistakes(&t);
    let out = t.refuse(t.run(["ingest", "--dry-run", "--max-errors", "3", "batch"]));
    assert_eq!(problems(&out.stderr).len(), 3, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "; stopped at 3, there may be more (--max-errors N shows more); nothing was written"
        ),
        "{}",
        out.stderr
    );
    t.run(["ingest", "--dry-run", "--max-errors", "0", "batch"])
        .stderr_contains("--max-errors")
        .failure(2);
}

#[test]
fn a_file_whose_header_is_refused_is_not_checked_and_what_it_registers_is_named() {
    let t = Test::new();
    t.ingest_fixture();
    // The ILO note's header names a sha256 that is not its text's; a second document's
    // file refers to the org:ilo the first registers.
    t.write(format!("batch/{}", ILO_NOTE.file), ILO_NOTE.text);
    t.write_lines(
        "batch",
        ILO_EVENTS,
        &ILO_NOTE.header_with(ILO_NOTE.file, &"0".repeat(64)),
        &[reg_ilo(), ilo_joins()],
    );
    let second = Doc {
        file: "sources/second.txt",
        text: "The ILO took part in 2024.\n",
        title: "A second note",
        publisher: "ICAT",
        published: "2024",
    };
    t.write_events(
        "batch",
        "2024-second.jsonl",
        &second,
        &[event(
            "ilo-took-part",
            "membership.joined",
            "2024",
            json!({"member": "org:ilo", "group": "org:icat"}),
            "The ILO took part in 2024.",
        )],
    );
    let out = t.refuse(t.run(["ingest", "--dry-run", "batch"]));
    let listed = problems(&out.stderr);
    assert_eq!(listed.len(), 2, "{}", out.stderr);
    assert!(
        listed[0].starts_with("policylog: batch/2024-03-ilo-note.jsonl:1:")
            && listed[0].contains("but the header says 0000"),
        "{}",
        out.stderr
    );
    assert!(
        listed[1].contains("batch/2024-second.jsonl:2 (event `ilo-took-part`): depends on batch/2024-03-ilo-note.jsonl:2 (event `reg-ilo`)")
            && listed[1].contains("is not checked (its file's header is refused); fix the header first"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("; 2 event lines not checked, their file's header being refused;"),
        "{}",
        out.stderr
    );
}
