//! policylog's words for every date it refuses: what was written, why it is refused, and
//! what to write instead. `edtf-core`'s own messages never reach the user: `not_edtf`
//! reads the parser's error only to tell which kind of mistake it is.

use edtf_core::{Date, ParseError};

use super::{DateError, ValidTime};

/// What the log takes, for messages that have no closer example to offer.
const FORMS: &str = "a day (`2023-07-18`), a month (`2023-07`), a year (`2023`) \
    or an interval (`2019/2020`, `2020-12/..`)";

fn refuse(text: &str, why: impl std::fmt::Display) -> DateError {
    DateError(format!("`{text}` {why}"))
}

/// `candidate` if the log accepts it: an example built from what was written. The
/// grammar is checked first so that a candidate the parser refuses is never worded (which
/// would look for examples again).
fn accepted(candidate: String) -> Option<String> {
    let ok = edtf_core::Edtf::parse(&candidate).is_ok() && ValidTime::parse(&candidate).is_ok();
    ok.then_some(candidate)
}

/// The text `edtf-core` could not parse. The parser's message names the rule broken;
/// it is matched here (the crate is pinned, and `tests.rs` walks every arm) and worded
/// anew. A rule not listed gets the position and the forms the log takes.
pub(super) fn not_edtf(text: &str, error: ParseError) -> DateError {
    if text.is_empty() {
        return DateError(format!("the date is empty; write {FORMS}"));
    }
    if text == ".." {
        return no_dated_end(text);
    }
    if let Some(refusal) = natural(text) {
        return refusal;
    }
    if let Some(c) = text.chars().find(|c| !c.is_ascii()) {
        return non_ascii(text, c);
    }
    if let Some(at) = text.find(|c: char| c.is_ascii_whitespace() || c.is_ascii_control()) {
        let instead = accepted(text.split_ascii_whitespace().collect())
            .map_or_else(|| FORMS.to_owned(), |t| format!("`{t}`"));
        return refuse(
            text,
            format_args!(
                "has a space or control character at character {}; dates are written \
                 without them: write {instead}",
                at + 1
            ),
        );
    }
    if text.starts_with(['[', '{']) {
        return set(text);
    }
    if let Some(refusal) = before_year_zero(text) {
        return refusal;
    }
    let at = position(text, error.offset);
    let the_day = || {
        text.split_once('T')
            .and_then(|(day, _)| accepted(day.to_owned()))
            .map_or_else(|| "`YYYY-MM-DD`".to_owned(), |d| format!("`{d}`"))
    };
    match error.message {
        "month must be 01-12 or a sub-year code 21-41" | "month must be 01-12" => refuse(
            text,
            format_args!(
                "has no month {}: months are 01–12 (21–41 name seasons and other parts of \
                 a year); write a month that exists or the year alone, e.g. {}",
                two_digits_at(text, error.offset),
                accepted(date_at(text, error.offset).chars().take(4).collect())
                    .map_or_else(|| "`2024`".to_owned(), |y| format!("`{y}`")),
            ),
        ),
        "day is out of range for the month" => day_out_of_range(text, error.offset),
        "no calendar month matches the unspecified digits" => refuse(
            text,
            format_args!(
                "has a month `{}` that no month 01–12 matches; write `XX` for a month the \
                 source does not give, e.g. `2004-XX`",
                two_digits_at(text, error.offset)
            ),
        ),
        "sub-year groupings cannot carry a day" => refuse(
            text,
            "gives a day after a season or part of a year (21–41); write the season alone \
             (`2001-21`) or a day (`2001-03-21`)",
        ),
        "time must be hh:mm:ss"
        | "time components must be two digits"
        | "hour must be 00-23 (24 is not allowed)"
        | "minute must be 00-59"
        | "second must be 00-60" => refuse(
            text,
            format_args!(
                "has a time that is not `hh:mm:ss` (two digits each; hour 00–23, minute \
                 00–59, second 00–60); the log keeps only the day: write {}",
                the_day()
            ),
        ),
        "time shift must be Z, +hh, +hh:mm or negative"
        | "time shift must be ±hh or ±hh:mm"
        | "time shift components must be two digits"
        | "shift minutes must be 00-59"
        | "time shift exceeds ±14:00"
        | "negative zero time shift is not allowed" => refuse(
            text,
            format_args!(
                "has a time zone that is not `Z`, `+hh`, `-hh`, `+hh:mm` or `-hh:mm` \
                 (within ±14:00, not `-00`); the log keeps only the day: write {}",
                the_day()
            ),
        ),
        "date-times require a complete YYYY-MM-DD date"
        | "date-times require a plain all-digit date" => refuse(
            text,
            "has a time after something that is not a complete day; a time may follow \
             `YYYY-MM-DD` (no `X`, no qualifier): write the day (`1985-04-12`) or the day \
             and time (`1985-04-12T23:20:30`)",
        ),
        "interval must contain exactly one '/'" => refuse(
            text,
            "has more than one `/`; an interval has two ends, `A/B`: write e.g. `2019/2020`",
        ),
        "interval needs at least one dated endpoint" => no_dated_end(text),
        "interval end precedes interval start" => ends_before_it_starts(text),
        "'..'-prefixed date is only allowed as interval start"
        | "'..'-suffixed date is only allowed as interval end" => on_or_before_after(text),
        "Y-prefixed years require |year| > 9999" => {
            let instead = text
                .strip_prefix('Y')
                .and_then(|rest| rest.parse::<u16>().ok())
                .and_then(|year| accepted(format!("{year:04}")))
                .map_or_else(|| "`2006`".to_owned(), |y| format!("`{y}`"));
            refuse(
                text,
                format_args!(
                    "uses `Y`, which marks a year beyond 9999; a year up to 9999 is four \
                     digits: write {instead}"
                ),
            )
        }
        "Y-prefixed years are year-precision only" => year_out_of_range(text),
        "significant digits cannot combine with unspecified digits"
        | "significant digits must be 1-4 for a four-digit year"
        | "significant-digit years are year-precision only" => refuse(
            text,
            "has a significant-digits suffix (`S`) that does not fit its year; write the \
             years it may fall in as an interval instead, e.g. `1900/1999`",
        ),
        _ => {
            let instead = fixes(text)
                .find_map(accepted)
                .map_or_else(|| FORMS.to_owned(), |t| format!("`{t}`"));
            refuse(
                text,
                format_args!(
                    "is not an EDTF date (it goes wrong {at}); a year is four digits, a \
                     month and a day two each, joined by `-`: write {instead}"
                ),
            )
        }
    }
}

