//! The entities a text introduces by itself, before any pattern reads it: a "Full Name
//! (ACRONYM)", an act by its number ("Directive (EU) 2024/1712"), an instrument named
//! with its head word ("... Protocol"), an organisation named with its head word
//! ("... Secretariat").

use super::{INSTRUMENT_HEADS, MAX_NAME_WORDS, NewEntity, ORG_HEADS, Registry, is_instrument_name};
use crate::extract::names::{self, Run};

/// Titles of people: an organisation's name starts after them ("Director for the Santa
/// Marta Group").
const PERSON_ROLES: &[&str] = &[
    "Representatives",
    "Members",
    "Delegates",
    "Officials",
    "Staff",
    "Heads",
    "Director",
    "Representative",
    "Advisor",
    "Adviser",
    "Commissioner",
    "Coordinator",
    "Co-ordinator",
    "President",
    "Chair",
    "Secretary-General",
    "Specialist",
    "Leader",
    "Officer",
    "Founder",
    "CEO",
    "Observer",
    "Moderator",
    "Minister",
    "Ambassador",
];

impl Registry<'_> {
    /// The entities the text introduces by itself: "Full Name (ACRONYM)", instruments and
    /// organisations named with their head word. Each is added to the registry.
    pub fn define(&mut self) -> Vec<NewEntity> {
        let mut out = Vec::new();
        for new in self.acronym_definitions() {
            if !self.knows(&new.id) {
                self.add(&new);
                out.push(new);
            }
        }
        for new in self.numbered_acts() {
            if !self.knows(&new.id) {
                self.add(&new);
                out.push(new);
            }
        }
        let runs = names::runs(self.text);
        for run in &runs {
            for new in [self.instrument_in(run), self.org_in(run)]
                .into_iter()
                .flatten()
            {
                if !self.knows(&new.id) {
                    self.add(&new);
                    out.push(new);
                }
            }
        }
        out
    }

    /// Acts named by their number: "Directive (EU) 2024/1712", "Directive 2011/36/EU".
    fn numbered_acts(&self) -> Vec<NewEntity> {
        static ACT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"\b(?:Directive|Regulation|Decision) (?:\((?:EU|EC|EEC|Euratom)\) (?:No )?\d{2,4}/\d+|\d{2,4}/\d+/(?:EU|EC|EEC))").expect("compiles")
        });
        ACT.find_iter(self.text)
            .filter(|m| self.whole_mention(m.start(), m.end()).is_none())
            .map(|m| NewEntity {
                id: format!("instrument:{}", names::slug(m.as_str())),
                entity_type: "instrument",
                name: m.as_str().to_owned(),
                acronym: None,
                quote: (m.start(), m.end()),
            })
            .collect()
    }

    /// "European Union Anti-Trafficking Coordinator (EU ATC)": the name before an acronym
    /// in parentheses, when the acronym's letters fit it.
    fn acronym_definitions(&self) -> Vec<NewEntity> {
        let text = self.text;
        let mut out = Vec::new();
        for (open, _) in text.match_indices(" (") {
            let inner_start = open + 2;
            let Some(close) = text[inner_start..].find(')').map(|c| inner_start + c) else {
                continue;
            };
            let acronym = &text[inner_start..close];
            if !names::is_acronym(acronym) || self.whole_mention(inner_start, close).is_some() {
                continue;
            }
            let Some(name_start) = name_before(text, open, acronym) else {
                continue;
            };
            let name = names::without_possessive(&text[name_start..open]);
            if self
                .whole_mention(name_start, name_start + name.len())
                .is_some()
            {
                continue;
            }
            let entity_type = if is_instrument_name(name) {
                "instrument"
            } else {
                "org"
            };
            out.push(NewEntity {
                id: format!("{entity_type}:{}", names::slug(acronym)),
                entity_type,
                name: name.to_owned(),
                acronym: Some(acronym.to_owned()),
                quote: (name_start, close + 1),
            });
        }
        out
    }

    /// An instrument named in a run: its head word and the capitalised words before it
    /// ("Trafficking in Persons Protocol", "United Nations Convention against
    /// Transnational Organized Crime"), not across "of the" / "to the".
    fn instrument_in(&self, run: &Run) -> Option<NewEntity> {
        let text = self.text;
        let words: Vec<&str> = run.words.iter().map(|w| &text[w.start..w.end]).collect();
        let head = words.iter().position(|w| INSTRUMENT_HEADS.contains(w))?;
        let mut first = head;
        while first > 0 {
            let prev = words[first - 1];
            let before = first.checked_sub(2).map(|i| words[i]);
            let double = names::CONNECTORS.contains(&prev)
                && before.is_some_and(|b| names::CONNECTORS.contains(&b));
            if double || prev == "to" || (names::CONNECTORS.contains(&prev) && first < 2) {
                break;
            }
            first -= 1;
        }
        while first < head && names::CONNECTORS.contains(&words[first]) {
            first += 1;
        }
        let mut last = head;
        while last + 2 < words.len() + 1
            && last + 1 < words.len()
            && (names::is_capitalised(words[last + 1])
                || (matches!(words[last + 1], "against" | "on" | "for" | "of")
                    && last + 2 < words.len()))
        {
            last += 1;
        }
        while names::CONNECTORS.contains(&words[last]) {
            last -= 1;
        }
        let (start, end) = (run.words[first].start, run.words[last].end);
        if first == head && last == head {
            return None;
        }
        if self
            .mentions(start, end)
            .iter()
            .any(|m| m.start <= start && m.end >= end)
        {
            return None;
        }
        let name = &text[start..end];
        let acronym = self.acronym_for(name);
        let id = format!(
            "instrument:{}",
            names::slug(acronym.as_deref().unwrap_or(name))
        );
        Some(NewEntity {
            id,
            entity_type: "instrument",
            name: name.to_owned(),
            acronym,
            quote: (start, end),
        })
    }

    /// An organisation named with its head word ("Human Rights Council", "CBSS
    /// Secretariat", "Expert Group on Children at Risk"); a title before it is cut off.
    fn org_in(&self, run: &Run) -> Option<NewEntity> {
        let text = self.text;
        let mut words: Vec<_> = run.words.clone();
        // "... Director for the Santa Marta Group": the name starts after the title.
        if let Some(role) = words
            .iter()
            .rposition(|w| PERSON_ROLES.contains(&&text[w.start..w.end]))
        {
            words.drain(..=role);
            while words
                .first()
                .is_some_and(|w| names::CONNECTORS.contains(&&text[w.start..w.end]))
            {
                words.remove(0);
            }
        }
        while words.first().is_some_and(|w| {
            let t = &text[w.start..w.end];
            names::without_possessive(t).len() < t.len()
        }) {
            words.remove(0);
        }
        let texts: Vec<&str> = words.iter().map(|w| &text[w.start..w.end]).collect();
        let head = texts.iter().rposition(|w| ORG_HEADS.contains(w))?;
        // "CBSS Secretariat and Walk Free": the name ends at its head.
        if texts.get(head + 1) == Some(&"and") {
            words.truncate(head + 1);
        }
        let texts: Vec<&str> = words.iter().map(|w| &text[w.start..w.end]).collect();
        // After its head, a name goes on only with "on/of/for/against/at + Name".
        let tail_ok = texts[head + 1..]
            .first()
            .is_none_or(|w| matches!(*w, "on" | "of" | "for" | "against" | "at"));
        if !tail_ok || words.len() > MAX_NAME_WORDS - 1 || words.len() < 2 {
            return None;
        }
        let (start, end) = (words[0].start, words[words.len() - 1].end);
        if !self.mentions(start, end).is_empty() && self.whole_mention(start, end).is_some() {
            return None;
        }
        if self
            .mentions(start, end)
            .iter()
            .any(|m| m.end - m.start > (end - start) / 2)
        {
            return None;
        }
        let name = &text[start..end];
        let acronym = self.acronym_for(name);
        let id = format!("org:{}", names::slug(acronym.as_deref().unwrap_or(name)));
        Some(NewEntity {
            id,
            entity_type: "org",
            name: name.to_owned(),
            acronym,
            quote: (start, end),
        })
    }
}

