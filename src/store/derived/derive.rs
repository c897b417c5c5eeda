//! Deriving an appended event's rows: the entities it names and declares, and the fact it
//! asserts under its fold key, or, for a retraction or correction, the fact it takes out
//! (and the one a retracted correction had taken out, put back). Rows wait in the batch
//! and are written in key order (`flush`); the keys touched are settled at commit, from
//! the facts in hand when the batch created their key (`InHand`).

use super::days::FactDays;
use super::facts::FactRow;
use super::{FLUSH_AT, PendingFact};
use crate::date::ValidTime;
use crate::error::Result;
use crate::event::{Envelope, Event, StoredEvent};
use crate::projection::periods::groups;
use crate::store::events::for_each_event;
use crate::store::{Batch, EventFilter};

/// The fact a stored event asserts: its own envelope, or a correction's replacement in
/// the correction's. A retraction asserts none.
pub(super) fn asserted(stored: &StoredEvent) -> Option<Envelope> {
    let envelope = stored.envelope().ok()?;
    match envelope.event {
        Event::EventCorrected(c) => Some(Envelope {
            valid: ValidTime::parse(&c.replacement.valid).ok()?,
            event: *c.replacement.event,
            ..envelope
        }),
        Event::EventRetracted(_) => None,
        _ => Some(envelope),
    }
}

/// A correction's replacement as `facts.replacement` keeps it (canonical JSON).
#[derive(serde::Serialize)]
struct StoredReplacement<'a> {
    valid: &'a str,
    #[serde(flatten)]
    event: &'a Event,
}

impl Batch<'_> {
    /// Brings the derived tables up to date with one appended event.
    pub(in crate::store) fn derive(&mut self, e: Envelope) -> Result<()> {
        for r in e.event.references() {
            self.derived.refs.push((r.id.to_string(), e.seq, r.field));
        }
        if let Some((id, entity_type)) = e.event.declares()
            && self.derived.declared.insert(id.to_string())
        {
            self.insert_entity(id.as_str(), entity_type.as_str(), e.seq)?;
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
                    self.note_displaced(e.seq, fact_seq)?;
                }
                let valid = ValidTime::parse(&c.replacement.valid).unwrap_or(e.valid);
                let replacement = Envelope {
                    valid,
                    event: *c.replacement.event,
                    ..e
                };
                self.insert_fact(replacement, true)?;
            }
            event => self.insert_fact(Envelope { event, ..e }, false)?,
        }
        self.flush_if_full()
    }

    /// Stores a fact; `replacement` when it is a correction's, not its event's own row.
    fn insert_fact(&mut self, fact: Envelope, replacement: bool) -> Result<()> {
        let Some(row) = FactRow::of(fact.seq, &fact.valid, &fact.event) else {
            return Ok(());
        };
        let key_id = self.key_id(row.section, row.key)?;
        // A correction's replacement is not its event's row: keep what differs, as an
        // `event::Replacement` reads: `{"kind":…,"payload":{…},"valid":…}`.
        let replacement = replacement.then(|| {
            crate::canonical::to_string(&StoredReplacement {
                valid: &row.valid,
                event: &fact.event,
            })
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
        self.derived.fact_days.push(FactDays::of(&fact));
        // Held as read back for settling: without the quote, which no period shows.
        let created = self.derived.created.contains(&key_id);
        let fact = Envelope {
            quote: None,
            ..fact
        };
        self.derived
            .in_hand
            .hold(key_id, created, row.from_day, fact);
        Ok(())
    }

    /// Writes the pending rows, each table in its key order.
    pub(super) fn flush(&mut self) -> Result<()> {
        let mut refs = std::mem::take(&mut self.derived.refs);
        refs.sort_unstable();
        refs.dedup();
        self.insert_refs(&refs)?;
        let mut facts = std::mem::take(&mut self.derived.facts);
        facts.sort_unstable_by_key(|f| (f.key_id, f.from_day, f.seq));
        self.insert_facts(&facts)?;
        let days = std::mem::take(&mut self.derived.fact_days);
        self.insert_fact_days(&days)
    }

    fn flush_if_full(&mut self) -> Result<()> {
        let pending = self.derived.refs.len() + self.derived.facts.len();
        if pending >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    /// Takes out the fact an event asserts (its own, or a correction's replacement) and
    /// returns its seq, if it still counted.
    fn remove_fact(&mut self, id: &str) -> Result<Option<i64>> {
        let Some((row, event, key_id)) = self.asserted_fact(id)? else {
            return Ok(None);
        };
        if !self.delete_fact(key_id, row.from_day, row.seq)? {
            return Ok(None);
        }
        self.delete_fact_days(row.seq)?;
        self.derived.in_hand.release(key_id, row.from_day, row.seq);
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

    /// Puts back the fact asserted at `seq`: an event's own, or a correction's replacement.
    fn restore_fact(&mut self, seq: i64) -> Result<()> {
        let filter = EventFilter {
            after: Some(seq - 1),
            upto: Some(seq),
            ..EventFilter::default()
        };
        let mut found = None;
        for_each_event(&self.tx, &filter, |e| {
            found = Some(e);
            Ok(())
        })?;
        if let Some(stored) = found
            && let Some(fact) = asserted(&stored)
        {
            self.insert_fact(fact, stored.kind == "event.corrected")?;
        }
        Ok(())
    }
}
