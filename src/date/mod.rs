//! EDTF dates as closed intervals of days, and the certainty of a fact at a date.
//!
//! `parse` reads the text (through `edtf-core`) into a `Shape` the log can place on the
//! time axis; `refusal` words every refusal; this file holds what a shape means "as of" a
//! day. Which forms are accepted, and why the others are not: `docs/dates.md`.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

mod parse;
pub mod phrase;
mod refusal;

/// A calendar day. Serialised as `YYYY-MM-DD`.
pub type Day = NaiveDate;

/// Why a string is not a date the log accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DateError(pub String);

/// One side of a valid-time interval: the span of days it may fall on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    pub first: Day,
    pub last: Day,
}

/// A parsed `valid` value: the text as written and the day bounds it denotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidTime {
    text: String,
    shape: Shape,
    /// `~`, `?` or `%` anywhere: never more than possible.
    qualified: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A single date and the span of days it may fall on. `whole`: the date *is* the
    /// span (a day, a month, a season, a year), so a term so dated holds on each of its
    /// days. Not whole: one unspecified year, month or day among the span's (`201X`,
    /// `2004-XX`, `1950S2`), so a term so dated held on some of them, none surely.
    Point { span: Endpoint, whole: bool },
    /// `A/B`: began within A, ended within B.
    Interval(Side, Side),
}

/// One side of an interval `A/B`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Dated(Endpoint),
    /// `..`: no end on that side (a term still running; a past without a beginning).
    Open,
    /// Empty (`1985/`, `/1985`): that end exists but the source does not say when. It
    /// lies anywhere beyond the dated side, so nothing past the dated side is certain.
    Unknown,
}

impl Side {
    fn dated(self) -> Option<Endpoint> {
        match self {
            Side::Dated(e) => Some(e),
            Side::Open | Side::Unknown => None,
        }
    }
}

/// How surely a fact holds at a date, weakest first (the order `max` and `min` follow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Certainty {
    Possible,
    /// Carried on past the last source that attests it, until an event ends or replaces
    /// it (decision 0006): the fold gives it, never a date alone.
    Attested,
    Certain,
}

impl Certainty {
    pub fn as_str(self) -> &'static str {
        match self {
            Certainty::Possible => "possible",
            Certainty::Attested => "attested",
            Certainty::Certain => "certain",
        }
    }
}

