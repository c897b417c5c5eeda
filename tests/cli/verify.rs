//! `verify`: passes on a clean log; any byte changed behind the tool's back, or a missing
//! immutability trigger, fails it with exit code 1 and names what changed; the triggers
//! refuse UPDATE and DELETE through any connection.

use crate::harness::*;

#[test]
fn verify_passes_on_a_clean_log() {
    let t = Test::new();
    t.ingest_fixture();
    t.run(["verify"])
        .stdout_contains("checked 13 events")
        .stdout_contains("4 immutability triggers")
        .stdout_contains("ok")
        .stdout_lacks("FAIL")
        .success();
}

#[test]
fn verify_passes_on_an_empty_log() {
    let t = Test::new();
    t.run(["init"]).success();
    t.run(["verify"]).stdout_contains("ok").success();
}

#[test]
fn verify_fails_when_an_event_payload_was_changed() {
    let t = Test::new();
    t.ingest_fixture();
    let changed = t
        .sqlite()
        .execute_batch(
            "DROP TRIGGER events_no_update;
             UPDATE events SET payload = replace(payload, 'org:cbss', 'org:cbsz') WHERE id = 'cbss-joins';",
        );
    changed.expect("tampering succeeds without the trigger");
    t.run(["verify"])
        .stdout_contains("FAIL chain: cbss-joins")
        .stdout_lacks("ok: the log is intact")
        .stderr_contains("verification failed")
        .stderr_contains("cbss-joins")
        .failure(1);
}

#[test]
fn verify_names_a_head_hash_damaged_into_invalid_utf8() {
    let t = Test::new();
    t.ingest_fixture();
    // One bit flipped in the last event's hash: the text is no longer UTF-8. verify must
    // still read the head and name the event, not fail to read (it exited 3 before).
    t.sqlite()
        .execute_batch(
            "DROP TRIGGER events_no_update;
             UPDATE events SET hash = CAST(x'ff' || substr(hash, 2) AS TEXT)
              WHERE seq = (SELECT max(seq) FROM events);",
        )
        .expect("tampering succeeds without the trigger");
    t.run(["verify"])
        .stdout_contains("FAIL chain")
        .stderr_contains("verification failed")
        .failure(1);
}

#[test]
fn verify_fails_when_a_document_text_was_changed() {
    let t = Test::new();
    t.ingest_fixture();
    t.sqlite()
        .execute_batch(
            "DROP TRIGGER documents_no_update;
             UPDATE documents SET text = replace(text, 'April 2020', 'April 2021');",
        )
        .expect("tampering succeeds without the trigger");
    t.run(["verify"])
        .stdout_contains(format!("FAIL documents: {FIXTURE_SHA}"))
        .stdout_contains("text")
        .failure(1);
}

#[test]
fn verify_fails_when_a_document_title_was_changed() {
    let t = Test::new();
    t.ingest_fixture();
    t.sqlite()
        .execute_batch(
            "DROP TRIGGER documents_no_update;
             UPDATE documents SET title = 'ICAT note for tests, revised';",
        )
        .expect("tampering succeeds without the trigger");
    t.run(["verify"])
        .stdout_contains(format!("FAIL documents: {FIXTURE_SHA}"))
        .stdout_contains("title")
        .failure(1);
}

#[test]
fn verify_reports_a_missing_trigger_alone() {
    for trigger in [
        "events_no_update",
        "events_no_delete",
        "documents_no_update",
        "documents_no_delete",
    ] {
        let t = Test::new();
        t.ingest_fixture();
        t.sqlite()
            .execute_batch(&format!("DROP TRIGGER {trigger};"))
            .expect("drop trigger");
        t.run(["verify"])
            .stdout_contains(format!("FAIL triggers: {trigger}"))
            .stdout_contains("3 immutability triggers")
            .failure(1);
    }
}

