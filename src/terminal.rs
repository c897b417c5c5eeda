//! What reaches a terminal: stored text (a quote, a title, `recorded_by`) may hold control
//! characters, and printed raw they would drive the terminal (move the cursor, retitle the
//! window, hide text). Everything the CLI prints goes through `escape`, which writes them
//! as visible `\u001b` escapes; inside JSON strings that is the JSON escape of the same
//! character, so JSON output stays valid and means the same.

use std::borrow::Cow;
use std::cell::Cell;
use std::io::Write;

thread_local! {
    /// Escape characters the renderers' colours wrote since the last `escape`: when the
    /// text holds exactly these, every escape in it is a colour (`render::Style`).
    static PAINTED: Cell<usize> = const { Cell::new(0) };
}

/// Counts `n` escape characters written by a colour (`render::Style::paint`).
pub fn painted(n: usize) {
    PAINTED.with(|p| p.set(p.get() + n));
}

fn take_painted() -> usize {
    PAINTED.with(|p| p.replace(0))
}

/// Whether a character must not reach a terminal raw: C0 controls but tab and line feed,
/// DEL, C1 controls, and the bidirectional overrides and isolates that reorder what a
/// line shows ("Trojan source").
pub fn is_unsafe(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The text with every unsafe character written as `\uXXXX`. Escape characters are kept
/// only when they are all the renderers' colours (see `render`), which are SGR sequences.
pub fn escape(text: &str) -> Cow<'_, str> {
    let painted = take_painted();
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let keep_escapes = painted > 0 && text.matches('\u{1b}').count() == painted;
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) && !(keep_escapes && c == '\u{1b}') {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `escape` for text no renderer coloured (notes and errors on standard error): every
/// escape character is made visible, and the colour count of the output is left alone.
pub fn escape_all(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char) {
    use std::fmt::Write as _;
    let _ = write!(out, "\\u{:04x}", c as u32);
}

/// The narrowest width text is laid out for: below it a table has no room for a column.
const NARROWEST: usize = 20;

/// The columns text output is laid out for: the terminal's own width when standard
/// output is one, else `COLUMNS` when it is set to a number (so that `| less` and scripts
/// can choose), else 80.
pub fn width() -> usize {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal()
        && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size()
        && w > 0
    {
        return usize::from(w).max(NARROWEST);
    }
    width_from(std::env::var("COLUMNS").ok().as_deref())
}

/// The width `COLUMNS` asks for, 80 when it is unset or not a positive number.
fn width_from(columns: Option<&str>) -> usize {
    columns
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .map_or(80, |c| c.max(NARROWEST))
}

/// Renders text with colours when standard output is a terminal, fitted to the width
/// (`width`): no line is wider. Should the rendered text hold an escape character no
/// colour wrote (stored text carrying one), it is rendered again without colours, so
/// that `escape` makes every escape character visible.
pub fn render(draw: impl Fn(crate::render::Style) -> String) -> String {
    take_painted();
    let color = crate::render::use_color();
    let width = width();
    let fitted = |style| crate::render::layout::fit(&draw(style), width);
    let text = fitted(crate::render::Style { color, width });
    if !color {
        return text;
    }
    let painted = PAINTED.with(|p| p.get());
    if text.matches('\u{1b}').count() == painted {
        return text;
    }
    take_painted();
    fitted(crate::render::Style {
        color: false,
        width,
    })
}

/// A writer that escapes unsafe characters on their way through (for JSON streamed to
/// standard output, whose strings may hold DEL, C1 controls or bidirectional overrides
/// raw). It keeps an incomplete UTF-8 sequence for the next write.
pub struct Escaping<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> Escaping<W> {
    pub fn new(inner: W) -> Escaping<W> {
        Escaping {
            inner,
            pending: Vec::new(),
        }
    }
}

impl<W: Write> Write for Escaping<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let complete = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            // Not UTF-8 at all: pass the bytes on untouched (serde_json writes only UTF-8).
            Err(_) => self.pending.len(),
        };
        let rest = self.pending.split_off(complete);
        let done = std::mem::replace(&mut self.pending, rest);
        match std::str::from_utf8(&done) {
            Ok(text) => self.inner.write_all(escape(text).as_bytes())?,
            Err(_) => self.inner.write_all(&done)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let rest = std::mem::take(&mut self.pending);
        self.inner.write_all(&rest)?;
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible_and_plain_text_is_borrowed() {
        assert!(matches!(escape("plain é ’ \t\n"), Cow::Borrowed(_)));
        for (raw, shown) in [
            ("a\u{1b}]0;owned\u{7}b", "a\\u001b]0;owned\\u0007b"),
            ("x\ry", "x\\u000dy"),
            ("del\u{7f} csi\u{9b}", "del\\u007f csi\\u009b"),
            ("\u{202e}txt", "\\u202etxt"),
        ] {
            assert_eq!(escape(raw), shown);
        }
    }

    #[test]
    fn escapes_inside_json_strings_keep_the_json_valid_and_equal() {
        let value = serde_json::json!({"q": "a\u{85}b\u{202e}c\u{7f}"});
        let text = serde_json::to_string(&value).unwrap();
        let escaped = escape(&text);
        assert!(!escaped.chars().any(is_unsafe));
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn colours_are_kept_only_when_every_escape_is_one() {
        painted(2);
        assert_eq!(escape("\u{1b}[1mx\u{1b}[0m"), "\u{1b}[1mx\u{1b}[0m");
        painted(2);
        assert_eq!(
            escape("\u{1b}[1mx\u{1b}[0m\u{1b}[8m"),
            "\\u001b[1mx\\u001b[0m\\u001b[8m"
        );
        assert_eq!(escape("\u{1b}[1m"), "\\u001b[1m");
        // A note on standard error between a render and its output keeps the count.
        painted(2);
        assert_eq!(escape_all("note \u{1b}[1m"), "note \\u001b[1m");
        assert_eq!(escape("\u{1b}[1mx\u{1b}[0m"), "\u{1b}[1mx\u{1b}[0m");
    }

    #[test]
    fn columns_gives_the_width_off_a_terminal() {
        assert_eq!(width_from(None), 80);
        assert_eq!(width_from(Some("120")), 120);
        assert_eq!(width_from(Some("0")), 80);
        assert_eq!(width_from(Some("wide")), 80);
        assert_eq!(width_from(Some("5")), NARROWEST);
    }

    #[test]
    fn the_writer_escapes_across_split_writes() {
        let mut out = Escaping::new(Vec::new());
        let bytes = "a\u{85}b".as_bytes();
        out.write_all(&bytes[..2]).unwrap();
        out.write_all(&bytes[2..]).unwrap();
        out.flush().unwrap();
        assert_eq!(String::from_utf8(out.inner).unwrap(), "a\\u0085b");
    }
}
