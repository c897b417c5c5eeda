//! `state`: the landscape as of a date, read through the binary. Certainty follows
//! docs/dates.md; the JSON form is the contract of MODEL.md §5 (docs/json-contract.md).

use serde_json::{Value, json};

use crate::harness::*;

/// `(member, since, certainty)` of every member of `group`.
fn members(state: &Value, group: &str) -> Vec<(String, String, String)> {
    state["groups"][group]["members"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|m| {
                    (
                        m["member"].as_str().expect("member").to_owned(),
                        m["since"].as_str().expect("since").to_owned(),
                        m["certainty"].as_str().expect("certainty").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `(holder, role, term, certainty)` of every role in `group`.
fn roles(state: &Value, group: &str) -> Vec<(String, String, String, String)> {
    state["groups"][group]["roles"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|r| {
                    (
                        r["holder"].as_str().expect("holder").to_owned(),
                        r["role"].as_str().expect("role").to_owned(),
                        r["term"].as_str().expect("term").to_owned(),
                        r["certainty"].as_str().expect("certainty").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The certainty of `holder`'s `role` in ICAT as of `day`, or `None` when absent.
fn role_certainty(t: &Test, day: &str, holder: &str, role: &str) -> Option<String> {
    let state = t.state_json(&["--as-of", day]);
    let found: Vec<String> = roles(&state, "org:icat")
        .into_iter()
        .filter(|(h, r, _, _)| h == holder && r == role)
        .map(|(_, _, _, c)| c)
        .collect();
    assert!(found.len() <= 1, "{holder} {role} listed twice on {day}");
    found.into_iter().next()
}

fn cbss_certainty(t: &Test, day: &str) -> Option<String> {
    let state = t.state_json(&["--as-of", day]);
    members(&state, "org:icat")
        .into_iter()
        .find(|(m, _, _)| m == "org:cbss")
        .map(|(_, _, c)| c)
}

fn s(text: &str) -> String {
    text.to_owned()
}

/// Appends a CBSS co-chair term `2019/2020` (seq 14), quoting a fixture sentence.
fn append_cbss_co_chair_2019_2020(t: &Test) {
    t.append_fixture_event(
        "role.assigned",
        "cochair-cbss-2019-2020",
        "2019/2020",
        FIXTURE_CBSS_SENTENCE,
        &["group=org:icat", "holder=org:cbss", "role=co-chair"],
    );
}

#[test]
fn state_as_of_2023_lists_members_and_roles_with_certainty_and_evidence() {
    let t = Test::new();
    t.ingest_fixture();
    let state = t.state_json(&["--as-of", "2023-12-31"]);
    assert_eq!(
        state["groups"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["org:icat"]
    );
    let icat = &state["groups"]["org:icat"];
    assert_eq!(
        icat["members"],
        json!([{
            "member": "org:cbss",
            "since": "2020-04",
            "certainty": "certain",
            "evidence": ["cbss-joins"],
        }])
    );
    assert_eq!(
        roles(&state, "org:icat"),
        [
            (s("org:iom"), s("co-chair"), s("2023"), s("certain")),
            (s("org:osrsg-vac"), s("co-chair"), s("2023"), s("certain")),
            (
                s("org:unodc"),
                s("coordinator"),
                s("2023-07-18/.."),
                s("certain")
            ),
        ]
    );
    let evidence: Vec<&Value> = icat["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["evidence"])
        .collect();
    assert_eq!(
        evidence,
        [
            &json!(["cochair-iom-2023"]),
            &json!(["cochair-osrsg-vac-2023"]),
            &json!(["coordinator-unodc"]),
        ]
    );
    // Every cited event is in `evidence` with its source and quote.
    let cbss = &state["evidence"]["cbss-joins"];
    assert_eq!(cbss["kind"], "membership.joined");
    assert_eq!(cbss["valid"], "2020-04");
    assert_eq!(cbss["source"], FIXTURE_SHA);
    assert_eq!(
        cbss["quote"],
        "joined the Inter-Agency Coordination Group against Trafficking in Persons (ICAT) in April 2020"
    );
    for id in [
        "cochair-iom-2023",
        "cochair-osrsg-vac-2023",
        "coordinator-unodc",
        "icat-priorities",
        "directive-under-revision",
        "children-share",
    ] {
        assert_eq!(
            state["evidence"][id]["source"], FIXTURE_SHA,
            "evidence {id} is not cited with its source"
        );
    }
    // The other sections.
    assert_eq!(
        state["commitments"][0]["items"],
        json!(["Building the evidence base", "Addressing the core drivers"])
    );
    assert_eq!(state["instruments"][0]["status"], "under_revision");
    assert_eq!(state["statistics"][0]["value"], 35);
    assert_eq!(state["entities"]["org:osrsg-vac"]["acronym"], "OSRSG-VAC");
}

#[test]
fn state_json_has_the_contract_top_level_keys() {
    let t = Test::new();
    let head = t.ingest_fixture();
    let state = t.state_json(&["--as-of", "2023"]);
    let object = state.as_object().expect("an object");
    for key in [
        "as_of",
        "known_at",
        "log_head",
        "entities",
        "groups",
        "calls",
        "commitments",
        "instruments",
        "statistics",
        "meetings",
        "publications",
        "evidence",
    ] {
        assert!(
            object.contains_key(key),
            "state JSON lacks `{key}`: {state}"
        );
    }
    assert_eq!(state["known_at"], Value::Null);
    assert_eq!(
        format!(
            "{} {}",
            state["log_head"]["seq"],
            state["log_head"]["hash"].as_str().unwrap()
        ),
        head
    );
    for key in [
        "calls",
        "commitments",
        "instruments",
        "statistics",
        "meetings",
        "publications",
    ] {
        assert!(state[key].is_array(), "`{key}` is not a list");
    }
    for key in ["entities", "groups", "evidence"] {
        assert!(state[key].is_object(), "`{key}` is not keyed by id");
    }
    assert_eq!(
        state["entities"]["org:icat"]["name"],
        "Inter-Agency Coordination Group against Trafficking in Persons"
    );
    assert_eq!(state["entities"]["org:icat"]["acronym"], "ICAT");
}

#[test]
fn a_membership_joined_in_a_month_is_possible_within_it_and_certain_from_its_last_day() {
    let t = Test::new();
    t.ingest_fixture();
    assert_eq!(cbss_certainty(&t, "2020-03-31"), None);
    assert_eq!(
        cbss_certainty(&t, "2020-04-01").as_deref(),
        Some("possible")
    );
    assert_eq!(
        cbss_certainty(&t, "2020-04-29").as_deref(),
        Some("possible")
    );
    assert_eq!(cbss_certainty(&t, "2020-04-30").as_deref(), Some("certain"));
    assert_eq!(cbss_certainty(&t, "2020-05-01").as_deref(), Some("certain"));
}

#[test]
fn a_one_year_term_is_certain_on_every_day_of_the_year_and_absent_outside_it() {
    let t = Test::new();
    t.ingest_fixture();
    for holder in ["org:iom", "org:osrsg-vac"] {
        assert_eq!(role_certainty(&t, "2022-12-31", holder, "co-chair"), None);
        assert_eq!(
            role_certainty(&t, "2023-01-01", holder, "co-chair").as_deref(),
            Some("certain")
        );
        assert_eq!(
            role_certainty(&t, "2023-12-31", holder, "co-chair").as_deref(),
            Some("certain")
        );
        assert_eq!(role_certainty(&t, "2024-01-01", holder, "co-chair"), None);
    }
}

#[test]
fn an_interval_term_is_possible_within_its_ends_and_certain_between_them() {
    let t = Test::new();
    t.ingest_fixture();
    append_cbss_co_chair_2019_2020(&t);
    let at = |day| role_certainty(&t, day, "org:cbss", "co-chair");
    assert_eq!(at("2018-12-31"), None);
    assert_eq!(at("2019-01-01").as_deref(), Some("possible"));
    assert_eq!(at("2019-06-30").as_deref(), Some("possible"));
    assert_eq!(at("2019-12-30").as_deref(), Some("possible"));
    assert_eq!(at("2019-12-31").as_deref(), Some("certain"));
    assert_eq!(at("2020-01-01").as_deref(), Some("certain"));
    assert_eq!(at("2020-01-02").as_deref(), Some("possible"));
    assert_eq!(at("2020-12-31").as_deref(), Some("possible"));
    assert_eq!(at("2021-01-01"), None);
    assert_eq!(at("2021-06-30"), None);
    let state = t.state_json(&["--as-of", "2019-06-30"]);
    let role = &state["groups"]["org:icat"]["roles"][0];
    assert_eq!(role["term"], "2019/2020");
    assert_eq!(role["evidence"], json!(["cochair-cbss-2019-2020"]));
}

#[test]
fn an_open_term_holds_from_its_start_with_no_end() {
    let t = Test::new();
    t.ingest_fixture();
    let at = |day| role_certainty(&t, day, "org:unodc", "coordinator");
    assert_eq!(at("2023-07-17"), None);
    assert_eq!(at("2023-07-18").as_deref(), Some("certain"));
    assert_eq!(at("2024-12-31").as_deref(), Some("certain"));
    assert_eq!(at("2040-01-01").as_deref(), Some("certain"));
}

#[test]
fn as_of_a_bare_year_means_its_last_day_and_a_month_its_last_day() {
    let t = Test::new();
    t.ingest_fixture();
    assert_eq!(t.state_json(&["--as-of", "2023"])["as_of"], "2023-12-31");
    assert_eq!(t.state_json(&["--as-of", "2020-04"])["as_of"], "2020-04-30");
    assert_eq!(t.state_json(&["--as-of", "2024-02"])["as_of"], "2024-02-29");
    assert_eq!(
        t.state_json(&["--as-of", "2023-07-18"])["as_of"],
        "2023-07-18"
    );
    // A month is read as its last day: the CBSS, joined "2020-04", is certain then.
    assert_eq!(
        members(&t.state_json(&["--as-of", "2020-04"]), "org:icat"),
        [(s("org:cbss"), s("2020-04"), s("certain"))]
    );
    // The human formats say how the date was read.
    t.run(["state", "--as-of", "2023"])
        .stdout_contains("2023 is read as its last day, 2023-12-31")
        .stdout_contains("Landscape as of 2023-12-31")
        .success();
}

#[test]
fn known_at_a_seq_before_a_retraction_still_shows_the_retracted_role() {
    let t = Test::new();
    t.ingest_fixture();
    t.run([
        "retract",
        "cochair-iom-2023",
        "--reason",
        "test",
        "--id",
        "undo-iom",
    ])
    .success();
    let holders = |state: &Value| -> Vec<String> {
        roles(state, "org:icat")
            .into_iter()
            .map(|(h, _, _, _)| h)
            .collect()
    };
    let before = t.state_json(&["--as-of", "2023", "--known-at", "13"]);
    assert_eq!(before["known_at"], 13);
    assert_eq!(before["log_head"]["seq"], 13);
    assert_eq!(holders(&before), ["org:iom", "org:osrsg-vac", "org:unodc"]);
    assert!(before["evidence"]["cochair-iom-2023"].is_object());

    let after = t.state_json(&["--as-of", "2023", "--known-at", "14"]);
    assert_eq!(after["known_at"], 14);
    assert_eq!(holders(&after), ["org:osrsg-vac", "org:unodc"]);
    assert!(after["evidence"].get("cochair-iom-2023").is_none());

    let now = t.state_json(&["--as-of", "2023"]);
    assert_eq!(now["known_at"], Value::Null);
    assert_eq!(now["log_head"]["seq"], 14);
    assert_eq!(holders(&now), ["org:osrsg-vac", "org:unodc"]);
}

#[test]
fn known_at_a_seq_before_a_correction_shows_the_original_and_after_it_the_replacement() {
    let t = Test::new();
    t.ingest_fixture();
    t.run([
        "correct",
        "cbss-joins",
        "--json",
        r#"{"valid":"2020-05"}"#,
        "--reason",
        "the note says May",
        "--id",
        "cbss-joins-may",
    ])
    .success();
    let before = t.state_json(&["--as-of", "2020-04-30", "--known-at", "13"]);
    assert_eq!(
        members(&before, "org:icat"),
        [(s("org:cbss"), s("2020-04"), s("certain"))]
    );
    assert_eq!(
        before["groups"]["org:icat"]["members"][0]["evidence"],
        json!(["cbss-joins"])
    );
    let after = t.state_json(&["--as-of", "2020-04-30", "--known-at", "14"]);
    assert_eq!(members(&after, "org:icat"), []);
    let later = t.state_json(&["--as-of", "2020-05-31", "--known-at", "14"]);
    assert_eq!(
        members(&later, "org:icat"),
        [(s("org:cbss"), s("2020-05"), s("certain"))]
    );
    assert_eq!(
        later["groups"]["org:icat"]["members"][0]["evidence"],
        json!(["cbss-joins-may"])
    );
    assert_eq!(later["evidence"]["cbss-joins-may"]["valid"], "2020-05");
}

#[test]
fn known_at_accepts_an_rfc3339_time() {
    let t = Test::new();
    t.ingest_fixture();
    // The fixture's events were all recorded at 2026-01-01T00:00:00Z; the retraction now.
    t.run(["retract", "cochair-iom-2023", "--reason", "test"])
        .success();
    let at = |time: &str| t.state_json(&["--as-of", "2023", "--known-at", time]);
    let before = at("2025-12-31T23:59:59Z");
    assert_eq!(before["known_at"], 0);
    assert_eq!(before["groups"], json!({}));
    let fixture = at("2026-01-01T00:00:00Z");
    assert_eq!(fixture["known_at"], 13);
    assert_eq!(roles(&fixture, "org:icat").len(), 3);
    let future = at("2999-01-01T00:00:00Z");
    assert_eq!(future["known_at"], 14);
    assert_eq!(roles(&future, "org:icat").len(), 2);
}

#[test]
fn known_at_compares_times_as_instants_even_with_fractional_seconds() {
    let t = Test::new();
    t.ingest_fixture();
    // Half a second after the fixture was recorded (2026-01-01T00:00:00Z): all 13 events.
    for time in ["2026-01-01T00:00:00.5Z", "2026-01-01T00:00:00.000000Z"] {
        let state = t.state_json(&["--as-of", "2023", "--known-at", time]);
        assert_eq!(state["known_at"], 13, "--known-at {time}");
        assert_eq!(roles(&state, "org:icat").len(), 3, "--known-at {time}");
    }
}

#[test]
fn known_at_accepts_an_rfc3339_time_with_an_offset() {
    let t = Test::new();
    t.ingest_fixture();
    // 01:00+01:00 is the instant the fixture was recorded, 2026-01-01T00:00:00Z.
    let state = t.state_json(&["--as-of", "2023", "--known-at", "2026-01-01T01:00:00+01:00"]);
    assert_eq!(state["known_at"], 13);
    let state = t.state_json(&["--as-of", "2023", "--known-at", "2026-01-01T00:59:59+01:00"]);
    assert_eq!(state["known_at"], 0);
}

#[test]
fn reported_by_keeps_only_what_was_published_by_then() {
    let t = Test::new();
    t.ingest_fixture();
    // The fixture document is published 2023-07-18.
    let early = t.state_json(&["--as-of", "2023", "--reported-by", "2023-07-17"]);
    assert_eq!(early["reported_by"], "2023-07-17");
    assert_eq!(early["groups"], json!({}));
    assert_eq!(early["entities"], json!({}));
    for key in ["commitments", "instruments", "statistics"] {
        assert_eq!(early[key], json!([]), "{key} before publication");
    }
    // Even the CBSS membership of 2020 was not reported before the document.
    let cbss = t.state_json(&["--as-of", "2021", "--reported-by", "2021-12-31"]);
    assert_eq!(cbss["groups"], json!({}));

    let on_the_day = t.state_json(&["--as-of", "2023", "--reported-by", "2023-07-18"]);
    let mut everything = t.state_json(&["--as-of", "2023"]);
    everything["reported_by"] = json!("2023-07-18");
    assert_eq!(on_the_day, everything);
    t.run(["state", "--as-of", "2023", "--reported-by", "2023-07-17"])
        .stdout_contains("sources published by 2023-07-17")
        .stdout_contains("nothing is recorded for this date")
        .success();
}

#[test]
fn group_filter_keeps_that_group() {
    let t = Test::new();
    t.ingest_fixture();
    let state = t.state_json(&["--as-of", "2023", "--group", "org:icat"]);
    assert_eq!(
        state["groups"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["org:icat"]
    );
    assert_eq!(members(&state, "org:icat").len(), 1);
    assert_eq!(roles(&state, "org:icat").len(), 3);
    // ICAT's own commitment stays; the directive involves no group.
    assert_eq!(
        state["commitments"][0]["commitment"],
        "commitment:icat-priorities"
    );
    assert_eq!(state["instruments"], json!([]));
}

#[test]
fn group_filter_narrows_a_replayed_state_as_it_narrows_a_stored_one() {
    let t = Test::new();
    t.ingest_fixture();
    let stored = t.state_json(&["--as-of", "2023", "--group", "org:icat"]);
    // An event after the fixture's 13: `--known-at 13` now replays the log instead of
    // reading the stored periods, and must show the same narrowed answer.
    t.run(["append", "--json", &iom_joins()]).success();
    let mut replayed =
        t.state_json(&["--as-of", "2023", "--group", "org:icat", "--known-at", "13"]);
    assert_eq!(replayed["known_at"], 13);
    replayed["known_at"] = Value::Null;
    assert_eq!(replayed, stored);
    assert_eq!(
        replayed["groups"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["org:icat"]
    );
}

#[test]
fn a_stored_period_that_cannot_be_read_names_rebuild_and_rebuild_mends_it() {
    let t = Test::new();
    t.ingest_fixture();
    let good = t.state_json(&["--as-of", "2023"]);
    let good_diff = t.run(["diff", "2022", "2023"]).success().stdout;
    t.sqlite()
        .execute_batch("UPDATE key_periods SET entry = X'01FFFF' WHERE period_id = (SELECT max(period_id) FROM key_periods)")
        .unwrap();
    // Read while streaming the periods: the query stops with a message, not a panic or a
    // partial answer.
    for args in [
        vec!["state", "--as-of", "2023"],
        vec!["diff", "1990", "2023"],
    ] {
        let out = t
            .run(&args)
            .stderr_contains("a derived period cannot be read")
            .stderr_contains("policylog rebuild")
            .failure(1);
        assert_eq!(out.stdout, "", "{args:?}");
    }
    t.run(["rebuild"]).success();
    assert_eq!(t.state_json(&["--as-of", "2023"]), good);
    assert_eq!(t.run(["diff", "2022", "2023"]).success().stdout, good_diff);
}

#[test]
fn an_unknown_group_is_refused_with_a_message() {
    let t = Test::new();
    t.ingest_fixture();
    t.refuse(
        t.run(["state", "--as-of", "2023", "--group", "org:nope"])
            .stderr_contains("org:nope"),
    );
}

#[test]
fn an_impossible_as_of_date_is_refused() {
    let t = Test::new();
    t.ingest_fixture();
    t.refuse(
        t.run(["state", "--as-of", "2023-02-30"])
            .stderr_contains("2023-02-30"),
    );
    t.refuse(
        t.run(["state", "--as-of", "soon"])
            .stderr_contains("--as-of"),
    );
}

#[test]
fn an_empty_log_has_a_state_with_no_groups() {
    let t = Test::new();
    t.run(["init"]).success();
    let state = t.state_json(&["--as-of", "2023"]);
    assert_eq!(state["groups"], json!({}));
    assert_eq!(state["entities"], json!({}));
    assert_eq!(state["log_head"]["seq"], 0);
    assert_eq!(state["log_head"]["hash"], "0".repeat(64));
    t.run(["state", "--as-of", "2023"])
        .stdout_contains("nothing is recorded for this date")
        .success();
}

#[test]
fn markdown_format_lists_the_co_chairs() {
    let t = Test::new();
    t.ingest_fixture();
    let out = t
        .run(["state", "--as-of", "2023", "--format", "markdown"])
        .stdout_contains("# Landscape as of 2023-12-31")
        .stdout_contains("(`org:icat`)")
        .stdout_contains("| co-chair | IOM | 2023 | certain | cochair-iom-2023 |")
        .stdout_contains("| co-chair | OSRSG-VAC | 2023 | certain | cochair-osrsg-vac-2023 |")
        .stdout_contains("| CBSS | 2020-04 | certain | cbss-joins |")
        .success();
    assert!(!out.stdout.contains('\x1b'), "markdown has ANSI escapes");
}

#[test]
fn table_format_lists_the_co_chairs() {
    let t = Test::new();
    t.ingest_fixture();
    let out = t
        .run(["state", "--as-of", "2023", "--format", "table"])
        // Wide enough that a role's evidence stays on its line (at 80 it goes below).
        .env("COLUMNS", "200")
        .stdout_contains("ICAT (org:icat)")
        .success();
    let line = |holder: &str| {
        out.stdout
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(holder))
            .unwrap_or_else(|| panic!("no role line for {holder}:\n{}", out.stdout))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        line("IOM"),
        "co-chair IOM term 2023 certain [cochair-iom-2023]"
    );
    assert_eq!(
        line("OSRSG-VAC"),
        "co-chair OSRSG-VAC term 2023 certain [cochair-osrsg-vac-2023]"
    );
    // Table is the default format.
    let default = t
        .run(["state", "--as-of", "2023"])
        .env("COLUMNS", "200")
        .success();
    assert_eq!(default.stdout, out.stdout);
}

#[test]
fn conflicting_reports_of_a_statistic_are_listed_and_a_retraction_resolves_them() {
    let t = Test::new();
    t.ingest_fixture();
    t.append_fixture_event(
        "statistic.reported",
        "children-share-40",
        "2023-07-18",
        FIXTURE_STATISTIC_SENTENCE,
        &[
            "indicator=indicator:children-share-of-detected-victims",
            "label=Children among detected victims",
            r#"period="2022""#,
            "unit=percent",
            "value=40",
            "reported_by=org:unodc",
        ],
    );
    let state = t.state_json(&["--as-of", "2023"]);
    let statistics = state["statistics"].as_array().unwrap();
    assert_eq!(statistics.len(), 1, "one entry per indicator");
    let stat = &statistics[0];
    assert_eq!(
        stat["evidence"],
        json!(["children-share", "children-share-40"])
    );
    let conflict: Vec<(&Value, &Value)> = stat["conflict"]
        .as_array()
        .unwrap_or_else(|| panic!("no conflict list: {stat}"))
        .iter()
        .map(|c| (&c["event"], &c["value"]["value"]))
        .collect();
    assert_eq!(
        conflict,
        [
            (&json!("children-share"), &json!(35)),
            (&json!("children-share-40"), &json!(40)),
        ]
    );
    for claim in stat["conflict"].as_array().unwrap() {
        assert_eq!(claim["source"], FIXTURE_SHA);
    }
    t.run(["state", "--as-of", "2023"])
        .stdout_contains("CONFLICT: children-share says")
        .stdout_contains("CONFLICT: children-share-40 says")
        .success();

    t.run(["retract", "children-share-40", "--reason", "misread"])
        .success();
    let state = t.state_json(&["--as-of", "2023"]);
    let stat = &state["statistics"][0];
    assert!(stat.get("conflict").is_none(), "still a conflict: {stat}");
    assert_eq!(stat["value"], 35);
    assert_eq!(stat["evidence"], json!(["children-share"]));
}

/// `tests/golden/fixture-state-2023.json`: `state --as-of 2023 --format json` on the
/// fixture. The fixture fixes `recorded_at`, so the head hash in it is stable too.
/// To regenerate after an intended change: `UPDATE_GOLDEN=1 cargo test --test cli golden`.
#[test]
fn golden_fixture_state_2023_json() {
    let t = Test::new();
    t.ingest_fixture();
    let out = t
        .run(["state", "--as-of", "2023", "--format", "json"])
        .success();
    assert_golden("fixture-state-2023.json", &out.stdout);
}

#[test]
fn a_log_of_an_older_schema_is_upgraded_by_a_writer_which_says_so_once() {
    let t = Test::new();
    t.ingest_fixture();
    let before = t.state_json(&["--as-of", "2023"]);
    // As a binary of schema 10 left it: no document url (schema 12), no days of facts, and the views of schema 3
    // reading the `valid` text, which schema 11 replaces when a writer opens it.
    let schema_10 = format!(
        "ALTER TABLE documents DROP COLUMN url;
         DROP VIEW name_periods; DROP VIEW representatives; DROP VIEW publications;
         DROP VIEW meetings; DROP VIEW statistics; DROP VIEW instrument_status;
         DROP VIEW commitment_items; DROP VIEW calls; DROP VIEW roles; DROP VIEW memberships;
         DROP VIEW names; DROP VIEW live_facts;
         DROP TABLE fact_days; DROP TABLE entity_name_periods;
         {}
         PRAGMA user_version = 10;",
        include_str!("../../src/store/sql/0003_views.sql")
    );
    t.sqlite().execute_batch(&schema_10).unwrap();
    // A reader never upgrades (issue 21.9): it says what to run.
    t.run(["state", "--format", "json", "--as-of", "2023"])
        .stderr_contains("schema version 10")
        .stderr_contains("rebuild")
        .failure(3);
    t.run(["rebuild"])
        .stderr_contains("note: upgrading")
        .stderr_contains("from schema 10 to ")
        .success();
    let upgraded = t
        .run(["state", "--format", "json", "--as-of", "2023"])
        .success();
    assert_eq!(upgraded.json(), before);
    assert!(
        upgraded.stderr.is_empty(),
        "said again: {}",
        upgraded.stderr
    );
    // --quiet says nothing.
    t.sqlite().execute_batch(&schema_10).unwrap();
    let quiet = t.run(["-q", "init"]).success();
    assert!(
        quiet.stderr.is_empty(),
        "said with --quiet: {}",
        quiet.stderr
    );
    t.run(["head"]).success();
}
