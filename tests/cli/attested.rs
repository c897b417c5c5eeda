//! Vocabulary 2 through the binary: facts attested at a date (decision 0006) in every
//! format of state and in diff, terms endorsed before they begin, a figure about an entity,
//! and the lines that say (or fail to say) their version.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::harness::*;

/// A document stating things in the present tense, of 18 July 2023.
const NOTE: Doc = Doc {
    file: "sources/attested-note.txt",
    text: "ICAT note in the present tense\n\n\
           The United Nations Office on Drugs and Crime (UNODC) is the permanent coordinator of the Group.\n\
           The Inter-Agency Coordination Group against Trafficking in Persons (ICAT) counts 30 members.\n\
           On 15 November 2021 ICAT endorsed the International Centre for Migration Policy Development (ICMPD) as co-chair for 2022.\n",
    title: "Attested note for tests",
    publisher: "ICAT",
    published: "2023-07-18",
};

const COORDINATOR: &str = "The United Nations Office on Drugs and Crime (UNODC) is the permanent coordinator of the Group.";
const ENDORSED: &str = "On 15 November 2021 ICAT endorsed the International Centre for Migration Policy Development (ICMPD) as co-chair for 2022.";

/// An event line of vocabulary 2.
fn v2(id: &str, kind: &str, valid: &str, payload: Value, quote: &str) -> String {
    json!({"id": id, "kind": kind, "version": 2, "valid": valid, "payload": payload, "quote": quote})
        .to_string()
}

fn lines() -> Vec<String> {
    vec![
        event(
            "reg-unodc",
            "entity.registered",
            "2023-07-18",
            json!({"id": "org:unodc", "type": "org", "name": "United Nations Office on Drugs and Crime", "acronym": "UNODC"}),
            "United Nations Office on Drugs and Crime (UNODC)",
        ),
        event(
            "reg-icat",
            "entity.registered",
            "2023-07-18",
            json!({"id": "org:icat", "type": "org", "name": "Inter-Agency Coordination Group against Trafficking in Persons", "acronym": "ICAT"}),
            "Inter-Agency Coordination Group against Trafficking in Persons (ICAT)",
        ),
        event(
            "reg-icmpd",
            "entity.registered",
            "2023-07-18",
            json!({"id": "org:icmpd", "type": "org", "name": "International Centre for Migration Policy Development", "acronym": "ICMPD"}),
            "International Centre for Migration Policy Development (ICMPD)",
        ),
        v2(
            "coordinator-unodc",
            "role.assigned",
            "2023-07-18",
            json!({"group": "org:icat", "holder": "org:unodc", "role": "coordinator", "attested": true}),
            COORDINATOR,
        ),
        v2(
            "icmpd-cochair-2022",
            "role.assigned",
            "2022",
            json!({"group": "org:icat", "holder": "org:icmpd", "role": "co-chair", "decided": "2021-11-15"}),
            ENDORSED,
        ),
        v2(
            "icat-members",
            "statistic.reported",
            "2023-07-18",
            json!({"indicator": "indicator:icat-members", "label": "ICAT members", "value": 30, "unit": "members", "period": "2023-07-18", "subject": "org:icat"}),
            "The Inter-Agency Coordination Group against Trafficking in Persons (ICAT) counts 30 members.",
        ),
    ]
}

fn folder(t: &Test) -> PathBuf {
    t.write_events("events", "2023-07-18-attested-note.jsonl", &NOTE, &lines());
    t.path("events")
}

fn ingested() -> Test {
    let t = Test::new();
    let events = folder(&t);
    t.run(["ingest"]).arg(events).success();
    t
}

fn coordinator(state: &Value) -> Option<&Value> {
    state["groups"]["org:icat"]["roles"]
        .as_array()?
        .iter()
        .find(|r| r["role"] == "coordinator")
}

