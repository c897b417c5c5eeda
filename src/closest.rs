//! When a quote is not in its document: the closest passage, and what differs, with the
//! invisible made visible (a straight `'` against a curly `’`, a decomposed `Å`, a zero-width
//! space, a typo). Only a quote that failed pays for this search; a quote found costs
//! nothing more than before.

use similar::{ChangeTag, TextDiff};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The passage of a document closest to a quote, and what differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The passage, whitespace collapsed as quotes are compared.
    pub passage: String,
    /// What differs, one sentence each, the quote's side first.
    pub differences: Vec<String>,
    /// The quote and the passage differ only by Unicode normalisation (NFC against NFD).
    pub only_normalisation: bool,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\n  closest passage: \"{}\"", visible(&self.passage))?;
        for difference in &self.differences {
            write!(f, "\n  differs: {difference}")?;
        }
        if self.only_normalisation {
            write!(
                f,
                "\n  the only difference is Unicode normalisation: write the quote in the document's form (NFC, composed characters), e.g. by copying the passage"
            )
        } else {
            write!(
                f,
                "\n  fix: quote the document exactly as it is written (copy the passage above)"
            )
        }
    }
}

/// Differences listed at most (a quote from another text differs everywhere).
const MAX_DIFFERENCES: usize = 5;

/// Finds the passage of `text` (whitespace already collapsed) closest to `quote` (the same),
/// or `None` when nothing in it is close.
pub fn closest(text: &str, quote: &str) -> Option<Mismatch> {
    let hay: Vec<char> = text.chars().collect();
    let (folded_hay, places) = fold(&hay);
    let needle: Vec<char> = quote.chars().collect();
    let (folded_needle, _) = fold(&needle);
    if folded_needle.is_empty() {
        return None;
    }
    let (start, end) =
        exact(&folded_hay, &folded_needle).or_else(|| approximate(&folded_hay, &folded_needle))?;
    let passage: String = hay[places[start]..=places[end - 1]].iter().collect();
    Some(describe(quote, passage))
}

/// A char sequence folded to what a reader takes as the same text: decomposed and without
/// combining marks, invisible format characters dropped, curly quotes and dashes straight,
/// lower case; with each folded char's index in the input.
fn fold(chars: &[char]) -> (Vec<char>, Vec<usize>) {
    let mut folded = Vec::with_capacity(chars.len());
    let mut places = Vec::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        for d in std::iter::once(c).nfd() {
            if is_combining_mark(d) || is_invisible(d) {
                continue;
            }
            let d = match d {
                '‘' | '’' | '‚' | '‛' | '′' | '`' | '´' => '\'',
                '“' | '”' | '„' | '‟' | '″' | '«' | '»' => '"',
                '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
                _ => d,
            };
            for l in d.to_lowercase() {
                folded.push(l);
                places.push(i);
            }
        }
    }
    (folded, places)
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
    )
}

fn exact(hay: &[char], needle: &[char]) -> Option<(usize, usize)> {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .map(|at| (at, at + needle.len()))
}

/// Cells of the edit-distance table computed at most for one search.
const MAX_CELLS: usize = 4_000_000;

/// The span of `hay` whose edit distance to `needle` is least (semi-global: the passage
/// may start and end anywhere), if that distance is at most a third of the quote. A long
/// document is searched only around the places where the quote's words occur.
fn approximate(hay: &[char], needle: &[char]) -> Option<(usize, usize)> {
    let m = needle.len();
    let windows: Vec<(usize, usize)> = if hay.len().saturating_mul(m) <= MAX_CELLS {
        vec![(0, hay.len())]
    } else {
        anchored_windows(hay, needle)
    };
    let mut best: Option<(usize, usize, usize)> = None;
    for (from, to) in windows {
        if let Some((distance, start, end)) = align(&hay[from..to], needle)
            && best.is_none_or(|(d, ..)| distance < d)
        {
            best = Some((distance, from + start, from + end));
        }
    }
    let (distance, start, end) = best?;
    (distance <= (m / 3).max(2) && end > start).then_some((start, end))
}

/// Windows of `hay` around the places where a word of the quote occurs, at most a few
/// dozen, each a quote and a half long.
fn anchored_windows(hay: &[char], needle: &[char]) -> Vec<(usize, usize)> {
    let m = needle.len();
    let mut starts: Vec<usize> = Vec::new();
    let mut offset = 0;
    for word in needle.split(|c| c.is_whitespace()) {
        if word.len() >= 4 {
            let mut found = 0;
            for (at, w) in hay.windows(word.len()).enumerate() {
                if w == word {
                    starts.push(at.saturating_sub(offset));
                    found += 1;
                    if found == 8 {
                        break;
                    }
                }
            }
        }
        offset += word.len() + 1;
        if starts.len() >= 64 {
            break;
        }
    }
    starts.sort_unstable();
    starts.dedup_by(|a, b| a.abs_diff(*b) < m / 2);
    starts
        .into_iter()
        .map(|s| (s.saturating_sub(m / 4), (s + m + m / 4).min(hay.len())))
        .collect()
}

