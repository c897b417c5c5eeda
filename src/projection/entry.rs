//! One fold key's entry on a day: the per-key step of `Fold::at`, which gathers the
//! entries into a landscape; `periods.rs` runs the same step on the days a key can
//! change to store its periods. One implementation for both, so they cannot drift.

use serde_json::{Value, json};

use super::Section;
use super::landscape::{
    Call, Claim, Commitment, Entry, Instrument, Meeting, Member, Publication, Representation, Role,
    Statistic,
};
use crate::date::{Certainty, Day};
use crate::event::{Envelope, Event};

/// What the key of `section` shows on `day`, from its facts in (valid from, seq) order.
pub fn entry_at(section: Section, facts: &[&Envelope], day: Day) -> Option<Entry> {
    let occurred = || -> Vec<&Envelope> {
        facts
            .iter()
            .copied()
            .filter(|f| f.valid.occurred_by(day).is_some())
            .collect()
    };
    match section {
        Section::Members => membership(facts, day),
        Section::Roles => role(facts, day),
        Section::Representatives => representation(&occurred(), day).map(Entry::Representative),
        Section::Calls => call(&occurred(), day).map(Entry::Call),
        Section::Commitments => commitment(&occurred(), day).map(Entry::Commitment),
        Section::Instruments => instrument(&occurred(), day).map(Entry::Instrument),
        Section::Statistics => statistic(&occurred(), day).map(Entry::Statistic),
        Section::Meetings => meeting(&occurred(), day).map(Entry::Meeting),
        Section::Publications => publication(&occurred(), day).map(Entry::Publication),
    }
}

fn ids(facts: &[&Envelope]) -> Vec<String> {
    facts.iter().map(|f| f.id.clone()).collect()
}

fn weakest(facts: &[&Envelope], day: Day) -> Certainty {
    facts
        .iter()
        .filter_map(|f| f.valid.occurred_by(day))
        .max()
        .unwrap_or(Certainty::Possible)
}

/// Two dated claims disagree when their spans cannot both be right.
fn disjoint(a: &Envelope, b: &Envelope) -> bool {
    let (a0, a1) = (
        a.valid.from().unwrap_or(Day::MIN),
        a.valid.to().unwrap_or(Day::MAX),
    );
    let (b0, b1) = (
        b.valid.from().unwrap_or(Day::MIN),
        b.valid.to().unwrap_or(Day::MAX),
    );
    a1 < b0 || b1 < a0
}

/// Claims listed when any two of them disagree by `differ`.
fn conflicts(
    facts: &[&Envelope],
    differ: impl Fn(&Envelope, &Envelope) -> bool,
    value: impl Fn(&Envelope) -> Value,
) -> Vec<Claim> {
    let any = facts
        .iter()
        .enumerate()
        .any(|(i, a)| facts[i + 1..].iter().any(|b| differ(a, b)));
    if !any {
        return vec![];
    }
    facts
        .iter()
        .map(|f| Claim {
            event: f.id.clone(),
            source: f.source.clone(),
            value: value(f),
        })
        .collect()
}

fn membership(facts: &[&Envelope], day: Day) -> Option<Entry> {
    let Some(Event::MembershipJoined(m) | Event::MembershipLeft(m)) =
        facts.first().map(|f| &f.event)
    else {
        return None;
    };
    // Walk the joins and departures that have (possibly) happened by `day`, in valid order.
    let mut joins: Vec<&Envelope> = Vec::new();
    let mut evidence: Vec<&Envelope> = Vec::new();
    let mut certainty = Certainty::Possible;
    for f in facts {
        let Some(c) = f.valid.occurred_by(day) else {
            continue;
        };
        match f.event {
            Event::MembershipJoined(_) => {
                if joins.is_empty() {
                    certainty = c;
                } else {
                    certainty = certainty.max(c);
                }
                joins.push(f);
                evidence.push(f);
            }
            _ if c == Certainty::Certain => {
                joins.clear();
                evidence.clear();
            }
            _ if !joins.is_empty() => {
                // Possibly left: possibly still a member.
                certainty = Certainty::Possible;
                evidence.push(f);
            }
            _ => {}
        }
    }
    let first = joins.first()?;
    let conflict = conflicts(&joins, disjoint, |f| json!({"since": f.valid.as_str()}));
    Some(Entry::Member(
        m.group.to_string(),
        Member {
            member: m.member.to_string(),
            since: first.valid.as_str().to_owned(),
            certainty,
            evidence: ids(&evidence),
            conflict,
        },
    ))
}

