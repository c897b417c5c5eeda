//! Commitments with listed items: priority areas, workstreams, an N-point strategy, each
//! item verbatim from the list that follows the sentence announcing it. The announced
//! number must be the number of items, or nothing is proposed.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};

use super::{Ctx, NAME, bare, count, shape, span};
use crate::extract::entities::Resolved;
use crate::extract::names;
use crate::extract::proposal::Draft;
use crate::extract::sentences::quote_text;

const SETS: &str = r"(?:priority areas|priorities|pillars|workstreams|goals|objectives|commitments|principles|areas)";

static RECOMMENDS: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(
        r"(?P<owner>{NAME}) (?P<verb>recommends|sets out|set out|adopted|adopts|identifies|identified|endorsed|endorses|defines|defined|agreed on) (?P<n>\w+) (?P<what>(?:[a-z-]+ )?{SETS})(?:,? these being)?:$"
    ))
    .expect("compiles")
});
static GUIDED: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(
        r"(?P<owner>{NAME})[’']s work in (?P<year>\d{{4}}) is guided by (?P<n>\w+) (?P<what>(?:main |key )?{SETS})(?:,? these being)?:$"
    ))
    .expect("compiles")
});
static N_POINT: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(
        r"(?P<owner>(?:Mr\.|Ms\.|Mrs\.|Dr\.) \p{{Lu}}[\p{{L}}'’-]+|{NAME}) (?P<verb>presented|outlined|set out|proposed|introduced) an? (?P<n>\w+)-point (?P<what>[^.]*?\b(?:strategy|plan|agenda|approach|programme))(?P<rest>[^.]*)\."
    ))
    .expect("compiles")
});

/// A list item as an item of the set: its list punctuation (`;`, `; and`, `,`) left
/// out, and the final full stop of a one-sentence item.
fn item(text: &str) -> String {
    let mut t = quote_text(text);
    for suffix in ["; and", ";", ", and", ","] {
        if let Some(s) = t.strip_suffix(suffix) {
            t = s.trim_end().to_owned();
            break;
        }
    }
    if t.ends_with('.') && !t[..t.len() - 1].contains(". ") {
        t.pop();
    }
    t
}

/// "the ICAT recommends six priority areas: 1. ... 6. ...", "ICAT’s work in 2024 is
/// guided by three main workstreams, these being: - ...", "Mr. Richey presented a
/// four-point systematic strategy ... - 1) ... - 4) ..." → the set, owned by who
/// announces it. In the present tense and without a year, it is attested at the
/// document's date (design-v2).
pub fn listed_commitment(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let doc = ctx.doc;
    let block = doc.sentences[i].block;
    let last_of_block = doc.blocks[block].sentences.end == i + 1;
    let (caps, form) = if let Some(c) = GUIDED.captures(sentence).filter(|_| last_of_block) {
        (c, "guided")
    } else if let Some(c) = RECOMMENDS.captures(sentence).filter(|_| last_of_block) {
        (c, "recommends")
    } else if let Some(c) = N_POINT.captures(sentence) {
        (c, "n-point")
    } else {
        return Vec::new();
    };
    let items: Vec<usize> = doc.list_after(block);
    if items.is_empty() || count(&caps["n"]) != Some(items.len() as u32) {
        return Vec::new();
    }
    let owner_span = span(base, &caps, "owner").expect("owner");
    let Some(owner) = ctx.person(owner_span).or_else(|| ctx.org(owner_span)) else {
        return Vec::new();
    };
    let short = short_name(ctx, &owner);
    let what = caps["what"].to_owned();
    let (title, valid, attested) = match form {
        "guided" => (
            format!("{short} {what} for {}", &caps["year"]),
            caps["year"].to_owned(),
            false,
        ),
        "n-point" => {
            let mut t = format!("{}-point {what}{}", &caps["n"], &caps["rest"]);
            if let Some(first) = t.get(..1) {
                t.replace_range(..1, &first.to_uppercase());
            }
            (t, ctx.published.to_owned(), false)
        }
        _ => (format!("{short} {what}"), ctx.published.to_owned(), true),
    };
    let set = match form {
        "n-point" => format!(
            "{}-{}-point-{}",
            bare(&owner.id),
            names::slug(&caps["n"]),
            names::slug(what.rsplit(' ').next().unwrap_or(&what))
        ),
        _ => format!(
            "{}-{}",
            bare(&owner.id),
            names::slug(what.trim_start_matches("main "))
        ),
    };
    let mut payload = json!({
        "commitment": format!("commitment:{set}"),
        "owner": owner.id,
        "title": title,
        "items": items.iter().map(|&b| item(doc.block_text(b))).collect::<Vec<_>>(),
    });
    if attested {
        payload["attested"] = Value::Bool(true);
    }
    let start = if form == "n-point" {
        base + caps.get(0).expect("match").start()
    } else {
        base
    };
    let end = doc.blocks[*items.last().expect("items")].end;
    vec![
        Draft::new(
            "listed-commitment",
            "commitment.set",
            &valid,
            payload,
            (start, end),
            format!("{set}-{}", valid.replace('/', "-")),
        )
        .registering([owner.new]),
    ]
}

