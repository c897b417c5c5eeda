//! What changed between two days: the landscape at each, compared section by section in
//! the fixed order of MODEL.md §6. A revised commitment carries its items as a line diff,
//! and each changed item as a word diff (`text.rs`).

mod shown;
mod text;

pub use shown::Shown;
pub use text::{ItemChange, Segment, diff_items};

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::Value;

use crate::date::Day;
use crate::projection::{Fold, HeadRef, Landscape, Section};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub from: String,
    pub to: String,
    pub known_at: Option<i64>,
    pub log_head: HeadRef,
    /// `Section::COMPARED`, in that order (or the one asked for).
    pub sections: Vec<SectionChanges>,
    /// Short names of the entities, for rendering.
    #[serde(skip)]
    pub names: BTreeMap<String, String>,
}

/// One section's changes; in JSON `{"name": "membership", "changes": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionChanges {
    #[serde(rename = "name", serialize_with = "diff_name")]
    pub section: Section,
    pub changes: Vec<Change>,
}

impl SectionChanges {
    /// The section's name in a diff (`Section::diff_name`).
    pub fn name(&self) -> &'static str {
        self.section.diff_name()
    }
}

fn diff_name<S: serde::Serializer>(section: &Section, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(section.diff_name())
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// What a historian calls it: joined, left, begun, ended, issued, revised, withdrawn, ...
    pub what: &'static str,
    /// The thing that changed (entity ids joined by ` / `).
    pub subject: String,
    pub before: Option<Shown>,
    pub after: Option<Shown>,
    pub evidence: Vec<String>,
    /// For a revised commitment: its items, line by line.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ItemChange>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.sections.iter().all(|s| s.changes.is_empty())
    }
}

/// The terms served and memberships held entirely between the two days (`within`):
/// neither day's state shows them, but a historian asking what changed expects them.
/// Each with its section, in the order of `within`; a second source of the same term is
/// cited by its first change. Taken before the landscapes are compared (and consumed).
pub fn in_between(
    within: &[crate::event::Envelope],
    a: &Landscape,
    b: &Landscape,
) -> Vec<(Section, Change)> {
    use crate::event::Event;
    let shown = |l: &Landscape, group: &str, f: &dyn Fn(&crate::projection::Group) -> bool| {
        l.groups.get(group).is_some_and(f)
    };
    let mut added: Vec<(Section, Change)> = Vec::new();
    // Each term added, by the hash of (subject, valid): the changes it may be, with their
    // terms (equal hashes are told apart by both), so that a second source is cited
    // without searching the changes or keeping a second copy of every subject.
    let mut seen: HashMap<u64, Vec<(usize, &str)>> = HashMap::new();
    for fact in within {
        let (section, subject, value, what) = match &fact.event {
            Event::RoleAssigned(r) => {
                let (g, h) = (r.group.as_str(), r.holder.as_str());
                let held = |grp: &crate::projection::Group| {
                    grp.roles.iter().any(|x| x.holder == h && x.role == r.role)
                };
                if shown(a, g, &held) || shown(b, g, &held) {
                    continue;
                }
                let mut value = serde_json::json!({"role": r.role, "holder": h, "term": fact.valid.as_str(), "representative": r.representative});
                // Attested in between and ended before the later day: no term is known.
                let what = if r.attested {
                    value["attested"] = fact.valid.as_str().into();
                    "attested as"
                } else {
                    "served as"
                };
                (
                    Section::Roles,
                    format!("{g} / {} / {h}", r.role),
                    value,
                    what,
                )
            }
            Event::MembershipLeft(m) => {
                let (g, who) = (m.group.as_str(), m.member.as_str());
                let member =
                    |grp: &crate::projection::Group| grp.members.iter().any(|x| x.member == who);
                if shown(a, g, &member) || shown(b, g, &member) {
                    continue;
                }
                let value = serde_json::json!({"member": who, "left": fact.valid.as_str()});
                (
                    Section::Members,
                    format!("{g} / {who}"),
                    value,
                    "joined and left",
                )
            }
            _ => continue,
        };
        let valid = fact.valid.as_str();
        let hash = {
            use std::hash::{Hash, Hasher};
            let mut h = std::hash::DefaultHasher::new();
            (subject.as_str(), valid).hash(&mut h);
            h.finish()
        };
        let candidates = seen.entry(hash).or_default();
        let same = candidates
            .iter()
            .find(|(i, term)| *term == valid && added[*i].1.subject == subject);
        if let Some(&(i, _)) = same {
            // Another source for the same term: cite it too.
            added[i].1.evidence.push(fact.id.clone());
            continue;
        }
        candidates.push((added.len(), valid));
        added.push((
            section,
            Change {
                change: "added",
                what,
                subject,
                before: None,
                after: Some(Shown::from_value(&value)),
                evidence: vec![fact.id.clone()],
                items: vec![],
            },
        ));
    }
    added
}

