//! From EDTF text to a `Shape`. `edtf-core` checks the grammar (levels 0–2, leap days,
//! time shifts) and gives each date's earliest and latest day; this file keeps the forms
//! that have a place on the time axis and refuses the rest through `refusal`.

use chrono::NaiveDate;
use edtf_core::{Bound, Date, Edtf, IntervalEndpoint, YearKind};

use super::{DateError, Endpoint, Shape, Side, refusal};

/// What `ValidTime` keeps of a parsed text.
pub(super) struct Parsed {
    pub shape: Shape,
    pub qualified: bool,
}

pub(super) fn parse(text: &str) -> Result<Parsed, DateError> {
    let edtf = Edtf::parse(text).map_err(|e| refusal::not_edtf(text, e))?;
    let shape = match &edtf {
        Edtf::Date(date) => {
            let (span, whole) = date_span(text, date)?;
            Shape::Point { span, whole }
        }
        // A time of day narrows nothing the log keeps: the date-time is its day, the day
        // written (its time shift does not move it; docs/dates.md says why).
        Edtf::DateTime(date_time) => Shape::Point {
            span: date_span(text, &date_time.date)?.0,
            whole: true,
        },
        Edtf::Interval(interval) => {
            let start = side(text, &interval.start)?;
            let end = side(text, &interval.end)?;
            match (start.dated(), end.dated()) {
                (None, None) => return Err(refusal::no_dated_end(text)),
                (Some(s), Some(e)) if s.first > e.last => {
                    return Err(refusal::ends_before_it_starts(text));
                }
                _ => {}
            }
            Shape::Interval(start, end)
        }
        Edtf::Set(_) => return Err(refusal::set(text)),
    };
    Ok(Parsed {
        shape,
        qualified: edtf.is_approximate() || edtf.is_uncertain(),
    })
}

fn side(text: &str, endpoint: &IntervalEndpoint) -> Result<Side, DateError> {
    match endpoint {
        IntervalEndpoint::Open => Ok(Side::Open),
        IntervalEndpoint::Unknown => Ok(Side::Unknown),
        IntervalEndpoint::Date(date) => Ok(Side::Dated(date_span(text, date)?.0)),
        IntervalEndpoint::OnOrBefore(_) | IntervalEndpoint::OnOrAfter(_) => {
            Err(refusal::on_or_before_after(text))
        }
    }
}

/// The days a date may fall on, and whether it is the whole of them (false for `X` digits
/// and `S` significant digits: one year, month or day among them).
fn date_span(text: &str, date: &Date) -> Result<(Endpoint, bool), DateError> {
    let YearKind::Standard { negative, digits } = date.year.kind else {
        return Err(refusal::year_out_of_range(text));
    };
    if negative {
        return Err(refusal::year_out_of_range(text));
    }
    let unspecified = unspecified_digits(text, date, digits)?;
    let bounds = Edtf::Date(*date).bounds();
    let day = |bound: Bound| match bound {
        Bound::Date(d) => i32::try_from(d.year)
            .ok()
            .filter(|y| (0..=9999).contains(y))
            .and_then(|y| NaiveDate::from_ymd_opt(y, d.month.into(), d.day.into())),
        _ => None,
    };
    match (day(bounds.earliest), day(bounds.latest)) {
        (Some(first), Some(last)) => Ok((
            Endpoint { first, last },
            !unspecified && date.year.significant_digits.is_none(),
        )),
        // A four-digit year's span leaves 0000–9999 only when a winter runs into 10000.
        _ => Err(refusal::year_out_of_range(text)),
    }
}

/// Whether the date has `X` digits, refusing those that do not name one stretch of days:
/// every `X` must come after every digit (`201X`, `2004-XX`, `1985-04-XX`), and some digit
/// of the year must be given (`XXXX` is any year at all).
fn unspecified_digits(text: &str, date: &Date, year: [Option<u8>; 4]) -> Result<bool, DateError> {
    let slots: Vec<Option<u8>> = year
        .into_iter()
        .chain(date.month.into_iter().flat_map(|m| m.digits))
        .chain(date.day.into_iter().flat_map(|d| d.digits))
        .collect();
    if year.iter().all(Option::is_none) {
        return Err(refusal::year_unspecified(text));
    }
    let Some(first_x) = slots.iter().position(Option::is_none) else {
        return Ok(false);
    };
    if slots[first_x..].iter().any(Option::is_some) {
        return Err(refusal::scattered(text, date));
    }
    Ok(true)
}
