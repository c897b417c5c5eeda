//! `entities`: the ids the log knows, with type, name, acronym and aliases, filtered by
//! a case-insensitive substring.

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
