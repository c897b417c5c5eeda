//! Instrument statuses: proposed, adopted, entered into force, under revision, revised,
//! repealed, published in an official journal (vocabulary 2), with what an act amends
//! and its transposition deadline (vocabulary 2) when the sentence says so.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};

use super::{Ctx, bare, shape};
use crate::date::phrase;
use crate::extract::entities::Resolved;
use crate::extract::proposal::Draft;

/// One way of stating a status: the expression, the status, and whether the sentence
/// states it in the present (attested at the document's date) rather than with a date.
struct Form {
    re: Regex,
    status: &'static str,
    present: bool,
}

static FORMS: LazyLock<Vec<Form>> = LazyLock::new(|| {
    let form = |re: &str, status, present| Form {
        re: shape(re).expect("compiles"),
        status,
        present,
    };
    vec![
        form(
            r"\b(?:the )?ongoing (?:revision|review) of (?P<instr>[^,;.]+)",
            "under_revision",
            true,
        ),
        form(
            r"(?P<instr>[^,;]+?) (?:is|remains) (?:under revision|being revised)\b",
            "under_revision",
            true,
        ),
        form(
            r"(?P<instr>[^,;]+?),? (?:was|were) (?:formally |finally )?adopted (?P<date>(?:on|in) [^,;.]*?\d{4})\b",
            "adopted",
            false,
        ),
        form(
            r"\badopted (?P<instr>(?:the |a )?[A-Z][^,;]+?) (?P<date>(?:on|in) [^,;.]*?\d{4})\b",
            "adopted",
            false,
        ),
        form(
            r"(?P<instr>[^,;]+?),? entered into force (?P<date>(?:on|in) [^,;.]*?\d{4})\b",
            "in_force",
            false,
        ),
        form(
            r"(?P<instr>[^,;]+?) (?:is|remains) in force\b",
            "in_force",
            true,
        ),
        form(
            r"(?P<instr>[^,;]+?),? (?:was|were) revised (?P<date>(?:on|in) [^,;.]*?\d{4})\b",
            "revised",
            false,
        ),
        form(
            r"(?P<instr>[^,;]+?),? (?:was|were) repealed (?P<date>(?:on|in|with effect from) [^,;.]*?\d{4})\b",
            "repealed",
            false,
        ),
        form(
            r"(?P<instr>[^,;]+?),? (?:was|were) proposed (?:by [^,;]+? )?(?P<date>(?:on|in) [^,;.]*?\d{4})\b",
            "proposed",
            false,
        ),
        form(
            r"\bproposed (?P<instr>(?:the |a )?[A-Z][^,;]+?) (?P<date>(?:on|in) [^,;.]*?\d{4})\b",
            "proposed",
            false,
        ),
        form(
            r"(?P<instr>[^,;]+?),? (?:was|were) published in the (?P<journal>Official Journal of the European Union|Official Journal)(?: (?P<date>on [^,;.]*?\d{4}))?",
            "published",
            false,
        ),
    ]
});

static AMENDING: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"\b(?:amending|amends|replacing|replaces) (?P<amended>[^,;.]+)").expect("compiles")
});
static DEADLINE: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"\btranspos\w* [^.]*?\bby (?P<date>[^,;.]*?\d{4})\b").expect("compiles")
});

/// The instrument a slot ending at `end` names: the last one the sentence names up to
/// there, leaving out one it amends ("X, amending Y, was adopted" is X's adoption).
fn instrument(ctx: &Ctx, sentence: usize, start: usize, end: usize) -> Option<Resolved> {
    let text = ctx.text();
    let named = ctx.entities.mentions(sentence, end).into_iter().rfind(|m| {
        let before = text[..m.start].trim_end_matches("the ").trim_end();
        m.id.starts_with("instrument:")
            && !before.ends_with("amending")
            && !before.ends_with("replacing")
    });
    match named {
        Some(m) => Some(Resolved {
            id: m.id,
            new: None,
        }),
        None => ctx.entities.instrument(start, end),
    }
}

