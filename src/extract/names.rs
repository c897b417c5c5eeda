//! Proper names in running text: words and capitalised runs ("Council of the Baltic Sea
//! States"), honorifics, what looks like a person's name, acronyms and the initials they
//! stand for, and the ids of docs/vocabulary.md (`org:` + acronym, else a slug).

use std::sync::LazyLock;

use regex::Regex;

/// Small words a name may hold between its capitalised words.
pub const CONNECTORS: &[&str] = &[
    "of", "the", "for", "on", "against", "in", "and", "to", "&", "at",
];

/// Words that open a sentence or a phrase without being part of the name that follows.
const LEADING: &[&str] = &[
    "The",
    "A",
    "An",
    "This",
    "These",
    "That",
    "Those",
    "In",
    "On",
    "At",
    "For",
    "By",
    "From",
    "With",
    "As",
    "Its",
    "Their",
    "Our",
    "His",
    "Her",
    "According",
    "Both",
    "Former",
    "Key",
    "Currently",
    "And",
    "Of",
    "To",
];

/// Words that never stand in a person's name: organisation heads, offices, titles and the
/// common capitalised words of the corpus's subject.
const NOT_PERSON: &[&str] = &[
    "United",
    "Nations",
    "Nation",
    "European",
    "Union",
    "International",
    "Global",
    "National",
    "World",
    "Day",
    "Group",
    "Office",
    "Council",
    "Commission",
    "Assembly",
    "Forum",
    "Secretariat",
    "Section",
    "Organization",
    "Organisation",
    "Agency",
    "Committee",
    "Centre",
    "Center",
    "Mission",
    "Institute",
    "Foundation",
    "Fund",
    "Programme",
    "Bank",
    "Team",
    "Task",
    "Force",
    "Directorate",
    "General",
    "Department",
    "Ministry",
    "Conference",
    "Parties",
    "Protocol",
    "Convention",
    "Directive",
    "Act",
    "Regulation",
    "Report",
    "Statement",
    "Call",
    "Action",
    "Plan",
    "Agenda",
    "Strategy",
    "Event",
    "Side",
    "Level",
    "High",
    "Human",
    "Rights",
    "Trafficking",
    "Persons",
    "Children",
    "Violence",
    "Special",
    "Representative",
    "Coordinator",
    "Co-ordinator",
    "Director",
    "Executive",
    "Deputy",
    "Secretary",
    "Assistant",
    "Senior",
    "Advisor",
    "Adviser",
    "President",
    "Chair",
    "Co-chair",
    "Founder",
    "CEO",
    "Moderator",
    "Observer",
    "Ambassador",
    "Permanent",
    "Former",
    "Minister",
    "Head",
    "Chief",
    "Member",
    "Members",
    "States",
    "State",
    "Issue",
    "Brief",
    "Background",
    "Speakers",
    "Year",
    "Focus",
    "Survivor",
    "Child",
    "Internet",
    "Digital",
    "Services",
    "Women",
    "Data",
    "Migration",
    "Labour",
    "Labor",
    "Drugs",
    "Crime",
    "Security",
    "Cooperation",
    "Co-operation",
    "Home",
    "Affairs",
    "Technology",
    "Fight",
    "Exploitation",
    "Liaison",
    "Order",
    "Sovereign",
    "Partnerships",
    "Engagement",
    "Leader",
    "Specialist",
    "Protection",
    "Regional",
    "Thomson",
    "Reuters",
    "Free",
    "Freedom",
];

/// One word of a text, with its byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
}

/// Splits `text` into words: letters and digits, with inner hyphens and apostrophes
/// ("Co-operation", "M'jid", "ICAT’s").
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let inner = matches!(c, '-' | '\'' | '’')
            && start.is_some()
            && chars.get(k + 1).is_some_and(|(_, n)| n.is_alphanumeric());
        if c.is_alphanumeric() || inner || (c == '&' && start.is_none()) {
            if start.is_none() {
                start = Some(i);
            }
            if c == '&' {
                out.push(Word {
                    start: i,
                    end: i + 1,
                });
                start = None;
            }
        } else if let Some(s) = start.take() {
            out.push(Word { start: s, end: i });
        }
    }
    if let Some(s) = start {
        out.push(Word {
            start: s,
            end: text.len(),
        });
    }
    out
}

