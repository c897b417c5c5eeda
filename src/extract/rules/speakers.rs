//! Speakers introduced by name, then title and organisation: the speaker lines that
//! open a paragraph ("Name, Org- Title—", "Name, Title of Org, Title for Org--") and
//! "Ms. Name, Title at the Org" in running text.

use std::sync::LazyLock;

use regex::Regex;

use super::people::{PERSON, is_title, represents, spoke_at, starts_a_name};
use super::{Ctx, shape, span};
use crate::extract::entities::Resolved;
use crate::extract::proposal::Draft;

static SPEAKER: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"(?s)^(?P<person>(?:(?:Ambassador|H\.\s?E\.|Dr\.|Ms\.|Mr\.|Mrs\.)\s+)*[^,]+?), (?P<head>.+?)(?:\s*(?:—|--)\s*|-\s+)(?P<tail>.*)$").expect("compiles")
});

static TITLE_FOR: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(
        r"(?:^|\bas )(?P<title>\p{{Lu}}[\p{{L}}&\- ]*?) (?:of|for|at|with) (?:the )?(?P<org>{})$",
        super::NAME
    ))
    .expect("compiles")
});

/// A speaker line opening a paragraph: "Ugochi Daniels, International Organization for
/// Migration- Deputy Director General— ...", "Heather Fischer, Thomson Reuters--Senior
/// Advisor for Human Rights Crimes—...", "Rosalee Keech, Moderator and President of
/// CSTIP, United Nations Observer for ECPAT-USA-- ...". The person is registered even
/// when the organisation is not a name the extractor is sure of.
pub fn speaker_line(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let s = &ctx.doc.sentences[i];
    let block = &ctx.doc.blocks[s.block];
    if block.sentences.start != i {
        return Vec::new();
    }
    let base = block.body;
    let line = ctx.doc.block_text(s.block);
    let Some(caps) = SPEAKER.captures(line) else {
        return Vec::new();
    };
    let Some(person) = span(base, &caps, "person").and_then(|p| ctx.person(p)) else {
        return Vec::new();
    };
    let head = caps.name("head").expect("head");
    let valid = ctx.published.to_owned();
    let mut out = Vec::new();
    let head_span = (base + head.start(), base + head.end());
    if let Some(org) = ctx.org(head_span) {
        // "Org- Title—": the title, when one follows and ends with a separator.
        let tail = caps.name("tail").expect("tail");
        let raw = ["—", "--"]
            .iter()
            .filter_map(|sep| tail.as_str().find(sep))
            .min()
            .map(|end| tail.as_str()[..end].trim_end())
            .filter(|t| is_title(t) && t.split_whitespace().count() <= 12);
        let title = raw.map(|t| strip_org_prefix(ctx, &org, t));
        let end = match raw {
            Some(t) => base + tail.start() + t.len(),
            None => base + head.end(),
        };
        out.push(represents(
            "speaker-line",
            person.clone(),
            org,
            title.as_deref(),
            valid.clone(),
            (base, end),
        ));
    } else {
        // "Title of Org, Title for Org": each part names a title and an organisation.
        let mut at = head.start();
        for part in head.as_str().split(", ") {
            let (ps, pe) = (base + at, base + at + part.len());
            at += part.len() + 2;
            let Some(c) = TITLE_FOR.captures(part) else {
                continue;
            };
            let Some(org) = span(ps, &c, "org").and_then(|o| ctx.org(o)) else {
                continue;
            };
            // "... and currently serving as Global Strategy Director for ...".
            let title = c["title"].rsplit(" as ").next().unwrap_or("").to_owned();
            if !is_title(&title) {
                continue;
            }
            out.push(represents(
                "speaker-line",
                person.clone(),
                org,
                Some(&title),
                valid.clone(),
                (base, pe),
            ));
        }
    }
    if out.is_empty()
        && let Some(new) = &person.new
    {
        let mut only = Draft::registration(new, ctx.published);
        only.pattern = "speaker-line";
        only.new.push(new.clone());
        out.push(only);
    }
    out
}

/// A title without the organisation's own acronym before it ("OSCE Special
/// Representative ..." → "Special Representative ...").
fn strip_org_prefix(ctx: &Ctx, org: &Resolved, title: &str) -> String {
    let acronym = ctx
        .entities
        .get(&org.id)
        .and_then(|e| e.acronym.clone())
        .or_else(|| org.new.as_ref().and_then(|n| n.acronym.clone()));
    match acronym {
        Some(a) => title
            .strip_prefix(&format!("{a} "))
            .unwrap_or(title)
            .to_owned(),
        None => title.to_owned(),
    }
}

static NAME_COMMA: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(
        r"(?:(?:Ms|Mr|Mrs|Dr)\.?\s+)?(?P<person>{PERSON}), (?P<rest>[^.;]+)"
    ))
    .expect("compiles")
});

