//! Recall and precision of proposals against curated events. A proposal is correct when
//! a curated event of its document has the same kind, `valid` and entities: the ids its
//! payload names (for a registration, the id it registers; the call, commitment,
//! meeting, publication or indicator an event declares is left out, its slug being a
//! choice of words), the role of a `role.assigned`, the status of an
//! `instrument.status`, and the value of a `statistic.reported` with what it measures.
//! Each curated event matches at most one proposal.

use std::collections::BTreeSet;

use serde_json::Value;

/// Payload fields that name entities.
const REFERENCE_FIELDS: &[&str] = &[
    "member",
    "group",
    "holder",
    "representative",
    "person",
    "org",
    "issuers",
    "owner",
    "instrument",
    "organisers",
    "participants",
    "publisher",
    "reported_by",
    "subject",
];

/// What two events must share to state the same fact.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub kind: String,
    pub valid: String,
    pub entities: BTreeSet<String>,
    /// The role of a role, the status of an instrument.
    pub detail: Option<String>,
}

impl Key {
    pub fn of(kind: &str, valid: &str, payload: &Value) -> Key {
        let mut entities = BTreeSet::new();
        if kind == "entity.registered"
            && let Some(id) = payload["id"].as_str()
        {
            entities.insert(id.to_owned());
        }
        for field in REFERENCE_FIELDS {
            match &payload[*field] {
                Value::String(id) => {
                    entities.insert(id.clone());
                }
                Value::Array(ids) => {
                    entities.extend(ids.iter().filter_map(Value::as_str).map(str::to_owned));
                }
                _ => {}
            }
        }
        let detail = match kind {
            "role.assigned" => payload["role"].as_str().map(str::to_owned),
            "instrument.status" => payload["status"].as_str().map(str::to_owned),
            // A figure is its value and what it measures (a share "in 3", a percentage,
            // dollars, a multiple; a count's noun is a choice of words).
            "statistic.reported" => {
                let unit = payload["unit"].as_str().unwrap_or("");
                let measures = match unit {
                    "percent" | "USD" | "EUR" | "times" => unit,
                    u if u.starts_with("in ") => unit,
                    _ => "count",
                };
                Some(format!("{} {measures}", payload["value"]))
            }
            _ => None,
        };
        Key {
            kind: kind.to_owned(),
            valid: valid.to_owned(),
            entities,
            detail,
        }
    }
}

/// A curated event, as the comparison needs it.
#[derive(Debug, Clone)]
pub struct Curated {
    pub id: String,
    pub key: Key,
}

/// How one document's proposals compare with its curated events.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Figures {
    pub curated: usize,
    pub proposed: usize,
    /// Curated events with a matching proposal.
    pub found: usize,
    /// Proposals with a matching curated event.
    pub correct: usize,
    /// The same two counts for registrations alone.
    pub curated_registrations: usize,
    pub found_registrations: usize,
    /// Ids of the curated events no proposal matched.
    pub missed: Vec<String>,
    /// Ids of the proposals no curated event matched.
    pub wrong: Vec<String>,
    /// Matched proposals of vocabulary 2 (`attested`, `decided`): they differ from their
    /// v1 curated event only in the v2 field.
    pub matched_v2: Vec<String>,
}

impl Figures {
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.curated)
    }

    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.proposed)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// Matches proposals (id, key, version) one to one with curated events.
pub fn compare(proposals: &[(String, Key, u32)], curated: &[Curated]) -> Figures {
    let mut used = vec![false; curated.len()];
    let mut figures = Figures {
        curated: curated.len(),
        proposed: proposals.len(),
        curated_registrations: curated
            .iter()
            .filter(|c| c.key.kind == "entity.registered")
            .count(),
        ..Figures::default()
    };
    for (id, key, version) in proposals {
        match (0..curated.len()).find(|&i| !used[i] && curated[i].key == *key) {
            Some(i) => {
                used[i] = true;
                figures.correct += 1;
                if *version >= 2 {
                    figures.matched_v2.push(id.clone());
                }
            }
            None => figures.wrong.push(id.clone()),
        }
    }
    for (i, c) in curated.iter().enumerate() {
        if used[i] {
            figures.found += 1;
            if c.key.kind == "entity.registered" {
                figures.found_registrations += 1;
            }
        } else {
            figures.missed.push(c.id.clone());
        }
    }
    figures
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_ignore_declared_ids_and_wording() {
        let a = Key::of(
            "meeting.held",
            "2019",
            &json!({"meeting": "meeting:a", "title": "A", "organisers": [], "participants": ["org:icat", "org:eu-atc"]}),
        );
        let b = Key::of(
            "meeting.held",
            "2019",
            &json!({"meeting": "meeting:b", "title": "B", "organisers": [], "participants": ["org:eu-atc", "org:icat"]}),
        );
        assert_eq!(a, b);
        let role = |r: &str| {
            Key::of(
                "role.assigned",
                "2023",
                &json!({"group": "org:icat", "holder": "org:iom", "role": r}),
            )
        };
        assert_ne!(role("co-chair"), role("coordinator"));
    }

    #[test]
    fn each_curated_event_matches_once() {
        let key = Key::of(
            "membership.joined",
            "2020-04",
            &json!({"member": "org:cbss", "group": "org:icat"}),
        );
        let curated = [Curated {
            id: "cbss-joins".into(),
            key: key.clone(),
        }];
        let f = compare(
            &[("a".into(), key.clone(), 1), ("b".into(), key, 2)],
            &curated,
        );
        assert_eq!((f.found, f.correct, f.proposed), (1, 1, 2));
        assert_eq!(f.wrong, ["b"]);
        assert!((f.precision() - 0.5).abs() < 1e-9 && (f.recall() - 1.0).abs() < 1e-9);
    }
}
