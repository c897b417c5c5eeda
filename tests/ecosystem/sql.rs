//! The views of schema 3, read the way an analyst would: with plain SQLite (Python's
//! `sqlite3` module), not with policylog. The three queries are those of docs/sql.md.

use std::ffi::OsStr;
use std::path::Path;

use serde_json::{Value, json};

use crate::harness::*;

/// Who co-chaired ICAT at some point in 2023, and how many sources say so.
pub const CO_CHAIRS_2023: &str = "\
SELECT holder_name, term, certainty, count(*) AS sources
FROM roles
WHERE group_id = 'org:icat' AND role = 'co-chair'
  AND valid_from <= '2023-12-31' AND (valid_to IS NULL OR valid_to >= '2023-01-01')
GROUP BY holder_id
ORDER BY holder_name;";

/// When the CBSS joined ICAT, in the words of the source.
pub const CBSS_JOINED: &str = "\
SELECT member_name, joined, valid_from, certainty_from, quote, source_title
FROM memberships
WHERE group_id = 'org:icat' AND member_id = 'org:cbss';";

/// The status of the EU Anti-Trafficking Directive as of 18 July 2023.
pub const DIRECTIVE_STATUS: &str = "\
SELECT instrument_name, status, since, note
FROM instrument_status
WHERE instrument_id = 'instrument:eu-anti-trafficking-directive'
  AND valid_from <= '2023-07-18'
  AND (superseded_from IS NULL OR superseded_from > '2023-07-18');";

/// Runs each query (one per argument after the database) read-only and prints the rows
/// of each as a JSON list of lists.
const RUN_QUERIES: &str = r#"
import json, sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
print(json.dumps([[list(r) for r in db.execute(q)] for q in sys.argv[2:]]))
"#;

fn query(db: &Path, queries: &[&str]) -> Vec<Value> {
    let mut args = vec![OsStr::new("-c"), OsStr::new(RUN_QUERIES), db.as_os_str()];
    args.extend(queries.iter().map(OsStr::new));
    let out = python3(args);
    assert!(
        out.status.success(),
        "python3 failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    match serde_json::from_slice(&out.stdout).expect("python printed JSON") {
        Value::Array(results) => results,
        other => panic!("not a list: {other}"),
    }
}

#[test]
fn plain_sqlite_answers_the_analyst_questions() {
    let log = Test::curated();
    let results = query(log.db(), &[CO_CHAIRS_2023, CBSS_JOINED, DIRECTIVE_STATUS]);
    assert_eq!(
        results[0],
        json!([
            ["IOM", "2023", "certain", 2],
            ["OSRSG-VAC", "2023", "certain", 2]
        ])
    );
    assert_eq!(
        results[1],
        json!([[
            "CBSS",
            "2020-04",
            "2020-04-01",
            "2020-04-30",
            "The Council of the Baltic Sea States joined the ICAT in April 2020",
            "The CBSS becomes part of the UN\u{2019}s Inter-Agency Coordination Group Against Trafficking in Persons"
        ]])
    );
    assert_eq!(results[2][0][0], "EU Anti-Trafficking Directive");
    assert_eq!(results[2][0][1], "under_revision");
    assert_eq!(results[2][0][2], "2023-07-18");
    assert_eq!(results[2].as_array().map(Vec::len), Some(1));
}

#[test]
fn terms_are_certain_only_where_docs_dates_says() {
    let log = Test::curated();
    let results = query(
        log.db(),
        &[
            "SELECT holder_name, valid_from, valid_to, certainty, certainty_from, certainty_to
             FROM roles WHERE term = '2019/2020' AND holder_id = 'org:un-women'",
            "SELECT valid_from, valid_to, certainty_from, certainty_to FROM roles
             WHERE term = '2022' AND holder_id = 'org:icmpd'",
        ],
    );
    // Began some time in 2019, ended some time in 2020: certain only around the new year.
    assert_eq!(
        results[0],
        json!([[
            "UN Women",
            "2019-01-01",
            "2020-12-31",
            "certain",
            "2019-12-31",
            "2020-01-01"
        ]])
    );
    // A single year is the whole term: certain throughout.
    assert_eq!(
        results[1],
        json!([["2022-01-01", "2022-12-31", "2022-01-01", "2022-12-31"]])
    );
}