pub fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Month names end a name: "ICAT in April 2020" is ICAT and a date.
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Whether the gap between two words of a name is a space: never a line break.
pub fn is_space(gap: &str) -> bool {
    !gap.is_empty() && gap.chars().all(char::is_whitespace) && !gap.contains('\n')
}

/// A capitalised word that can stand in a name.
fn is_name_word(word: &str) -> bool {
    is_capitalised(word) && !MONTHS.contains(&word)
}

fn is_connector(word: &str) -> bool {
    CONNECTORS.contains(&word)
}

/// A capitalised run: capitalised words, with connectors between them, separated by
/// spaces only ("Council of the Baltic Sea States", "Ernst & Young").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub start: usize,
    pub end: usize,
    pub words: Vec<Word>,
}

/// Every capitalised run of `text`, leading sentence words ("The", "In") left out.
pub fn runs(text: &str) -> Vec<Run> {
    let all = words(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let w = &text[all[i].start..all[i].end];
        if !is_name_word(w) {
            i += 1;
            continue;
        }
        let mut run = vec![all[i]];
        let mut j = i + 1;
        while j < all.len() {
            let gap = &text[all[j - 1].end..all[j].start];
            if !is_space(gap) {
                break;
            }
            let next = &text[all[j].start..all[j].end];
            if is_name_word(next) {
                run.push(all[j]);
                j += 1;
            } else if is_connector(next) {
                // Connectors count only when a capitalised word follows them.
                let mut k = j;
                while k < all.len()
                    && is_connector(&text[all[k].start..all[k].end])
                    && is_space(&text[all[k - 1].end..all[k].start])
                {
                    k += 1;
                }
                // "X and the Y" joins two names, not one.
                let and_the = k - j == 2 && &text[all[j].start..all[j].end] == "and";
                let joined = k < all.len()
                    && k - j <= 2
                    && !and_the
                    && is_name_word(&text[all[k].start..all[k].end])
                    && is_space(&text[all[k - 1].end..all[k].start]);
                if !joined {
                    break;
                }
                run.extend_from_slice(&all[j..k]);
                j = k;
            } else {
                break;
            }
        }
        while run.len() > 1 && LEADING.contains(&&text[run[0].start..run[0].end]) {
            run.remove(0);
        }
        if !(run.len() == 1 && LEADING.contains(&&text[run[0].start..run[0].end])) {
            out.push(Run {
                start: run[0].start,
                end: run[run.len() - 1].end,
                words: run,
            });
        }
        i = j;
    }
    out
}

/// Leading words that are not part of a name ("the", "The", "its"), as a byte count.
pub fn leading_noise(span: &str) -> usize {
    let mut at = 0;
    loop {
        let rest = &span[at..];
        let word_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..word_len];
        if word_len < rest.len() && (LEADING.contains(&word) || word == "the") {
            at += word_len;
            at += span[at..].len() - span[at..].trim_start().len();
        } else {
            return at;
        }
    }
}

static HONORIFICS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:Ambassador|H\.\s?E\.|Dr\.?|Ms\.?|Mr\.?|Mrs\.?|Prof\.?|Professor|Sir|Dame)\s+)+",
    )
    .expect("compiles")
});

/// The length of the honorifics opening `span` ("Ambassador H. E. Dr. ").
pub fn honorifics(span: &str) -> usize {
    HONORIFICS.find(span).map_or(0, |m| m.end())
}

