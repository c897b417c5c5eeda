//! The SQL views of schema 11, read with plain SQLite: each fact's days as policylog reads
//! its `valid` (the forms the views once misread from the text: `201X`, a season, an
//! unknown end), the certainty 'attested' and the `attested` column, a figure's subject
//! and an entity's names over time.

use rusqlite::types::Value as Sql;
use serde_json::json;

use crate::harness::*;

const NOTE: Doc = Doc {
    file: "sources/views-note.txt",
    text: "A note for the views\n\nICAT is coordinated by UNODC, and IOM is a member.\n",
    title: "Views note for tests",
    publisher: "test",
    published: "2023-07-18",
};

const QUOTE: &str = "ICAT is coordinated by UNODC, and IOM is a member.";

fn line(id: &str, kind: &str, valid: &str, payload: serde_json::Value) -> String {
    json!({"id": id, "kind": kind, "version": 2, "valid": valid, "payload": payload, "quote": QUOTE})
        .to_string()
}

fn reg(id: &str, name: &str) -> String {
    line(
        &format!("reg-{id}"),
        "entity.registered",
        "2023-07-18",
        json!({"id": format!("org:{id}"), "type": "org", "name": name, "acronym": name}),
    )
}

fn role(id: &str, valid: &str, holder: &str, extra: serde_json::Value) -> String {
    let mut payload = json!({"group": "org:icat", "holder": format!("org:{holder}"), "role": id});
    for (k, v) in extra.as_object().unwrap() {
        payload[k] = v.clone();
    }
    line(id, "role.assigned", valid, payload)
}

fn log() -> Test {
    let t = Test::new();
    let lines = vec![
        reg("icat", "ICAT"),
        reg("unodc", "UNODC"),
        reg("iom", "IOM"),
        role("some-year-of-the-2010s", "201X", "iom", json!({})),
        role("spring-2021", "2021-21", "iom", json!({})),
        role("from-2020-end-unknown", "2020/", "iom", json!({})),
        role(
            "coordinator",
            "2023-07-18",
            "unodc",
            json!({"attested": true}),
        ),
        line(
            "iom-member",
            "membership.joined",
            "2023-07",
            json!({"group": "org:icat", "member": "org:iom", "attested": true}),
        ),
        line(
            "icat-size",
            "statistic.reported",
            "2023-07-18",
            json!({"indicator": "indicator:icat-size", "label": "ICAT members", "value": 30, "unit": "members", "period": "2023-07-18", "subject": "org:icat"}),
        ),
        line(
            "iom-renamed",
            "entity.renamed",
            "2024-02",
            json!({"id": "org:iom", "name": "UN Migration"}),
        ),
    ];
    t.write_events("events", "2023-07-18-views-note.jsonl", &NOTE, &lines);
    t.run(["ingest"]).arg(t.path("events")).success();
    t
}

/// The rows `sql` gives, each as text (NULL as "NULL").
fn rows(t: &Test, sql: &str) -> Vec<Vec<String>> {
    let conn = t.sqlite();
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                Ok(match r.get::<_, Sql>(i)? {
                    Sql::Null => "NULL".to_owned(),
                    Sql::Integer(i) => i.to_string(),
                    Sql::Real(f) => f.to_string(),
                    Sql::Text(s) => s,
                    Sql::Blob(_) => "blob".to_owned(),
                })
            })
            .collect()
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn the_roles_view_reads_the_days_valid_time_gives_and_says_attested() {
    let t = log();
    let roles = rows(
        &t,
        "SELECT role, valid_from, valid_to, certainty, certainty_from, certainty_to, attested
           FROM roles ORDER BY role",
    );
    let row = |name: &str| -> Vec<&str> {
        roles
            .iter()
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("no {name}: {roles:?}"))
            .iter()
            .map(String::as_str)
            .collect()
    };
    // Some year of the 2010s, none surely: possible throughout the decade.
    assert_eq!(
        row("some-year-of-the-2010s"),
        [
            "some-year-of-the-2010s",
            "2010-01-01",
            "2019-12-31",
            "possible",
            "NULL",
            "NULL",
            "0"
        ]
    );
    // Spring 2021 is March to May, held throughout.
    assert_eq!(
        row("spring-2021"),
        [
            "spring-2021",
            "2021-03-01",
            "2021-05-31",
            "certain",
            "2021-03-01",
            "2021-05-31",
            "0"
        ]
    );
    // Began in 2020, ended at some time not given: possible from 2020 on, never certain.
    assert_eq!(
        row("from-2020-end-unknown"),
        [
            "from-2020-end-unknown",
            "2020-01-01",
            "NULL",
            "possible",
            "NULL",
            "NULL",
            "0"
        ]
    );
    // Attested on its day, carried on after it: no end.
    assert_eq!(
        row("coordinator"),
        [
            "coordinator",
            "2023-07-18",
            "NULL",
            "attested",
            "2023-07-18",
            "2023-07-18",
            "1"
        ]
    );
    // Each of those days is what the state says.
    let state = |day: &str| t.state_json(&["--as-of", day]);
    let has = |s: &serde_json::Value, role: &str| {
        s["groups"]["org:icat"]["roles"]
            .as_array()
            .is_some_and(|r| r.iter().any(|x| x["role"] == role))
    };
    assert!(has(&state("2021-03-01"), "spring-2021") && !has(&state("2021-06-01"), "spring-2021"));
    assert!(has(&state("2015-06-01"), "some-year-of-the-2010s"));
}

#[test]
fn memberships_statistics_and_names_carry_the_vocabulary_2_fields() {
    let t = log();
    // Certain on the last day of July 2023, attested after it; named as it is called now.
    assert_eq!(
        rows(
            &t,
            "SELECT member_name, joined, certainty, certainty_from, certainty_to, valid_to, attested
               FROM memberships"
        ),
        [["UN Migration", "2023-07", "attested", "2023-07-31", "2023-07-31", "NULL", "1"]]
    );
    assert_eq!(
        rows(&t, "SELECT label, subject_id, subject_name FROM statistics"),
        [["ICAT members", "org:icat", "ICAT"]]
    );
    assert_eq!(
        rows(
            &t,
            "SELECT id, label, valid_from, valid_to FROM name_periods ORDER BY valid_from NULLS FIRST"
        ),
        [
            ["org:iom", "IOM", "NULL", "2024-01-31"],
            ["org:iom", "UN Migration", "2024-02-01", "NULL"]
        ]
    );
    // `names` is the name now: the last rename's.
    assert_eq!(
        rows(&t, "SELECT name, acronym FROM names WHERE id = 'org:iom'"),
        [["UN Migration", "NULL"]]
    );
}