/// Where the name an acronym in parentheses stands for begins: the longest capitalised
/// run ending at `open` that starts with the acronym's first letter and whose letters
/// the acronym fits, without crossing a comma unless it has to.
fn name_before(text: &str, open: usize, acronym: &str) -> Option<usize> {
    let head = &text[..open];
    let all = names::words(head);
    let mut candidates: Vec<(usize, bool)> = Vec::new();
    let mut crossed_comma = false;
    let mut k = all.len();
    while k > 0 {
        let w = all[k - 1];
        let word = &head[w.start..w.end];
        let gap = &head[w.end..all.get(k).map_or(open, |n| n.start)];
        let gap_ok = if k == all.len() {
            gap.is_empty()
        } else if names::is_space(gap) {
            true
        } else if gap == ", " {
            crossed_comma = true;
            true
        } else {
            false
        };
        if !gap_ok {
            break;
        }
        if names::is_capitalised(word) {
            candidates.push((w.start, crossed_comma));
        } else if !names::CONNECTORS.contains(&word) {
            break;
        }
        k -= 1;
    }
    let fits = |start: usize| {
        let name = names::without_possessive(&text[start..open]);
        let first = name.chars().next()?;
        let wanted = acronym.chars().next()?;
        (first == wanted && names::defines(acronym, name)).then_some(start)
    };
    // Sentence words ("The") are not part of the name.
    let usable = |(s, _): &(usize, bool)| {
        let word = text[*s..].split_whitespace().next().unwrap_or("");
        !matches!(word, "The" | "A" | "An" | "This" | "In" | "On")
    };
    candidates
        .iter()
        .filter(|c| !c.1 && usable(c))
        .filter_map(|c| fits(c.0))
        .next_back()
        .or_else(|| {
            candidates
                .iter()
                .filter(|c| usable(c))
                .filter_map(|c| fits(c.0))
                .next_back()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::KnownEntity;

    fn icat() -> KnownEntity {
        KnownEntity {
            id: "org:icat".into(),
            entity_type: "org".into(),
            name: "Inter-Agency Coordination Group against Trafficking in Persons".into(),
            acronym: Some("ICAT".into()),
            aliases: Vec::new(),
        }
    }

    #[test]
    fn definitions_register_names_with_acronyms_instruments_and_offices() {
        // 000 and 004.
        let text = "ICAT held its exchange with the European Union Anti-Trafficking Coordinator (EU ATC), Diane Schmitt. \
                    It presented the ongoing revision of the EU Anti-Trafficking Directive, in line with the Trafficking in Persons Protocol. \
                    Both administered by the CBSS Secretariat and the Directorate-General for Communications Networks, Content and Technology (DG CNECT).";
        let mut r = Registry::new(text, &[icat()]);
        let ids: Vec<_> = r.define().into_iter().map(|n| n.id).collect();
        assert_eq!(
            ids,
            [
                "org:eu-atc",
                "org:dg-cnect",
                "instrument:eu-anti-trafficking-directive",
                "instrument:trafficking-in-persons-protocol",
                "org:cbss-secretariat",
            ]
        );
    }
}