/// Two dates in EDTF and what they mean, for a date written otherwise.
const EXAMPLES: &str = "write e.g. 2021-11-15 for 15 November 2021, 2020-04 for April 2020";

/// A date written in words or day first (`15 November 2021`, `on 9 March, 2023`,
/// `15/11/2021`, `2019 – 2020`): refused with the EDTF it means, read by the one reader of
/// such dates (`phrase`). A day-first date that could be read either way (`03/04/2021`)
/// gets both readings. Text of EDTF's own characters never comes here, so the candidates
/// `phrase` checks (digits, `-` and `/` alone) are worded without it.
fn natural(text: &str) -> Option<DateError> {
    let day_first = day_first(text);
    let words = text.chars().any(|c| c.is_alphabetic() || c.is_whitespace());
    if !words && day_first.is_none() {
        return None;
    }
    if let Some(edtf) = super::phrase::phrase_to_edtf(text) {
        return Some(refuse(
            text,
            format_args!("is not an EDTF date; dates are EDTF: did you mean {edtf}? ({EXAMPLES})"),
        ));
    }
    let (a, b, year) = day_first?;
    let reading = |day: u32, month: u32| {
        accepted(format!("{year:04}-{month:02}-{day:02}")).map(|d| {
            let name = chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map(|day| day.format("%-d %B").to_string())
                .unwrap_or_default();
            format!("{d} for {name}")
        })
    };
    let readings: Vec<String> = [reading(a, b), reading(b, a)]
        .into_iter()
        .flatten()
        .collect();
    let (first, second) = match readings.as_slice() {
        [first, second] => (first, second),
        _ => return None,
    };
    Some(refuse(
        text,
        format_args!(
            "is not an EDTF date; dates are EDTF, year first, and this one reads two ways: \
             write {first} or {second}"
        ),
    ))
}