/// Adds the changes of `in_between` to their sections, after the changes the two days
/// show; those of a section `only` left out are dropped.
pub fn add_in_between(d: &mut Diff, added: Vec<(Section, Change)>) {
    for (section, change) in added {
        if let Some(s) = d.sections.iter_mut().find(|s| s.section == section) {
            s.changes.push(change);
        }
    }
}

/// Compares a fold at two days; `only` keeps one section.
pub fn diff(fold: &Fold, from: Day, to: Day, only: Option<Section>) -> Diff {
    compare_landscapes(fold.at(from), fold.at(to), only)
}

/// Compares two landscapes section by section; `only` keeps one section. Each section's
/// entries are let go once compared: a diff of decades holds most of the landscape twice.
pub fn compare_landscapes(mut a: Landscape, mut b: Landscape, only: Option<Section>) -> Diff {
    // The later day's names over the earlier's.
    let names = a
        .entities
        .iter()
        .chain(&b.entities)
        .map(|(id, e)| {
            (
                id.clone(),
                e.acronym.clone().unwrap_or_else(|| e.name.clone()),
            )
        })
        .collect();
    let mut sections = Vec::new();
    for section in Section::COMPARED {
        if only.is_none_or(|o| o == section) {
            sections.push(SectionChanges {
                section,
                changes: changes(section, &a, &b),
            });
        }
        release(section, &mut a);
        release(section, &mut b);
    }
    Diff {
        from: a.as_of,
        to: b.as_of,
        known_at: a.known_at,
        log_head: b.log_head,
        sections,
        names,
    }
}

/// Lets go of what a landscape shows in a section once it is compared.
fn release(section: Section, land: &mut Landscape) {
    match section {
        Section::Members => land
            .groups
            .values_mut()
            .for_each(|g| g.members = Vec::new()),
        Section::Roles => land.groups.values_mut().for_each(|g| {
            g.roles = Vec::new();
            g.endorsed = Vec::new();
        }),
        Section::Calls => land.calls = Vec::new(),
        Section::Commitments => land.commitments = Vec::new(),
        Section::Instruments => land.instruments = Vec::new(),
        Section::Statistics => land.statistics = Vec::new(),
        Section::Meetings => land.meetings = Vec::new(),
        Section::Publications => land.publications = Vec::new(),
        Section::Representatives => {}
    }
}

fn changes(section: Section, a: &Landscape, b: &Landscape) -> Vec<Change> {
    let mut changes = section_changes(section, a, b);
    for c in &mut changes {
        if c.change == "added"
            && c.after
                .as_ref()
                .is_some_and(|v| v.value().get("attested").is_some())
        {
            c.what = first_attested(section, c.what);
        }
    }
    changes
}

