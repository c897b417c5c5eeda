//! The timeline's text: labels cut with an ellipsis to a width, the width DejaVu Sans
//! gives a text (an estimate the SVG then enforces, `length`), and XML escaping.

use super::draw::LABEL_CHARS;

pub(super) fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let kept: String = text.chars().take(max - 1).collect();
        format!("{}\u{2026}", kept.trim_end())
    }
}

/// The longest cut of `text` (at most `LABEL_CHARS`) that fits in `room` pixels.
pub(super) fn fit(text: &str, room: f64) -> String {
    fit_at(text, room, 11.0, LABEL_CHARS)
}

/// The longest cut of `text` (at most `max` characters) that fits in `room` pixels at
/// `size`: the whole text when it fits.
pub(super) fn fit_at(text: &str, room: f64, size: f64, max: usize) -> String {
    let chars = text.chars().count();
    if chars <= max && text_width(text, size) <= room {
        return text.to_owned();
    }
    (2..=chars.min(max))
        .rev()
        .map(|n| cut(text, n))
        .find(|t| text_width(t, size) <= room)
        .unwrap_or_default()
}

/// The width a label is laid out at, for the renderer to draw it at exactly that width.
pub(super) fn length(text: &str, size: f64) -> String {
    format!(
        r#" textLength="{:.1}" lengthAdjust="spacingAndGlyphs""#,
        text_width(text, size)
    )
}

/// An estimate of the width of `text` in DejaVu Sans at `size` (no font metrics here).
pub(super) fn text_width(text: &str, size: f64) -> f64 {
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

pub(super) fn esc(text: &str) -> String {
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

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc(r#"a < b & "c""#), "a &lt; b &amp; &quot;c&quot;");
    }

    #[test]
    fn long_labels_are_cut_with_an_ellipsis() {
        assert_eq!(cut("abcdef", 4), "abc\u{2026}");
        assert_eq!(cut("abc", 4), "abc");
    }
}
