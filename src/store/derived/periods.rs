//! The period tables (schema 4): each fold key's entry per stretch of days. Derived again
//! at commit for every key a batch touched; read by `state` and `diff`, so that their cost
//! follows the answer rather than the history behind it.

use std::collections::HashMap;

use rusqlite::params;

use crate::error::{Error, Result};
use crate::event::Envelope;
use crate::projection::periods::{OPEN_END, OPEN_START, periods};
use crate::projection::{Entry, Section};
use crate::store::{Batch, Store};

/// Added to a day number (within `OPEN_START..=OPEN_END`) to make it a non-negative
/// 32-bit number.
const DAY_OFFSET: i64 = 1 << 31;

/// A stored period read back, with the key it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyEntry {
    pub key_id: i64,
    pub from_day: i32,
    pub to_day: i32,
    pub entry: Entry,
    pub cites: Vec<i64>,
}

impl KeyEntry {
    pub fn shows_on(&self, day: i32) -> bool {
        self.from_day <= day && day <= self.to_day
    }
}

/// A period's id (schema 8): its key in the high 32 bits, its last day in the low ones,
/// so that the table's b-tree keeps each key's periods together in the order of their days.
fn period_id(key_id: i64, to_day: i32) -> i64 {
    debug_assert!((OPEN_START..=OPEN_END).contains(&to_day));
    (key_id << 32) + i64::from(to_day) + DAY_OFFSET
}

/// The ids a key's periods can have: from the first up to, not including, the second.
fn ids_of_key(key_id: i64) -> [i64; 2] {
    [key_id << 32, (key_id + 1) << 32]
}

/// A period ready to be written: its entry packed (`packed.rs`), the seqs it cites, and
/// the reporter a statistic's period shows.
pub(super) struct PeriodRow {
    id: i64,
    from_day: i32,
    to_day: i32,
    entry: Vec<u8>,
    cites: String,
    reporter: Option<String>,
}

/// The periods a key's facts give now (no table touched: see `settle`).
pub(super) fn period_rows(key_id: i64, section: Section, facts: &[Envelope]) -> Vec<PeriodRow> {
    periods(section, facts.iter().collect())
        .into_iter()
        .map(|p| {
            let cites: Vec<String> = p.cites.iter().map(i64::to_string).collect();
            let reporter = match &p.entry {
                Entry::Statistic(s) => s.reported_by.clone(),
                _ => None,
            };
            PeriodRow {
                id: period_id(key_id, p.to_day),
                from_day: p.from_day,
                to_day: p.to_day,
                entry: super::packed::pack(&p.entry),
                cites: cites.join(","),
                reporter,
            }
        })
        .collect()
}

impl Batch<'_> {
    /// Replaces the periods of one key with these, each listed under the key's `groups`.
    pub(super) fn write_periods(
        &mut self,
        key_id: i64,
        section: Section,
        created: bool,
        rows: Vec<PeriodRow>,
        groups: &[String],
    ) -> Result<()> {
        if !created {
            let ids = ids_of_key(key_id);
            let old: Vec<(i64, i32, i32)> = self
                .tx
                .prepare_cached(
                    "SELECT period_id, from_day, to_day FROM key_periods
                     WHERE period_id >= ? AND period_id < ?",
                )?
                .query_map(ids, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut span = self
                .tx
                .prepare_cached("DELETE FROM key_period_spans WHERE period_id = ?")?;
            let mut reporter = self
                .tx
                .prepare_cached("DELETE FROM statistic_period_groups WHERE period_id = ?")?;
            // The old listings are under the groups its facts name now or named before
            // some were taken out in this batch.
            let mut listed_under = groups.to_vec();
            if let Some(dropped) = self.derived.dropped_groups.remove(&key_id) {
                listed_under.extend(dropped);
                listed_under.sort_unstable();
                listed_under.dedup();
            }
            let mut listed = self.tx.prepare_cached(
                "DELETE FROM key_period_groups
                 WHERE grp = ? AND to_day = ? AND from_day = ? AND period_id = ?",
            )?;
            for (id, from_day, to_day) in &old {
                span.execute([id])?;
                if section == Section::Statistics {
                    reporter.execute([id])?;
                }
                for grp in &listed_under {
                    listed.execute(params![grp, to_day, from_day, id])?;
                }
            }
            self.tx
                .prepare_cached("DELETE FROM key_periods WHERE period_id >= ? AND period_id < ?")?
                .execute(ids)?;
        }
        let groups: Vec<u32> = groups
            .iter()
            .map(|g| self.derived.group_names.number(g))
            .collect();
        let mut insert = self.tx.prepare_cached(
            "INSERT INTO key_periods (period_id, key_id, from_day, to_day, entry, cites)
             VALUES (?, ?, ?, ?, ?, ?)",
        )?;
        let mut reporter = self.tx.prepare_cached(
            "INSERT INTO statistic_period_groups (period_id, grp, from_day, to_day) VALUES (?, ?, ?, ?)",
        )?;
        for p in rows {
            insert.execute(params![
                p.id, key_id, p.from_day, p.to_day, p.entry, p.cites
            ])?;
            self.derived.period_spans.push((p.from_day, p.to_day, p.id));
            for grp in &groups {
                self.derived
                    .period_groups
                    .push((*grp, p.to_day, p.from_day, p.id));
            }
            if let Some(grp) = &p.reporter {
                reporter.execute(params![p.id, grp, p.from_day, p.to_day])?;
            }
        }
        Ok(())
    }
}

