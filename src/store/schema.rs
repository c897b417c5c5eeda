//! The schema as an ordered, append-only list of migrations keyed by `PRAGMA user_version`.
//! Never edit or reorder a migration; add a new one.

pub const MIGRATIONS: &[&str] = &[
    include_str!("sql/0001_log.sql"),
    include_str!("sql/0002_projection.sql"),
    include_str!("sql/0003_views.sql"),
    include_str!("sql/0004_periods.sql"),
    include_str!("sql/0005_statistic_groups.sql"),
    include_str!("sql/0006_fact_key_days.sql"),
    include_str!("sql/0007_entity_names.sql"),
    include_str!("sql/0008_period_ids.sql"),
    include_str!("sql/0009_key_period_groups.sql"),
    include_str!("sql/0010_facts_in_between.sql"),
];

/// The schema version this binary writes.
pub fn current_version() -> i64 {
    MIGRATIONS.len() as i64
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use rusqlite::Connection;

    use super::*;
    use crate::projection::{Knowledge, Landscape, state_at};
    use crate::store::{Access, Store};

    fn curated_log(path: &Path) -> Store {
        let mut store = Store::open(path, Access::ReadWrite).unwrap();
        let events = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("events");
        crate::ingest::ingest(&mut store, &[events], "test".into()).unwrap();
        store
    }

    fn year_end_states(store: &Store) -> Vec<Landscape> {
        (2012..=2026)
            .map(|y| crate::date::end_of_year(y).unwrap())
            .map(|d| state_at(store, d, Knowledge::default(), None).unwrap())
            .collect()
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
         INSERT INTO key_periods SELECT * FROM current.key_periods;
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
    /// the derived tables, which is where the schemas differ.
    fn old_log(path: &Path, schema: usize, current: &Store, copy: &str) -> Connection {
        let conn = Connection::open(path).unwrap();
        for sql in &MIGRATIONS[..schema] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute("ATTACH ? AS current", [current.path().to_str().unwrap()])
            .unwrap();
        conn.execute_batch(
            "INSERT INTO documents SELECT * FROM current.documents;
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
    /// states of `current`; a rebuild then changes nothing.
    fn assert_upgrades_to(path: &Path, dump: &[String], states: &[Landscape]) -> Store {
        let store = Store::open(path, Access::ReadOnly).unwrap();
        assert_eq!(version(store.connection()), current_version());
        assert_eq!(store.derived_tables_dump().unwrap(), dump);
        assert_eq!(year_end_states(&store), states);
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
        let (dump, states) = (
            current.derived_tables_dump().unwrap(),
            year_end_states(&current),
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
             INSERT INTO key_periods SELECT * FROM current.key_periods;
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

        let store = assert_upgrades_to(&path, &dump, &states);
        assert_eq!(
            columns(store.connection(), "fact_keys"),
            ["key_id", "section", "key"]
        );
    }

    #[test]
    fn a_log_of_schema_7_gets_its_periods_keyed_by_key_and_day_and_loses_unread_spans() {
        let dir = tempfile::tempdir().unwrap();
        let current = curated_log(&dir.path().join("current.db"));
        let (dump, states) = (
            current.derived_tables_dump().unwrap(),
            year_end_states(&current),
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
             SELECT key_id, from_day, to_day, entry, cites FROM current.key_periods
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

        assert_upgrades_to(&path, &dump, &states);
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
        let (dump, states) = (
            current.derived_tables_dump().unwrap(),
            year_end_states(&current),
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

        let store = assert_upgrades_to(&path, &dump, &states);
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
        let (dump, states) = (
            current.derived_tables_dump().unwrap(),
            year_end_states(&current),
        );
        let (from, to) = (
            crate::date::end_of_year(2012).unwrap(),
            crate::date::end_of_year(2026).unwrap(),
        );
        let diff = |store: &Store| {
            crate::diff::diff_at(store, from, to, Knowledge::default(), None).unwrap()
        };
        let expected = diff(&current);
        let served = expected
            .sections
            .iter()
            .flat_map(|s| &s.changes)
            .filter(|c| c.what == "served as")
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

        let store = assert_upgrades_to(&path, &dump, &states);
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
}
