//! The derived tables: which entities each event names, the known entities and their
//! names, and the materialised projection (facts by fold key, with each key's periods).
//! Maintained on every append (`derive.rs`, then `settle.rs` at commit) and rebuildable
//! from the events alone (`rebuild.rs`); both go through `Batch::derive`, so rebuild and
//! incremental maintenance cannot drift apart, and `check.rs` proves it on a live log.
//!
//! Each table's SQL sits with its rows: `entities.rs`, `facts.rs`, `periods.rs`.

mod check;
mod days;
mod derive;
mod entities;
mod facts;
mod packed;
mod periods;
mod rebuild;
mod settle;

pub use check::DERIVED_TABLES;
#[cfg(test)]
pub(in crate::store) use check::define_entry_function;
pub use entities::EntityName;
pub(in crate::store) use entities::names;
pub use facts::FactAt;
pub use packed::unpack as unpack_entry;
pub use periods::KeyEntry;

use std::collections::{HashMap, HashSet};

use crate::event::Envelope;
use crate::projection::Section;

/// Derived-table state a batch carries until it commits.
#[derive(Default)]
pub(in crate::store) struct Derived {
    pub(super) key_ids: HashMap<(Option<Section>, String), i64>,
    /// The log held no keys when the batch began (an empty log, or a rebuild): a key not
    /// in `key_ids` is new, with no need to look for it in `fact_keys`.
    pub(super) log_without_keys: bool,
    /// Entity ids already declared in this batch.
    pub(super) declared: HashSet<String>,
    /// Keys whose facts changed in this batch, with their section (none: a names key).
    pub(super) touched: HashMap<i64, Option<Section>>,
    /// Keys created in this batch: nothing derived from them is stored yet.
    pub(super) created: HashSet<i64>,
    /// Rows waiting to be written in key order: sorted inserts into the b-trees are far
    /// cheaper than scattered ones. Flushed before anything reads them back.
    pub(super) refs: Vec<(String, i64, &'static str)>,
    pub(super) facts: Vec<PendingFact>,
    /// Their `fact_days` rows (schema 11), in seq order as derived.
    pub(super) fact_days: Vec<days::FactDays>,
    /// Spans of the periods settled in this batch, `(from_day, to_day, period_id)`,
    /// inserted last in day order: the R*Tree then fills node after node, at a third less
    /// cost than in key order (docs/performance.md).
    pub(super) period_spans: Vec<(i32, i32, i64)>,
    /// The same periods under each group of their key, `(group, to_day, from_day,
    /// period_id)`, inserted last in that order (the table's); the group is a number in
    /// `group_names`, so that a million rows stay 24 bytes each.
    pub(super) period_groups: Vec<(u32, i32, i32, i64)>,
    pub(super) group_names: GroupNames,
    /// The groups of facts taken out in this batch, by key: the key's periods were listed
    /// under them too.
    pub(super) dropped_groups: HashMap<i64, Vec<String>>,
    /// The facts of the keys created in this batch, as derived.
    pub(super) in_hand: InHand,
}

/// The groups named in a batch's pending rows, each stored once.
#[derive(Default)]
pub(super) struct GroupNames {
    pub(super) numbers: HashMap<String, u32>,
    pub(super) names: Vec<String>,
}

impl GroupNames {
    pub(super) fn number(&mut self, name: &str) -> u32 {
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
    pub(super) fn ranks(&self) -> Vec<u32> {
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
    pub(in crate::store) fn for_log_of(events: i64) -> Derived {
        Derived {
            log_without_keys: events == 0,
            in_hand: InHand::up_to(FACTS_IN_HAND_AT),
            ..Derived::default()
        }
    }
}

/// A `facts` row waiting to be written.
pub(super) struct PendingFact {
    pub(super) key_id: i64,
    pub(super) from_day: i32,
    pub(super) seq: i64,
    pub(super) to_day: i32,
    pub(super) certain_day: i32,
    pub(super) kind: &'static str,
    pub(super) replacement: Option<String>,
}

/// Pending rows held before a flush, at most.
pub(super) const FLUSH_AT: usize = 200_000;

/// Spans of periods, or periods under a group, held before they are written, at most (16
/// and 24 bytes each): a batch of a million events settles about a million periods, listed
/// under 1.2 million groups, written in one sorted run each. In unit tests a few, so that
/// their batches write them in several runs.
#[cfg(not(test))]
pub(super) const PENDING_PERIODS_AT: usize = 2_000_000;
#[cfg(test)]
pub(super) const PENDING_PERIODS_AT: usize = 7;

/// Facts held in hand by a batch, at most (each under a kilobyte): every append, a
/// document's events and logs of ten thousand events settle without reading a fact back;
/// a larger batch reads back as it would without them, in bounded memory (about 15 MB
/// more at most).
const FACTS_IN_HAND_AT: usize = 20_000;

/// The facts of the keys a batch created, kept as it derives them, so that settling those
/// keys reads and decodes nothing back: the `facts` table holds the same rows, and
/// decoding them gives these envelopes. Keys that were in the log before the batch are
/// read back (their older facts are not in hand). Past the budget every fact in hand is
/// let go and every key is read back.
#[derive(Default)]
pub(super) struct InHand {
    /// Each fact with its place in the table, `(key_id, from_day, seq)`: in the order
    /// held until the first `take`, then in the table's order, last first.
    facts: Vec<(i64, i32, i64, Box<Envelope>)>,
    in_order: bool,
    budget: usize,
    /// The budget was exceeded: nothing is in hand any more.
    let_go: bool,
}

impl InHand {
    pub(super) fn up_to(budget: usize) -> InHand {
        InHand {
            budget,
            ..InHand::default()
        }
    }

    /// Keeps a fact stored under `key_id` at `from_day`, if the batch created the key.
    pub(super) fn hold(&mut self, key_id: i64, created: bool, from_day: i32, fact: Envelope) {
        if !created || self.let_go {
            return;
        }
        self.facts
            .push((key_id, from_day, fact.seq, Box::new(fact)));
        if self.facts.len() > self.budget {
            self.facts = Vec::new();
            self.let_go = true;
        }
    }

    /// Forgets a fact taken out of the table.
    pub(super) fn release(&mut self, key_id: i64, from_day: i32, seq: i64) {
        self.facts
            .retain(|(k, d, s, _)| (*k, *d, *s) != (key_id, from_day, seq));
    }

    /// The facts of a key the batch created, in (from day, seq) order as the table gives
    /// them; `None` when they are not in hand. Keys are taken in ascending order (a key
    /// asked for out of order is read back).
    pub(super) fn take(&mut self, key_id: i64) -> Option<Vec<Envelope>> {
        if self.let_go {
            return None;
        }
        if !self.in_order {
            // Stable: of two facts at one place the later held wins, as in the table
            // (`INSERT OR REPLACE`).
            self.facts.sort_by_key(|(k, d, s, _)| (*k, *d, *s));
            let mut last_first = Vec::with_capacity(self.facts.len());
            for held in std::mem::take(&mut self.facts).into_iter().rev() {
                let same_place = |(k, d, s, _): &(i64, i32, i64, Box<Envelope>)| {
                    (*k, *d, *s) == (held.0, held.1, held.2)
                };
                if !last_first.last().is_some_and(same_place) {
                    last_first.push(held);
                }
            }
            self.facts = last_first;
            self.in_order = true;
        }
        while self.facts.last().is_some_and(|held| held.0 < key_id) {
            self.facts.pop();
        }
        let mut facts = Vec::new();
        while self.facts.last().is_some_and(|held| held.0 == key_id) {
            facts.push(*self.facts.pop().expect("just looked").3);
        }
        (!facts.is_empty()).then_some(facts)
    }
}
