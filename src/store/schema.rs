//! The schema as an ordered, append-only list of migrations keyed by `PRAGMA user_version`.
//! Never edit or reorder a migration; add a new one.

use rusqlite::TransactionBehavior;

use super::Store;
use crate::error::{Error, Result};

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

impl Store {
    pub(super) fn user_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    pub(super) fn check_version(&self) -> Result<()> {
        let found = self.user_version()?;
        if found > current_version() {
            return Err(Error::NewerSchema {
                path: self.path.clone(),
                found,
                supported: current_version(),
            });
        }
        Ok(())
    }

    pub(super) fn migrate(&mut self, upgrading: &dyn Fn(i64, i64)) -> Result<()> {
        self.check_version()?;
        let found = self.user_version()?;
        if found == current_version() {
            return Ok(());
        }
        // 0 is a file just created: its schema is written in no time.
        if found > 0 {
            upgrading(found, current_version());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Exclusive)?;
        let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        tx.commit()?;
        // Schema 4's periods, schema 7's names and schema 9's exact listings cannot be
        // filled by SQL: derive them from the events (all derived tables), the names from
        // the registrations, the listings of keys whose facts were taken out from those.
        if (1..4).contains(&found) {
            self.rebuild()?;
        } else {
            if (4..7).contains(&found) {
                self.fill_entity_names()?;
            }
            if (4..9).contains(&found) {
                self.relist_targeted_keys()?;
            }
        }
        Ok(())
    }

    /// Names of the immutability triggers that are in place.
    pub fn triggers(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests;