/// `D/M/YYYY` (or `M/D/YYYY`): its two small numbers and its year.
fn day_first(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.split('/');
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    let small = |p: &str| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || !small(a) || !small(b) || y.len() != 4 {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?, y.parse().ok()?))
}

/// "at character N (`c`)", or "at its end".
fn position(text: &str, offset: usize) -> String {
    match text.as_bytes().get(offset) {
        Some(&b) => format!("at character {} (`{}`)", offset + 1, char::from(b)),
        None => "at its end".to_owned(),
    }
}

fn two_digits_at(text: &str, offset: usize) -> &str {
    text.get(offset..offset + 2).unwrap_or("")
}

/// The date of `text` the byte `offset` falls in: its interval side, cut at a time.
fn date_at(text: &str, offset: usize) -> &str {
    let start = text[..offset.min(text.len())]
        .rfind('/')
        .map_or(0, |i| i + 1);
    text[start..].split(['/', 'T']).next().unwrap_or("")
}

fn non_ascii(text: &str, c: char) -> DateError {
    // Hyphens, dashes and the minus sign that word processors put in dates.
    let is_dash = |c: char| matches!(c, '\u{2010}'..='\u{2015}' | '\u{2212}');
    let instead = if is_dash(c) {
        accepted(text.replace(is_dash, "/")).or_else(|| accepted(text.replace(is_dash, "-")))
    } else {
        None
    };
    let dash = is_dash(c);
    let instead = instead.map_or_else(|| FORMS.to_owned(), |t| format!("`{t}`"));
    let why = if dash {
        "which is not the ASCII hyphen: EDTF joins year, month and day with `-` and the two \
         ends of an interval with `/`"
    } else {
        "which EDTF does not use (dates are ASCII digits, `-`, `/`, `X`, `~`, `?`, `%`)"
    };
    refuse(text, format_args!("contains `{c}`, {why}; write {instead}"))
}

/// Spellings of `text` that often fix it: zero-padded fields, a capital `T`/`Z`, `/` for
/// `\`. Each is offered only if the log accepts it.
fn fixes(text: &str) -> impl Iterator<Item = String> {
    let padded = text
        .split('/')
        .map(|side| {
            let fields: Vec<&str> = side.split('-').collect();
            let padded: Vec<String> = fields
                .iter()
                .enumerate()
                .map(|(i, f)| match (i, f.len()) {
                    (1 | 2, 1) if f.bytes().all(|b| b.is_ascii_digit()) => format!("0{f}"),
                    _ => (*f).to_owned(),
                })
                .collect();
            padded.join("-")
        })
        .collect::<Vec<_>>()
        .join("/");
    [
        padded,
        text.replace('t', "T").replace('z', "Z"),
        text.replace('\\', "/"),
    ]
    .into_iter()
}

/// A year written with a leading `-` (before 0000) on either side of an interval.
fn before_year_zero(text: &str) -> Option<DateError> {
    text.split('/').find_map(|side| {
        let rest = side.trim_start_matches(['~', '?', '%']).strip_prefix('-')?;
        if rest.starts_with("0000") {
            Some(refuse(
                text,
                "is not a year: the year before 0000 is -0001 (and the log keeps the years \
                 0000–9999); write `0000`",
            ))
        } else if rest.starts_with('Y') {
            Some(refuse(
                text,
                "puts the minus before `Y` (EDTF writes `Y-170000002`), and the log keeps \
                 the years 0000–9999 only: write a date within them, e.g. `0000/0500`",
            ))
        } else if rest.starts_with(|c: char| c.is_ascii_digit() || c == 'X') {
            Some(year_out_of_range(text))
        } else {
            None
        }
    })
}

