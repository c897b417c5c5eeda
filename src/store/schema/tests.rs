//! Old logs upgrade to the current schema: a log as each older binary wrote it (its schema
//! exactly, the derived tables as that schema kept them) is opened, and comes out with the
//! derived tables and stored entries a log of the current schema has; a rebuild then
//! changes nothing.

use std::path::Path;

use rusqlite::Connection;

use super::*;
use crate::projection::periods::day_number;
use crate::store::curated_log::{corrected_in_vocabulary_1 as corrected, curated as curated_log};
use crate::store::{Access, FactAt, KeyEntry, Store};

/// What the stored periods show at the end of each year (what `state` reads), in key order.
fn year_end_entries(store: &Store) -> Vec<Vec<KeyEntry>> {
    (2012..=2026)
        .map(|y| day_number(crate::date::end_of_year(y).unwrap()))
        .map(|day| {
            let mut entries = Vec::new();
            store.each_entry_at(day, None, |e| entries.push(e)).unwrap();
            in_key_order(entries)
        })
        .collect()
}

/// Entries sorted by their key and first day: the tables' scans give them in the order of
/// their b-trees, which an upgrade may build otherwise.
fn in_key_order(mut entries: Vec<KeyEntry>) -> Vec<KeyEntry> {
    entries.sort_by_key(|e| (e.key_id, e.from_day));
    entries
}

