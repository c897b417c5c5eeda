//! The schema as an ordered, append-only list of migrations keyed by `PRAGMA user_version`.
//! Never edit or reorder a migration; add a new one.

use rusqlite::TransactionBehavior;

use super::Store;
use crate::error::{Error, Result};

/// One step of the schema: the version it brings a log to, its SQL, and what SQL cannot
/// do for a log that already held events (none for a log just created, which is empty).
pub struct Migration {
    pub version: i64,
    pub sql: &'static str,
    pub then: Option<Upgrade>,
}

/// The work an upgrade does after the SQL, from the events, for a log that existed before.
#[derive(Clone, Copy)]
pub enum Upgrade {
    /// Derive every derived table again from the events: it does what every later
    /// upgrade would, so they are not run after it.
    Rebuild,
    /// Fill what the migration added from the tables already derived.
    Run(fn(&mut Store) -> Result<()>),
}

pub const MIGRATIONS: [Migration; 14] = [
    Migration {
        version: 1,
        sql: include_str!("sql/0001_log.sql"),
        then: None,
    },
    Migration {
        version: 2,
        sql: include_str!("sql/0002_projection.sql"),
        then: None,
    },
    Migration {
        version: 3,
        sql: include_str!("sql/0003_views.sql"),
        then: None,
    },
    // The periods of every key cannot be written in SQL: derive them from the events.
    Migration {
        version: 4,
        sql: include_str!("sql/0004_periods.sql"),
        then: Some(Upgrade::Rebuild),
    },
    Migration {
        version: 5,
        sql: include_str!("sql/0005_statistic_groups.sql"),
        then: None,
    },
    Migration {
        version: 6,
        sql: include_str!("sql/0006_fact_key_days.sql"),
        then: None,
    },
    // Each entity's name, from its latest registration that counts.
    Migration {
        version: 7,
        sql: include_str!("sql/0007_entity_names.sql"),
        then: Some(Upgrade::Run(Store::fill_entity_names)),
    },
    Migration {
        version: 8,
        sql: include_str!("sql/0008_period_ids.sql"),
        then: None,
    },
    // The exact listings of the keys whose facts were taken out (schema 8 kept the groups
    // of those facts too).
    Migration {
        version: 9,
        sql: include_str!("sql/0009_key_period_groups.sql"),
        then: Some(Upgrade::Run(Store::relist_targeted_keys)),
    },
    Migration {
        version: 10,
        sql: include_str!("sql/0010_facts_in_between.sql"),
        then: None,
    },
    // Each fact's days for the views, computed by `ValidTime`: filled from the facts.
    Migration {
        version: 11,
        sql: include_str!("sql/0011_fact_days.sql"),
        then: Some(Upgrade::Run(Store::fill_fact_days)),
    },
    // Documents recorded before had no url: NULL is what they hold.
    Migration {
        version: 12,
        sql: include_str!("sql/0012_document_url.sql"),
        then: None,
    },
    // The views' list columns as JSON arrays: views store nothing, so nothing to fill.
    Migration {
        version: 13,
        sql: include_str!("sql/0013_view_lists.sql"),
        then: None,
    },
    // Period entries packed: the periods are derived again, as in schema 4.
    Migration {
        version: 14,
        sql: include_str!("sql/0014_packed_entries.sql"),
        then: Some(Upgrade::Rebuild),
    },
];

/// The schema version this binary writes.
pub fn current_version() -> i64 {
    MIGRATIONS[MIGRATIONS.len() - 1].version
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
        let due: Vec<&Migration> = MIGRATIONS.iter().filter(|m| m.version > found).collect();
        for m in &due {
            tx.execute_batch(m.sql)?;
            tx.pragma_update(None, "user_version", m.version)?;
        }
        tx.commit()?;
        // On the current schema, what the SQL could not do; a log just created has no
        // events to derive anything from.
        let upgrades: Vec<Upgrade> = due.iter().filter_map(|m| m.then).collect();
        if found == 0 {
            return Ok(());
        }
        if upgrades.iter().any(|u| matches!(u, Upgrade::Rebuild)) {
            self.rebuild()?;
            self.rebuilt_on_open = true;
            return Ok(());
        }
        for upgrade in upgrades {
            if let Upgrade::Run(run) = upgrade {
                run(self)?;
            }
        }
        Ok(())
    }

    /// Whether opening upgraded the log by deriving every derived table again from its
    /// events, as `rebuild` would.
    pub fn rebuilt_on_open(&self) -> bool {
        self.rebuilt_on_open
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
