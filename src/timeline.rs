//! The history as a picture: memberships and role terms as bars over the years, calls,
//! meetings and publications as marks. What the dates leave open is drawn as such: a
//! hatched, dashed bar where a term only possibly ran, a hollow mark on a whisker where
//! the day is known only to the month or year. Plain SVG text, no SQL and no I/O.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::Datelike;

use crate::date::{Day, ValidTime, day_string};
use crate::event::Event;
use crate::projection::{Fact, Timeline};

const WIDTH: f64 = 1200.0;
const LEFT: f64 = 270.0;
const RIGHT: f64 = 36.0;
const ROW: f64 = 24.0;
const BAR: f64 = 12.0;
const LANE: f64 = 19.0;
const FONT: &str = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";
/// Mark labels longer than this are cut with an ellipsis (the full title is the tooltip).
const LABEL_CHARS: usize = 46;

/// The years the facts touch, as a window: 1 January of the first to 31 December of the
/// last (`None` when there is nothing to draw).
pub fn default_window(timeline: &Timeline) -> Option<(Day, Day)> {
    let days = timeline
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
    )
}

/// Draws the timeline between `from` and `to` (inclusive days). `caption` is printed
/// under the title (say which log and head it was drawn from).
pub fn svg(timeline: &Timeline, from: Day, to: Day, title: &str, caption: &str) -> String {
    let chart = Chart::new(from, to);
    let bars = bar_rows(timeline);
    let marks = mark_rows(timeline);
    let mut body = String::new();
    let mut y = 78.0;
    let mut defs = BTreeMap::new();

    for (heading, rows) in [
        (
            "Memberships",
            bars.iter().filter(|r| r.membership).collect::<Vec<_>>(),
        ),
        ("Roles", bars.iter().filter(|r| !r.membership).collect()),
    ] {
        let rows: Vec<&BarRow> = rows
            .into_iter()
            .filter(|r| r.spans.iter().any(|s| chart.overlaps(s.possible)))
            .collect();
        if rows.is_empty() {
            continue;
        }
        y = chart.heading(&mut body, y, heading);
        for (i, row) in rows.iter().enumerate() {
            chart.bar_row(&mut body, &mut defs, y, row, i % 2 == 1);
            y += ROW;
        }
        y += 8.0;
    }
    for (heading, shape, rows) in [
        ("Calls", Shape::Diamond, &marks.calls),
        ("Meetings", Shape::Circle, &marks.meetings),
        ("Publications", Shape::Square, &marks.publications),
    ] {
        let rows: Vec<&Mark> = rows.iter().filter(|m| chart.overlaps(m.span)).collect();
        if rows.is_empty() {
            continue;
        }
        y = chart.heading(&mut body, y, heading);
        y = chart.mark_row(&mut body, y, shape, &rows);
        y += 8.0;
    }
    let plot_bottom = y;
    y = chart.legend(&mut body, &mut defs, y + 14.0);
    let height = y + 16.0;

    let mut o = String::new();
    let _ = writeln!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0}" viewBox="0 0 {WIDTH} {height:.0}" font-family="{FONT}" font-size="12">"#
    );
    let _ = writeln!(o, "<title>{}</title>", esc(title));
    o.push_str("<defs>\n");
    for pattern in defs.values() {
        o.push_str(pattern);
    }
    o.push_str("</defs>\n");
    let _ = writeln!(
        o,
        r##"<rect width="{WIDTH}" height="{height:.0}" fill="#ffffff"/>"##
    );
    let _ = writeln!(
        o,
        r##"<text x="16" y="26" font-size="17" font-weight="bold" fill="#222">{}</text>"##,
        esc(title)
    );
    let _ = writeln!(
        o,
        r##"<text x="16" y="44" font-size="11" fill="#666">{}</text>"##,
        esc(caption)
    );
    chart.axis(&mut o, 62.0, plot_bottom);
    o.push_str(&body);
    o.push_str("</svg>\n");
    o
}

/// Where the days fall on the page.
struct Chart {
    from: Day,
    to: Day,
}

#[derive(Debug, Clone, Copy)]
enum Shape {
    Diamond,
    Circle,
    Square,
}

impl Chart {
    fn new(from: Day, to: Day) -> Chart {
        Chart { from, to }
    }