impl ValidTime {
    /// Parses an EDTF `valid`: a day, month, season or year, a date-time (kept to its
    /// day), with `X` for unspecified final digits and `~`/`?`/`%` qualifiers, or an
    /// interval of those with `..` for an open end and nothing for an unknown one.
    pub fn parse(text: &str) -> Result<ValidTime, DateError> {
        let parsed = parse::parse(text)?;
        Ok(ValidTime {
            text: text.to_owned(),
            shape: parsed.shape,
            qualified: parsed.qualified,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// First day the value may refer to; `None` for an open or unknown start.
    pub fn from(&self) -> Option<Day> {
        match self.shape {
            Shape::Point { span, .. } => Some(span.first),
            Shape::Interval(start, _) => start.dated().map(|s| s.first),
        }
    }

    /// Last day the value may refer to; `None` for an open or unknown end.
    pub fn to(&self) -> Option<Day> {
        match self.shape {
            Shape::Point { span, .. } => Some(span.last),
            Shape::Interval(_, end) => end.dated().map(|e| e.last),
        }
    }

    pub fn is_qualified(&self) -> bool {
        self.qualified
    }

    /// Certainty at `day` of something that happened within this span (a member joined, a
    /// call issued): certain once the whole span is past, possible inside it.
    pub fn occurred_by(&self, day: Day) -> Option<Certainty> {
        let first = self.from().unwrap_or(Day::MIN);
        let last = self.to().unwrap_or(Day::MAX);
        self.cap(if last <= day {
            Some(Certainty::Certain)
        } else if first <= day {
            Some(Certainty::Possible)
        } else {
            None
        })
    }

    /// Certainty at `day` of a term given by this value (a role held): a whole single
    /// date is the whole term; an interval `A/B` began within A and ended within B.
    pub fn in_term(&self, day: Day) -> Option<Certainty> {
        let (possible, certain) = match self.shape {
            Shape::Point { span, whole } => {
                let days = (span.first, span.last);
                (days, whole.then_some(days))
            }
            Shape::Interval(start, end) => {
                // An unknown side may lie anywhere beyond the dated one: a start as early
                // as time allows but no later than the end's last day, an end no earlier
                // than the start's first day and as late as time allows.
                let (p0, c0) = match (start, end) {
                    (Side::Dated(s), _) => (s.first, s.last),
                    (Side::Unknown, Side::Dated(e)) => (Day::MIN, e.last),
                    _ => (Day::MIN, Day::MIN),
                };
                let (c1, p1) = match (start, end) {
                    (_, Side::Dated(e)) => (e.first, e.last),
                    (Side::Dated(s), Side::Unknown) => (s.first, Day::MAX),
                    _ => (Day::MAX, Day::MAX),
                };
                ((p0, p1), (c0 <= c1).then_some((c0, c1)))
            }
        };
        let within = |(a, b): (Day, Day)| a <= day && day <= b;
        self.cap(if certain.is_some_and(within) {
            Some(Certainty::Certain)
        } else if within(possible) {
            Some(Certainty::Possible)
        } else {
            None
        })
    }

    /// The days on which `occurred_by` or `in_term` may answer differently from the day
    /// before: each dated endpoint's first and last day and the days after them (an open
    /// or unknown side adds none). Between two consecutive such days every fact's
    /// certainty stays the same.
    pub fn changes(&self) -> Vec<Day> {
        let endpoints = match self.shape {
            Shape::Point { span, .. } => [Some(span), None],
            Shape::Interval(start, end) => [start.dated(), end.dated()],
        };
        let mut days = Vec::with_capacity(8);
        for e in endpoints.into_iter().flatten() {
            days.push(e.first);
            days.extend(e.first.succ_opt());
            days.push(e.last);
            days.extend(e.last.succ_opt());
        }
        days
    }

    /// The earliest day the term may have ended on, if it has an end.
    pub fn term_end(&self) -> Option<Day> {
        self.to()
    }

    fn cap(&self, certainty: Option<Certainty>) -> Option<Certainty> {
        if self.qualified {
            certainty.map(|_| Certainty::Possible)
        } else {
            certainty
        }
    }
}

impl fmt::Display for ValidTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Reads a date given on the command line (`--as-of 2023`, `diff 2022 2024`): a day as is,
/// a month or a year as its last day. Returns the day and whether it was widened. Only
/// those three calendar forms are a query day; a season, an `X` digit, a time or a
/// qualifier is refused.
pub fn parse_query_day(text: &str) -> Result<(Day, bool), DateError> {
    if !is_calendar_date(text) {
        ValidTime::parse(text)?;
        return Err(refusal::not_a_query_day(text));
    }
    let valid = ValidTime::parse(text)?;
    match valid.shape {
        Shape::Point { span, .. } => Ok((span.last, span.first != span.last)),
        Shape::Interval(..) => Err(refusal::not_a_query_day(text)),
    }
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` in digits, the month not a season (21–41); whether
/// the month and day exist is left to `ValidTime::parse`.
fn is_calendar_date(text: &str) -> bool {
    matches!(text.len(), 4 | 7 | 10)
        && text.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            _ => c.is_ascii_digit(),
        })
        && text.get(5..7).is_none_or(|month| month <= "12")
}

/// Formats a day as `YYYY-MM-DD` (years outside 0..=9999 keep chrono's sign/width).
pub fn day_string(day: Day) -> String {
    day.format("%Y-%m-%d").to_string()
}

pub fn parse_day(text: &str) -> Option<Day> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Today in UTC.
pub fn today() -> Day {
    chrono::Utc::now().date_naive()
}

/// The last day of `day`'s year.
pub fn end_of_year(year: i32) -> Option<Day> {
    NaiveDate::from_ymd_opt(year, 12, 31)
}

pub fn year_of(day: Day) -> i32 {
    day.year()
}

#[cfg(test)]
mod conformance;
#[cfg(test)]
mod tests;
