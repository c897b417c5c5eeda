//! The derived tables: which entities each event names, the known entities and their
//! names, and the materialised projection (facts by fold key, with each key's span).
//! Maintained on every append and rebuildable from the events alone; both go through
//! `Batch::derive`, so rebuild and incremental maintenance cannot drift apart.

mod periods;
mod settle;

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::{OptionalExtension, params};

use super::{Batch, EventFilter, Store};
use crate::date::ValidTime;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::projection::Fact;
use crate::projection::materialize::{FactRow, NAMES, fact_from_row, groups};

/// The valid time and event a stored event asserts as a fact: its own, or the
/// replacement of a correction. Retractions assert none.
fn asserted(stored: &crate::event::StoredEvent) -> Option<(ValidTime, Event)> {
    let envelope = stored.envelope().ok()?;
    match envelope.event {
        Event::EventCorrected(c) => Some((
            ValidTime::parse(&c.replacement.valid).ok()?,
            *c.replacement.event,
        )),
        Event::EventRetracted(_) => None,
        event => Some((envelope.valid, event)),
    }
}

/// Derived-table state a batch carries until it commits.
#[derive(Default)]
pub(super) struct Derived {
    key_ids: HashMap<(u8, String), i64>,
    /// The log held no keys when the batch began (an empty log, or a rebuild): a key not
    /// in `key_ids` is new, with no need to look for it in `fact_keys`.
    log_without_keys: bool,
    /// Entity ids already declared in this batch.
    declared: HashSet<String>,
    /// Keys whose facts changed in this batch, with their section.
    touched: HashMap<i64, u8>,
    /// Keys created in this batch: nothing derived from them is stored yet.
    created: HashSet<i64>,
    /// Rows waiting to be written in key order: sorted inserts into the b-trees are far
    /// cheaper than scattered ones. Flushed before anything reads them back.
    refs: Vec<(String, i64, &'static str)>,
    facts: Vec<PendingFact>,
    /// Spans of the periods settled in this batch, `(from_day, to_day, period_id)`,
    /// inserted last in day order: the R*Tree then fills node after node, at a third less
    /// cost than in key order (docs/performance.md).
    period_spans: Vec<(i32, i32, i64)>,
    /// The same periods under each group of their key, `(group, to_day, from_day,
    /// period_id)`, inserted last in that order (the table's); the group is a number in
    /// `group_names`, so that a million rows stay 24 bytes each.
    period_groups: Vec<(u32, i32, i32, i64)>,
    group_names: GroupNames,
    /// The groups of facts taken out in this batch, by key: the key's periods were listed
    /// under them too.
    dropped_groups: HashMap<i64, Vec<String>>,
}

/// The groups named in a batch's pending rows, each stored once.
#[derive(Default)]
struct GroupNames {
    numbers: HashMap<String, u32>,
    names: Vec<String>,
}

impl GroupNames {
    fn number(&mut self, name: &str) -> u32 {
        if let Some(n) = self.numbers.get(name) {
            return *n;
        }
        let n = self.names.len() as u32;
        self.numbers.insert(name.to_owned(), n);
        self.names.push(name.to_owned());
        n
    }

    /// Each number's place among the names in text order: rows sorted by it are sorted
    /// as the table keeps them.
    fn ranks(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.names.len() as u32).collect();
        order.sort_unstable_by(|a, b| self.names[*a as usize].cmp(&self.names[*b as usize]));
        let mut ranks = vec![0; order.len()];
        for (rank, n) in order.into_iter().enumerate() {
            ranks[n as usize] = rank as u32;
        }
        ranks
    }
}

impl Derived {
    /// For a batch on a log of `events` events. Keys are derived from events: an empty
    /// log has none.
    pub(super) fn for_log_of(events: i64) -> Derived {
        Derived {
            log_without_keys: events == 0,
            ..Derived::default()
        }
    }
}

struct PendingFact {
    key_id: i64,
    from_day: i32,
    seq: i64,
    to_day: i32,
    certain_day: i32,
    kind: &'static str,
    replacement: Option<String>,
}

/// Pending rows held before a flush, at most.
const FLUSH_AT: usize = 200_000;

/// Spans of periods, or periods under a group, held before they are written, at most (16
/// and 24 bytes each): a batch of a million events settles about a million periods, listed
/// under 1.2 million groups, written in one sorted run each. In unit tests a few, so that
/// their batches write them in several runs.
#[cfg(not(test))]
const PENDING_PERIODS_AT: usize = 2_000_000;
#[cfg(test)]
const PENDING_PERIODS_AT: usize = 7;

