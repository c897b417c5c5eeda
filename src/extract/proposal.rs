//! What the extractor proposes: a complete event line of the file format (id, kind,
//! valid, payload, quote), the pattern that found it, and a one-line summary. Lines that
//! use a field or value of vocabulary 2 (design-v2: `attested`, `decided`, ...) carry
//! `"version":2`.

use serde_json::{Map, Value};

use super::entities::NewEntity;
use super::sentences::quote_text;

/// A fact a pattern found, before it gets its id.
#[derive(Debug, Clone)]
pub struct Draft {
    pub pattern: &'static str,
    pub kind: &'static str,
    pub valid: String,
    pub payload: Value,
    /// The quote, as byte offsets in the text.
    pub span: (usize, usize),
    /// What the id says (made unique later).
    pub id_hint: String,
    /// Entities the fact names that the draft registers.
    pub new: Vec<NewEntity>,
}

impl Draft {
    pub fn new(
        pattern: &'static str,
        kind: &'static str,
        valid: impl Into<String>,
        payload: Value,
        span: (usize, usize),
        id_hint: impl Into<String>,
    ) -> Draft {
        Draft {
            pattern,
            kind,
            valid: valid.into(),
            payload,
            span,
            id_hint: id_hint.into(),
            new: Vec::new(),
        }
    }

    /// Adds the registrations of entities the fact names for the first time.
    pub fn registering(mut self, new: impl IntoIterator<Item = Option<NewEntity>>) -> Draft {
        for n in new.into_iter().flatten() {
            if !self.new.iter().any(|m| m.id == n.id) {
                self.new.push(n);
            }
        }
        self
    }

    /// The registration of a new entity, as the text defines it (pattern `definition`:
    /// "Full Name (ACRONYM)", an instrument or office named with its head word).
    pub fn registration(new: &NewEntity, published: &str) -> Draft {
        let mut payload = Map::new();
        payload.insert("id".into(), Value::from(new.id.clone()));
        payload.insert("type".into(), Value::from(new.entity_type));
        payload.insert("name".into(), Value::from(new.name.clone()));
        if let Some(acronym) = &new.acronym {
            payload.insert("acronym".into(), Value::from(acronym.clone()));
        }
        let slug = new.id.split_once(':').map_or("", |(_, s)| s);
        Draft::new(
            "definition",
            "entity.registered",
            published,
            Value::Object(payload),
            new.quote,
            format!("reg-{}-{slug}", new.entity_type),
        )
    }

    /// What the measurement compares: kind, the entities named, the date, and the role,
    /// status or value (`measure::Key`).
    pub fn key(&self) -> super::measure::Key {
        super::measure::Key::of(self.kind, &self.valid, &self.payload)
    }

    /// Whether two drafts state the same fact: the same key, a term's representative
    /// aside (the caption and the speaker's line of one co-chair are one fact).
    pub fn same_fact(&self, other: &Draft) -> bool {
        let without_representative = |d: &Draft| {
            let mut payload = d.payload.clone();
            if d.kind == "role.assigned"
                && let Some(p) = payload.as_object_mut()
            {
                p.remove("representative");
            }
            super::measure::Key::of(d.kind, &d.valid, &payload)
        };
        without_representative(self) == without_representative(other)
    }

    /// Whether this draft says more of the same fact than `other` (a representative).
    pub fn fuller_than(&self, other: &Draft) -> bool {
        self.payload.get("representative").is_some()
            && other.payload.get("representative").is_none()
    }
}

/// A proposed event line.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub pattern: &'static str,
    pub id: String,
    pub kind: &'static str,
    pub valid: String,
    pub payload: Value,
    pub quote: String,
    /// Byte offsets of the quote in the text.
    pub span: (usize, usize),
}

/// Payload fields and values that only vocabulary 2 has.
const V2_FIELDS: &[&str] = &[
    "attested",
    "decided",
    "published_in",
    "amends",
    "transposition_deadline",
    "subject",
];

impl Proposal {
    pub fn from_draft(draft: Draft, id: String, text: &str) -> Proposal {
        Proposal {
            pattern: draft.pattern,
            id,
            kind: draft.kind,
            valid: draft.valid,
            payload: draft.payload,
            quote: quote_text(&text[draft.span.0..draft.span.1]),
            span: draft.span,
        }
    }