fn section_changes(section: Section, a: &Landscape, b: &Landscape) -> Vec<Change> {
    match section {
        Section::Members => compare(
            keyed(a, members),
            keyed(b, members),
            ("joined", "left", "changed"),
        ),
        Section::Roles => {
            let mut changes = compare(
                keyed(a, roles),
                keyed(b, roles),
                ("began as", "no longer recorded as", "term changed as"),
            );
            // Terms endorsed by the later day that had not been by the earlier one: what
            // a decision adds. One that is gone has begun (and shows as a role) or ended.
            changes.extend(
                compare(
                    keyed(a, endorsed),
                    keyed(b, endorsed),
                    ("endorsed as", "", ""),
                )
                .into_iter()
                .filter(|c| c.change == "added"),
            );
            changes
        }
        Section::Calls => compare(
            keyed(a, |l| {
                l.calls
                    .iter()
                    .map(|c| (c.call.clone(), Shown::of(c), c.evidence.clone()))
                    .collect()
            }),
            keyed(b, |l| {
                l.calls
                    .iter()
                    .map(|c| (c.call.clone(), Shown::of(c), c.evidence.clone()))
                    .collect()
            }),
            ("issued", "no longer stands", "changed"),
        ),
        Section::Commitments => {
            let mut changes = compare(
                keyed(a, commitments),
                keyed(b, commitments),
                ("added", "withdrawn", "revised"),
            );
            // A revision's items, line by line, from the commitments themselves.
            let (before, after) = (items_by_commitment(a), items_by_commitment(b));
            for c in &mut changes {
                if c.what == "revised" {
                    let subject = c.subject.as_str();
                    c.items = diff_items(
                        before.get(subject).copied().unwrap_or_default(),
                        after.get(subject).copied().unwrap_or_default(),
                    );
                }
            }
            changes
        }
        Section::Instruments => compare(
            keyed(a, |l| {
                l.instruments
                    .iter()
                    .map(|i| (i.instrument.clone(), Shown::of(i), i.evidence.clone()))
                    .collect()
            }),
            keyed(b, |l| {
                l.instruments
                    .iter()
                    .map(|i| (i.instrument.clone(), Shown::of(i), i.evidence.clone()))
                    .collect()
            }),
            ("status reported", "no longer reported", "status changed"),
        ),
        Section::Statistics => compare(
            keyed(a, |l| {
                l.statistics
                    .iter()
                    .map(|s| (s.indicator.clone(), Shown::of(s), s.evidence.clone()))
                    .collect()
            }),
            keyed(b, |l| {
                l.statistics
                    .iter()
                    .map(|s| (s.indicator.clone(), Shown::of(s), s.evidence.clone()))
                    .collect()
            }),
            ("reported", "no longer reported", "updated"),
        ),
        Section::Meetings => compare(
            keyed(a, |l| {
                l.meetings
                    .iter()
                    .map(|m| (m.meeting.clone(), Shown::of(m), m.evidence.clone()))
                    .collect()
            }),
            keyed(b, |l| {
                l.meetings
                    .iter()
                    .map(|m| (m.meeting.clone(), Shown::of(m), m.evidence.clone()))
                    .collect()
            }),
            ("held", "no longer recorded", "changed"),
        ),
        Section::Publications => compare(
            keyed(a, |l| {
                l.publications
                    .iter()
                    .map(|p| (p.publication.clone(), Shown::of(p), p.evidence.clone()))
                    .collect()
            }),
            keyed(b, |l| {
                l.publications
                    .iter()
                    .map(|p| (p.publication.clone(), Shown::of(p), p.evidence.clone()))
                    .collect()
            }),
            ("released", "no longer recorded", "changed"),
        ),
        // Not compared: a representation is an attestation, not a change (`COMPARED`).
        Section::Representatives => Vec::new(),
    }
}

type Entries = BTreeMap<String, (Shown, Vec<String>)>;

fn keyed(
    land: &Landscape,
    entries: impl Fn(&Landscape) -> Vec<(String, Shown, Vec<String>)>,
) -> Entries {
    entries(land)
        .into_iter()
        .map(|(k, v, e)| (k, (v, e)))
        .collect()
}

fn members(l: &Landscape) -> Vec<(String, Shown, Vec<String>)> {
    l.groups
        .iter()
        .flat_map(|(g, group)| {
            group.members.iter().map(move |m| {
                (
                    format!("{g} / {}", m.member),
                    Shown::of(m),
                    m.evidence.clone(),
                )
            })
        })
        .collect()
}

