//! The history as a picture: memberships and role terms as bars over the years, calls,
//! meetings, publications, instrument statuses, commitments and statistics as marks. What the dates leave open is drawn as such: a
//! hatched, dashed bar where a term only possibly ran, a hollow mark on a whisker where
//! the day is known only to the month or year. Plain SVG text, no SQL and no I/O.
//!
//! This file says what to draw (rows of spans and marks, from the fold's facts);
//! `draw.rs` says how (the page, axis, bars, marks, legend).

mod draw;
mod text;

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::Datelike;

use crate::date::{Day, ValidTime, day_string};
use crate::event::Envelope;
use crate::event::Event;
use crate::projection::Fold;

/// The years the facts touch, as a window: 1 January of the first to 31 December of the
/// last (`None` when there is nothing to draw).
pub fn default_window(fold: &Fold) -> Option<(Day, Day)> {
    let days = fold
        .facts()
        .filter(|f| drawn(&f.event))
        .flat_map(|f| [f.valid.from(), f.valid.to()])
        .flatten();
    let (first, last) = days.fold(None, |acc: Option<(Day, Day)>, d| match acc {
        None => Some((d, d)),
        Some((a, b)) => Some((a.min(d), b.max(d))),
    })?;
    Some((
        Day::from_ymd_opt(first.year(), 1, 1)?,
        Day::from_ymd_opt(last.year(), 12, 31)?,
    ))
}

fn drawn(event: &Event) -> bool {
    matches!(
        event,
        Event::MembershipJoined(_)
            | Event::MembershipLeft(_)
            | Event::RoleAssigned(_)
            | Event::RoleEnded(_)
            | Event::CallIssued(_)
            | Event::MeetingHeld(_)
            | Event::PublicationReleased(_)
            | Event::InstrumentStatus(_)
            | Event::CommitmentSet(_)
            | Event::StatisticReported(_)
    )
}

/// Draws the timeline between `from` and `to` (inclusive days). `caption` is printed
/// under the title (say which log and head it was drawn from).
pub fn svg(fold: &Fold, from: Day, to: Day, title: &str, caption: &str) -> String {
    draw::page(
        &bar_rows(fold),
        &mark_rows(fold),
        (from, to),
        title,
        caption,
    )
}

/// A membership pair or a role holder: one line of bars.
pub(super) struct BarRow {
    pub(super) membership: bool,
    pub(super) label: String,
    pub(super) color: &'static str,
    pub(super) spans: Vec<BarSpan>,
}

/// One side of a `valid`: the days `(first, last)` it may fall on.
pub(super) type Side = (Day, Day);

/// Days as `(first, last)`, `None` for an open end.
pub(super) type Span = (Option<Day>, Option<Day>);

pub(super) struct BarSpan {
    /// Where it may have held.
    pub(super) possible: Span,
    /// Where it certainly held (`None`: nowhere).
    pub(super) certain: Option<Span>,
    pub(super) tooltip: String,
}

pub(super) struct Mark {
    pub(super) label: String,
    pub(super) span: Span,
    /// The date is one day.
    pub(super) exact: bool,
    pub(super) tooltip: String,
}

pub(super) struct Marks {
    pub(super) calls: Vec<Mark>,
    pub(super) meetings: Vec<Mark>,
    pub(super) publications: Vec<Mark>,
    /// Each status an instrument is reported in (a directive's revision shows here).
    pub(super) instruments: Vec<Mark>,
    /// Each commitment set or revised.
    pub(super) commitments: Vec<Mark>,
    /// Each statistic reported.
    pub(super) statistics: Vec<Mark>,
}

/// The two sides of a `valid`: `A/B` began within A and ended within B; a single date
/// is both sides. Each side is `(first, last)`; `None` is an open side.
fn sides(valid: &ValidTime) -> (Option<Side>, Option<Side>) {
    let side = |text: &str| {
        ValidTime::parse(text)
            .ok()
            .and_then(|v| Some((v.from()?, v.to()?)))
    };
    match valid.as_str().split_once('/') {
        Some((a, b)) => (side(a), side(b)),
        None => {
            let whole = valid.from().zip(valid.to());
            (whole, whole)
        }
    }
}

fn name(fold: &Fold, id: &str) -> String {
    match fold.entity(id) {
        Some(e) => e.acronym.clone().unwrap_or_else(|| e.name.clone()),
        None => id.split_once(':').map_or(id, |(_, slug)| slug).to_owned(),
    }
}

