//! The landscape as of a day: what the fold shows (`Fold::at`), entry by entry. Its JSON form is a contract
//! (docs/json-contract.md): add fields, never rename or remove them.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::date::{Certainty, Day, day_string};

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
    /// Terms endorsed or announced that have not begun yet (`role.assigned` with
    /// `decided`): designated holders, not holders.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endorsed: Vec<Endorsement>,
}

/// An entry that rests on attestations only (decision 0006): a source says the fact holds
/// at a date, not when it began. Its latest attestation on or before the day, and the
/// next one after it (`null`: no later source).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attestation {
    /// The `valid` of the latest attestation on or before the day (EDTF).
    pub attested: String,
    /// The `valid` of the next attestation after the day, if a source gives one.
    pub attested_next: Option<String>,
}

impl Attestation {
    /// "attested 2023-07-18; no later source", "attested 2020-12; again 2023-07-18".
    pub fn describe(&self) -> String {
        match &self.attested_next {
            Some(next) => format!("attested {}; again {next}", self.attested),
            None => format!("attested {}; no later source", self.attested),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub member: String,
    /// When it joined, as the source says it (EDTF); for an attested membership, the
    /// first date a source attests it.
    pub since: String,
    pub certainty: Certainty,
    pub evidence: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflict: Vec<Claim>,
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<Attestation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub role: String,
    pub holder: String,
    /// The term (EDTF): `2023`, `2019/2020`, `2020-12/..`; for an attested role (see
    /// `attested`), the first date a source attests it, which is no term.
    pub term: String,
    pub representative: Option<String>,
    pub certainty: Certainty,
    pub evidence: Vec<String>,
    /// When the term was endorsed or announced, before it began (EDTF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided: Option<String>,
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<Attestation>,
}

/// A term endorsed or announced on `decided` that has not begun on the day asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Endorsement {
    pub role: String,
    pub holder: String,
    /// The term it is for (EDTF).
    pub term: String,
    /// When it was endorsed or announced (EDTF).
    pub decided: String,
    pub representative: Option<String>,
    /// How surely the decision had been taken by the day.
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
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<Attestation>,
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
    /// Where it was published, as the latest status reported by the day says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_in: Option<String>,
    /// The instruments it amends, by every status reported by the day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amends: Vec<String>,
    /// The instruments of the landscape that amend it (the inverse of their `amends`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amended_by: Vec<String>,
    /// By when it must be transposed (EDTF), as the latest status saying so gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transposition_deadline: Option<String>,
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<Attestation>,
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
    /// The entity the figure is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
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
    /// When it was released (EDTF); for an attested publication, the first date a source
    /// says it exists.
    pub released: String,
    pub certainty: Certainty,
    pub evidence: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflict: Vec<Claim>,
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<Attestation>,
}

/// One source's version of a fact that sources disagree on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub event: String,
    pub source: Option<String>,
    pub value: Value,
}

/// The kind is one of `Event::KINDS` and a source is one of a few documents: held once,
/// not copied into each of the hundreds of thousands of events a large landscape cites.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub kind: Cow<'static, str>,
    pub valid: String,
    pub source: Option<Arc<str>>,
    pub quote: Option<String>,
}

/// What one fold key shows on a day: a membership pair's member, a role holder's role, a
/// call, ... Stored as JSON for each period in which it stays the same (`key_periods`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Entry {
    Member(String, Member),
    Role(String, Role),
    /// A role key with terms endorsed but not begun on the day, and its role if it is
    /// held then too (a holder endorsed for the next term while serving this one).
    Endorsed(String, Option<Role>, Vec<Endorsement>),
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
            Entry::Endorsed(_, role, endorsed) => {
                let mut ids: Vec<&str> = role
                    .iter()
                    .flat_map(|r| &r.evidence)
                    .chain(endorsed.iter().flat_map(|e| &e.evidence))
                    .map(String::as_str)
                    .collect();
                // Once each, in order: `cites` lists one seq per id.
                let mut seen = BTreeSet::new();
                ids.retain(|id| seen.insert(*id));
                return ids;
            }
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

