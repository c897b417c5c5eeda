//! The checks of an event's content, run beside the chain walk: its valid bounds, its
//! payload and the references in it, its quote against the stored document.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

use chrono::Datelike;

use super::{Derived, Finding, subject};
use crate::date::{Day, ValidTime, day_string};
use crate::document::SearchableText;
use crate::event::upcast;
use crate::store::Link;

/// What the content checks need of a row, owned so that it can cross to their thread.
#[derive(Default)]
pub(super) struct Content {
    index: usize,
    seq: i64,
    id: String,
    kind: String,
    version: u32,
    valid: String,
    valid_from: Option<String>,
    valid_to: Option<String>,
    payload: String,
    source: Option<String>,
    quote: Option<String>,
    quote_start: Option<i64>,
    quote_end: Option<i64>,
}

impl Content {
    pub(super) fn fill(&mut self, index: usize, link: &Link<'_>, derived: Derived<'_>) {
        fn set(to: &mut String, from: &str) {
            to.clear();
            to.push_str(from);
        }
        fn set_opt(to: &mut Option<String>, from: Option<&str>) {
            match from {
                Some(from) => set(to.get_or_insert_default(), from),
                None => *to = None,
            }
        }
        self.index = index;
        self.seq = link.seq;
        set(&mut self.id, link.id);
        set(&mut self.kind, link.kind);
        self.version = link.version;
        set(&mut self.valid, link.valid);
        set_opt(&mut self.valid_from, derived.valid_from);
        set_opt(&mut self.valid_to, derived.valid_to);
        set(&mut self.payload, link.payload);
        set_opt(&mut self.source, link.source);
        set_opt(&mut self.quote, link.quote);
        self.quote_start = derived.quote_start;
        self.quote_end = derived.quote_end;
    }
}

/// The checks of an event's content: its valid bounds, its payload and references, its
/// quote. Findings carry the row's position in the walk.
pub(super) struct ContentChecks {
    texts: Sources,
    pub(super) declared: IdSet,
    /// References not (yet) declared when seen: a batch may register an entity after use.
    pub(super) unresolved: Vec<(String, String)>,
    pub(super) findings: Vec<(usize, Finding)>,
    pub(super) quotes: usize,
    pub(super) references: usize,
}

impl ContentChecks {
    pub(super) fn new(texts: Sources) -> ContentChecks {
        ContentChecks {
            texts,
            declared: IdSet::default(),
            unresolved: Vec::new(),
            findings: Vec::new(),
            quotes: 0,
            references: 0,
        }
    }

    pub(super) fn check(&mut self, e: &Content) {
        let mut find = |check: &'static str, problem: String| {
            self.findings.push((
                e.index,
                Finding {
                    check,
                    subject: subject(&e.id, e.seq),
                    problem,
                },
            ));
        };
        match ValidTime::parse(&e.valid) {
            Ok(v) => {
                if !is_day(e.valid_from.as_deref(), v.from())
                    || !is_day(e.valid_to.as_deref(), v.to())
                {
                    find("chain", "valid_from/valid_to do not match `valid`".into());
                }
            }
            Err(err) => find("chain", err.to_string()),
        }
        match upcast::decode(&e.kind, e.version, &e.payload) {
            Ok(event) => {
                if let Some((id, _)) = event.declares() {
                    self.declared.insert(id.as_str());
                }
                for r in event.references() {
                    self.references += 1;
                    if !self.declared.contains(r.id.as_str()) {
                        self.unresolved
                            .push((r.id.to_string(), subject(&e.id, e.seq)));
                    }
                }
            }
            Err(err) => find("chain", format!("payload does not decode: {err}")),
        }
        if let Some(source) = &e.source {
            match (self.texts.get(source), &e.quote) {
                (None, _) => find(
                    "quotes",
                    format!("source document {source} is not in the log"),
                ),
                (Some(text), Some(quote)) => {
                    self.quotes += 1;
                    let offsets = e.quote_start.zip(e.quote_end);
                    if !offsets.is_some_and(|(start, end)| text.quoted_at(quote, start, end)) {
                        // The recorded offsets must be exactly where the quote is first found.
                        let found = text.searchable.find(quote);
                        let at_offsets =
                            found.is_some() && found.map(|(a, b)| (a as i64, b as i64)) == offsets;
                        if !at_offsets {
                            let problem = match found {
                                Some(_) => {
                                    "the quote is in the document but not at the recorded offsets"
                                }
                                None => "the quote is not in its source document",
                            };
                            find("quotes", problem.into());
                        }
                    }
                }
                (Some(_), None) => {}
            }
        }
    }
}

