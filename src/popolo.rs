//! `export --popolo`: the whole history in the Popolo JSON form (popoloproject.com) that
//! civic-tech tools read: organizations, persons, posts (a seat such as "ICAT co-chair")
//! and memberships with start and end dates, each citing its documents and quotes.
//!
//! Popolo dates are ISO dates of reduced precision (`2020`, `2020-04`, `2020-04-15`),
//! which EDTF level 0 already is; the EDTF as recorded is kept beside them in `valid`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Value, json};

use crate::date::ValidTime;
use crate::document::Document;
use crate::entity::EntityType;
use crate::error::Result;
use crate::event::Envelope;
use crate::event::Event;
use crate::projection::Fold;
use crate::query::{Knowledge, replay};
use crate::store::{Head, Store};

/// A Popolo document and what it holds.
#[derive(Debug, Clone)]
pub struct Popolo {
    pub json: Value,
    pub organizations: usize,
    pub persons: usize,
    pub posts: usize,
    pub memberships: usize,
}

/// Reads the whole log (retractions and corrections applied) into Popolo JSON.
pub fn export(store: &Store) -> Result<Popolo> {
    let fold = replay(store, Knowledge::default())?;
    let documents = store
        .documents()?
        .into_iter()
        .map(|d| (d.sha256.to_string(), d))
        .collect();
    Ok(build(&fold, &documents, &store.head()?))
}

/// The Popolo form of a fold; `documents` by sha256 name the sources.
pub fn build(fold: &Fold, documents: &HashMap<String, Document>, head: &Head) -> Popolo {
    let mut b = Builder {
        fold,
        documents,
        memberships: Vec::new(),
        posts: BTreeMap::new(),
        groups: BTreeSet::new(),
        referenced: BTreeSet::new(),
        naming: naming(fold),
    };
    let mut pairs: BTreeMap<(String, String), Vec<&Envelope>> = BTreeMap::new();
    let mut terms: BTreeMap<(String, String, String), Vec<&Envelope>> = BTreeMap::new();
    let mut speakers: BTreeMap<(String, String, Option<String>), Vec<&Envelope>> = BTreeMap::new();
    for fact in fold.facts() {
        match &fact.event {
            Event::MembershipJoined(m) | Event::MembershipLeft(m) => pairs
                .entry((m.group.to_string(), m.member.to_string()))
                .or_default()
                .push(fact),
            Event::RoleAssigned(r) => terms
                .entry((r.group.to_string(), r.role.clone(), r.holder.to_string()))
                .or_default()
                .push(fact),
            Event::RoleEnded(r) => terms
                .entry((r.group.to_string(), r.role.clone(), r.holder.to_string()))
                .or_default()
                .push(fact),
            Event::PersonRepresents(p) => speakers
                .entry((p.person.to_string(), p.org.to_string(), p.title.clone()))
                .or_default()
                .push(fact),
            _ => {}
        }
    }
    for ((group, member), facts) in pairs {
        b.memberships_of(&group, &member, sorted(facts));
    }
    for ((group, role, holder), facts) in terms {
        b.terms_of(&group, &role, &holder, sorted(facts));
    }
    for ((person, org, title), facts) in speakers {
        b.representation(&person, &org, title.as_deref(), &facts);
    }
    b.finish(head)
}

fn sorted(mut facts: Vec<&Envelope>) -> Vec<&Envelope> {
    facts.sort_by_key(|f| (f.valid.from(), f.seq));
    facts
}

struct Builder<'t> {
    fold: &'t Fold,
    documents: &'t HashMap<String, Document>,
    memberships: Vec<Value>,
    posts: BTreeMap<String, Value>,
    /// Organizations that have members or posts.
    groups: BTreeSet<String>,
    /// Every entity a membership or post names.
    referenced: BTreeSet<String>,
    /// The facts that name each entity: the sources of its organization, person or post.
    naming: HashMap<String, Vec<&'t Envelope>>,
}

/// Each entity id with the facts whose payload names it (any string field equal to it).
fn naming(fold: &Fold) -> HashMap<String, Vec<&Envelope>> {
    fn strings<'v>(v: &'v Value, out: &mut BTreeSet<&'v str>) {
        match v {
            Value::String(s) => {
                out.insert(s);
            }
            Value::Array(a) => a.iter().for_each(|c| strings(c, out)),
            Value::Object(o) => o.values().for_each(|c| strings(c, out)),
            _ => {}
        }
    }
    let mut by: HashMap<String, Vec<&Envelope>> = HashMap::new();
    for fact in fold.facts() {
        let Ok(payload) = serde_json::to_value(&fact.event) else {
            continue;
        };
        let mut named = BTreeSet::new();
        strings(&payload, &mut named);
        for id in named {
            if fold.entity(id).is_some() {
                by.entry(id.to_owned()).or_default().push(fact);
            }
        }
    }
    by
}

