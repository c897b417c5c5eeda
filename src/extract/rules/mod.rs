//! The functions behind the patterns of `patterns.rs`, one file per kind of fact, and
//! what they share: the context a pattern reads (the text cut into sentences, the
//! entities, the document's date, the drafts so far) and the resolution of slots.

pub mod calls;
pub mod commitments;
pub mod instruments;
pub mod labels;
pub mod meetings;
pub mod memberships;
pub mod organisations;
pub mod people;
pub mod publications;
pub mod roles;
pub mod speakers;
pub mod statistics;

use super::entities::{Registry, Resolved};
use super::proposal::Draft;
use super::sentences::Text;

/// A capitalised name with its inner connectors, for regular expressions.
pub const NAME: &str = r"\p{Lu}[\p{L}\p{M}\p{N}’'\-]*(?:\s+(?:(?:of|the|for|on|against|in|and|to|&)\s+){0,2}\p{Lu}[\p{L}\p{M}\p{N}’'\-]*)*";

/// Compiles a sentence shape, reading each space of it as any run of whitespace: the
/// texts break lines inside sentences and put no-break spaces between words
/// ("recommends\u{a0}six priority areas").
pub fn shape(pattern: &str) -> Result<regex::Regex, regex::Error> {
    let mut out = String::with_capacity(pattern.len() * 2);
    let mut in_class = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // A `]` right after `[` or `[^` is a member, not the end.
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().expect("peeked"));
                }
                if chars.peek() == Some(&']') {
                    out.push(chars.next().expect("peeked"));
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            ' ' if in_class => out.push_str("\\s"),
            ' ' => {
                while chars.peek() == Some(&' ') {
                    chars.next();
                }
                out.push_str("\\s+");
            }
            _ => out.push(c),
        }
    }
    regex::Regex::new(&out)
}

/// What a pattern reads.
pub struct Ctx<'a> {
    pub doc: &'a Text<'a>,
    pub entities: &'a Registry<'a>,
    /// The date the document speaks from (EDTF).
    pub published: &'a str,
    /// The drafts of earlier sentences.
    pub earlier: &'a [Draft],
}

impl<'a> Ctx<'a> {
    pub fn text(&self) -> &'a str {
        self.doc.text
    }

    /// Sentence `i`: its offset in the text and its text.
    pub fn sentence(&self, i: usize) -> (usize, &'a str) {
        (self.doc.sentences[i].start, self.doc.sentence_text(i))
    }

    /// The group "the Group" stands for, or the one the text is about.
    pub fn group(&self) -> Option<&str> {
        self.entities.group()
    }

    /// A slot naming one organisation.
    pub fn org(&self, (start, end): (usize, usize)) -> Option<Resolved> {
        self.entities.org(start, end)
    }

    pub fn person(&self, (start, end): (usize, usize)) -> Option<Resolved> {
        self.entities.person(start, end)
    }

    /// A slot naming organisations: "ICMPD and UNODC", "the IOM and the Office of the
    /// ... (OSRSG-VAC)", "DG HOME, Team for ..., and DG CNECT". `None` when any of them
    /// is not a name the extractor is sure of.
    pub fn orgs(&self, (start, end): (usize, usize)) -> Option<Vec<Resolved>> {
        if let Some(one) = self.entities.org(start, end)
            && one.new.is_none()
        {
            return Some(vec![one]);
        }
        if let Some(many) = self.split_orgs(start, end) {
            return Some(many);
        }
        self.entities.org(start, end).map(|one| vec![one])
    }

    /// The organisations of a list, when it is one: every item named.
    fn split_orgs(&self, start: usize, end: usize) -> Option<Vec<Resolved>> {
        let text = self.text();
        let mentions = self.entities.mentions(start, end);
        let inside = |at: usize| mentions.iter().any(|m| m.start < at && at < m.end);
        let mut parts = Vec::new();
        let mut from = start;
        let span = &text[start..end];
        let mut k = 0;
        while k < span.len() {
            let at = start + k;
            let sep = [", and ", ", ", " and "]
                .into_iter()
                .find(|s| span[k..].starts_with(s));
            match sep {
                Some(s) if !inside(at) => {
                    parts.push((from, at));
                    from = at + s.len();
                    k += s.len();
                }
                _ => k += span[k..].chars().next().map_or(1, char::len_utf8),
            }
        }
        parts.push((from, end));
        let resolved: Option<Vec<Resolved>> = parts
            .into_iter()
            .filter(|(s, e)| !text[*s..*e].trim().is_empty())
            .map(|(s, e)| self.entities.org(s, e))
            .collect();
        resolved.filter(|r| r.len() >= 2)
    }

    /// Drafts of this document of a kind, earlier in the text.
    pub fn earlier_of<'k>(&self, kind: &'k str) -> impl Iterator<Item = &'a Draft> + use<'a, 'k> {
        self.earlier.iter().filter(move |d| d.kind == kind)
    }
}

/// The part of an id after its type, for event ids: `org:un-women` → `un-women`.
pub fn bare(id: &str) -> &str {
    id.split_once(':').map_or(id, |(_, s)| s)
}