fn role(facts: &[&Envelope], day: Day) -> Option<Entry> {
    let mut held: Vec<(&Envelope, Certainty)> = Vec::new();
    for (i, f) in facts.iter().enumerate() {
        let Event::RoleAssigned(_) = f.event else {
            continue;
        };
        let Some(mut certainty) = f.valid.in_term(day) else {
            continue;
        };
        let ended = facts[i + 1..]
            .iter()
            .filter(|e| matches!(e.event, Event::RoleEnded(_)))
            .filter_map(|e| e.valid.occurred_by(day))
            .max();
        match ended {
            Some(Certainty::Certain) => continue,
            Some(Certainty::Possible) => certainty = Certainty::Possible,
            None => {}
        }
        held.push((f, certainty));
    }
    // Cite every attestation; show the term of the surest one that starts earliest.
    let (best, certainty) = held
        .iter()
        .max_by_key(|(f, c)| (*c, std::cmp::Reverse((f.valid.from(), f.seq))))
        .copied()?;
    let Event::RoleAssigned(r) = &best.event else {
        return None;
    };
    let representative = held.iter().rev().find_map(|(f, _)| match &f.event {
        Event::RoleAssigned(r) => r.representative.as_ref().map(|p| p.to_string()),
        _ => None,
    });
    Some(Entry::Role(
        r.group.to_string(),
        Role {
            role: r.role.clone(),
            holder: r.holder.to_string(),
            term: best.valid.as_str().to_owned(),
            representative,
            certainty,
            evidence: held.iter().map(|(f, _)| f.id.clone()).collect(),
        },
    ))
}

fn representation(facts: &[&Envelope], day: Day) -> Option<Representation> {
    let last = facts.last()?;
    let Event::PersonRepresents(p) = &last.event else {
        return None;
    };
    Some(Representation {
        person: p.person.to_string(),
        org: p.org.to_string(),
        title: p.title.clone(),
        attested: last.valid.as_str().to_owned(),
        certainty: weakest(facts, day),
        evidence: ids(facts),
    })
}

fn call(facts: &[&Envelope], day: Day) -> Option<Call> {
    let calls: Vec<_> = facts
        .iter()
        .filter_map(|f| match &f.event {
            Event::CallIssued(c) => Some(c),
            _ => None,
        })
        .collect();
    let first = calls.first()?;
    let mut merged = Call {
        call: first.call.to_string(),
        title: first.title.clone(),
        issuers: vec![],
        addressees: vec![],
        action_count: calls.iter().find_map(|c| c.action_count),
        actions: vec![],
        target: calls.iter().find_map(|c| c.target.clone()),
        issued: facts[0].valid.as_str().to_owned(),
        certainty: weakest(facts, day),
        evidence: ids(facts),
        conflict: vec![],
    };
    for c in &calls {
        extend_unique(&mut merged.issuers, c.issuers.iter().map(|i| i.to_string()));
        extend_unique(&mut merged.addressees, c.addressees.iter().cloned());
        extend_unique(&mut merged.actions, c.actions.iter().cloned());
    }
    let field = |f: &Envelope| match &f.event {
        Event::CallIssued(c) => (c.action_count, c.target.clone()),
        _ => (None, None),
    };
    let differ = |a: &Envelope, b: &Envelope| {
        let ((ca, ta), (cb, tb)) = (field(a), field(b));
        disjoint(a, b)
            || matches!((ca, cb), (Some(x), Some(y)) if x != y)
            || matches!((ta, tb), (Some(x), Some(y)) if x != y)
    };
    merged.conflict = conflicts(facts, differ, |f| {
        let (count, target) = field(f);
        json!({"issued": f.valid.as_str(), "action_count": count, "target": target})
    });
    Some(merged)
}

fn commitment(occurred: &[&Envelope], day: Day) -> Option<Commitment> {
    let last = occurred.last()?;
    let revision = occurred
        .iter()
        .filter(|f| matches!(f.event, Event::CommitmentSet(_)))
        .count();
    match &last.event {
        Event::CommitmentSet(c) => Some(Commitment {
            commitment: c.commitment.to_string(),
            owner: c.owner.to_string(),
            title: c.title.clone(),
            items: c.items.clone(),
            since: last.valid.as_str().to_owned(),
            revision,
            certainty: weakest(&[last], day),
            evidence: vec![last.id.clone()],
        }),
        // Possibly withdrawn: the previous version possibly still stands.
        Event::CommitmentWithdrawn(_)
            if last.valid.occurred_by(day) == Some(Certainty::Possible) =>
        {
            let prev = occurred
                .iter()
                .rev()
                .find(|f| matches!(f.event, Event::CommitmentSet(_)))?;
            let Event::CommitmentSet(c) = &prev.event else {
                return None;
            };
            Some(Commitment {
                commitment: c.commitment.to_string(),
                owner: c.owner.to_string(),
                title: c.title.clone(),
                items: c.items.clone(),
                since: prev.valid.as_str().to_owned(),
                revision: revision.max(1),
                certainty: Certainty::Possible,
                evidence: vec![prev.id.clone(), last.id.clone()],
            })
        }
        _ => None,
    }
}

