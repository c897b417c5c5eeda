//! Publications: a list of an organisation's publications with their years, a paper
//! "issued by" an organisation, "its report on ..." after a sentence naming it, and a
//! new version of the call the text records.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::json;

use super::{Ctx, NAME, by_document, shape, span};
use crate::extract::entities::Resolved;
use crate::extract::names;
use crate::extract::proposal::Draft;

fn publication(
    pattern: &'static str,
    title: &str,
    publisher: &Resolved,
    valid: &str,
    quote: (usize, usize),
) -> Draft {
    let slug = names::slug(
        &title
            .split_whitespace()
            .filter(|w| !names::CONNECTORS.contains(w))
            .take(8)
            .collect::<Vec<_>>()
            .join(" "),
    );
    Draft::new(
        pattern,
        "publication.released",
        valid,
        json!({"publication": format!("publication:{slug}"), "title": title, "publisher": publisher.id}),
        quote,
        slug,
    )
    .registering([publisher.new.clone()])
}

/// Words that make a title name a publication.
const PUBLICATION_WORDS: &[&str] = &[
    "Report",
    "Brief",
    "Study",
    "Paper",
    "Guide",
    "Guidelines",
    "Handbook",
    "Toolkit",
    "Review",
    "Assessment",
    "Analysis",
    "Index",
    "Survey",
    "Manual",
    "Compendium",
];

static RELEASED: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(
        r"(?P<org>{NAME}(?: \([^)]+\))?) (?P<when>today |has |have |this week )?(?:released|published|launched|issued) (?:its |their |the |a |an )(?:new |latest )?(?P<title>{NAME}(?: \d{{4}})?)"
    ))
    .expect("compiles")
});

/// "UNODC today released the Global Report on Trafficking in Persons 2024" → UNODC's
/// publication: on the document's date ("today", "has released"), else on the date the
/// sentence gives, else on or before the document's date.
pub fn released(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = RELEASED.captures(sentence) else {
        return Vec::new();
    };
    let title = &caps["title"];
    let names_one = names::words(title)
        .iter()
        .any(|w| PUBLICATION_WORDS.contains(&&title[w.start..w.end]));
    if !names_one {
        return Vec::new();
    }
    let Some(publisher) = span(base, &caps, "org").and_then(|s| ctx.org(s)) else {
        return Vec::new();
    };
    let valid = if caps.name("when").is_some() {
        ctx.published.to_owned()
    } else {
        match crate::date::phrase::find(sentence)
            .into_iter()
            .find(|d| d.lead.is_some())
        {
            Some(d) => d.edtf,
            None => by_document(ctx.published),
        }
    };
    let start = base + caps.get(0).expect("match").start();
    let end = base + caps.name("title").expect("title").end();
    vec![publication(
        "released",
        title,
        &publisher,
        &valid,
        (start, end),
    )]
}

static LIST_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(
        r"(?:Key |Selected |Recent )?(?P<org>{NAME}) publications\b"
    ))
    .expect("compiles")
});
static WITH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"^(?P<title>\p{Lu}.+?)\s*\((?P<year>\d{4})\)\s*\.?$").expect("compiles")
});

/// Under "Key ICAT publications on:", "Issue Brief on ...: The role of Public
/// Procurement (2021)" → ICAT's publication of 2021.
pub fn listed_with_year(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = WITH_YEAR.captures(sentence) else {
        return Vec::new();
    };
    let block = ctx.doc.sentences[i].block;
    let Some(heading) = (0..block)
        .rev()
        .find(|&b| ctx.doc.block_text(b).ends_with(':'))
    else {
        return Vec::new();
    };
    let h = &ctx.doc.blocks[heading];
    let Some(publisher) = LIST_HEADING
        .captures(ctx.doc.block_text(heading))
        .and_then(|c| span(h.body, &c, "org"))
        .and_then(|s| ctx.org(s))
    else {
        return Vec::new();
    };
    // "..., and addressed the role of technology ..." describes the brief; the title
    // ends before it.
    let mut title = caps["title"].trim().to_owned();
    if let Some(at) = title
        .match_indices(", and ")
        .map(|(p, _)| p)
        .find(|&p| title[p + 6..].starts_with(char::is_lowercase))
    {
        title.truncate(at);
    }
    vec![publication(
        "listed-with-year",
        &title,
        &publisher,
        &caps["year"],
        (base, base + sentence.len()),
    )]
}

static ISSUED_BY: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(
        r"^(?:An?|The) (?P<what>(?:[\w-]+ ){{0,3}}(?:paper|report|study|brief|guide|handbook|toolkit|publication|assessment)) (?:issued|published|released|produced) by (?:the )?(?P<org>{NAME})(?: in (?P<year>\d{{4}}))?"
    ))
    .expect("compiles")
});

/// "An analytical paper issued by the ICAT provides ..." → ICAT's paper, released on or
/// before the document's date (the text does not say when); its title is not printed,
/// and the title given says so.
pub fn issued_by(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = ISSUED_BY.captures(sentence) else {
        return Vec::new();
    };
    let Some(publisher) = span(base, &caps, "org").and_then(|s| ctx.org(s)) else {
        return Vec::new();
    };
    let valid = caps
        .name("year")
        .map_or_else(|| by_document(ctx.published), |y| y.as_str().to_owned());
    let title = format!(
        "{} {} (title not given in the source)",
        &caps["org"], &caps["what"]
    );
    vec![publication(
        "issued-by",
        &title,
        &publisher,
        &valid,
        (base, base + sentence.len()),
    )]
}

