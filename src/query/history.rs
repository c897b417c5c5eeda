//! `history ID`: every event that names an entity, in valid-time order, with its
//! transaction time, source and quote, and whether it was later retracted or corrected.

use std::collections::HashMap;

use serde::Serialize;

use crate::error::Result;
use crate::event::{Event, InstrumentStatus};
use crate::projection::periods::day_number;
use crate::store::{EventFilter, Store};

#[derive(Debug, Clone, Serialize)]
pub struct History {
    pub entity: String,
    pub name: Option<String>,
    pub events: Vec<HistoryEvent>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryEvent {
    pub seq: i64,
    pub id: String,
    pub kind: String,
    pub valid: String,
    pub recorded_at: String,
    pub recorded_by: String,
    pub payload: serde_json::Value,
    pub source: Option<SourceRef>,
    pub quote: Option<String>,
    /// `retracted by X` or `corrected by X`, when a later event says so.
    pub status: Option<String>,
    /// What the event says of the entity beyond its kind, in words, where the kind alone
    /// does not: "renamed …", "amended by …", "attested (start not given)", ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceRef {
    pub sha256: String,
    pub title: String,
    pub published: String,
}

pub fn history(store: &Store, entity: &str) -> Result<History> {
    super::require_entity(store, "entity", entity)?;
    let documents: HashMap<String, SourceRef> = store
        .documents()?
        .into_iter()
        .map(|d| {
            (
                d.sha256.to_string(),
                SourceRef {
                    sha256: d.sha256.to_string(),
                    title: d.title,
                    published: d.published,
                },
            )
        })
        .collect();
    let mut events = Vec::new();
    let filter = EventFilter {
        entity: Some(entity.to_owned()),
        ..EventFilter::default()
    };
    let mut valid_from: HashMap<String, Option<String>> = HashMap::new();
    let mut decoded = Vec::new();
    store.for_each_event(&filter, |e| {
        decoded.push(e.envelope().ok());
        valid_from.insert(e.id.clone(), e.valid_from.clone());
        events.push(HistoryEvent {
            seq: e.seq,
            id: e.id.clone(),
            kind: e.kind.clone(),
            valid: e.valid.clone(),
            recorded_at: e.recorded_at.clone(),
            recorded_by: e.recorded_by.clone(),
            payload: serde_json::from_str(&e.payload).unwrap_or_default(),
            source: e.source.as_ref().and_then(|s| documents.get(s).cloned()),
            quote: e.quote.clone(),
            status: None,
            summary: None,
        });
        Ok(())
    })?;
    for (e, envelope) in events.iter_mut().zip(decoded) {
        if let Some(envelope) = envelope {
            let day = envelope.valid.from().map_or(i32::MIN / 2, day_number);
            e.summary = summary(store, entity, &envelope.event, day)?;
        }
    }
    // The name the registrations that count give (a correction's replacement too), as
    // the last rename calls it; renames are events of the history.
    let name = store
        .entity_names(&[entity])?
        .into_iter()
        .next()
        .map(|n| n.name);
    // Mark events that a later retraction or correction targets.
    let meta = EventFilter {
        kinds: vec!["event.retracted".into(), "event.corrected".into()],
        ..EventFilter::default()
    };
    store.for_each_event(&meta, |m| {
        let target = serde_json::from_str::<serde_json::Value>(&m.payload)
            .ok()
            .and_then(|p| p["target"].as_str().map(str::to_owned));
        if let Some(target) = target
            && let Some(e) = events.iter_mut().find(|e| e.id == target)
        {
            let verb = if m.kind == "event.retracted" {
                "retracted"
            } else {
                "corrected"
            };
            e.status = Some(format!("{verb} by {} at seq {}", m.id, m.seq));
        }
        Ok(())
    })?;
    events.sort_by(|a, b| (valid_from.get(&a.id), a.seq).cmp(&(valid_from.get(&b.id), b.seq)));
    Ok(History {
        entity: entity.to_owned(),
        name,
        events,
    })
}

/// What `event` says of `entity` beyond its kind, with the entities it names as they
/// were called on `day` (a day number).
fn summary(store: &Store, entity: &str, event: &Event, day: i32) -> Result<Option<String>> {
    let name = |id: &str| -> Result<String> {
        Ok(store
            .entity_names_on(&[id], day)?
            .into_iter()
            .next()
            .map_or_else(|| id.to_owned(), |n| n.acronym.unwrap_or(n.name)))
    };
    Ok(match event {
        Event::EntityRenamed(r) => Some(match &r.acronym {
            Some(a) => format!("renamed {} ({a})", r.name),
            None => format!("renamed {}", r.name),
        }),
        Event::EntityAliased(a) => Some(format!("also called {}", a.aliases.join("; "))),
        Event::InstrumentStatus(s) if s.instrument.as_str() != entity => {
            // Named by another instrument's record: it amends this one.
            let by = name(s.instrument.as_str())?;
            Some(format!("amended by {by} ({})", status_words(s, &name)?))
        }
        Event::InstrumentStatus(s) => Some(status_words(s, &name)?),
        Event::RoleAssigned(r) if r.attested => {
            Some("attested as held on this date; no term is known".into())
        }
        Event::RoleAssigned(r) => r
            .decided
            .as_ref()
            .map(|d| format!("endorsed {d} for the term")),
        Event::MembershipJoined(m) if m.attested => {
            Some("attested as a member on this date; the join is not dated".into())
        }
        Event::CommitmentSet(c) if c.attested => {
            Some("attested in force on this date; its adoption is not dated".into())
        }
        Event::PublicationReleased(p) if p.attested => {
            Some("attested to exist on this date; its release is not dated".into())
        }
        Event::StatisticReported(s) if s.subject.as_ref().is_some_and(|x| x.as_str() == entity) => {
            Some(format!(
                "a figure about it: {} {} ({})",
                s.value, s.unit, s.label
            ))
        }
        Event::EventCorrected(c) => {
            summary(store, entity, &c.replacement.event, day)?.map(|s| format!("instead: {s}"))
        }
        _ => None,
    })
}

/// An instrument status in words: "published; published in the Official Journal …".
fn status_words(s: &InstrumentStatus, name: &dyn Fn(&str) -> Result<String>) -> Result<String> {
    let mut words = s.status.as_str().to_owned();
    if s.attested {
        words.push_str(", attested on this date (not begun then)");
    }
    if let Some(p) = &s.published_in {
        words.push_str(&format!("; published in {p}"));
    }
    if !s.amends.is_empty() {
        let amended: Vec<String> = s
            .amends
            .iter()
            .map(|a| name(a.as_str()))
            .collect::<Result<_>>()?;
        words.push_str(&format!("; amends {}", amended.join(", ")));
    }
    if let Some(d) = &s.transposition_deadline {
        words.push_str(&format!("; transposition deadline {d}"));
    }
    if let Some(n) = &s.note {
        words.push_str(&format!("; note: {n}"));
    }
    Ok(words)
}
