//! Settling the keys a batch touched: each key's facts (in hand when the batch created the
//! key, else read back and decoded) give its name or its periods now, which replace what
//! was stored. Reading and writing go through the batch's one connection; decoding and
//! computing touch no table, so on a large batch they run on a second thread while this
//! one reads the next keys and writes the last ones (docs/performance.md).

use std::sync::mpsc;

use super::entities::NameRow;
use super::facts::{FactColumns, read_fact};
use super::periods::{PeriodRow, period_rows};
use super::{InHand, PENDING_PERIODS_AT};
use crate::error::Result;
use crate::event::Envelope;
use crate::event::Event;
use crate::projection::Section;
use crate::projection::names::naming;
use crate::projection::periods::groups;
use crate::store::Batch;

/// Fewer touched keys than this are settled on this thread: a thread costs more than it
/// saves on a single append. In unit tests two, so that their batches take both ways.
#[cfg(not(test))]
const SECOND_THREAD_FROM: usize = 256;
#[cfg(test)]
const SECOND_THREAD_FROM: usize = 2;

/// Keys read ahead of the second thread, at most.
const KEYS_AHEAD: usize = 64;

/// A key the batch touched.
#[derive(Debug, Clone, Copy)]
struct Touched {
    key_id: i64,
    /// None for a names key.
    section: Option<Section>,
    /// Created in this batch: nothing derived from it is stored yet.
    created: bool,
}

/// What a key's facts give now, ready to be written.
enum Settled {
    /// A names key: its entity's latest registration that counts, if any.
    Name {
        key_id: i64,
        latest: Option<NameRow>,
    },
    Key {
        key_id: i64,
        section: Section,
        /// Created in this batch: nothing derived from it is stored yet.
        created: bool,
        periods: Vec<PeriodRow>,
        /// The groups its facts name, under which its periods are listed.
        groups: Vec<String>,
    },
}

impl Batch<'_> {
    /// Recomputes the name and periods of every key the batch touched, in key
    /// order, from one read of each key's facts.
    pub(in crate::store) fn settle_keys(&mut self) -> Result<()> {
        self.flush()?;
        let mut touched: Vec<(i64, Option<Section>)> = self.derived.touched.drain().collect();
        touched.sort_unstable();
        let touched: Vec<Touched> = touched
            .into_iter()
            .map(|(key_id, section)| Touched {
                key_id,
                section,
                created: self.derived.created.contains(&key_id),
            })
            .collect();
        if touched.len() < SECOND_THREAD_FROM {
            for key in touched {
                let facts = self.facts_of(key.key_id)?;
                self.write_settled(settle(key, facts)?)?;
            }
        } else {
            self.settle_beside(touched)?;
        }
        self.derived.created.clear();
        self.derived.dropped_groups.clear();
        self.derived.in_hand = InHand::up_to(0);
        self.insert_pending_periods()
    }

    /// Settles one names key now (the names of a log upgraded to schema 7).
    pub(super) fn settle_name(&mut self, key_id: i64) -> Result<()> {
        let key = Touched {
            key_id,
            section: None,
            created: false,
        };
        let facts = self.facts_of(key_id)?;
        self.write_settled(settle(key, facts)?)
    }

    /// A key's facts: in hand when the batch created the key, else read from the table.
    fn facts_of(&mut self, key_id: i64) -> Result<KeyFacts> {
        Ok(match self.derived.in_hand.take(key_id) {
            Some(facts) => KeyFacts::InHand(facts),
            None => KeyFacts::Stored(self.key_fact_rows(key_id)?),
        })
    }

    /// Settles the keys with a second thread decoding and computing them: results come
    /// back in the order the keys were sent, so the writes are those of one thread.
    fn settle_beside(&mut self, touched: Vec<Touched>) -> Result<()> {
        std::thread::scope(|scope| {
            let (to_settle, read) = mpsc::sync_channel::<(Touched, KeyFacts)>(KEYS_AHEAD);
            // Unbounded, so that the second thread never waits for this one while this one
            // waits for room; no more results wait than keys were in flight.
            let (to_write, settled) = mpsc::channel::<Result<Settled>>();
            scope.spawn(move || {
                for (key, facts) in read {
                    if to_write.send(settle(key, facts)).is_err() {
                        return;
                    }
                }
            });
            for key in touched {
                let facts = self.facts_of(key.key_id)?;
                if to_settle.send((key, facts)).is_err() {
                    // The thread only ends early by panicking, which the scope passes on
                    // when it joins it.
                    break;
                }
                while let Ok(result) = settled.try_recv() {
                    self.write_settled(result?)?;
                }
            }
            drop(to_settle);
            for result in settled {
                self.write_settled(result?)?;
            }
            Ok(())
        })
    }

    fn write_settled(&mut self, settled: Settled) -> Result<()> {
        match settled {
            Settled::Name { key_id, latest } => self.write_name(key_id, latest),
            Settled::Key {
                key_id,
                section,
                created,
                periods,
                groups,
            } => {
                self.write_periods(key_id, section, created, periods, &groups)?;
                if self.derived.period_spans.len() >= PENDING_PERIODS_AT
                    || self.derived.period_groups.len() >= PENDING_PERIODS_AT
                {
                    self.insert_pending_periods()?;
                }
                Ok(())
            }
        }
    }
}

/// A key's facts in (from day, seq) order: in hand, or as the table's rows, to decode.
enum KeyFacts {
    InHand(Vec<Envelope>),
    Stored(Vec<FactColumns>),
}

/// What a key's facts give now: decoding and computing only, no table touched.
fn settle(key: Touched, facts: KeyFacts) -> Result<Settled> {
    let facts = match facts {
        KeyFacts::InHand(facts) => facts,
        KeyFacts::Stored(rows) => rows
            .into_iter()
            .map(read_fact)
            .collect::<Result<Vec<_>>>()?,
    };
    let Some(section) = key.section else {
        return Ok(Settled::Name {
            key_id: key.key_id,
            latest: latest_name(&facts),
        });
    };
    let mut groups: Vec<String> = facts.iter().flat_map(|f| groups(&f.event)).collect();
    groups.sort_unstable();
    groups.dedup();
    Ok(Settled::Key {
        key_id: key.key_id,
        section,
        created: key.created,
        periods: period_rows(key.key_id, section, &facts),
        groups,
    })
}

/// The name the entity's naming facts give (its latest registration that counts, its
/// renames and aliases), if any registration counts (all may be retracted).
fn latest_name(facts: &[Envelope]) -> Option<NameRow> {
    let id = facts.iter().find_map(|f| match &f.event {
        Event::EntityRegistered(r) => Some(r.id.as_str().to_owned()),
        _ => None,
    })?;
    let named = naming(facts)?;
    Some(NameRow {
        id,
        entity_type: named.entity_type.as_str().to_owned(),
        name: named.name,
        acronym: named.acronym,
        aliases: serde_json::to_string(&named.aliases).expect("strings"),
        periods: named.periods,
    })
}
