//! The checks of the file beneath the chain: SQLite's integrity check, and the trigger
//! and view definitions against those the binary's migrations define, so that a no-op
//! trigger with the right name, or a view redefined to hide rows, is named.

use super::VerifyReport;
use crate::error::Result;
use crate::store::{Store, reference_schemas};

/// What a damaged file can be repaired with, said with every integrity finding.
const REPAIR: &str = "if the damage is in the query tables or their indexes, `policylog rebuild` \
                      derives them again (then verify again); otherwise `policylog export` it and \
                      `policylog ingest` the export into a new log, or go back to a backup \
                      (`policylog restore BACKUP`)";

/// SQLite's integrity check, as found (`Store::integrity_problems`): a zeroed or garbled
/// page anywhere in the file, or, in full, an index entry that disagrees with its row.
pub(super) fn integrity(problems: &[String], report: &mut VerifyReport) {
    if let Some(first) = problems.first() {
        report.find(
            "integrity",
            "database file",
            format!(
                "SQLite's integrity check found {} problem(s), the first: {first}; {REPAIR}",
                problems.len()
            ),
        );
    }
}

/// The triggers and views of the log against those the current schema defines. Returns
/// how many immutability triggers are as defined.
pub(super) fn definitions(
    store: &Store,
    report: &mut VerifyReport,
    immutability: &[&str],
) -> Result<usize> {
    let reference = reference_schemas()?;
    let expected = reference.last().expect("there is a migration");
    let held = store.schema_objects()?;
    let kinds = ["trigger", "view"];
    let mut intact = 0;
    for (kind, name, sql) in expected.iter().filter(|o| kinds.contains(&o.0.as_str())) {
        match held.iter().find(|(k, n, _)| k == kind && n == name) {
            None if kind == "trigger" => report.find(
                "triggers",
                name.as_str(),
                "the immutability trigger is missing: UPDATE/DELETE are no longer refused; \
                 recreate it from src/store/sql/0001_log.sql",
            ),
            None => report.find(
                "views",
                name.as_str(),
                "the view is missing; `policylog rebuild` does not recreate views: recreate it \
                 from the last migration in src/store/sql/ that defines it",
            ),
            Some((_, _, held_sql)) if held_sql != sql => report.find(
                if kind == "trigger" {
                    "triggers"
                } else {
                    "views"
                },
                name.as_str(),
                format!(
                    "the {kind} is not the one policylog defines (its SQL was replaced behind \
                     policylog's back); drop it and recreate it from src/store/sql/ (the last \
                     migration that defines `{name}`)"
                ),
            ),
            Some(_) => {
                if immutability.contains(&name.as_str()) {
                    intact += 1;
                }
            }
        }
    }
    for (kind, name, _) in held.iter().filter(|o| kinds.contains(&o.0.as_str())) {
        if !expected.iter().any(|(k, n, _)| k == kind && n == name) {
            report.find(
                if kind == "trigger" {
                    "triggers"
                } else {
                    "views"
                },
                name.as_str(),
                format!("a {kind} policylog does not define (added behind its back); drop it"),
            );
        }
    }
    Ok(intact)
}