/// The documents' texts by sha256. Events come in runs from one document, so the last
/// one found is tried first: hashing a 64-digit key for every event showed in profiles.
#[derive(Default)]
pub(super) struct Sources {
    texts: Vec<(String, Source)>,
    by_sha: HashMap<String, usize>,
    last: Cell<usize>,
}

impl Sources {
    pub(super) fn insert(&mut self, sha: String, text: String) {
        self.by_sha.insert(sha.clone(), self.texts.len());
        self.texts.push((sha, Source::new(text)));
    }

    fn get(&self, sha: &str) -> Option<&Source> {
        if let Some((last, text)) = self.texts.get(self.last.get())
            && last == sha
        {
            return Some(text);
        }
        let at = *self.by_sha.get(sha)?;
        self.last.set(at);
        Some(&self.texts[at].1)
    }
}

/// A document's text, searchable, and what `verify` learned of the quotes at each span.
struct Source {
    searchable: SearchableText,
    text: String,
    /// Byte offset of every char of `text`, and of its end.
    char_at: Vec<u32>,
    /// Whether the quote found at a char span `[start, end)` is first found there.
    first_at: RefCell<HashMap<(i64, i64), bool>>,
}

impl Source {
    fn new(text: String) -> Source {
        let char_at = text
            .char_indices()
            .map(|(at, _)| at)
            .chain([text.len()])
            .map(|at| u32::try_from(at).unwrap_or(u32::MAX))
            .collect();
        Source {
            searchable: SearchableText::new(&text),
            text,
            char_at,
            first_at: Default::default(),
        }
    }

    /// Whether `quote` is first found at the chars `[start, end)`: the text there must be
    /// the quote up to whitespace, and that text must be first found there (remembered per
    /// span). A sufficient test, cheaper than looking the whole quote up for every event;
    /// when it fails, `SearchableText::find` decides and names the problem.
    fn quoted_at(&self, quote: &str, start: i64, end: i64) -> bool {
        let byte = |char: i64| {
            let at = *self.char_at.get(usize::try_from(char).ok()?)?;
            usize::try_from(at).ok()
        };
        let Some(there) = byte(start)
            .zip(byte(end))
            .and_then(|(a, b)| self.text.get(a..b))
        else {
            return false;
        };
        if !same_words(there, quote) {
            return false;
        }
        // `find` normalises whitespace, so it answers for `there` as it would for `quote`.
        *self
            .first_at
            .borrow_mut()
            .entry((start, end))
            .or_insert_with(|| {
                let found = self.searchable.find(there);
                found.map(|(a, b)| (a as i64, b as i64)) == Some((start, end))
            })
    }
}

/// `a.split_whitespace().eq(b.split_whitespace())`, split bytewise when both are ASCII:
/// the `char`-wise split was a tenth of `verify`'s content checks.
fn same_words(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        // The ASCII chars `char::is_whitespace` accepts: \t \n \x0b \x0c \r and space.
        fn words(s: &str) -> impl Iterator<Item = &[u8]> {
            s.as_bytes()
                .split(|b| matches!(b, b'\t'..=b'\r' | b' '))
                .filter(|word| !word.is_empty())
        }
        words(a).eq(words(b))
    } else {
        a.split_whitespace().eq(b.split_whitespace())
    }
}