impl Batch<'_> {
    /// Writes the pending spans of periods into their R*Tree, in day order, and the
    /// pending periods under their groups, in the table's order.
    pub(super) fn insert_pending_periods(&mut self) -> Result<()> {
        let mut spans = std::mem::take(&mut self.derived.period_spans);
        if !spans.is_empty() {
            spans.sort_unstable();
            let mut insert = self.tx.prepare_cached(
                "INSERT INTO key_period_spans (period_id, from_day, to_day) VALUES (?, ?, ?)",
            )?;
            for (from_day, to_day, id) in &spans {
                insert.execute(params![id, from_day, to_day])?;
            }
        }
        let mut grouped = std::mem::take(&mut self.derived.period_groups);
        if !grouped.is_empty() {
            let ranks = self.derived.group_names.ranks();
            grouped.sort_unstable_by_key(|&(grp, to_day, from_day, id)| {
                (ranks[grp as usize], to_day, from_day, id)
            });
            let names = &self.derived.group_names.names;
            let mut insert = self.tx.prepare_cached(
                "INSERT INTO key_period_groups (grp, to_day, from_day, period_id) VALUES (?, ?, ?, ?)",
            )?;
            for (grp, to_day, from_day, id) in &grouped {
                insert.execute(params![names[*grp as usize], to_day, from_day, id])?;
            }
        }
        Ok(())
    }

    /// The groups the periods of these keys are listed under, as `(key_id, group)`: one
    /// pass over the listings, which are kept by group, not by key.
    pub(super) fn listings_of(
        &self,
        keys: &HashMap<i64, Option<Section>>,
    ) -> Result<Vec<(i64, String)>> {
        let mut listed = Vec::new();
        let mut stmt = self
            .tx
            .prepare("SELECT period_id >> 32, grp FROM key_period_groups")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (key_id, grp) = row?;
            if keys.contains_key(&key_id) {
                listed.push((key_id, grp));
            }
        }
        Ok(listed)
    }
}

const ENTRY_COLUMNS: &str = "p.key_id, p.from_day, p.to_day, p.entry, p.cites";