    fn x(&self, day: Day) -> f64 {
        let total = (self.to - self.from).num_days().max(1) as f64 + 1.0;
        let at = (day - self.from).num_days() as f64;
        LEFT + (at / total).clamp(0.0, 1.0) * (WIDTH - LEFT - RIGHT)
    }

    /// The x of the end of `day` (its last instant).
    fn x_end(&self, day: Day) -> f64 {
        self.x(day.succ_opt().unwrap_or(day))
    }

    fn overlaps(&self, (a, b): (Option<Day>, Option<Day>)) -> bool {
        a.is_none_or(|a| a <= self.to) && b.is_none_or(|b| b >= self.from)
    }

    fn axis(&self, o: &mut String, top: f64, bottom: f64) {
        let mut year = self.from.year();
        while year <= self.to.year() {
            let start = Day::from_ymd_opt(year, 1, 1)
                .expect("a year")
                .max(self.from);
            let end = Day::from_ymd_opt(year, 12, 31)
                .expect("a year")
                .min(self.to);
            let (x0, x1) = (self.x(start), self.x_end(end));
            if year % 2 == 0 {
                let _ = writeln!(
                    o,
                    r##"<rect x="{x0:.1}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="#f6f7f9"/>"##,
                    x1 - x0,
                    bottom - top
                );
            }
            let _ = writeln!(
                o,
                r##"<line x1="{x0:.1}" y1="{top:.1}" x2="{x0:.1}" y2="{bottom:.1}" stroke="#d5d8dd" stroke-width="1"/>"##
            );
            let _ = writeln!(
                o,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12" font-weight="bold" fill="#444">{year}</text>"##,
                (x0 + x1) / 2.0,
                top + 8.0
            );
            year += 1;
        }
        let right = self.x_end(self.to);
        let _ = writeln!(
            o,
            r##"<line x1="{right:.1}" y1="{top:.1}" x2="{right:.1}" y2="{bottom:.1}" stroke="#d5d8dd" stroke-width="1"/>"##
        );
    }

    fn heading(&self, o: &mut String, y: f64, text: &str) -> f64 {
        let _ = writeln!(
            o,
            r##"<text x="16" y="{:.1}" font-size="12" font-weight="bold" fill="#555" letter-spacing="0.5">{}</text>"##,
            y + 16.0,
            esc(&text.to_uppercase())
        );
        let _ = writeln!(
            o,
            r##"<line x1="16" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#bbb" stroke-width="0.8"/>"##,
            y + 21.0,
            WIDTH - RIGHT,
            y + 21.0
        );
        y + 26.0
    }

    fn bar_row(
        &self,
        o: &mut String,
        defs: &mut BTreeMap<&'static str, String>,
        y: f64,
        row: &BarRow,
        shaded: bool,
    ) {
        if shaded {
            let _ = writeln!(
                o,
                r##"<rect x="12" y="{y:.1}" width="{:.1}" height="{ROW}" fill="#000" fill-opacity="0.025"/>"##,
                WIDTH - RIGHT - 12.0
            );
        }
        let _ = writeln!(
            o,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#222">{}</text>"##,
            LEFT - 10.0,
            y + ROW / 2.0 + 4.0,
            esc(&row.label)
        );
        let color = row.color;
        let hatch = hatch(defs, color);
        let top = y + (ROW - BAR) / 2.0;
        let left_edge = self.x(self.from);
        let right_edge = self.x_end(self.to);
        // Possible stretches first (where a span is not certain), certain ones over them.
        for span in &row.spans {
            if !self.overlaps(span.possible) {
                continue;
            }
            let x0 = span.possible.0.map_or(left_edge, |d| self.x(d));
            let x1 = span.possible.1.map_or(right_edge, |d| self.x_end(d));
            let (c0, c1) = match span.certain {
                Some((a, b)) => (
                    a.map_or(left_edge, |d| self.x(d)),
                    b.map_or(right_edge, |d| self.x_end(d)),
                ),
                None => (x1, x1),
            };
            for (x0, x1) in [(x0, c0.min(x1)), (c1.max(x0), x1)] {
                if x1 - x0 < 0.5 {
                    continue;
                }
                let _ = writeln!(
                    o,
                    r##"<rect x="{x0:.1}" y="{top:.1}" width="{:.1}" height="{BAR}" fill="url(#{hatch})" stroke="{color}" stroke-width="1" stroke-dasharray="3 2"><title>{}</title></rect>"##,
                    x1 - x0,
                    esc(&span.tooltip)
                );
            }
            if span.possible.1.is_none() {
                arrow(o, right_edge, top, color);
            }
        }
        for span in &row.spans {
            let Some(certain) = span.certain else {
                continue;
            };
            if !self.overlaps(certain) {
                continue;
            }
            let x0 = certain.0.map_or(left_edge, |d| self.x(d));
            let x1 = certain.1.map_or(right_edge, |d| self.x_end(d));
            let _ = writeln!(
                o,
                r##"<rect x="{x0:.1}" y="{top:.1}" width="{:.1}" height="{BAR}" fill="{color}"><title>{}</title></rect>"##,
                (x1 - x0).max(2.5),
                esc(&span.tooltip)
            );
        }
    }

