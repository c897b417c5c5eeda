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
mod tests;
