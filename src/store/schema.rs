//! The schema as an ordered, append-only list of migrations keyed by `PRAGMA user_version`.
//! Never edit or reorder a migration; add a new one.

pub const MIGRATIONS: &[&str] = &[
    include_str!("sql/0001_log.sql"),
    include_str!("sql/0002_projection.sql"),
    include_str!("sql/0003_views.sql"),
    include_str!("sql/0004_periods.sql"),
    include_str!("sql/0005_statistic_groups.sql"),
];

/// The schema version this binary writes.
pub fn current_version() -> i64 {
    MIGRATIONS.len() as i64
}
