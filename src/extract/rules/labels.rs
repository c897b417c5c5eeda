//! Labels of statistics: what a figure is about, in the clause's own words, without the
//! figure, its hedge or its source (events/README.md: "labels name the indicator").
//! "Half of the detected victims of trafficking are women" → "Share of the detected
//! victims of trafficking who are women".

/// Verbs after which the rest of a clause says what a share of something is.
const LINKS: &[&str] = &[
    "are",
    "is",
    "were",
    "was",
    "have",
    "has",
    "had",
    "seek",
    "seeks",
    "make",
    "makes",
    "comprise",
    "comprises",
    "account",
    "accounts",
    "saw",
    "see",
    "live",
    "lives",
];

/// Words that end the noun phrase a count names (with what qualifies it: "websites
/// where abusers upload images").
const NOUN_ENDS: &[&str] = &[
    "were", "was", "is", "are", "have", "has", "had", "as", "while", "annually", "each", "every",
    "will", "would",
];

/// The label of the figure at `figure` in `sentence`, its clause being `clause`.
pub fn statistic(
    sentence: &str,
    figure: (usize, usize),
    unit: &str,
    clause: (usize, usize),
) -> String {
    let before = tidy(&sentence[clause.0..figure.0]);
    let after = tidy(&sentence[figure.1..clause.1.max(figure.1)]);
    let share = unit == "percent" || unit.starts_with("in ");
    let text = if share && let Some(np) = elided(&before, &after) {
        // "Half of the victims are women, and one third are children": of the victims.
        format!("Share of {np} who {after}")
    } else if share && let Some(subject) = share_subject(&before) {
        // "children make up at least one in three internet users worldwide".
        let of = after.strip_prefix("of ").unwrap_or(&after);
        format!("Share of {of} who are {subject}")
    } else if share && let Some(of) = after.strip_prefix("of ") {
        // "88% of victims seek medical care" → "Share of victims who seek medical care".
        format!("Share of {}", relative(of))
    } else if share && after.split_whitespace().any(|w| LINKS.contains(&w)) {
        // "1 in 8 Americans have been victims" → "Share of Americans who have been ...".
        format!("Share of {}", relative(&after))
    } else if share && before.ends_with(" of") {
        // "Increases of up to 300% in global online interest".
        format!("{} {after}", &before[..before.len() - 3])
    } else if share && before.ends_with(" by") {
        // "detected victims increased by 25 per cent": the change of what increased.
        format!("Change of {}", last_fragment(&before[..before.len() - 3]))
    } else if share && after.split_whitespace().count() >= 2 {
        // "a 600% increase in internet interest in Spain".
        after.clone()
    } else if unit == "times" {
        format!("Multiple of {}", last_fragment(&before))
    } else {
        count(&before, &after)
    };
    finish(&text)
}

/// The label of a count: the noun phrase it counts, with the place or occasion the
/// clause gives ("International organisations during the ICAT Principals meeting"), or
/// the clause itself with the figure left out when the noun says too little.
fn count(before: &str, after: &str) -> String {
    let mut noun: Vec<&str> = Vec::new();
    for w in after.split_whitespace() {
        // "and" goes on inside a relative clause ("websites where abusers upload and
        // view ..."), and ends the noun otherwise ("illicit industry and indications").
        let relative = noun
            .iter()
            .any(|n| matches!(*n, "where" | "who" | "which" | "that"));
        if NOUN_ENDS.contains(&w) || (w == "and" && !relative) {
            break;
        }
        noun.push(w);
    }
    let context = last_fragment(before);
    let occasion = ["during ", "at ", "in ", "on "]
        .iter()
        .any(|p| context.starts_with(p));
    if noun.len() >= 2 {
        let noun = noun.join(" ");
        if occasion {
            format!("{noun} {context}")
        } else {
            noun
        }
    } else {
        let words: Vec<&str> = before.split_whitespace().collect();
        let lead = words[words.len().saturating_sub(10)..].join(" ");
        let lead = lead.strip_prefix("that ").unwrap_or(&lead);
        format!("{lead} … {after}")
    }
}

/// What an elided share is of: "… of the detected victims of trafficking are women, and"
/// before "are children" gives "the detected victims of trafficking".
fn elided(before: &str, after: &str) -> Option<String> {
    let first = after.split_whitespace().next()?;
    if !matches!(first, "are" | "is" | "were" | "was") {
        return None;
    }
    let of = before.find("of ")? + 3;
    let rest = &before[of..];
    let verb = [" are ", " is ", " were ", " was "]
        .iter()
        .filter_map(|v| rest.find(v))
        .min()?;
    Some(rest[..verb].to_owned())
}

/// "victims seek medical care" → "victims who seek medical care"; a phrase without a
/// linking verb stays as it is.
fn relative(phrase: &str) -> String {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    match words.iter().position(|w| LINKS.contains(w)) {
        Some(i) if i > 0 => {
            let verb = match words[i] {
                "are" | "were" | "is" | "was"
                    if words.get(i + 1).is_some_and(|w| !w.ends_with("ed")) =>
                {
                    ""
                }
                _ => words[i],
            };
            let rest = words[i + 1..].join(" ");
            let verb = if verb.is_empty() {
                format!("are {rest}")
            } else {
                format!("{verb} {rest}")
            };
            // Things take "that", people "who": "material that was hosted", "victims who".
            let pronoun = if matches!(words[i], "is" | "was" | "has") {
                "that"
            } else {
                "who"
            };
            format!("{} {pronoun} {}", words[..i].join(" "), verb.trim())
        }
        _ => phrase.to_owned(),
    }
}

