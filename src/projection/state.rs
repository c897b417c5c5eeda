//! The landscape as of a day: the query over a `Timeline`. Its JSON form is a contract
//! (docs/json-contract.md): add fields, never rename or remove them.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Fact, Timeline};
use crate::date::{Certainty, Day, day_string};
use crate::event::Event;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Landscape {
    pub as_of: String,
    /// The seq the state was read at (`--known-at`); `null` means the whole log.
    pub known_at: Option<i64>,
    /// Only events from documents published by this day (`--reported-by`).
    pub reported_by: Option<String>,
    pub log_head: HeadRef,
    pub entities: BTreeMap<String, EntityEntry>,
    pub groups: BTreeMap<String, Group>,
    pub representatives: Vec<Representation>,
    pub calls: Vec<Call>,
    pub commitments: Vec<Commitment>,
    pub instruments: Vec<Instrument>,
    pub statistics: Vec<Statistic>,
    pub meetings: Vec<Meeting>,
    pub publications: Vec<Publication>,
    /// Every event cited above: its source document and quote.
    pub evidence: BTreeMap<String, Evidence>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HeadRef {
    pub seq: i64,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityEntry {
    #[serde(rename = "type")]
    pub entity_type: String,
    pub name: String,
    pub acronym: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Group {
    pub members: Vec<Member>,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub member: String,
    /// When it joined, as the source says it (EDTF).
    pub since: String,
    pub certainty: Certainty,
    pub evidence: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflict: Vec<Claim>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub role: String,
    pub holder: String,
    /// The term (EDTF): `2023`, `2019/2020`, `2020-12/..`.
    pub term: String,
    pub representative: Option<String>,
    pub certainty: Certainty,
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Representation {
    pub person: String,
    pub org: String,
    pub title: Option<String>,
    pub attested: String,
    pub certainty: Certainty,
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub call: String,
    pub title: String,
    pub issuers: Vec<String>,
    pub addressees: Vec<String>,
    pub action_count: Option<u32>,
    pub actions: Vec<String>,
    pub target: Option<String>,
    pub issued: String,
    pub certainty: Certainty,
    pub evidence: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflict: Vec<Claim>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Commitment {
    pub commitment: String,
    pub owner: String,
    pub title: String,
    pub items: Vec<String>,
    /// When this version was set (EDTF).
    pub since: String,
    /// 1 for the first version, 2 after one revision, ...
    pub revision: usize,
    pub certainty: Certainty,
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instrument {
    pub instrument: String,
    pub status: String,
    pub note: Option<String>,
    pub since: String,
    pub certainty: Certainty,
    pub evidence: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflict: Vec<Claim>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statistic {
    pub indicator: String,
    pub label: String,
    pub value: serde_json::Number,
    /// `approximately`, `at least`, `more than`, `up to`, ... as the source words it.
    pub qualifier: Option<String>,
    pub unit: String,
    pub period: String,
    pub scope: Option<String>,
    pub reported_by: Option<String>,
    pub reported: String,
    pub certainty: Certainty,
    pub evidence: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflict: Vec<Claim>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    pub meeting: String,
    pub title: String,
    pub organisers: Vec<String>,
    pub participants: Vec<String>,
    pub place: Option<String>,
    pub held: String,
    pub certainty: Certainty,
    pub evidence: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflict: Vec<Claim>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Publication {
    pub publication: String,
    pub title: String,
    pub publisher: String,
    pub released: String,
    pub certainty: Certainty,
    pub evidence: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflict: Vec<Claim>,
}

/// One source's version of a fact that sources disagree on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub event: String,
    pub source: Option<String>,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub kind: String,
    pub valid: String,
    pub source: Option<String>,
    pub quote: Option<String>,
}

impl Timeline {
    /// The landscape as of `day`, as far as this timeline knows, with the names of the
    /// entities it mentions.
    pub fn at(&self, day: Day) -> Landscape {
        let mut land = self.at_unnamed(day);
        for id in land.mentioned_ids() {
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
        let mut by_key: BTreeMap<(u8, String), Vec<&Fact>> = BTreeMap::new();
        for fact in self.facts() {
            if let Some(key) = section_key(&fact.event) {
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

/// What one fold key shows on a day: a membership pair's member, a role holder's role, a
/// call, ... Stored as JSON for each period in which it stays the same (`key_periods`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Entry {
    Member(String, Member),
    Role(String, Role),
    Representative(Representation),
    Call(Call),
    Commitment(Commitment),
    Instrument(Instrument),
    Statistic(Statistic),
    Meeting(Meeting),
    Publication(Publication),
}

impl Entry {
    /// The event ids this entry cites as evidence or as conflicting claims.
    pub fn cited_ids(&self) -> Vec<&str> {
        let (evidence, conflict): (&[String], &[Claim]) = match self {
            Entry::Member(_, m) => (&m.evidence, &m.conflict),
            Entry::Role(_, r) => (&r.evidence, &[]),
            Entry::Representative(r) => (&r.evidence, &[]),
            Entry::Call(c) => (&c.evidence, &c.conflict),
            Entry::Commitment(c) => (&c.evidence, &[]),
            Entry::Instrument(i) => (&i.evidence, &i.conflict),
            Entry::Statistic(s) => (&s.evidence, &s.conflict),
            Entry::Meeting(m) => (&m.evidence, &m.conflict),
            Entry::Publication(p) => (&p.evidence, &p.conflict),
        };
        let mut ids: Vec<&str> = evidence.iter().map(String::as_str).collect();
        ids.extend(conflict.iter().map(|c| c.event.as_str()));
        ids
    }
}

/// What the key of `section` shows on `day`, from its facts in (valid from, seq) order.
pub fn entry_at(section: u8, facts: &[&Fact], day: Day) -> Option<Entry> {
    let occurred = || -> Vec<&Fact> {
        facts
            .iter()
            .copied()
            .filter(|f| f.valid.occurred_by(day).is_some())
            .collect()
    };
    match section {
        0 => membership(facts, day),
        1 => role(facts, day),
        2 => representation(&occurred(), day).map(Entry::Representative),
        3 => call(&occurred(), day).map(Entry::Call),
        4 => commitment(&occurred(), day).map(Entry::Commitment),
        5 => instrument(&occurred(), day).map(Entry::Instrument),
        6 => statistic(&occurred(), day).map(Entry::Statistic),
        7 => meeting(&occurred(), day).map(Entry::Meeting),
        _ => publication(&occurred(), day).map(Entry::Publication),
    }
}

impl Landscape {
    /// Adds one key's entry, in any order: `finish` puts them in order.
    pub fn push(&mut self, entry: Entry) {
        match entry {
            Entry::Member(g, m) => self.groups.entry(g).or_default().members.push(m),
            Entry::Role(g, r) => self.groups.entry(g).or_default().roles.push(r),
            Entry::Representative(r) => self.representatives.push(r),
            Entry::Call(c) => self.calls.push(c),
            Entry::Commitment(c) => self.commitments.push(c),
            Entry::Instrument(i) => self.instruments.push(i),
            Entry::Statistic(s) => self.statistics.push(s),
            Entry::Meeting(m) => self.meetings.push(m),
            Entry::Publication(p) => self.publications.push(p),
        }
    }

    /// Puts the entries in order once every entry is in: by what identifies them (the
    /// fold key's order), dated lists by date.
    pub fn finish(&mut self) {
        self.groups
            .retain(|_, g| !g.members.is_empty() || !g.roles.is_empty());
        for g in self.groups.values_mut() {
            g.members.sort_by(|a, b| a.member.cmp(&b.member));
            g.roles
                .sort_by(|a, b| (&a.role, &a.holder).cmp(&(&b.role, &b.holder)));
        }
        let title = |r: &Representation| r.title.clone().unwrap_or_default();
        self.representatives
            .sort_by_cached_key(|r| (r.person.clone(), r.org.clone(), title(r)));
        self.commitments
            .sort_by(|a, b| a.commitment.cmp(&b.commitment));
        self.instruments
            .sort_by(|a, b| a.instrument.cmp(&b.instrument));
        self.statistics
            .sort_by(|a, b| a.indicator.cmp(&b.indicator));
        // Dated lists read in time order (EDTF text sorts chronologically by its year first).
        self.calls
            .sort_by(|a, b| (&a.issued, &a.call).cmp(&(&b.issued, &b.call)));
        self.meetings
            .sort_by(|a, b| (&a.held, &a.meeting).cmp(&(&b.held, &b.meeting)));
        self.publications
            .sort_by(|a, b| (&a.released, &a.publication).cmp(&(&b.released, &b.publication)));
    }

    pub(crate) fn empty(day: Day) -> Landscape {
        Landscape {
            as_of: day_string(day),
            known_at: None,
            reported_by: None,
            log_head: HeadRef::default(),
            entities: BTreeMap::new(),
            groups: BTreeMap::new(),
            representatives: vec![],
            calls: vec![],
            commitments: vec![],
            instruments: vec![],
            statistics: vec![],
            meetings: vec![],
            publications: vec![],
            evidence: BTreeMap::new(),
        }
    }

    fn cited_ids(&self) -> Vec<&str> {
        fn add<'a>(ids: &mut Vec<&'a str>, evidence: &'a [String], conflict: &'a [Claim]) {
            ids.extend(evidence.iter().map(String::as_str));
            ids.extend(conflict.iter().map(|c| c.event.as_str()));
        }
        let mut ids: Vec<&str> = Vec::new();
        for g in self.groups.values() {
            g.members
                .iter()
                .for_each(|m| add(&mut ids, &m.evidence, &m.conflict));
            g.roles.iter().for_each(|r| add(&mut ids, &r.evidence, &[]));
        }
        self.representatives
            .iter()
            .for_each(|r| add(&mut ids, &r.evidence, &[]));
        self.calls
            .iter()
            .for_each(|c| add(&mut ids, &c.evidence, &c.conflict));
        self.commitments
            .iter()
            .for_each(|c| add(&mut ids, &c.evidence, &[]));
        self.instruments
            .iter()
            .for_each(|i| add(&mut ids, &i.evidence, &i.conflict));
        self.statistics
            .iter()
            .for_each(|s| add(&mut ids, &s.evidence, &s.conflict));
        self.meetings
            .iter()
            .for_each(|m| add(&mut ids, &m.evidence, &m.conflict));
        self.publications
            .iter()
            .for_each(|p| add(&mut ids, &p.evidence, &p.conflict));
        ids
    }

    /// Every entity id the entries mention, in order.
    pub fn mentioned_ids(&self) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        let mut add = |id: &str| {
            ids.insert(id.to_owned());
        };
        for (g, group) in &self.groups {
            add(g);
            group.members.iter().for_each(|m| add(&m.member));
            for r in &group.roles {
                add(&r.holder);
                r.representative.iter().for_each(|p| add(p));
            }
        }
        for r in &self.representatives {
            add(&r.person);
            add(&r.org);
        }
        self.calls
            .iter()
            .flat_map(|c| &c.issuers)
            .for_each(|i| add(i));
        self.commitments.iter().for_each(|c| add(&c.owner));
        self.instruments.iter().for_each(|i| add(&i.instrument));
        self.statistics
            .iter()
            .filter_map(|s| s.reported_by.as_deref())
            .for_each(&mut add);
        for m in &self.meetings {
            m.organisers
                .iter()
                .chain(&m.participants)
                .for_each(|i| add(i));
        }
        self.publications.iter().for_each(|p| add(&p.publisher));
        ids
    }

    /// Keeps one group and the entries that involve it.
    pub fn only_group(&mut self, group: &str) {
        self.groups.retain(|id, _| id == group);
        let involves = |ids: &[&String]| ids.iter().any(|i| i.as_str() == group);
        self.calls
            .retain(|c| involves(&c.issuers.iter().collect::<Vec<_>>()));
        self.commitments.retain(|c| c.owner == group);
        self.meetings.retain(|m| {
            involves(
                &m.organisers
                    .iter()
                    .chain(&m.participants)
                    .collect::<Vec<_>>(),
            )
        });
        self.publications.retain(|p| p.publisher == group);
        self.representatives.retain(|r| r.org == group);
        self.statistics
            .retain(|s| s.reported_by.as_deref() == Some(group));
        self.instruments.clear();
        let cited: BTreeSet<String> = self.cited_ids().into_iter().map(str::to_owned).collect();
        self.evidence.retain(|id, _| cited.contains(id));
        let mentioned = self.mentioned_ids();
        self.entities.retain(|id, _| mentioned.contains(id));
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
            && self.calls.is_empty()
            && self.commitments.is_empty()
            && self.instruments.is_empty()
            && self.statistics.is_empty()
            && self.meetings.is_empty()
            && self.publications.is_empty()
    }
}

/// Which section a fact belongs to and the key it is folded under.
pub(super) fn section_key(event: &Event) -> Option<(u8, String)> {
    Some(match event {
        Event::MembershipJoined(m) | Event::MembershipLeft(m) => {
            (0, format!("{}\u{0}{}", m.group, m.member))
        }
        Event::RoleAssigned(r) => (1, format!("{}\u{0}{}\u{0}{}", r.group, r.role, r.holder)),
        Event::RoleEnded(r) => (1, format!("{}\u{0}{}\u{0}{}", r.group, r.role, r.holder)),
        Event::PersonRepresents(p) => (
            2,
            format!(
                "{}\u{0}{}\u{0}{}",
                p.person,
                p.org,
                p.title.as_deref().unwrap_or("")
            ),
        ),
        Event::CallIssued(c) => (3, c.call.to_string()),
        Event::CommitmentSet(c) => (4, c.commitment.to_string()),
        Event::CommitmentWithdrawn(c) => (4, c.commitment.to_string()),
        Event::InstrumentStatus(i) => (5, i.instrument.to_string()),
        Event::StatisticReported(s) => (6, s.indicator.to_string()),
        Event::MeetingHeld(m) => (7, m.meeting.to_string()),
        Event::PublicationReleased(p) => (8, p.publication.to_string()),
        _ => return None,
    })
}

fn ids(facts: &[&Fact]) -> Vec<String> {
    facts.iter().map(|f| f.id.clone()).collect()
}

fn weakest(facts: &[&Fact], day: Day) -> Certainty {
    facts
        .iter()
        .filter_map(|f| f.valid.occurred_by(day))
        .max()
        .unwrap_or(Certainty::Possible)
}

/// Two dated claims disagree when their spans cannot both be right.
fn disjoint(a: &Fact, b: &Fact) -> bool {
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
    facts: &[&Fact],
    differ: impl Fn(&Fact, &Fact) -> bool,
    value: impl Fn(&Fact) -> Value,
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

fn membership(facts: &[&Fact], day: Day) -> Option<Entry> {
    let Some(Event::MembershipJoined(m) | Event::MembershipLeft(m)) =
        facts.first().map(|f| &f.event)
    else {
        return None;
    };
    // Walk the joins and departures that have (possibly) happened by `day`, in valid order.
    let mut joins: Vec<&Fact> = Vec::new();
    let mut evidence: Vec<&Fact> = Vec::new();
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

fn role(facts: &[&Fact], day: Day) -> Option<Entry> {
    let mut held: Vec<(&Fact, Certainty)> = Vec::new();
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

fn representation(facts: &[&Fact], day: Day) -> Option<Representation> {
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

fn call(facts: &[&Fact], day: Day) -> Option<Call> {
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
    let field = |f: &Fact| match &f.event {
        Event::CallIssued(c) => (c.action_count, c.target.clone()),
        _ => (None, None),
    };
    let differ = |a: &Fact, b: &Fact| {
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

fn commitment(occurred: &[&Fact], day: Day) -> Option<Commitment> {
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

fn instrument(occurred: &[&Fact], day: Day) -> Option<Instrument> {
    let last = occurred.last()?;
    let Event::InstrumentStatus(s) = &last.event else {
        return None;
    };
    let same_date: Vec<&Fact> = occurred
        .iter()
        .copied()
        .filter(|f| f.valid == last.valid)
        .collect();
    let status_of = |f: &Fact| match &f.event {
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

fn statistic(occurred: &[&Fact], day: Day) -> Option<Statistic> {
    let last = occurred.last()?;
    let Event::StatisticReported(s) = &last.event else {
        return None;
    };
    let about_same = |f: &&Fact| match &f.event {
        Event::StatisticReported(o) => o.period == s.period && o.scope == s.scope,
        _ => false,
    };
    let same: Vec<&Fact> = occurred.iter().copied().filter(about_same).collect();
    let value_of = |f: &Fact| match &f.event {
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

fn meeting(facts: &[&Fact], day: Day) -> Option<Meeting> {
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

fn publication(facts: &[&Fact], day: Day) -> Option<Publication> {
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