/// Whether `name` (honorifics removed) reads as a person's name: two to four capitalised
/// words, none of them an acronym or a word of an organisation or a title.
pub fn looks_like_person(name: &str) -> bool {
    let parts: Vec<&str> = name.split_whitespace().collect();
    (2..=4).contains(&parts.len())
        && parts.iter().all(|p| {
            let letters: Vec<char> = p.chars().filter(|c| c.is_alphabetic()).collect();
            is_capitalised(p)
                && letters.len() >= 2
                && !letters.iter().all(|c| c.is_uppercase())
                && !NOT_PERSON.contains(p)
                && p.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'))
        })
}

/// Whether `word` is written like an acronym: "ICAT", "TF THB", "ECPAT-USA", "UN".
pub fn is_acronym(word: &str) -> bool {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    (2..=12).contains(&word.chars().count())
        && letters >= 2
        && word
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || matches!(c, ' ' | '-'))
        && word.split([' ', '-']).count() <= 3
        && word.chars().next().is_some_and(char::is_uppercase)
}

/// The initials of a name's significant words (hyphenated parts count separately when
/// `split_hyphens`): "Council of the Baltic Sea States" → "CBSS".
fn initials(name: &str, split_hyphens: bool) -> Vec<char> {
    let mut out = Vec::new();
    for word in name.split_whitespace() {
        if is_connector(word) {
            continue;
        }
        let parts: Vec<&str> = if split_hyphens {
            word.split('-').collect()
        } else {
            vec![word]
        };
        for part in parts {
            if let Some(c) = part.chars().next() {
                out.extend(c.to_uppercase());
            }
        }
    }
    out
}

fn acronym_letters(acronym: &str) -> Vec<char> {
    acronym.chars().filter(|c| c.is_alphabetic()).collect()
}

/// Whether `acronym` stands for `name` by its initials: exactly ("CBSS" for "Council of
/// the Baltic Sea States"), or leaving out one inner word ("UNTOC" for "United Nations
/// Convention against Transnational Organized Crime"), first and last kept.
pub fn initials_fit(acronym: &str, name: &str) -> bool {
    let letters = acronym_letters(acronym);
    if letters.len() < 2 {
        return false;
    }
    [false, true].into_iter().any(|split| {
        let init = initials(name, split);
        init == letters
            || (init.len() == letters.len() + 1
                && init.first() == letters.first()
                && init.last() == letters.last()
                && is_subsequence(&letters, &init))
    })
}

/// Whether `acronym`, written right after `name` in parentheses, can stand for it: its
/// letters appear in order in the name, the first being the name's first letter ("DG
/// CNECT" for "Directorate-General for Communications Networks, Content and Technology").
pub fn defines(acronym: &str, name: &str) -> bool {
    let letters: Vec<char> = acronym_letters(acronym)
        .into_iter()
        .flat_map(char::to_lowercase)
        .collect();
    let name_letters: Vec<char> = name
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    letters.len() >= 2
        && letters.first() == name_letters.first()
        && is_subsequence(&letters, &name_letters)
}

fn is_subsequence(needle: &[char], hay: &[char]) -> bool {
    let mut it = hay.iter();
    needle.iter().all(|c| it.any(|h| h == c))
}

/// ASCII folding for ids: "Åsa" → "Asa".
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'Ā' | 'ā' => {
            "a"
        }
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' | 'Č' | 'č' | 'Ć' | 'ć' => "c",
        'È' | 'É' | 'Ê' | 'Ë' | 'è' | 'é' | 'ê' | 'ë' | 'Ē' | 'ē' | 'Ę' | 'ę' | 'Ě' | 'ě' => {
            "e"
        }
        'Ì' | 'Í' | 'Î' | 'Ï' | 'ì' | 'í' | 'î' | 'ï' => "i",
        'Ł' | 'ł' => "l",
        'Ñ' | 'ñ' | 'Ń' | 'ń' => "n",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
        'Ś' | 'ś' | 'Š' | 'š' => "s",
        'ß' => "ss",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'ù' | 'ú' | 'û' | 'ü' => "u",
        'Ý' | 'ý' | 'ÿ' => "y",
        'Ž' | 'ž' | 'Ź' | 'ź' | 'Ż' | 'ż' => "z",
        _ => return None,
    })
}

