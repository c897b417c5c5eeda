//! Deriving every table again from the events alone (`rebuild`), and the two fix-ups that
//! upgrades of older logs need where SQL cannot fill a table: entity names (schema 7) and
//! the exact group listings of keys whose facts were taken out (schema 9).

use std::collections::HashMap;

use super::InHand;
use crate::error::{Error, Result};
use crate::projection::Section;
use crate::store::events::for_each_event;
use crate::store::{EventFilter, Store};

impl Store {
    /// Drops every derived table's rows and derives them again from the events, in one
    /// transaction. Returns the number of events replayed.
    pub fn rebuild(&mut self) -> Result<i64> {
        self.rebuild_holding(None)
    }

    /// `rebuild`, holding at most `facts_in_hand` facts in hand (the batch's own budget
    /// when `None`): the tests derive the same tables with none.
    pub(crate) fn rebuild_holding(&mut self, facts_in_hand: Option<usize>) -> Result<i64> {
        let mut batch = self.batch()?;
        if let Some(budget) = facts_in_hand {
            batch.derived.in_hand = InHand::up_to(budget);
        }
        batch.tx.execute_batch(
            "DELETE FROM event_refs; DELETE FROM entities; DELETE FROM facts;
             DELETE FROM fact_keys; DELETE FROM displaced;
             DELETE FROM key_periods; DELETE FROM key_period_spans; DELETE FROM key_period_groups;
             DELETE FROM statistic_period_groups; DELETE FROM entity_names;
             DELETE FROM entity_name_periods; DELETE FROM fact_days;",
        )?;
        batch.derived.log_without_keys = true;
        let head = batch.head.seq;
        let mut count = 0;
        let mut after = 0;
        // In chunks, so that the read never holds the whole log in memory.
        while after < head {
            let filter = EventFilter {
                after: Some(after),
                upto: Some(after + 10_000),
                ..EventFilter::default()
            };
            let mut chunk = Vec::new();
            for_each_event(&batch.tx, &filter, |e| {
                chunk.push(e);
                Ok(())
            })?;
            for stored in &chunk {
                let envelope = stored.envelope().map_err(|e| {
                    Error::VerifyFailed(format!(
                        "event {} cannot be read: {e}; run `policylog verify`",
                        stored.id
                    ))
                })?;
                batch.derive(envelope)?;
                count += 1;
            }
            after += 10_000;
        }
        batch.commit()?;
        Ok(count)
    }

    /// Fills `entity_names` (schema 7) from the registrations that count, for a log
    /// upgraded from schema 4–6 whose other derived tables are already in place.
    pub(in crate::store) fn fill_entity_names(&mut self) -> Result<()> {
        let mut batch = self.batch()?;
        let key_ids = batch.name_key_ids()?;
        for key_id in key_ids {
            batch.settle_name(key_id)?;
        }
        batch.commit()
    }

    /// Schema 9 listed each key's periods under the (group, key) pairs of schema 8, which
    /// kept the groups of facts taken out since (retracted, or corrected to name other
    /// groups). Settles again the keys of every event a retraction or correction targets,
    /// with all the groups their periods are listed under as possibly taken out.
    pub(in crate::store) fn relist_targeted_keys(&mut self) -> Result<()> {
        let mut targets = Vec::new();
        let filter = EventFilter {
            kinds: vec!["event.retracted".into(), "event.corrected".into()],
            ..EventFilter::default()
        };
        self.for_each_event(&filter, |e| {
            if let Some(target) = e
                .envelope()
                .ok()
                .and_then(|env| env.event.target().cloned())
            {
                targets.push(target);
            }
            Ok(())
        })?;
        let mut batch = self.batch()?;
        let mut keys: HashMap<i64, Option<Section>> = HashMap::new();
        for target in targets {
            if let Some((row, _, key_id)) = batch.asserted_fact(target.as_str())? {
                keys.insert(key_id, row.section);
            }
        }
        if keys.is_empty() {
            return Ok(());
        }
        for (key_id, grp) in batch.listings_of(&keys)? {
            batch
                .derived
                .dropped_groups
                .entry(key_id)
                .or_default()
                .push(grp);
        }
        batch.derived.touched = keys;
        batch.commit()
    }
}

#[cfg(test)]
mod tests {
    use crate::store::curated_log::corrected;

    #[test]
    fn facts_in_hand_and_facts_read_back_derive_the_same_tables() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = corrected(&dir);
        let incremental = store.derived_tables_dump().unwrap();
        // Every fact read back; every fact in hand; in hand until the budget runs out
        // half-way through the batch.
        for budget in [Some(0), None, Some(60)] {
            store.rebuild_holding(budget).unwrap();
            assert_eq!(
                store.derived_tables_dump().unwrap(),
                incremental,
                "holding {budget:?}"
            );
        }
    }
}
