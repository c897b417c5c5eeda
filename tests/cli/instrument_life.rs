//! An instrument's life (vocabulary 2) through every format of state, diff and history,
//! on `tests/fixtures/instrument-life`: Directive (EU) 2024/1712, adopted 13 June 2024,
//! published in the Official Journal on 24 June 2024, in force from 14 July 2024, to be
//! transposed by 15 July 2026, amending Directive 2011/36/EU.

use serde_json::{Value, json};

use crate::harness::*;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/instrument-life"
);
const NEW: &str = "instrument:directive-2024-1712";
const OLD: &str = "instrument:directive-2011-36-eu";

fn ingested() -> Test {
    let t = Test::new();
    t.run(["ingest", FIXTURE])
        .stdout_contains("7 new event(s)")
        .success();
    t
}

fn instrument<'a>(state: &'a Value, id: &str) -> &'a Value {
    state["instruments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["instrument"] == id)
        .unwrap_or_else(|| panic!("no {id}: {}", state["instruments"]))
}

#[test]
fn the_state_keeps_each_step_of_the_directives_life() {
    let t = ingested();
    let adopted = t.state_json(&["--as-of", "2024-06-20"]);
    let new = instrument(&adopted, NEW);
    assert_eq!(
        (&new["status"], &new["since"]),
        (&json!("adopted"), &json!("2024-06-13"))
    );
    assert!(
        new.get("published_in").is_none(),
        "not published yet: {new}"
    );
    let published = t.state_json(&["--as-of", "2024-07-01"]);
    assert_eq!(instrument(&published, NEW)["status"], "published");
    let state = t.state_json(&["--as-of", "2025"]);
    let new = instrument(&state, NEW);
    assert_eq!(
        (
            &new["status"],
            &new["since"],
            &new["published_in"],
            &new["amends"],
            &new["transposition_deadline"]
        ),
        (
            &json!("in_force"),
            &json!("2024-07-14"),
            &json!("Official Journal of the European Union"),
            &json!([OLD]),
            &json!("2026-07-15")
        )
    );
    let old = instrument(&state, OLD);
    assert_eq!(
        (&old["status"], &old["amended_by"], &old["note"]),
        (
            &json!("revision_concluded"),
            &json!([NEW]),
            &json!("concluded by the adoption of Directive (EU) 2024/1712")
        )
    );
    // Before the amending directive, the old one is amended by nothing.
    let before = t.state_json(&["--as-of", "2020"]);
    assert!(instrument(&before, OLD).get("amended_by").is_none());
}

#[test]
fn every_format_of_state_shows_the_note_and_the_life_fields() {
    let t = ingested();
    let says = [
        "note: concluded by the adoption of Directive (EU) 2024/1712",
        "published in Official Journal of the European Union",
        "amends Directive 2011/36/EU",
        "amended by Directive (EU) 2024/1712",
        "transposition deadline 2026-07-15",
    ];
    for format in ["table", "markdown"] {
        let out = t
            .run(["state", "--as-of", "2025", "--format", format])
            .success()
            .stdout;
        for text in says {
            assert!(out.contains(text), "{format} lacks {text:?}:\n{out}");
        }
    }
    let csv = t
        .run([
            "state",
            "--as-of",
            "2025",
            "--format",
            "csv",
            "--section",
            "instruments",
        ])
        .success()
        .stdout;
    assert!(
        csv.starts_with("instrument,instrument_name,status,note,since,certainty,published_in,amends,amended_by,transposition_deadline,attested,attested_next,"),
        "{csv}"
    );
    for cell in [
        "Official Journal of the European Union",
        OLD,
        NEW,
        "2026-07-15",
        "concluded by the adoption of Directive (EU) 2024/1712",
    ] {
        assert!(csv.contains(cell), "{cell}: {csv}");
    }
}

#[test]
fn a_diff_reports_the_statuses_with_what_they_say() {
    let t = ingested();
    let text = t.run(["diff", "2024-06-01", "2024-07-31"]).success().stdout;
    for says in [
        "Directive 2011/36/EU: in_force → revision_concluded (since 2024-06-13)",
        "note: concluded by the adoption of Directive (EU) 2024/1712",
        "Directive (EU) 2024/1712: status reported in_force (since 2024-07-14)",
        "transposition deadline 2026-07-15",
    ] {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(says), "{says:?}:\n{text}");
    }
    t.run(["diff", "2024-06-01", "2024-07-31", "--format", "markdown"])
        .stdout_contains("published in Official Journal of the European Union")
        .success();
}

#[test]
fn the_history_of_the_amended_directive_says_what_amends_it() {
    let t = ingested();
    let text = t.run(["history", OLD]).success().stdout;
    assert!(
        text.contains("amended by Directive (EU) 2024/1712 (adopted; amends Directive 2011/36/EU)"),
        "{text}"
    );
    let history = t.run(["history", NEW, "--json"]).success().json();
    let summaries: Vec<&Value> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["summary"])
        .collect();
    assert!(
        summaries.contains(&&json!(
            "published; published in Official Journal of the European Union"
        )),
        "{summaries:?}"
    );
    assert!(
        summaries.contains(&&json!("in_force; transposition deadline 2026-07-15")),
        "{summaries:?}"
    );
}
