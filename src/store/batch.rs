//! A write batch: one `BEGIN IMMEDIATE` transaction that appends validated events at the
//! head of the chain, brings the derived tables along, and commits all or nothing.

use rusqlite::{Connection, TransactionBehavior, params};

use super::derived;
use super::events::{event_by_id, head};
use super::{Head, Link, Store};
use crate::date::day_string;
use crate::error::Result;
use crate::event::{Envelope, NewEvent, StoredEvent};

impl Store {
    /// Starts a write batch: one `BEGIN IMMEDIATE` transaction, so concurrent writers queue
    /// instead of failing half-way.
    pub fn batch(&mut self) -> Result<Batch<'_>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let head = head(&tx)?;
        Ok(Batch {
            derived: derived::Derived::for_log_of(head.seq),
            tx,
            head,
            scratch: String::new(),
        })
    }
}

/// An open write transaction. Dropping it without `commit` writes nothing.
pub struct Batch<'c> {
    pub(super) tx: rusqlite::Transaction<'c>,
    pub(super) head: Head,
    scratch: String,
    pub(super) derived: derived::Derived,
}

impl Batch<'_> {
    pub fn head(&self) -> &Head {
        &self.head
    }

    pub fn event(&self, id: &str) -> Result<Option<StoredEvent>> {
        event_by_id(&self.tx, id)
    }

    /// Appends a validated event at the head of the chain.
    pub fn append(
        &mut self,
        event: &NewEvent,
        recorded_at: &str,
        recorded_by: &str,
    ) -> Result<StoredEvent> {
        let seq = self.head.seq + 1;
        let (quote_start, quote_end) = event
            .quote_span
            .map_or((None, None), |(s, e)| (Some(s as i64), Some(e as i64)));
        let mut stored = StoredEvent {
            seq,
            id: event.id.as_str().to_owned(),
            kind: event.event.kind().to_owned(),
            version: event.version,
            valid: event.valid.as_str().to_owned(),
            valid_from: event.valid.from().map(day_text),
            valid_to: event.valid.to().map(day_text),
            payload: event.payload.clone(),
            source: event.source.as_ref().map(|s| s.as_str().to_owned()),
            quote: event.quote.clone(),
            quote_start,
            quote_end,
            recorded_at: recorded_at.to_owned(),
            recorded_by: recorded_by.to_owned(),
            prev_hash: self.head.hash.clone(),
            hash: String::new(),
        };
        stored.hash = Link::of(&stored).hash(&stored.prev_hash, &mut self.scratch);
        insert_event(&self.tx, &stored)?;
        self.derive(Envelope {
            seq,
            id: stored.id.clone(),
            valid: event.valid.clone(),
            event: event.event.clone(),
            source: stored.source.clone(),
            quote: stored.quote.clone(),
        })?;
        // The head's strings are overwritten in place: no allocation per event.
        self.head.seq = seq;
        self.head.hash.clone_from(&stored.hash);
        match &mut self.head.recorded_at {
            Some(at) => at.clone_from(&stored.recorded_at),
            None => self.head.recorded_at = Some(stored.recorded_at.clone()),
        }
        Ok(stored)
    }

    pub fn commit(mut self) -> Result<()> {
        self.settle_keys()?;
        self.tx.commit()?;
        Ok(())
    }
}

/// `day_string`, written by hand for the years 0 to 9999: chrono's formatter parses its
/// pattern on every call, twice per appended event.
fn day_text(day: crate::date::Day) -> String {
    use chrono::Datelike;
    let year = day.year();
    if !(0..=9999).contains(&year) {
        return day_string(day);
    }
    let digits = |n: u32, width: usize, out: &mut String| {
        for i in (0..width).rev() {
            out.push(char::from(b'0' + ((n / 10u32.pow(i as u32)) % 10) as u8));
        }
    };
    let mut out = String::with_capacity(10);
    digits(year as u32, 4, &mut out);
    out.push('-');
    digits(day.month(), 2, &mut out);
    out.push('-');
    digits(day.day(), 2, &mut out);
    out
}

fn insert_event(conn: &Connection, e: &StoredEvent) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO events (seq, id, kind, version, valid, valid_from, valid_to, payload, source,
            quote, quote_start, quote_end, recorded_at, recorded_by, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        e.seq,
        e.id,
        e.kind,
        e.version,
        e.valid,
        e.valid_from,
        e.valid_to,
        e.payload,
        e.source,
        e.quote,
        e.quote_start,
        e.quote_end,
        e.recorded_at,
        e.recorded_by,
        e.prev_hash,
        e.hash,
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_text_matches_day_string() {
        let days = [
            (1, 1, 1),
            (0, 1, 1),
            (999, 12, 31),
            (2024, 2, 29),
            (9999, 12, 31),
            (-1, 6, 15),
            (10000, 1, 1),
        ];
        for (y, m, d) in days {
            let day = crate::date::Day::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(day_text(day), day_string(day));
        }
    }
}
