//! A role key's entry on a day: the terms held then (known terms and attested roles,
//! decision 0006) and the terms endorsed before they began (`decided`). Part of the
//! per-key step (`entry.rs`).

use super::attested::{attestation, attested_at};
use super::landscape::{Endorsement, Entry, Role};
use crate::date::{Certainty, Day, ValidTime};
use crate::event::{Envelope, Event};

/// Whether a known term of the role key (a `role.assigned` not attested, with a dated
/// end on or after the attestation's first day) has certainly ended by `day`: a source
/// attesting the role then attests that term, which the log knows to have ended.
fn ended_with_a_known_term(facts: &[&Envelope], attested: &Envelope, day: Day) -> bool {
    let Some(attested_from) = attested.valid.from() else {
        return false;
    };
    facts.iter().any(|t| match &t.event {
        Event::RoleAssigned(r) if !r.attested => t
            .valid
            .term_end()
            .is_some_and(|end| end >= attested_from && end < day),
        _ => false,
    })
}

pub(super) fn role(facts: &[&Envelope], day: Day) -> Option<Entry> {
    let group = match facts.first().map(|f| &f.event) {
        Some(Event::RoleAssigned(r)) => r.group.to_string(),
        Some(Event::RoleEnded(r)) => r.group.to_string(),
        _ => return None,
    };
    let mut held: Vec<(&Envelope, Certainty)> = Vec::new();
    let mut endorsed: Vec<Endorsement> = Vec::new();
    for (i, f) in facts.iter().enumerate() {
        let Event::RoleAssigned(r) = &f.event else {
            continue;
        };
        let in_role = if r.attested {
            if ended_with_a_known_term(facts, f, day) {
                continue;
            }
            attested_at(f, day)
        } else {
            f.valid.in_term(day)
        };
        let Some(mut certainty) = in_role else {
            endorse(&mut endorsed, f, day);
            continue;
        };
        let ended = facts[i + 1..]
            .iter()
            .filter(|e| matches!(e.event, Event::RoleEnded(_)))
            .filter_map(|e| e.valid.occurred_by(day))
            .max();
        match ended {
            Some(Certainty::Certain) => continue,
            Some(_) => certainty = Certainty::Possible,
            None => {}
        }
        held.push((f, certainty));
    }
    let role = held_role(facts, &held, day);
    match (role, endorsed.is_empty()) {
        (None, true) => None,
        (Some(role), true) => Some(Entry::Role(group, role)),
        (role, false) => Some(Entry::Endorsed(group, role, endorsed)),
    }
}

/// The role an entry shows from the assignments that hold on `day` (each with its
/// certainty): every one cited, the term of the surest one that starts earliest (a known
/// term before an attestation as sure), attested when the surest support is an
/// attestation.
fn held_role(facts: &[&Envelope], held: &[(&Envelope, Certainty)], day: Day) -> Option<Role> {
    let (best, certainty) = held
        .iter()
        .max_by_key(|(f, c)| {
            (
                *c,
                !f.event.is_attested(),
                std::cmp::Reverse((f.valid.from(), f.seq)),
            )
        })
        .copied()?;
    let Event::RoleAssigned(r) = &best.event else {
        return None;
    };
    let representative = held.iter().rev().find_map(|(f, _)| match &f.event {
        Event::RoleAssigned(r) => r.representative.as_ref().map(|p| p.to_string()),
        _ => None,
    });
    let attested: Vec<&Envelope> = held
        .iter()
        .filter(|(f, _)| f.event.is_attested())
        .map(|(f, _)| *f)
        .collect();
    let (term, attestation) = if r.attested {
        let again = |f: &Envelope| match &f.event {
            Event::RoleAssigned(a) => a.attested.then_some(true),
            Event::RoleEnded(_) => Some(false),
            _ => None,
        };
        (
            attested[0].valid.as_str().to_owned(),
            Some(attestation(attested[attested.len() - 1], facts, day, again)),
        )
    } else {
        (best.valid.as_str().to_owned(), None)
    };
    Some(Role {
        role: r.role.clone(),
        holder: r.holder.to_string(),
        term,
        representative,
        certainty,
        evidence: held.iter().map(|(f, _)| f.id.clone()).collect(),
        decided: r.decided.clone(),
        attestation,
    })
}

/// Notes a term endorsed or announced (`decided`) by `day` that has not begun on it.
fn endorse(endorsed: &mut Vec<Endorsement>, f: &Envelope, day: Day) {
    let Event::RoleAssigned(r) = &f.event else {
        return;
    };
    let Some(decided) = &r.decided else {
        return;
    };
    if f.valid.from().is_none_or(|start| day >= start) {
        return;
    }
    let Some(certainty) = ValidTime::parse(decided)
        .ok()
        .and_then(|d| d.occurred_by(day))
    else {
        return;
    };
    let term = f.valid.as_str();
    match endorsed
        .iter_mut()
        .find(|e| e.term == term && &e.decided == decided)
    {
        // Another source of the same endorsement.
        Some(e) => {
            e.certainty = e.certainty.max(certainty);
            e.evidence.push(f.id.clone());
        }
        None => endorsed.push(Endorsement {
            role: r.role.clone(),
            holder: r.holder.to_string(),
            term: term.to_owned(),
            decided: decided.clone(),
            representative: r.representative.as_ref().map(|p| p.to_string()),
            certainty,
            evidence: vec![f.id.clone()],
        }),
    }
}