/// A slug of the id convention: ASCII, lower case, words joined by `-`, apostrophes and
/// `&` dropped ("Najat Maalla M'jid" → "najat-maalla-mjid", "Ernst & Young" →
/// "ernst-young").
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if matches!(c, '\'' | '’') {
            continue;
        }
        let piece: String = if let Some(f) = fold(c) {
            f.to_owned()
        } else if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase().to_string()
        } else {
            String::new()
        };
        if piece.is_empty() {
            dash = !out.is_empty();
            continue;
        }
        if dash {
            out.push('-');
            dash = false;
        }
        out.push_str(&piece);
    }
    out
}

/// `name` without a trailing possessive ("United Nation’s" → "United Nation").
pub fn without_possessive(name: &str) -> &str {
    name.strip_suffix("’s")
        .or_else(|| name.strip_suffix("'s"))
        .unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_texts(text: &str) -> Vec<&str> {
        runs(text).iter().map(|r| &text[r.start..r.end]).collect()
    }

    #[test]
    fn capitalised_runs_keep_inner_connectors() {
        // 004 and 003.
        assert_eq!(
            run_texts("The Council of the Baltic Sea States joined the ICAT in April 2020"),
            ["Council of the Baltic Sea States", "ICAT"]
        );
        assert_eq!(
            run_texts("Thomson Reuters is partnering with Ernst & Young to offer"),
            ["Thomson Reuters", "Ernst & Young"]
        );
        assert_eq!(
            run_texts("for the Santa Marta Group—"),
            ["Santa Marta Group"]
        );
    }

    #[test]
    fn persons_are_told_from_offices() {
        for name in [
            "Åsa Regner",
            "Najat Maalla M'jid",
            "Deborah O'Hara Rusckowski",
            "Paul Beresford-Hill",
        ] {
            assert!(looks_like_person(name), "{name}");
        }
        for name in [
            "Santa Marta Group",
            "UN Women",
            "Home Affairs",
            "Irina",
            "Executive Director Ghada",
        ] {
            assert!(!looks_like_person(name), "{name}");
        }
        assert_eq!(
            honorifics("Ambassador H. E. Dr. Paul Beresford-Hill"),
            "Ambassador H. E. Dr. ".len()
        );
    }

    #[test]
    fn acronyms_and_what_they_stand_for() {
        assert!(initials_fit("CBSS", "Council of the Baltic Sea States"));
        assert!(initials_fit(
            "IOM",
            "International Organization for Migration"
        ));
        assert!(initials_fit(
            "OSCE",
            "Organization for Security and Co-operation in Europe"
        ));
        assert!(initials_fit(
            "UNTOC",
            "United Nations Convention against Transnational Organized Crime"
        ));
        assert!(!initials_fit(
            "GSO",
            "Global Strategic Operatives for the Eradication of Human Trafficking"
        ));
        assert!(defines(
            "DG CNECT",
            "Directorate-General for Communications Networks, Content and Technology"
        ));
        assert!(defines(
            "ICAT",
            "Inter-Agency Coordination Group against Trafficking in Persons"
        ));
        assert!(!defines("IOM", "Irina Todorova"));
        assert!(is_acronym("TF THB") && is_acronym("ECPAT-USA") && !is_acronym("UN Women"));
    }

    #[test]
    fn slugs_follow_the_id_convention() {
        assert_eq!(slug("Åsa Regner"), "asa-regner");
        assert_eq!(slug("Najat Maalla M'jid"), "najat-maalla-mjid");
        assert_eq!(slug("Ernst & Young"), "ernst-young");
        assert_eq!(slug("EU ATC"), "eu-atc");
        assert_eq!(without_possessive("United Nation’s"), "United Nation");
    }
}
