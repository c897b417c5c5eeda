//! One fold key's entry on a day: the per-key step of `Fold::at`, which gathers the
//! entries into a landscape; `periods.rs` runs the same step on the days a key can
//! change to store its periods. One implementation for both, so they cannot drift.

use serde_json::{Value, json};

use super::Section;
use super::attested::{attestation, occurred_at, surest};
use super::landscape::{
    Call, Claim, Commitment, Entry, Instrument, Meeting, Member, Publication, Representation,
    Statistic,
};
use crate::date::{Certainty, Day};
use crate::event::{CommitmentSet, Envelope, Event};

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
        Section::Roles => super::roles::role(facts, day),
        Section::Representatives => representation(&occurred(), day).map(Entry::Representative),
        Section::Calls => call(&occurred(), day).map(Entry::Call),
        Section::Commitments => commitment(facts, day).map(Entry::Commitment),
        Section::Instruments => instrument(facts, day).map(Entry::Instrument),
        Section::Statistics => statistic(&occurred(), day).map(Entry::Statistic),
        Section::Meetings => meeting(&occurred(), day).map(Entry::Meeting),
        Section::Publications => publication(facts, day).map(Entry::Publication),
    }
}

fn ids(facts: &[&Envelope]) -> Vec<String> {
    facts.iter().map(|f| f.id.clone()).collect()
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
        let Some(c) = occurred_at(f, day) else {
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
    // Joins dated apart disagree; attestations at other dates do not (each says only
    // that it was a member then).
    let dated: Vec<&Envelope> = joins
        .iter()
        .copied()
        .filter(|f| !f.event.is_attested())
        .collect();
    let conflict = conflicts(&dated, disjoint, |f| json!({"since": f.valid.as_str()}));
    // Resting on attestations alone: no source dates the join.
    let attested = dated.is_empty().then(|| {
        attestation(joins.last().expect("a join"), facts, day, |f| {
            match &f.event {
                Event::MembershipJoined(j) => j.attested.then_some(true),
                _ => Some(false),
            }
        })
    });
    Some(Entry::Member(
        m.group.to_string(),
        Member {
            member: m.member.to_string(),
            since: first.valid.as_str().to_owned(),
            certainty,
            evidence: ids(&evidence),
            conflict,
            attestation: attested,
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
        certainty: surest(facts, day),
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
        certainty: surest(facts, day),
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

/// Whether two versions of a commitment say the same.
fn same_version(a: &CommitmentSet, b: &CommitmentSet) -> bool {
    a.owner == b.owner && a.title == b.title && a.items == b.items
}

fn commitment(facts: &[&Envelope], day: Day) -> Option<Commitment> {
    let occurred: Vec<&Envelope> = facts
        .iter()
        .copied()
        .filter(|f| occurred_at(f, day).is_some())
        .collect();
    // Each version with the facts behind it: a set, then any attestations of the same
    // items (an attested set saying what stands is no revision).
    let mut versions: Vec<Vec<&Envelope>> = Vec::new();
    let mut withdrawn = false;
    for f in &occurred {
        match &f.event {
            Event::CommitmentSet(c) => {
                let standing = versions.last_mut().filter(|v| {
                    !withdrawn
                        && matches!(&v[0].event, Event::CommitmentSet(first) if same_version(first, c))
                });
                match standing {
                    Some(version) if c.attested => version.push(f),
                    _ => versions.push(vec![f]),
                }
                withdrawn = false;
            }
            Event::CommitmentWithdrawn(_) => withdrawn = true,
            _ => {}
        }
    }
    let last = occurred.last()?;
    let version = versions.last()?;
    let revision = versions.len();
    let Event::CommitmentSet(c) = &version[0].event else {
        return None;
    };
    let mut entry = Commitment {
        commitment: c.commitment.to_string(),
        owner: c.owner.to_string(),
        title: c.title.clone(),
        items: c.items.clone(),
        since: version[0].valid.as_str().to_owned(),
        revision,
        certainty: version
            .iter()
            .filter_map(|f| occurred_at(f, day))
            .max()
            .unwrap_or(Certainty::Possible),
        evidence: ids(version),
        attestation: c.attested.then(|| {
            attestation(version[version.len() - 1], facts, day, |f| match &f.event {
                Event::CommitmentSet(next) => Some(next.attested && same_version(c, next)),
                Event::CommitmentWithdrawn(_) => Some(false),
                _ => None,
            })
        }),
    };
    match &last.event {
        Event::CommitmentSet(_) => Some(entry),
        // Possibly withdrawn: the version before possibly still stands.
        Event::CommitmentWithdrawn(_)
            if last.valid.occurred_by(day) == Some(Certainty::Possible) =>
        {
            entry.certainty = Certainty::Possible;
            entry.evidence.push(last.id.clone());
            Some(entry)
        }
        _ => None,
    }
}

fn instrument(facts: &[&Envelope], day: Day) -> Option<Instrument> {
    let occurred: Vec<&Envelope> = facts
        .iter()
        .copied()
        .filter(|f| occurred_at(f, day).is_some())
        .collect();
    let last = occurred.last()?;
    let Event::InstrumentStatus(s) = &last.event else {
        return None;
    };
    let status_of = |f: &Envelope| match &f.event {
        Event::InstrumentStatus(s) => s.status.as_str(),
        _ => "",
    };
    // The standing status from its first report: a status attested again is the same
    // status, not a new one.
    let mut first = occurred.len() - 1;
    while first > 0
        && occurred[first].event.is_attested()
        && status_of(occurred[first - 1]) == s.status.as_str()
    {
        first -= 1;
    }
    let run = &occurred[first..];
    let same_date: Vec<&Envelope> = occurred
        .iter()
        .copied()
        .filter(|f| f.valid == last.valid)
        .collect();
    // The standing status's reports and any other of the same date, in valid order.
    let evidence: Vec<String> = occurred
        .iter()
        .enumerate()
        .filter(|(i, f)| *i >= first || f.valid == last.valid)
        .map(|(_, f)| f.id.clone())
        .collect();
    let latest = |field: fn(&crate::event::InstrumentStatus) -> Option<&String>| {
        occurred.iter().rev().find_map(|f| match &f.event {
            Event::InstrumentStatus(s) => field(s).cloned(),
            _ => None,
        })
    };
    let mut amends = Vec::new();
    for f in &occurred {
        if let Event::InstrumentStatus(s) = &f.event {
            extend_unique(&mut amends, s.amends.iter().map(|a| a.to_string()));
        }
    }
    Some(Instrument {
        instrument: s.instrument.to_string(),
        status: s.status.as_str().to_owned(),
        note: s.note.clone(),
        since: run[0].valid.as_str().to_owned(),
        certainty: run
            .iter()
            .filter_map(|f| occurred_at(f, day))
            .max()
            .unwrap_or(Certainty::Possible),
        evidence,
        conflict: conflicts(
            &same_date,
            |a, b| status_of(a) != status_of(b),
            |f| json!({"status": status_of(f)}),
        ),
        published_in: latest(|s| s.published_in.as_ref()),
        amends,
        amended_by: vec![],
        transposition_deadline: latest(|s| s.transposition_deadline.as_ref()),
        attestation: run[0].event.is_attested().then(|| {
            attestation(run[run.len() - 1], facts, day, |f| match &f.event {
                Event::InstrumentStatus(next) => Some(next.attested && next.status == s.status),
                _ => None,
            })
        }),
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
        subject: s.subject.as_ref().map(|r| r.to_string()),
        reported: last.valid.as_str().to_owned(),
        certainty: surest(&[last], day),
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
        certainty: surest(facts, day),
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
    let occurred: Vec<&Envelope> = facts
        .iter()
        .copied()
        .filter(|f| f.valid.occurred_by(day).is_some())
        .collect();
    let first = occurred.first()?;
    let Event::PublicationReleased(p) = &first.event else {
        return None;
    };
    // Releases dated apart disagree; a source saying it exists by a date does not.
    let dated: Vec<&Envelope> = occurred
        .iter()
        .copied()
        .filter(|f| !f.event.is_attested())
        .collect();
    Some(Publication {
        publication: p.publication.to_string(),
        title: p.title.clone(),
        publisher: p.publisher.to_string(),
        released: first.valid.as_str().to_owned(),
        certainty: surest(&occurred, day),
        evidence: ids(&occurred),
        conflict: conflicts(&dated, disjoint, |f| json!({"released": f.valid.as_str()})),
        attestation: dated.is_empty().then(|| {
            attestation(occurred[occurred.len() - 1], facts, day, |f| {
                Some(f.event.is_attested())
            })
        }),
    })
}

fn extend_unique(list: &mut Vec<String>, items: impl Iterator<Item = String>) {
    for item in items {
        if !list.contains(&item) {
            list.push(item);
        }
    }
}