#[test]
fn an_attested_coordinator_is_claimed_from_its_date_on_and_every_format_says_so() {
    let t = ingested();
    assert!(coordinator(&t.state_json(&["--as-of", "2023-07-17"])).is_none());
    let on = t.state_json(&["--as-of", "2023-07-18"]);
    assert_eq!(coordinator(&on).unwrap()["certainty"], "certain");
    let after = t.state_json(&["--as-of", "2025"]);
    let c = coordinator(&after).unwrap();
    assert_eq!(
        (&c["certainty"], &c["attested"], &c["attested_next"]),
        (&json!("attested"), &json!("2023-07-18"), &Value::Null)
    );
    t.run(["state", "--as-of", "2025"])
        .stdout_contains("(attested 2023-07-18; no later source)  attested")
        .success();
    t.run(["state", "--as-of", "2025", "--format", "markdown"])
        .stdout_contains(
            "| coordinator | UNODC | attested 2023-07-18; no later source | attested |",
        )
        .success();
    let csv = t
        .run([
            "state",
            "--as-of",
            "2025",
            "--format",
            "csv",
            "--section",
            "roles",
        ])
        .success()
        .stdout;
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = csv
        .lines()
        .find(|l| l.contains(",coordinator,"))
        .unwrap()
        .split(',')
        .collect();
    let cell = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(
        (cell("certainty"), cell("attested"), cell("attested_next")),
        ("attested", "2023-07-18", "")
    );
}

#[test]
fn a_diff_says_first_attested_and_the_continuation_never_ends_for_want_of_a_source() {
    let t = ingested();
    let first = t.run(["diff", "2023-07-17", "2024"]).success().stdout;
    let flat = first.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(
            "UNODC first attested as coordinator of ICAT (attested 2023-07-18; no later source)"
        ),
        "{first}"
    );
    assert!(!flat.contains("began as coordinator"), "{first}");
    let later = t.run(["diff", "2023-07-18", "2030"]).success();
    assert!(!later.stdout.contains("coordinator"), "{}", later.stdout);
    let json = t
        .run(["diff", "2023-07-17", "2024", "--format", "json"])
        .success()
        .json();
    let roles = json["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "roles")
        .unwrap();
    let whats: Vec<&Value> = roles["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["what"])
        .collect();
    assert!(whats.contains(&&json!("first attested as")), "{whats:?}");
}

#[test]
fn a_term_endorsed_before_it_begins_is_answered_apart_from_the_terms_held() {
    let t = ingested();
    let between = t.state_json(&["--as-of", "2021-12-01"]);
    let icat = &between["groups"]["org:icat"];
    assert!(
        icat["roles"].as_array().unwrap().is_empty(),
        "endorsed is not held: {icat}"
    );
    assert_eq!(
        icat["endorsed"],
        json!([{"role": "co-chair", "holder": "org:icmpd", "term": "2022", "decided": "2021-11-15",
                "representative": null, "certainty": "certain", "evidence": ["icmpd-cochair-2022"]}])
    );
    let text = t.run(["state", "--as-of", "2021-12-01"]).success().stdout;
    let endorsed = text
        .find("endorsed for terms not begun")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(text[endorsed..].contains("ICMPD"), "{text}");
    assert!(!text.contains("  roles\n"), "{text}");
    t.run(["state", "--as-of", "2021-12-01", "--format", "markdown"])
        .stdout_contains("Endorsed for terms not begun")
        .success();
    t.run(["diff", "2021-11-01", "2021-12-01"])
        .stdout_contains("ICMPD endorsed as co-chair for 2022 (2021-11-15) of ICAT")
        .success();
    // During the term it is held, and still says when it was endorsed.
    let during = t.state_json(&["--as-of", "2022-06-01"]);
    let role = &during["groups"]["org:icat"]["roles"][0];
    assert_eq!(
        (&role["holder"], &role["decided"]),
        (&json!("org:icmpd"), &json!("2021-11-15"))
    );
    assert!(during["groups"]["org:icat"].get("endorsed").is_none());
    t.run(["state", "--as-of", "2022-06-01"])
        .stdout_contains("term 2022 (endorsed 2021-11-15)")
        .success();
}

#[test]
fn a_figure_about_an_entity_is_found_with_it() {
    let t = ingested();
    let state = t.state_json(&["--as-of", "2024", "--group", "org:icat"]);
    let stats = state["statistics"].as_array().unwrap();
    assert_eq!(stats.len(), 1, "{state}");
    assert_eq!(stats[0]["subject"], "org:icat");
    let other = t.state_json(&["--as-of", "2024", "--group", "org:unodc"]);
    assert!(other["statistics"].as_array().unwrap().is_empty());
    t.run(["state", "--as-of", "2024", "--group", "org:icat"])
        .stdout_contains("about ICAT")
        .success();
    let history = t.run(["history", "org:icat", "--json"]).success().json();
    let figure = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "icat-members")
        .unwrap_or_else(|| panic!("the figure is not in ICAT's history: {history}"));
    assert_eq!(
        figure["summary"],
        "a figure about it: 30 members (ICAT members)"
    );
}