    /// One section of marks. Each mark sits on its whisker (the span its date allows) with
    /// its label beside it; marks whose whisker or label would touch go to separate lanes.
    fn mark_row(&self, o: &mut String, y: f64, shape: Shape, marks: &[&Mark]) -> f64 {
        const GAP: f64 = 7.0;
        struct Placed<'m> {
            mark: &'m Mark,
            x: f64,
            whisker: (f64, f64),
            label: String,
            label_x: f64,
            lane: usize,
        }
        let mut placed: Vec<Placed> = Vec::new();
        let mut lanes: Vec<f64> = Vec::new();
        let mut sorted: Vec<&Mark> = marks.to_vec();
        sorted.sort_by(|a, b| {
            self.whisker(a)
                .0
                .total_cmp(&self.whisker(b).0)
                .then(a.label.cmp(&b.label))
        });
        for mark in sorted {
            let x = self.mark_x(mark);
            let whisker = self.whisker(mark);
            // Right of the whisker if the label fits there, else left of it, else on the
            // roomier side, shortened to fit.
            let right = whisker.1.max(x + 6.0) + GAP;
            let left_end = whisker.0.min(x - 6.0) - GAP;
            let full = cut(&mark.label, LABEL_CHARS);
            let width = text_width(&full, 11.0);
            let (room_right, room_left) = (WIDTH - 8.0 - right, left_end - 16.0);
            let (label, label_x) = if width <= room_right {
                (full, right)
            } else if width <= room_left {
                (full, left_end - width)
            } else if room_right >= room_left {
                (fit(&mark.label, room_right), right)
            } else {
                let label = fit(&mark.label, room_left);
                let width = text_width(&label, 11.0);
                (label, left_end - width)
            };
            let width = text_width(&label, 11.0);
            let extent = (
                whisker.0.min(x - 6.0).min(label_x),
                whisker.1.max(label_x + width),
            );
            let lane = lanes
                .iter()
                .position(|end| *end + 12.0 < extent.0)
                .unwrap_or(lanes.len());
            if lane == lanes.len() {
                lanes.push(0.0);
            }
            lanes[lane] = extent.1;
            placed.push(Placed {
                mark,
                x,
                whisker,
                label,
                label_x,
                lane,
            });
        }
        let color = shape.color();
        for p in &placed {
            let line_y = y + 12.0 + p.lane as f64 * LANE;
            let _ = writeln!(o, "<g><title>{}</title>", esc(&p.mark.tooltip));
            if !p.mark.exact {
                let (x0, x1) = p.whisker;
                let open = p.mark.span.0.is_none() || p.mark.span.1.is_none();
                let dash = if open {
                    r#" stroke-dasharray="4 3""#
                } else {
                    ""
                };
                let _ = writeln!(
                    o,
                    r##"<line x1="{x0:.1}" y1="{line_y:.1}" x2="{x1:.1}" y2="{line_y:.1}" stroke="{color}" stroke-width="1.6"{dash}/>"##
                );
                let ends = [p.mark.span.0.map(|_| x0), p.mark.span.1.map(|_| x1)];
                for end in ends.into_iter().flatten() {
                    let _ = writeln!(
                        o,
                        r##"<line x1="{end:.1}" y1="{:.1}" x2="{end:.1}" y2="{:.1}" stroke="{color}" stroke-width="1.4"/>"##,
                        line_y - 4.0,
                        line_y + 4.0
                    );
                }
            }
            shape.draw(o, p.x, line_y, !p.mark.exact);
            let _ = writeln!(
                o,
                r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="#333">{}</text></g>"##,
                p.label_x,
                line_y + 4.0,
                esc(&p.label)
            );
        }
        y + 12.0 + lanes.len().saturating_sub(1) as f64 * LANE + 12.0
    }

    /// The span a mark's date allows, in x: a point for a day, the month or year
    /// otherwise, to the page's edge for an open end.
    fn whisker(&self, mark: &Mark) -> (f64, f64) {
        if mark.exact {
            let x = self.mark_x(mark);
            return (x, x);
        }
        let left_edge = self.x(self.from);
        let right_edge = self.x_end(self.to);
        (
            mark.span.0.map_or(left_edge, |d| self.x(d).max(left_edge)),
            mark.span
                .1
                .map_or(right_edge, |d| self.x_end(d).min(right_edge)),
        )
    }

    /// Where a mark sits: on its day, or the middle of an imprecise span, or the known end
    /// of a half-open one ("by 2020-12").
    fn mark_x(&self, mark: &Mark) -> f64 {
        match mark.span {
            (Some(a), Some(b)) if a == b => self.x(a) + (self.x_end(a) - self.x(a)) / 2.0,
            (Some(a), Some(b)) => (self.x(a) + self.x_end(b)) / 2.0,
            (None, Some(b)) => self.x_end(b),
            (Some(a), None) => self.x(a),
            (None, None) => self.x(self.from),
        }
    }

    fn legend(&self, o: &mut String, defs: &mut BTreeMap<&'static str, String>, y: f64) -> f64 {
        let color = "#4a6fa5";
        let hatch = hatch(defs, color);
        let mut x = 16.0;
        let text = |o: &mut String, x: f64, s: &str| {
            let _ = writeln!(
                o,
                r##"<text x="{x:.1}" y="{:.1}" font-size="11" fill="#444">{}</text>"##,
                y + 10.0,
                esc(s)
            );
        };
        let _ = writeln!(
            o,
            r##"<rect x="{x}" y="{:.1}" width="28" height="{BAR}" fill="{color}"/>"##,
            y
        );
        text(o, x + 34.0, "certain");
        x += 92.0;
        let _ = writeln!(
            o,
            r##"<rect x="{x}" y="{:.1}" width="28" height="{BAR}" fill="url(#{hatch})" stroke="{color}" stroke-dasharray="3 2"/>"##,
            y
        );
        text(o, x + 34.0, "possible (the date is imprecise)");
        x += 214.0;
        let _ = writeln!(
            o,
            r##"<rect x="{x}" y="{:.1}" width="22" height="{BAR}" fill="{color}"/>"##,
            y
        );
        arrow(o, x + 22.0, y, color);
        text(o, x + 36.0, "still open");
        x += 104.0;
        for (shape, name) in [
            (Shape::Diamond, "call"),
            (Shape::Circle, "meeting"),
            (Shape::Square, "publication"),
        ] {
            shape.draw(o, x + 6.0, y + 6.0, false);
            text(o, x + 16.0, name);
            x += 28.0 + text_width(name, 11.0);
        }
        x += 12.0;
        let grey = "#666";
        let _ = writeln!(
            o,
            r##"<line x1="{x}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{grey}" stroke-width="2"/>"##,
            y + 6.0,
            x + 36.0,
            y + 6.0
        );
        Shape::Circle.draw_colored(o, x + 18.0, y + 6.0, true, grey);
        text(
            o,
            x + 44.0,
            "hollow on a whisker: day known only to the month or year",
        );
        y + 18.0
    }
}

