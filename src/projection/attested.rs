//! Facts a source attests at a date without saying when they began or end (decision
//! 0006, `attested: true`): how sure such a fact is on a day, and which attestations an
//! entry resting on them names. Pure, for the per-key step (`entry.rs`).

use super::Attestation;
use crate::date::{Certainty, Day};
use crate::event::Envelope;

/// How surely a fact attested at `f.valid` holds on `day`: nothing before the date's
/// first day, possible within it while it is imprecise, certain on its last day, and
/// after it an attested continuation (`Attested`). A qualified date (`~`, `?`) is never
/// more than possible; neither is a date with no last day.
pub fn attested_at(f: &Envelope, day: Day) -> Option<Certainty> {
    match f.valid.occurred_by(day)? {
        Certainty::Certain if f.valid.to().is_some_and(|last| day > last) => {
            Some(Certainty::Attested)
        }
        other => Some(other),
    }
}

/// How surely a fact holds on `day` when it happened within its `valid` (a join, a status
/// reported, a version set): by its date, or as attested.
pub fn occurred_at(f: &Envelope, day: Day) -> Option<Certainty> {
    if f.event.is_attested() {
        attested_at(f, day)
    } else {
        f.valid.occurred_by(day)
    }
}

/// What an entry resting on attestations names: `latest`, its latest attestation on or
/// before `day`, and the next attestation of the same fact after `day` among the key's
/// `facts` (in (valid from, seq) order). `again` tells of a fact after `day` whether it
/// attests the same fact again (`Some(true)`), ends or replaces it first (`Some(false)`:
/// no later source of this fact), or neither (`None`).
pub fn attestation(
    latest: &Envelope,
    facts: &[&Envelope],
    day: Day,
    again: impl Fn(&Envelope) -> Option<bool>,
) -> Attestation {
    let next = facts
        .iter()
        .filter(|f| f.valid.occurred_by(day).is_none())
        .find_map(|f| again(f).map(|same| same.then_some(*f)))
        .flatten();
    Attestation {
        attested: latest.valid.as_str().to_owned(),
        attested_next: next.map(|f| f.valid.as_str().to_owned()),
    }
}

/// The surest certainty among facts that each support the whole entry (several sources of
/// one call, one meeting, one publication): one source that makes it certain is enough.
/// `Possible` when none has happened by `day` (callers pass facts that have). By date
/// alone: a thing issued, held or released does not end, so a publication attested at a
/// date is certain after it, not carried on as attested.
pub fn surest(facts: &[&Envelope], day: Day) -> Certainty {
    facts
        .iter()
        .filter_map(|f| f.valid.occurred_by(day))
        .max()
        .unwrap_or(Certainty::Possible)
}