/// Entity ids declared so far. Ids are short (`commitment:cm-015514`) and a log declares
/// hundreds of thousands, so they are kept inline in the table: a lookup then reads one
/// bucket, not a bucket and a heap string, which at a million events was most of the
/// reference check.
#[derive(Default)]
pub(super) struct IdSet {
    short: HashSet<ShortId>,
    long: HashSet<String>,
}

/// An id of up to 23 bytes: its length, then its bytes, zero-padded.
#[derive(PartialEq, Eq)]
struct ShortId([u8; 24]);

impl std::hash::Hash for ShortId {
    /// One write of the 24 bytes: the derived hash (length prefix, then each field) cost
    /// twice as much, and hashing was most of the reference check.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write(&self.0);
    }
}

impl ShortId {
    fn of(id: &str) -> Option<ShortId> {
        let mut bytes = [0; 24];
        bytes[0] = u8::try_from(id.len()).ok()?;
        bytes
            .get_mut(1..1 + id.len())?
            .copy_from_slice(id.as_bytes());
        Some(ShortId(bytes))
    }
}

impl IdSet {
    fn insert(&mut self, id: &str) {
        match ShortId::of(id) {
            Some(short) => {
                self.short.insert(short);
            }
            None => {
                if !self.long.contains(id) {
                    self.long.insert(id.to_owned());
                }
            }
        }
    }

    pub(super) fn contains(&self, id: &str) -> bool {
        match ShortId::of(id) {
            Some(short) => self.short.contains(&short),
            None => self.long.contains(id),
        }
    }
}

/// Whether a stored `valid_from`/`valid_to` is `day` as `day_string` writes it, compared
/// in place: formatting every row's bounds with chrono was a tenth of `verify`.
fn is_day(stored: Option<&str>, day: Option<Day>) -> bool {
    match (stored, day) {
        (None, None) => true,
        (Some(stored), Some(day)) if (0..=9999).contains(&day.year()) => {
            let mut text = *b"0000-00-00";
            let digits = |out: &mut [u8], mut n: u32| {
                for b in out.iter_mut().rev() {
                    *b = b'0' + (n % 10) as u8;
                    n /= 10;
                }
            };
            digits(&mut text[0..4], day.year() as u32);
            digits(&mut text[5..7], day.month());
            digits(&mut text[8..10], day.day());
            stored.as_bytes() == text
        }
        (Some(stored), Some(day)) => stored == day_string(day),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_words_splits_as_split_whitespace_does() {
        let cases = [
            ("a b", "a  b", true),
            ("a\nb", "a b", true),
            (" a\x0bb\r\n", "a b", true),
            ("a\x1fb", "a b", false),
            ("ab", "a b", false),
            ("a\u{a0}b", "a b", true),
            ("é  b", "é\tb", true),
            ("", "  ", true),
            ("a", "", false),
        ];
        for (a, b, same) in cases {
            assert_eq!(same_words(a, b), same, "{a:?} {b:?}");
            assert_eq!(
                a.split_whitespace().eq(b.split_whitespace()),
                same,
                "{a:?} {b:?}"
            );
        }
    }

    #[test]
    fn a_quote_is_first_found_only_at_its_first_span() {
        let source = Source::new("One two.\nThree  one two four one two.".to_owned());
        assert!(!source.quoted_at("one two", 0, 7));
        assert!(source.quoted_at("One two.", 0, 8));
        assert!(source.quoted_at("Three one", 9, 19));
        // "one two" occurs at chars 16..23 first (the first "One" differs in case) and
        // again at 29..36.
        assert!(source.quoted_at("one  two", 16, 23));
        assert!(!source.quoted_at("one two", 29, 36));
        assert!(!source.quoted_at("one two", 16, 99));
        assert!(!source.quoted_at("one two", -1, 7));
        assert!(!source.quoted_at("", 3, 3));
    }
}