impl Shape {
    fn color(self) -> &'static str {
        match self {
            Shape::Diamond => "#c0392b",
            Shape::Circle => "#d35400",
            Shape::Square => "#16806a",
        }
    }

    fn draw(self, o: &mut String, x: f64, y: f64, hollow: bool) {
        self.draw_colored(o, x, y, hollow, self.color());
    }

    fn draw_colored(self, o: &mut String, x: f64, y: f64, hollow: bool, color: &str) {
        let fill = if hollow { "#ffffff" } else { color };
        let style = format!(r#"fill="{fill}" stroke="{color}" stroke-width="1.6""#);
        let _ = match self {
            Shape::Diamond => writeln!(
                o,
                r#"<path d="M{x:.1} {:.1} L{:.1} {y:.1} L{x:.1} {:.1} L{:.1} {y:.1} Z" {style}/>"#,
                y - 6.0,
                x + 6.0,
                y + 6.0,
                x - 6.0
            ),
            Shape::Circle => writeln!(o, r#"<circle cx="{x:.1}" cy="{y:.1}" r="5" {style}/>"#),
            Shape::Square => writeln!(
                o,
                r#"<rect x="{:.1}" y="{:.1}" width="9" height="9" {style}/>"#,
                x - 4.5,
                y - 4.5
            ),
        };
    }
}

fn arrow(o: &mut String, x: f64, top: f64, color: &str) {
    let _ = writeln!(
        o,
        r#"<path d="M{:.1} {:.1} L{:.1} {:.1} L{:.1} {:.1} Z" fill="{color}"/>"#,
        x + 1.0,
        top - 2.0,
        x + 9.0,
        top + BAR / 2.0,
        x + 1.0,
        top + BAR + 2.0
    );
}

/// The id of a diagonal hatch in `color`, defined once.
fn hatch(defs: &mut BTreeMap<&'static str, String>, color: &'static str) -> String {
    let id = format!("hatch-{}", color.trim_start_matches('#'));
    defs.entry(color).or_insert_with(|| {
        format!(
            r##"<pattern id="{id}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="{color}" stroke-width="2.4" stroke-opacity="0.75"/></pattern>
"##
        )
    });
    id
}

/// A membership pair or a role holder: one line of bars.
struct BarRow {
    membership: bool,
    label: String,
    color: &'static str,
    spans: Vec<BarSpan>,
}

/// One side of a `valid`: the days `(first, last)` it may fall on.
type Side = (Day, Day);

/// Days as `(first, last)`, `None` for an open end.
type Span = (Option<Day>, Option<Day>);

struct BarSpan {
    /// Where it may have held.
    possible: Span,
    /// Where it certainly held (`None`: nowhere).
    certain: Option<Span>,
    tooltip: String,
}

struct Mark {
    label: String,
    span: Span,
    /// The date is one day.
    exact: bool,
    tooltip: String,
}

struct Marks {
    calls: Vec<Mark>,
    meetings: Vec<Mark>,
    publications: Vec<Mark>,
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

fn name(timeline: &Timeline, id: &str) -> String {
    match timeline.entity(id) {
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

fn bar_rows(timeline: &Timeline) -> Vec<BarRow> {
    let mut by_key: BTreeMap<(u8, String, String, String), Vec<&Fact>> = BTreeMap::new();
    for fact in timeline.facts() {
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
        let (g, w) = (name(timeline, &group), name(timeline, &who));
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
fn membership_spans(facts: &[&Fact]) -> Vec<BarSpan> {
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
fn term_spans(facts: &[&Fact]) -> Vec<BarSpan> {
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

fn mark_rows(timeline: &Timeline) -> Marks {
    let mut seen = std::collections::HashSet::new();
    let mut marks = Marks {
        calls: vec![],
        meetings: vec![],
        publications: vec![],
    };
    for fact in timeline.facts() {
        let (list, id, title) = match &fact.event {
            Event::CallIssued(c) => (&mut marks.calls, c.call.to_string(), &c.title),
            Event::MeetingHeld(m) => (&mut marks.meetings, m.meeting.to_string(), &m.title),
            Event::PublicationReleased(p) => {
                (&mut marks.publications, p.publication.to_string(), &p.title)
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

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let kept: String = text.chars().take(max - 1).collect();
        format!("{}\u{2026}", kept.trim_end())
    }
}

/// The longest cut of `text` (at most `LABEL_CHARS`) that fits in `room` pixels.
fn fit(text: &str, room: f64) -> String {
    (2..=LABEL_CHARS)
        .rev()
        .map(|n| cut(text, n))
        .find(|t| text_width(t, 11.0) <= room)
        .unwrap_or_default()
}

/// An estimate of the width of `text` in DejaVu Sans at `size` (no font metrics here).
fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' => 0.34,
            'm' | 'w' | 'M' | 'W' => 0.9,
            c if c.is_uppercase() || c.is_ascii_digit() => 0.68,
            _ => 0.6,
        })
        .sum::<f64>()
        * size
}

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
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
    fn text_is_escaped() {
        assert_eq!(esc(r#"a < b & "c""#), "a &lt; b &amp; &quot;c&quot;");
    }

    #[test]
    fn long_labels_are_cut_with_an_ellipsis() {
        assert_eq!(cut("abcdef", 4), "abc\u{2026}");
        assert_eq!(cut("abc", 4), "abc");
    }

    #[test]
    fn an_empty_timeline_has_no_window() {
        assert_eq!(default_window(&Timeline::default()), None);
    }
}
