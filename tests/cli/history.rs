//! `history ID`: every event that names an entity, in valid-time order, with when the log
//! recorded it, its source and its quote, and whether it was later retracted.

use serde_json::Value;

use crate::harness::*;

/// Appends a CBSS co-chair term `2019/2020`: recorded after the fixture (seq 14), but
/// earlier in valid time than everything the fixture says about the CBSS.
fn append_cbss_co_chair_2019_2020(t: &Test) {
    t.append_fixture_event(
        "role.assigned",
        "cochair-cbss-2019-2020",
        "2019/2020",
        FIXTURE_CBSS_SENTENCE,
        &["group=org:icat", "holder=org:cbss", "role=co-chair"],
    );
}

fn history_json(t: &Test, id: &str) -> Value {
    t.run(["history", id, "--json"]).success().json()
}

fn ids(history: &Value) -> Vec<&str> {
    history["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["id"].as_str().expect("id"))
        .collect()
}

#[test]
fn history_lists_the_events_in_valid_time_order_with_recorded_time_source_and_quote() {
    let t = Test::new();
    t.ingest_fixture();
    append_cbss_co_chair_2019_2020(&t);
    let out = t
        .run(["history", "org:cbss"])
        .stdout_contains("History of Council of the Baltic Sea States (org:cbss)")
        .success();
    // Valid-time order, not log order: 2019/2020 (seq 14), 2020-04 (seq 7), 2023-07-18 (seq 2).
    let headers: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with("20")).collect();
    assert_eq!(
        headers,
        [
            "2019/2020 role.assigned cochair-cbss-2019-2020",
            "2020-04 membership.joined cbss-joins",
            "2023-07-18 entity.registered reg-cbss",
        ]
    );
    // Each with its transaction time, source and quote.
    let block = out
        .stdout
        .split("\n\n")
        .find(|b| b.starts_with("2020-04 membership.joined cbss-joins"))
        .expect("a block for cbss-joins");
    assert!(
        block.contains("recorded 2026-01-01T00:00:00Z by fixture (seq 7)"),
        "{block}"
    );
    assert!(
        block.contains(&format!("source {FIXTURE_PREFIX} ICAT note for tests")),
        "{block}"
    );
    let quote: Vec<&str> = block
        .lines()
        .skip_while(|l| !l.trim_start().starts_with('“'))
        .flat_map(|l| l.split_whitespace())
        .collect();
    assert_eq!(
        quote.join(" "),
        "“joined the Inter-Agency Coordination Group against Trafficking in Persons (ICAT) in April 2020”"
    );
    let appended = out
        .stdout
        .split("\n\n")
        .find(|b| b.starts_with("2019/2020"))
        .expect("a block for the appended term");
    assert!(appended.contains("by tester (seq 14)"), "{appended}");
}

#[test]
fn history_json_has_each_event_with_its_source_and_quote() {
    let t = Test::new();
    t.ingest_fixture();
    append_cbss_co_chair_2019_2020(&t);
    let history = history_json(&t, "org:cbss");
    assert_eq!(history["entity"], "org:cbss");
    assert_eq!(history["name"], "Council of the Baltic Sea States");
    assert_eq!(
        ids(&history),
        ["cochair-cbss-2019-2020", "cbss-joins", "reg-cbss"]
    );
    let joined = &history["events"][1];
    assert_eq!(joined["seq"], 7);
    assert_eq!(joined["kind"], "membership.joined");
    assert_eq!(joined["valid"], "2020-04");
    assert_eq!(joined["recorded_at"], "2026-01-01T00:00:00Z");
    assert_eq!(joined["recorded_by"], "fixture");
    assert_eq!(joined["payload"]["group"], "org:icat");
    assert_eq!(joined["payload"]["member"], "org:cbss");
    assert_eq!(joined["source"]["sha256"], FIXTURE_SHA);
    assert_eq!(joined["source"]["title"], "ICAT note for tests");
    assert_eq!(joined["source"]["published"], "2023-07-18");
    assert_eq!(
        joined["quote"],
        "joined the Inter-Agency Coordination Group against Trafficking in Persons (ICAT) in April 2020"
    );
    assert_eq!(joined["status"], Value::Null);
    let appended = &history["events"][0];
    assert_eq!(appended["seq"], 14);
    assert_eq!(appended["recorded_by"], "tester");
    assert_eq!(appended["quote"], FIXTURE_CBSS_SENTENCE);
    // Only events that name it.
    let icat = history_json(&t, "org:icat");
    assert!(ids(&icat).contains(&"cochair-iom-2023"));
    assert!(!ids(&history).contains(&"cochair-iom-2023"));
}

#[test]
fn history_marks_a_retracted_event() {
    let t = Test::new();
    t.ingest_fixture();
    t.run([
        "retract",
        "cochair-iom-2023",
        "--reason",
        "test",
        "--id",
        "undo-iom",
    ])
    .success();
    let history = history_json(&t, "org:iom");
    assert_eq!(ids(&history), ["cochair-iom-2023", "reg-iom"]);
    assert_eq!(
        history["events"][0]["status"],
        "retracted by undo-iom at seq 14"
    );
    assert_eq!(history["events"][1]["status"], Value::Null);
    t.run(["history", "org:iom"])
        .stdout_contains("2023 role.assigned cochair-iom-2023 [retracted by undo-iom at seq 14]")
        .success();
    // A correction is marked too.
    t.run([
        "correct",
        "cbss-joins",
        "--json",
        r#"{"valid":"2020-05"}"#,
        "--reason",
        "May",
        "--id",
        "cbss-may",
    ])
    .success();
    let cbss = history_json(&t, "org:cbss");
    let joined = cbss["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "cbss-joins")
        .expect("cbss-joins is still listed");
    assert_eq!(joined["status"], "corrected by cbss-may at seq 15");
}

#[test]
fn history_of_an_unknown_entity_is_refused_naming_it() {
    let t = Test::new();
    t.ingest_fixture();
    t.refuse(t.run(["history", "org:nope"]).stderr_contains("`org:nope`"));
    t.refuse(
        t.run(["history", "org:nope", "--json"])
            .stderr_contains("`org:nope`"),
    );
}