#[test]
fn a_line_is_stored_with_the_version_it_says_and_one_without_it_is_refused_naming_the_fix() {
    let t = ingested();
    let exported = t.path("exported");
    t.run(["export", "--out"]).arg(&exported).success();
    let text = std::fs::read_to_string(exported.join("2023-07-18-attested-note.jsonl")).unwrap();
    let coordinator = text
        .lines()
        .find(|l| l.contains("\"coordinator-unodc\""))
        .unwrap();
    assert!(
        coordinator.starts_with(r#"{"id":"coordinator-unodc","kind":"role.assigned","version":2,"#),
        "{coordinator}"
    );
    let reg = text.lines().find(|l| l.contains("\"reg-icat\"")).unwrap();
    assert!(
        !reg.contains("version"),
        "a line of version 1 says none: {reg}"
    );
    // The same fact without `"version":2`: refused, naming the field and the fix.
    let fresh = Test::new();
    fresh.run(["init"]).success();
    let mut unversioned = lines();
    let mut coordinator: Value = serde_json::from_str(&unversioned[3]).unwrap();
    coordinator.as_object_mut().unwrap().remove("version");
    unversioned[3] = coordinator.to_string();
    fresh.write_events(
        "events",
        "2023-07-18-attested-note.jsonl",
        &NOTE,
        &unversioned,
    );
    let refused = fresh.refuse(fresh.run(["ingest"]).arg(fresh.path("events")));
    for says in [
        "coordinator-unodc",
        "`attested` belongs to vocabulary 2",
        "gives no `version`, which means 1",
        r#"add `"version":2` to the line"#,
    ] {
        assert!(refused.stderr.contains(says), "{says}: {}", refused.stderr);
    }
}

#[test]
fn correct_and_append_write_the_version_their_line_needs() {
    let t = Test::with_fixture();
    // The fixture's coordinator is a term of vocabulary 1; correcting it into an attested
    // role writes a line of vocabulary 2.
    t.run([
        "correct",
        "coordinator-unodc",
        "--id",
        "fix-coordinator",
        "--reason",
        "present tense",
        "--json",
        r#"{"valid":"2023-07-18","payload":{"group":"org:icat","holder":"org:unodc","role":"coordinator","attested":true}}"#,
    ])
    .success();
    let version_of = |id: &str| {
        t.events()
            .into_iter()
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("no {id}"))["version"]
            .clone()
    };
    assert_eq!(version_of("fix-coordinator"), 2);
    let state = t.state_json(&["--as-of", "2030"]);
    assert_eq!(coordinator(&state).unwrap()["certainty"], "attested");
    t.append_fixture_event(
        "membership.joined",
        "cbss-attested",
        "2023-07-18",
        FIXTURE_CBSS_SENTENCE,
        &["member=org:cbss", "group=org:icat", "attested=true"],
    );
    assert_eq!(version_of("cbss-attested"), 2);
    // A correction without v2 fields stays version 1.
    t.run([
        "correct",
        "cbss-joins",
        "--id",
        "fix-cbss",
        "--reason",
        "month",
        "--json",
        r#"{"valid":"2020-05"}"#,
    ])
    .success();
    assert_eq!(version_of("fix-cbss"), 1);
}
