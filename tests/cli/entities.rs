//! `entities`: the ids the log knows, with type, name, acronym and aliases, filtered by
//! a case-insensitive substring.

use serde_json::json;

use crate::harness::*;

#[test]
fn entities_lists_registered_and_declared_ids_with_their_names() {
    let t = Test::new();
    t.ingest_fixture();
    let out = t
        .run(["entities"])
        .stdout_contains("org:icat")
        .stdout_contains("Inter-Agency Coordination Group against Trafficking in Persons")
        .success();
    assert!(
        out.stdout.lines().next().unwrap().starts_with("ID"),
        "{}",
        out.stdout
    );
    // A declared entity is named by the event that declares it.
    let all = t.run(["entities", "--format", "json"]).success().json();
    let list = all.as_array().unwrap();
    let commitment = list
        .iter()
        .find(|e| e["type"] == "commitment")
        .expect("the fixture's commitment");
    assert_ne!(commitment["name"], commitment["id"]);
    let icat = list.iter().find(|e| e["id"] == "org:icat").unwrap();
    assert_eq!(
        (icat["type"].as_str(), icat["acronym"].as_str()),
        (Some("org"), Some("ICAT"))
    );
    assert!(icat["aliases"].is_array());
}

#[test]
fn a_substring_filters_ids_names_acronyms_and_aliases_whatever_the_case() {
    let t = Test::new();
    t.ingest_fixture();
    let by_acronym = t
        .run(["entities", "iom", "--format", "json"])
        .success()
        .json();
    let ids: Vec<&str> = by_acronym
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["org:iom"]);
    let by_name = t
        .run(["entities", "BALTIC", "--format", "json"])
        .success()
        .json();
    assert_eq!(by_name[0]["id"], "org:cbss");
    t.run(["entities", "no such thing"])
        .stdout_contains("no entity matches")
        .success();
}

/// Every message that names an entity the log does not know suggests the nearest ids it
/// does know: by an acronym (`iom`), a typo (`org:unodcc`, `org:icta`), a name.
#[test]
fn an_unknown_entity_is_answered_with_the_nearest_ids() {
    let t = Test::new();
    t.ingest_fixture();
    t.run(["history", "iom"])
        .stderr_contains("no entity `iom` in the log: did you mean org:iom?")
        .failure(2);
    t.run(["state", "--group", "org:icta"])
        .stderr_contains("no group `org:icta` in the log: did you mean org:icat?")
        .failure(2);
    t.run(["log", "--entity", "Council of the Baltic Sea States"])
        .stderr_contains("did you mean org:cbss?")
        .failure(2);
    // Far from everything: no suggestion, and the command that lists the ids.
    t.run(["history", "org:zzzzzzzz"])
        .stderr_contains("no entity `org:zzzzzzzz` in the log (`policylog entities` lists them")
        .failure(2);
    // A reference in an events file, against the log and the batch: `org:unodcc` is a typo
    // of the log's UNODC, `org:ilo0` of the ILO this batch registers.
    let typo = |id: &str, member: &str| {
        event(
            id,
            "membership.joined",
            "2024-03",
            json!({"member": member, "group": "org:icat"}),
            "The International Labour Organization (ILO) joined ICAT in March 2024.",
        )
    };
    t.write_events(
        "batch",
        ILO_EVENTS,
        &ILO_NOTE,
        &[reg_ilo(), typo("unodc-joins", "org:unodcc")],
    );
    t.refuse(
        t.run(["ingest", "batch"])
            .stderr_contains("`member` refers to `org:unodcc`, which is not registered")
            .stderr_contains("did you mean org:unodc?"),
    );
    t.write_events(
        "batch",
        ILO_EVENTS,
        &ILO_NOTE,
        &[reg_ilo(), typo("ilo-joins", "org:ilo0")],
    );
    t.refuse(
        t.run(["ingest", "batch"])
            .stderr_contains("(`policylog entities` lists the ids): did you mean org:ilo?"),
    );
}