    /// The vocabulary version the line needs.
    pub fn version(&self) -> u32 {
        let fields = self.payload.as_object();
        let v2_field = fields.is_some_and(|f| V2_FIELDS.iter().any(|k| f.contains_key(*k)));
        let v2_status = self.kind == "instrument.status"
            && matches!(
                self.payload["status"].as_str(),
                Some("published" | "revision_concluded")
            );
        let v2_kind = matches!(self.kind, "entity.renamed" | "entity.aliased");
        if v2_field || v2_status || v2_kind {
            2
        } else {
            1
        }
    }

    /// The event line, fields in the order `export` writes them, payload keys sorted.
    pub fn line(&self, recorded_at: &str, recorded_by: &str) -> String {
        let s = |v: &str| serde_json::to_string(v).expect("strings serialise");
        let mut line = format!("{{\"id\":{},\"kind\":{},", s(&self.id), s(self.kind));
        if self.version() != 1 {
            line.push_str(&format!("\"version\":{},", self.version()));
        }
        line.push_str(&format!(
            "\"valid\":{},\"payload\":{},\"quote\":{},\"recorded_at\":{},\"recorded_by\":{}}}",
            s(&self.valid),
            crate::canonical::to_string(&self.payload),
            s(&self.quote),
            s(recorded_at),
            s(recorded_by)
        ));
        line
    }

    /// The payload as vocabulary 1 reads it: the fields of vocabulary 2 left out. What
    /// the current ingest accepts, and what `check` validates.
    pub fn v1_payload(&self) -> Value {
        let mut payload = self.payload.clone();
        if let Some(fields) = payload.as_object_mut() {
            for field in V2_FIELDS {
                fields.remove(*field);
            }
        }
        payload
    }

    /// One line for the terminal: kind, date, what it says, and the pattern.
    pub fn summary(&self) -> String {
        let p = &self.payload;
        let s = |k: &str| p[k].as_str().unwrap_or("").to_owned();
        let list = |k: &str| {
            p[k].as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default()
        };
        let what = match self.kind {
            "entity.registered" => format!("{} \"{}\"", s("id"), s("name")),
            "membership.joined" => format!("{} joins {}", s("member"), s("group")),
            "role.assigned" => format!("{} {} of {}", s("holder"), s("role"), s("group")),
            "person.represents" => format!("{} for {}", s("person"), s("org")),
            "call.issued" => format!("\"{}\" by {}", s("title"), list("issuers")),
            "commitment.set" => format!(
                "\"{}\" of {} ({} items)",
                s("title"),
                s("owner"),
                p["items"].as_array().map_or(0, Vec::len)
            ),
            "instrument.status" => format!("{} {}", s("instrument"), s("status")),
            "meeting.held" => format!("\"{}\" by [{}]", s("title"), list("organisers")),
            "publication.released" => format!("\"{}\" by {}", s("title"), s("publisher")),
            "statistic.reported" => format!(
                "{}{} {} ({})",
                p["qualifier"]
                    .as_str()
                    .map(|q| format!("{q} "))
                    .unwrap_or_default(),
                p["value"],
                s("unit"),
                s("label")
            ),
            _ => String::new(),
        };
        let attested = if p["attested"] == Value::Bool(true) {
            " (attested)"
        } else {
            ""
        };
        format!(
            "{:<20} {:<16} {what}{attested}  [{}]",
            self.kind, self.valid, self.pattern
        )
    }

    /// Checks the line as the tool does (vocabulary, dates, the quote in `text`), with
    /// the fields of vocabulary 2 left out.
    pub fn check(&self, text: &str) -> Result<(), crate::error::Problem> {
        use crate::event::validate::{Source, check};
        let sha = crate::entity::Sha256::of(text.as_bytes());
        let searchable = crate::document::SearchableText::new(text);
        let line = crate::event::EventLine {
            id: Some(self.id.clone()),
            kind: self.kind.to_owned(),
            version: None,
            valid: self.valid.clone(),
            payload: self.v1_payload(),
            source: None,
            quote: Some(self.quote.clone()),
            recorded_at: None,
            recorded_by: None,
        };
        check(
            line,
            Some(Source {
                sha256: &sha,
                text: &searchable,
            }),
        )
        .map(|_| ())
    }
}