impl Landscape {
    /// Adds one key's entry, in any order: `finish` puts them in order.
    pub fn push(&mut self, entry: Entry) {
        match entry {
            Entry::Member(g, m) => self.groups.entry(g).or_default().members.push(m),
            Entry::Role(g, r) => self.groups.entry(g).or_default().roles.push(r),
            Entry::Endorsed(g, role, endorsed) => {
                let group = self.groups.entry(g).or_default();
                group.roles.extend(role);
                group.endorsed.extend(endorsed);
            }
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
            .retain(|_, g| !g.members.is_empty() || !g.roles.is_empty() || !g.endorsed.is_empty());
        for g in self.groups.values_mut() {
            g.members.sort_by(|a, b| a.member.cmp(&b.member));
            g.roles
                .sort_by(|a, b| (&a.role, &a.holder).cmp(&(&b.role, &b.holder)));
            g.endorsed
                .sort_by(|a, b| (&a.term, &a.role, &a.holder).cmp(&(&b.term, &b.role, &b.holder)));
        }
        self.link_amendments();
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

    /// Each instrument's `amended_by`: the instruments of this landscape whose `amends`
    /// names it. Across keys, so here and not in the per-key fold (stored periods hold
    /// each key's entry alone).
    fn link_amendments(&mut self) {
        let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for i in &self.instruments {
            for amended in &i.amends {
                by.entry(amended.clone())
                    .or_default()
                    .push(i.instrument.clone());
            }
        }
        for i in &mut self.instruments {
            i.amended_by = by.remove(&i.instrument).unwrap_or_default();
        }
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

    pub(crate) fn cited_ids(&self) -> Vec<&str> {
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
            g.endorsed
                .iter()
                .for_each(|e| add(&mut ids, &e.evidence, &[]));
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
    pub fn mentioned_ids<'a>(&'a self) -> BTreeSet<&'a str> {
        let mut ids = BTreeSet::new();
        let mut add = |id: &'a str| {
            ids.insert(id);
        };
        for (g, group) in &self.groups {
            add(g);
            group.members.iter().for_each(|m| add(&m.member));
            for r in &group.roles {
                add(&r.holder);
                r.representative.iter().for_each(|p| add(p));
            }
            for e in &group.endorsed {
                add(&e.holder);
                e.representative.iter().for_each(|p| add(p));
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
        for i in &self.instruments {
            add(&i.instrument);
            i.amends.iter().chain(&i.amended_by).for_each(|a| add(a));
        }
        self.statistics
            .iter()
            .flat_map(|s| s.reported_by.iter().chain(&s.subject))
            .for_each(|id| add(id));
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
        let involves = |mut ids: std::slice::Iter<'_, String>| ids.any(|i| i == group);
        self.calls.retain(|c| involves(c.issuers.iter()));
        self.commitments.retain(|c| c.owner == group);
        self.meetings
            .retain(|m| involves(m.organisers.iter()) || involves(m.participants.iter()));
        self.publications.retain(|p| p.publisher == group);
        self.representatives.retain(|r| r.org == group);
        self.statistics.retain(|s| {
            s.reported_by.as_deref() == Some(group) || s.subject.as_deref() == Some(group)
        });
        self.instruments.clear();
        // Evidence and names are read after narrowing a stored landscape: nothing to drop.
        if !self.evidence.is_empty() {
            let cited: BTreeSet<String> = self.cited_ids().into_iter().map(str::to_owned).collect();
            self.evidence.retain(|id, _| cited.contains(id));
        }
        if !self.entities.is_empty() {
            let mentioned: BTreeSet<String> = self
                .mentioned_ids()
                .into_iter()
                .map(str::to_owned)
                .collect();
            self.entities.retain(|id, _| mentioned.contains(id));
        }
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
