//! Reading events back: one by id, every event a filter selects in log order, the
//! evidence an answer cites, and the head of the chain.

use std::borrow::Cow;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, Row};

use super::row::lenient_text;
use super::{GENESIS, Store};
use crate::date::ValidTime;
use crate::error::Result;
use crate::event::{Event, StoredEvent, upcast};
use crate::projection::Evidence;

/// The log's last event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
    pub recorded_at: Option<String>,
}

impl Head {
    fn empty() -> Head {
        Head {
            seq: 0,
            hash: GENESIS.to_owned(),
            recorded_at: None,
        }
    }
}

/// Which events to read; every field narrows the selection.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub kinds: Vec<String>,
    /// Events whose payload names this entity.
    pub entity: Option<String>,
    pub source: Option<String>,
    /// Valid time overlapping `[from, to]` (days, inclusive).
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    /// Only events with `seq > after`.
    pub after: Option<i64>,
    /// Only events with `seq <= upto` (known-at).
    pub upto: Option<i64>,
    pub limit: Option<i64>,
}

impl Store {
    pub fn head(&self) -> Result<Head> {
        head(&self.conn)
    }

    /// The head as `verify` reports it: a hash damaged into invalid UTF-8 is read with
    /// replacement characters (the chain check names it) instead of failing the read.
    pub fn head_lenient(&self) -> Result<Head> {
        head_row(&self.conn, |r, i| {
            Ok(lenient_text(r, i)?.map(Cow::into_owned).unwrap_or_default())
        })
    }

    pub fn event_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))?)
    }

    pub fn event(&self, id: &str) -> Result<Option<StoredEvent>> {
        event_by_id(&self.conn, id)
    }

    /// Calls `each` for every selected event in log order.
    pub fn for_each_event(
        &self,
        filter: &EventFilter,
        each: impl FnMut(StoredEvent) -> Result<()>,
    ) -> Result<()> {
        for_each_event(&self.conn, filter, each)
    }

    /// When the event at `seq` was recorded.
    pub fn recorded_at(&self, seq: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT recorded_at FROM events WHERE seq = ?")?
            .query_row([seq], |r| r.get(0))
            .optional()?)
    }

    /// The evidence of the events at these seqs, by event id: a correction cites the kind
    /// and date of its replacement.
    pub fn evidence(&self, seqs: &[i64]) -> Result<BTreeMap<String, Evidence>> {
        let mut seqs = seqs.to_vec();
        seqs.sort_unstable();
        seqs.dedup();
        let list = serde_json::to_string(&seqs).expect("numbers");
        // One statement for them all, in seq order: a walk along the table, not a lookup
        // (and a statement) per event. A join on the sorted list, not `seq IN (...)`,
        // which would first copy the list into a temporary b-tree.
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.id, e.kind, e.version, e.valid, e.source, e.quote,
                    CASE e.kind WHEN 'event.corrected' THEN e.payload END
             FROM json_each(?) j JOIN events e ON e.seq = j.value",
        )?;
        let rows = stmt.query_map([list], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        let mut evidence = BTreeMap::new();
        let mut sources: HashMap<String, Arc<str>> = HashMap::new();
        for row in rows {
            let (id, kind, version, mut valid, source, quote, payload) = row?;
            let mut kind: Cow<'static, str> = match Event::KINDS.iter().find(|k| **k == kind) {
                Some(known) => Cow::Borrowed(known),
                None => Cow::Owned(kind),
            };
            if let Some(payload) = payload
                && let Ok(Event::EventCorrected(c)) = upcast::decode(&kind, version, &payload)
            {
                kind = Cow::Borrowed(c.replacement.event.kind());
                if ValidTime::parse(&c.replacement.valid).is_ok() {
                    valid = c.replacement.valid.clone();
                }
            }
            let source = source.map(|s| {
                sources
                    .entry(s)
                    .or_insert_with_key(|s| s.as_str().into())
                    .clone()
            });
            evidence.insert(
                id,
                Evidence {
                    kind,
                    valid,
                    source,
                    quote,
                },
            );
        }
        Ok(evidence)
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

