//! Fitting text to a terminal. Everything here counts display columns, not characters: a
//! CJK character takes two columns, a combining mark none, and a colour escape
//! (`Style::paint`) none, so that columns line up whatever script a name is written in.
//! Tables wrap their cells inside their columns; `fit` wraps any other line at the width
//! with a hanging indent, so that no line a text format prints is wider than the terminal
//! (but for a web address longer than a line, printed whole on its own line).

use unicode_width::UnicodeWidthChar;

/// The columns `text` takes on a terminal. A colour escape (`ESC [ … m`) takes none; any
/// other unsafe character is printed as `\uXXXX` (`terminal::escape`) and takes six.
pub fn width(text: &str) -> usize {
    let mut columns = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else if crate::terminal::is_unsafe(c) {
            columns += 6;
        } else {
            columns += c.width().unwrap_or(0);
        }
    }
    columns
}

/// `text` followed by spaces up to `columns` display columns (nothing when it is wider).
pub fn pad(text: &str, columns: usize) -> String {
    let mut out = text.to_owned();
    out.push_str(&" ".repeat(columns.saturating_sub(width(text))));
    out
}

/// Splits `word` into pieces, the first at most `first` columns wide and the others at
/// most `columns` (a piece holds at least one character, so that a character wider than
/// the room still makes progress). A colour escape goes whole into a piece.
fn break_word(word: &str, first: usize, columns: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut piece = String::new();
    let mut used = 0;
    let mut room = first.max(1);
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            piece.push(c);
            for d in chars.by_ref() {
                piece.push(d);
                if d == 'm' {
                    break;
                }
            }
            continue;
        }
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w > room && used > 0 {
            // Break after the piece's last hyphen when it has one (ids read whole
            // between hyphens), else here.
            let carry = match piece.trim_end_matches('-').rfind('-') {
                Some(at) => piece.split_off(at + 1),
                None => String::new(),
            };
            pieces.push(std::mem::replace(&mut piece, carry));
            used = width(&piece);
            room = columns.max(1);
        }
        piece.push(c);
        used += w;
    }
    pieces.push(piece);
    pieces
}

/// Word-wraps `text` into lines at most `columns` wide, the first `first` columns of the
/// first line already taken and every later line starting after `indent` columns (which
/// the caller writes). A word wider than a line is broken.
fn wrap_lines(text: &str, columns: usize, first: usize, indent: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut used = first;
    let mut fresh = true;
    for word in text.split_whitespace() {
        let w = width(word);
        let sep = usize::from(!fresh);
        if used + sep + w <= columns {
            let line = lines.last_mut().expect("a line");
            if !fresh {
                line.push(' ');
            }
            line.push_str(word);
            used += sep + w;
        } else {
            if !fresh {
                lines.push(String::new());
                used = indent;
            }
            if word.contains("://") {
                // An address broken in two can be neither clicked nor copied: it goes
                // whole on its own line, and the terminal folds it.
                lines.last_mut().expect("a line").push_str(word);
                used += w;
                fresh = false;
                continue;
            }
            let room = columns.saturating_sub(indent);
            for (i, piece) in break_word(word, columns.saturating_sub(used), room)
                .into_iter()
                .enumerate()
            {
                if i > 0 {
                    lines.push(String::new());
                    used = indent;
                }
                used += width(&piece);
                lines.last_mut().expect("a line").push_str(&piece);
            }
        }
        fresh = false;
    }
    lines
}

/// Wraps one line so that no piece is wider than `columns`: its leading spaces are kept,
/// and the continuation lines are indented by `hang` columns.
pub fn fit_line(line: &str, columns: usize, hang: usize) -> String {
    if width(line) <= columns {
        return line.to_owned();
    }
    let lead = line.len() - line.trim_start_matches(' ').len();
    let hang = hang.min(columns / 2);
    let pieces = wrap_lines(&line[lead..], columns, lead, hang);
    let mut out = " ".repeat(lead);
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&" ".repeat(hang));
        }
        out.push_str(piece);
    }
    out
}