static ITS_REPORT: LazyLock<Regex> = LazyLock::new(|| {
    shape(r#"\b[Ii]n its (?:report|study|paper|publication|guide) (?:on |entitled |titled |called )?["“](?P<title>[^"”]+)["”]"#).expect("compiles")
});

/// "The Sovereign Order of Malta works ... In its report on "The Global Strategic ..."
/// it outlines ..." → the report of the organisation the sentence before opens with,
/// released on or before the document's date.
pub fn its_report(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = ITS_REPORT.captures(sentence) else {
        return Vec::new();
    };
    if i == 0 || ctx.doc.sentences[i - 1].block != ctx.doc.sentences[i].block {
        return Vec::new();
    }
    let (prev, previous) = ctx.sentence(i - 1);
    let Some(run) = names::runs(previous).into_iter().next() else {
        return Vec::new();
    };
    if !previous[..run.start].trim().is_empty() && previous[..run.start].trim() != "The" {
        return Vec::new();
    }
    let Some(publisher) = ctx.org((prev + run.start, prev + run.end)) else {
        return Vec::new();
    };
    let end = base + caps.get(0).expect("match").end();
    vec![publication(
        "its-report",
        &caps["title"],
        &publisher,
        &by_document(ctx.published),
        (prev, end),
    )]
}

static VERSION: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"^An? (?P<adj>[\w-]+) version of the (?P<what>[^,]+?) has (?:also )?been (?:published|released|issued)").expect("compiles")
});

/// "A child-friendly version of the Call to Action has also been published" → a
/// publication of the call the text records, by its issuer, from when the call stands.
pub fn new_version(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = VERSION.captures(sentence) else {
        return Vec::new();
    };
    let Some(call) = ctx.earlier_of("call.issued").last() else {
        return Vec::new();
    };
    let Some(issuer) = call.payload["issuers"][0].as_str() else {
        return Vec::new();
    };
    let title = format!(
        "{} ({} version)",
        call.payload["title"].as_str().unwrap_or(""),
        &caps["adj"]
    );
    let publisher = Resolved {
        id: issuer.to_owned(),
        new: None,
    };
    let m = caps.get(0).expect("match");
    vec![publication(
        "new-version",
        &title,
        &publisher,
        &call.valid,
        (base + m.start(), base + m.end()),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::rules::test_support::{corpus, quote, run};

    fn got(d: &[Draft]) -> Vec<(String, String, String)> {
        d.iter()
            .map(|d| {
                (
                    d.valid.clone(),
                    d.payload["publisher"].as_str().unwrap().to_owned(),
                    d.payload["title"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn a_list_of_publications_with_years() {
        // 000
        let text = "Key ICAT publications on:\nIssue Brief on Preventing Trafficking in Persons: The role of Public Procurement (2021)\nIssue Brief on Human Trafficking and Technology: Trends, Challenges, and Opportunities, and addressed the role of technology in trafficking (2019)\nTwo joint statements in 2019 and 2022.";
        let d = run(listed_with_year, text, "2023-07-18", &corpus());
        assert_eq!(
            got(&d),
            [
                ("2021".into(), "org:icat".into(), "Issue Brief on Preventing Trafficking in Persons: The role of Public Procurement".into()),
                ("2019".into(), "org:icat".into(), "Issue Brief on Human Trafficking and Technology: Trends, Challenges, and Opportunities".into()),
            ]
        );
    }

    #[test]
    fn a_report_released_today() {
        // The shape of a UNODC release (no curated document has it).
        let text = "Vienna, 12 January 2025\nThe United Nations Office on Drugs and Crime (UNODC) today released the Global Report on Trafficking in Persons 2024. ICAT released a statement.";
        let d = run(released, text, "2025-01-12", &corpus());
        assert_eq!(
            got(&d),
            [(
                "2025-01-12".into(),
                "org:unodc".into(),
                "Global Report on Trafficking in Persons 2024".into()
            )]
        );
    }

    #[test]
    fn a_paper_issued_by_an_organisation() {
        // 004
        let text =
            "An analytical paper issued by the ICAT provides strategic vision for future work.";
        let d = run(issued_by, text, "2020-12", &corpus());
        assert_eq!(got(&d)[0].0, "../2020-12");
        assert_eq!(got(&d)[0].1, "org:icat");
        assert_eq!(quote(text, &d[0]), text);
    }

    #[test]
    fn its_report_after_the_sentence_naming_it() {
        // 003
        let text = "The Sovereign Order of Malta works within the UN and its member states. In its report on \"The Global Strategic Operatives: Responding to Trafficking in the Healthcare Setting\" it outlines the role of healthcare professionals.";
        let d = run(its_report, text, "2023-03-09", &corpus());
        assert_eq!(
            got(&d),
            [("../2023-03-09".into(), "org:sovereign-order-of-malta".into(), "The Global Strategic Operatives: Responding to Trafficking in the Healthcare Setting".into())]
        );
        assert_eq!(d[0].new[0].name, "Sovereign Order of Malta");
    }

    #[test]
    fn a_version_of_the_call() {
        // 001
        let text = "This realization led ICAT to preparing a Call for Accelerated Action by 2025 to prevent and end child trafficking in 2023, which proposes 10 action points for States. A child-friendly version of the Call to Action has also been published to make children understand.";
        let both = |ctx: &Ctx, i: usize| {
            let mut d = crate::extract::rules::calls::call_prepared(ctx, i);
            d.extend(new_version(ctx, i));
            d
        };
        let d = run(both, text, "2024-10-17", &corpus());
        assert_eq!(d.len(), 2);
        assert_eq!(
            got(&d[1..]),
            [("2023/2024-10-17".into(), "org:icat".into(), "Call for Accelerated Action by 2025 to prevent and end child trafficking (child-friendly version)".into())]
        );
        assert_eq!(
            quote(text, &d[1]),
            "A child-friendly version of the Call to Action has also been published"
        );
    }
}
