//! The full replay: every event the knowledge admits, folded in log order. What the
//! stored periods are proven equal to, and what answers a question they cannot.

use std::collections::HashMap;

use super::Knowledge;
use crate::date::{Day, ValidTime};
use crate::error::{Error, Result};
use crate::projection::Fold;
use crate::store::{EventFilter, Store};

/// Folds the log (up to `knowledge.known_at`) into a fold.
pub fn replay(store: &Store, knowledge: Knowledge) -> Result<Fold> {
    let published: HashMap<String, Option<Day>> = match knowledge.reported_by {
        Some(_) => store
            .documents()?
            .into_iter()
            .map(|d| {
                let to = ValidTime::parse(&d.published).ok().and_then(|v| v.to());
                (d.sha256.to_string(), to)
            })
            .collect(),
        None => HashMap::new(),
    };
    let mut fold = Fold::default();
    let filter = EventFilter {
        upto: knowledge.known_at,
        ..EventFilter::default()
    };
    store.for_each_event(&filter, |stored| {
        if let (Some(day), Some(source)) = (knowledge.reported_by, &stored.source)
            && published
                .get(source)
                .copied()
                .flatten()
                .is_none_or(|p| p > day)
        {
            return Ok(());
        }
        let envelope = stored.envelope().map_err(|e| {
            Error::VerifyFailed(format!(
                "event {} cannot be read: {e}; run `policylog verify`",
                stored.id
            ))
        })?;
        fold.apply(&envelope);
        Ok(())
    })?;
    Ok(fold)
}
