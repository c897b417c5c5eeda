//! The record-time flags shared by the query commands: `--known-at` and `--reported-by`.

use crate::date::parse_query_day;
use crate::error::{Error, Result};
use crate::query::{Knowledge, resolve_known_at};
use crate::store::Store;

#[derive(Debug, Clone, clap::Args)]
pub struct KnowledgeArgs {
    /// Replay only what the log held at this seq or RFC 3339 time (transaction time):
    /// retractions and corrections count from when they were recorded.
    #[arg(long, value_name = "SEQ|RFC3339")]
    pub known_at: Option<String>,
    /// Keep only events whose source document was published by this date: what a
    /// contemporary observer could have known.
    #[arg(long, value_name = "DATE")]
    pub reported_by: Option<String>,
}

impl KnowledgeArgs {
    pub fn resolve(&self, store: &Store) -> Result<Knowledge> {
        let known_at = self
            .known_at
            .as_deref()
            .map(|k| resolve_known_at(store, k))
            .transpose()?;
        let reported_by = self
            .reported_by
            .as_deref()
            .map(|d| {
                parse_query_day(d)
                    .map(|(day, _)| day)
                    .map_err(|e| Error::Usage(format!("--reported-by: {e}")))
            })
            .transpose()?;
        Ok(Knowledge {
            known_at,
            reported_by,
        })
    }
}

/// Reads a query date; returns the day and, when a year or month was widened, a note
/// saying so.
pub fn query_day(flag: &str, text: &str) -> Result<(crate::date::Day, Option<String>)> {
    let (day, widened) = parse_query_day(text).map_err(|e| Error::Usage(format!("{flag}: {e}")))?;
    let note = widened.then(|| {
        format!(
            "{text} is read as its last day, {}",
            crate::date::day_string(day)
        )
    });
    Ok((day, note))
}
