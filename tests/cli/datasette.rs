//! `datasette-metadata` (issue 23): the metadata Datasette reads beside a log hides every
//! table, shows every view with a title, description and facets on columns it has; and
//! the views' list columns are JSON arrays, which Datasette facets value by value.
//! `scripts/datasette-e2e.sh` serves a log with it in Datasette itself.

use serde_json::Value;

use crate::harness::*;

/// The views' list columns (schema 13): each a JSON array in every row.
const LIST_COLUMNS: [(&str, &str); 5] = [
    ("calls", "issuers"),
    ("calls", "addressees"),
    ("instrument_status", "amends"),
    ("meetings", "organisers"),
    ("meetings", "participants"),
];

fn names(conn: &rusqlite::Connection, sql: &str, param: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    let rows = stmt.query_map([param], |r| r.get(0)).unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

/// How many rows of `view` hold in `column` something other than a JSON array, and how
/// many rows it has.
fn non_arrays(conn: &rusqlite::Connection, view: &str, column: &str) -> (i64, i64) {
    conn.query_row(
        &format!(
            // json_type fails on text that is not JSON: asked only of valid JSON.
            "SELECT count(*) FILTER (WHERE coalesce(CASE WHEN json_valid({column})
                 THEN json_type({column}) END, '') != 'array'), count(*) FROM {view}"
        ),
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

#[test]
fn metadata_hides_every_table_and_facets_the_views_by_their_own_columns() {
    let log = Test::curated();
    // A table a later schema might add, made behind policylog's back: hidden too.
    log.sqlite()
        .execute_batch("CREATE TABLE added_later (x INTEGER)")
        .unwrap();
    let metadata = log.run(["datasette-metadata"]).success().json();
    // Datasette names the database after the file's stem: policylog.db is `policylog`.
    let database = &metadata["databases"]["policylog"];
    assert!(database["description"].is_string(), "{metadata}");
    let entries = database["tables"].as_object().expect("tables");

    let conn = log.sqlite();
    let kind = "SELECT name FROM sqlite_schema WHERE type = ? ORDER BY name";
    let tables = names(&conn, kind, "table");
    let views = names(&conn, kind, "view");
    assert!(tables.iter().any(|t| t == "events") && tables.iter().any(|t| t == "added_later"));
    assert!(views.iter().any(|v| v == "memberships"));
    for table in &tables {
        assert_eq!(entries[table]["hidden"], true, "table {table} not hidden");
    }
    let mut array_facets = Vec::new();
    for view in &views {
        let entry = &entries[view];
        assert_ne!(entry["hidden"], true, "view {view} hidden");
        assert!(entry["title"].is_string(), "{view}: {entry}");
        assert!(entry["description"].is_string(), "{view}: {entry}");
        let columns = names(
            &conn,
            "SELECT name FROM pragma_table_info(?) ORDER BY cid",
            view,
        );
        let facets = entry["facets"].as_array().cloned().unwrap_or_default();
        for facet in &facets {
            let column = match facet {
                Value::String(c) => c.clone(),
                Value::Object(o) => {
                    let c = o["array"].as_str().expect("an array facet").to_owned();
                    array_facets.push((view.clone(), c.clone()));
                    c
                }
                other => panic!("{view}: facet {other}"),
            };
            assert!(columns.contains(&column), "{view}: facet on {column}");
        }
        for column in entry["columns"].as_object().into_iter().flatten() {
            assert!(columns.contains(column.0), "{view}: describes {}", column.0);
        }
    }
    // Only views and tables: nothing described that the log lacks.
    assert_eq!(entries.len(), tables.len() + views.len());
    assert!(array_facets.contains(&("calls".into(), "issuers".into())));
    let memberships = entries["memberships"]["facets"].as_array().unwrap();
    assert!(
        memberships.contains(&Value::from("certainty")),
        "{memberships:?}"
    );

    let lists = LIST_COLUMNS.map(|(v, c)| (v.to_owned(), c.to_owned()));
    for (view, column) in lists.iter().chain(&array_facets) {
        let (bad, rows) = non_arrays(&conn, view, column);
        assert_eq!(
            bad, 0,
            "{view}.{column}: {bad} of {rows} rows not a JSON array"
        );
    }
    let issuers: i64 = conn
        .query_row(
            "SELECT count(*) FROM calls, json_each(calls.issuers) WHERE value = 'org:icat'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(issuers > 0, "no call issued by org:icat");
}

#[test]
fn metadata_goes_to_a_file_and_never_writes_the_log() {
    let t = Test::with_fixture();
    let before = std::fs::read(t.db()).unwrap();
    let printed = t.run(["datasette-metadata"]).success().stdout;
    t.run(["datasette-metadata", "--out", "meta.json"])
        .stdout_contains("wrote Datasette metadata for database `policylog`")
        .success();
    let written = std::fs::read_to_string(t.path("meta.json")).unwrap();
    assert_eq!(written, printed);
    assert_eq!(
        std::fs::read(t.db()).unwrap(),
        before,
        "the log was written"
    );

    // Served under another name, keyed by it.
    let named = t
        .run(["datasette-metadata", "--database", "landscape"])
        .success()
        .json();
    assert!(named["databases"]["landscape"]["tables"]["events"]["hidden"] == true);
    t.run(["datasette-metadata", "--database", " "]).failure(2);

    // --out naming the log is refused, the log left as it was.
    let refused = t
        .run(["datasette-metadata", "--out"])
        .arg(t.db())
        .failure(2);
    assert!(
        refused.stderr.contains("wrote nothing"),
        "{}",
        refused.stderr
    );
    assert_eq!(std::fs::read(t.db()).unwrap(), before);
    // Nor through a hard link of the log (the check export uses).
    std::fs::hard_link(t.db(), t.path("linked.db")).unwrap();
    t.run(["datasette-metadata", "--out", "linked.db"])
        .stderr_contains("wrote nothing")
        .failure(2);
    assert_eq!(std::fs::read(t.db()).unwrap(), before);

    // No log: said so, and no file created.
    let missing = t.path("missing.db");
    t.cmd().db(&missing).args(["datasette-metadata"]).failure(2);
    assert!(!missing.exists());
}

/// An instrument's `amends` in the view is the JSON array its status gives, which
/// `json_each` walks: what amends the old directive, asked in plain SQL.
#[test]
fn amends_is_a_json_array_that_json_each_walks() {
    let t = Test::new();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/instrument-life"
    );
    t.run(["ingest", fixture]).success();
    let conn = t.sqlite();
    let amends: Vec<String> = names(
        &conn,
        "SELECT DISTINCT amends FROM instrument_status WHERE instrument_id = ? AND amends != '[]'",
        "instrument:directive-2024-1712",
    );
    assert_eq!(amends, [r#"["instrument:directive-2011-36-eu"]"#]);
    let amending = names(
        &conn,
        "SELECT DISTINCT instrument_id FROM instrument_status, json_each(amends) WHERE value = ?",
        "instrument:directive-2011-36-eu",
    );
    assert_eq!(amending, ["instrument:directive-2024-1712"]);
    let (bad, rows) = non_arrays(&conn, "instrument_status", "amends");
    assert!(rows > 0);
    assert_eq!(bad, 0, "{bad} of {rows} statuses without an amends array");
}