/// Every line of `text` fitted to `columns`, a wrapped line's continuation indented two
/// columns past its own indent (the renderers' convention: a title at 2 continues at 4,
/// an item at 4 at 6).
pub fn fit(text: &str, columns: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        let lead = body.len() - body.trim_start_matches(' ').len();
        out.push_str(&fit_line(body, columns, lead + 2));
        out.push_str(newline);
    }
    out
}

/// Rows of columns aligned by display width, each row ending in free text (`rest`: the
/// certainty and evidence of an entry) that wraps under its own start. Columns take their
/// widest cell; when the row is wider than the terminal the widest columns narrow and
/// their cells wrap inside them, so that every column stays aligned.
#[derive(Debug, Default)]
pub struct Table {
    indent: usize,
    right: Vec<usize>,
    rows: Vec<(Vec<String>, String)>,
}

/// Columns between two cells.
const GAP: usize = 2;
/// The narrowest a column is made, and the least room kept for a row's free text.
const NARROWEST: usize = 6;
const REST_ROOM: usize = 24;

impl Table {
    /// A table whose rows start after `indent` spaces.
    pub fn new(indent: usize) -> Table {
        Table {
            indent,
            ..Table::default()
        }
    }

    /// Aligns column `column` to the right (numbers).
    pub fn right(mut self, column: usize) -> Table {
        self.right.push(column);
        self
    }

    pub fn row(&mut self, cells: Vec<String>, rest: impl Into<String>) {
        self.rows.push((cells, rest.into()));
    }

    /// The columns' widths within `columns`: each its widest cell, the widest narrowed
    /// first until the row fits (never below `NARROWEST`).
    fn widths(&self, columns: usize) -> Vec<usize> {
        let n = self.rows.iter().map(|(c, _)| c.len()).max().unwrap_or(0);
        let mut natural = vec![0; n];
        for (cells, _) in &self.rows {
            for (i, cell) in cells.iter().enumerate() {
                natural[i] = natural[i].max(width(cell));
            }
        }
        // The free text moves below the cells when it has no room beside them
        // (`render_rows`): only the cells must fit.
        let gaps = GAP * n.saturating_sub(1);
        let budget = columns.saturating_sub(self.indent + gaps);
        if natural.iter().sum::<usize>() <= budget {
            return natural;
        }
        // The largest cap that fits: every column at most `cap` wide.
        let mut cap = natural.iter().copied().max().unwrap_or(0);
        while cap > NARROWEST && natural.iter().map(|&w| w.min(cap)).sum::<usize>() > budget {
            cap -= 1;
        }
        natural.iter().map(|&w| w.min(cap)).collect()
    }

    pub fn render(&self, columns: usize) -> String {
        self.render_rows(columns).concat()
    }

    /// Each row's lines apart (for text between rows), the columns shared by all rows.
    pub fn render_rows(&self, columns: usize) -> Vec<String> {
        let widths = self.widths(columns);
        let rest_at = self.indent + widths.iter().map(|w| w + GAP).sum::<usize>();
        let mut rows = Vec::with_capacity(self.rows.len());
        for (cells, rest) in &self.rows {
            let mut out = String::new();
            let wrapped: Vec<Vec<String>> = widths
                .iter()
                .enumerate()
                .map(|(i, &w)| {
                    let cell = cells.get(i).map_or("", String::as_str);
                    wrap_lines(cell, w, 0, 0)
                })
                .collect();
            // The free text wraps under its start when there is room there for its
            // longest word, else on the lines below the cells, indented past the row's
            // start.
            let longest = rest.split_whitespace().map(width).max().unwrap_or(0);
            let room = columns.saturating_sub(rest_at);
            let (rest_lines, rest_col) = if rest.is_empty() {
                (Vec::new(), rest_at)
            } else if room >= longest && room >= REST_ROOM.min(width(rest)) {
                (wrap_lines(rest, room, 0, 0), rest_at)
            } else {
                let hang = self.indent + 4;
                let mut lines =
                    vec![String::new(); wrapped.iter().map(Vec::len).max().unwrap_or(1)];
                lines.extend(wrap_lines(rest, columns.saturating_sub(hang), 0, 0));
                (lines, hang)
            };
            let height = wrapped
                .iter()
                .map(Vec::len)
                .max()
                .unwrap_or(1)
                .max(rest_lines.len());
            for k in 0..height {
                let mut line = " ".repeat(self.indent);
                for (i, &w) in widths.iter().enumerate() {
                    let piece = wrapped[i].get(k).map_or("", String::as_str);
                    if self.right.contains(&i) {
                        line.push_str(&" ".repeat(w.saturating_sub(width(piece))));
                        line.push_str(piece);
                    } else {
                        line.push_str(&pad(piece, w));
                    }
                    line.push_str(&" ".repeat(GAP));
                }
                if let Some(piece) = rest_lines.get(k).filter(|p| !p.is_empty()) {
                    if rest_col != rest_at {
                        line.truncate(0);
                        line.push_str(&" ".repeat(rest_col));
                    }
                    line.push_str(piece);
                }
                out.push_str(line.trim_end());
                out.push('\n');
            }
            rows.push(out);
        }
        rows
    }
}

