//! The two texts issue 19's reviewer tried, as short plain-English fixtures
//! (`tests/fixtures/add/`): an annual report naming the 2021 co-chairs and those endorsed
//! for 2022, and the adoption of Directive (EU) 2024/1712. `add` proposes their facts with
//! the right kinds and dates, and the proposals ingest as written.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::{ADD_FIXTURES, fixture_folder, jsonl};
use crate::harness::*;

#[test]
fn terms_endorsed_for_a_later_year_carry_the_decision() {
    // Issue 19's first text: an annual report naming the 2021 co-chairs and those
    // endorsed for 2022.
    let t = Test::new();
    let events = fixture_folder(&t);
    let out = t
        .run(["add"])
        .arg(Path::new(ADD_FIXTURES).join("annual-report-2021.txt"))
        .args([
            "--title",
            "ICAT Annual Report 2021",
            "--published",
            "2022-03",
            "--dry-run",
        ])
        .arg("--events")
        .arg(&events)
        .success();
    let lines = jsonl(&out.stdout);
    let terms: BTreeSet<(String, String, String)> = lines
        .iter()
        .filter(|l| l["kind"] == "role.assigned" && l["payload"]["role"] == "co-chair")
        .map(|l| {
            (
                l["payload"]["holder"].as_str().unwrap().to_owned(),
                l["valid"].as_str().unwrap().to_owned(),
                l["payload"]["decided"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let term = |h: &str, v: &str, d: &str| (h.to_owned(), v.to_owned(), d.to_owned());
    assert_eq!(
        terms,
        BTreeSet::from([
            term("org:iom", "2021", ""),
            term("org:unodc", "2021", ""),
            term("org:icmpd", "2022", "2021-11-15"),
            term("org:unodc", "2022", "2021-11-15"),
        ])
    );
    let coordinator = lines
        .iter()
        .find(|l| l["payload"]["role"] == "coordinator")
        .unwrap();
    assert_eq!(
        (
            coordinator["valid"].as_str(),
            coordinator["payload"]["attested"].as_bool()
        ),
        (Some("2022-03"), Some(true))
    );
    // ICMPD is new to the fixture's log: registered under the id convention.
    assert!(
        lines
            .iter()
            .any(|l| l["kind"] == "entity.registered" && l["payload"]["id"] == "org:icmpd")
    );
}

/// `add` of one of the two texts into `events` (written, not a dry run): the events file.
fn add_text(t: &Test, events: &Path, file: &str, title: &str, published: &str) -> PathBuf {
    let out = t
        .run(["add"])
        .arg(Path::new(ADD_FIXTURES).join(file))
        .args(["--title", title, "--published", published])
        .arg("--events")
        .arg(events)
        .success();
    PathBuf::from(out.stdout.lines().next().expect("the events file's path"))
}

#[test]
fn the_two_texts_ingest_as_proposed() {
    let t = Test::new();
    t.ingest_fixture();
    let events = fixture_folder(&t);
    let report = add_text(
        &t,
        &events,
        "annual-report-2021.txt",
        "ICAT Annual Report 2021",
        "2022-03",
    );
    let directive = add_text(
        &t,
        &events,
        "directive-2024-1712.txt",
        "Directive (EU) 2024/1712 amends the EU Anti-Trafficking Directive",
        "2024-07",
    );
    let mut proposed = Vec::new();
    for file in [&report, &directive] {
        let text = fs::read_to_string(file).unwrap();
        proposed.extend(jsonl(&text).into_iter().skip(1));
    }
    // Checked first, as README says, then taken; the fixture's own events are there.
    t.run(["ingest", "--dry-run"])
        .arg(&events)
        .stdout_contains("no problem found")
        .success();
    t.run(["ingest"]).arg(&events).success();
    t.run(["verify"]).success();
    let in_log: BTreeSet<String> = t.event_ids().into_iter().collect();
    for p in &proposed {
        let id = p["id"].as_str().unwrap();
        assert!(in_log.contains(id), "{id} did not ingest as proposed");
    }
    // The 2021 co-chairs hold in 2021 (vocabulary 1) ...
    let holders = |as_of: &str, role: &str| -> BTreeSet<String> {
        let state = t.state_json(&["--as-of", as_of, "--group", "org:icat"]);
        state["groups"]["org:icat"]["roles"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["role"] == role)
            .map(|r| r["holder"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(
        holders("2021", "co-chair").is_superset(&BTreeSet::from([
            "org:iom".to_owned(),
            "org:unodc".to_owned()
        ])),
        "{:?}",
        holders("2021", "co-chair")
    );
    // ... and those endorsed for 2022 hold in 2022, and the directive stands in force
    // from 14 July 2024.
    assert_eq!(
        holders("2022", "co-chair"),
        BTreeSet::from(["org:icmpd".to_owned(), "org:unodc".to_owned()])
    );
    let state = t.state_json(&["--as-of", "2024-08"]);
    let status = state["instruments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["instrument"] == "instrument:directive-eu-2024-1712")
        .map(|i| i["status"].clone());
    assert_eq!(status, Some("in_force".into()), "{state}");
}