fn instrument(occurred: &[&Envelope], day: Day) -> Option<Instrument> {
    let last = occurred.last()?;
    let Event::InstrumentStatus(s) = &last.event else {
        return None;
    };
    let same_date: Vec<&Envelope> = occurred
        .iter()
        .copied()
        .filter(|f| f.valid == last.valid)
        .collect();
    let status_of = |f: &Envelope| match &f.event {
        Event::InstrumentStatus(s) => s.status.as_str(),
        _ => "",
    };
    Some(Instrument {
        instrument: s.instrument.to_string(),
        status: s.status.as_str().to_owned(),
        note: s.note.clone(),
        since: last.valid.as_str().to_owned(),
        certainty: weakest(&[last], day),
        evidence: ids(&same_date),
        conflict: conflicts(
            &same_date,
            |a, b| status_of(a) != status_of(b),
            |f| json!({"status": status_of(f)}),
        ),
    })
}

fn statistic(occurred: &[&Envelope], day: Day) -> Option<Statistic> {
    let last = occurred.last()?;
    let Event::StatisticReported(s) = &last.event else {
        return None;
    };
    let about_same = |f: &&Envelope| match &f.event {
        Event::StatisticReported(o) => o.period == s.period && o.scope == s.scope,
        _ => false,
    };
    let same: Vec<&Envelope> = occurred.iter().copied().filter(about_same).collect();
    let value_of = |f: &Envelope| match &f.event {
        Event::StatisticReported(o) => {
            json!({"value": o.value, "qualifier": o.qualifier, "unit": o.unit})
        }
        _ => Value::Null,
    };
    Some(Statistic {
        indicator: s.indicator.to_string(),
        label: s.label.clone(),
        value: s.value.clone(),
        qualifier: s.qualifier.clone(),
        unit: s.unit.clone(),
        period: s.period.clone(),
        scope: s.scope.clone(),
        reported_by: s.reported_by.as_ref().map(|r| r.to_string()),
        reported: last.valid.as_str().to_owned(),
        certainty: weakest(&[last], day),
        evidence: ids(&same),
        conflict: conflicts(&same, |a, b| value_of(a) != value_of(b), value_of),
    })
}

fn meeting(facts: &[&Envelope], day: Day) -> Option<Meeting> {
    let first = facts.first()?;
    let Event::MeetingHeld(m) = &first.event else {
        return None;
    };
    let mut merged = Meeting {
        meeting: m.meeting.to_string(),
        title: m.title.clone(),
        organisers: vec![],
        participants: vec![],
        place: facts.iter().find_map(|f| match &f.event {
            Event::MeetingHeld(m) => m.place.clone(),
            _ => None,
        }),
        held: first.valid.as_str().to_owned(),
        certainty: weakest(facts, day),
        evidence: ids(facts),
        conflict: conflicts(facts, disjoint, |f| json!({"held": f.valid.as_str()})),
    };
    for f in facts {
        if let Event::MeetingHeld(m) = &f.event {
            extend_unique(
                &mut merged.organisers,
                m.organisers.iter().map(|i| i.to_string()),
            );
            extend_unique(
                &mut merged.participants,
                m.participants.iter().map(|i| i.to_string()),
            );
        }
    }
    Some(merged)
}

fn publication(facts: &[&Envelope], day: Day) -> Option<Publication> {
    let first = facts.first()?;
    let Event::PublicationReleased(p) = &first.event else {
        return None;
    };
    Some(Publication {
        publication: p.publication.to_string(),
        title: p.title.clone(),
        publisher: p.publisher.to_string(),
        released: first.valid.as_str().to_owned(),
        certainty: weakest(facts, day),
        evidence: ids(facts),
        conflict: conflicts(facts, disjoint, |f| json!({"released": f.valid.as_str()})),
    })
}

fn extend_unique(list: &mut Vec<String>, items: impl Iterator<Item = String>) {
    for item in items {
        if !list.contains(&item) {
            list.push(item);
        }
    }
}