/// An event as the derived tables need it.
pub struct Derivable<'a> {
    pub seq: i64,
    pub id: &'a str,
    pub valid: &'a ValidTime,
    pub event: &'a Event,
    pub source: Option<&'a str>,
    pub quote: Option<&'a str>,
}

impl Batch<'_> {
    /// Brings the derived tables up to date with one appended event.
    pub(super) fn derive(&mut self, e: &Derivable<'_>) -> Result<()> {
        for r in e.event.references() {
            self.derived.refs.push((r.id.to_string(), e.seq, r.field));
        }
        if let Some((id, entity_type)) = e.event.declares()
            && self.derived.declared.insert(id.to_string())
        {
            self.tx
                .prepare_cached("INSERT OR IGNORE INTO entities (id, type, seq) VALUES (?, ?, ?)")?
                .execute(params![id.as_str(), entity_type.as_str(), e.seq])?;
        }
        if e.event.is_meta() {
            self.flush()?;
        }
        match e.event {
            Event::EventRetracted(r) => {
                // Retracting a correction brings back the fact it had taken out.
                if let Some(seq) = self.remove_fact(r.target.as_str())?
                    && let Some(fact_seq) = self.take_displaced(seq)?
                {
                    self.restore_fact(fact_seq)?;
                }
            }
            Event::EventCorrected(c) => {
                if let Some(fact_seq) = self.remove_fact(c.target.as_str())? {
                    self.tx
                        .prepare_cached("INSERT OR REPLACE INTO displaced (correction_seq, fact_seq) VALUES (?, ?)")?
                        .execute(params![e.seq, fact_seq])?;
                }
                let valid =
                    ValidTime::parse(&c.replacement.valid).unwrap_or_else(|_| e.valid.clone());
                self.insert_fact(e.seq, &valid, &c.replacement.event, true)?;
            }
            event => self.insert_fact(e.seq, e.valid, event, false)?,
        }
        self.flush_if_full()
    }

    /// Stores a fact; `replacement` when it is a correction's, not its event's own row.
    fn insert_fact(
        &mut self,
        seq: i64,
        valid: &ValidTime,
        event: &Event,
        replacement: bool,
    ) -> Result<()> {
        let Some(row) = FactRow::of(seq, valid, event) else {
            return Ok(());
        };
        let key_id = self.key_id(row.section, row.key)?;
        // A correction's replacement is not its event's row: keep what differs.
        let replacement = replacement.then(|| {
            format!(
                "{{\"kind\":{},\"payload\":{},\"valid\":{}}}",
                serde_json::to_string(row.kind).expect("strings"),
                event.canonical_payload(),
                serde_json::to_string(&row.valid).expect("strings")
            )
        });
        self.derived.facts.push(PendingFact {
            key_id,
            from_day: row.from_day,
            seq: row.seq,
            to_day: row.to_day,
            certain_day: row.certain_day,
            kind: row.kind,
            replacement,
        });
        self.derived.touched.insert(key_id, row.section);
        Ok(())
    }

    /// Writes the pending rows, each table in its key order.
    pub(super) fn flush(&mut self) -> Result<()> {
        let mut refs = std::mem::take(&mut self.derived.refs);
        refs.sort_unstable();
        refs.dedup();
        let mut insert = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO event_refs (entity, seq, field) VALUES (?, ?, ?)",
        )?;
        for (entity, seq, field) in &refs {
            insert.execute(params![entity, seq, field])?;
        }
        drop(insert);
        let mut facts = std::mem::take(&mut self.derived.facts);
        facts.sort_unstable_by_key(|f| (f.key_id, f.from_day, f.seq));
        let mut insert = self.tx.prepare_cached(
            "INSERT OR REPLACE INTO facts (key_id, from_day, seq, to_day, certain_day, kind, replacement)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )?;
        for f in &facts {
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

    fn flush_if_full(&mut self) -> Result<()> {
        let pending = self.derived.refs.len() + self.derived.facts.len();
        if pending >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    /// The fact the event `id` asserts (its own, or a correction's replacement), with the
    /// event and the id of its key, if the log has them.
    fn asserted_fact(&self, id: &str) -> Result<Option<(FactRow, Event, i64)>> {
        let Some(stored) = self.event(id)? else {
            return Ok(None);
        };
        let Some((valid, event)) = asserted(&stored) else {
            return Ok(None);
        };
        let Some(row) = FactRow::of(stored.seq, &valid, &event) else {
            return Ok(None);
        };
        let key_id: Option<i64> = self
            .tx
            .prepare_cached("SELECT key_id FROM fact_keys WHERE section = ? AND key = ?")?
            .query_row(params![row.section, row.key], |r| r.get(0))
            .optional()?;
        Ok(key_id.map(|key_id| (row, event, key_id)))
    }

    /// Takes out the fact an event asserts (its own, or a correction's replacement) and
    /// returns its seq, if it still counted.
    fn remove_fact(&mut self, id: &str) -> Result<Option<i64>> {
        let Some((row, event, key_id)) = self.asserted_fact(id)? else {
            return Ok(None);
        };
        let removed = self
            .tx
            .prepare_cached("DELETE FROM facts WHERE key_id = ? AND from_day = ? AND seq = ?")?
            .execute(params![key_id, row.from_day, row.seq])?;
        if removed == 0 {
            return Ok(None);
        }
        // Its key may be left with fewer groups: its periods are listed under these until
        // it is settled.
        self.derived
            .dropped_groups
            .entry(key_id)
            .or_default()
            .extend(groups(&event));
        self.derived.touched.insert(key_id, row.section);
        Ok(Some(row.seq))
    }

    /// The fact a correction (at `correction_seq`) had taken out, forgetting the note.
    fn take_displaced(&mut self, correction_seq: i64) -> Result<Option<i64>> {
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

    /// Puts back the fact asserted at `seq`: an event's own, or a correction's replacement.
    fn restore_fact(&mut self, seq: i64) -> Result<()> {
        let filter = EventFilter {
            after: Some(seq - 1),
            upto: Some(seq),
            ..EventFilter::default()
        };
        let mut found = None;
        super::for_each_event(&self.tx, &filter, |e| {
            found = Some(e);
            Ok(())
        })?;
        if let Some(stored) = found
            && let Some((valid, event)) = asserted(&stored)
        {
            self.insert_fact(seq, &valid, &event, stored.kind == "event.corrected")?;
        }
        Ok(())
    }

    fn key_id(&mut self, section: u8, key: String) -> Result<i64> {
        let unseen = match self.derived.key_ids.entry((section, key)) {
            Entry::Occupied(seen) => return Ok(*seen.get()),
            Entry::Vacant(unseen) => unseen,
        };
        let key = &unseen.key().1;
        let found: Option<i64> = if self.derived.log_without_keys {
            None
        } else {
            self.tx
                .prepare_cached("SELECT key_id FROM fact_keys WHERE section = ? AND key = ?")?
                .query_row(params![section, key], |r| r.get(0))
                .optional()?
        };
        let id = match found {
            Some(id) => id,
            None => {
                self.tx
                    .prepare_cached("INSERT INTO fact_keys (section, key) VALUES (?, ?)")?
                    .execute(params![section, key])?;
                let id = self.tx.last_insert_rowid();
                self.derived.created.insert(id);
                id
            }
        };
        unseen.insert(id);
        Ok(id)
    }

    /// Writes the pending spans of periods into their R*Tree, in day order, and the
    /// pending periods under their groups, in the table's order.
    fn insert_pending_periods(&mut self) -> Result<()> {
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
}

impl Store {
    /// Drops every derived table's rows and derives them again from the events, in one
    /// transaction. Returns the number of events replayed.
    pub fn rebuild(&mut self) -> Result<i64> {
        let mut batch = self.batch()?;
        batch.tx.execute_batch(
            "DELETE FROM event_refs; DELETE FROM entities; DELETE FROM facts;
             DELETE FROM fact_keys; DELETE FROM displaced;
             DELETE FROM key_periods; DELETE FROM key_period_spans; DELETE FROM key_period_groups;
             DELETE FROM statistic_period_groups; DELETE FROM entity_names;",
        )?;
        batch.derived.log_without_keys = true;
        let head = batch.head.seq;
        let mut count = 0;
        let mut after = 0;
        // In chunks, so that the read never holds the whole log in memory.
        while after < head {
            let filter = EventFilter {
                after: Some(after),
                upto: Some(after + 10_000),
                ..EventFilter::default()
            };
            let mut chunk = Vec::new();
            super::for_each_event(&batch.tx, &filter, |e| {
                chunk.push(e);
                Ok(())
            })?;
            for stored in &chunk {
                let envelope = stored.envelope().map_err(|e| {
                    Error::VerifyFailed(format!(
                        "event {} cannot be read: {e}; run `policylog verify`",
                        stored.id
                    ))
                })?;
                batch.derive(&Derivable {
                    seq: envelope.seq,
                    id: &envelope.id,
                    valid: &envelope.valid,
                    event: &envelope.event,
                    source: envelope.source.as_deref(),
                    quote: envelope.quote.as_deref(),
                })?;
                count += 1;
            }
            after += 10_000;
        }
        batch.commit()?;
        Ok(count)
    }

    /// Fills `entity_names` (schema 7) from the registrations that count, for a log
    /// upgraded from schema 4–6 whose other derived tables are already in place.
    pub(super) fn fill_entity_names(&mut self) -> Result<()> {
        let mut batch = self.batch()?;
        let key_ids: Vec<i64> = batch
            .tx
            .prepare(&format!(
                "SELECT key_id FROM fact_keys WHERE section = {NAMES}"
            ))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for key_id in key_ids {
            batch.settle_name(key_id)?;
        }
        batch.commit()
    }

    /// Schema 9 listed each key's periods under the (group, key) pairs of schema 8, which
    /// kept the groups of facts taken out since (retracted, or corrected to name other
    /// groups). Settles again the keys of every event a retraction or correction targets,
    /// with all the groups their periods are listed under as possibly taken out.
    pub(super) fn relist_targeted_keys(&mut self) -> Result<()> {
        let mut targets = Vec::new();
        let filter = EventFilter {
            kinds: vec!["event.retracted".into(), "event.corrected".into()],
            ..EventFilter::default()
        };
        self.for_each_event(&filter, |e| {
            if let Some(target) = e
                .envelope()
                .ok()
                .and_then(|env| env.event.target().cloned())
            {
                targets.push(target);
            }
            Ok(())
        })?;
        let mut batch = self.batch()?;
        let mut keys: HashMap<i64, u8> = HashMap::new();
        for target in targets {
            if let Some((row, _, key_id)) = batch.asserted_fact(target.as_str())? {
                keys.insert(key_id, row.section);
            }
        }
        if keys.is_empty() {
            return Ok(());
        }
        // One pass over the listings: they are kept by group, not by key.
        let mut listed: Vec<(i64, String)> = Vec::new();
        let mut stmt = batch
            .tx
            .prepare("SELECT period_id >> 32, grp FROM key_period_groups")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (key_id, grp) = row?;
            if keys.contains_key(&key_id) {
                listed.push((key_id, grp));
            }
        }
        drop(stmt);
        for (key_id, grp) in listed {
            batch
                .derived
                .dropped_groups
                .entry(key_id)
                .or_default()
                .push(grp);
        }
        batch.derived.touched = keys;
        batch.commit()
    }

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
    pub fn facts_at(&self, places: &[&FactAt]) -> Result<Vec<Fact>> {
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

    /// Names of the given entities, from the latest registration of each that counts.
    pub fn entity_names(&self, ids: &[&str]) -> Result<Vec<EntityName>> {
        let list = serde_json::to_string(ids).expect("strings");
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, entity_type, name, acronym, aliases FROM entity_names
             WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
        )?;
        let rows = stmt.query_map([list], |r| {
            Ok((
                EntityName {
                    id: r.get(0)?,
                    entity_type: r.get(1)?,
                    name: r.get(2)?,
                    acronym: r.get(3)?,
                    aliases: Vec::new(),
                },
                r.get::<_, String>(4)?,
            ))
        })?;
        rows.map(|row| {
            let (mut name, aliases) = row?;
            name.aliases = serde_json::from_str(&aliases).map_err(|e| {
                Error::VerifyFailed(format!(
                    "the derived name of {} cannot be read: {e}; run `policylog rebuild`",
                    name.id
                ))
            })?;
            Ok(name)
        })
        .collect()
    }
}

const FACT_COLUMNS: &str =
    "f.seq, e.id, e.kind, e.version, e.valid, e.payload, e.source, e.quote, f.replacement";

type FactColumns = (
    i64,
    String,
    String,
    u32,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn fact_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FactColumns> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

/// A fact from its event's row, or from the replacement a correction carries.
fn read_fact(columns: FactColumns) -> Result<Fact> {
    let (seq, id, kind, version, valid, payload, source, quote, replacement) = columns;
    let fact = match replacement {
        None => fact_from_row(seq, id, &kind, version, &valid, &payload, source, quote),
        Some(r) => serde_json::from_str::<serde_json::Value>(&r)
            .map_err(|e| e.to_string())
            .and_then(|r| {
                let kind = r["kind"].as_str().unwrap_or_default();
                let valid = r["valid"].as_str().unwrap_or_default();
                let payload = r["payload"].to_string();
                fact_from_row(
                    seq,
                    id,
                    kind,
                    crate::event::VOCABULARY_VERSION,
                    valid,
                    &payload,
                    source,
                    quote,
                )
            }),
    };
    fact.map_err(|e| {
        Error::VerifyFailed(format!(
            "a derived fact cannot be read: {e}; run `policylog rebuild`"
        ))
    })
}

/// Terms assigned and departures lying wholly within `(?1, ?2]`: one range of the partial
/// index `facts_in_between` (schema 10), which covers it. Its `kind` term is the index's,
/// word for word, so that SQLite may use it; `from_day <= ?2` (implied by `to_day <= ?2`)
/// bounds the range.
const FACTS_WITHIN: &str = "SELECT key_id, from_day, seq FROM facts
     WHERE kind IN ('role.assigned', 'membership.left')
       AND from_day > ?1 AND from_day <= ?2 AND to_day <= ?2 ORDER BY seq";

/// How many derived tables there are.
pub const DERIVED_TABLES: usize = 10;

/// Each derived table's rows as text, in a fixed order (`derived_tables_dump`).
const DERIVED_ROWS: [(&str, &str); DERIVED_TABLES] = [
    (
        "event_refs",
        "SELECT entity || '|' || seq || '|' || field FROM event_refs ORDER BY 1",
    ),
    (
        "entities",
        "SELECT id || '|' || type || '|' || seq FROM entities ORDER BY 1",
    ),
    (
        "displaced",
        "SELECT correction_seq || '|' || fact_seq FROM displaced ORDER BY 1",
    ),
    (
        "fact_keys",
        "SELECT section || '|' || key FROM fact_keys ORDER BY 1",
    ),
    (
        "facts",
        "SELECT f.seq || '|' || k.key || '|' || f.from_day || '|' || f.to_day || '|' || f.certain_day || '|' || f.kind || '|' || coalesce(f.replacement, '') FROM facts f JOIN fact_keys k USING (key_id) ORDER BY f.seq",
    ),
    // With whether the period's id is its key and last day (schema 8).
    (
        "key_periods",
        "SELECT k.key || '|' || p.from_day || '|' || p.to_day || '|' || p.entry || '|' || p.cites || '|' || (p.period_id = (p.key_id << 32) + p.to_day + 2147483648) FROM key_periods p JOIN fact_keys k USING (key_id) ORDER BY 1",
    ),
    (
        "key_period_spans",
        "SELECT k.key || '|' || s.from_day || '|' || s.to_day FROM key_period_spans s JOIN key_periods p USING (period_id) JOIN fact_keys k USING (key_id) ORDER BY 1",
    ),
    // With whether each listing's days are its period's (schema 9).
    (
        "key_period_groups",
        "SELECT g.grp || '|' || coalesce(k.key, 'no period ' || g.period_id) || '|' || g.from_day || '|' || g.to_day || '|' || coalesce(g.from_day = p.from_day AND g.to_day = p.to_day, 0) FROM key_period_groups g LEFT JOIN key_periods p USING (period_id) LEFT JOIN fact_keys k ON k.key_id = p.key_id ORDER BY 1",
    ),
    (
        "statistic_period_groups",
        "SELECT s.grp || '|' || k.key || '|' || s.from_day || '|' || s.to_day FROM statistic_period_groups s JOIN key_periods p USING (period_id) JOIN fact_keys k USING (key_id) ORDER BY 1",
    ),
    (
        "entity_names",
        "SELECT id || '|' || entity_type || '|' || name || '|' || coalesce(acronym, '') || '|' || aliases FROM entity_names ORDER BY 1",
    ),
];

/// A scratch log file, removed (with its WAL and shared-memory files) when dropped.
struct ScratchLog {
    path: PathBuf,
}

impl ScratchLog {
    fn new(dir: &Path) -> ScratchLog {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        ScratchLog {
            path: dir.join(format!("policylog-check-{}-{nanos}.db", std::process::id())),
        }
    }
}

impl Drop for ScratchLog {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut file = self.path.clone().into_os_string();
            file.push(suffix);
            let _ = std::fs::remove_file(file);
        }
    }
}

/// A scratch log holding the documents and events of the log at `source`, its derived
/// tables derived from them alone.
fn derive_from_events_of(source: &Path, scratch: &ScratchLog) -> Result<Store> {
    let mut copy = Store::open(&scratch.path, super::Access::ReadWrite)?;
    copy.conn.execute(
        "ATTACH DATABASE ? AS log",
        [format!("file:{}?mode=ro", super::uri_path(source))],
    )?;
    copy.conn.execute_batch(
        "BEGIN;
         INSERT INTO main.documents SELECT * FROM log.documents;
         INSERT INTO main.events SELECT * FROM log.events;
         COMMIT;
         DETACH DATABASE log;",
    )?;
    copy.rebuild()?;
    Ok(copy)
}

/// What the scratch folder causes: it is missing, full, or not writable.
fn scratch_cannot_be_written(error: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::{CannotOpen, DiskFull, PermissionDenied, ReadOnly, SystemIoFailure};
    matches!(
        error,
        rusqlite::Error::SqliteFailure(e, _)
            if matches!(e.code, CannotOpen | DiskFull | PermissionDenied | ReadOnly | SystemIoFailure)
    )
}

/// Where a fact is stored: its row's key in `facts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FactAt {
    pub key_id: i64,
    pub from_day: i32,
    pub seq: i64,
}

/// A registered entity's name, as the derived `entities` table keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityName {
    pub id: String,
    pub entity_type: String,
    pub name: String,
    pub acronym: Option<String>,
    pub aliases: Vec<String>,
}

