//! EDTF dates as closed intervals of days, and the certainty of a fact at a date.
//!
//! Parsing is delegated to `edtf-core`; this wrapper accepts the subset the log can place
//! on the time axis (see `docs/dates.md`) and turns it into `[from, to]` day bounds.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use edtf_core::{Bound, Edtf, IntervalEndpoint, Precision};
use serde::{Deserialize, Serialize};

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
    /// `~` or `?` anywhere: never more than possible.
    qualified: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A single date: the span of days it covers.
    Point(Endpoint),
    /// `A/B`, either side possibly open (`None`).
    Interval(Option<Endpoint>, Option<Endpoint>),
}

/// How surely a fact holds at a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Certainty {
    Possible,
    Certain,
}

impl Certainty {
    pub fn as_str(self) -> &'static str {
        match self {
            Certainty::Possible => "possible",
            Certainty::Certain => "certain",
        }
    }
}

impl ValidTime {
    /// Parses an EDTF string: a day, month or year (optionally `~`/`?`), or an interval of
    /// those with `..` for an open end.
    pub fn parse(text: &str) -> Result<ValidTime, DateError> {
        let edtf = Edtf::parse(text)
            .map_err(|e| DateError(format!("`{text}` is not a valid EDTF date ({e})")))?;
        let shape = match &edtf {
            Edtf::Date(date) => Shape::Point(endpoint_of(text, date)?),
            Edtf::Interval(interval) => {
                let start = open_or_endpoint(text, &interval.start)?;
                let end = open_or_endpoint(text, &interval.end)?;
                if start.is_none() && end.is_none() {
                    return Err(DateError(format!("`{text}` is open at both ends")));
                }
                if let (Some(s), Some(e)) = (start, end)
                    && s.first > e.last
                {
                    return Err(DateError(format!("`{text}` ends before it starts")));
                }
                Shape::Interval(start, end)
            }
            Edtf::DateTime(_) => {
                return Err(DateError(format!(
                    "`{text}` has a time of day; the log is kept in days (write `YYYY-MM-DD`)"
                )));
            }
            Edtf::Set(_) => {
                return Err(DateError(format!(
                    "`{text}` is an EDTF set; write a single date or an interval `A/B`"
                )));
            }
        };
        Ok(ValidTime {
            text: text.to_owned(),
            shape,
            qualified: edtf.is_approximate() || edtf.is_uncertain(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// First day the value may refer to; `None` for an open start.
    pub fn from(&self) -> Option<Day> {
        match self.shape {
            Shape::Point(p) => Some(p.first),
            Shape::Interval(start, _) => start.map(|s| s.first),
        }
    }

    /// Last day the value may refer to; `None` for an open end.
    pub fn to(&self) -> Option<Day> {
        match self.shape {
            Shape::Point(p) => Some(p.last),
            Shape::Interval(_, end) => end.map(|e| e.last),
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

    /// Certainty at `day` of a term given by this value (a role held): a single date is
    /// the whole term; an interval `A/B` began within A and ended within B.
    pub fn in_term(&self, day: Day) -> Option<Certainty> {
        let (possible, certain) = match self.shape {
            Shape::Point(p) => ((p.first, p.last), Some((p.first, p.last))),
            Shape::Interval(start, end) => {
                let (p0, c0) = start.map_or((Day::MIN, Day::MIN), |s| (s.first, s.last));
                let (c1, p1) = end.map_or((Day::MAX, Day::MAX), |e| (e.first, e.last));
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
    /// before: each endpoint's first and last day and the days after them. Between two
    /// consecutive such days every fact's certainty stays the same.
    pub fn changes(&self) -> Vec<Day> {
        let endpoints = match self.shape {
            Shape::Point(p) => [Some(p), None],
            Shape::Interval(start, end) => [start, end],
        };
        let mut days = Vec::with_capacity(4);
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
/// a month or a year as its last day. Returns the day and whether it was widened.
pub fn parse_query_day(text: &str) -> Result<(Day, bool), DateError> {
    let valid = ValidTime::parse(text)?;
    match valid.shape {
        Shape::Point(p) if !valid.qualified => Ok((p.last, p.first != p.last)),
        _ => Err(DateError(format!(
            "`{text}` is not a single date; give a day (2023-09-01), a month (2023-09) or a year (2023)"
        ))),
    }
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

fn open_or_endpoint(text: &str, side: &IntervalEndpoint) -> Result<Option<Endpoint>, DateError> {
    match side {
        IntervalEndpoint::Open => Ok(None),
        IntervalEndpoint::Date(date) => endpoint_of(text, date).map(Some),
        IntervalEndpoint::Unknown => Err(DateError(format!(
            "`{text}` has an unknown (empty) end; write `..` for an open end"
        ))),
        IntervalEndpoint::OnOrBefore(_) | IntervalEndpoint::OnOrAfter(_) => Err(DateError(
            format!("`{text}`: on-or-before/after endpoints are not supported; use `A/B` or `..`"),
        )),
    }
}

fn endpoint_of(text: &str, date: &edtf_core::Date) -> Result<Endpoint, DateError> {
    if date.has_unspecified() {
        return Err(DateError(format!(
            "`{text}` has unspecified digits (X); write the precision the text gives (a year, a month)"
        )));
    }
    if date.precision() == Precision::Season {
        return Err(DateError(format!(
            "`{text}` names a season or sub-year group; write a month or an interval"
        )));
    }
    let bounds = Edtf::Date(*date).bounds();
    let day = |bound: Bound| match bound {
        Bound::Date(d) => i32::try_from(d.year)
            .ok()
            .filter(|y| (0..=9999).contains(y))
            .and_then(|y| NaiveDate::from_ymd_opt(y, d.month.into(), d.day.into())),
        _ => None,
    };
    match (day(bounds.earliest), day(bounds.latest)) {
        (Some(first), Some(last)) => Ok(Endpoint { first, last }),
        _ => Err(DateError(format!(
            "`{text}` lies outside the years 0000–9999"
        ))),
    }
}

#[cfg(test)]
mod tests;