/// Whether the fact only attests its subject at `valid` (start unknown, decision 0006).
fn attested_only(fact: &Envelope) -> bool {
    match &fact.event {
        Event::MembershipJoined(m) => m.attested,
        Event::RoleAssigned(r) => r.attested,
        _ => false,
    }
}

impl Builder<'_> {
    /// One membership per join (attestations of the same join merged), ended by the first
    /// departure after it.
    fn memberships_of(&mut self, group: &str, member: &str, facts: Vec<&Envelope>) {
        let mut joins: BTreeMap<String, (Vec<&Envelope>, Option<&Envelope>)> = BTreeMap::new();
        for (i, fact) in facts.iter().enumerate() {
            if !matches!(fact.event, Event::MembershipJoined(_)) {
                continue;
            }
            let left = facts[i + 1..]
                .iter()
                .copied()
                .find(|f| matches!(f.event, Event::MembershipLeft(_)));
            let entry = joins
                .entry(fact.valid.as_str().to_owned())
                .or_insert((Vec::new(), left));
            entry.0.push(fact);
        }
        for (valid, (attested, left)) in joins {
            let mut m = self.party(group, member);
            m.insert("id".into(), json!(attested[0].id));
            m.insert("role".into(), json!("member"));
            m.insert(
                "label".into(),
                json!(format!(
                    "{} member of {}",
                    self.label(member),
                    self.label(group)
                )),
            );
            // An attested-only join says the member was in at `valid`, not that it joined
            // then: no start date unless another source dates the join.
            if attested.iter().any(|f| !attested_only(f)) {
                insert_date(&mut m, "start_date", single_date(&valid));
            }
            if let Some(l) = left {
                insert_date(&mut m, "end_date", single_date(l.valid.as_str()));
                m.insert("end_valid".into(), json!(l.valid.as_str()));
            }
            m.insert("valid".into(), json!(valid));
            let mut cited = attested.clone();
            cited.extend(left);
            m.insert("sources".into(), self.sources(&cited));
            self.groups.insert(group.to_owned());
            self.memberships.push(Value::Object(m));
        }
    }

    /// One membership per term held (attestations of the same term merged) through the
    /// post `group/role`, plus one per representative named, on behalf of the holder.
    fn terms_of(&mut self, group: &str, role: &str, holder: &str, facts: Vec<&Envelope>) {
        let post_id = format!("{group}/{role}");
        let post = json!({
            "id": post_id,
            "label": format!("{} {role}", self.label(group)),
            "role": role,
            "organization_id": group,
            "sources": [],
        });
        let cited = self.sources(&dedup(&facts));
        let post = self.posts.entry(post_id.clone()).or_insert(post);
        if let Some(Value::Array(sources)) = post.get_mut("sources")
            && let Value::Array(more) = cited
        {
            for s in more {
                if !sources.contains(&s) {
                    sources.push(s);
                }
            }
        }
        self.groups.insert(group.to_owned());
        self.referenced.insert(group.to_owned());
        let mut held: BTreeMap<String, (Vec<&Envelope>, Option<&Envelope>)> = BTreeMap::new();
        for (i, fact) in facts.iter().enumerate() {
            if !matches!(fact.event, Event::RoleAssigned(_)) {
                continue;
            }
            let ended = facts[i + 1..]
                .iter()
                .copied()
                .find(|f| matches!(f.event, Event::RoleEnded(_)));
            let entry = held
                .entry(fact.valid.as_str().to_owned())
                .or_insert((Vec::new(), ended));
            entry.0.push(fact);
        }
        for (term, (attested, ended)) in held {
            // Attested only ("is the permanent coordinator"): held at `valid`, start and
            // end unknown, so neither is written (an end_date would read as its last day).
            let (start, end) = match attested.iter().find(|f| !attested_only(f)) {
                Some(f) => term_dates(&f.valid),
                None => (None, None),
            };
            let end = match ended {
                Some(e) if end.is_none() => single_date(e.valid.as_str()),
                _ => end,
            };
            let dated = |m: &mut serde_json::Map<String, Value>| {
                insert_date(m, "start_date", start.clone());
                insert_date(m, "end_date", end.clone());
                m.insert("valid".into(), json!(term));
                if let Some(e) = ended {
                    m.insert("end_valid".into(), json!(e.valid.as_str()));
                }
            };
            let mut cited = attested.clone();
            cited.extend(ended);
            let mut m = self.party(group, holder);
            m.insert("id".into(), json!(attested[0].id));
            m.insert("post_id".into(), json!(post_id));
            m.insert("role".into(), json!(role));
            m.insert(
                "label".into(),
                json!(format!(
                    "{} {role} of {}",
                    self.label(holder),
                    self.label(group)
                )),
            );
            dated(&mut m);
            m.insert("sources".into(), self.sources(&cited));
            self.memberships.push(Value::Object(m));

            let mut by_person: BTreeMap<String, Vec<&Envelope>> = BTreeMap::new();
            for fact in &attested {
                if let Event::RoleAssigned(r) = &fact.event
                    && let Some(p) = &r.representative
                {
                    by_person.entry(p.to_string()).or_default().push(fact);
                }
            }
            for (person, named) in by_person {
                let mut m = self.party(group, &person);
                m.insert("id".into(), json!(format!("{}/{person}", named[0].id)));
                m.insert("post_id".into(), json!(post_id));
                m.insert("role".into(), json!(role));
                m.insert("on_behalf_of_id".into(), json!(holder));
                m.insert(
                    "label".into(),
                    json!(format!(
                        "{} ({}) {role} of {}",
                        self.label(&person),
                        self.label(holder),
                        self.label(group)
                    )),
                );
                dated(&mut m);
                m.insert("sources".into(), self.sources(&named));
                self.referenced.insert(holder.to_owned());
                self.memberships.push(Value::Object(m));
            }
        }
    }

    /// A person speaking for an organization: a membership with the title as its role.
    /// A source that gives a period (`2019/2021`) dates it; one that names the person at
    /// its date only attests it then, so no start or end is written (never invented) and
    /// each source's note says when it attests the membership.
    fn representation(
        &mut self,
        person: &str,
        org: &str,
        title: Option<&str>,
        facts: &[&Envelope],
    ) {
        let mut m = self.party(org, person);
        m.insert("id".into(), json!(facts[0].id));
        m.insert("role".into(), json!(title.unwrap_or("representative")));
        m.insert(
            "label".into(),
            json!(match title {
                Some(t) => format!("{}, {t}, {}", self.label(person), self.label(org)),
                None => format!("{} for {}", self.label(person), self.label(org)),
            }),
        );
        if let Some(period) = facts.iter().find(|f| f.valid.as_str().contains('/')) {
            let (start, end) = term_dates(&period.valid);
            insert_date(&mut m, "start_date", start);
            insert_date(&mut m, "end_date", end);
        }
        m.insert("sources".into(), self.sources(facts));
        self.memberships.push(Value::Object(m));
    }

    /// `organization_id` and the member: a person as `person_id`, an organization as
    /// Popolo's `member` object (plus a flat `member_id`).
    fn party(&mut self, organization: &str, member: &str) -> serde_json::Map<String, Value> {
        self.referenced.insert(organization.to_owned());
        self.referenced.insert(member.to_owned());
        let mut m = serde_json::Map::new();
        m.insert("organization_id".into(), json!(organization));
        if self.is_person(member) {
            m.insert("person_id".into(), json!(member));
        } else {
            m.insert(
                "member".into(),
                json!({"@type": "Organization", "id": member}),
            );
            m.insert("member_id".into(), json!(member));
        }
        m
    }

    fn is_person(&self, id: &str) -> bool {
        id.starts_with("person:")
    }

    fn label(&self, id: &str) -> String {
        match self.fold.entity(id) {
            Some(e) => e.acronym.clone().unwrap_or_else(|| e.name.clone()),
            None => id.to_owned(),
        }
    }

    /// Popolo sources (link objects, `url` required): the document's url when stored, else
    /// `urn:sha256:<hex>` of the document, stable across exports. Facts without a document
    /// cite nothing to link to and are left out. `sha256`, `quote` and `event` are extra
    /// properties, which the link schema allows.
    fn sources(&self, facts: &[&Envelope]) -> Value {
        let sources: Vec<Value> = facts
            .iter()
            .filter_map(|f| {
                let sha = f.source.as_ref()?;
                let mut s = serde_json::Map::new();
                let doc = self.documents.get(sha);
                let url = doc
                    .and_then(|d| d.url.clone())
                    .unwrap_or_else(|| format!("urn:sha256:{sha}"));
                s.insert("url".into(), json!(url));
                let mut note = match doc {
                    Some(d) => format!("{} ({}, {})", d.title, d.publisher, d.published),
                    None => format!("document {sha}"),
                };
                if attested_only(f) || matches!(f.event, Event::PersonRepresents(_)) {
                    note.push_str(&format!("; attests it at {}", f.valid.as_str()));
                }
                s.insert("note".into(), json!(note));
                s.insert("sha256".into(), json!(sha));
                if let Some(q) = &f.quote {
                    s.insert("quote".into(), json!(q));
                }
                s.insert("event".into(), json!(f.id));
                Some(Value::Object(s))
            })
            .collect();
        Value::Array(sources)
    }

    fn finish(self, head: &Head) -> Popolo {
        let mut organizations = Vec::new();
        let mut persons = Vec::new();
        let entities = self.fold.entities();
        let ids: BTreeSet<&String> = entities
            .iter()
            .filter(|(_, e)| matches!(e.entity_type, EntityType::Org | EntityType::Person))
            .map(|(id, _)| id)
            .chain(self.referenced.iter())
            .collect();
        for id in ids {
            let entity = entities.get(id.as_str());
            let mut o = serde_json::Map::new();
            o.insert("id".into(), json!(id));
            o.insert(
                "name".into(),
                json!(entity.map_or(id.as_str(), |e| e.name.as_str())),
            );
            let mut other_names = Vec::new();
            if let Some(e) = entity {
                if let Some(a) = &e.acronym {
                    other_names.push(json!({"name": a, "note": "acronym"}));
                }
                for alias in &e.aliases {
                    other_names.push(json!({"name": alias, "note": "alias"}));
                }
            }
            if !other_names.is_empty() {
                o.insert("other_names".into(), Value::Array(other_names));
            }
            if let Some(facts) = self.naming.get(id.as_str()) {
                o.insert("sources".into(), self.sources(&dedup(facts)));
            }
            if self.is_person(id) {
                persons.push(Value::Object(o));
            } else {
                if self.groups.contains(id.as_str()) {
                    o.insert("classification".into(), json!("group"));
                }
                organizations.push(Value::Object(o));
            }
        }
        let mut memberships = self.memberships;
        let key = |m: &Value| {
            let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            (s("organization_id"), s("post_id"), s("start_date"), s("id"))
        };
        memberships.sort_by_key(key);
        let posts: Vec<Value> = self.posts.into_values().collect();
        let counts = (
            organizations.len(),
            persons.len(),
            posts.len(),
            memberships.len(),
        );
        let json = json!({
            "meta": {
                "generator": concat!("policylog ", env!("CARGO_PKG_VERSION")),
                "log_head": {"seq": head.seq, "hash": head.hash},
                "note": "The whole history: every membership and post term with its start and end dates \
        (reduced-precision ISO dates, the EDTF as recorded in `valid`). Sources cite the document \
        (title, sha256) and the quote behind each membership.",
            },
            "organizations": organizations,
            "persons": persons,
            "posts": posts,
            "memberships": memberships,
        });
        Popolo {
            json,
            organizations: counts.0,
            persons: counts.1,
            posts: counts.2,
            memberships: counts.3,
        }
    }
}

