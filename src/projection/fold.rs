//! The fold: every event of the log, in log order, into the facts that count (retractions
//! and corrections applied) and the landscape those facts show on a day. Pure: no I/O and
//! no validation, which happened before the events were stored.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use super::entry::entry_at;
use super::names::{Naming, naming};
use super::{EntityEntry, Evidence, Landscape, Section, fold_key};
use crate::date::{Day, ValidTime};
use crate::entity::EntityId;
use crate::event::{EntityRegistered, Envelope, Event};

/// The entity a naming fact (registration, rename, alias) names.
fn named(event: &Event) -> Option<&str> {
    match event {
        Event::EntityRegistered(e) => Some(e.id.as_str()),
        Event::EntityRenamed(e) => Some(e.id.as_str()),
        Event::EntityAliased(e) => Some(e.id.as_str()),
        _ => None,
    }
}

/// What the log says about the world, as far as the folded events go.
#[derive(Debug, Clone, Default)]
pub struct Fold {
    /// Facts that count, in log order.
    facts: BTreeMap<i64, Envelope>,
    /// Event id → seq of the fact it asserts (for retractions and corrections).
    by_id: HashMap<String, i64>,
    /// Facts taken out by a correction, kept so that retracting the correction restores them.
    replaced: HashMap<String, Envelope>,
    /// The registrations, renames and aliases that count, by entity id and seq.
    naming_facts: BTreeMap<String, BTreeMap<i64, Envelope>>,
    /// What they say of each entity (kept as they change).
    namings: BTreeMap<String, Naming>,
    /// Each entity as its latest registration names it, with the name and acronym of its
    /// last rename and every alias: what `entity` lends out.
    current: BTreeMap<String, EntityRegistered>,
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
        if let Some(entity) = named(&fact.event) {
            let entity = entity.to_owned();
            self.naming_facts
                .entry(entity.clone())
                .or_default()
                .insert(fact.seq, fact.clone());
            self.renamed(&entity);
        }
        self.by_id.insert(fact.id.clone(), fact.seq);
        self.facts.insert(fact.seq, fact);
    }

    fn remove(&mut self, id: &str) -> Option<Envelope> {
        let seq = self.by_id.remove(id)?;
        let fact = self.facts.remove(&seq)?;
        if let Some(entity) = named(&fact.event).map(str::to_owned)
            && let Some(facts) = self.naming_facts.get_mut(&entity)
        {
            facts.remove(&fact.seq);
            if facts.is_empty() {
                self.naming_facts.remove(&entity);
            }
            self.renamed(&entity);
        }
        Some(fact)
    }

    /// Derives an entity's naming again after one of its naming facts came or went.
    fn renamed(&mut self, entity: &str) {
        let Some(named) = self
            .naming_facts
            .get(entity)
            .and_then(|facts| naming(facts.values()))
        else {
            self.namings.remove(entity);
            self.current.remove(entity);
            return;
        };
        if let Ok(id) = EntityId::parse(entity) {
            self.current.insert(
                entity.to_owned(),
                EntityRegistered {
                    id,
                    entity_type: named.entity_type,
                    name: named.name.clone(),
                    acronym: named.acronym.clone(),
                    aliases: named.aliases.clone(),
                },
            );
        }
        self.namings.insert(entity.to_owned(), named);
    }

    pub fn facts(&self) -> impl Iterator<Item = &Envelope> {
        self.facts.values()
    }

    /// The entity as it is called now: its latest registration that counts, with the
    /// name and acronym of its last rename and every alias.
    pub fn entity(&self, id: &str) -> Option<&EntityRegistered> {
        self.current.get(id)
    }

    /// Every named entity, as `entity` gives it.
    pub fn entities(&self) -> BTreeMap<String, EntityRegistered> {
        self.current.clone()
    }

    /// The entity as it was called on `day` (a rename does not rewrite earlier days).
    pub fn entity_on(&self, id: &str, day: Day) -> Option<EntityEntry> {
        self.namings.get(id).map(|n| n.entry_on(day))
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
            if let Some(e) = self.entity_on(&id, day) {
                land.entities.insert(id, e);
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
                        kind: fact.event.kind().into(),
                        valid: fact.valid.as_str().to_owned(),
                        source: fact.source.as_deref().map(Arc::from),
                        quote: fact.quote.clone(),
                    },
                );
            }
        }
        land
    }
}