fn roles(l: &Landscape) -> Vec<(String, Shown, Vec<String>)> {
    l.groups
        .iter()
        .flat_map(|(g, group)| {
            group.roles.iter().map(move |r| {
                (
                    format!("{g} / {} / {}", r.role, r.holder),
                    Shown::of(r),
                    r.evidence.clone(),
                )
            })
        })
        .collect()
}

fn endorsed(l: &Landscape) -> Vec<(String, Shown, Vec<String>)> {
    l.groups
        .iter()
        .flat_map(|(g, group)| {
            group.endorsed.iter().map(move |e| {
                (
                    format!("{g} / {} / {} / {}", e.role, e.holder, e.term),
                    Shown::of(e),
                    e.evidence.clone(),
                )
            })
        })
        .collect()
}

fn commitments(l: &Landscape) -> Vec<(String, Shown, Vec<String>)> {
    l.commitments
        .iter()
        .map(|c| (c.commitment.clone(), Shown::of(c), c.evidence.clone()))
        .collect()
}

/// Each commitment's items, by its id.
fn items_by_commitment(l: &Landscape) -> HashMap<&str, &[String]> {
    l.commitments
        .iter()
        .map(|c| (c.commitment.as_str(), c.items.as_slice()))
        .collect()
}

/// The fields of an entry that are not what it says of its own key: its evidence, which
/// attestation is the latest and the next (decision 0006), and `amended_by`, the inverse
/// of other instruments' `amends`, whose change is theirs (a diff reports it there).
const SUPPORT: [&str; 4] = ["evidence", "attested", "attested_next", "amended_by"];

/// What counts as a change: the entry's values other than those of `SUPPORT`. An
/// attested continuation carried on from one attestation to the next does not change,
/// nor does it when a source attests it again (certain on that day, attested after).
fn differ(a: &Value, b: &Value) -> bool {
    match (a.as_object(), b.as_object()) {
        (Some(a), Some(b)) => {
            let both_attested = a.contains_key("attested") && b.contains_key("attested");
            let said = |o: &serde_json::Map<String, Value>| -> Vec<(String, Value)> {
                o.iter()
                    .filter(|(k, _)| !SUPPORT.contains(&k.as_str()))
                    .map(|(k, v)| {
                        let v = match (k.as_str(), v.as_str()) {
                            ("certainty", Some("certain")) if both_attested => "attested".into(),
                            _ => v.clone(),
                        };
                        (k.clone(), v)
                    })
                    .collect()
            };
            said(a) != said(b)
        }
        _ => a != b,
    }
}

/// `differ`, read from the texts only when they are not the same.
fn differ_shown(a: &Shown, b: &Shown) -> bool {
    !a.same_text(b) && differ(&a.value(), &b.value())
}

/// How a historian names an entry that appears, when it rests on attestations only:
/// it was first attested, not begun.
fn first_attested(section: Section, what: &'static str) -> &'static str {
    match section {
        Section::Members => "first attested as a member of",
        Section::Roles if what == "began as" => "first attested as",
        Section::Commitments | Section::Instruments | Section::Publications => "first attested",
        _ => what,
    }
}

fn compare(
    mut a: Entries,
    b: Entries,
    words: (&'static str, &'static str, &'static str),
) -> Vec<Change> {
    let mut changes = Vec::new();
    // Both maps are consumed: entries move into the changes instead of being copied.
    for (key, (after, evidence)) in b {
        match a.remove(&key) {
            None => changes.push(Change {
                change: "added",
                what: words.0,
                subject: key,
                before: None,
                after: Some(after),
                evidence,
                items: vec![],
            }),
            Some((before, _)) if differ_shown(&before, &after) => changes.push(Change {
                change: "changed",
                what: words.2,
                subject: key,
                before: Some(before),
                after: Some(after),
                evidence,
                items: vec![],
            }),
            Some(_) => {}
        }
    }
    for (key, (before, evidence)) in a {
        changes.push(Change {
            change: "removed",
            what: words.1,
            subject: key,
            before: Some(before),
            after: None,
            evidence,
            items: vec![],
        });
    }
    changes
}

#[cfg(test)]
mod tests;
