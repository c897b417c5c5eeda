//! The `facts` table (each fact under its fold key, `fact_keys`) and `displaced` (which
//! fact a correction took out): all their SQL. Written in key order by a batch, read back
//! per key when it settles, and by `diff` for the terms served in between.

use std::collections::hash_map::Entry;

use rusqlite::{Connection, OptionalExtension, params};

use super::PendingFact;
use super::derive::asserted;
use crate::date::ValidTime;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::event::upcast;
use crate::event::{Envelope, Replacement};
use crate::projection::periods::{OPEN_END, OPEN_START, day_number};
use crate::projection::{Section, fold_key};
use crate::store::{Batch, Store};

/// What `fact_keys.section` holds for the keys of registrations, which no section shows:
/// their entity names, looked up by id. Sections keep `Section::number`.
const NAMES: u8 = 9;

/// The number a key's section is kept as.
fn section_number(section: Option<Section>) -> u8 {
    section.map_or(NAMES, Section::number)
}

/// One row of `facts`, with its key.
#[derive(Debug, Clone, PartialEq)]
pub struct FactRow {
    pub seq: i64,
    /// The section of its key; none for a registration, kept under its entity id.
    pub section: Option<Section>,
    pub key: String,
    pub from_day: i32,
    pub to_day: i32,
    /// From this day on the fact has certainly happened; `OPEN_END` for a qualified date
    /// (`~`, `?`), which is never more than possible.
    pub certain_day: i32,
    pub kind: &'static str,
    pub valid: String,
}

impl FactRow {
    /// The row for the fact an event asserts at `seq` (`None` for retractions and
    /// corrections, which assert none of their own).
    pub fn of(seq: i64, valid: &ValidTime, event: &Event) -> Option<FactRow> {
        let (section, key) = match event {
            // Registrations, renames and aliases name things; no section shows them,
            // answers look them up by the entity's id.
            Event::EntityRegistered(e) => (None, e.id.to_string()),
            Event::EntityRenamed(e) => (None, e.id.to_string()),
            Event::EntityAliased(e) => (None, e.id.to_string()),
            event => fold_key(event).map(|(section, key)| (Some(section), key))?,
        };
        Some(FactRow {
            seq,
            section,
            key,
            from_day: valid.from().map_or(OPEN_START, day_number),
            to_day: valid.to().map_or(OPEN_END, day_number),
            certain_day: if valid.is_qualified() {
                OPEN_END
            } else {
                valid.to().map_or(OPEN_END, day_number)
            },
            kind: event.kind(),
            valid: valid.as_str().to_owned(),
        })
    }
}

/// Where a fact is stored: its row's key in `facts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FactAt {
    pub key_id: i64,
    pub from_day: i32,
    pub seq: i64,
}