impl Store {
    /// Hands each entry in force on `day` to `add`; with `group`, those of the keys
    /// involving it. Streamed, not collected: a whole landscape is 100k entries and more.
    pub fn each_entry_at(
        &self,
        day: i32,
        group: Option<&str>,
        add: impl FnMut(KeyEntry),
    ) -> Result<()> {
        match group {
            None => self.each_entry(
                &format!(
                    "SELECT {ENTRY_COLUMNS} FROM key_period_spans s
                     JOIN key_periods p ON p.period_id = s.period_id
                     WHERE s.from_day <= ?1 AND s.to_day >= ?1"
                ),
                params![day],
                add,
            ),
            // The group's periods ending on or after `day` lie together in
            // `key_period_groups` (schema 9): one range scan, and a seek for each period
            // that began by then. Statistics by the reporter their period shows.
            Some(g) => self.each_entry(
                &format!(
                    "SELECT {ENTRY_COLUMNS} FROM key_period_groups g
                     JOIN key_periods p ON p.period_id = g.period_id
                     WHERE g.grp = ?2 AND g.to_day >= ?1 AND g.from_day <= ?1
                     UNION ALL
                     SELECT {ENTRY_COLUMNS} FROM statistic_period_groups s
                     JOIN key_periods p ON p.period_id = s.period_id
                     WHERE s.grp = ?2 AND s.to_day >= ?1 AND s.from_day <= ?1"
                ),
                params![day, g],
                add,
            ),
        }
    }

    /// Hands `add`, for every key whose entry on `after` differs from its entry on `upto`,
    /// the periods showing on those two days, and no others. A key changes exactly when its
    /// period on `upto` began after `after`, or its period on `after` ended before `upto`;
    /// periods lying wholly in between (a statistic's intermediate values) show on neither
    /// day.
    pub fn each_entry_changing(
        &self,
        after: i32,
        upto: i32,
        add: impl FnMut(KeyEntry),
    ) -> Result<()> {
        // The two halves are disjoint (a period on `upto` that began by `after` would show on
        // both days), so UNION ALL, without a temporary b-tree of whole entries.
        self.each_entry(
            &format!(
                "SELECT {ENTRY_COLUMNS} FROM key_period_spans s
                 JOIN key_periods p ON p.period_id = s.period_id
                 WHERE s.from_day > ?1 AND s.from_day <= ?2 AND s.to_day >= ?2
                 UNION ALL
                 SELECT {ENTRY_COLUMNS} FROM key_period_spans s
                 JOIN key_periods p ON p.period_id = s.period_id
                 WHERE s.from_day <= ?1 AND s.to_day >= ?1 AND s.to_day < ?2"
            ),
            params![after, upto],
            add,
        )
    }

    /// The entries in force on `day` of the keys with these ids: one statement, a seek
    /// per key as for `--group`.
    pub fn entries_of_keys_at(&self, key_ids: &[i64], day: i32) -> Result<Vec<KeyEntry>> {
        let list = serde_json::to_string(key_ids).expect("numbers");
        self.entries(
            &format!(
                "SELECT {ENTRY_COLUMNS} FROM json_each(?1) j JOIN key_periods p
                   ON p.period_id = (SELECT min(q.period_id) FROM key_periods q
                                     WHERE q.period_id >= (j.value << 32) + ?2 + {DAY_OFFSET}
                                       AND q.period_id < ((j.value + 1) << 32))
                 WHERE p.from_day <= ?2"
            ),
            params![list, day],
        )
    }

    fn entries(&self, sql: &str, values: impl rusqlite::Params) -> Result<Vec<KeyEntry>> {
        let mut entries = Vec::new();
        self.each_entry(sql, values, |e| entries.push(e))?;
        Ok(entries)
    }

    fn each_entry(
        &self,
        sql: &str,
        values: impl rusqlite::Params,
        mut add: impl FnMut(KeyEntry),
    ) -> Result<()> {
        let unreadable = |e: &dyn std::fmt::Display| {
            Error::VerifyFailed(format!(
                "a derived period cannot be read: {e}; run `policylog rebuild`"
            ))
        };
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut rows = stmt.query(values)?;
        while let Some(r) = rows.next()? {
            // The entry and its cites are decoded from the row's bytes in place, not copied.
            let text = |i| -> Result<&str> { r.get_ref(i)?.as_str().map_err(|e| unreadable(&e)) };
            let packed = r.get_ref(3)?.as_blob().map_err(|e| unreadable(&e))?;
            add(KeyEntry {
                key_id: r.get(0)?,
                from_day: r.get(1)?,
                to_day: r.get(2)?,
                entry: super::packed::unpack(packed).map_err(|e| unreadable(&e))?,
                cites: text(4)?
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(|c| c.parse().map_err(|e| unreadable(&e)))
                    .collect::<Result<_>>()?,
            });
        }
        Ok(())
    }
}
