//! `log`: events in log order, filtered by kind, entity, source document and valid time,
//! as a table, a JSON array or JSON lines.

use std::ffi::OsString;

use serde_json::Value;

use crate::harness::*;

/// The ids `log --format jsonl <filters>` selects.
fn ids(t: &Test, filters: &[&str]) -> Vec<String> {
    let out = t
        .run(["log", "--format", "jsonl"])
        .args(filters.iter().map(OsString::from))
        .success()
        .stdout;
    out.lines()
        .map(|l| {
            let e: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            e["id"].as_str().expect("id").to_owned()
        })
        .collect()
}

#[test]
fn log_table_lists_every_event_in_log_order() {
    let t = Test::new();
    t.ingest_fixture();
    let out = t
        .run(["log"])
        .stdout_contains("SEQ")
        .stdout_contains("KIND")
        .stdout_contains("VALID")
        .success();
    let rows: Vec<&str> = out.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 13, "{}", out.stdout);
    for (n, (row, id)) in rows.iter().zip(FIXTURE_IDS).enumerate() {
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells[0], (n + 1).to_string(), "{row}");
        assert_eq!(cells[3], id, "{row}");
        assert_eq!(cells[4], FIXTURE_PREFIX, "{row}");
    }
    assert!(rows[6].contains("membership.joined") && rows[6].contains("2020-04"));
}

#[test]
fn log_kind_keeps_only_that_kind() {
    let t = Test::new();
    t.ingest_fixture();
    assert_eq!(
        ids(&t, &["--kind", "role.assigned"]),
        [
            "cochair-iom-2023",
            "cochair-osrsg-vac-2023",
            "coordinator-unodc"
        ]
    );
    assert_eq!(
        ids(
            &t,
            &["--kind", "membership.joined", "--kind", "instrument.status"]
        ),
        ["cbss-joins", "directive-under-revision"]
    );
}

#[test]
fn log_kind_that_is_not_a_kind_is_a_usage_error() {
    let t = Test::new();
    t.ingest_fixture();
    t.run(["log", "--kind", "membership.joind"])
        .stderr_contains("`membership.joind` is not a kind")
        .failure(2);
}

#[test]
fn log_entity_keeps_events_that_name_it() {
    let t = Test::new();
    t.ingest_fixture();
    assert_eq!(
        ids(&t, &["--entity", "org:iom"]),
        ["reg-iom", "cochair-iom-2023"]
    );
    // An entity the log does not know is refused (it would list nothing, silently),
    // with the nearest ids it does know.
    t.run(["log", "--entity", "org:imo"])
        .stderr_contains("no entity `org:imo` in the log: did you mean")
        .stderr_contains("org:iom")
        .failure(2);
}

#[test]
fn log_source_keeps_events_of_that_document() {
    let t = Test::new();
    t.ingest_fixture();
    t.write_events("ilo", ILO_EVENTS, &ILO_NOTE, &[reg_ilo(), ilo_joins()]);
    t.run(["ingest", "ilo"]).success();
    let ilo = ILO_NOTE.sha256();
    assert_eq!(ids(&t, &["--source", &ilo[..12]]), ["reg-ilo", "ilo-joins"]);
    assert_eq!(ids(&t, &["--source", FIXTURE_PREFIX]), FIXTURE_IDS);
    assert_eq!(ids(&t, &["--source", FIXTURE_SHA]), FIXTURE_IDS);
    t.run(["log", "--source", "abcdef123456"]).failure(2);
}

#[test]
fn log_from_and_to_select_by_valid_time() {
    let t = Test::new();
    t.ingest_fixture();
    // cbss-joins is 2020-04; the co-chairs are 2023; the rest 2023-07-18 (the coordinator
    // from then on, open-ended).
    assert_eq!(ids(&t, &["--to", "2022"]), ["cbss-joins"]);
    assert_eq!(
        ids(&t, &["--from", "2020-04-15", "--to", "2020-04-15"]),
        ["cbss-joins"]
    );
    assert_eq!(
        ids(&t, &["--from", "2023-01-01", "--to", "2023-06-30"]),
        ["cochair-iom-2023", "cochair-osrsg-vac-2023"]
    );
    assert_eq!(ids(&t, &["--from", "2024"]), ["coordinator-unodc"]);
    assert_eq!(ids(&t, &["--from", "2023-07-19"]).len(), 3);
}

#[test]
fn log_bad_date_is_a_usage_error() {
    let t = Test::new();
    t.ingest_fixture();
    t.run(["log", "--from", "2024-13"])
        .stderr_contains("--from")
        .failure(2);
}

#[test]
fn log_format_json_is_an_array_with_seq_id_kind_and_hash() {
    let t = Test::new();
    t.ingest_fixture();
    let json = t.run(["log", "--format", "json"]).success().json();
    let events = json.as_array().expect("a JSON array");
    assert_eq!(events.len(), 13);
    let mut prev = "0".repeat(64);
    for (n, e) in events.iter().enumerate() {
        assert_eq!(e["seq"], n as u64 + 1);
        assert_eq!(e["id"], FIXTURE_IDS[n]);
        assert!(e["kind"].is_string(), "{e}");
        let hash = e["hash"].as_str().expect("hash");
        assert_eq!(hash.len(), 64);
        assert_eq!(e["prev_hash"], prev.as_str());
        prev = hash.to_owned();
    }
    assert_eq!(prev, t.head_hash());
    assert_eq!(events[6]["kind"], "membership.joined");
    assert_eq!(events[6]["payload"]["member"], "org:cbss");
}

#[test]
fn log_format_jsonl_is_one_object_per_line() {
    let t = Test::new();
    t.ingest_fixture();
    let out = t.run(["log", "--format", "jsonl"]).success().stdout;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 13);
    for (line, id) in lines.iter().zip(FIXTURE_IDS) {
        let e: Value = serde_json::from_str(line).expect("a JSON line");
        assert_eq!(e["id"], id);
        assert!(e["seq"].is_u64() && e["hash"].is_string() && e["kind"].is_string());
    }
}

#[test]
fn log_limit_caps_the_number_of_events() {
    let t = Test::new();
    t.ingest_fixture();
    assert_eq!(ids(&t, &["--limit", "2"]), ["reg-icat", "reg-cbss"]);
}