impl Batch<'_> {
    /// The id of a fold key, created when the log has none yet.
    pub(super) fn key_id(&mut self, section: Option<Section>, key: String) -> Result<i64> {
        let unseen = match self.derived.key_ids.entry((section, key)) {
            Entry::Occupied(seen) => return Ok(*seen.get()),
            Entry::Vacant(unseen) => unseen,
        };
        let key = &unseen.key().1;
        let found: Option<i64> = if self.derived.log_without_keys {
            None
        } else {
            stored_key_id(&self.tx, section, key)?
        };
        let id = match found {
            Some(id) => id,
            None => {
                self.tx
                    .prepare_cached("INSERT INTO fact_keys (section, key) VALUES (?, ?)")?
                    .execute(params![section_number(section), key])?;
                let id = self.tx.last_insert_rowid();
                self.derived.created.insert(id);
                id
            }
        };
        unseen.insert(id);
        Ok(id)
    }

    /// Ids of the keys of registrations.
    pub(super) fn name_key_ids(&self) -> Result<Vec<i64>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT key_id FROM fact_keys WHERE section = ?")?;
        let rows = stmt.query_map([NAMES], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Writes pending facts, sorted by the table's key.
    pub(super) fn insert_facts(&self, facts: &[PendingFact]) -> Result<()> {
        let mut insert = self.tx.prepare_cached(
            "INSERT OR REPLACE INTO facts (key_id, from_day, seq, to_day, certain_day, kind, replacement)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )?;
        for f in facts {
            insert.execute(params![
                f.key_id,
                f.from_day,
                f.seq,
                f.to_day,
                f.certain_day,
                f.kind,
                f.replacement
            ])?;
        }
        Ok(())
    }

    /// The fact the event `id` asserts (its own, or a correction's replacement), with the
    /// event and the id of its key, if the log has them.
    pub(super) fn asserted_fact(&self, id: &str) -> Result<Option<(FactRow, Event, i64)>> {
        let Some(stored) = self.event(id)? else {
            return Ok(None);
        };
        let Some(fact) = asserted(&stored) else {
            return Ok(None);
        };
        let Some(row) = FactRow::of(stored.seq, &fact.valid, &fact.event) else {
            return Ok(None);
        };
        let key_id = stored_key_id(&self.tx, row.section, &row.key)?;
        Ok(key_id.map(|key_id| (row, fact.event, key_id)))
    }

    /// Deletes one fact; whether it was there.
    pub(super) fn delete_fact(&self, key_id: i64, from_day: i32, seq: i64) -> Result<bool> {
        let removed = self
            .tx
            .prepare_cached("DELETE FROM facts WHERE key_id = ? AND from_day = ? AND seq = ?")?
            .execute(params![key_id, from_day, seq])?;
        Ok(removed > 0)
    }

    /// Notes that the correction at `correction_seq` took out the fact at `fact_seq`.
    pub(super) fn note_displaced(&self, correction_seq: i64, fact_seq: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO displaced (correction_seq, fact_seq) VALUES (?, ?)",
            )?
            .execute(params![correction_seq, fact_seq])?;
        Ok(())
    }

    /// The fact a correction (at `correction_seq`) had taken out, forgetting the note.
    pub(super) fn take_displaced(&mut self, correction_seq: i64) -> Result<Option<i64>> {
        let fact_seq: Option<i64> = self
            .tx
            .prepare_cached("SELECT fact_seq FROM displaced WHERE correction_seq = ?")?
            .query_row([correction_seq], |r| r.get(0))
            .optional()?;
        if fact_seq.is_some() {
            self.tx
                .prepare_cached("DELETE FROM displaced WHERE correction_seq = ?")?
                .execute([correction_seq])?;
        }
        Ok(fact_seq)
    }

    /// Every fact, decoded (for filling a table a migration added).
    pub(super) fn every_fact(&self) -> Result<Vec<Envelope>> {
        let mut stmt = self.tx.prepare(
            "SELECT f.seq, e.id, e.kind, e.version, e.valid, e.payload, NULL, NULL, f.replacement
             FROM facts f JOIN events e ON e.seq = f.seq ORDER BY f.seq",
        )?;
        let rows = stmt.query_map([], fact_row)?;
        rows.map(|row| read_fact(row?)).collect()
    }

    /// A key's facts in (from day, seq) order, as its periods and name are derived from.
    pub(super) fn key_fact_rows(&self, key_id: i64) -> Result<Vec<FactColumns>> {
        // Without the quote: no period shows one (a state reads its evidence by id).
        let mut stmt = self.tx.prepare_cached(
            "SELECT f.seq, e.id, e.kind, e.version, e.valid, e.payload, e.source, NULL, f.replacement
             FROM facts f JOIN events e ON e.seq = f.seq WHERE f.key_id = ? ORDER BY f.from_day, f.seq",
        )?;
        let rows = stmt.query_map([key_id], fact_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Store {
    /// Terms assigned and departures lying wholly within `(after, upto]`: terms served and
    /// memberships held between two days, which neither day's state may show. Where each
    /// is stored, in seq order, without reading its event.
    pub fn facts_within(&self, after: i32, upto: i32) -> Result<Vec<FactAt>> {
        let mut stmt = self.conn.prepare_cached(FACTS_WITHIN)?;
        let rows = stmt.query_map(params![after, upto], |r| {
            Ok(FactAt {
                key_id: r.get(0)?,
                from_day: r.get(1)?,
                seq: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The facts stored at these places, decoded, in seq order; without source and quote
    /// (a term served in between cites its event by id only).
    pub fn facts_at(&self, places: &[&FactAt]) -> Result<Vec<Envelope>> {
        let mut places = places.to_vec();
        places.sort_unstable_by_key(|f| f.seq);
        let list: Vec<[i64; 3]> = places
            .iter()
            .map(|f| [f.key_id, i64::from(f.from_day), f.seq])
            .collect();
        let list = serde_json::to_string(&list).expect("numbers");
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.seq, e.id, e.kind, e.version, e.valid, e.payload, NULL, NULL, f.replacement
             FROM json_each(?) j
             JOIN facts f ON f.key_id = j.value ->> 0 AND f.from_day = j.value ->> 1
                         AND f.seq = j.value ->> 2
             JOIN events e ON e.seq = f.seq
             ORDER BY f.seq",
        )?;
        let rows = stmt.query_map([list], fact_row)?;
        rows.map(|row| read_fact(row?)).collect()
    }
}

/// The id the log keeps for a fold key, if it has one.
fn stored_key_id(conn: &Connection, section: Option<Section>, key: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT key_id FROM fact_keys WHERE section = ? AND key = ?")?
        .query_row(params![section_number(section), key], |r| r.get(0))
        .optional()?)
}

/// A fact's row with its event's columns, as read: decoded by `read_fact`, perhaps on
/// another thread.
pub(super) struct FactColumns {
    seq: i64,
    id: String,
    kind: String,
    version: u32,
    valid: String,
    payload: String,
    source: Option<String>,
    quote: Option<String>,
    replacement: Option<String>,
}

pub(super) fn fact_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FactColumns> {
    Ok(FactColumns {
        seq: r.get(0)?,
        id: r.get(1)?,
        kind: r.get(2)?,
        version: r.get(3)?,
        valid: r.get(4)?,
        payload: r.get(5)?,
        source: r.get(6)?,
        quote: r.get(7)?,
        replacement: r.get(8)?,
    })
}

/// A fact from its event's row, or from the replacement a correction carries (read
/// straight into its typed form, as the correction's payload holds it).
pub(super) fn read_fact(row: FactColumns) -> Result<Envelope> {
    let valid_time = |text: &str| ValidTime::parse(text).map_err(|e| e.to_string());
    let decoded = match &row.replacement {
        None => valid_time(&row.valid)
            .and_then(|valid| Ok((valid, upcast::decode(&row.kind, row.version, &row.payload)?))),
        Some(text) => serde_json::from_str::<Replacement>(text)
            .map_err(|e| e.to_string())
            .and_then(|r| Ok((valid_time(&r.valid)?, *r.event))),
    };
    let (valid, event) = decoded.map_err(|e| {
        Error::VerifyFailed(format!(
            "a derived fact cannot be read: {e}; run `policylog rebuild`"
        ))
    })?;
    Ok(Envelope {
        seq: row.seq,
        id: row.id,
        valid,
        event,
        source: row.source,
        quote: row.quote,
    })
}

/// Terms assigned and departures lying wholly within `(?1, ?2]`: one range of the partial
/// index `facts_in_between` (schema 10), which covers it. Its `kind` term is the index's,
/// word for word, so that SQLite may use it; `from_day <= ?2` (implied by `to_day <= ?2`)
/// bounds the range.
const FACTS_WITHIN: &str = "SELECT key_id, from_day, seq FROM facts
     WHERE kind IN ('role.assigned', 'membership.left')
       AND from_day > ?1 AND from_day <= ?2 AND to_day <= ?2 ORDER BY seq";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Access;

    #[test]
    fn terms_served_in_between_are_one_range_of_their_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("log.db"), Access::ReadWrite).unwrap();
        let plan: Vec<String> = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {FACTS_WITHIN}"))
            .unwrap()
            .query_map(params![1, 2], |r| r.get(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(
            plan.iter()
                .any(|step| step
                    .contains("COVERING INDEX facts_in_between (from_day>? AND from_day<?)")),
            "{plan:?}"
        );
    }
}