impl Store {
    /// Every derived row, in a fixed order: for proving rebuild = incremental.
    pub fn derived_tables_dump(&self) -> Result<Vec<String>> {
        let mut rows = Vec::new();
        for (_, sql) in DERIVED_ROWS {
            let mut stmt = self.conn.prepare(sql)?;
            for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
                rows.push(row?);
            }
        }
        Ok(rows)
    }

    /// A digest of each derived table's rows (as the dump gives them), streamed: the
    /// tables of a large log are compared without holding them in memory.
    fn derived_digests(&self) -> Result<Vec<(&'static str, [u8; 32])>> {
        use sha2::{Digest, Sha256};
        let mut digests = Vec::new();
        for (table, sql) in DERIVED_ROWS {
            let mut hasher = Sha256::new();
            let mut stmt = self.conn.prepare(sql)?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let text = row.get_ref(0)?.as_bytes().unwrap_or_default();
                hasher.update((text.len() as u64).to_le_bytes());
                hasher.update(text);
            }
            digests.push((table, hasher.finalize().into()));
        }
        Ok(digests)
    }

    /// The derived tables whose rows differ from those the events give: the log's events
    /// and documents are copied into a scratch log in `scratch_dir`, which derives its
    /// tables from them alone (`rebuild`), and the two are compared table by table. An append landing meanwhile makes it an error, not a finding.
    pub fn derived_tables_differing_from_events(
        &self,
        scratch_dir: &Path,
    ) -> Result<Vec<&'static str>> {
        let scratch = ScratchLog::new(scratch_dir);
        let source = std::path::absolute(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let copy = derive_from_events_of(&source, &scratch).map_err(|e| match e {
            // Said of the scratch folder, not of the log: a full temporary disk is not a
            // full log disk, and the way out is another folder. Other errors (the log
            // unreadable, say) keep their own words.
            Error::Sqlite(e) if scratch_cannot_be_written(&e) => Error::io(
                scratch_dir,
                std::io::Error::other(format!(
                    "the scratch copy of the log that `verify --derived` derives its tables in \
                     could not be made in this folder ({}); it needs room for a copy of the \
                     log: free some space or point TMPDIR at another folder",
                    Error::Sqlite(e)
                )),
            ),
            other => other,
        })?;
        self.read(|| {
            if self.head()? != copy.head()? {
                // Busy, as a lock held too long is: the environment, not the input.
                return Err(Error::io(
                    &self.path,
                    std::io::Error::other(
                        "events were appended while the derived tables were being compared: run the check again",
                    ),
                ));
            }
            let (ours, theirs) = (self.derived_digests()?, copy.derived_digests()?);
            Ok(ours
                .into_iter()
                .zip(theirs)
                .filter(|(a, b)| a.1 != b.1)
                .map(|(a, _)| a.0)
                .collect())
        })
    }

    /// Ids of the events of one kind, in log order.
    pub fn event_ids_of_kind(&self, kind: &str) -> Result<Vec<String>> {
        let mut ids = Vec::new();
        let filter = EventFilter {
            kinds: vec![kind.to_owned()],
            ..EventFilter::default()
        };
        self.for_each_event(&filter, |e| {
            ids.push(e.id);
            Ok(())
        })?;
        Ok(ids)
    }
}

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