/// How a title names the owner: its acronym, else its name.
fn short_name(ctx: &Ctx, owner: &Resolved) -> String {
    ctx.entities
        .get(&owner.id)
        .map(|e| e.acronym.clone().unwrap_or_else(|| e.name.clone()))
        .or_else(|| {
            owner
                .new
                .as_ref()
                .map(|n| n.acronym.clone().unwrap_or_else(|| n.name.clone()))
        })
        .unwrap_or_else(|| owner.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::rules::test_support::{corpus, quote, run};

    #[test]
    fn priority_areas_recommended_in_the_present_are_attested() {
        // 004
        let text = "As foundational pillars to improve global anti-trafficking efforts, the ICAT recommends six priority areas:\n\n  1. Building the evidence base\n  2. Addressing the core drivers\n  3. Ensuring a rights-based approach\n  4. Implementing existing measures and holding traffickers accountable\n  5. Discouraging demand\n  6. Systematising cooperation and multi-stakeholder partnerships\n\nThe Council joined.";
        let d = run(listed_commitment, text, "2020-12", &corpus());
        assert_eq!(d.len(), 1);
        let p = &d[0].payload;
        assert_eq!(
            (
                d[0].valid.as_str(),
                p["owner"].as_str(),
                p["attested"].as_bool()
            ),
            ("2020-12", Some("org:icat"), Some(true))
        );
        assert_eq!(p["items"][0], "Building the evidence base");
        assert_eq!(p["items"].as_array().unwrap().len(), 6);
        assert!(quote(text, &d[0]).ends_with("multi-stakeholder partnerships"));
        // Five items for "six" areas: the extractor is unsure and proposes nothing.
        let short = text.replace(
            "  6. Systematising cooperation and multi-stakeholder partnerships\n",
            "",
        );
        assert!(run(listed_commitment, &short, "2020-12", &corpus()).is_empty());
    }

    #[test]
    fn workstreams_of_a_year() {
        // 001
        let text = "ICAT’s work in 2024 is guided by three main workstreams, these being:\n- fostering multi-stakeholder partnerships;\n- exploring the links between climate disasters and trafficking in persons; and\n- strengthening approaches to trafficking in crisis contexts.\n“Child protection is a cross-cutting theme,” Ms. Komenda said.";
        let d = run(listed_commitment, text, "2024-10-17", &corpus());
        let p = &d[0].payload;
        assert_eq!(d[0].valid, "2024");
        assert_eq!(p["title"], "ICAT main workstreams for 2024");
        assert_eq!(
            p["items"],
            json!([
                "fostering multi-stakeholder partnerships",
                "exploring the links between climate disasters and trafficking in persons",
                "strengthening approaches to trafficking in crisis contexts"
            ])
        );
        assert!(p.get("attested").is_none());
    }

    #[test]
    fn a_four_point_strategy_presented_by_a_person() {
        // 003
        let text = "Valiant Richey, OSCE -- Mr. Richey presented a four-point systematic strategy to effectively combat human trafficking. **“Trafficking is part of our reality.”**\n\n- 1) Stop buying goods. Corporations must act.\n- 2) Buying sex fuels trafficking.\n- 3) Effective elimination requires steps.\n- 4) The single most important ingredient is leadership.\n\nHeather Fischer spoke.";
        let d = run(listed_commitment, text, "2023-03-09", &corpus());
        let p = &d[0].payload;
        assert_eq!(p["owner"], "person:valiant-richey");
        assert_eq!(
            p["title"],
            "Four-point systematic strategy to effectively combat human trafficking"
        );
        assert_eq!(p["items"][0], "Stop buying goods. Corporations must act.");
        assert_eq!(p["items"][1], "Buying sex fuels trafficking");
        assert_eq!(d[0].valid, "2023-03-09");
        assert!(quote(text, &d[0]).starts_with("Mr. Richey presented"));
    }
}
