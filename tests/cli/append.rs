//! `append`: one event as `--json`, on standard input or as flags; it prints seq, id and
//! hash; `--expect-head` guards against concurrent appends; bad input is refused with
//! exit code 2, naming `--json`/`flags`/`standard input` and the event, and the log is
//! left as it was.

use serde_json::json;

use crate::harness::*;

/// Checks the "appended seq N id ID hash H" line against the log's new head.
fn assert_appended(t: &Test, out: &Outcome, seq: u32, id: &str) {
    let head = t.head_hash();
    assert_eq!(
        out.stdout.trim(),
        format!("appended seq {seq} id {id} hash {head}")
    );
    assert_eq!(t.event_ids().last().map(String::as_str), Some(id));
}

#[test]
fn append_json_prints_seq_id_and_hash() {
    let t = Test::new();
    t.ingest_fixture();
    let out = t.run(["append", "--json", &iom_joins()]).success();
    assert_appended(&t, &out, 14, "iom-joins");
}

#[test]
fn append_reads_the_event_from_standard_input() {
    let t = Test::new();
    t.ingest_fixture();
    let out = t.run(["append"]).stdin(iom_joins() + "\n").success();
    assert_appended(&t, &out, 14, "iom-joins");
}

#[test]
fn append_json_dash_reads_standard_input() {
    let t = Test::new();
    t.ingest_fixture();
    let out = t
        .run(["append", "--json", "-"])
        .stdin(iom_joins())
        .success();
    assert_appended(&t, &out, 14, "iom-joins");
}

#[test]
fn append_flags_build_the_event() {
    let t = Test::new();
    t.ingest_fixture();
    let out = t
        .run([
            "append",
            "--kind",
            "membership.joined",
            "--id",
            "unodc-joins",
            "--valid",
            "2019",
            "--source",
            FIXTURE_PREFIX,
            "--quote",
            "United Nations Office on Drugs and Crime (UNODC)",
            "--set",
            "member=org:unodc",
            "--set",
            "group=org:icat",
        ])
        .success();
    assert_appended(&t, &out, 14, "unodc-joins");
    let event = t.events().pop().expect("an event");
    assert_eq!(event["kind"], "membership.joined");
    assert_eq!(event["valid"], "2019");
    assert_eq!(event["source"], FIXTURE_SHA);
    assert_eq!(
        event["payload"],
        json!({"member": "org:unodc", "group": "org:icat"})
    );
}

#[test]
fn append_without_id_derives_one_from_the_content() {
    let t = Test::new();
    t.ingest_fixture();
    let line = json!({
        "kind": "membership.joined", "valid": "2020",
        "payload": {"member": "org:iom", "group": "org:icat"},
        "source": FIXTURE_PREFIX, "quote": "International Organization for Migration (IOM)",
    })
    .to_string();
    let out = t
        .run(["append", "--json", &line])
        .stdout_contains("appended seq 14 id ev-")
        .success();
    // The same content again is the same event: nothing is appended.
    let id = t.event_ids().pop().expect("an event");
    assert!(out.stdout.contains(&id));
    t.run(["append", "--json", &line])
        .stdout_contains(format!("already in the log: seq 14 id {id}"))
        .stdout_contains("nothing appended")
        .success();
    assert_eq!(t.event_ids().len(), 14);
}

#[test]
fn append_of_the_same_event_twice_appends_it_once() {
    let t = Test::new();
    t.ingest_fixture();
    t.run(["append", "--json", &iom_joins()]).success();
    let head = t.head();
    t.run(["append", "--json", &iom_joins()])
        .stdout_contains("already in the log: seq 14 id iom-joins")
        .success();
    assert_eq!(t.head(), head);
}

#[test]
fn append_with_the_right_expect_head_succeeds() {
    let t = Test::new();
    t.ingest_fixture();
    let head = t.head_hash();
    let out = t
        .run(["append", "--expect-head", &head, "--json", &iom_joins()])
        .success();
    assert_appended(&t, &out, 14, "iom-joins");
}

#[test]
fn append_with_a_wrong_expect_head_is_refused() {
    let t = Test::new();
    t.ingest_fixture();
    let stale = t.head_hash();
    t.run(["append", "--json", &iom_joins()]).success();
    let actual = t.head_hash();
    let line = sourced(
        "unodc-joins",
        "membership.joined",
        "2019",
        json!({"member": "org:unodc", "group": "org:icat"}),
        "United Nations Office on Drugs and Crime (UNODC)",
    );
    t.refuse(
        t.run(["append", "--expect-head", &stale, "--json", &line])
            .stderr_contains("--expect-head")
            .stderr_contains(&stale)
            .stderr_contains(&actual),
    );
}