/// Calls `each` for every selected event in log order.
pub(super) fn for_each_event(
    conn: &Connection,
    filter: &EventFilter,
    mut each: impl FnMut(StoredEvent) -> Result<()>,
) -> Result<()> {
    let mut sql = format!("SELECT {EVENT_COLUMNS} FROM events e WHERE 1=1");
    let mut values: Vec<rusqlite::types::Value> = Vec::new();
    let mut bind = |sql: &mut String, fragment: &str, value: rusqlite::types::Value| {
        sql.push_str(fragment);
        values.push(value);
    };
    if !filter.kinds.is_empty() {
        let kinds = serde_json::to_string(&filter.kinds).expect("strings");
        bind(
            &mut sql,
            " AND e.kind IN (SELECT value FROM json_each(?))",
            kinds.into(),
        );
    }
    if let Some(entity) = &filter.entity {
        bind(
            &mut sql,
            " AND e.seq IN (SELECT seq FROM event_refs WHERE entity = ?)",
            entity.clone().into(),
        );
    }
    if let Some(source) = &filter.source {
        bind(&mut sql, " AND e.source = ?", source.clone().into());
    }
    if let Some(from) = &filter.valid_from {
        bind(
            &mut sql,
            " AND (e.valid_to IS NULL OR e.valid_to >= ?)",
            from.clone().into(),
        );
    }
    if let Some(to) = &filter.valid_to {
        bind(
            &mut sql,
            " AND (e.valid_from IS NULL OR e.valid_from <= ?)",
            to.clone().into(),
        );
    }
    if let Some(after) = filter.after {
        bind(&mut sql, " AND e.seq > ?", after.into());
    }
    if let Some(upto) = filter.upto {
        bind(&mut sql, " AND e.seq <= ?", upto.into());
    }
    sql.push_str(" ORDER BY e.seq");
    if let Some(limit) = filter.limit {
        bind(&mut sql, " LIMIT ?", limit.into());
    }
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(values))?;
    while let Some(row) = rows.next()? {
        each(stored_event(row)?)?;
    }
    Ok(())
}

pub(super) const EVENT_COLUMNS: &str = "e.seq, e.id, e.kind, e.version, e.valid, e.valid_from, e.valid_to, e.payload, \
     e.source, e.quote, e.quote_start, e.quote_end, e.recorded_at, e.recorded_by, e.prev_hash, e.hash";

pub(super) fn head(conn: &Connection) -> Result<Head> {
    head_row(conn, |r, i| r.get(i))
}

/// The last event's seq, hash and time, the texts read by `text`.
fn head_row(
    conn: &Connection,
    text: impl Fn(&Row<'_>, usize) -> rusqlite::Result<String>,
) -> Result<Head> {
    let head = conn
        .query_row(
            "SELECT seq, hash, recorded_at FROM events ORDER BY seq DESC LIMIT 1",
            [],
            |r| {
                Ok(Head {
                    seq: r.get(0)?,
                    hash: text(r, 1)?,
                    recorded_at: Some(text(r, 2)?),
                })
            },
        )
        .optional()?;
    Ok(head.unwrap_or_else(Head::empty))
}

pub(super) fn event_by_id(conn: &Connection, id: &str) -> Result<Option<StoredEvent>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS} FROM events e WHERE e.id = ?"
        ))?
        .query_row([id], stored_event)
        .optional()?)
}

fn stored_event(r: &Row<'_>) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        seq: r.get(0)?,
        id: r.get(1)?,
        kind: r.get(2)?,
        version: r.get(3)?,
        valid: r.get(4)?,
        valid_from: r.get(5)?,
        valid_to: r.get(6)?,
        payload: r.get(7)?,
        source: r.get(8)?,
        quote: r.get(9)?,
        quote_start: r.get(10)?,
        quote_end: r.get(11)?,
        recorded_at: r.get(12)?,
        recorded_by: r.get(13)?,
        prev_hash: r.get(14)?,
        hash: r.get(15)?,
    })
}