/// A figure with its integer digits grouped in threes (`150000000000` → `150,000,000,000`,
/// `0.35` unchanged): for people reading text; JSON and CSV keep the raw number.
pub fn group_digits(number: &str) -> String {
    let (sign, unsigned) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    if int.len() < 4 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return number.to_owned();
    }
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_count_columns_not_characters() {
        assert_eq!(width("ICAT"), 4);
        assert_eq!(width("国际移民组织"), 12);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width("\u{1b}[2m[a]\u{1b}[0m"), 3);
        assert_eq!(pad("移民", 6), "移民  ");
    }

    #[test]
    fn fitted_lines_never_pass_the_width() {
        let long = format!(
            "  {} {}",
            "word ".repeat(40),
            "x".repeat(200) // one word wider than any line
        );
        for columns in [20, 40, 80] {
            let fitted = fit(&long, columns);
            assert!(fitted.lines().count() > 1);
            for line in fitted.lines() {
                assert!(width(line) <= columns, "{columns}: {line:?}");
            }
            // Nothing is lost: the words come back in order.
            let words: String = fitted.split_whitespace().collect();
            assert_eq!(words, long.split_whitespace().collect::<String>());
        }
        let cjk = "  世界".repeat(30);
        for line in fit(&cjk, 21).lines() {
            assert!(width(line) <= 21, "{line:?}");
        }
    }

    #[test]
    fn table_columns_align_by_display_width() {
        let mut t = Table::new(2);
        t.row(vec!["IOM".into(), "since 2020".into()], "certain [a]");
        t.row(
            vec!["国际移民组织".into(), "since 2021".into()],
            "possible [b]",
        );
        let text = t.render(80);
        let starts: Vec<usize> = text
            .lines()
            .map(|l| width(&l[..l.find("since").unwrap()]))
            .collect();
        assert_eq!(starts[0], starts[1], "{text}");
        // Narrow: the widest column wraps inside itself, the others stay aligned.
        let mut t = Table::new(0);
        t.row(vec!["a".repeat(60), "b".into()], "");
        t.row(vec!["c".into(), "d".into()], "");
        let text = t.render(30);
        assert!(text.lines().all(|l| width(l) <= 30), "{text}");
        let col: Vec<usize> = text.lines().filter_map(|l| l.find(['b', 'd'])).collect();
        assert_eq!(col.len(), 2);
        assert_eq!(col[0], col[1], "{text}");
    }

    #[test]
    fn digits_group_in_threes() {
        assert_eq!(group_digits("150000000000"), "150,000,000,000");
        assert_eq!(group_digits("27600000"), "27,600,000");
        assert_eq!(group_digits("3000"), "3,000");
        assert_eq!(group_digits("600"), "600");
        assert_eq!(group_digits("-12345.678"), "-12,345.678");
        assert_eq!(group_digits("0.35"), "0.35");
        assert_eq!(group_digits("1e21"), "1e21");
    }
}