/// "Ms. Heather Komenda, Senior Regional Migration Protection Specialist at the
/// International Organization for Migration (IOM), speaking ...", "Ms. Diane Schmitt,
/// the European Union Anti-Trafficking Coordinator, who ..." → the person for the
/// organisation, with the title before it (or the organisation's name, when the person
/// holds the office it names).
pub fn name_title_at_org(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let mut out = Vec::new();
    for caps in NAME_COMMA.captures_iter(sentence) {
        let p = caps.name("person").expect("person");
        if !starts_a_name(sentence, caps.get(0).expect("match").start()) {
            continue;
        }
        let Some(person) = ctx.person((base + p.start(), base + p.end())) else {
            continue;
        };
        let rest = caps.name("rest").expect("rest");
        let rest_text = rest.as_str();
        let start = base + caps.get(0).expect("match").start();
        // The office itself: "Name, the European Union Anti-Trafficking Coordinator,".
        let first = rest_text.find(", ").unwrap_or(rest_text.len());
        let office = (base + rest.start(), base + rest.start() + first);
        if let Some(org) = ctx.org(office).filter(|o| o.new.is_none()) {
            let title = ctx.entities.get(&org.id).map(|e| e.name.clone());
            let title = title.filter(|t| is_title(t));
            out.push(represents(
                "name-title-at-org",
                person,
                org,
                title.as_deref(),
                spoke_at(ctx, sentence),
                (start, office.1),
            ));
            continue;
        }
        if !rest_text.starts_with(|c: char| c.is_uppercase()) && !rest_text.starts_with("the ") {
            continue;
        }
        if let Some((title, org, end)) = title_and_org(ctx, base + rest.start(), rest_text) {
            out.push(represents(
                "name-title-at-org",
                person,
                org,
                Some(&title),
                spoke_at(ctx, sentence),
                (start, end),
            ));
        }
    }
    out
}

/// In "Title at the Org, ...": the title and the organisation, trying known
/// organisations first, then a new one after a title word ("Founder and CEO of
/// Footprint to Freedom").
fn title_and_org(ctx: &Ctx, base: usize, rest: &str) -> Option<(String, Resolved, usize)> {
    let cuts: Vec<usize> = rest
        .match_indices(", ")
        .map(|(p, _)| p)
        .chain([rest.len()])
        .collect();
    for allow_new in [false, true] {
        for &cut in &cuts {
            let segment = &rest[..cut];
            for prep in [
                " at the ",
                " of the ",
                " for the ",
                " from the ",
                " at ",
                " of ",
                " for ",
                " on ",
                " from ",
            ] {
                for (p, _) in segment.match_indices(prep) {
                    let org_span = (base + p + prep.len(), base + cut);
                    let Some(org) = ctx.org(org_span) else {
                        continue;
                    };
                    let title = segment[..p].trim_start_matches("the ").trim();
                    if org.new.is_some() && (!allow_new || !is_title(title)) {
                        continue;
                    }
                    if !is_title(title) {
                        continue;
                    }
                    return Some((title.to_owned(), org, org_span.1));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::rules::test_support::{corpus, p, pairs, quote, run};

    #[test]
    fn speaker_lines() {
        // 003
        let text = "Ugochi Daniels, International Organization for Migration- Deputy Director General— In 2023, IOM co-chairs.\n\nHeather Fischer, Thomson Reuters--Senior Advisor for Human Rights Crimes—discussed the work.\n\nRosalee Keech, Moderator and President of CSTIP, United Nations Observer for ECPAT-USA-- Worldwide, millions are spent.\n\nKevin Hyland, Former UK Anti-Slavery Commissioner and currently serving as Global Strategy Director for the Santa Marta Group— In his former roles.\n\nAmbassador H. E. Dr. Paul Beresford-Hill, Permanent Mission of the Sovereign Order of Malta to the UN in New York- H.E. Ambassador opened the event.";
        let d = run(speaker_line, text, "2023-03-09", &corpus());
        assert_eq!(
            pairs(&d),
            [
                p(
                    "person:ugochi-daniels",
                    "org:iom",
                    Some("Deputy Director General")
                ),
                p(
                    "person:heather-fischer",
                    "org:thomson-reuters",
                    Some("Senior Advisor for Human Rights Crimes")
                ),
                p(
                    "person:rosalee-keech",
                    "org:cstip",
                    Some("Moderator and President")
                ),
                p(
                    "person:rosalee-keech",
                    "org:ecpat-usa",
                    Some("United Nations Observer")
                ),
                p(
                    "person:kevin-hyland",
                    "org:santa-marta-group",
                    Some("Global Strategy Director")
                ),
            ]
        );
        assert_eq!(
            quote(text, &d[0]),
            "Ugochi Daniels, International Organization for Migration- Deputy Director General"
        );
        // The mission's name is too long to be given an id: the ambassador is only registered.
        let last = d.last().unwrap();
        assert_eq!(
            (last.kind, last.new[0].id.as_str()),
            ("entity.registered", "person:paul-beresford-hill")
        );
    }

    #[test]
    fn name_then_title_at_the_organisation() {
        // 001
        let text = "Ms. Heather Komenda, Senior Regional Migration Protection Specialist at the International Organization for Migration (IOM), speaking on behalf of the co-chairs, opened. “Respond,” said Ms. Silke Albert, Team Leader on Child Trafficking, Survivor Engagement and Partnerships at the United Nations Office on Drugs and Crime (UNODC). It was moderated by Ms. Malaika Oringo, Survivor and Founder and CEO of Footprint to Freedom, a survivor-led non-profit organization. “Act,” said Ms. Diane Schmitt, the European Union Anti-Trafficking Coordinator, who emphasized cooperation.";
        let d = run(name_title_at_org, text, "2024-10-17", &corpus());
        assert_eq!(
            pairs(&d),
            [
                p(
                    "person:heather-komenda",
                    "org:iom",
                    Some("Senior Regional Migration Protection Specialist")
                ),
                p(
                    "person:silke-albert",
                    "org:unodc",
                    Some("Team Leader on Child Trafficking, Survivor Engagement and Partnerships")
                ),
                p(
                    "person:malaika-oringo",
                    "org:footprint-to-freedom",
                    Some("Survivor and Founder and CEO")
                ),
                p(
                    "person:diane-schmitt",
                    "org:eu-atc",
                    Some("European Union Anti-Trafficking Coordinator")
                ),
            ]
        );
    }
}