#[test]
fn append_refuses_recorded_at() {
    let t = Test::new();
    t.ingest_fixture();
    let mut line: serde_json::Value = serde_json::from_str(&iom_joins()).expect("JSON");
    line["recorded_at"] = "2026-01-02T00:00:00Z".into();
    t.refuse(
        t.run(["append", "--json", &line.to_string()])
            .stderr_contains("--json")
            .stderr_contains("recorded_at"),
    );
}

#[test]
fn append_refusing_recorded_at_names_the_event() {
    let t = Test::new();
    t.ingest_fixture();
    let mut line: serde_json::Value = serde_json::from_str(&iom_joins()).expect("JSON");
    line["recorded_at"] = "2026-01-02T00:00:00Z".into();
    t.refuse(
        t.run(["append", "--json", &line.to_string()])
            .stderr_contains("--json (event `iom-joins`)")
            .stderr_contains("recorded_at"),
    );
}

#[test]
fn append_refuses_malformed_json() {
    let t = Test::new();
    t.ingest_fixture();
    t.refuse(
        t.run(["append", "--json", r#"{"id":"iom-joins","#])
            .stderr_contains("--json: malformed JSON"),
    );
}

#[test]
fn append_refuses_malformed_json_on_standard_input() {
    let t = Test::new();
    t.ingest_fixture();
    t.refuse(
        t.run(["append"])
            .stdin("{\"id\":\"iom-joins\",\n")
            .stderr_contains("standard input: malformed JSON"),
    );
}

#[test]
fn append_refuses_an_unknown_kind() {
    let t = Test::new();
    t.ingest_fixture();
    let line = sourced(
        "iom-typo",
        "membership.joind",
        "2020",
        json!({"member": "org:iom", "group": "org:icat"}),
        "International Organization for Migration (IOM)",
    );
    t.refuse(
        t.run(["append", "--json", &line])
            .stderr_contains("--json (event `iom-typo`)")
            .stderr_contains("unknown kind `membership.joind`"),
    );
}

#[test]
fn append_refuses_an_impossible_date_on_standard_input() {
    let t = Test::new();
    t.ingest_fixture();
    let line = sourced(
        "iom-feb",
        "membership.joined",
        "2023-02-30",
        json!({"member": "org:iom", "group": "org:icat"}),
        "International Organization for Migration (IOM)",
    );
    t.refuse(
        t.run(["append"])
            .stdin(line)
            .stderr_contains("standard input (event `iom-feb`)")
            .stderr_contains("2023-02-30"),
    );
}

#[test]
fn append_flags_refuse_an_unregistered_entity() {
    let t = Test::new();
    t.ingest_fixture();
    t.refuse(
        t.run([
            "append",
            "--kind",
            "membership.joined",
            "--id",
            "imo-joins",
            "--valid",
            "2020",
            "--source",
            FIXTURE_PREFIX,
            "--quote",
            "International Organization for Migration (IOM)",
            "--set",
            "member=org:imo",
            "--set",
            "group=org:icat",
        ])
        .stderr_contains("flags (event `imo-joins`)")
        .stderr_contains("`org:imo`")
        .stderr_contains("not registered"),
    );
}

#[test]
fn append_flags_refuse_a_quote_not_in_the_source() {
    let t = Test::new();
    t.ingest_fixture();
    t.refuse(
        t.run([
            "append",
            "--kind",
            "membership.left",
            "--id",
            "cbss-leaves",
            "--valid",
            "2024",
            "--source",
            FIXTURE_PREFIX,
            "--quote",
            "The CBSS left ICAT in 2024.",
            "--set",
            "member=org:cbss",
            "--set",
            "group=org:icat",
        ])
        .stderr_contains("flags (event `cbss-leaves`)")
        .stderr_contains("the quote is not in document"),
    );
}

#[test]
fn append_refuses_an_id_already_in_the_log_with_other_content() {
    let t = Test::new();
    t.ingest_fixture();
    let line = sourced(
        "cbss-joins",
        "membership.joined",
        "2021",
        json!({"member": "org:cbss", "group": "org:icat"}),
        "joined the Inter-Agency Coordination Group against Trafficking in Persons (ICAT) in April 2020",
    );
    t.refuse(
        t.run(["append", "--json", &line])
            .stderr_contains("--json (event `cbss-joins`)")
            .stderr_contains("already in the log with different content"),
    );
}

#[test]
fn append_refuses_a_source_that_is_not_in_the_log() {
    let t = Test::new();
    t.ingest_fixture();
    let mut line: serde_json::Value = serde_json::from_str(&iom_joins()).expect("JSON");
    line["source"] = "abcdef123456".into();
    t.refuse(
        t.run(["append", "--json", &line.to_string()])
            .stderr_contains("--json")
            .stderr_contains("abcdef123456"),
    );
}
