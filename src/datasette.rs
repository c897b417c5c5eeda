//! `datasette-metadata`: the metadata Datasette (datasette.io) reads beside a log
//! (`datasette serve policylog.db --metadata meta.json`): a title and description for the
//! database and for each view, suggested facets (a JSON-array facet for the list
//! columns), what columns mean, and every table hidden, since the views are what a
//! reader asks and the tables are policylog's own bookkeeping.
//!
//! The format is that of Datasette 0.x's metadata file (docs.datasette.io, "Metadata"),
//! checked with Datasette 0.65.5 by `scripts/datasette-e2e.sh`. Datasette 1.0's alphas
//! split that file: titles and descriptions stay metadata, while table settings such as
//! `hidden` and `facets` move to its configuration file (`-c`, their upgrade guide).

use serde_json::{Map, Value, json};

use crate::store::{COMMON_COLUMNS, Catalogue, Facet, Head, view_guide};

/// The metadata for the log whose tables and views are `catalogue`, at `head`, served
/// by Datasette under the database name `database` (the file's stem, as Datasette names
/// it).
pub fn metadata(database: &str, catalogue: &Catalogue, head: &Head) -> Value {
    let mut tables = Map::new();
    // Hidden from the lists, still there for a query that names them.
    for table in &catalogue.tables {
        tables.insert(table.clone(), json!({"hidden": true}));
    }
    for (view, columns) in &catalogue.views {
        tables.insert(view.clone(), view_metadata(view, columns));
    }
    let short = &head.hash[..12.min(head.hash.len())];
    json!({
        "title": "policylog",
        "description": "The history of a policy landscape from policylog's hash-chained event log.",
        "databases": {
            database: {
                "title": format!("policylog: {database}"),
                "description": format!(
                    "The log at seq {} (head {short}\u{2026}). Each view answers one question \
                     in plain SQL and cites the event, source document and quote of every row; \
                     the tables behind them are hidden. Days are ISO text, NULL is an open end; \
                     see docs/sql.md.",
                    head.seq
                ),
                "tables": tables,
            }
        }
    })
}

/// One view's entry: its guide's words where the binary has a guide, the shared column
/// meanings for the columns it has, and nothing hidden.
fn view_metadata(view: &str, columns: &[String]) -> Value {
    let guide = view_guide(view);
    let own = guide.map_or(&[][..], |g| g.columns);
    let mut described = Map::new();
    for column in columns {
        let meaning = own
            .iter()
            .chain(COMMON_COLUMNS)
            .find(|(name, _)| name == column)
            .map(|(_, meaning)| *meaning);
        if let Some(meaning) = meaning {
            described.insert(column.clone(), Value::from(meaning));
        }
    }
    let mut entry = Map::new();
    if let Some(guide) = guide {
        entry.insert("title".into(), guide.title.into());
        entry.insert("description".into(), guide.description.into());
        let facets: Vec<Value> = guide
            .facets
            .iter()
            // A facet on a column the view lacks would make Datasette fail the page.
            .filter(|f| columns.iter().any(|c| c == f.column()))
            .map(|f| match f {
                Facet::Column(c) => Value::from(*c),
                Facet::Array(c) => json!({"array": c}),
            })
            .collect();
        if !facets.is_empty() {
            entry.insert("facets".into(), facets.into());
        }
    }
    if !described.is_empty() {
        entry.insert("columns".into(), described.into());
    }
    Value::Object(entry)
}
