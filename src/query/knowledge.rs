//! Which record a question reads: the whole log or what it held at a seq (`--known-at`),
//! optionally only what documents published by a day said (`--reported-by`); and the
//! head an answer is stamped with.

use crate::date::Day;
use crate::error::{Error, Result};
use crate::store::{EventFilter, GENESIS, Head, Store};

/// Which record to read: everything, or only what the log held at a seq; and optionally
/// only events whose source was published by a day (what a contemporary could know).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Knowledge {
    pub known_at: Option<i64>,
    pub reported_by: Option<Day>,
}

/// Whether the materialised facts answer for this knowledge: they hold the head's.
pub(super) fn is_materialised(store: &Store, knowledge: Knowledge) -> Result<bool> {
    Ok(knowledge.reported_by.is_none()
        && match knowledge.known_at {
            None => true,
            Some(seq) => seq >= store.head()?.seq,
        })
}

/// Resolves `--known-at`: a seq, or an RFC 3339 time (the last event recorded by then).
pub fn resolve_known_at(store: &Store, text: &str) -> Result<i64> {
    if let Ok(seq) = text.parse::<i64>() {
        if seq < 0 {
            return Err(Error::Usage(format!(
                "--known-at {seq}: a seq is 0 or more"
            )));
        }
        return Ok(seq);
    }
    let time = chrono::DateTime::parse_from_rfc3339(text)
        .map_err(|e| {
            Error::Usage(format!(
                "--known-at `{text}` is neither a seq nor an RFC 3339 time: {e}"
            ))
        })?
        .with_timezone(&chrono::Utc);
    // Transaction time never goes backwards along seq (ingest and append refuse it), so
    // the last event recorded by `time` is found by bisection, comparing times, not text.
    let recorded_by = |seq: i64| -> Result<bool> {
        let at = store.recorded_at(seq)?;
        Ok(at
            .as_deref()
            .and_then(|a| crate::clock::parse(a).ok())
            .is_some_and(|a| a <= time))
    };
    let (mut known, mut unknown) = (0, store.head()?.seq + 1);
    while unknown - known > 1 {
        let mid = known + (unknown - known) / 2;
        if recorded_by(mid)? {
            known = mid;
        } else {
            unknown = mid;
        }
    }
    Ok(known)
}

/// The head a state was computed from: the log head, or the event at `known_at`.
pub fn head_at(store: &Store, known_at: Option<i64>) -> Result<Head> {
    let head = store.head()?;
    match known_at {
        Some(seq) if seq < head.seq => {
            let mut found = None;
            let filter = EventFilter {
                after: Some(seq - 1),
                upto: Some(seq),
                ..EventFilter::default()
            };
            store.for_each_event(&filter, |e| {
                found = Some(Head {
                    seq: e.seq,
                    hash: e.hash,
                    recorded_at: Some(e.recorded_at),
                });
                Ok(())
            })?;
            Ok(found.unwrap_or(Head {
                seq: 0,
                hash: GENESIS.into(),
                recorded_at: None,
            }))
        }
        _ => Ok(head),
    }
}
