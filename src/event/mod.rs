//! Events: the line form users write, the validated form the store appends, and the
//! envelope the projection folds.

pub mod json_text;
mod kind;
mod links;
pub mod pairs;
pub mod standing;
pub mod upcast;
pub mod validate;

pub use kind::*;
pub use links::Reference;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::clock::Stamp;
use crate::date::ValidTime;
use crate::entity::{EventId, Sha256};

/// One event line as written in an events file or given to `append`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EventLine {
    #[serde(default)]
    pub id: Option<String>,
    pub kind: String,
    /// Vocabulary version of the payload; absent means 1.
    #[serde(default)]
    pub version: Option<u32>,
    pub valid: String,
    pub payload: Value,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
    #[serde(default)]
    pub recorded_at: Option<String>,
    #[serde(default)]
    pub recorded_by: Option<String>,
}

/// An event line as `validate::check` takes it: the payload still JSON, or already
/// decoded into the vocabulary (`validate::read_line`, for ingest).
#[derive(Debug, Clone)]
pub struct Line {
    pub id: Option<String>,
    pub kind: String,
    pub version: Option<u32>,
    pub valid: String,
    pub payload: Payload,
    pub source: Option<String>,
    pub quote: Option<String>,
    pub recorded_at: Option<Stamp>,
    pub recorded_by: Option<String>,
    /// The line's place among lines of the same `recorded_at` (docs/file-format.md): a
    /// hint for ingest's merge of files, not part of the event.
    pub order: Option<u64>,
}

#[derive(Debug, Clone)]
pub enum Payload {
    Json(Value),
    /// Read straight into the current vocabulary; no upcasting needed.
    Decoded(Event),
}

impl From<EventLine> for Line {
    fn from(line: EventLine) -> Line {
        Line {
            id: line.id,
            kind: line.kind,
            version: line.version,
            valid: line.valid,
            payload: Payload::Json(line.payload),
            source: line.source,
            quote: line.quote,
            recorded_at: line.recorded_at.map(Stamp::read),
            recorded_by: line.recorded_by,
            order: None,
        }
    }
}

/// A validated event, not yet in the chain.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub id: EventId,
    pub version: u32,
    pub valid: ValidTime,
    pub event: Event,
    /// The payload as canonical JSON, exactly as stored and hashed.
    pub payload: String,
    pub source: Option<Sha256>,
    pub quote: Option<String>,
    /// Where the quote was found in the source: char offsets `[start, end)`.
    pub quote_span: Option<(usize, usize)>,
    /// As given in a file (a valid time); `None` means "stamp with the batch's clock".
    pub recorded_at: Option<Stamp>,
    pub recorded_by: Option<String>,
}

impl NewEvent {
    /// Whether a stored event says the same thing (ignoring transaction time).
    pub fn same_content(&self, stored: &StoredEvent) -> bool {
        self.event.kind() == stored.kind
            && self.version == stored.version
            && self.valid.as_str() == stored.valid
            && self.payload == stored.payload
            && self.source.as_ref().map(Sha256::as_str) == stored.source.as_deref()
            && self.quote == stored.quote
    }
}

/// An event as the log holds it: one row of `events`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: i64,
    pub id: String,
    pub kind: String,
    pub version: u32,
    pub valid: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub payload: String,
    pub source: Option<String>,
    pub quote: Option<String>,
    pub quote_start: Option<i64>,
    pub quote_end: Option<i64>,
    pub recorded_at: String,
    pub recorded_by: String,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredEvent {
    /// The event as a line of an events file. `with_source` adds `source` (for lines that
    /// are not under their document's header). Field order is fixed so that export is
    /// byte-stable.
    pub fn to_line(&self, with_source: bool) -> String {
        let s = |v: &str| serde_json::to_string(v).expect("strings serialise");
        let mut line = format!("{{\"id\":{},\"kind\":{},", s(&self.id), s(&self.kind));
        if self.version != 1 {
            line.push_str(&format!("\"version\":{},", self.version));
        }
        line.push_str(&format!(
            "\"valid\":{},\"payload\":{}",
            s(&self.valid),
            self.payload
        ));
        if with_source && let Some(source) = &self.source {
            line.push_str(&format!(",\"source\":{}", s(source)));
        }
        if let Some(quote) = &self.quote {
            line.push_str(&format!(",\"quote\":{}", s(quote)));
        }
        line.push_str(&format!(
            ",\"recorded_at\":{},\"recorded_by\":{}}}",
            s(&self.recorded_at),
            s(&self.recorded_by)
        ));
        line
    }

    /// The event as JSON for `log --format json` and the API.
    pub fn to_json(&self) -> Value {
        let payload: Value = serde_json::from_str(&self.payload).unwrap_or(Value::Null);
        serde_json::json!({
            "seq": self.seq,
            "id": self.id,
            "kind": self.kind,
            "version": self.version,
            "valid": self.valid,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "payload": payload,
            "source": self.source,
            "quote": self.quote,
            "quote_start": self.quote_start,
            "quote_end": self.quote_end,
            "recorded_at": self.recorded_at,
            "recorded_by": self.recorded_by,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        })
    }

    /// Decodes the stored row into the typed envelope the projection folds, upcasting
    /// payloads of older vocabulary versions.
    pub fn envelope(&self) -> Result<Envelope, String> {
        let event = upcast::decode(&self.kind, self.version, &self.payload)?;
        let valid = ValidTime::parse(&self.valid).map_err(|e| e.to_string())?;
        Ok(Envelope {
            seq: self.seq,
            id: self.id.clone(),
            valid,
            event,
            source: self.source.clone(),
            quote: self.quote.clone(),
        })
    }
}

/// An event as the fold sees it: decoded, with its place in the log and its evidence.
/// The fold keeps the envelopes of the facts that count; a correction's replacement
/// counts in the correction's envelope (its seq, id, source and quote).
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// The seq of the event (the correction's, for a replacement).
    pub seq: i64,
    /// The event id cited as evidence.
    pub id: String,
    pub valid: ValidTime,
    pub event: Event,
    pub source: Option<String>,
    pub quote: Option<String>,
}
