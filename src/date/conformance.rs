//! The EDTF examples of two public sources (`tests/fixtures/edtf/`, with their commits and
//! licences) run through `ValidTime::parse`: every level 0 example accepted, every level
//! 1 example accepted but those refused on purpose (listed here with the reason
//! docs/dates.md gives), every invalid string refused but those listed, and every
//! refusal worded by policylog. `cargo test --lib conformance -- --nocapture` prints the
//! figures docs/dates.md quotes.

use serde_json::Value;

use super::ValidTime;

const EXAMPLES: &str = include_str!("../../tests/fixtures/edtf/examples.json");

/// Level 0 and level 1 examples the log refuses, and why (docs/dates.md, "Refused").
const REFUSED_ON_PURPOSE: &[(&str, &str)] = &[
    ("Y170000002", "year beyond 9999"),
    ("Y-170000002", "year before 0000"),
    ("-2004-23", "year before 0000"),
    ("-2010", "year before 0000"),
    ("-2004~", "year before 0000"),
    ("-2004-06?", "year before 0000"),
    ("-2004-06-11%", "year before 0000"),
    ("-20XX", "year before 0000"),
    ("-2004-XX", "year before 0000"),
    ("-1985-04-XX", "year before 0000"),
    ("-1985-XX-XX", "year before 0000"),
    ("-1985-04-12T23:20:30", "year before 0000"),
    ("-1985-04-12T23:20:30Z", "year before 0000"),
    ("-1985-04-12T23:20:30-04", "year before 0000"),
    ("-1985-04-12T23:20:30+04:30", "year before 0000"),
    ("-2001-02-03", "year before 0000"),
    ("-1000/-0999", "year before 0000"),
    ("-2004-02-01/2005", "year before 0000"),
    ("-1980-11-01/1989-11-30", "year before 0000"),
    ("-1984?/2004%", "year before 0000"),
    ("-2004-06-01/", "year before 0000"),
    ("-1985-04-12/..", "year before 0000"),
    ("-1985-04/..", "year before 0000"),
    ("-1985/", "year before 0000"),
    ("-1985", "year before 0000"),
    ("/..", "no dated end: no place on the time axis"),
    ("../", "no dated end: no place on the time axis"),
    ("../..", "no dated end: no place on the time axis"),
];

/// Strings a source calls invalid that the log accepts, and why.
const ACCEPTED_DESPITE_SOURCE: &[(&str, &str)] = &[
    (
        "0000-01-03/0000-01",
        "an end coarser than the start that contains it: ended later that January",
    ),
    (
        "0000-02/0000",
        "an end coarser than the start that contains it: ended later in the year 0000",
    ),
    (
        "2004-06-11%/2004-%06",
        "an end coarser than the start that contains it: ended later that June",
    ),
    (
        "2004-06-11%/2004-06~",
        "an end coarser than the start that contains it: ended later that June",
    ),
];

fn strings(fixture: &Value, list: &str) -> Vec<(String, Option<u64>)> {
    fixture[list]
        .as_array()
        .expect("a list of examples")
        .iter()
        .map(|e| {
            let text = e["edtf"].as_str().expect("an `edtf` string").to_owned();
            (text, e["level"].as_u64())
        })
        .collect()
}

/// Why a refusal is not policylog's own wording, if it is not.
fn foreign_wording(text: &str, message: &str) -> Option<String> {
    let parser = edtf_core::Edtf::parse(text).err().map(|e| e.message);
    let own = (text.is_empty() || message.starts_with(&format!("`{text}` ")))
        && (message.contains("write") || message.contains("give"))
        && parser.is_none_or(|p| !message.contains(p));
    (!own).then(|| format!("{text:?} is refused in words not policylog's: {message}"))
}

#[test]
fn public_edtf_examples_are_accepted_or_refused_as_documented() {
    let fixture: Value = serde_json::from_str(EXAMPLES).expect("the fixture is JSON");
    let valid = strings(&fixture, "valid");
    let invalid = strings(&fixture, "invalid");
    let mut wrong = Vec::new();
    let (mut accepted, mut total) = ([0usize; 3], [0usize; 3]);
    for (text, level) in &valid {
        let level = level.expect("a level") as usize;
        total[level] += 1;
        let on_purpose = REFUSED_ON_PURPOSE.iter().find(|(t, _)| t == text);
        match (ValidTime::parse(text), on_purpose) {
            (Ok(v), None) => {
                accepted[level] += 1;
                if let (Some(from), Some(to)) = (v.from(), v.to())
                    && from > to
                {
                    wrong.push(format!("{text:?} runs from {from} to {to}"));
                }
            }
            (Ok(_), Some((_, why))) => {
                wrong.push(format!(
                    "{text:?} is accepted, but listed as refused: {why}"
                ));
            }
            (Err(e), None) if level < 2 => {
                wrong.push(format!("level {level} {text:?} is refused: {e}"));
            }
            (Err(e), _) => wrong.extend(foreign_wording(text, &e.0)),
        }
    }
    let mut refused = 0;
    for (text, _) in &invalid {
        let despite = ACCEPTED_DESPITE_SOURCE.iter().find(|(t, _)| t == text);
        match (ValidTime::parse(text), despite) {
            (Ok(_), Some(_)) => {}
            (Ok(_), None) => wrong.push(format!("invalid {text:?} is accepted")),
            (Err(e), despite) => {
                refused += 1;
                if despite.is_some() {
                    wrong.push(format!("{text:?} is refused, but listed as accepted: {e}"));
                }
                wrong.extend(foreign_wording(text, &e.0));
            }
        }
    }
    // A reason listed for a string the fixture does not hold at that level is stale.
    for (text, _) in REFUSED_ON_PURPOSE {
        if !valid
            .iter()
            .any(|(t, l)| t == text && l.is_some_and(|l| l < 2))
        {
            wrong.push(format!(
                "{text:?} is listed as refused but is no level 0/1 example"
            ));
        }
    }
    for (text, _) in ACCEPTED_DESPITE_SOURCE {
        if !invalid.iter().any(|(t, _)| t == text) {
            wrong.push(format!(
                "{text:?} is listed as accepted but is no invalid example"
            ));
        }
    }
    println!(
        "EDTF examples accepted: level 0 {}/{}, level 1 {}/{} ({} refused on purpose), \
         level 2 {}/{}; invalid refused {}/{} ({} accepted on purpose)",
        accepted[0],
        total[0],
        accepted[1],
        total[1],
        REFUSED_ON_PURPOSE.len(),
        accepted[2],
        total[2],
        refused,
        invalid.len(),
        ACCEPTED_DESPITE_SOURCE.len(),
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Level 2's seasons and parts of a year (codes 25–41) are accepted too.
#[test]
fn level_2_seasons_are_accepted() {
    let fixture: Value = serde_json::from_str(EXAMPLES).expect("the fixture is JSON");
    let seasons: Vec<String> = strings(&fixture, "valid")
        .into_iter()
        .map(|(text, _)| text)
        .filter(|text| {
            let code = text.strip_prefix('-').unwrap_or(text).get(5..);
            code.and_then(|c| c.parse::<u8>().ok())
                .is_some_and(|c| (25..=41).contains(&c))
        })
        .collect();
    assert!(seasons.len() >= 17, "{seasons:?}");
    for text in seasons.iter().filter(|t| !t.starts_with('-')) {
        assert!(ValidTime::parse(text).is_ok(), "{text} is refused");
    }
}
