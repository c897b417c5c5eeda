//! The fold: every event of the log, in log order, into the facts that count (retractions
//! and corrections applied) and the landscape those facts show on a day. Pure: no I/O and
//! no validation, which happened before the events were stored.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::entry::entry_at;
use super::{EntityEntry, Evidence, Landscape, Section, fold_key};
use crate::date::{Day, ValidTime};
use crate::event::{EntityRegistered, Envelope, Event};

/// What the log says about the world, as far as the folded events go.
#[derive(Debug, Clone, Default)]
pub struct Fold {
    /// Facts that count, in log order.
    facts: BTreeMap<i64, Envelope>,
    /// Event id → seq of the fact it asserts (for retractions and corrections).
    by_id: HashMap<String, i64>,
    /// Facts taken out by a correction, kept so that retracting the correction restores them.
    replaced: HashMap<String, Envelope>,
    /// Registrations that count, by entity id and seq: the latest one names the entity.
    registrations: BTreeMap<String, BTreeMap<i64, EntityRegistered>>,
    /// The last seq folded.
    pub seq: i64,
}

impl Fold {
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
                self.insert(Envelope {
                    seq: envelope.seq,
                    id: envelope.id.clone(),
                    valid,
                    event: (*c.replacement.event).clone(),
                    source: envelope.source.clone(),
                    quote: envelope.quote.clone(),
                });
            }
            _ => self.insert(envelope.clone()),
        }
    }

    fn insert(&mut self, fact: Envelope) {
        if let Event::EntityRegistered(e) = &fact.event {
            self.registrations
                .entry(e.id.to_string())
                .or_default()
                .insert(fact.seq, e.clone());
        }
        self.by_id.insert(fact.id.clone(), fact.seq);
        self.facts.insert(fact.seq, fact);
    }

    fn remove(&mut self, id: &str) -> Option<Envelope> {
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

    pub fn facts(&self) -> impl Iterator<Item = &Envelope> {
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

    /// The landscape as of `day`, as far as this fold knows, with the names of the
    /// entities it mentions.
    pub fn at(&self, day: Day) -> Landscape {
        let mut land = self.at_unnamed(day);
        let mentioned: Vec<String> = land
            .mentioned_ids()
            .into_iter()
            .map(str::to_owned)
            .collect();
        for id in mentioned {
            if let Some(e) = self.entity(&id) {
                land.entities.insert(
                    id,
                    EntityEntry {
                        entity_type: e.entity_type.as_str().to_owned(),
                        name: e.name.clone(),
                        acronym: e.acronym.clone(),
                        aliases: e.aliases.clone(),
                    },
                );
            }
        }
        land
    }

    /// The landscape as of `day` with `entities` left empty (for the caller to name).
    pub fn at_unnamed(&self, day: Day) -> Landscape {
        let mut cited: BTreeSet<&str> = BTreeSet::new();
        let mut by_key: BTreeMap<(Section, String), Vec<&Envelope>> = BTreeMap::new();
        for fact in self.facts() {
            if let Some(key) = fold_key(&fact.event) {
                by_key.entry(key).or_default().push(fact);
            }
        }
        let mut land = Landscape::empty(day);
        for ((section, _), facts) in &by_key {
            let mut facts = facts.clone();
            facts.sort_by_key(|f| (f.valid.from(), f.seq));
            if let Some(entry) = entry_at(*section, &facts, day) {
                land.push(entry);
            }
        }
        land.finish();
        for id in land.cited_ids() {
            cited.insert(id);
        }
        let cited: BTreeSet<String> = cited.into_iter().map(str::to_owned).collect();
        for fact in self.facts() {
            if cited.contains(&fact.id) {
                land.evidence.insert(
                    fact.id.clone(),
                    Evidence {
                        kind: fact.event.kind().to_owned(),
                        valid: fact.valid.as_str().to_owned(),
                        source: fact.source.clone(),
                        quote: fact.quote.clone(),
                    },
                );
            }
        }
        land
    }
}
