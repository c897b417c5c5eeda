//! `datasette-metadata`: the metadata file for `datasette serve LOG --metadata FILE`.

use std::path::{Path, PathBuf};

use super::Verbosity;
use crate::error::{Error, Result};

/// The long help (`--help`), set on the `Command` variant: a variant's doc comment
/// would replace one set here.
pub(super) const LONG_ABOUT: &str = "Write the metadata Datasette (datasette.io) reads beside \
the log: a title and description for the database and for each SQL view, the columns a reader \
facets by (the list columns, such as a call's issuers, as JSON-array facets), what the columns \
mean, and every table hidden, so that Datasette lists the views a reader asks and not the \
tables policylog keeps behind them. The tables are read from the log itself: one a later \
schema adds is hidden too.

Datasette names a database after its file's stem (policylog.db is `policylog`); the metadata \
is keyed by that name, or by --database when Datasette serves the file under another.

  policylog datasette-metadata --out meta.json
  datasette serve -i policylog.db --metadata meta.json";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write the metadata to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The name Datasette serves the log under (default: the log file's stem).
    #[arg(long, value_name = "NAME")]
    database: Option<String>,
}

pub fn run(db: &Path, args: Args, verbosity: Verbosity) -> Result<()> {
    let database = match args.database {
        Some(name) if name.trim().is_empty() => {
            return Err(Error::Usage(
                "--database: give the name Datasette serves the log under, e.g. policylog".into(),
            ));
        }
        Some(name) => name,
        None => stem(db)?,
    };
    let store = super::open_read(db)?;
    let (catalogue, head) = store.read(|| Ok((store.catalogue()?, store.head()?)))?;
    let metadata = crate::datasette::metadata(&database, &catalogue, &head);
    let Some(file) = args.out else {
        return super::out_json(&metadata);
    };
    // `--out` naming the log (however spelt) or a file SQLite keeps beside it would
    // destroy the log.
    crate::export::LogFiles::of(db).refuse_overwrite(&file, "the metadata")?;
    let text = format!(
        "{}\n",
        serde_json::to_string_pretty(&metadata).expect("JSON serialises")
    );
    std::fs::write(&file, text).map_err(|e| Error::io(&file, e))?;
    super::info(
        verbosity,
        &format!(
            "wrote Datasette metadata for database `{database}` ({} views, {} tables hidden) into {}\n",
            catalogue.views.len(),
            catalogue.tables.len(),
            file.display()
        ),
    )
}

/// The name Datasette gives the file: its stem (`policylog` for `policylog.db`).
fn stem(db: &Path) -> Result<String> {
    db.file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| {
            Error::Usage(format!(
                "--db {}: no file name to name the database after; give --database NAME",
                db.display()
            ))
        })
}
