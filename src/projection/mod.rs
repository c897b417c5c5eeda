//! The projection: a pure fold of the log into a `Timeline` (every fact that counts, by
//! the knowledge of some seq), and queries over it (`state.rs`: the landscape as of a
//! day). The fold knows nothing of SQL or rendering; `replay` feeds it from the store.

mod entry;
pub mod materialize;
mod state;

pub use entry::{Entry, entry_at};
pub use state::*;

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::date::{Day, ValidTime};
use crate::error::{Error, Result};
use crate::event::{EntityRegistered, Envelope, Event};
use crate::store::{EventFilter, FactAt, Head, Store};
use materialize::KeyEntry;

/// A fact that counts: a world event, or the replacement carried by a correction.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// The seq of the event that asserts it (the correction's, for a replacement).
    pub seq: i64,
    /// The event id cited as evidence.
    pub id: String,
    pub valid: ValidTime,
    pub event: Event,
    pub source: Option<String>,
    pub quote: Option<String>,
}

/// What the log says about the world, as far as the folded events go.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// Facts that count, in log order.
    facts: BTreeMap<i64, Fact>,
    /// Event id → seq of the fact it asserts (for retractions and corrections).
    by_id: HashMap<String, i64>,
    /// Facts taken out by a correction, kept so that retracting the correction restores them.
    replaced: HashMap<String, Fact>,
    /// Registrations that count, by entity id and seq: the latest one names the entity.
    registrations: BTreeMap<String, BTreeMap<i64, EntityRegistered>>,
    /// The last seq folded.
    pub seq: i64,
}

impl Timeline {
    /// Folds one event. Pure: no I/O and no validation (that happened before storing).
    pub fn apply(&mut self, envelope: &Envelope) {
        self.seq = self.seq.max(envelope.seq);
        match &envelope.event {
            Event::EventRetracted(r) => {
                if let Some(fact) = self.remove(r.target.as_str()) {
                    // Retracting a correction brings back what it had replaced.
                    if let Some(original) = self.replaced.remove(&fact.id) {
                        self.insert(original);
                    }
                }
            }
            Event::EventCorrected(c) => {
                if let Some(original) = self.remove(c.target.as_str()) {
                    self.replaced.insert(envelope.id.clone(), original);
                }
                let valid = ValidTime::parse(&c.replacement.valid)
                    .unwrap_or_else(|_| envelope.valid.clone());
                self.insert(Fact {
                    seq: envelope.seq,
                    id: envelope.id.clone(),
                    valid,
                    event: (*c.replacement.event).clone(),
                    source: envelope.source.clone(),
                    quote: envelope.quote.clone(),
                });
            }
            event => self.insert(Fact {
                seq: envelope.seq,
                id: envelope.id.clone(),
                valid: envelope.valid.clone(),
                event: event.clone(),
                source: envelope.source.clone(),
                quote: envelope.quote.clone(),
            }),
        }
    }

    fn insert(&mut self, fact: Fact) {
        if let Event::EntityRegistered(e) = &fact.event {
            self.registrations
                .entry(e.id.to_string())
                .or_default()
                .insert(fact.seq, e.clone());
        }
        self.by_id.insert(fact.id.clone(), fact.seq);
        self.facts.insert(fact.seq, fact);
    }

    fn remove(&mut self, id: &str) -> Option<Fact> {
        let seq = self.by_id.remove(id)?;
        let fact = self.facts.remove(&seq)?;
        if let Event::EntityRegistered(e) = &fact.event
            && let Some(registrations) = self.registrations.get_mut(e.id.as_str())
        {
            registrations.remove(&fact.seq);
            if registrations.is_empty() {
                self.registrations.remove(e.id.as_str());
            }
        }
        Some(fact)
    }

    pub fn facts(&self) -> impl Iterator<Item = &Fact> {
        self.facts.values()
    }

    pub fn entity(&self, id: &str) -> Option<&EntityRegistered> {
        self.registrations
            .get(id)
            .and_then(|r| r.values().next_back())
    }

    /// Every named entity with its latest registration that counts.
    pub fn entities(&self) -> BTreeMap<String, EntityRegistered> {
        self.registrations
            .iter()
            .filter_map(|(id, r)| r.values().next_back().map(|e| (id.clone(), e.clone())))
            .collect()
    }
}

/// Which record to read: everything, or only what the log held at a seq; and optionally
/// only events whose source was published by a day (what a contemporary could know).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Knowledge {
    pub known_at: Option<i64>,
    pub reported_by: Option<Day>,
}

