//! The repository's curated `events/`: ingested as they stand, and landmark facts of the
//! ICAT landscape read back by query. Entries are found by the ids of the organisations
//! involved, not by event ids, which curation may still change.

use std::path::Path;

use serde_json::Value;

use crate::harness::*;

/// `(holder, term, certainty)` of every holder of `role` in ICAT.
fn icat_role(state: &Value, role: &str) -> Vec<(String, String, String)> {
    let mut found: Vec<(String, String, String)> = state["groups"]["org:icat"]["roles"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|r| r["role"] == role)
        .map(|r| {
            (
                r["holder"].as_str().unwrap().to_owned(),
                r["term"].as_str().unwrap().to_owned(),
                r["certainty"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

fn holders(state: &Value, role: &str) -> Vec<String> {
    icat_role(state, role)
        .into_iter()
        .map(|(h, _, _)| h)
        .collect()
}

fn calls(state: &Value) -> &Vec<Value> {
    state["calls"].as_array().expect("calls")
}

#[test]
fn curated_events_verify() {
    let t = Test::curated();
    t.run(["verify"])
        .stdout_contains("ok: the log is intact")
        .success();
}

#[test]
fn curated_cbss_is_a_member_of_icat_since_april_2020() {
    let t = Test::curated();
    let state = t.state_json(&["--as-of", "2020-12-31"]);
    let members = state["groups"]["org:icat"]["members"]
        .as_array()
        .unwrap_or_else(|| panic!("ICAT has no members at the end of 2020: {state}"));
    let cbss = members
        .iter()
        .find(|m| m["member"] == "org:cbss")
        .unwrap_or_else(|| panic!("the CBSS is not a member of ICAT: {members:?}"));
    assert_eq!(cbss["since"], "2020-04");
    assert_eq!(cbss["certainty"], "certain");
    let evidence = cbss["evidence"].as_array().unwrap();
    assert!(!evidence.is_empty());
    for id in evidence {
        let cited = &state["evidence"][id.as_str().unwrap()];
        assert_eq!(cited["kind"], "membership.joined");
        assert!(
            cited["quote"]
                .as_str()
                .is_some_and(|q| q.contains("April 2020")),
            "{cited}"
        );
    }
    // Not yet before April 2020.
    let before = t.state_json(&["--as-of", "2020-03-31"]);
    assert!(
        before["groups"]["org:icat"]["members"]
            .as_array()
            .is_none_or(|m| m.iter().all(|m| m["member"] != "org:cbss"))
    );
}

/// ICAT's coordinator on a day: `(holder, certainty, attested, attested_next)`.
fn icat_coordinator(state: &Value) -> Vec<(String, String, Value, Value)> {
    state["groups"]["org:icat"]["roles"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|r| r["role"] == "coordinator")
        .map(|r| {
            (
                r["holder"].as_str().unwrap().to_owned(),
                r["certainty"].as_str().unwrap().to_owned(),
                r["attested"].clone(),
                r["attested_next"].clone(),
            )
        })
        .collect()
}

#[test]
fn curated_2023_co_chairs_are_iom_and_osrsg_vac() {
    let t = Test::curated();
    let mid_2023 = t.state_json(&["--as-of", "2023-06-30"]);
    assert_eq!(
        icat_role(&mid_2023, "co-chair"),
        [
            ("org:iom".into(), "2023".into(), "certain".into()),
            ("org:osrsg-vac".into(), "2023".into(), "certain".into()),
        ]
    );
    assert_eq!(mid_2023["entities"]["org:osrsg-vac"]["type"], "org");
    let on_the_day = t.state_json(&["--as-of", "2023-07-18"]);
    assert_eq!(
        holders(&on_the_day, "co-chair"),
        ["org:iom", "org:osrsg-vac"]
    );
}

#[test]
fn curated_unodc_is_the_coordinator_attested_from_december_2020_on() {
    // events/README.md, "Coordinator": two documents say in the present tense that UNODC
    // coordinates ICAT, at the dates they speak from (2020-12 and 2023-07-18); neither
    // dates a start. Decision 0006: nothing before the first, and after it UNODC is
    // coordinator as an attested continuation, citing the latest source and the next.
    let t = Test::curated();
    let before = t.state_json(&["--as-of", "2020-11-30"]);
    assert_eq!(icat_coordinator(&before), []);
    let between = t.state_json(&["--as-of", "2021-06-01"]);
    assert_eq!(
        icat_coordinator(&between),
        [(
            "org:unodc".into(),
            "attested".into(),
            "2020-12".into(),
            "2023-07-18".into()
        )]
    );
    // In the months between the documents too, not only on their dates.
    let mid_2023 = t.state_json(&["--as-of", "2023-06-30"]);
    assert_eq!(icat_coordinator(&mid_2023)[0].1, "attested");
    let on_the_day = t.state_json(&["--as-of", "2023-07-18"]);
    assert_eq!(icat_coordinator(&on_the_day)[0].1, "certain");
    let end_of_2023 = t.state_json(&["--as-of", "2023-12-31"]);
    assert_eq!(
        icat_coordinator(&end_of_2023),
        [(
            "org:unodc".into(),
            "attested".into(),
            "2023-07-18".into(),
            Value::Null
        )]
    );
    t.run(["state", "--as-of", "2023-12-31", "--group", "org:icat"])
        // Wide enough that the role's term is not wrapped inside its column.
        .env("COLUMNS", "200")
        .stdout_contains("attested 2023-07-18; no later source")
        .success();
    // The second document confirms what stands: UNODC does not "begin" as coordinator.
    let diff = t.run(["diff", "2022", "2023-07-18"]).success();
    assert!(!diff.stdout.contains("coordinator"), "{}", diff.stdout);
    let first = t.run(["diff", "2020-11-30", "2021"]).success();
    assert!(
        first
            .stdout
            .contains("UNODC first attested as coordinator of ICAT (attested 2020-12;"),
        "{}",
        first.stdout
    );
}

#[test]
fn curated_2022_co_chairs_are_icmpd_and_unodc() {
    let t = Test::curated();
    let state = t.state_json(&["--as-of", "2022-12-31"]);
    assert_eq!(
        icat_role(&state, "co-chair"),
        [
            ("org:icmpd".into(), "2022".into(), "certain".into()),
            ("org:unodc".into(), "2022".into(), "certain".into()),
        ]
    );
    // A year later they have handed over.
    let next = t.state_json(&["--as-of", "2023-12-31"]);
    assert_eq!(holders(&next, "co-chair"), ["org:iom", "org:osrsg-vac"]);
}

#[test]
fn curated_calls_include_the_2022_joint_statement_and_the_call_for_accelerated_action() {
    let t = Test::curated();
    let state = t.state_json(&["--as-of", "2024-12-31"]);
    let sixteen: Vec<&Value> = calls(&state)
        .iter()
        .filter(|c| c["action_count"] == 16)
        .collect();
    assert_eq!(
        sixteen.len(),
        1,
        "one call with 16 actions: {:?}",
        calls(&state)
    );
    let statement = sixteen[0];
    assert!(
        statement["title"]
            .as_str()
            .is_some_and(|t| t.contains("Joint Statement") && t.contains("2022")),
        "{statement}"
    );
    assert_eq!(statement["issued"], "2022-07-30");
    let issuers = statement["issuers"].as_array().unwrap();
    assert!(issuers.contains(&Value::from("org:icat")), "{statement}");

    let ten: Vec<&Value> = calls(&state)
        .iter()
        .filter(|c| c["action_count"] == 10)
        .collect();
    assert_eq!(
        ten.len(),
        1,
        "one call with 10 actions: {:?}",
        calls(&state)
    );
    let accelerated = ten[0];
    assert!(
        accelerated["title"]
            .as_str()
            .is_some_and(|t| t.contains("Call for Accelerated Action")),
        "{accelerated}"
    );
    assert_eq!(accelerated["target"], "2025");
    assert_eq!(accelerated["certainty"], "certain");

    // The 2022 statement stands from its day on, not before.
    let before = t.state_json(&["--as-of", "2022-07-29"]);
    assert!(calls(&before).iter().all(|c| c["action_count"] != 16));
    let after = t.state_json(&["--as-of", "2022-07-30"]);
    assert!(calls(&after).iter().any(|c| c["action_count"] == 16));
}

#[test]
fn curated_eu_directive_is_under_revision_at_the_end_of_2023() {
    let t = Test::curated();
    let state = t.state_json(&["--as-of", "2023-12-31"]);
    let directive = state["instruments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            let id = i["instrument"].as_str().unwrap_or_default();
            let name = state["entities"][id]["name"].as_str().unwrap_or_default();
            name.contains("Anti-Trafficking Directive") || id.contains("anti-trafficking-directive")
        })
        .unwrap_or_else(|| panic!("no EU Anti-Trafficking Directive: {}", state["instruments"]));
    assert_eq!(directive["status"], "under_revision");
}

#[test]
fn curated_log_of_call_issued_lists_the_calls() {
    let t = Test::curated();
    let out = t
        .run(["log", "--kind", "call.issued", "--format", "jsonl"])
        .success();
    let events: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(events.iter().all(|e| e["kind"] == "call.issued"));
    let counts: Vec<&Value> = events
        .iter()
        .map(|e| &e["payload"]["action_count"])
        .collect();
    assert!(counts.contains(&&Value::from(16)), "{counts:?}");
    assert!(counts.contains(&&Value::from(10)), "{counts:?}");
    // Every call the state lists comes from one of these events, or from a correction
    // whose replacement issues it.
    let state = t.state_json(&["--as-of", "2030"]);
    let corrections: Vec<Value> = t
        .run(["log", "--kind", "event.corrected", "--format", "jsonl"])
        .success()
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let listed: Vec<&Value> = events
        .iter()
        .map(|e| &e["payload"]["call"])
        .chain(
            corrections
                .iter()
                .filter(|c| c["payload"]["replacement"]["kind"] == "call.issued")
                .map(|c| &c["payload"]["replacement"]["payload"]["call"]),
        )
        .collect();
    for call in calls(&state) {
        assert!(
            listed.contains(&&call["call"]),
            "{} not in the log",
            call["call"]
        );
    }
    let table = t.run(["log", "--kind", "call.issued"]).success();
    assert_eq!(
        table
            .stdout
            .lines()
            .filter(|l| l.contains("call.issued"))
            .count(),
        events.len()
    );
}

#[test]
fn curated_snapshots_verify() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots");
    if !dir.is_dir() {
        eprintln!(
            "SKIPPED curated_snapshots_verify: {} does not exist yet \
             (create it with `policylog snapshot --yearly` on the curated events)",
            dir.display()
        );
        return;
    }
    let t = Test::curated();
    t.run(["verify", "--snapshots"])
        .arg(&dir)
        .stdout_contains("ok: the log is intact")
        .success();
}
