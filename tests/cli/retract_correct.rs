//! `retract` and `correct`: each appends one `event.retracted`/`event.corrected` event;
//! the original stays in the log untouched.

use serde_json::{Value, json};

use crate::harness::*;

fn event_by_id(t: &Test, id: &str) -> Value {
    t.events()
        .into_iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("no event {id} in the log"))
}

#[test]
fn retract_appends_an_event_retracted_and_keeps_the_original() {
    let t = Test::new();
    t.ingest_fixture();
    let original = event_by_id(&t, "cbss-joins");
    t.run([
        "retract",
        "cbss-joins",
        "--reason",
        "the CBSS joined in 2021",
    ])
    .stdout_contains("appended seq 14 id ")
    .success();
    let events = t.events();
    assert_eq!(events.len(), 14);
    let retraction = &events[13];
    assert_eq!(retraction["kind"], "event.retracted");
    assert_eq!(
        retraction["payload"],
        json!({"target": "cbss-joins", "reason": "the CBSS joined in 2021"})
    );
    assert_eq!(event_by_id(&t, "cbss-joins"), original);
    t.run(["verify"]).success();
}

#[test]
fn retract_prints_seq_id_and_hash_of_the_new_head() {
    let t = Test::new();
    t.ingest_fixture();
    let out = t
        .run([
            "retract",
            "cbss-joins",
            "--reason",
            "wrong",
            "--id",
            "undo-cbss",
        ])
        .success();
    assert_eq!(
        out.stdout.trim(),
        format!("appended seq 14 id undo-cbss hash {}", t.head_hash())
    );
}

#[test]
fn correct_appends_an_event_corrected_and_keeps_the_original() {
    let t = Test::new();
    t.ingest_fixture();
    let original = event_by_id(&t, "cbss-joins");
    t.run([
        "correct",
        "cbss-joins",
        "--json",
        r#"{"valid":"2020-05"}"#,
        "--reason",
        "the note says May",
    ])
    .stdout_contains("appended seq 14 id ")
    .success();
    let events = t.events();
    assert_eq!(events.len(), 14);
    let correction = &events[13];
    assert_eq!(correction["kind"], "event.corrected");
    assert_eq!(correction["payload"]["target"], "cbss-joins");
    assert_eq!(correction["payload"]["reason"], "the note says May");
    assert_eq!(
        correction["payload"]["replacement"],
        json!({
            "kind": "membership.joined",
            "valid": "2020-05",
            "payload": {"member": "org:cbss", "group": "org:icat"},
        })
    );
    // What the replacement leaves out comes from the target, evidence included.
    assert_eq!(correction["source"], original["source"]);
    assert_eq!(correction["quote"], original["quote"]);
    assert_eq!(event_by_id(&t, "cbss-joins"), original);
    assert_eq!(original["valid"], "2020-04");
    t.run(["verify"]).success();
}

#[test]
fn retract_of_an_unknown_event_is_refused() {
    let t = Test::new();
    t.ingest_fixture();
    t.refuse(
        t.run(["retract", "no-such-event", "--reason", "x"])
            .stderr_contains("`no-such-event`"),
    );
}

#[test]
fn correct_of_an_unknown_event_is_refused() {
    let t = Test::new();
    t.ingest_fixture();
    t.refuse(
        t.run([
            "correct",
            "no-such-event",
            "--json",
            r#"{"valid":"2020-05"}"#,
            "--reason",
            "x",
        ])
        .stderr_contains("`no-such-event`"),
    );
}

#[test]
fn correct_with_an_impossible_date_is_refused() {
    let t = Test::new();
    t.ingest_fixture();
    t.refuse(
        t.run([
            "correct",
            "cbss-joins",
            "--json",
            r#"{"valid":"2024-13"}"#,
            "--reason",
            "x",
        ])
        .stderr_contains("2024-13"),
    );
}

#[test]
fn correct_with_an_unknown_replacement_field_is_refused() {
    let t = Test::new();
    t.ingest_fixture();
    t.refuse(
        t.run([
            "correct",
            "cbss-joins",
            "--json",
            r#"{"vaild":"2020-05"}"#,
            "--reason",
            "x",
        ])
        .stderr_contains("--json")
        .stderr_contains("`vaild`"),
    );
}