/// Folds the log (up to `knowledge.known_at`) into a timeline.
pub fn replay(store: &Store, knowledge: Knowledge) -> Result<Timeline> {
    let published: HashMap<String, Option<Day>> = match knowledge.reported_by {
        Some(_) => store
            .documents()?
            .into_iter()
            .map(|d| {
                let to = ValidTime::parse(&d.published).ok().and_then(|v| v.to());
                (d.sha256.to_string(), to)
            })
            .collect(),
        None => HashMap::new(),
    };
    let mut timeline = Timeline::default();
    let filter = EventFilter {
        upto: knowledge.known_at,
        ..EventFilter::default()
    };
    store.for_each_event(&filter, |stored| {
        if let (Some(day), Some(source)) = (knowledge.reported_by, &stored.source)
            && published
                .get(source)
                .copied()
                .flatten()
                .is_none_or(|p| p > day)
        {
            return Ok(());
        }
        let envelope = stored.envelope().map_err(|e| {
            Error::VerifyFailed(format!(
                "event {} cannot be read: {e}; run `policylog verify`",
                stored.id
            ))
        })?;
        timeline.apply(&envelope);
        Ok(())
    })?;
    Ok(timeline)
}

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
        store.each_entry_at(materialize::day_number(day), group, |e| assembly.add(e))?;
        let mut land = assembly.finish(store)?;
        name_entities(store, &mut land)?;
        land
    } else {
        let mut land = replay(store, knowledge)?.at(day);
        if let Some(group) = group {
            land.only_group(group);
        }
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
struct Assembly<'g> {
    land: Landscape,
    group: Option<&'g str>,
    cites: Vec<i64>,
    seq_of: HashMap<String, i64>,
}

impl<'g> Assembly<'g> {
    fn new(day: Day, group: Option<&'g str>) -> Self {
        Assembly {
            land: Landscape::empty(day),
            group,
            cites: Vec::new(),
            seq_of: HashMap::new(),
        }
    }

    fn add(&mut self, e: KeyEntry) {
        if self.group.is_some() {
            // `cites` lists the seqs of `cited_ids`, in the same order.
            for (id, seq) in e.entry.cited_ids().into_iter().zip(&e.cites) {
                self.seq_of.insert(id.to_owned(), *seq);
            }
        } else {
            self.cites.extend(&e.cites);
        }
        self.land.push(e.entry);
    }

