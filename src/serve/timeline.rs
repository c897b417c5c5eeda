//! `/api/timeline`: the facts that count after the fold (retractions and corrections
//! applied, as known at a seq), each with its valid time split into the spans the page
//! draws: where a term or an occurrence is certain, and where it is only possible.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::Value;

use crate::date::{ValidTime, day_string};
use crate::error::Result;
use crate::event::Envelope as Fact;
use crate::event::{EntityRegistered, Event};
use crate::projection::{Fold as Folded, HeadRef};
use crate::query::{Knowledge, head_at, replay};
use crate::store::{EventFilter, Store};

#[derive(Serialize)]
pub struct Timeline {
    pub known_at: Option<i64>,
    pub log_head: HeadRef,
    /// Names of the things the facts refer to.
    pub entities: BTreeMap<String, EntityRegistered>,
    /// Every fact but entity registrations, in log order.
    pub facts: Facts,
}

/// The folded facts, each turned into a `FactView` only as it is written: on a large log
/// the views of every fact at once took more memory than the fold and the body together.
pub struct Facts {
    folded: Folded,
    /// Where each event's quote stands in its source, by seq.
    offsets: HashMap<i64, (Option<i64>, Option<i64>)>,
}

impl Serialize for Facts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.folded
                .facts()
                .filter(|f| !matches!(f.event, Event::EntityRegistered(_)))
                .map(|f| self.view(f)),
        )
    }
}

impl Facts {
    fn view<'f>(&self, f: &'f Fact) -> FactView<'f> {
        let (quote_start, quote_end) = self.offsets.get(&f.seq).copied().unwrap_or_default();
        let mut event = serde_json::to_value(&f.event).expect("serialises");
        FactView {
            seq: f.seq,
            id: &f.id,
            kind: f.event.kind(),
            valid: f.valid.as_str(),
            span: Span::of(&f.valid),
            payload: event["payload"].take(),
            source: f.source.as_deref(),
            quote: f.quote.as_deref(),
            quote_start,
            quote_end,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct FactView<'f> {
    pub seq: i64,
    /// The event cited as evidence (for a correction, the correction).
    pub id: &'f str,
    pub kind: &'static str,
    pub valid: &'f str,
    pub span: Span,
    pub payload: Value,
    pub source: Option<&'f str>,
    pub quote: Option<&'f str>,
    /// Where the quote stands in the source's text, in characters `[start, end)`.
    pub quote_start: Option<i64>,
    pub quote_end: Option<i64>,
}

/// A valid time as days. A single date is one endpoint (`start` = `end`); an interval
/// `A/B` began within `start` and ended within `end`, either one open (`null`). Each
/// endpoint is `[first, last]` day. `qualified` (`~`, `?`) means never more than possible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    pub point: bool,
    pub start: Option<[String; 2]>,
    pub end: Option<[String; 2]>,
    pub qualified: bool,
}

impl Span {
    pub fn of(valid: &ValidTime) -> Span {
        let (point, start, end) = match valid.as_str().split_once('/') {
            None => {
                let whole = endpoint(valid);
                (true, whole.clone(), whole)
            }
            Some((a, b)) => (false, side(a), side(b)),
        };
        Span {
            point,
            start,
            end,
            qualified: valid.is_qualified(),
        }
    }
}

fn endpoint(valid: &ValidTime) -> Option<[String; 2]> {
    Some([day_string(valid.from()?), day_string(valid.to()?)])
}

/// One side of an EDTF interval, parsed as a date of its own; empty or `..` is open.
fn side(text: &str) -> Option<[String; 2]> {
    match text {
        "" | ".." => None,
        _ => ValidTime::parse(text).ok().as_ref().and_then(endpoint),
    }
}

pub fn timeline(store: &Store, knowledge: Knowledge) -> Result<Timeline> {
    let folded = replay(store, knowledge)?;
    let head = head_at(store, knowledge.known_at)?;
    let mut offsets: HashMap<i64, (Option<i64>, Option<i64>)> = HashMap::new();
    let filter = EventFilter {
        upto: knowledge.known_at,
        ..EventFilter::default()
    };
    store.for_each_event(&filter, |e| {
        offsets.insert(e.seq, (e.quote_start, e.quote_end));
        Ok(())
    })?;
    let entities = folded.entities();
    Ok(Timeline {
        known_at: knowledge.known_at,
        log_head: HeadRef {
            seq: head.seq,
            hash: head.hash,
        },
        entities,
        facts: Facts { folded, offsets },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str) -> Span {
        Span::of(&ValidTime::parse(text).unwrap())
    }

    fn days(a: &str, b: &str) -> Option<[String; 2]> {
        Some([a.to_owned(), b.to_owned()])
    }

    #[test]
    fn a_single_date_is_one_endpoint() {
        let s = span("2023");
        assert!(s.point && !s.qualified);
        assert_eq!(s.start, days("2023-01-01", "2023-12-31"));
        assert_eq!(s.end, s.start);
        assert_eq!(span("2020-12-15").start, days("2020-12-15", "2020-12-15"));
        assert!(span("2023~").qualified);
    }

    #[test]
    fn an_interval_has_two_endpoints_either_open() {
        let s = span("2019/2020");
        assert!(!s.point);
        assert_eq!(s.start, days("2019-01-01", "2019-12-31"));
        assert_eq!(s.end, days("2020-01-01", "2020-12-31"));
        let open_end = span("2020-12/..");
        assert_eq!(open_end.start, days("2020-12-01", "2020-12-31"));
        assert_eq!(open_end.end, None);
        let open_start = span("../2024-10-17");
        assert_eq!(open_start.start, None);
        assert_eq!(open_start.end, days("2024-10-17", "2024-10-17"));
    }
}