/// One source per document: the first fact citing each.
fn dedup<'e>(facts: &[&'e Envelope]) -> Vec<&'e Envelope> {
    let mut seen = BTreeSet::new();
    facts
        .iter()
        .copied()
        .filter(|f| f.source.as_ref().is_some_and(|s| seen.insert(s.clone())))
        .collect()
}

fn insert_date(m: &mut serde_json::Map<String, Value>, key: &str, date: Option<String>) {
    if let Some(d) = date {
        m.insert(key.into(), json!(d));
    }
}

/// A single EDTF date as a Popolo date (`2020`, `2020-04`, `2020-04-15`), qualifiers
/// dropped; `None` for an interval or an open end.
fn single_date(text: &str) -> Option<String> {
    let bare: String = text
        .chars()
        .filter(|c| !matches!(c, '~' | '?' | '%'))
        .collect();
    let shape_ok = matches!(bare.len(), 4 | 7 | 10)
        && bare.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            _ => c.is_ascii_digit(),
        });
    (shape_ok && ValidTime::parse(&bare).is_ok()).then_some(bare)
}

/// The start and end of a term: `2019/2020` began in 2019 and ended in 2020; a single
/// date is the whole term, so it both starts and ends there; `..` is open.
fn term_dates(valid: &ValidTime) -> (Option<String>, Option<String>) {
    match valid.as_str().split_once('/') {
        Some((a, b)) => (single_date(a), single_date(b)),
        None => {
            let d = single_date(valid.as_str());
            (d.clone(), d)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edtf_dates_become_popolo_dates() {
        assert_eq!(single_date("2020-04").as_deref(), Some("2020-04"));
        assert_eq!(single_date("2023").as_deref(), Some("2023"));
        assert_eq!(single_date("2023~").as_deref(), Some("2023"));
        assert_eq!(single_date("2023-07-18").as_deref(), Some("2023-07-18"));
        assert_eq!(single_date(".."), None);
        assert_eq!(single_date("2019/2020"), None);
    }

    #[test]
    fn terms_start_and_end_at_their_sides() {
        let t = |s: &str| term_dates(&ValidTime::parse(s).unwrap());
        assert_eq!(t("2019/2020"), (Some("2019".into()), Some("2020".into())));
        assert_eq!(t("2023"), (Some("2023".into()), Some("2023".into())));
        assert_eq!(t("2020-12/.."), (Some("2020-12".into()), None));
    }
}