#[test]
fn open_terms_and_memberships_end_with_their_ended_and_left_events() {
    let log = Test::curated();
    let ask = |log: &Test| {
        query(
            log.db(),
            &[
                "SELECT event, term, valid_from, valid_to, certainty_from, certainty_to, ended
                 FROM roles WHERE holder_id = 'org:icmpd'",
                "SELECT valid_to, certainty_to, departed FROM memberships
                 WHERE member_id = 'org:cbss'",
            ],
        )
    };
    log.open_icmpd_term();
    let results = ask(&log);
    // Open: certain from the end of its first month on, for as long as nothing ends it.
    assert_eq!(
        results[0],
        json!([[
            "open-icmpd",
            "2021-06/..",
            "2021-06-01",
            null,
            "2021-06-30",
            null,
            null
        ]])
    );
    assert_eq!(results[1], json!([[null, null, null]]));
    log.end_icmpd_term_and_cbss_membership();
    let results = ask(&log);
    assert_eq!(
        results[0],
        json!([[
            "open-icmpd",
            "2021-06/..",
            "2021-06-01",
            "2024-03-31",
            "2021-06-30",
            "2024-02-29",
            "2024-03"
        ]])
    );
    assert_eq!(results[1], json!([["2024-06-30", "2024-05-31", "2024-06"]]));
}

#[test]
fn every_view_answers_and_cites_its_source() {
    let log = Test::curated();
    let views = [
        "memberships",
        "roles",
        "calls",
        "commitment_items",
        "instrument_status",
        "statistics",
        "meetings",
        "publications",
        "representatives",
    ];
    let queries: Vec<String> = views
        .iter()
        .map(|v| format!("SELECT count(*), count(event), count(quote) FROM {v}"))
        .collect();
    let queries: Vec<&str> = queries.iter().map(String::as_str).collect();
    let results = query(log.db(), &queries);
    for (view, rows) in views.iter().zip(&results) {
        let [count, events, quotes] = [0, 1, 2].map(|i| rows[0][i].as_i64().unwrap());
        assert!(count > 0, "{view} is empty");
        assert_eq!(count, events, "{view}: a row without its event");
        assert_eq!(count, quotes, "{view}: a row without its quote");
    }
    let items = query(
        log.db(),
        &["SELECT position, item FROM commitment_items
           WHERE commitment_id = 'commitment:icat-workstreams' ORDER BY position"],
    );
    assert_eq!(items[0].as_array().map(Vec::len), Some(3));
    assert_eq!(items[0][0][0], 1);
}

#[test]
fn views_follow_retractions_and_corrections() {
    let log = Test::curated();
    // Every membership with its member, and IOM's terms: compared with the rows before,
    // so that what other documents add to the views does not matter.
    let ask = || {
        query(
            log.db(),
            &[
                "SELECT event, member_id FROM memberships ORDER BY event",
                "SELECT event, term FROM roles WHERE holder_id = 'org:iom' ORDER BY event",
            ],
        )
    };
    let before = ask();
    let cbss = json!(["cbss-joins-icat", "org:cbss"]);
    assert!(
        before[0].as_array().unwrap().contains(&cbss),
        "{}",
        before[0]
    );
    let iom_2023 = [
        json!(["icat-cochair-iom-2023-csw67", "2023"]),
        json!(["icat-cochair-iom-2023-eu-atc-exchange", "2023"]),
    ];
    for term in &iom_2023 {
        assert!(
            before[1].as_array().unwrap().contains(term),
            "{}",
            before[1]
        );
    }
    log.run([
        "retract",
        "cbss-joins-icat",
        "--reason",
        "test",
        "--id",
        "undo-cbss",
    ])
    .success();
    log.run([
        "correct",
        "icat-cochair-iom-2023-csw67",
        "--json",
        r#"{"valid": "2024"}"#,
        "--reason",
        "test",
        "--id",
        "fix-iom",
    ])
    .success();
    let results = ask();
    // The retracted membership is gone, and nothing else.
    let mut memberships = before[0].as_array().unwrap().clone();
    memberships.retain(|row| *row != cbss);
    assert_eq!(results[0], Value::Array(memberships));
    // The correction stands in for the term it corrects.
    let mut corrected: Vec<Value> = before[1].as_array().unwrap().clone();
    corrected.retain(|row| *row != iom_2023[0]);
    corrected.push(json!(["fix-iom", "2024"]));
    corrected.sort_by_key(|row| row[0].as_str().unwrap().to_owned());
    assert_eq!(results[1], Value::Array(corrected));
    // Retracting the correction brings back what it corrected.
    log.run(["retract", "fix-iom", "--reason", "test", "--id", "undo-fix"])
        .success();
    let results = ask();
    assert_eq!(results[1], before[1]);
}
