//! The generated source documents: a few KB of sentences each, wrapped at 80 columns, and
//! the quotes events cite from them (whole sentences or their first words).

use std::collections::BTreeMap;

use policylog::entity::Sha256;
use serde_json::json;

use super::rng::Rng;

/// One generated source document.
pub struct SourceDoc {
    pub file: String,
    pub text: String,
    sha256: Sha256,
    pub published: String,
    /// Sentences of the text (single-spaced), by topic, for quotes.
    sentences: BTreeMap<Topic, Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Topic {
    Registration,
    Membership,
    Role,
    Representation,
    Call,
    Commitment,
    Instrument,
    Statistic,
    Meeting,
    Publication,
    Correction,
}

const TOPICS: [Topic; 11] = [
    Topic::Registration,
    Topic::Membership,
    Topic::Role,
    Topic::Representation,
    Topic::Call,
    Topic::Commitment,
    Topic::Instrument,
    Topic::Statistic,
    Topic::Meeting,
    Topic::Publication,
    Topic::Correction,
];

pub const BODIES: [&str; 8] = [
    "the Coordination Group",
    "the regional task force",
    "the inter-agency working group",
    "the expert network",
    "the steering committee",
    "the monitoring body",
    "the partnership forum",
    "the national rapporteurs' network",
];

const TAILS: [&str; 8] = [
    "as the secretariat's annual review records",
    "according to the minutes of the plenary session",
    "as the joint statement of that year sets out",
    "in the words of the outgoing chair's report",
    "as confirmed in the annex to the progress report",
    "as the evaluation commissioned by the members notes",
    "according to the communique issued after the meeting",
    "as the member states were informed in writing",
];

impl SourceDoc {
    pub fn new(index: usize, rng: &mut Rng) -> SourceDoc {
        let mut sentences = BTreeMap::new();
        for topic in TOPICS {
            let list: Vec<String> = (0..6).map(|i| sentence(topic, i, rng)).collect();
            sentences.insert(topic, list);
        }
        // The text wraps at ~80 columns, so quotes are found across re-flowed lines.
        let mut text = format!("Synthetic landscape report {index:02}\n\n");
        let mut column = 0;
        for topic in TOPICS {
            for s in &sentences[&topic] {
                for word in s.split(' ') {
                    if column > 0 && column + word.len() > 80 {
                        text.push('\n');
                        column = 0;
                    } else if column > 0 {
                        text.push(' ');
                        column += 1;
                    }
                    text.push_str(word);
                    column += word.len();
                }
            }
            text.push_str("\n\n");
            column = 0;
        }
        SourceDoc {
            file: format!("sources/doc-{index:02}.txt"),
            sha256: Sha256::of(text.as_bytes()),
            published: format!("2025-{:02}-{:02}", 1 + index % 12, 1 + index % 28),
            text,
            sentences,
        }
    }

    pub fn header(&self) -> String {
        json!({"document": {
            "file": self.file,
            "sha256": self.sha256.as_str(),
            "title": format!("Synthetic landscape report ({})", self.file),
            "publisher": "policylog-bench",
            "published": self.published,
        }})
        .to_string()
    }

    /// A sentence on `topic`, or the first words of one.
    pub fn quote(&self, topic: Topic, rng: &mut Rng) -> String {
        let s = rng.pick(&self.sentences[&topic]);
        if rng.chance(0.3) {
            let words: Vec<&str> = s.split(' ').collect();
            let keep = 6 + rng.below(words.len().saturating_sub(6).max(1));
            words[..keep.min(words.len())].join(" ")
        } else {
            s.clone()
        }
    }
}

fn sentence(topic: Topic, i: usize, rng: &mut Rng) -> String {
    let body = rng.pick(&BODIES);
    let tail = rng.pick(&TAILS);
    let n = 1 + rng.below(97);
    let year = 1990 + rng.below(36);
    let core = match topic {
        Topic::Registration => {
            format!("Organisation number {n} (ORG-{n}) is listed among the participants of {body}")
        }
        Topic::Membership if i.is_multiple_of(2) => {
            format!("Organisation {n} joined {body} as a full member in {year}")
        }
        Topic::Membership => format!("Organisation {n} left {body} at the end of {year}"),
        Topic::Role => format!(
            "In {year}, {body} was co-chaired by organisations {n} and {}, with a coordinator appointed for an open term",
            n + 3
        ),
        Topic::Representation => {
            format!(
                "Ms. Delegate {n} spoke for organisation {} at the session of {body}",
                n + 1
            )
        }
        Topic::Call => format!(
            "{body} issued call to action number {n}, listing {} actions to be completed by {}",
            3 + n % 5,
            year + 5
        ),
        Topic::Commitment => format!(
            "{body} revised its priority areas for {year}: building the evidence base, addressing the core drivers, and protecting victims"
        ),
        Topic::Instrument => {
            format!("Instrument {n} entered into force in {year} and is now under revision")
        }
        Topic::Statistic => format!(
            "Approximately {n} percent of detected victims in {year} were children, {body} reported"
        ),
        Topic::Meeting => format!(
            "{body} held its meeting number {n} in Vienna in {year}, with member organisations participating"
        ),
        Topic::Publication => {
            format!("{body} released its issue brief number {n} on trafficking in {year}")
        }
        Topic::Correction => format!(
            "An earlier report of {body} gave the wrong date for item {n}; the correct year is {year}"
        ),
    };
    let mut s = format!("{core}, {tail}.");
    if let Some(first) = s.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    s
}

pub fn title_case(text: &str) -> String {
    let text = text.trim_start_matches("the ");
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}