/// "the ongoing revision of the EU Anti-Trafficking Directive", "Directive (EU)
/// 2024/1712 ... was adopted on 13 June 2024", "... entered into force on 14 July 2024"
/// → the instrument's status at that date (or attested at the document's date).
pub fn status(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let mut out = Vec::new();
    for form in FORMS.iter() {
        for caps in form.re.captures_iter(sentence) {
            let slot = caps.name("instr").expect("instr");
            let Some(instr) = instrument(ctx, base, base + slot.start(), base + slot.end()) else {
                continue;
            };
            let valid = match caps.name("date") {
                Some(d) => match phrase::phrase_to_edtf(d.as_str()) {
                    Some(v) => v,
                    None => continue,
                },
                None if form.present => ctx.published.to_owned(),
                None => continue,
            };
            // "The revised Directive was adopted": the revision's adoption, a status of the
            // instrument that was revised, not a new instrument's adoption.
            let revised = slot
                .as_str()
                .trim_start()
                .to_lowercase()
                .trim_start_matches("the ")
                .starts_with("revised ");
            let status = match form.status {
                "adopted" if revised => "revised",
                other => other,
            };
            let mut payload = json!({"instrument": instr.id, "status": status});
            if form.present {
                payload["attested"] = Value::Bool(true);
            }
            if let Some(journal) = caps.name("journal") {
                payload["published_in"] = Value::from(journal.as_str());
            }
            if let Some(a) = AMENDING.captures(sentence) {
                let s = a.name("amended").expect("amended");
                let amended: Vec<String> = ctx
                    .entities
                    .mentions(base + s.start(), base + s.end())
                    .into_iter()
                    .filter(|m| m.id.starts_with("instrument:") && m.id != instr.id)
                    .map(|m| m.id)
                    .collect();
                if !amended.is_empty() {
                    payload["amends"] = Value::from(amended);
                }
            }
            if let Some(d) = DEADLINE.captures(sentence)
                && let Some(deadline) = phrase::phrase_to_edtf(&d["date"])
            {
                payload["transposition_deadline"] = Value::from(deadline);
            }
            // The sentence up to the end of the statement, from its start.
            let end = caps.get(0).expect("match").end();
            let quote_end = [caps.name("date"), caps.name("journal")]
                .into_iter()
                .flatten()
                .map(|m| m.end())
                .max()
                .unwrap_or(end)
                .max(slot.end());
            out.push(
                Draft::new(
                    "instrument-status",
                    "instrument.status",
                    &valid,
                    payload,
                    (base, base + quote_end),
                    format!(
                        "{}-{}-{}",
                        bare(&instr.id),
                        status.replace('_', "-"),
                        valid.replace('/', "-")
                    ),
                )
                .registering([instr.new]),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::rules::test_support::{corpus, quote, run};

    #[test]
    fn an_ongoing_revision_is_attested() {
        // 000
        let text = "Representatives of the European Commission presented the relevant legislative steps, including the ongoing revision of the EU Anti-Trafficking Directive, the Digital Services Act, and a Regulation laying down rules.";
        let d = run(status, text, "2023-07-18", &corpus());
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].valid.as_str(), &d[0].payload),
            (
                "2023-07-18",
                &json!({"instrument": "instrument:eu-anti-trafficking-directive", "status": "under_revision", "attested": true})
            )
        );
        assert_eq!(
            quote(text, &d[0]),
            "Representatives of the European Commission presented the relevant legislative steps, including the ongoing revision of the EU Anti-Trafficking Directive"
        );
        // 001: "inputs to the review of the Directive" says nothing of where it stands.
        let text = "Ms. Schmitt appreciated ICAT’s inputs to the review of the EU Anti-Trafficking Directive.";
        assert!(run(status, text, "2024-10-17", &corpus()).is_empty());
    }

    #[test]
    fn adopted_in_force_and_what_it_amends() {
        // The shape of issue 19's second new text (no curated document has it).
        let text = "Directive 2011/36/EU is the EU Anti-Trafficking Directive. Directive (EU) 2024/1712, amending Directive 2011/36/EU, was adopted on 13 June 2024. It was published in the Official Journal of the European Union on 24 June 2024. Directive (EU) 2024/1712 entered into force on 14 July 2024; Member States must transpose it by 15 July 2026.";
        let d = run(status, text, "2024-07", &corpus());
        let got: Vec<_> = d
            .iter()
            .map(|d| (d.payload["status"].as_str().unwrap(), d.valid.as_str()))
            .collect();
        assert_eq!(got, [("adopted", "2024-06-13"), ("in_force", "2024-07-14")]);
        assert_eq!(
            d[0].payload["instrument"],
            "instrument:directive-eu-2024-1712"
        );
        assert_eq!(
            d[0].payload["amends"],
            json!(["instrument:directive-2011-36-eu"])
        );
        assert_eq!(d[1].payload["transposition_deadline"], "2026-07-15");
    }

    #[test]
    fn the_revised_instrument_adopted_is_a_revision() {
        let known = [crate::extract::rules::test_support::known(
            "instrument:eu-anti-trafficking-directive",
            "EU Anti-Trafficking Directive",
            None,
        )];
        let text = "The revised EU Anti-Trafficking Directive was adopted in June 2024.";
        let d = run(status, text, "2025-03", &known);
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].valid.as_str(), &d[0].payload),
            (
                "2024-06",
                &json!({"instrument": "instrument:eu-anti-trafficking-directive", "status": "revised"})
            )
        );
        // Adopted as it is, it is an adoption.
        let text = "The EU Anti-Trafficking Directive was adopted in April 2011.";
        assert_eq!(
            run(status, text, "2025-03", &known)[0].payload["status"],
            "adopted"
        );
    }
}