fn columns(conn: &Connection, table: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid")
        .unwrap();
    stmt.query_map([table], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// A schema-8 log's (group, key) pairs, from the current log's periods listed under
/// their groups (`current` attached).
const OLD_FACT_KEY_GROUPS: &str = "INSERT INTO fact_key_groups (grp, key_id)
     SELECT DISTINCT g.grp, p.key_id
       FROM current.key_period_groups g JOIN current.key_periods p USING (period_id);";

/// The spans of membership and role keys that schemas 2 to 9 kept (schema 10 drops
/// them), approximated from the current log's facts (`current` attached): the
/// upgrades only delete from them (schema 8) and drop them (schema 10).
const OLD_FACT_KEY_SPANS: &str = "INSERT INTO fact_key_spans (key_id, from_day, to_day)
     SELECT f.key_id, min(f.from_day), max(f.to_day)
       FROM current.facts f JOIN current.fact_keys k USING (key_id)
      WHERE k.section IN (0, 1) GROUP BY f.key_id;";

/// The derived tables whose rows schemas 8 to 10 share, copied from the current log
/// (`current` attached).
const SAME_SINCE_SCHEMA_8: &str = "INSERT INTO facts SELECT * FROM current.facts;
     INSERT INTO displaced SELECT * FROM current.displaced;
     INSERT INTO entity_names SELECT * FROM current.entity_names;
     INSERT INTO key_periods SELECT period_id, key_id, from_day, to_day,
         policylog_entry(entry), cites FROM current.key_periods;
     INSERT INTO key_period_spans SELECT * FROM current.key_period_spans;
     INSERT INTO statistic_period_groups SELECT * FROM current.statistic_period_groups;";

/// The one number `sql` gives.
fn number(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn version(conn: &Connection) -> i64 {
    number(conn, "PRAGMA user_version")
}

/// A log at `path` as a binary of schema `schema` wrote it: that schema exactly, the
/// documents and events of `current`, then `copy` (run with `current` attached) for
/// the derived tables, which is where the schemas differ. Schemas before 14 kept each
/// period's entry as JSON: `copy` unpacks the current log's with `policylog_entry`.
fn old_log(path: &Path, schema: usize, current: &Store, copy: &str) -> Connection {
    let conn = Connection::open(path).unwrap();
    crate::store::derived::define_entry_function(&conn).unwrap();
    for m in MIGRATIONS.iter().filter(|m| m.version <= schema as i64) {
        conn.execute_batch(m.sql).unwrap();
    }
    conn.execute("ATTACH ? AS current", [current.path().to_str().unwrap()])
        .unwrap();
    conn.execute_batch(
        "INSERT INTO documents SELECT sha256, file, events_file, title, publisher, published,
             published_from, published_to, text, recorded_at, record_hash FROM current.documents;
         INSERT INTO events SELECT * FROM current.events;
         INSERT INTO event_refs SELECT * FROM current.event_refs;
         INSERT INTO entities SELECT * FROM current.entities;",
    )
    .unwrap();
    conn.execute_batch(copy).unwrap();
    conn.execute_batch("DETACH current").unwrap();
    conn.pragma_update(None, "user_version", schema as i64)
        .unwrap();
    conn
}

/// Opened, the old log is upgraded to the current schema with the derived tables and
/// stored entries of `current`; a rebuild then changes nothing.
fn assert_upgrades_to(path: &Path, dump: &[String], entries: &[Vec<KeyEntry>]) -> Store {
    // A reader never upgrades: it says what to run, and the version stays.
    let old = version(&Connection::open(path).unwrap());
    let refused = Store::open(path, Access::ReadOnly)
        .err()
        .expect("a reader refuses");
    assert!(refused.to_string().contains("rebuild"), "{refused}");
    assert_eq!(version(&Connection::open(path).unwrap()), old);
    let store = Store::open(path, Access::ReadWrite).unwrap();
    assert_eq!(version(store.connection()), current_version());
    assert_eq!(store.derived_tables_dump().unwrap(), dump);
    assert_eq!(year_end_entries(&store), entries);
    drop(store);
    let mut store = Store::open(path, Access::ReadWrite).unwrap();
    store.rebuild().unwrap();
    assert_eq!(store.derived_tables_dump().unwrap(), dump);
    store
}

#[test]
fn a_log_of_schema_5_loses_the_key_days_and_shows_the_same_state() {
    let dir = tempfile::tempdir().unwrap();
    let current = curated_log(&dir.path().join("current.db"));
    let (dump, entries) = (
        current.derived_tables_dump().unwrap(),
        year_end_entries(&current),
    );

    // The same log as a binary of schema 5 wrote it: its schema, exactly, and each
    // key's first and closing day (its span's, or none).
    let path = dir.path().join("schema5.db");
    let conn = old_log(
        &path,
        5,
        &current,
        &format!(
            "{OLD_FACT_KEY_SPANS}
         INSERT INTO fact_keys (key_id, section, key, first_day, closed_day)
         SELECT k.key_id, k.section, k.key, coalesce(s.from_day, 0), coalesce(s.to_day + 1, 0)
           FROM current.fact_keys k LEFT JOIN fact_key_spans s USING (key_id);
         {OLD_FACT_KEY_GROUPS}
         INSERT INTO facts SELECT * FROM current.facts;
         INSERT INTO displaced SELECT * FROM current.displaced;
         INSERT INTO key_periods SELECT period_id, key_id, from_day, to_day,
         policylog_entry(entry), cites FROM current.key_periods;
         INSERT INTO key_period_spans SELECT * FROM current.key_period_spans;
         INSERT INTO statistic_period_groups SELECT * FROM current.statistic_period_groups;"
        ),
    );
    // Every table of schema 5 was copied.
    let tables = number(
        &conn,
        "SELECT count(*) FROM pragma_table_list WHERE schema = 'main'
             AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite%'",
    );
    assert_eq!(tables, 12);
    assert_eq!(
        columns(&conn, "fact_keys"),
        ["key_id", "section", "key", "first_day", "closed_day"]
    );
    drop(conn);

    let store = assert_upgrades_to(&path, &dump, &entries);
    assert_eq!(
        columns(store.connection(), "fact_keys"),
        ["key_id", "section", "key"]
    );
}

#[test]
fn a_log_of_schema_7_gets_its_periods_keyed_by_key_and_day_and_loses_unread_spans() {
    let dir = tempfile::tempdir().unwrap();
    let current = curated_log(&dir.path().join("current.db"));
    let (dump, entries) = (
        current.derived_tables_dump().unwrap(),
        year_end_entries(&current),
    );

    // The same log as a binary of schema 7 wrote it: periods numbered as they were
    // inserted (here in a shuffled order), their spans and reporters by those numbers,
    // and a span for every key (schema 7 kept them for all sections).
    let path = dir.path().join("schema7.db");
    let conn = old_log(
        &path,
        7,
        &current,
        &format!(
            "INSERT INTO fact_keys SELECT * FROM current.fact_keys;
         {OLD_FACT_KEY_SPANS}
         INSERT INTO fact_key_spans (key_id, from_day, to_day)
         SELECT key_id, 1, 2 FROM fact_keys WHERE section NOT IN (0, 1);
         {OLD_FACT_KEY_GROUPS}
         INSERT INTO facts SELECT * FROM current.facts;
         INSERT INTO displaced SELECT * FROM current.displaced;
         INSERT INTO entity_names SELECT * FROM current.entity_names;
         INSERT INTO key_periods (key_id, from_day, to_day, entry, cites)
         SELECT key_id, from_day, to_day, policylog_entry(entry), cites FROM current.key_periods
          ORDER BY (period_id * 7919) % 1000003;
         INSERT INTO key_period_spans (period_id, from_day, to_day)
         SELECT p.period_id, p.from_day, p.to_day FROM key_periods p;
         INSERT INTO statistic_period_groups (period_id, grp, from_day, to_day)
         SELECT p.period_id, s.grp, s.from_day, s.to_day
           FROM current.statistic_period_groups s
           JOIN current.key_periods c ON c.period_id = s.period_id
           JOIN key_periods p ON p.key_id = c.key_id AND p.from_day = c.from_day;"
        ),
    );
    let renumbered = number(
        &conn,
        "SELECT count(*) FROM key_periods WHERE period_id != (key_id << 32) + to_day + 2147483648",
    );
    assert!(
        renumbered > 0,
        "the schema 7 copy numbers periods otherwise"
    );
    drop(conn);

    assert_upgrades_to(&path, &dump, &entries);
}

#[test]
fn a_log_of_schema_8_lists_its_periods_under_their_groups_and_loses_its_key_groups() {
    let dir = tempfile::tempdir().unwrap();
    let mut current = curated_log(&dir.path().join("current.db"));
    // A meeting corrected to name one group fewer: schema 8 kept the (group, key) pair
    // of the fact taken out; schema 9 lists nothing under that group.
    let meeting = current
        .event("icat-principals-meeting-2020")
        .unwrap()
        .unwrap();
    let mut fewer: serde_json::Value = serde_json::from_str(&meeting.payload).unwrap();
    fewer["participants"] = serde_json::json!([]);
    let correction = crate::event::EventLine {
        id: Some("fewer-participants".into()),
        kind: "event.corrected".into(),
        version: None,
        valid: "2026-01-01".into(),
        payload: serde_json::json!({"target": meeting.id, "reason": "test", "replacement": {"kind": "meeting.held", "valid": meeting.valid, "payload": fewer}}),
        source: meeting.source.clone(),
        quote: meeting.quote.clone(),
        recorded_at: None,
        recorded_by: None,
    };
    let mut session = crate::ingest::Session::begin(&mut current, "test".into()).unwrap();
    let at = crate::error::Location::Argument {
        what: "test",
        event: None,
    };
    session.add(correction, None, &at).unwrap();
    session.commit().unwrap();
    let (dump, entries) = (
        current.derived_tables_dump().unwrap(),
        year_end_entries(&current),
    );
    let listed = number(
        current.connection(),
        "SELECT count(*) FROM key_period_groups",
    );
    assert!(listed > 0, "the curated log has periods under groups");

    // The same log as a binary of schema 8 wrote it: (group, key) pairs, no listings.
    let path = dir.path().join("schema8.db");
    let conn = old_log(
        &path,
        8,
        &current,
        &format!(
            "INSERT INTO fact_keys SELECT * FROM current.fact_keys;
             {OLD_FACT_KEY_SPANS}
             {OLD_FACT_KEY_GROUPS}
             INSERT INTO fact_key_groups (grp, key_id)
             SELECT 'org:cbss', key_id FROM fact_keys
              WHERE key = 'meeting:icat-principals-meeting-2020';
             {SAME_SINCE_SCHEMA_8}"
        ),
    );
    let pairs = number(&conn, "SELECT count(*) FROM fact_key_groups");
    assert!(
        pairs > 0 && pairs < listed,
        "{pairs} pairs, {listed} listings"
    );
    drop(conn);

    let store = assert_upgrades_to(&path, &dump, &entries);
    let old_table = number(
        store.connection(),
        "SELECT count(*) FROM sqlite_schema WHERE name = 'fact_key_groups'",
    );
    assert_eq!(old_table, 0);
}

#[test]
fn a_log_of_schema_9_finds_terms_served_in_between_by_their_days_and_loses_the_key_spans() {
    let dir = tempfile::tempdir().unwrap();
    let current = curated_log(&dir.path().join("current.db"));
    let (dump, entries) = (
        current.derived_tables_dump().unwrap(),
        year_end_entries(&current),
    );
    // What `diff` reads of the store: the periods that change between the two days, and
    // the terms served and departures lying wholly between them.
    let (from, to) = (
        day_number(crate::date::end_of_year(2012).unwrap()),
        day_number(crate::date::end_of_year(2026).unwrap()),
    );
    let diff = |store: &Store| {
        let mut changing = Vec::new();
        store
            .each_entry_changing(from, to, |e| changing.push(e))
            .unwrap();
        let within = store.facts_within(from, to).unwrap();
        let places: Vec<&FactAt> = within.iter().collect();
        (in_key_order(changing), store.facts_at(&places).unwrap())
    };
    let expected = diff(&current);
    let served = expected
        .1
        .iter()
        .filter(|f| matches!(f.event, crate::event::Event::RoleAssigned(_)))
        .count();
    assert!(served > 0, "the curated log has terms served in between");

    // The same log as a binary of schema 9 wrote it: a span for each membership and
    // role key, no index of the facts by their days.
    let path = dir.path().join("schema9.db");
    let conn = old_log(
        &path,
        9,
        &current,
        &format!(
            "INSERT INTO fact_keys SELECT * FROM current.fact_keys;
             {OLD_FACT_KEY_SPANS}
             INSERT INTO key_period_groups SELECT * FROM current.key_period_groups;
             {SAME_SINCE_SCHEMA_8}"
        ),
    );
    let spans = number(&conn, "SELECT count(*) FROM fact_key_spans");
    assert!(spans > 0);
    drop(conn);

    let store = assert_upgrades_to(&path, &dump, &entries);
    let named = |name: &str| -> i64 {
        store
            .connection()
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = ?",
                [name],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(named("fact_key_spans"), 0);
    assert_eq!(named("facts_in_between"), 1);
    assert_eq!(diff(&store), expected);
}

/// Schema 14 undone on a current log: `key_periods` as schema 13 defined it, each entry
/// the JSON its packed bytes unpack to.
fn entries_as_json(conn: &Connection) {
    crate::store::derived::define_entry_function(conn).unwrap();
    let schema_13 = &crate::store::reference_schemas().unwrap()[12];
    let table = schema_13
        .iter()
        .find(|(kind, name, _)| kind == "table" && name == "key_periods")
        .and_then(|(_, _, sql)| sql.clone())
        .unwrap();
    conn.execute_batch("ALTER TABLE key_periods RENAME TO key_periods_packed;")
        .unwrap();
    conn.execute_batch(&table).unwrap();
    conn.execute_batch(
        "INSERT INTO key_periods SELECT period_id, key_id, from_day, to_day,
             policylog_entry(entry), cites FROM key_periods_packed;
         DROP TABLE key_periods_packed;",
    )
    .unwrap();
}

/// Schemas 2 to 8 kept (group, key) pairs instead of periods listed under groups, and
/// schemas 2 to 9 the spans of keys (left empty here: no upgrade reads them) instead
/// of an index of the facts served in between.
const SCHEMA_8_GROUPS: &str = "CREATE TABLE fact_key_groups (
        grp TEXT NOT NULL, key_id INTEGER NOT NULL, PRIMARY KEY (grp, key_id)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO fact_key_groups (grp, key_id)
    SELECT DISTINCT g.grp, p.key_id FROM key_period_groups g JOIN key_periods p USING (period_id);
    DROP TABLE key_period_groups;
    CREATE VIRTUAL TABLE fact_key_spans USING rtree_i32 (key_id, from_day, to_day);
    DROP INDEX facts_in_between;";

/// Schema 11 undone on a current log: its tables dropped and the views of schema 3 back
/// in place of its own (the views of 11 read tables older logs do not have).
const BEFORE_SCHEMA_11: &str = concat!(
    "ALTER TABLE documents DROP COLUMN url;
     DROP VIEW name_periods; DROP VIEW representatives; DROP VIEW publications;
     DROP VIEW meetings; DROP VIEW statistics; DROP VIEW instrument_status;
     DROP VIEW commitment_items; DROP VIEW calls; DROP VIEW roles; DROP VIEW memberships;
     DROP VIEW names; DROP VIEW live_facts;
     DROP TABLE fact_days; DROP TABLE entity_name_periods;
     ",
    include_str!("../sql/0003_views.sql")
);

#[test]
fn a_log_of_schema_10_gains_the_days_of_its_facts_and_views_that_read_them() {
    let dir = tempfile::tempdir().unwrap();
    let current = curated_log(&dir.path().join("current.db"));
    let (dump, entries) = (
        current.derived_tables_dump().unwrap(),
        year_end_entries(&current),
    );
    let days = number(current.connection(), "SELECT count(*) FROM fact_days");
    let facts = number(current.connection(), "SELECT count(*) FROM facts");
    assert_eq!(days, facts, "a day row for every fact");
    let views = |conn: &Connection| -> Vec<String> {
        conn.prepare(
            "SELECT v.valid || '|' || coalesce(v.valid_from, '') || '|' || coalesce(v.valid_to, '')
               FROM live_facts v ORDER BY v.seq",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    let expected = views(current.connection());

    // The same log as a binary of schema 10 wrote it: no days of facts.
    let path = dir.path().join("schema10.db");
    let conn = old_log(
        &path,
        10,
        &current,
        "INSERT INTO fact_keys SELECT * FROM current.fact_keys;
         INSERT INTO key_period_groups SELECT * FROM current.key_period_groups;
         INSERT INTO facts SELECT * FROM current.facts;
         INSERT INTO displaced SELECT * FROM current.displaced;
         INSERT INTO entity_names SELECT * FROM current.entity_names;
         INSERT INTO key_periods SELECT period_id, key_id, from_day, to_day,
         policylog_entry(entry), cites FROM current.key_periods;
         INSERT INTO key_period_spans SELECT * FROM current.key_period_spans;
         INSERT INTO statistic_period_groups SELECT * FROM current.statistic_period_groups;",
    );
    let old_table = number(
        &conn,
        "SELECT count(*) FROM sqlite_schema WHERE name = 'fact_days'",
    );
    assert_eq!(old_table, 0);
    drop(conn);

    let store = assert_upgrades_to(&path, &dump, &entries);
    assert_eq!(views(store.connection()), expected);
}

#[test]
fn a_log_of_schema_3_gains_its_periods_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let store = corrected(&dir);
    let before = store.derived_tables_dump().unwrap();
    let path = store.path().to_owned();
    // What a log written before schema 4 looks like.
    store
        .connection()
        .execute_batch(&format!(
            "{BEFORE_SCHEMA_11}
                 {SCHEMA_8_GROUPS}
                 DROP TABLE statistic_period_groups; DROP TABLE key_period_spans;
                 DROP TABLE key_periods; DROP TABLE entity_names; PRAGMA user_version = 3;"
        ))
        .unwrap();
    drop(store);
    let store = Store::open(&path, Access::ReadWrite).unwrap();
    assert_eq!(store.derived_tables_dump().unwrap(), before);
}

#[test]
fn a_log_of_schema_4_gains_its_statistic_reporters_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let store = corrected(&dir);
    let before = store.derived_tables_dump().unwrap();
    let path = store.path().to_owned();
    entries_as_json(store.connection());
    store.connection().execute_batch(BEFORE_SCHEMA_11).unwrap();
    store.connection().execute_batch(SCHEMA_8_GROUPS).unwrap();
    // Schema 4 linked every indicator to every group that reported it.
    let linked = store
        .connection()
        .execute(
            "INSERT OR IGNORE INTO fact_key_groups (grp, key_id)
             SELECT 'org:icat', key_id FROM fact_keys WHERE section = 6",
            [],
        )
        .unwrap();
    assert!(linked > 0, "the curated log reports statistics");
    store
        .connection()
        .execute_batch(
            "DROP TABLE statistic_period_groups; DROP TABLE entity_names;
             PRAGMA user_version = 4;",
        )
        .unwrap();
    drop(store);
    let store = Store::open(&path, Access::ReadWrite).unwrap();
    assert_eq!(store.derived_tables_dump().unwrap(), before);
}

#[test]
fn a_log_of_schema_11_gains_document_urls_and_keeps_its_record_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let current = curated_log(&dir.path().join("current.db"));
    let hashes = |conn: &Connection| -> Vec<String> {
        conn.prepare("SELECT sha256 || record_hash FROM documents ORDER BY sha256")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let before = hashes(current.connection());
    let path = current.path().to_owned();
    current
        .connection()
        .execute_batch("ALTER TABLE documents DROP COLUMN url; PRAGMA user_version = 11;")
        .unwrap();
    assert!(!columns(current.connection(), "documents").contains(&"url".to_owned()));
    drop(current);
    let store = Store::open(&path, Access::ReadWrite).unwrap();
    assert_eq!(version(store.connection()), current_version());
    assert!(columns(store.connection(), "documents").contains(&"url".to_owned()));
    assert_eq!(hashes(store.connection()), before);
    let report = crate::verify::verify(&store).unwrap();
    assert!(report.documents > 0);
    assert!(report.ok(), "{:?}", report.findings);
}

/// A log of schema 12: its views' list columns were comma-joined text. Opened for writing
/// it comes out with JSON arrays, and nothing else of it changed (schema 13 is those
/// three views only, each otherwise as schema 12 had it).
#[test]
fn a_log_of_schema_12_gets_its_list_columns_as_json_arrays() {
    let dir = tempfile::tempdir().unwrap();
    let current = curated_log(&dir.path().join("current.db"));
    let path = current.path().to_owned();
    entries_as_json(current.connection());
    // Schema 13's views written as schema 12 wrote them.
    let schema_12_views = MIGRATIONS[12]
        .sql
        .replace("json_group_array(value)", "group_concat(value, ', ')");
    current
        .connection()
        .execute_batch(&schema_12_views)
        .unwrap();
    current
        .connection()
        .pragma_update(None, "user_version", 12)
        .unwrap();
    let references = crate::store::reference_schemas().unwrap();
    assert_eq!(current.schema_objects().unwrap(), references[11]);
    let arrays = |conn: &Connection| {
        number(
            conn,
            "SELECT count(*) FROM calls
             WHERE CASE WHEN json_valid(issuers) THEN json_type(issuers) END = 'array'",
        )
    };
    let calls = number(current.connection(), "SELECT count(*) FROM calls");
    assert!(calls > 0);
    assert!(arrays(current.connection()) < calls);
    drop(current);
    let store = Store::open(&path, Access::ReadWrite).unwrap();
    assert_eq!(version(store.connection()), current_version());
    assert_eq!(store.schema_objects().unwrap(), *references.last().unwrap());
    assert_eq!(arrays(store.connection()), calls);
    let report = crate::verify::verify(&store).unwrap();
    assert!(report.ok(), "{:?}", report.findings);
}

/// A log of schema 13 kept each period's entry as JSON text. Opened for writing, its
/// periods are derived again, packed, and say what they said; a reader refuses it first.
#[test]
fn a_log_of_schema_13_gets_its_entries_packed_and_shows_the_same_state() {
    let dir = tempfile::tempdir().unwrap();
    let current = curated_log(&dir.path().join("current.db"));
    let dump = current.derived_tables_dump().unwrap();
    let entries = year_end_entries(&current);
    let path = current.path().to_owned();
    entries_as_json(current.connection());
    current
        .connection()
        .pragma_update(None, "user_version", 13)
        .unwrap();
    let references = crate::store::reference_schemas().unwrap();
    assert_eq!(current.schema_objects().unwrap(), references[12]);
    let text = |conn: &Connection| {
        number(
            conn,
            "SELECT count(*) FROM key_periods WHERE typeof(entry) = 'text'",
        )
    };
    assert!(text(current.connection()) > 0);
    drop(current);
    // The upgrade derives every table again: `policylog rebuild` then does not.
    let copy = dir.path().join("schema13-copy.db");
    std::fs::copy(&path, &copy).unwrap();
    assert!(
        Store::open(&copy, Access::ReadWrite)
            .unwrap()
            .rebuilt_on_open()
    );
    assert!(
        !Store::open(&copy, Access::ReadWrite)
            .unwrap()
            .rebuilt_on_open()
    );
    let store = assert_upgrades_to(&path, &dump, &entries);
    assert_eq!(text(store.connection()), 0);
    assert_eq!(store.schema_objects().unwrap(), references[13]);
    let report = crate::verify::verify(&store).unwrap();
    assert!(report.ok(), "{:?}", report.findings);
}

#[test]
fn migrations_are_numbered_one_after_the_other() {
    let versions: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
    let expected: Vec<i64> = (1..=MIGRATIONS.len() as i64).collect();
    assert_eq!(versions, expected);
    assert_eq!(current_version(), MIGRATIONS.len() as i64);
}
