//! "Did you mean": the ids nearest to one the log does not know, by the spelling of the id
//! and by what the entity is called — its name, acronym and aliases (`iom` → `org:iom`,
//! `org:icta` → `org:icat`, `Baltic Sea` → `org:cbss`). The one suggestion of every
//! message that names an unknown entity: ingest's references, `state --group`,
//! `log --entity`, `history ID`, `add --publisher` and the API's parameters.

/// What one known entity is called, as the suggestion compares it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub acronym: Option<&'a str>,
    pub aliases: &'a [String],
}

/// At most this many ids are suggested.
const MOST: usize = 3;

/// Up to three ids close to `wanted`, the closest first: an id, acronym, name or alias
/// that is `wanted` in another case or punctuation; then a name or alias that holds it;
/// then ids and acronyms a typo or two away (a swapped pair counts as one typo). Nothing
/// when none is close: a suggestion that is far off misleads more than none.
pub fn nearest_ids<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = Candidate<'a>>,
) -> Vec<String> {
    let wanted_key = key(wanted);
    let wanted_bare = key(bare(wanted));
    if wanted_bare.is_empty() {
        return Vec::new();
    }
    let words = wanted.to_lowercase();
    let words = words.trim();
    let mut scored: Vec<(usize, String)> = candidates
        .into_iter()
        .filter_map(|c| score(&wanted_key, &wanted_bare, words, &c).map(|s| (s, c.id.to_owned())))
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(MOST).map(|(_, id)| id).collect()
}

/// ": did you mean org:iom?" (or "org:a, org:b or org:c"), or nothing.
pub fn did_you_mean(ids: &[String]) -> String {
    match ids {
        [] => String::new(),
        [one] => format!(": did you mean {one}?"),
        [first @ .., last] => format!(": did you mean {} or {last}?", first.join(", ")),
    }
}

/// How far `c` is from what was wanted (lower is nearer), or `None` when it is not near.
fn score(wanted_key: &str, wanted_bare: &str, words: &str, c: &Candidate<'_>) -> Option<usize> {
    let id_key = key(c.id);
    let id_bare = key(bare(c.id));
    let mut spellings = std::iter::once(c.name)
        .chain(c.acronym)
        .chain(c.aliases.iter().map(String::as_str));
    // The same thing in another case, another punctuation or without the `type:`.
    if id_key == wanted_key
        || id_bare == wanted_bare
        || spellings.clone().any(|s| key(s) == wanted_key)
    {
        return Some(0);
    }
    // Part of its name ("baltic sea" → the Council of the Baltic Sea States).
    if words.chars().count() >= 4 && spellings.any(|s| s.to_lowercase().contains(words)) {
        return Some(1);
    }
    let typos = |a: &str, b: &str| strsim::osa_distance(a, b);
    let distance = typos(wanted_key, &id_key)
        .min(typos(wanted_bare, &id_bare))
        .min(
            c.acronym
                .map_or(usize::MAX, |a| typos(wanted_bare, &key(a))),
        );
    // One typo in a short id, one in three characters in a longer one.
    let allowed = (wanted_bare.chars().count() / 3).max(1);
    (distance <= allowed).then_some(2 + distance)
}

/// An id without its `type:` (`org:iom` → `iom`).
fn bare(id: &str) -> &str {
    id.split_once(':').map_or(id, |(_, rest)| rest)
}

/// Lower case, letters and digits only: `OSRSG-VAC`, `osrsg vac` and `osrsg_vac` alike.
fn key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric() || *c == ':')
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Known(
        &'static str,
        &'static str,
        Option<&'static str>,
        Vec<String>,
    );

    fn known() -> Vec<Known> {
        vec![
            Known(
                "org:iom",
                "International Organization for Migration",
                Some("IOM"),
                vec![],
            ),
            Known(
                "org:ilo",
                "International Labour Organization",
                Some("ILO"),
                vec![],
            ),
            Known(
                "org:icat",
                "Inter-Agency Coordination Group against Trafficking in Persons",
                Some("ICAT"),
                vec!["the Group".into()],
            ),
            Known(
                "org:cbss",
                "Council of the Baltic Sea States",
                Some("CBSS"),
                vec![],
            ),
            Known(
                "org:unodc",
                "United Nations Office on Drugs and Crime",
                Some("UNODC"),
                vec![],
            ),
            Known(
                "org:osrsg-vac",
                "Office of the Special Representative of the Secretary-General on Violence against Children",
                Some("OSRSG-VAC"),
                vec![],
            ),
            Known("person:diane-schmitt", "Diane Schmitt", None, vec![]),
        ]
    }

    fn nearest(wanted: &str) -> Vec<String> {
        let k = known();
        nearest_ids(
            wanted,
            k.iter().map(|Known(id, name, acronym, aliases)| Candidate {
                id,
                name,
                acronym: *acronym,
                aliases,
            }),
        )
    }

    #[test]
    fn the_nearest_ids_are_suggested() {
        for (wanted, first) in [
            ("iom", "org:iom"),
            ("IOM", "org:iom"),
            ("org:IOM", "org:iom"),
            ("org:icta", "org:icat"),
            ("org:unodcc", "org:unodc"),
            ("osrsg vac", "org:osrsg-vac"),
            ("org:osrsgvac", "org:osrsg-vac"),
            ("International Labour Organization", "org:ilo"),
            ("baltic sea", "org:cbss"),
            ("the group", "org:icat"),
            ("org:diane-schmitt", "person:diane-schmitt"),
            ("person:diane-schmit", "person:diane-schmitt"),
        ] {
            assert_eq!(
                nearest(wanted).first().map(String::as_str),
                Some(first),
                "{wanted}"
            );
        }
    }

    #[test]
    fn what_is_far_from_every_entity_gets_no_suggestion() {
        for wanted in ["org:zzzzzzzz", "", "org:", "xyz", "org:un-women"] {
            assert_eq!(nearest(wanted), Vec::<String>::new(), "{wanted}");
        }
    }

    #[test]
    fn at_most_three_and_each_once() {
        // `org:imo` is a typo away from both IOM (swapped) and ILO.
        let got = nearest("org:imo");
        assert!(got.len() <= MOST && !got.is_empty(), "{got:?}");
        assert!(got.contains(&"org:iom".to_owned()), "{got:?}");
        let mut unique = got.clone();
        unique.dedup();
        assert_eq!(unique, got);
    }

    #[test]
    fn the_question_lists_the_ids() {
        assert_eq!(did_you_mean(&[]), "");
        assert_eq!(did_you_mean(&["org:iom".into()]), ": did you mean org:iom?");
        assert_eq!(
            did_you_mean(&["org:a".into(), "org:b".into(), "org:c".into()]),
            ": did you mean org:a, org:b or org:c?"
        );
    }
}
