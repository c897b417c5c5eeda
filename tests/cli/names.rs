//! Entity names through the binary (issue 19): a rename is its own event and names the
//! entity from its date on, in state, diff, history and `entities --as-of`; registering
//! an id again under another name is refused.

use serde_json::{Value, json};

use crate::harness::*;

const NOTE: Doc = Doc {
    file: "sources/renamed-note.txt",
    text: "A note on a renamed office\n\n\
           The Office of Old Name (OON) joined the Inter-Agency Coordination Group against Trafficking in Persons (ICAT) in 2019.\n\
           In 2021 the Office of Old Name became the Office of New Name (ONN), also written O.N.N.\n",
    title: "Renamed note for tests",
    publisher: "test",
    published: "2021",
};

const RENAME: &str =
    "In 2021 the Office of Old Name became the Office of New Name (ONN), also written O.N.N.";

fn lines() -> Vec<String> {
    vec![
        event(
            "reg-icat",
            "entity.registered",
            "2021",
            json!({"id": "org:icat", "type": "org", "name": "Inter-Agency Coordination Group against Trafficking in Persons", "acronym": "ICAT"}),
            "Inter-Agency Coordination Group against Trafficking in Persons (ICAT)",
        ),
        event(
            "reg-office",
            "entity.registered",
            "2021",
            json!({"id": "org:office", "type": "org", "name": "Office of Old Name", "acronym": "OON"}),
            "The Office of Old Name (OON)",
        ),
        event(
            "office-joins",
            "membership.joined",
            "2019",
            json!({"member": "org:office", "group": "org:icat"}),
            "The Office of Old Name (OON) joined the Inter-Agency Coordination Group against Trafficking in Persons (ICAT) in 2019.",
        ),
        json!({"id": "office-renamed", "kind": "entity.renamed", "version": 2, "valid": "2021",
               "payload": {"id": "org:office", "name": "Office of New Name", "acronym": "ONN"}, "quote": RENAME})
        .to_string(),
        json!({"id": "office-aliased", "kind": "entity.aliased", "version": 2, "valid": "2021",
               "payload": {"id": "org:office", "aliases": ["O.N.N."]}, "quote": RENAME})
        .to_string(),
    ]
}

fn ingested() -> Test {
    let t = Test::new();
    t.write_events("events", "2021-renamed-note.jsonl", &NOTE, &lines());
    t.run(["ingest"]).arg(t.path("events")).success();
    t
}

fn named(state: &Value) -> (&Value, &Value) {
    let e = &state["entities"]["org:office"];
    (&e["name"], &e["acronym"])
}

#[test]
fn a_rename_does_not_rewrite_what_earlier_days_call_the_entity() {
    let t = ingested();
    let before = t.state_json(&["--as-of", "2020"]);
    assert_eq!(
        named(&before),
        (&json!("Office of Old Name"), &json!("OON"))
    );
    let after = t.state_json(&["--as-of", "2022"]);
    assert_eq!(named(&after), (&json!("Office of New Name"), &json!("ONN")));
    assert_eq!(
        after["entities"]["org:office"]["aliases"],
        json!(["O.N.N."])
    );
    t.run(["state", "--as-of", "2020"])
        .stdout_contains("OON")
        .stdout_lacks("ONN")
        .success();
    t.run(["state", "--as-of", "2022", "--group", "org:icat"])
        .stdout_contains("ONN")
        .success();
    // A diff names the entity as the later day calls it.
    t.run(["diff", "2018", "2020"])
        .stdout_contains("OON joined ICAT")
        .success();
    t.run(["diff", "2018", "2022"])
        .stdout_contains("ONN joined ICAT")
        .success();
}

#[test]
fn the_history_shows_the_rename_and_entities_answer_as_of_a_date() {
    let t = ingested();
    t.run(["history", "org:office"])
        .stdout_contains("History of Office of New Name (org:office)")
        .stdout_contains("entity.renamed office-renamed")
        .stdout_contains("renamed Office of New Name (ONN)")
        .stdout_contains("also called O.N.N.")
        .success();
    let entities = |args: &[&str]| -> Value {
        let out = t
            .run(["entities", "office", "--format", "json"])
            .args(args)
            .success()
            .json();
        out.as_array().unwrap()[0].clone()
    };
    assert_eq!(entities(&[])["name"], "Office of New Name");
    assert_eq!(entities(&["--as-of", "2020"])["acronym"], "OON");
    // The former name finds it.
    t.run(["entities", "old name"])
        .stdout_contains("org:office")
        .success();
}

#[test]
fn registering_an_id_again_under_another_name_is_refused_naming_both() {
    let t = ingested();
    let other = sourced_line(
        "reg-office-again",
        json!({"id": "org:office", "type": "org", "name": "Office of Other Name", "acronym": "OON"}),
    );
    let refused = t.refuse(t.run(["append", "--json", &other]));
    for says in [
        "reg-office-again",
        "already registered by event `reg-office`",
        "\"Office of Old Name\" (OON)",
        "\"Office of Other Name\" (OON)",
        "entity.renamed",
        "entity.aliased",
    ] {
        assert!(refused.stderr.contains(says), "{says}: {}", refused.stderr);
    }
    // Another acronym is refused too; the same name from another source is a second
    // source, and the same line again appends nothing.
    let acronym = sourced_line(
        "reg-office-acronym",
        json!({"id": "org:office", "type": "org", "name": "Office of Old Name", "acronym": "OFF"}),
    );
    t.refuse(t.run(["append", "--json", &acronym]));
    let same = sourced_line(
        "reg-office-second-source",
        json!({"id": "org:office", "type": "org", "name": "Office of Old Name", "acronym": "OON", "aliases": ["the Office"]}),
    );
    t.run(["append", "--json", &same]).success();
    t.run(["append", "--json", &same])
        .stdout_contains("already in the log")
        .success();
}

#[test]
fn two_registrations_of_one_id_in_one_batch_must_agree() {
    let t = Test::new();
    t.run(["init"]).success();
    let mut lines = lines();
    lines.push(event(
        "reg-office-renamed-by-mistake",
        "entity.registered",
        "2021",
        json!({"id": "org:office", "type": "org", "name": "Office of New Name", "acronym": "ONN"}),
        "the Office of New Name (ONN)",
    ));
    t.write_events("events", "2021-renamed-note.jsonl", &NOTE, &lines);
    t.refuse(t.run(["ingest"]).arg(t.path("events")))
        .stderr_contains_all(&["reg-office-renamed-by-mistake", "`reg-office`"]);
}

/// A registration of the note's entity for `append`, quoting the note.
fn sourced_line(id: &str, payload: Value) -> String {
    json!({"id": id, "kind": "entity.registered", "valid": "2021", "payload": payload,
           "source": NOTE.sha256(), "quote": "The Office of Old Name (OON)"})
    .to_string()
}

trait StderrHas {
    fn stderr_contains_all(&self, texts: &[&str]);
}

impl StderrHas for Outcome {
    fn stderr_contains_all(&self, texts: &[&str]) {
        for text in texts {
            assert!(self.stderr.contains(text), "{text}: {}", self.stderr);
        }
    }
}
