//! Dates written in words, or day first, read as EDTF: "On 15 November 2021" →
//! `2021-11-15`, "in April 2020" → `2020-04`, "In 2021" → `2021`, "2019 – 2020" →
//! `2019/2020`, "9 March, 2023" → `2023-03-09`, "15/11/2021" → `2021-11-15`. One reader
//! for both its users: `phrase_to_edtf` reads one whole phrase (the "did you mean" of
//! every date refusal, `refusal.rs`), `find` lists the dates a sentence mentions, with the
//! word that leads each (`policylog add`'s extractor).

use std::sync::LazyLock;

use regex::Regex;

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Month names and their usual abbreviations, for the regular expressions.
const MONTH_RE: &str = "(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\\.?";

/// One date a sentence mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    /// Byte offsets in the text searched, without the leading word.
    pub start: usize,
    pub end: usize,
    pub edtf: String,
    /// The preposition before the date, lower case ("on", "in", "since", "as of", ...).
    pub lead: Option<String>,
}

impl DateMention {
    /// Whether the date is a bare year.
    pub fn is_year(&self) -> bool {
        self.edtf.len() == 4
    }
}

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let m = MONTH_RE;
    Regex::new(&format!(
        r"(?x)
        (?P<lead>\b(?i:on|in|since|from|by|during|until|before|after|as\ of|of|between)\s+)?
        (?:
          (?P<d1>\d{{1,2}})\s*[–—-]\s*(?P<d2>\d{{1,2}})\s+(?P<rm>{m}),?\s+(?P<ry>\d{{4}})
        | (?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<dm>{m}),?\s+(?P<dy>\d{{4}})
        | (?P<md>{m})\s+(?P<mdd>\d{{1,2}})(?:st|nd|rd|th)?,\s*(?P<mdy>\d{{4}})
        | (?P<part>(?i:early|mid|late|the\ end\ of|end\ of|the\ beginning\ of|beginning\ of)\s+)?(?P<mm>{m}),?\s+(?P<my>\d{{4}})
        | (?P<iso>\d{{4}}-\d{{2}}(?:-\d{{2}})?)\b
        | (?P<sd>\d{{1,2}})/(?P<sm>\d{{1,2}})/(?P<sy>\d{{4}})
        | (?P<y1>\d{{4}})\s*(?:[–—-]|\bto\b|\band\b)\s*(?P<y2>\d{{4}})
        | (?P<y>\d{{4}})
        )\b"
    ))
    .expect("the date expression compiles")
});

/// Every date mentioned in `text`, in order.
pub fn find(text: &str) -> Vec<DateMention> {
    let mut out = Vec::new();
    for caps in DATE.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        // A year inside a longer number ("12,0000", "CSW2023") is not a date.
        let before = text[..whole.start()].chars().next_back();
        let after = text[whole.end()..].chars().next();
        if before.is_some_and(|c| c.is_alphanumeric() || c == ',' || c == '.' || c == '/')
            || after.is_some_and(|c| c.is_alphanumeric() || c == '%' || c == '/')
        {
            continue;
        }
        let Some(edtf) = edtf_of(&caps) else { continue };
        let lead = caps.name("lead");
        let lead_word = lead.map(|l| l.as_str().trim().to_lowercase());
        // "2019 and 2022" is two years, not a span: keep them apart.
        if caps.name("y1").is_some()
            && caps[0].contains(" and ")
            && lead_word.as_deref() != Some("between")
        {
            for name in ["y1", "y2"] {
                let y = caps.name(name).expect("both years");
                out.push(DateMention {
                    start: y.start(),
                    end: y.end(),
                    edtf: y.as_str().to_owned(),
                    lead: if name == "y1" {
                        lead_word.clone()
                    } else {
                        None
                    },
                });
            }
            continue;
        }
        out.push(DateMention {
            start: lead.map_or(whole.start(), |l| l.end()),
            end: whole.end(),
            edtf,
            lead: lead_word,
        });
    }
    out
}

/// Turns a whole date phrase into EDTF, or `None` when it is not one date: "On 15
/// November 2021" → `2021-11-15`, "15/11/2021" → `2021-11-15`, "2019 – 2020" →
/// `2019/2020`, "late January, 2023" → `2023-01`.
pub fn phrase_to_edtf(phrase: &str) -> Option<String> {
    let phrase = phrase.trim().trim_end_matches(['.', ',', ';', ':']).trim();
    let found = find(phrase);
    // The phrase must be exactly one date, with at most its leading word before it.
    match found.as_slice() {
        [one] if one.end == phrase.len() => {
            let head = phrase[..one.start].trim();
            let lead_ok = head.is_empty()
                || one
                    .lead
                    .as_deref()
                    .is_some_and(|lead| head.eq_ignore_ascii_case(lead));
            lead_ok.then(|| one.edtf.clone())
        }
        [first, second]
            if phrase.contains(" and ")
                && second.end == phrase.len()
                && first.lead.as_deref() == Some("between") =>
        {
            Some(format!("{}/{}", first.edtf, second.edtf))
        }
        _ => None,
    }
}

