//! An entity's names over time: its latest registration that counts names it, each
//! `entity.renamed` names it from its `valid`'s first day on (earlier days keep the
//! earlier name), and `entity.aliased` adds spellings, at every date. Pure: the fold asks
//! it for a day's name, the store for the periods it keeps (`entity_name_periods`).

use super::EntityEntry;
use super::periods::{OPEN_END, OPEN_START, day_number};
use crate::date::Day;
use crate::entity::EntityType;
use crate::event::{Envelope, Event};

/// What an entity's naming facts say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Naming {
    pub entity_type: EntityType,
    /// The name and acronym from the last rename on (the registration's without one).
    pub name: String,
    pub acronym: Option<String>,
    /// The registration's aliases, then those `entity.aliased` adds, each once.
    pub aliases: Vec<String>,
    /// Its names day by day when it was renamed, from the first day on; empty otherwise.
    pub periods: Vec<NamePeriod>,
}

/// A stretch of days over which an entity has one name (days as in `periods.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePeriod {
    pub from_day: i32,
    /// The last day, inclusive.
    pub to_day: i32,
    pub name: String,
    pub acronym: Option<String>,
}

impl Naming {
    /// The name and acronym on `day`.
    pub fn on(&self, day: Day) -> (&str, Option<&str>) {
        let d = day_number(day);
        match self
            .periods
            .iter()
            .find(|p| p.from_day <= d && d <= p.to_day)
        {
            Some(p) => (&p.name, p.acronym.as_deref()),
            None => (&self.name, self.acronym.as_deref()),
        }
    }

    /// The entity as a landscape of `day` names it.
    pub fn entry_on(&self, day: Day) -> EntityEntry {
        let (name, acronym) = self.on(day);
        EntityEntry {
            entity_type: self.entity_type.as_str().to_owned(),
            name: name.to_owned(),
            acronym: acronym.map(str::to_owned),
            aliases: self.aliases.clone(),
        }
    }
}

/// The naming an entity's facts give: its registrations, renames and aliases, in any
/// order. `None` when no registration counts (a rename alone names nothing).
pub fn naming<'a>(facts: impl IntoIterator<Item = &'a Envelope>) -> Option<Naming> {
    let mut registration = None;
    let mut renames = Vec::new();
    let mut added = Vec::new();
    for f in facts {
        match &f.event {
            Event::EntityRegistered(r) if registration.is_none_or(|(seq, _)| f.seq > seq) => {
                registration = Some((f.seq, r));
            }
            Event::EntityRenamed(r) => renames.push((f.valid.from(), f.seq, r)),
            Event::EntityAliased(a) => added.push((f.seq, a)),
            _ => {}
        }
    }
    let (_, r) = registration?;
    renames.sort_by_key(|(from, seq, _)| (*from, *seq));
    added.sort_by_key(|(seq, _)| *seq);
    let mut aliases = Vec::new();
    for alias in r
        .aliases
        .iter()
        .chain(added.iter().flat_map(|(_, a)| &a.aliases))
    {
        if !alias.trim().is_empty() && !aliases.contains(alias) {
            aliases.push(alias.clone());
        }
    }
    let mut periods = Vec::new();
    if !renames.is_empty() {
        let mut from_day = OPEN_START;
        let (mut name, mut acronym) = (r.name.clone(), r.acronym.clone());
        for (from, _, rename) in &renames {
            let starts = from.map_or(OPEN_START, day_number);
            if starts > from_day {
                periods.push(NamePeriod {
                    from_day,
                    to_day: starts - 1,
                    name: name.clone(),
                    acronym: acronym.clone(),
                });
                from_day = starts;
            }
            // Two renames from one day: the later recorded names it.
            name = rename.name.clone();
            acronym = rename.acronym.clone();
        }
        periods.push(NamePeriod {
            from_day,
            to_day: OPEN_END,
            name,
            acronym,
        });
    }
    let (name, acronym) = periods.last().map_or_else(
        || (r.name.clone(), r.acronym.clone()),
        |p| (p.name.clone(), p.acronym.clone()),
    );
    Some(Naming {
        entity_type: r.entity_type,
        name,
        acronym,
        aliases,
        periods,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::{ValidTime, parse_day};
    use crate::event::upcast;
    use serde_json::json;

    fn fact(seq: i64, valid: &str, kind: &str, payload: serde_json::Value) -> Envelope {
        Envelope {
            seq,
            id: format!("e{seq}"),
            valid: ValidTime::parse(valid).unwrap(),
            event: upcast::from_value(kind, 2, payload).unwrap(),
            source: None,
            quote: None,
        }
    }

    fn registered(seq: i64) -> Envelope {
        fact(
            seq,
            "2019",
            "entity.registered",
            json!({"id": "org:a", "type": "org", "name": "Old Office", "acronym": "OO", "aliases": ["the Office"]}),
        )
    }

    fn renamed(seq: i64, valid: &str, name: &str, acronym: Option<&str>) -> Envelope {
        fact(
            seq,
            valid,
            "entity.renamed",
            json!({"id": "org:a", "name": name, "acronym": acronym}),
        )
    }

    fn day(s: &str) -> Day {
        parse_day(s).unwrap()
    }

    #[test]
    fn a_rename_names_the_entity_from_its_first_day_and_not_before() {
        let facts = [
            registered(1),
            renamed(2, "2021-03", "New Office", Some("NO")),
        ];
        let naming = naming(&facts).unwrap();
        assert_eq!(naming.on(day("2019-06-01")), ("Old Office", Some("OO")));
        assert_eq!(naming.on(day("2021-02-28")), ("Old Office", Some("OO")));
        assert_eq!(naming.on(day("2021-03-01")), ("New Office", Some("NO")));
        assert_eq!(
            (naming.name.as_str(), naming.acronym.as_deref()),
            ("New Office", Some("NO"))
        );
        assert_eq!(naming.periods.len(), 2);
    }

    #[test]
    fn renames_apply_in_date_order_whatever_order_they_were_recorded_in() {
        let facts = [
            registered(1),
            renamed(2, "2024", "Third Name", None),
            renamed(3, "2021", "Second Name", Some("SN")),
        ];
        let naming = naming(&facts).unwrap();
        assert_eq!(naming.on(day("2020-12-31")).0, "Old Office");
        assert_eq!(naming.on(day("2022-01-01")), ("Second Name", Some("SN")));
        // A rename without an acronym leaves none.
        assert_eq!(naming.on(day("2025-01-01")), ("Third Name", None));
    }

    #[test]
    fn aliases_add_spellings_at_every_date_and_a_rename_alone_names_nothing() {
        let aliased = fact(
            2,
            "2023",
            "entity.aliased",
            json!({"id": "org:a", "aliases": ["Office (old spelling)", "the Office"]}),
        );
        let naming = naming(&[registered(1), aliased]).unwrap();
        assert_eq!(naming.aliases, ["the Office", "Office (old spelling)"]);
        assert!(naming.periods.is_empty());
        assert_eq!(naming.on(day("2000-01-01")).0, "Old Office");
        assert!(super::naming(&[renamed(2, "2021", "X", None)]).is_none());
    }
}
