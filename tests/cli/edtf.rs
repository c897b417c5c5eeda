//! The EDTF forms historians write, through the real binary: a date-time is its day, `X`
//! digits are one of the days they allow, a season is its months, an unknown end is never
//! certain; a refused date says, in policylog's words, why and what to write
//! (docs/dates.md). The public examples themselves are checked in src/date/conformance.rs.

use serde_json::{Value, json};

use crate::harness::*;

/// Appends `kind` dated `valid` with `payload`, citing the fixture's note.
fn append(t: &Test, id: &str, kind: &str, valid: &str, payload: Value) {
    let line = sourced(
        id,
        kind,
        valid,
        payload,
        "United Nations Office on Drugs and Crime (UNODC)",
    );
    t.run(["append", "--json", &line]).success();
}

/// The certainty `state --as-of day` gives the entry of ICAT's `section` that has every
/// field of `entry`; `None` when the state lists no such entry.
fn certainty(t: &Test, day: &str, section: &str, entry: &Value) -> Option<String> {
    let state = t
        .run(["state", "--as-of", day, "--format", "json"])
        .success()
        .json();
    let fields = entry.as_object().expect("an object");
    state["groups"]["org:icat"][section]
        .as_array()?
        .iter()
        .find(|e| fields.iter().all(|(k, v)| &e[k] == v))
        .map(|e| e["certainty"].as_str().expect("a certainty").to_owned())
}

fn role(holder: &str, role: &str) -> Value {
    json!({"group": "org:icat", "holder": holder, "role": role})
}

#[test]
fn an_unknown_end_is_possible_after_its_start_where_an_open_end_is_certain() {
    let t = Test::new();
    t.ingest_fixture();
    append(
        &t,
        "open",
        "role.assigned",
        "2021-12/..",
        role("org:unodc", "chair"),
    );
    append(
        &t,
        "unknown",
        "role.assigned",
        "2021-12/",
        role("org:iom", "chair"),
    );
    let at = |day| {
        (
            certainty(
                &t,
                day,
                "roles",
                &json!({"holder": "org:unodc", "role": "chair"}),
            ),
            certainty(
                &t,
                day,
                "roles",
                &json!({"holder": "org:iom", "role": "chair"}),
            ),
        )
    };
    assert_eq!(at("2021-11-30"), (None, None));
    let possible = Some("possible".to_owned());
    let certain = Some("certain".to_owned());
    assert_eq!(at("2021-12-15"), (possible.clone(), possible.clone()));
    for day in ["2021-12-31", "2030-06-30"] {
        assert_eq!(at(day), (certain.clone(), possible.clone()), "{day}");
    }
}

#[test]
fn historians_dates_are_read_to_the_day() {
    let t = Test::new();
    t.ingest_fixture();
    let member = |m: &str| json!({"group": "org:icat", "member": m});
    // Dated late on 1 March where it was written, already 2 March in UTC: 1 March.
    append(
        &t,
        "iom",
        "membership.joined",
        "2019-03-01T23:30:00-05:00",
        member("org:iom"),
    );
    // Some year of the 2010s.
    append(
        &t,
        "unodc",
        "membership.joined",
        "201X",
        member("org:unodc"),
    );
    // Winter 2018: December 2018 to February 2019.
    append(
        &t,
        "osrsg",
        "membership.joined",
        "2018-24",
        member("org:osrsg-vac"),
    );
    let at = |day, m: &str| certainty(&t, day, "members", &json!({ "member": m }));
    let (possible, certain) = (Some("possible".to_owned()), Some("certain".to_owned()));
    assert_eq!(at("2019-02-28", "org:iom"), None);
    assert_eq!(at("2019-03-01", "org:iom"), certain);
    assert_eq!(at("2009-12-31", "org:unodc"), None);
    assert_eq!(at("2015-06-30", "org:unodc"), possible);
    assert_eq!(at("2019-12-31", "org:unodc"), certain);
    assert_eq!(at("2018-11-30", "org:osrsg-vac"), None);
    assert_eq!(at("2019-02-27", "org:osrsg-vac"), possible);
    assert_eq!(at("2019-02-28", "org:osrsg-vac"), certain);
}

#[test]
fn a_refused_date_says_why_and_what_to_write_and_writes_nothing() {
    let t = Test::new();
    t.ingest_fixture();
    let cases = [
        ("2024-13", "`2024-13` has no month 13"),
        ("2023-7-1", "write `2023-07-01`"),
        ("-1985", "has a year outside 0000–9999"),
        ("156X-12-25", "not one stretch of days"),
    ];
    for (valid, says) in cases {
        let line = sourced(
            "bad",
            "membership.joined",
            valid,
            json!({"group": "org:icat", "member": "org:iom"}),
            "International Organization for Migration (IOM)",
        );
        let out = t.refuse(t.run(["append", "--json", &line]));
        assert!(
            out.stderr.contains("bad date in `valid`") && out.stderr.contains(says),
            "{valid}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("offset"), "{}", out.stderr);
    }
    let out = t.refuse(t.run(["state", "--as-of", "201X"]));
    assert!(
        out.stderr
            .contains("`201X` is not a single day, month or year"),
        "{}",
        out.stderr
    );
}

/// A date written in words or day first is answered with the EDTF it means, wherever a
/// date is read: a query date, a payload date, a document's `published`.
#[test]
fn a_date_in_words_or_day_first_says_which_edtf_it_means() {
    let t = Test::with_fixture();
    t.run(["state", "--as-of", "15 November 2021"])
        .stderr_contains(
            "--as-of: `15 November 2021` is not an EDTF date; dates are EDTF: did you mean 2021-11-15? (write e.g. 2021-11-15 for 15 November 2021, 2020-04 for April 2020)",
        )
        .failure(2);
    t.run(["diff", "15/11/2021", "2023"])
        .stderr_contains(
            "`15/11/2021` is not an EDTF date; dates are EDTF: did you mean 2021-11-15?",
        )
        .failure(2);
    t.run(["state", "--as-of", "03/04/2021"])
        .stderr_contains("reads two ways: write 2021-04-03 for 3 April or 2021-03-04 for 4 March")
        .failure(2);
    let statistic = sourced(
        "children-share-2024",
        "statistic.reported",
        "2024",
        json!({"indicator": "indicator:children-share", "label": "Children", "value": 35,
               "unit": "percent", "period": "March 2024"}),
        FIXTURE_STATISTIC_SENTENCE,
    );
    t.refuse(
        t.run(["append", "--json", &statistic])
            .stderr_contains("bad date in `period`: `March 2024` is not an EDTF date; dates are EDTF: did you mean 2024-03?"),
    );
    let note = Doc {
        published: "15 November 2021",
        ..ILO_NOTE
    };
    t.write_events("batch", ILO_EVENTS, &note, &[reg_ilo()]);
    t.refuse(
        t.run(["ingest", "--dry-run", "batch"])
            .stderr_contains("bad date in `document.published`: `15 November 2021` is not an EDTF date; dates are EDTF: did you mean 2021-11-15?"),
    );
}
