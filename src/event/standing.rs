//! Which events a retraction or correction can still change, and the refusal of those
//! that would change nothing (docs/vocabulary.md): the bookkeeping of the fold
//! (`projection`), kept by ingest for the log's retractions and corrections only.

use std::collections::{HashMap, HashSet};

use super::{Event, StoredEvent};
use crate::error::Problem;

/// Which events no longer count, and why, as the fold (`projection`) has it: a retraction
/// takes its target out (a correction's target comes back), a correction puts its
/// replacement in the target's place; neither does anything to a target already out.
#[derive(Default)]
pub struct Standing {
    /// Event id → the retraction or correction that took it out.
    gone: HashMap<String, String>,
    /// Correction id → the event it took out (brought back if the correction is retracted).
    displaced: HashMap<String, String>,
    /// Event id → its latest correction (whose replacement counts unless it is gone).
    corrected_by: HashMap<String, String>,
    retractions: HashSet<String>,
}

impl Standing {
    /// Takes one retraction or correction into account (other events change nothing).
    pub fn apply(&mut self, id: &str, event: &Event) {
        let Some(target) = event.target().map(|t| t.to_string()) else {
            return;
        };
        let counts = !self.retractions.contains(&target) && !self.gone.contains_key(&target);
        match event {
            Event::EventRetracted(_) => {
                self.retractions.insert(id.to_owned());
                if counts {
                    if let Some(original) = self.displaced.remove(&target) {
                        self.gone.remove(&original);
                    }
                    self.gone.insert(target, id.to_owned());
                }
            }
            _ => {
                if counts {
                    self.displaced.insert(id.to_owned(), target.clone());
                    self.gone.insert(target.clone(), id.to_owned());
                }
                self.corrected_by.insert(target, id.to_owned());
            }
        }
    }

    /// The correction whose replacement counts for `id`, if any.
    fn counting_correction(&self, id: &str) -> Option<&String> {
        self.corrected_by
            .get(id)
            .filter(|c| !self.gone.contains_key(c.as_str()))
    }

    /// A retraction or correction must change something (docs/vocabulary.md): retracting
    /// a retraction, or an event already retracted or replaced, did nothing; correcting a
    /// retraction, or an event already replaced, put a second fact beside the first.
    pub fn check(&self, event: &Event, target: &StoredEvent) -> Result<(), Problem> {
        let what = if matches!(event, Event::EventRetracted(_)) {
            "retract"
        } else {
            "correct"
        };
        if target.kind == "event.retracted" {
            let retracted = super::upcast::decode(&target.kind, target.version, &target.payload)
                .ok()
                .and_then(|e| e.target().map(|t| t.to_string()))
                .unwrap_or_else(|| "its target".into());
            return Err(Problem::TargetDoesNotCount(format!(
                "`{}` is a retraction, which asserts nothing: there is nothing to {what}. To restore `{retracted}`, record an event.corrected of `{retracted}` (its replacement counts from then on: `policylog correct {retracted} --json '{{}}' --reason …` restates it as it was) or state the fact again as a new event",
                target.id
            )));
        }
        let id = &target.id;
        if what == "correct" {
            return match self.counting_correction(id) {
                Some(by) => Err(Problem::TargetDoesNotCount(format!(
                    "`{id}` was already corrected by `{by}`; correct `{by}` instead, so that one replacement counts"
                ))),
                None => Ok(()),
            };
        }
        if let Some(by) = self.counting_correction(id) {
            return Err(Problem::TargetDoesNotCount(format!(
                "`{id}` was corrected by `{by}`, whose replacement counts instead; retract `{by}` to take the replacement out"
            )));
        }
        match self.gone.get(id) {
            Some(by) => Err(Problem::TargetDoesNotCount(format!(
                "`{id}` was already retracted by `{by}`; retracting it again would change nothing"
            ))),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventCorrected, EventRetracted, Replacement};

    fn retract(target: &str) -> Event {
        Event::EventRetracted(EventRetracted {
            target: crate::entity::EventId::parse(target).unwrap(),
            reason: "r".into(),
        })
    }

    fn correct(target: &str) -> Event {
        let replacement: Replacement = serde_json::from_value(serde_json::json!({
            "valid": "2020", "kind": "membership.joined",
            "payload": {"member": "org:a", "group": "org:b"}
        }))
        .unwrap();
        Event::EventCorrected(EventCorrected {
            target: crate::entity::EventId::parse(target).unwrap(),
            replacement,
            reason: "r".into(),
        })
    }

    #[test]
    fn as_the_fold_has_it_retracting_a_correction_brings_its_target_back() {
        let mut s = Standing::default();
        s.apply("c1", &correct("e"));
        assert_eq!(s.gone.get("e").map(String::as_str), Some("c1"));
        assert_eq!(s.counting_correction("e").map(String::as_str), Some("c1"));
        s.apply("r1", &retract("c1"));
        assert!(!s.gone.contains_key("e"), "e counts again");
        assert_eq!(s.counting_correction("e"), None);
        // A retraction of a retraction, or of what is out already, changes nothing.
        s.apply("r2", &retract("r1"));
        s.apply("r3", &retract("c1"));
        assert_eq!(s.gone.get("c1").map(String::as_str), Some("r1"));
        assert!(!s.gone.contains_key("r1"));
    }
}