fn day_out_of_range(text: &str, offset: usize) -> DateError {
    let date = date_at(text, offset);
    let days_in = date
        .get(..7)
        .and_then(|month| super::parse_day(&format!("{month}-01")))
        .and_then(|first| {
            let next = first.checked_add_months(chrono::Months::new(1))?;
            Some((&date[..7], next.pred_opt()?))
        });
    match days_in {
        Some((month, last)) => refuse(
            text,
            format_args!(
                "names a day that {month} does not have (it ends on the {}); write a day \
                 that exists, e.g. `{}`",
                chrono::Datelike::day(&last),
                super::day_string(last)
            ),
        ),
        None => refuse(
            text,
            "names a day that its month does not have; write a day that exists, e.g. \
             `2023-02-28`",
        ),
    }
}

pub(super) fn set(text: &str) -> DateError {
    refuse(
        text,
        "is an EDTF set (one of, or all of, several dates); an event carries one date or \
         one interval: write the interval that covers them (`1667/1672`) or one event per \
         date",
    )
}

pub(super) fn on_or_before_after(text: &str) -> DateError {
    refuse(
        text,
        "has an end written `..DATE` or `DATE..` (on or before, on or after), which the \
         log does not place on the time axis; write `..` alone for an open side \
         (`../1760-12-03`) or date both ends",
    )
}

pub(super) fn year_out_of_range(text: &str) -> DateError {
    refuse(
        text,
        "has a year outside 0000–9999; the log keeps those years only (its tables and SQL \
         views compare days as `YYYY-MM-DD` text, which puts other years out of order), so \
         a date outside them cannot be recorded: write a date within them, e.g. `0000/0500`",
    )
}

pub(super) fn year_unspecified(text: &str) -> DateError {
    refuse(
        text,
        "leaves every digit of its year unspecified (`XXXX`): it may fall in any year, so \
         it has no place on the time axis; give the year's first digits (`19XX`) or the \
         years it may fall in (`1900/1999`)",
    )
}

/// An `X` before a given digit (`156X-12-25`, `1560-XX-25`): not one stretch of days.
pub(super) fn scattered(text: &str, date: &Date) -> DateError {
    let instead = known_prefix(date)
        .and_then(accepted)
        .map_or_else(|| "`1900/1999`".to_owned(), |t| format!("`{t}`"));
    refuse(
        text,
        format_args!(
            "has an unspecified digit (`X`) before a given one, so it names days scattered \
             over several years or months, not one stretch of days; write what is known up \
             to the first `X`, e.g. {instead}"
        ),
    )
}

/// The date up to its first component with an `X`, that component's remaining digits
/// unspecified: `156X-12-25` → `156X`, `1560-XX-25` → `1560`.
fn known_prefix(date: &Date) -> Option<String> {
    let edtf_core::YearKind::Standard { digits, .. } = date.year.kind else {
        return None;
    };
    let year: String = digits
        .iter()
        .scan(true, |known, d| {
            *known &= d.is_some();
            Some(match d {
                Some(d) if *known => char::from(b'0' + d),
                _ => 'X',
            })
        })
        .collect();
    if digits.iter().any(Option::is_none) {
        return Some(year);
    }
    match date.month.map(|m| m.digits) {
        Some([Some(a), Some(b)]) if date.day.is_some() => Some(format!("{year}-{a}{b}")),
        _ => Some(year),
    }
}

pub(super) fn no_dated_end(text: &str) -> DateError {
    refuse(
        text,
        "has no dated end (`..` is open, an empty side unknown), so it has no place on the \
         time axis; write a date on at least one side, e.g. `2020/..` or `/2024`",
    )
}

pub(super) fn ends_before_it_starts(text: &str) -> DateError {
    let instead = text
        .split_once('/')
        .and_then(|(a, b)| accepted(format!("{b}/{a}")))
        .map_or_else(|| "`2020/2021`".to_owned(), |t| format!("`{t}`"));
    refuse(
        text,
        format_args!("ends before it starts; write the earlier end first, e.g. {instead}"),
    )
}

pub(super) fn not_a_query_day(text: &str) -> DateError {
    refuse(
        text,
        "is not a single day, month or year; give a day (`2023-09-01`), a month \
         (`2023-09`) or a year (`2023`)",
    )
}