/// Absolute offsets of a capture group.
pub fn span(base: usize, caps: &regex::Captures<'_>, name: &str) -> Option<(usize, usize)> {
    caps.name(name).map(|m| (base + m.start(), base + m.end()))
}

/// Offsets of a whole match.
pub fn whole(base: usize, caps: &regex::Captures<'_>) -> (usize, usize) {
    let m = caps.get(0).expect("a match");
    (base + m.start(), base + m.end())
}

/// `valid` of a date-less interval: on or before the document's date.
pub fn by_document(published: &str) -> String {
    format!("../{published}")
}

/// Reads a number word or digits: "six" → 6, "16" → 16, "four-point" → 4.
pub fn count(word: &str) -> Option<u32> {
    let word = word.trim().to_lowercase();
    let word = word.split('-').next().unwrap_or("");
    if let Ok(n) = word.parse() {
        return Some(n);
    }
    const WORDS: [&str; 13] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    WORDS.iter().position(|w| *w == word).map(|n| n as u32)
}

#[cfg(test)]
mod shape_tests {
    #[test]
    fn spaces_in_a_shape_match_any_whitespace() {
        let re = super::shape(r"recommends (?P<n>\w+) priority [a-z ]+:").unwrap();
        assert!(re.is_match("the ICAT recommends\u{a0}six priority  areas now:"));
        assert!(re.is_match("recommends six\npriority areas:"));
        assert!(!re.is_match("recommendssix priority areas:"));
        let re = super::shape(r"[^,] x").unwrap();
        assert!(re.is_match("a x") && !re.is_match(", x"));
    }
}

#[cfg(test)]
pub mod test_support {
    //! Runs one pattern over a text, as `propose` does.
    use super::*;
    use crate::extract::KnownEntity;

    pub fn known(id: &str, name: &str, acronym: Option<&str>) -> KnownEntity {
        KnownEntity {
            id: id.to_owned(),
            entity_type: id.split(':').next().expect("typed id").to_owned(),
            name: name.to_owned(),
            acronym: acronym.map(str::to_owned),
            aliases: Vec::new(),
        }
    }

    /// The entities of the curated corpus the tests lean on, as another document's
    /// registrations would make them known.
    pub fn corpus() -> Vec<KnownEntity> {
        vec![
            known(
                "org:icat",
                "Inter-Agency Coordination Group against Trafficking in Persons",
                Some("ICAT"),
            ),
            known(
                "org:unodc",
                "United Nations Office on Drugs and Crime",
                Some("UNODC"),
            ),
            known(
                "org:iom",
                "International Organization for Migration",
                Some("IOM"),
            ),
            known("org:ilo", "International Labour Organization", Some("ILO")),
            known(
                "org:osce",
                "Organization for Security and Co-operation in Europe",
                Some("OSCE"),
            ),
            known(
                "org:eu-atc",
                "European Union Anti-Trafficking Coordinator",
                Some("EU ATC"),
            ),
            known("org:cbss", "Council of the Baltic Sea States", Some("CBSS")),
            known("org:european-commission", "European Commission", None),
            known("person:valiant-richey", "Valiant Richey", None),
            known("person:diane-schmitt", "Diane Schmitt", None),
            KnownEntity {
                aliases: vec!["OSRSG VAC".into()],
                ..known(
                    "org:osrsg-vac",
                    "Office of the Special Representative of the Secretary-General on Violence against Children",
                    Some("OSRSG-VAC"),
                )
            },
        ]
    }

    /// The drafts `find` makes of every sentence of `text`, the earlier ones (and their
    /// registrations) visible to later sentences.
    pub fn run(
        find: fn(&Ctx, usize) -> Vec<Draft>,
        text: &str,
        published: &str,
        known: &[KnownEntity],
    ) -> Vec<Draft> {
        let doc = Text::new(text);
        let mut registry = Registry::new(text, known);
        registry.define();
        registry.settle_group();
        let mut drafts: Vec<Draft> = Vec::new();
        for i in 0..doc.sentences.len() {
            let found = find(
                &Ctx {
                    doc: &doc,
                    entities: &registry,
                    published,
                    earlier: &drafts,
                },
                i,
            );
            for d in found {
                for n in &d.new {
                    registry.add(n);
                }
                drafts.push(d);
            }
        }
        drafts
    }

    pub fn quote(text: &str, d: &Draft) -> String {
        crate::extract::sentences::quote_text(&text[d.span.0..d.span.1])
    }

    /// `(person, org, title)` of the `person.represents` drafts, for the rules that name
    /// who speaks for whom.
    pub fn pairs(d: &[Draft]) -> Vec<(String, String, Option<String>)> {
        d.iter()
            .filter(|d| d.kind == "person.represents")
            .map(|d| {
                (
                    d.payload["person"].as_str().unwrap().to_owned(),
                    d.payload["org"].as_str().unwrap().to_owned(),
                    d.payload["title"].as_str().map(str::to_owned),
                )
            })
            .collect()
    }

    pub fn p(person: &str, org: &str, title: Option<&str>) -> (String, String, Option<String>) {
        (person.into(), org.into(), title.map(str::to_owned))
    }
}