fn role_color(role: &str) -> &'static str {
    match role {
        "co-chair" | "chair" => "#3b6fb6",
        "coordinator" => "#7d4e9e",
        _ => "#5f6b7a",
    }
}

fn bar_rows(fold: &Fold) -> Vec<BarRow> {
    let mut by_key: BTreeMap<(u8, String, String, String), Vec<&Envelope>> = BTreeMap::new();
    for fact in fold.facts() {
        let key = match &fact.event {
            Event::MembershipJoined(m) | Event::MembershipLeft(m) => {
                (0, m.group.to_string(), String::new(), m.member.to_string())
            }
            Event::RoleAssigned(r) => {
                (1, r.group.to_string(), r.role.clone(), r.holder.to_string())
            }
            Event::RoleEnded(r) => (1, r.group.to_string(), r.role.clone(), r.holder.to_string()),
            _ => continue,
        };
        by_key.entry(key).or_default().push(fact);
    }
    let mut rows = Vec::new();
    for ((section, group, role, who), mut facts) in by_key {
        facts.sort_by_key(|f| (f.valid.from(), f.seq));
        let spans = if section == 0 {
            membership_spans(&facts)
        } else {
            term_spans(&facts)
        };
        if spans.is_empty() {
            continue;
        }
        let (g, w) = (name(fold, &group), name(fold, &who));
        rows.push(if section == 0 {
            BarRow {
                membership: true,
                label: format!("{w} member of {g}"),
                color: "#2a7f62",
                spans,
            }
        } else {
            BarRow {
                membership: false,
                label: format!("{g} {role}: {w}"),
                color: role_color(&role),
                spans,
            }
        });
    }
    // Within a section, by when the row starts.
    rows.sort_by_key(|r| {
        (
            !r.membership,
            r.spans.iter().map(|s| s.possible.0).min().flatten(),
            r.label.clone(),
        )
    });
    rows
}

fn minus_a_day(day: Day) -> Day {
    day.pred_opt().unwrap_or(day)
}

/// Each join with the first departure after it: possibly a member from the join span's
/// first day to the departure span's last, certainly from the join span's last day to the
/// day before the departure span.
fn membership_spans(facts: &[&Envelope]) -> Vec<BarSpan> {
    let mut spans = Vec::new();
    for (i, join) in facts.iter().enumerate() {
        if !matches!(join.event, Event::MembershipJoined(_)) {
            continue;
        }
        let left = facts[i + 1..]
            .iter()
            .find(|f| matches!(f.event, Event::MembershipLeft(_)));
        let end = left.map(|l| (l.valid.from(), l.valid.to()));
        let possible = (join.valid.from(), end.and_then(|e| e.1));
        let certain = match (join.valid.to(), join.valid.is_qualified()) {
            (Some(sure), false) => {
                let until = end.map(|e| e.0.map(minus_a_day));
                match until {
                    Some(Some(u)) if u < sure => None,
                    Some(Some(u)) => Some((Some(sure), Some(u))),
                    Some(None) => None,
                    None => Some((Some(sure), None)),
                }
            }
            _ => None,
        };
        let mut tooltip = format!(
            "joined {} [{}]{}",
            join.valid,
            join.id,
            join.quote
                .as_deref()
                .map_or(String::new(), |q| format!(": \u{201c}{q}\u{201d}"))
        );
        if let Some(l) = left {
            let _ = write!(tooltip, "; left {} [{}]", l.valid, l.id);
        }
        spans.push(BarSpan {
            possible,
            certain,
            tooltip,
        });
    }
    spans
}

/// Each term per docs/dates.md, cut short by the first `role.ended` after its start.
fn term_spans(facts: &[&Envelope]) -> Vec<BarSpan> {
    let mut spans = Vec::new();
    for (i, term) in facts.iter().enumerate() {
        let Event::RoleAssigned(r) = &term.event else {
            continue;
        };
        let ended = facts[i + 1..]
            .iter()
            .find(|f| matches!(f.event, Event::RoleEnded(_)));
        let (start, end) = sides(&term.valid);
        let mut possible = (start.map(|s| s.0), end.map(|e| e.1));
        // A single date is the whole term; `A/B` is certain from the end of A to the
        // start of B.
        let mut certain = if term.valid.as_str().contains('/') {
            (start.map(|s| s.1), end.map(|e| e.0))
        } else {
            possible
        };
        if let Some(e) = ended {
            if let Some(last) = e.valid.to()
                && possible.1.is_none_or(|p| last < p)
            {
                possible.1 = Some(last);
            }
            if let Some(first) = e.valid.from().map(minus_a_day)
                && certain.1.is_none_or(|c| first < c)
            {
                certain.1 = Some(first);
            }
        }
        let sure = !term.valid.is_qualified()
            && match certain {
                (Some(a), Some(b)) => a <= b,
                _ => true,
            };
        let mut tooltip = format!("{} {}, term {}", r.role, r.holder, term.valid);
        if let Some(p) = &r.representative {
            let _ = write!(tooltip, " (represented by {p})");
        }
        let _ = write!(
            tooltip,
            ": {} [{}]",
            describe_term(&term.valid, sure, certain),
            term.id
        );
        if let Some(q) = &term.quote {
            let _ = write!(tooltip, " \u{201c}{q}\u{201d}");
        }
        spans.push(BarSpan {
            possible,
            certain: sure.then_some(certain),
            tooltip,
        });
    }
    spans
}