#[test]
fn update_and_delete_are_refused_as_append_only() {
    let t = Test::new();
    t.ingest_fixture();
    let conn = t.sqlite();
    for sql in [
        "UPDATE events SET valid = '2021' WHERE id = 'cbss-joins'",
        "DELETE FROM events WHERE seq = 13",
        "UPDATE documents SET title = 'Other'",
        "DELETE FROM documents",
    ] {
        let error = conn
            .execute(sql, [])
            .expect_err(&format!("`{sql}` should be refused"));
        assert!(
            error.to_string().contains("append-only"),
            "`{sql}` failed, but not as append-only: {error}"
        );
    }
    drop(conn);
    t.run(["verify"]).stdout_contains("ok").success();
    assert_eq!(t.event_ids(), FIXTURE_IDS);
}

#[test]
fn verify_expect_head_passes_with_the_right_head() {
    let t = Test::new();
    t.ingest_fixture();
    let head = t.head_hash();
    t.run(["verify", "--expect-head", &head])
        .stdout_contains("ok")
        .success();
}

#[test]
fn verify_expect_head_fails_after_another_append() {
    let t = Test::new();
    t.ingest_fixture();
    let anchor = t.head_hash();
    t.run(["retract", "cbss-joins", "--reason", "test"])
        .success();
    t.run(["verify"]).success();
    t.run(["verify", "--expect-head", &anchor])
        .stdout_contains("FAIL head")
        .stdout_contains(&anchor)
        .failure(1);
}

#[test]
fn verify_json_reports_findings() {
    let t = Test::new();
    t.ingest_fixture();
    let clean = t.run(["verify", "--json"]).success().json();
    assert_eq!(clean["events"], 13);
    assert_eq!(clean["findings"], serde_json::json!([]));
    t.sqlite()
        .execute_batch("DROP TRIGGER events_no_delete;")
        .expect("drop trigger");
    let report = t.run(["verify", "--json"]).failure(1).json();
    assert_eq!(report["findings"][0]["check"], "triggers");
    assert_eq!(report["findings"][0]["subject"], "events_no_delete");
}

#[test]
fn verify_derived_compares_the_query_tables_with_the_events_and_leaves_no_scratch_behind() {
    let t = Test::new();
    t.ingest_fixture();
    let scratch = t.path("tmp");
    std::fs::create_dir(&scratch).unwrap();
    t.run(["verify", "--derived"])
        .env("TMPDIR", &scratch)
        .stdout_contains("derived the 12 query tables again from the events")
        .stdout_contains("ok: the log is intact")
        .success();
    // A period shows a forged entry, another period's: `state` would read it. Then one
    // that does not unpack at all, which `state` would refuse.
    for forged in [
        "(SELECT entry FROM key_periods WHERE period_id = (SELECT min(period_id) FROM key_periods))",
        "X'01FFFF'",
    ] {
        t.sqlite()
            .execute_batch(&format!(
                "UPDATE key_periods SET entry = {forged}
                 WHERE period_id = (SELECT max(period_id) FROM key_periods)"
            ))
            .unwrap();
        t.run(["verify", "--derived"])
            .env("TMPDIR", &scratch)
            .stdout_contains("FAIL derived: key_periods: differs from what the events give")
            .stdout_lacks("FAIL derived: facts")
            .failure(1);
    }
    let left: Vec<_> = std::fs::read_dir(&scratch).unwrap().collect();
    assert!(left.is_empty(), "scratch files left: {left:?}");
    // Plain verify does not derive anything again (and so does not see it).
    t.run(["verify"]).stdout_lacks("derived the").success();
}

#[test]
fn verify_derived_names_the_scratch_folder_when_it_cannot_make_its_copy_there() {
    let t = Test::new();
    t.ingest_fixture();
    let missing = t.path("no-such-folder");
    t.run(["verify", "--derived"])
        .env("TMPDIR", &missing)
        .stderr_contains(missing.display().to_string())
        .stderr_contains("point TMPDIR at another folder")
        .failure(3);
    // The log itself is untouched and still verifies.
    t.run(["verify"])
        .stdout_contains("ok: the log is intact")
        .success();
}
