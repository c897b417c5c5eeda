//! What a fold key shows, period by period: the entry it shows, stretch of days by
//! stretch of days, which the store keeps for every key (`key_periods`). Pure: `store`
//! runs the SQL.
//!
//! A fold key is what `Fold::at` groups facts by (a membership pair, a role holder, a
//! call, an indicator, ...). Its periods come from running the same per-key fold
//! (`entry_at`) on every day a fact's certainty can change, so a query for day D reads
//! the periods in force on D and gets the answer a full replay gives, at a cost that
//! follows the size of the answer.

use chrono::Datelike;

use super::entry::entry_at;
use super::{Entry, Section};
use crate::date::{Day, ValidTime};
use crate::event::{Envelope, Event};

/// Day numbers for open ends.
pub const OPEN_START: i32 = -10_000_000;
pub const OPEN_END: i32 = 10_000_000;

pub fn day_number(day: Day) -> i32 {
    day.num_days_from_ce()
}

/// A stretch of days over which a key shows the same entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    pub from_day: i32,
    /// The last day, inclusive (`OPEN_END` when it lasts).
    pub to_day: i32,
    pub entry: Entry,
    /// The seqs of the facts the entry cites, for its evidence.
    pub cites: Vec<i64>,
}

/// What a key shows, period by period: the entry `entry_at` gives on each day, merged
/// where consecutive days agree. Entries only change on the days a fact's certainty can
/// change (`ValidTime::changes`), so evaluating those days is enough. Days showing
/// nothing have no period.
pub fn periods(section: Section, facts: Vec<&Envelope>) -> Vec<Period> {
    let mut sorted = facts;
    sorted.sort_by_key(|f| (f.valid.from(), f.seq));
    let mut days: Vec<Day> = sorted.iter().flat_map(|f| change_days(f)).collect();
    // Before the first change: what an open start (`../2020`) shows from the beginning.
    days.push(Day::MIN);
    days.sort_unstable();
    days.dedup();
    let mut periods: Vec<Period> = Vec::new();
    for (i, day) in days.iter().enumerate() {
        let Some(entry) = entry_at(section, &sorted, *day) else {
            continue;
        };
        let from_day = if i == 0 {
            OPEN_START
        } else {
            day_number(*day).max(OPEN_START)
        };
        let to_day = days
            .get(i + 1)
            .map_or(OPEN_END, |next| (day_number(*next) - 1).min(OPEN_END));
        if let Some(last) = periods.last_mut()
            && last.to_day + 1 == from_day
            && last.entry == entry
        {
            last.to_day = to_day;
            continue;
        }
        let cites = entry
            .cited_ids()
            .iter()
            .filter_map(|id| sorted.iter().find(|f| f.id == *id).map(|f| f.seq))
            .collect();
        periods.push(Period {
            from_day,
            to_day,
            entry,
            cites,
        });
    }
    periods
}

/// The days on which a fact may show otherwise than the day before: those of its `valid`
/// (`ValidTime::changes`), and of the date a term was endorsed (`decided`), from which
/// the term shows as endorsed before it begins.
fn change_days(f: &Envelope) -> Vec<Day> {
    let mut days = f.valid.changes();
    if let Event::RoleAssigned(r) = &f.event
        && let Some(decided) = r.decided.as_deref().and_then(|d| ValidTime::parse(d).ok())
    {
        days.extend(decided.changes());
    }
    days
}

/// The groups an event's fact is found under with `--group`: its group, owner, issuers,
/// organisers and participants, publisher. Sorted, without repeats.
pub fn groups(event: &Event) -> Vec<String> {
    let ids: Vec<String> = match event {
        Event::MembershipJoined(m) | Event::MembershipLeft(m) => vec![m.group.to_string()],
        Event::RoleAssigned(r) => vec![r.group.to_string()],
        Event::RoleEnded(r) => vec![r.group.to_string()],
        Event::PersonRepresents(p) => vec![p.org.to_string()],
        Event::CallIssued(c) => c.issuers.iter().map(|i| i.to_string()).collect(),
        Event::CommitmentSet(c) => vec![c.owner.to_string()],
        Event::MeetingHeld(m) => m
            .organisers
            .iter()
            .chain(&m.participants)
            .map(|i| i.to_string())
            .collect(),
        Event::PublicationReleased(p) => vec![p.publisher.to_string()],
        // A statistic is found per period by the reporter its entry shows then
        // (`statistic_period_groups`), not by every group that ever reported it; and by
        // the entity a figure is about (`subject`), which the query keeps only where the
        // period's entry is about it.
        Event::StatisticReported(s) => s.subject.iter().map(|i| i.to_string()).collect(),
        _ => vec![],
    };
    let mut ids = ids;
    ids.sort();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::{Certainty, ValidTime};
    use crate::event::upcast;

    fn fact(seq: i64, kind: &str, valid: &str) -> Envelope {
        let payload = r#"{"group":"org:g","member":"org:m"}"#;
        Envelope {
            seq,
            id: format!("e{seq}"),
            valid: ValidTime::parse(valid).unwrap(),
            event: upcast::decode(kind, crate::event::VOCABULARY_VERSION, payload).unwrap(),
            source: None,
            quote: None,
        }
    }

    fn day(s: &str) -> i32 {
        day_number(crate::date::parse_day(s).unwrap())
    }

    fn certainty(p: &Period) -> Certainty {
        match &p.entry {
            Entry::Member(_, m) => m.certainty,
            other => panic!("not a member: {other:?}"),
        }
    }

    #[test]
    fn a_membership_is_possible_within_its_month_certain_after_and_gone_once_left() {
        let facts = [
            fact(1, "membership.joined", "2019-03"),
            fact(2, "membership.left", "2021-06-15"),
        ];
        let p = periods(Section::Members, facts.iter().collect());
        let spans: Vec<(i32, i32, Certainty)> = p
            .iter()
            .map(|p| (p.from_day, p.to_day, certainty(p)))
            .collect();
        assert_eq!(
            spans,
            [
                (day("2019-03-01"), day("2019-03-30"), Certainty::Possible),
                (day("2019-03-31"), day("2021-06-14"), Certainty::Certain),
            ]
        );
        assert!(p.iter().all(|p| p.cites == [1]));
    }

    #[test]
    fn a_departure_dated_only_approximately_leaves_the_membership_possible_for_ever() {
        let facts = [
            fact(1, "membership.joined", "2019-03-02"),
            fact(2, "membership.left", "2021~"),
        ];
        let p = periods(Section::Members, facts.iter().collect());
        let last = p.last().unwrap();
        assert_eq!(
            (last.to_day, certainty(last)),
            (OPEN_END, Certainty::Possible)
        );
        assert_eq!(last.cites, [1, 2]);
        // Every period holds what the fold shows on each of its days.
        for period in &p {
            for d in [period.from_day, period.to_day.min(day("2030-01-01"))] {
                let on = chrono::NaiveDate::from_num_days_from_ce_opt(d).unwrap();
                let sorted: Vec<&Envelope> = facts.iter().collect();
                assert_eq!(
                    entry_at(Section::Members, &sorted, on).as_ref(),
                    Some(&period.entry)
                );
            }
        }
    }
}
