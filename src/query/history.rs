//! `history ID`: every event that names an entity, in valid-time order, with its
//! transaction time, source and quote, and whether it was later retracted or corrected.

use std::collections::HashMap;

use serde::Serialize;

use crate::error::Result;
use crate::event::Event;
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
    let mut name = None;
    let filter = EventFilter {
        entity: Some(entity.to_owned()),
        ..EventFilter::default()
    };
    let mut valid_from: HashMap<String, Option<String>> = HashMap::new();
    store.for_each_event(&filter, |e| {
        if let Ok(envelope) = e.envelope()
            && let Event::EntityRegistered(r) = &envelope.event
            && r.id.as_str() == entity
        {
            name = Some(r.name.clone());
        }
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
        });
        Ok(())
    })?;
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
