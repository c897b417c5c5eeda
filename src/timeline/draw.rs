//! How the timeline is drawn: the page, the years, bars for spans (solid where certain,
//! hatched and dashed where only possible), marks on whiskers, and the legend. Labels
//! are laid out at widths `text_width` estimates for DejaVu Sans, and every label says
//! that width to the renderer (`textLength` with `lengthAdjust="spacingAndGlyphs"`), so
//! it is drawn exactly that wide whatever font the viewer has: a label never runs past
//! its room (the row-label column, the plot's edges) nor into another label.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::Datelike;

use super::text::{cut, esc, fit, fit_at, length, text_width};
use super::{BarRow, Mark, Marks};
use crate::date::Day;

const WIDTH: f64 = 1200.0;
const LEFT: f64 = 270.0;
const RIGHT: f64 = 36.0;
const ROW: f64 = 24.0;
const BAR: f64 = 12.0;
const LANE: f64 = 19.0;
const FONT: &str = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";
/// The room of a row label: from 16 px to 10 px short of the plot.
const LABEL_COLUMN: f64 = LEFT - 10.0 - 16.0;
/// Mark labels longer than this are cut with an ellipsis (the full title is the tooltip).
pub(super) const LABEL_CHARS: usize = 46;

/// The whole picture: title and caption, the years, the bar and mark sections, a legend.
pub(super) fn page(
    bars: &[BarRow],
    marks: &Marks,
    (from, to): (Day, Day),
    title: &str,
    caption: &str,
) -> String {
    let chart = Chart::new(from, to);
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
        ("Instruments", Shape::Diamond, &marks.instruments),
        ("Commitments", Shape::Square, &marks.commitments),
        ("Statistics", Shape::Circle, &marks.statistics),
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
        // The row-label column runs from 16 px to 10 px short of the plot: a longer
        // label is cut with an ellipsis (the tooltip of each bar says it whole).
        let label = fit_at(&row.label, LABEL_COLUMN, 12.0, usize::MAX);
        let _ = writeln!(
            o,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#222"{}>{}</text>"##,
            LEFT - 10.0,
            y + ROW / 2.0 + 4.0,
            length(&label, 12.0),
            esc(&label)
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
            // Never into the row-label column: the plot starts at LEFT.
            let (room_right, room_left) = (WIDTH - 8.0 - right, left_end - LEFT);
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
                r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="#333"{}>{}</text></g>"##,
                p.label_x,
                line_y + 4.0,
                length(&p.label, 11.0),
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
        let text_at = |o: &mut String, x: f64, y: f64, s: &str| {
            let _ = writeln!(
                o,
                r##"<text x="{x:.1}" y="{:.1}" font-size="11" fill="#444">{}</text>"##,
                y + 10.0,
                esc(s)
            );
        };
        let text = |o: &mut String, x: f64, s: &str| text_at(o, x, y, s);
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
            (Shape::Diamond, "call, instrument status"),
            (Shape::Circle, "meeting, statistic"),
            (Shape::Square, "publication, commitment"),
        ] {
            shape.draw(o, x + 6.0, y + 6.0, false);
            text(o, x + 16.0, name);
            x += 28.0 + text_width(name, 11.0);
        }
        x += 12.0;
        // The last entry on a line of its own when it would pass the page's edge.
        let hollow = "hollow on a whisker: day known only to the month or year";
        let mut y = y;
        if x + 44.0 + text_width(hollow, 11.0) > WIDTH - 8.0 {
            x = 16.0;
            y += 20.0;
        }
        let grey = "#666";
        let _ = writeln!(
            o,
            r##"<line x1="{x}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{grey}" stroke-width="2"/>"##,
            y + 6.0,
            x + 36.0,
            y + 6.0
        );
        Shape::Circle.draw_colored(o, x + 18.0, y + 6.0, true, grey);
        text_at(o, x + 44.0, y, hollow);
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