/// Semi-global edit distance of `needle` against `hay`: (distance, start, end) of the best
/// span, two rows of the table and the start each cell's path came from.
fn align(hay: &[char], needle: &[char]) -> Option<(usize, usize, usize)> {
    let m = needle.len();
    // Column j of a row: distance of needle[..j] against a span ending here; its start.
    let mut row: Vec<(usize, usize)> = (0..=m).map(|j| (j, 0)).collect();
    let mut best: Option<(usize, usize, usize)> = None;
    for (i, &h) in hay.iter().enumerate() {
        let mut next = Vec::with_capacity(m + 1);
        next.push((0, i + 1));
        for j in 1..=m {
            let substitute = (row[j - 1].0 + usize::from(needle[j - 1] != h), row[j - 1].1);
            let skip_hay = (row[j].0 + 1, row[j].1);
            let skip_needle = (next[j - 1].0 + 1, next[j - 1].1);
            next.push(substitute.min(skip_hay).min(skip_needle));
        }
        let (distance, start) = next[m];
        if best.is_none_or(|(d, ..)| distance < d) {
            best = Some((distance, start, i + 1));
        }
        row = next;
    }
    best
}

/// What differs between the quote and the passage, in words a maintainer can act on.
fn describe(quote: &str, passage: String) -> Mismatch {
    let only_normalisation = quote.nfc().eq(passage.nfc());
    let diff = TextDiff::from_chars(quote, passage.as_str());
    let mut differences = Vec::new();
    // Consecutive deletions and insertions are one change: (before, quote side, passage side).
    let (mut theirs, mut ours) = (String::new(), String::new());
    let mut before = String::new();
    let flush = |before: &str, ours: &mut String, theirs: &mut String, out: &mut Vec<String>| {
        if !ours.is_empty() || !theirs.is_empty() {
            out.push(difference(before, ours, theirs));
            ours.clear();
            theirs.clear();
        }
    };
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Equal => {
                flush(&before, &mut ours, &mut theirs, &mut differences);
                before.push_str(change.value());
            }
            ChangeTag::Delete => ours.push_str(change.value()),
            ChangeTag::Insert => theirs.push_str(change.value()),
        }
    }
    flush(&before, &mut ours, &mut theirs, &mut differences);
    let more = differences.len().saturating_sub(MAX_DIFFERENCES);
    differences.truncate(MAX_DIFFERENCES);
    if more > 0 {
        differences.push(format!("and {more} more difference(s)"));
    }
    Mismatch {
        passage,
        differences,
        only_normalisation,
    }
}

/// One change: the quote has `ours` where the document has `theirs`, after `before`.
fn difference(before: &str, ours: &str, theirs: &str) -> String {
    let context: String = {
        let tail: Vec<char> = before.chars().rev().take(12).collect();
        tail.into_iter().rev().collect()
    };
    let after = if context.is_empty() {
        "at the start".to_owned()
    } else {
        format!("after \"{}\"", visible(&context))
    };
    if !ours.is_empty() && !theirs.is_empty() && ours.nfc().eq(theirs.nfc()) {
        return format!(
            "the quote writes {} decomposed ({}) where the document has it composed ({}): Unicode normalisation (NFD against NFC)",
            visible(&ours.nfc().collect::<String>()),
            named(ours),
            named(theirs)
        );
    }
    match (ours.is_empty(), theirs.is_empty()) {
        (false, false) => format!(
            "the quote has {} where the document has {}, {after}",
            named(ours),
            named(theirs)
        ),
        (false, true) => format!(
            "the quote has {}, which the document has not, {after}",
            named(ours)
        ),
        _ => format!(
            "the document has {}, which the quote has not, {after}",
            named(theirs)
        ),
    }
}

/// A short run of characters as text and, for those a reader cannot tell apart by eye,
/// by code point and name: `’` (U+2019 RIGHT SINGLE QUOTATION MARK).
fn named(text: &str) -> String {
    let shown = format!("\"{}\"", visible(text));
    let chars: Vec<char> = text.chars().collect();
    let telling: Vec<String> = chars
        .iter()
        .filter(|c| !c.is_ascii_alphanumeric())
        .map(|&c| match name(c) {
            Some(name) => format!("U+{:04X} {name}", c as u32),
            None => format!("U+{:04X}", c as u32),
        })
        .collect();
    if telling.is_empty() || chars.len() > 4 {
        shown
    } else {
        format!("{shown} ({})", telling.join(", "))
    }
}

