//! The `fact_days` table (schema 11): the days of each fact's `valid` that the SQL views
//! read, computed by `date::ValidTime` when the fact is derived, so that no view parses
//! EDTF text (which it cannot do for `201X`, seasons or unknown ends).

use rusqlite::params;

use crate::date::{Certainty, Day, ValidTime};
use crate::error::Result;
use crate::event::Envelope;
use crate::projection::periods::{OPEN_END, OPEN_START, day_number};
use crate::store::{Batch, Store};

/// A fact's days beyond those `facts` keeps (`from_day`, `to_day`, `certain_day`), as
/// day numbers; `None` is an open or unknown side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::store) struct FactDays {
    pub(super) seq: i64,
    /// The last day an interval's start may fall on (a single date: its last day).
    pub(super) start_last: Option<i32>,
    /// The first day an interval's end may fall on (a single date: its first day).
    pub(super) end_first: Option<i32>,
    /// The days on which, as a term, it is certainly held (`in_term`): none when never.
    pub(super) term_from: Option<i32>,
    pub(super) term_to: Option<i32>,
    pub(super) is_interval: bool,
    pub(super) qualified: bool,
    pub(super) attested: bool,
}

impl FactDays {
    pub(super) fn of(fact: &Envelope) -> FactDays {
        let valid = &fact.valid;
        let side = |text: &str| match text {
            "" | ".." => None,
            text => ValidTime::parse(text).ok(),
        };
        let (start_last, end_first, is_interval) = match valid.as_str().split_once('/') {
            Some((start, end)) => (
                side(start).and_then(|s| s.to()).map(day_number),
                side(end).and_then(|e| e.from()).map(day_number),
                true,
            ),
            None => (
                valid.to().map(day_number),
                valid.from().map(day_number),
                false,
            ),
        };
        let (term_from, term_to) = match certain_term(valid) {
            Some((from, to)) => (Some(from), to),
            None => (None, None),
        };
        FactDays {
            seq: fact.seq,
            start_last,
            end_first,
            term_from,
            term_to,
            is_interval,
            qualified: valid.is_qualified(),
            attested: fact.event.is_attested(),
        }
    }
}

/// The first and last day on which `valid`, as a term, is certainly held (`in_term`),
/// the last `None` when it runs on; `None` when no day is certain. `in_term` answers the
/// same between two consecutive days of `changes()`, so those days are the only ones to
/// ask; the certain days of a term are one stretch.
fn certain_term(valid: &ValidTime) -> Option<(i32, Option<i32>)> {
    let mut days: Vec<Day> = valid.changes();
    days.push(Day::MIN);
    days.sort_unstable();
    days.dedup();
    let certain = |d: &Day| valid.in_term(*d) == Some(Certainty::Certain);
    let first = days.iter().position(certain)?;
    let to = days[first..]
        .iter()
        .position(|d| !certain(d))
        .map(|after| day_number(days[first + after]) - 1);
    let from = if first == 0 {
        OPEN_START
    } else {
        day_number(days[first])
    };
    Some((from, to.map(|t| t.min(OPEN_END))))
}

impl Batch<'_> {
    /// Writes pending `fact_days` rows.
    pub(super) fn insert_fact_days(&self, rows: &[FactDays]) -> Result<()> {
        let mut insert = self.tx.prepare_cached(
            "INSERT OR REPLACE INTO fact_days
               (seq, start_last, end_first, term_from, term_to, is_interval, qualified, attested)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )?;
        for d in rows {
            insert.execute(params![
                d.seq,
                d.start_last,
                d.end_first,
                d.term_from,
                d.term_to,
                d.is_interval,
                d.qualified,
                d.attested
            ])?;
        }
        Ok(())
    }

    pub(super) fn delete_fact_days(&self, seq: i64) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM fact_days WHERE seq = ?")?
            .execute([seq])?;
        Ok(())
    }
}

impl Store {
    /// Fills `fact_days` (schema 11) from the facts a log upgraded from schema 10 holds.
    pub(in crate::store) fn fill_fact_days(&mut self) -> Result<()> {
        let batch = self.batch()?;
        let rows = batch.every_fact()?;
        let days: Vec<FactDays> = rows.iter().map(FactDays::of).collect();
        batch.insert_fact_days(&days)?;
        batch.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_day;
    use crate::event::upcast;

    fn days(valid: &str) -> FactDays {
        FactDays::of(&Envelope {
            seq: 1,
            id: "e".into(),
            valid: ValidTime::parse(valid).unwrap(),
            event: upcast::decode(
                "role.ended",
                1,
                r#"{"group":"org:a","holder":"org:b","role":"r"}"#,
            )
            .unwrap(),
            source: None,
            quote: None,
        })
    }

    fn d(text: &str) -> Option<i32> {
        Some(day_number(parse_day(text).unwrap()))
    }

    #[test]
    fn the_days_of_the_forms_text_cannot_give_are_those_of_valid_time() {
        // A year: certain throughout as a term.
        let year = days("2023");
        assert_eq!(
            (year.term_from, year.term_to),
            (d("2023-01-01"), d("2023-12-31"))
        );
        // One unspecified year of a decade: some year of it, none surely.
        let decade = days("201X");
        assert_eq!((decade.term_from, decade.term_to), (None, None));
        assert_eq!(
            (decade.start_last, decade.end_first),
            (d("2019-12-31"), d("2010-01-01"))
        );
        // Began within 2019, ended within 2020: certain from 2019-12-31 to 2020-01-01.
        let term = days("2019/2020");
        assert!(term.is_interval);
        assert_eq!(
            (term.start_last, term.end_first),
            (d("2019-12-31"), d("2020-01-01"))
        );
        assert_eq!(
            (term.term_from, term.term_to),
            (d("2019-12-31"), d("2020-01-01"))
        );
        // An unknown end: held for some time after 2020 began, never surely.
        let unknown = days("2020/");
        assert_eq!((unknown.end_first, unknown.term_from), (None, None));
        // An open end: certain from the start's last day on, for ever.
        let open = days("2020-12/..");
        assert_eq!((open.term_from, open.term_to), (d("2020-12-31"), None));
        // A season, spring 2021 (March to May).
        let spring = days("2021-21");
        assert_eq!(
            (spring.term_from, spring.term_to),
            (d("2021-03-01"), d("2021-05-31"))
        );
        assert!(days("2021?").qualified && days("2021?").term_from.is_none());
    }
}