fn describe_term(valid: &ValidTime, sure: bool, certain: Span) -> String {
    let day = |d: Option<Day>| d.map_or("open".to_owned(), day_string);
    if !sure {
        return "only possible on any day".into();
    }
    if !valid.as_str().contains('/') {
        return "certain throughout".into();
    }
    format!("certain from {} to {}", day(certain.0), day(certain.1))
}

fn mark_rows(fold: &Fold) -> Marks {
    let mut seen = std::collections::HashSet::new();
    let mut marks = Marks {
        calls: vec![],
        meetings: vec![],
        publications: vec![],
        instruments: vec![],
        commitments: vec![],
        statistics: vec![],
    };
    for fact in fold.facts() {
        let owned;
        let (list, id, title) = match &fact.event {
            Event::CallIssued(c) => (&mut marks.calls, c.call.to_string(), &c.title),
            Event::MeetingHeld(m) => (&mut marks.meetings, m.meeting.to_string(), &m.title),
            Event::PublicationReleased(p) => {
                (&mut marks.publications, p.publication.to_string(), &p.title)
            }
            // A change of status is a mark of its own: the instrument and its status.
            Event::InstrumentStatus(i) => {
                // The status first: it is the change, and a cut keeps it.
                owned = format!(
                    "{}: {}",
                    i.status.as_str(),
                    name(fold, &i.instrument.to_string())
                );
                let key = format!("{} {} {}", i.instrument, i.status.as_str(), fact.valid);
                (&mut marks.instruments, key, &owned)
            }
            // A revision is a mark of its own: the same commitment, set again.
            Event::CommitmentSet(c) => {
                let key = format!("{} {}", c.commitment, fact.valid);
                (&mut marks.commitments, key, &c.title)
            }
            Event::StatisticReported(r) => {
                let key = format!("{} {}", r.indicator, fact.valid);
                (&mut marks.statistics, key, &r.label)
            }
            _ => continue,
        };
        // A thing attested twice is drawn once, at its first attestation.
        if !seen.insert(id.clone()) {
            continue;
        }
        let span = (fact.valid.from(), fact.valid.to());
        let mut tooltip = format!("{title} ({}) [{}]", fact.valid, fact.id);
        if let Some(q) = &fact.quote {
            let _ = write!(tooltip, " \u{201c}{q}\u{201d}");
        }
        list.push(Mark {
            label: format!("{} {}", short_date(&fact.valid), title),
            exact: span.0.is_some() && span.0 == span.1 && !fact.valid.is_qualified(),
            span,
            tooltip,
        });
    }
    marks
}

/// `2023-07-18` stays; `../2020-12` reads "by 2020-12".
fn short_date(valid: &ValidTime) -> String {
    match valid.as_str().strip_prefix("../") {
        Some(end) => format!("by {end}"),
        None => valid.as_str().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        crate::date::parse_day(text).unwrap()
    }

    #[test]
    fn interval_terms_are_certain_only_between_their_ends() {
        let v = ValidTime::parse("2019/2020").unwrap();
        let (a, b) = sides(&v);
        assert_eq!(a, Some((day("2019-01-01"), day("2019-12-31"))));
        assert_eq!(b, Some((day("2020-01-01"), day("2020-12-31"))));
        let open = ValidTime::parse("2020-12/..").unwrap();
        assert_eq!(
            sides(&open),
            (Some((day("2020-12-01"), day("2020-12-31"))), None)
        );
        let point = ValidTime::parse("2023").unwrap();
        assert_eq!(sides(&point).0, sides(&point).1);
    }

    #[test]
    fn an_empty_timeline_has_no_window() {
        assert_eq!(default_window(&Fold::default()), None);
    }
}
