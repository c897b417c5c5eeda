//! `diff`: the landscapes on two days compared (`crate::diff`), from the periods that change
//! between them when the head's knowledge is asked for, else from replays; with the terms
//! served and memberships held wholly in between, which neither day shows.

use std::collections::HashSet;

use super::knowledge::is_materialised;
use super::state::{Assembly, name_entities};
use super::{Knowledge, replay, state_at};
use crate::date::Day;
use crate::diff::{Diff, add_in_between, compare_landscapes, in_between};
use crate::error::Result;
use crate::event::Envelope;
use crate::event::Event;
use crate::projection::periods::day_number;
use crate::projection::{HeadRef, Landscape, Section};
use crate::store::{FactAt, Store};

/// What `diff` prints and `serve` returns: the log (as known at `knowledge`) compared at
/// two days, stamped with the head it was read at.
pub fn diff_at(
    store: &Store,
    from: Day,
    to: Day,
    knowledge: Knowledge,
    only: Option<Section>,
) -> Result<Diff> {
    store.read(|| diff_read(store, from, to, knowledge, only))
}

fn diff_read(
    store: &Store,
    from: Day,
    to: Day,
    knowledge: Knowledge,
    only: Option<Section>,
) -> Result<Diff> {
    let mut within = facts_within(store, knowledge, from, to)?;
    let (a, b) = states_for_diff(store, from, to, knowledge, &mut within)?;
    // What is needed of the two landscapes besides their comparison, taken first: the
    // comparison consumes them, section by section.
    let added = in_between(&within.facts, &a, &b);
    drop(within);
    // What no entity names but an entry of either day titles (a meeting a statistic is
    // about): its title, the later day's first.
    let titles: Vec<(String, String)> = [&b, &a]
        .into_iter()
        .flat_map(|land| {
            land.meetings
                .iter()
                .map(|m| (&m.meeting, &m.title))
                .chain(land.calls.iter().map(|c| (&c.call, &c.title)))
                .chain(land.publications.iter().map(|p| (&p.publication, &p.title)))
        })
        .map(|(id, title)| (id.clone(), title.clone()))
        .collect();
    let mut d = compare_landscapes(a, b, only);
    add_in_between(&mut d, added);
    // Every entity named as the later day calls it (a rename between the two days shows
    // under the new name), whichever day's entries mention it.
    let mut ids: Vec<String> = d
        .sections
        .iter()
        .flat_map(|s| &s.changes)
        .flat_map(|c| {
            c.subject
                .split(" / ")
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|id| id.contains(':'))
        .chain(d.names.keys().cloned())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    for n in store.entity_names_on(&ids, day_number(to))? {
        d.names.insert(n.id, n.acronym.unwrap_or(n.name));
    }
    for (id, title) in titles {
        d.names.entry(id).or_insert(title);
    }
    d.known_at = knowledge.known_at;
    Ok(d)
}

/// The landscapes on `from` and on `to`, for comparing them: whole, or with the head's
/// knowledge only the entries of the keys that change between the two days (the others
/// are the same on both and compare equal) and of the keys the `within` facts belong to,
/// without the quotes and sources they cite (a diff names its evidence by event id).
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
    let (a, b) = (day_number(from), day_number(to));
    // A changing period shows on exactly one of the two days; the unchanged keys' entries
    // (below) show on both. `Landscape::finish` puts each day's entries in order.
    let (mut on_a, mut on_b) = (
        Assembly::without_evidence(from),
        Assembly::without_evidence(to),
    );
    let mut changed: HashSet<i64> = HashSet::new();
    let mut held: HashSet<i64> = HashSet::new();
    store.each_entry_changing(a, b, |e| {
        changed.insert(e.key_id);
        if holds_something(&e) {
            held.insert(e.key_id);
        }
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
    let shown: HashSet<i64> = held
        .into_iter()
        .chain(same.iter().filter(|e| holds_something(e)).map(|e| e.key_id))
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
    for (land, day) in [(&mut lands.0, from), (&mut lands.1, to)] {
        name_entities(store, land, day)?;
        land.log_head = HeadRef {
            seq: head.seq,
            hash: head.hash.clone(),
        };
    }
    Ok(lands)
}

/// Whether a key's entry shows it held (a membership, a role, ...), not only a term
/// endorsed that has not begun: a term of it served in between is then not shown.
fn holds_something(e: &crate::store::KeyEntry) -> bool {
    !matches!(e.entry, crate::projection::Entry::Endorsed(_, None, _))
}

/// Role assignments and membership departures lying wholly after `from` and on or
/// before `to` (what `diff` reports as served or held in between).
pub struct InBetween {
    /// Replayed, every such fact; from the materialised facts, those `states_for_diff`
    /// found of keys shown on neither day.
    pub facts: Vec<Envelope>,
    /// Where each such fact is stored, when read from the materialised facts: known
    /// without reading or decoding their events.
    keyed: Vec<FactAt>,
}

pub fn facts_within(store: &Store, knowledge: Knowledge, from: Day, to: Day) -> Result<InBetween> {
    if is_materialised(store, knowledge)? {
        let keyed = store.facts_within(day_number(from), day_number(to))?;
        return Ok(InBetween {
            facts: Vec::new(),
            keyed,
        });
    }
    let within = |f: &&Envelope| {
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