/// "children make up" → "children": who the share is of.
fn share_subject(before: &str) -> Option<String> {
    let fragment = last_fragment(before);
    for verb in [
        " make up",
        " makes up",
        " comprise",
        " comprises",
        " account for",
        " are",
        " is",
    ] {
        if let Some(subject) = fragment.strip_suffix(verb)
            && !subject.is_empty()
        {
            return Some(subject.to_owned());
        }
    }
    None
}

/// The part of `text` after its last comma or colon.
fn last_fragment(text: &str) -> String {
    let at = text.rfind([',', ':', ';']).map_or(0, |p| p + 1);
    let at = text[at..]
        .rfind(" that ")
        .map_or(at, |p| at + p + " that ".len());
    let fragment = tidy(&text[at..]);
    // "detected victims increased" → "detected victims".
    for verb in [
        " increased",
        " decreased",
        " rose",
        " fell",
        " grew",
        " dropped",
    ] {
        if let Some(subject) = fragment.strip_suffix(verb) {
            return subject.to_owned();
        }
    }
    fragment
}

/// Whitespace collapsed, emphasis and quotes around the clause dropped.
fn tidy(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(|c: char| matches!(c, '*' | '"' | '“' | '”' | ' ' | '-' | '.' | ';' | ','))
        .to_owned()
}

/// At most 14 words, capitalised, without closing punctuation.
fn finish(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().take(14).collect();
    let mut label = words
        .join(" ")
        .trim_end_matches([',', ';', ':', '.', '*', '"', '”'])
        .to_owned();
    if let Some(first) = label.chars().next() {
        let upper: String = first.to_uppercase().collect();
        label.replace_range(..first.len_utf8(), &upper);
    }
    label
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The label of the figure `figure` (its text) in `sentence`, the clause being all.
    fn of(sentence: &str, figure: &str, unit: &str) -> String {
        let at = sentence.find(figure).unwrap();
        statistic(sentence, (at, at + figure.len()), unit, (0, sentence.len()))
    }

    #[test]
    fn shares_name_what_they_are_a_share_of() {
        // 004, 001, 000, 003
        assert_eq!(
            of(
                "Half of the detected victims of trafficking are women",
                "Half",
                "in 2"
            ),
            "Share of the detected victims of trafficking who are women"
        );
        assert_eq!(
            of(
                "children comprise approximately 35 percent of detected victims of trafficking",
                "approximately 35 percent",
                "percent"
            ),
            "Share of detected victims of trafficking who are children"
        );
        assert_eq!(
            of(
                "children make up at least one in three internet users worldwide",
                "at least one in three",
                "in 3"
            ),
            "Share of internet users worldwide who are children"
        );
        assert_eq!(
            of(
                "1 in 8 Americans have been victims of nonconsensual pornography",
                "1 in 8",
                "in 8"
            ),
            "Share of Americans who have been victims of nonconsensual pornography"
        );
        assert_eq!(
            of(
                "in 2022, approximately 59% of online child abuse material was hosted in Europe",
                "approximately 59%",
                "percent"
            ),
            "Share of online child abuse material that was hosted in Europe"
        );
        assert_eq!(
            of(
                "Ms. Rusckowski indicated **\"that 88% of victims seek medical care/treatment while being trafficked.\"**",
                "88%",
                "percent"
            ),
            "Share of victims who seek medical care/treatment while being trafficked"
        );
        assert_eq!(
            of(
                "Increases of up to 300% in global online interest in sexually derogatory search terms",
                "up to 300%",
                "percent"
            ),
            "Increases in global online interest in sexually derogatory search terms"
        );
    }

    #[test]
    fn counts_name_what_they_count() {
        // 004, 003
        assert_eq!(
            of(
                "On 15 December 2020, during the ICAT Principals meeting more than 20 international organisations",
                "more than 20",
                "organisations"
            ),
            "International organisations during the ICAT Principals meeting"
        );
        assert_eq!(
            of(
                "There are 3,000 websites where abusers upload images",
                "3,000",
                "websites"
            ),
            "Websites where abusers upload images"
        );
        assert_eq!(
            of(
                "forced labour and trafficking is a growing industry, exploiting 27.6 million children",
                "27.6 million",
                "children"
            ),
            "Forced labour and trafficking is a growing industry, exploiting … children"
        );
        assert_eq!(
            of(
                "In the U.K., the rate of image-based abuse doubled from 2019 to 2020",
                "doubled",
                "times"
            ),
            "Multiple of the rate of image-based abuse"
        );
        assert_eq!(
            of(
                "The report found that detected victims increased by 25 per cent compared with 2019",
                "25 per cent",
                "percent"
            ),
            "Change of detected victims"
        );
    }
}