fn month_number(name: &str) -> Option<u32> {
    let name = name.trim_end_matches('.').to_lowercase();
    let prefix = name.get(..3)?;
    MONTHS
        .iter()
        .position(|m| m.starts_with(prefix) && (name.len() == 3 || name == "sept" || *m == name))
        .map(|i| i as u32 + 1)
}

fn edtf_of(caps: &regex::Captures<'_>) -> Option<String> {
    let num = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let text = if let (Some(d1), Some(d2), Some(m), Some(y)) = (
        num("d1"),
        num("d2"),
        caps.name("rm").and_then(|m| month_number(m.as_str())),
        num("ry"),
    ) {
        format!("{y:04}-{m:02}-{d1:02}/{y:04}-{m:02}-{d2:02}")
    } else if let (Some(d), Some(m), Some(y)) = (
        num("dd"),
        caps.name("dm").and_then(|m| month_number(m.as_str())),
        num("dy"),
    ) {
        format!("{y:04}-{m:02}-{d:02}")
    } else if let (Some(m), Some(d), Some(y)) = (
        caps.name("md").and_then(|m| month_number(m.as_str())),
        num("mdd"),
        num("mdy"),
    ) {
        format!("{y:04}-{m:02}-{d:02}")
    } else if let (Some(m), Some(y)) = (
        caps.name("mm").and_then(|m| month_number(m.as_str())),
        num("my"),
    ) {
        format!("{y:04}-{m:02}")
    } else if let Some(iso) = caps.name("iso") {
        iso.as_str().to_owned()
    } else if let (Some(d), Some(m), Some(y)) = (num("sd"), num("sm"), num("sy")) {
        // Day first, as written outside the United States; a form that could be read
        // either way (03/04/2021) is not a date the extractor guesses.
        if d <= 12 && d != m {
            return None;
        }
        format!("{y:04}-{m:02}-{d:02}")
    } else if let (Some(y1), Some(y2)) = (num("y1"), num("y2")) {
        if y2 <= y1 {
            return None;
        }
        format!("{y1:04}/{y2:04}")
    } else if let Some(y) = num("y") {
        if !(1900..=2100).contains(&y) {
            return None;
        }
        format!("{y:04}")
    } else {
        return None;
    };
    super::ValidTime::parse(&text).ok().map(|_| text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_become_edtf() {
        for (phrase, edtf) in [
            ("On 15 November 2021", "2021-11-15"),
            ("15 November 2021", "2021-11-15"),
            ("November 15, 2021", "2021-11-15"),
            ("in April 2020", "2020-04"),
            ("In 2021", "2021"),
            ("2019 – 2020", "2019/2020"),
            ("from 2019 to 2020", "2019/2020"),
            ("9 March, 2023", "2023-03-09"),
            ("as of late January, 2023", "2023-01"),
            ("15/11/2021", "2021-11-15"),
            ("17 October 2024.", "2024-10-17"),
            ("2023-07-18", "2023-07-18"),
            ("15–17 October 2024", "2024-10-15/2024-10-17"),
            ("between 2019 and 2022", "2019/2022"),
        ] {
            assert_eq!(phrase_to_edtf(phrase).as_deref(), Some(edtf), "{phrase}");
        }
    }

    #[test]
    fn what_is_not_one_date_is_refused() {
        for phrase in [
            "03/04/2021",
            "31 February 2023",
            "2020 – 2019",
            "soon",
            "in 2019 and 2022",
            "the meeting of 2020",
            "12345",
        ] {
            assert_eq!(phrase_to_edtf(phrase), None, "{phrase}");
        }
    }

    #[test]
    fn dates_in_sentences_with_their_leading_word() {
        // 000: "...have met since 2019 ... Similar to the last meeting in 2022".
        let found = find("ICAT and the EU ATC have met since 2019. The last meeting in 2022.");
        let got: Vec<_> = found
            .iter()
            .map(|d| (d.edtf.as_str(), d.lead.as_deref()))
            .collect();
        assert_eq!(got, [("2019", Some("since")), ("2022", Some("in"))]);
        // 000: "in 2019 and 2022" is two years.
        let two = find("during the World Day in 2019 and 2022 on technology");
        assert_eq!(
            two.iter().map(|d| d.edtf.as_str()).collect::<Vec<_>>(),
            ["2019", "2022"]
        );
        // 004: "ICAT 2019 – 2020 co-chair".
        assert_eq!(find("ICAT 2019 – 2020 co-chair")[0].edtf, "2019/2020");
    }

    #[test]
    fn numbers_that_are_not_years_are_skipped() {
        assert!(find("3,000 websites and 27.6 million victims, 2030x").is_empty());
        assert!(find("15% of Britons age 18-45").is_empty());
    }
}
