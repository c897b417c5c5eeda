//! `state`: the landscape as of a day, from the stored periods in force on it when the
//! head's knowledge is asked for, else from a replay.

use std::collections::{HashMap, HashSet};

use super::knowledge::is_materialised;
use super::{Knowledge, head_at, replay};
use crate::date::Day;
use crate::error::Result;
use crate::projection::periods::day_number;
use crate::projection::{EntityEntry, HeadRef, Landscape};
use crate::store::{KeyEntry, Store};

/// The landscape as of `day`: what `state` prints and `serve` returns. Stamped with the
/// head it was read at; `group` keeps one group and what involves it.
///
/// With the head's knowledge it reads the stored periods in force on `day` (cost follows
/// the answer); `--known-at` earlier than the head and `--reported-by` replay the log.
pub fn state_at(
    store: &Store,
    day: Day,
    knowledge: Knowledge,
    group: Option<&str>,
) -> Result<Landscape> {
    store.read(|| state_read(store, day, knowledge, group))
}

fn state_read(
    store: &Store,
    day: Day,
    knowledge: Knowledge,
    group: Option<&str>,
) -> Result<Landscape> {
    let head = head_at(store, knowledge.known_at)?;
    let mut land = if is_materialised(store, knowledge)? {
        // Narrowed to the group by `Assembly::finish`, before evidence and names are read.
        let mut assembly = Assembly::new(day, group);
        store.each_entry_at(day_number(day), group, |e| assembly.add(e))?;
        let mut land = assembly.finish(store)?;
        name_entities(store, &mut land, day)?;
        land
    } else {
        let mut land = replay(store, knowledge)?.at(day);
        if let Some(group) = group {
            land.only_group(group);
        }
        name_unnamed(store, &mut land, day)?;
        land
    };
    land.known_at = knowledge.known_at;
    land.reported_by = knowledge.reported_by.map(crate::date::day_string);
    land.log_head = HeadRef {
        seq: head.seq,
        hash: head.hash,
    };
    Ok(land)
}

/// The landscape of stored entries on a day, built one entry at a time in the order a
/// replay gives, with the evidence they cite (entities left unnamed); with a group,
/// narrowed to it before the evidence is read, so that only what is shown is looked up.
pub(super) struct Assembly<'g> {
    land: Landscape,
    group: Option<&'g str>,
    cites: Vec<i64>,
    seq_of: HashMap<String, i64>,
    /// Keys added: a statistic's period may be found both by its reporter and by its
    /// subject, and a key shows one entry on a day.
    keys: HashSet<i64>,
    /// Whether the quotes and sources of what it cites are read: a diff shows none.
    with_evidence: bool,
}

impl<'g> Assembly<'g> {
    pub(super) fn new(day: Day, group: Option<&'g str>) -> Self {
        Assembly {
            land: Landscape::empty(day),
            group,
            cites: Vec::new(),
            seq_of: HashMap::new(),
            keys: HashSet::new(),
            with_evidence: true,
        }
    }

    /// The entries alone, without the evidence they cite: what a diff compares. Reading
    /// it cost a diff of decades about a third of its heap and time, to be thrown away.
    pub(super) fn without_evidence(day: Day) -> Self {
        Assembly {
            with_evidence: false,
            ..Assembly::new(day, None)
        }
    }

    pub(super) fn add(&mut self, e: KeyEntry) {
        if self.group.is_some() && !self.keys.insert(e.key_id) {
            return;
        }
        if self.with_evidence && self.group.is_some() {
            // `cites` lists the seqs of `cited_ids`, in the same order.
            for (id, seq) in e.entry.cited_ids().into_iter().zip(&e.cites) {
                self.seq_of.insert(id.to_owned(), *seq);
            }
        } else if self.with_evidence {
            self.cites.extend(&e.cites);
        }
        self.land.push(e.entry);
    }

    pub(super) fn finish(self, store: &Store) -> Result<Landscape> {
        let Assembly {
            mut land,
            group,
            mut cites,
            seq_of,
            keys: _,
            with_evidence,
        } = self;
        land.finish();
        if let Some(group) = group {
            land.only_group(group);
            cites = land
                .cited_ids()
                .into_iter()
                .filter_map(|id| seq_of.get(id).copied())
                .collect();
        }
        if with_evidence {
            land.evidence = store.evidence(&cites)?;
        }
        Ok(land)
    }
}

/// Names the entities a landscape mentions as they were called on `day`.
/// Names, from the log, the entities a replayed landscape mentions but did not register:
/// with `--reported-by`, an entity whose registering document was published later would
/// otherwise print as its id. A name says which entity an id is, not what was known.
fn name_unnamed(store: &Store, land: &mut Landscape, day: Day) -> Result<()> {
    let ids: Vec<&str> = land
        .mentioned_ids()
        .into_iter()
        .filter(|id| !land.entities.contains_key(*id))
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let names = store.entity_names_on(&ids, day_number(day))?;
    for name in names {
        land.entities.insert(
            name.id,
            EntityEntry {
                entity_type: name.entity_type,
                name: name.name,
                acronym: name.acronym,
                aliases: name.aliases,
            },
        );
    }
    Ok(())
}

pub(super) fn name_entities(store: &Store, land: &mut Landscape, day: Day) -> Result<()> {
    let ids: Vec<&str> = land.mentioned_ids().into_iter().collect();
    let names = store.entity_names_on(&ids, day_number(day))?;
    for name in names {
        land.entities.insert(
            name.id,
            EntityEntry {
                entity_type: name.entity_type,
                name: name.name,
                acronym: name.acronym,
                aliases: name.aliases,
            },
        );
    }
    Ok(())
}