    fn finish(self, store: &Store) -> Result<Landscape> {
        let Assembly {
            mut land,
            group,
            mut cites,
            seq_of,
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
        land.evidence = store.evidence(&cites)?;
        Ok(land)
    }
}

fn name_entities(store: &Store, land: &mut Landscape) -> Result<()> {
    let ids: Vec<&str> = land.mentioned_ids().into_iter().collect();
    let names = store.entity_names(&ids)?;
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

/// The landscapes on `from` and on `to`, for comparing them: whole, or with the head's
/// knowledge only the entries of the keys that change between the two days (the others
/// are the same on both and compare equal) and of the keys the `within` facts belong to.
/// Read from the materialised tables, `within` gets the facts of its keys that show on
/// neither day: only those can be a term served or a membership held in between.
pub fn states_for_diff(
    store: &Store,
    from: Day,
    to: Day,
    knowledge: Knowledge,
    within: &mut InBetween,
) -> Result<(Landscape, Landscape)> {
    if !is_materialised(store, knowledge)? {
        return Ok((
            state_at(store, from, knowledge, None)?,
            state_at(store, to, knowledge, None)?,
        ));
    }
    let (a, b) = (materialize::day_number(from), materialize::day_number(to));
    // A changing period shows on exactly one of the two days; the unchanged keys' entries
    // (below) show on both. `Landscape::finish` puts each day's entries in order.
    let (mut on_a, mut on_b) = (Assembly::new(from, None), Assembly::new(to, None));
    let mut changed: HashSet<i64> = HashSet::new();
    store.each_entry_changing(a, b, |e| {
        changed.insert(e.key_id);
        if e.shows_on(a) {
            on_a.add(e);
        } else if e.shows_on(b) {
            on_b.add(e);
        }
    })?;
    // The keys of terms served in between that show the same entry on both days: it
    // compares equal, and tells whether such a term is shown on either day.
    let mut unchanged: Vec<i64> = within
        .keyed
        .iter()
        .map(|f| f.key_id)
        .filter(|k| !changed.contains(k))
        .collect();
    unchanged.sort_unstable();
    unchanged.dedup();
    let same = store.entries_of_keys_at(&unchanged, a)?;
    // A key with a period on either day shows there: its in-between facts are not
    // reported (the changing keys show on one day or both, `same` on both).
    let shown: HashSet<i64> = changed
        .into_iter()
        .chain(same.iter().map(|e| e.key_id))
        .collect();
    let unshown: Vec<&FactAt> = within
        .keyed
        .iter()
        .filter(|f| !shown.contains(&f.key_id))
        .collect();
    within.facts = store.facts_at(&unshown)?;
    for e in same {
        on_b.add(e.clone());
        on_a.add(e);
    }
    let head = store.head()?;
    let mut lands = (on_a.finish(store)?, on_b.finish(store)?);
    for land in [&mut lands.0, &mut lands.1] {
        name_entities(store, land)?;
        land.log_head = HeadRef {
            seq: head.seq,
            hash: head.hash.clone(),
        };
    }
    Ok(lands)
}

/// Role assignments and membership departures lying wholly after `from` and on or
/// before `to` (what `diff` reports as served or held in between).
pub struct InBetween {
    /// Replayed, every such fact; from the materialised facts, those `states_for_diff`
    /// found of keys shown on neither day.
    pub facts: Vec<Fact>,
    /// Where each such fact is stored, when read from the materialised facts: known
    /// without reading or decoding their events.
    keyed: Vec<FactAt>,
}

pub fn facts_within(store: &Store, knowledge: Knowledge, from: Day, to: Day) -> Result<InBetween> {
    if is_materialised(store, knowledge)? {
        let keyed =
            store.facts_within(materialize::day_number(from), materialize::day_number(to))?;
        return Ok(InBetween {
            facts: Vec::new(),
            keyed,
        });
    }
    let within = |f: &&Fact| {
        matches!(f.event, Event::RoleAssigned(_) | Event::MembershipLeft(_))
            && f.valid.from().is_some_and(|d| d > from)
            && f.valid.to().is_some_and(|d| d <= to)
    };
    Ok(InBetween {
        facts: replay(store, knowledge)?
            .facts()
            .filter(within)
            .cloned()
            .collect(),
        keyed: Vec::new(),
    })
}

/// Whether the materialised facts answer for this knowledge: they hold the head's.
fn is_materialised(store: &Store, knowledge: Knowledge) -> Result<bool> {
    Ok(knowledge.reported_by.is_none()
        && match knowledge.known_at {
            None => true,
            Some(seq) => seq >= store.head()?.seq,
        })
}

/// Resolves `--known-at`: a seq, or an RFC 3339 time (the last event recorded by then).
pub fn resolve_known_at(store: &Store, text: &str) -> Result<i64> {
    if let Ok(seq) = text.parse::<i64>() {
        if seq < 0 {
            return Err(Error::Usage(format!(
                "--known-at {seq}: a seq is 0 or more"
            )));
        }
        return Ok(seq);
    }
    let time = chrono::DateTime::parse_from_rfc3339(text)
        .map_err(|e| {
            Error::Usage(format!(
                "--known-at `{text}` is neither a seq nor an RFC 3339 time: {e}"
            ))
        })?
        .with_timezone(&chrono::Utc);
    // Transaction time never goes backwards along seq (ingest and append refuse it), so
    // the last event recorded by `time` is found by bisection, comparing times, not text.
    let recorded_by = |seq: i64| -> Result<bool> {
        let at = store.recorded_at(seq)?;
        Ok(at
            .as_deref()
            .and_then(|a| crate::clock::parse(a).ok())
            .is_some_and(|a| a <= time))
    };
    let (mut known, mut unknown) = (0, store.head()?.seq + 1);
    while unknown - known > 1 {
        let mid = known + (unknown - known) / 2;
        if recorded_by(mid)? {
            known = mid;
        } else {
            unknown = mid;
        }
    }
    Ok(known)
}

/// The head a state was computed from: the log head, or the event at `known_at`.
pub fn head_at(store: &Store, known_at: Option<i64>) -> Result<Head> {
    let head = store.head()?;
    match known_at {
        Some(seq) if seq < head.seq => {
            let mut found = None;
            let filter = EventFilter {
                after: Some(seq - 1),
                upto: Some(seq),
                ..EventFilter::default()
            };
            store.for_each_event(&filter, |e| {
                found = Some(Head {
                    seq: e.seq,
                    hash: e.hash,
                    recorded_at: Some(e.recorded_at),
                });
                Ok(())
            })?;
            Ok(found.unwrap_or(Head {
                seq: 0,
                hash: crate::store::GENESIS.into(),
                recorded_at: None,
            }))
        }
        _ => Ok(head),
    }
}

#[cfg(test)]
mod tests;