/// The text with what a terminal would not show written as `<U+200B>`.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if is_invisible(c) || is_combining_mark(c) || c.is_control() {
                format!("<U+{:04X}>", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn name(c: char) -> Option<&'static str> {
    Some(match c {
        ' ' => "SPACE",
        '\'' => "APOSTROPHE",
        '"' => "QUOTATION MARK",
        '-' => "HYPHEN-MINUS",
        '‘' => "LEFT SINGLE QUOTATION MARK",
        '’' => "RIGHT SINGLE QUOTATION MARK",
        '“' => "LEFT DOUBLE QUOTATION MARK",
        '”' => "RIGHT DOUBLE QUOTATION MARK",
        '‐' => "HYPHEN",
        '‑' => "NON-BREAKING HYPHEN",
        '–' => "EN DASH",
        '—' => "EM DASH",
        '…' => "HORIZONTAL ELLIPSIS",
        '\u{00ad}' => "SOFT HYPHEN",
        '\u{200b}' => "ZERO WIDTH SPACE",
        '\u{200c}' => "ZERO WIDTH NON-JOINER",
        '\u{200d}' => "ZERO WIDTH JOINER",
        '\u{200e}' => "LEFT-TO-RIGHT MARK",
        '\u{200f}' => "RIGHT-TO-LEFT MARK",
        '\u{2060}' => "WORD JOINER",
        '\u{feff}' => "ZERO WIDTH NO-BREAK SPACE",
        '\u{0300}' => "COMBINING GRAVE ACCENT",
        '\u{0301}' => "COMBINING ACUTE ACCENT",
        '\u{0302}' => "COMBINING CIRCUMFLEX ACCENT",
        '\u{0303}' => "COMBINING TILDE",
        '\u{0308}' => "COMBINING DIAERESIS",
        '\u{030a}' => "COMBINING RING ABOVE",
        '\u{030c}' => "COMBINING CARON",
        '\u{0327}' => "COMBINING CEDILLA",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str, quote: &str) -> Mismatch {
        closest(text, quote).unwrap_or_else(|| panic!("nothing close to {quote:?}"))
    }

    #[test]
    fn a_straight_apostrophe_against_a_curly_one_is_named() {
        let m = found("The Group’s work goes on.", "The Group's work");
        assert_eq!(m.passage, "The Group’s work");
        assert!(!m.only_normalisation);
        let said = m.differences.join("; ");
        assert!(
            said.contains("U+0027 APOSTROPHE")
                && said.contains("U+2019 RIGHT SINGLE QUOTATION MARK"),
            "{said}"
        );
    }

    #[test]
    fn nfd_against_nfc_is_said_to_be_normalisation_only() {
        let m = found("Signed in \u{c5}land in 2021.", "Signed in A\u{30a}land");
        assert_eq!(m.passage, "Signed in \u{c5}land");
        assert!(m.only_normalisation);
        assert!(m.differences.join(" ").contains("decomposed"), "{m:?}");
        assert!(
            m.to_string()
                .contains("the only difference is Unicode normalisation")
        );
    }

    #[test]
    fn a_zero_width_space_is_made_visible() {
        let m = found(
            "against trafficking in persons",
            "against traf\u{200b}ficking",
        );
        assert_eq!(m.passage, "against trafficking");
        let said = m.differences.join(" ");
        assert!(
            said.contains("<U+200B>") && said.contains("ZERO WIDTH SPACE"),
            "{said}"
        );
        assert!(said.contains("after \"against traf\""), "{said}");
    }

    #[test]
    fn a_typo_finds_the_passage_and_the_missing_letter() {
        let text = "Preamble. The Group coordinates action against trafficking in persons. Coda.";
        let m = found(text, "coordinates action against traffickng in persons");
        assert_eq!(
            m.passage,
            "coordinates action against trafficking in persons"
        );
        assert!(
            m.differences.join(" ").contains("the document has \"i\""),
            "{m:?}"
        );
    }

    #[test]
    fn a_long_document_is_searched_around_the_quotes_words() {
        let filler = "Unrelated filler sentence about other matters. ".repeat(2_000);
        let text = format!(
            "{filler}The Council of the Baltic Sea States joined ICAT in April 2020. {filler}"
        );
        let m = found(
            &text,
            "The Council of the Baltic Sea State joined ICAT in April 2020",
        );
        assert_eq!(
            m.passage,
            "The Council of the Baltic Sea States joined ICAT in April 2020"
        );
        assert!(closest(&text, "Nothing of the kind appears anywhere here at all").is_none());
    }
}
