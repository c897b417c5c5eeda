//! Meetings held: their date, title, organisers, participants and place, as the
//! sentence (and the one after it, when it goes on about the same meeting) gives them.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};

use super::{Ctx, shape, span, whole};
use crate::date::phrase;
use crate::extract::entities::Resolved;
use crate::extract::names;
use crate::extract::proposal::Draft;
use crate::extract::sentences::BlockKind;

fn meeting(
    pattern: &'static str,
    title: &str,
    valid: &str,
    organisers: &[Resolved],
    participants: &[Resolved],
    place: Option<&str>,
    quote: (usize, usize),
) -> Draft {
    let ids = |r: &[Resolved]| {
        r.iter()
            .map(|e| Value::from(e.id.clone()))
            .collect::<Vec<_>>()
    };
    // The title's first significant words, as ids are read by people.
    let words: Vec<&str> = title
        .split_whitespace()
        .filter(|w| !names::CONNECTORS.contains(w))
        .take(8)
        .collect();
    let slug = names::slug(&words.join(" "));
    let year = valid.get(..4).unwrap_or(valid);
    let slug = if slug.contains(year) {
        slug
    } else {
        format!("{slug}-{year}")
    };
    let mut payload = json!({
        "meeting": format!("meeting:{slug}"),
        "title": title,
        "organisers": ids(organisers),
    });
    if !participants.is_empty() {
        payload["participants"] = Value::Array(ids(participants));
    }
    if let Some(place) = place {
        payload["place"] = Value::from(place);
    }
    Draft::new(pattern, "meeting.held", valid, payload, quote, slug)
        .registering(organisers.iter().chain(participants).map(|r| r.new.clone()))
}

/// Participants not also organisers, each once.
fn distinct(mut participants: Vec<Resolved>, organisers: &[Resolved]) -> Vec<Resolved> {
    let mut seen: Vec<String> = organisers.iter().map(|o| o.id.clone()).collect();
    participants.retain(|p| {
        let fresh = !seen.contains(&p.id);
        seen.push(p.id.clone());
        fresh
    });
    participants
}

/// The organisations a title names ("the ICAT Principals meeting" → ICAT).
fn named_in(ctx: &Ctx, (start, end): (usize, usize)) -> Vec<Resolved> {
    ctx.entities
        .mentions(start, end)
        .into_iter()
        .filter(|m| m.id.starts_with("org:"))
        .map(|m| Resolved {
            id: m.id,
            new: None,
        })
        .collect()
}

static HELD_ITS: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"^On (?P<date>[^,]+?\d{4}), (?P<org>.+?) (?:held|organised|organized|hosted|convened) (?:its |their |an |a |the )?(?P<title>[a-z][^,(]*?)(?: with (?P<with>[^,]+?(?: \([^)]+\))?))?(?:, (?P<person>[^,]+?))?\s*\.?$").expect("compiles")
});
static ATTENDED: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"\b(?:was|were) (?:attended|joined) by (?P<who>.+?)\s*\.?$").expect("compiles")
});

/// "On 18 July 2023, ICAT held its annual policy exchange with the EU ATC, Diane
/// Schmitt." (and "This year, the policy exchange was attended by X, Y and Z." next) →
/// the meeting, organised by ICAT, with the EU ATC and the attendees as participants.
pub fn held_its(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = HELD_ITS.captures(sentence) else {
        return Vec::new();
    };
    let Some(valid) = phrase::phrase_to_edtf(&caps["date"]) else {
        return Vec::new();
    };
    let Some(org) = span(base, &caps, "org").and_then(|s| ctx.org(s)) else {
        return Vec::new();
    };
    let mut participants = Vec::new();
    let mut title = caps["title"].trim().to_owned();
    if let Some(with) = span(base, &caps, "with") {
        let Some(w) = ctx.org(with) else {
            return Vec::new();
        };
        title = format!("{title} with {}", &ctx.text()[with.0..with.1]);
        participants.push(w);
    }
    let short = ctx
        .entities
        .get(&org.id)
        .and_then(|e| e.acronym.clone())
        .unwrap_or_else(|| org.new.as_ref().map_or(String::new(), |n| n.name.clone()));
    let title = format!("{short} {title}").trim().to_owned();
    let mut quote = (base, base + sentence.len());
    if let Some((attendees, end)) = attendees(ctx, i + 1) {
        participants.extend(attendees);
        quote.1 = end;
    }
    let participants = distinct(participants, std::slice::from_ref(&org));
    vec![meeting(
        "held-its",
        &title,
        &valid,
        &[org],
        &participants,
        None,
        quote,
    )]
}

/// The organisations of "X was attended by ..." in sentence `i`, and where it ends.
fn attendees(ctx: &Ctx, i: usize) -> Option<(Vec<Resolved>, usize)> {
    if i >= ctx.doc.sentences.len() {
        return None;
    }
    let (base, sentence) = ctx.sentence(i);
    let caps = ATTENDED.captures(sentence)?;
    let (start, end) = span(base, &caps, "who")?;
    let mut found: Vec<Resolved> = Vec::new();
    // "departments from the European Commission – DG HOME, Team ..., and DG CNECT":
    // the body named before the dash, then each item of the list after it.
    let who = &ctx.text()[start..end];
    let (head, list) = match who.find(" – ").or_else(|| who.find(" — ")) {
        Some(d) => ((start, start + d), Some((start + d + " – ".len(), end))),
        None => ((start, end), None),
    };
    found.extend(named_in(ctx, head));
    match list {
        Some(list) => found.extend(ctx.orgs(list)?),
        None if found.is_empty() => found.extend(ctx.orgs(head)?),
        None => {}
    }
    Some((found, base + sentence.len()))
}

static WAS_HELD: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"^(?:The )?(?P<title>.+?) (?:was|were) held (?P<date>(?:on|in) [^,.]+?\d{4})(?: in (?P<place>\p{Lu}[\p{L} ]+(?:, \p{Lu}\p{L}+)?))?\s*\.?$").expect("compiles")
});
static LED_BY: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"^It was (?P<how>moderated|chaired|opened|hosted|organi[sz]ed) by (?P<person>[^,]+), (?P<what>[^,]+?) (?:of|at|for|from) (?P<org>[^,.]+)").expect("compiles")
});

/// "The ICAT Briefing to States was held on 17 October 2024. It was moderated by Ms.
/// Malaika Oringo, Founder and CEO of Footprint to Freedom" → the meeting, organised by
/// the organisation its title names, the moderator's organisation taking part.
pub fn was_held(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = WAS_HELD.captures(sentence) else {
        return Vec::new();
    };
    let Some(valid) = phrase::phrase_to_edtf(&caps["date"]) else {
        return Vec::new();
    };
    let title_span = span(base, &caps, "title").expect("title");
    let mut organisers = named_in(ctx, title_span);
    let mut participants = Vec::new();
    let mut quote = (base, base + sentence.len());
    if i + 1 < ctx.doc.sentences.len() {
        let (next, text) = ctx.sentence(i + 1);
        if let Some(c) = LED_BY.captures(text)
            && let Some(org) = span(next, &c, "org").and_then(|s| ctx.org(s))
        {
            if c["how"].starts_with("organi") || c["how"] == *"hosted" {
                organisers.push(org);
            } else {
                participants.push(org);
            }
            quote.1 = next + c.name("org").expect("org").end();
        }
    }
    let title = &ctx.text()[title_span.0..title_span.1];
    let participants = distinct(participants, &organisers);
    vec![meeting(
        "was-held",
        title,
        &valid,
        &organisers,
        &participants,
        caps.name("place").map(|p| p.as_str()),
        quote,
    )]
}

static DURING: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"^On (?P<date>[^,]+?\d{4}), (?:during|at) the (?P<title>[^,]*?\b(?:meeting|conference|summit|session|forum|briefing|dialogue))\b[^,]*(?:, including (?P<incl>[^,]+),)?").expect("compiles")
});

/// "On 15 December 2020, during the ICAT Principals meeting more than 20 international
/// organisations, including the CBSS, ..." → the meeting of the organisation its title
/// names, those "including" named taking part.
pub fn during_the_meeting(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = DURING.captures(sentence) else {
        return Vec::new();
    };
    let Some(valid) = phrase::phrase_to_edtf(&caps["date"]) else {
        return Vec::new();
    };
    let title_span = span(base, &caps, "title").expect("title");
    let organisers = named_in(ctx, title_span);
    let participants = match span(base, &caps, "incl") {
        Some(s) => match ctx.orgs(s) {
            Some(p) => p,
            None => return Vec::new(),
        },
        None => Vec::new(),
    };
    let title = &ctx.text()[title_span.0..title_span.1];
    let participants = distinct(participants, &organisers);
    vec![meeting(
        "during-the-meeting",
        title,
        &valid,
        &organisers,
        &participants,
        None,
        whole(base, &caps),
    )]
}

static MET_SINCE: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"^(?P<a>.+?) and (?P<b>.+?) have (?:met|been meeting)(?: regularly)? since (?P<year>\d{4})\b").expect("compiles")
});

/// "ICAT and the EU Anti-Trafficking Coordinator have met since 2019" → their first
/// meeting, in 2019; the text says who met, not who organised it.
pub fn met_since(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = MET_SINCE.captures(sentence) else {
        return Vec::new();
    };
    let a = span(base, &caps, "a").and_then(|s| ctx.org(s));
    let b = span(base, &caps, "b").and_then(|s| ctx.org(s));
    let (Some(a), Some(b)) = (a, b) else {
        return Vec::new();
    };
    let title = format!(
        "Meeting of {} and {}",
        &caps["a"],
        caps["b"].trim_start_matches("the ")
    );
    vec![meeting(
        "met-since",
        &title,
        &caps["year"],
        &[],
        &[a, b],
        None,
        whole(base, &caps),
    )]
}

/// Words that make a heading name a meeting.
const EVENT_WORDS: &[&str] = &[
    "Event",
    "Conference",
    "Meeting",
    "Briefing",
    "Summit",
    "Forum",
    "Webinar",
    "Workshop",
    "Dialogue",
    "Exchange",
    "Session",
    "Consultation",
    "Symposium",
];

/// A heading that names an event and its day or month ("CSW67 High Level Side Event:
/// Human Trafficking—... 9 March, 2023") → the meeting on that date; a heading does not
/// say who organised it.
pub fn event_heading(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let s = &ctx.doc.sentences[i];
    let block = &ctx.doc.blocks[s.block];
    if block.kind != BlockKind::Line || block.sentences.len() != 1 {
        return Vec::new();
    }
    let (base, heading) = ctx.sentence(i);
    let found = phrase::find(heading);
    let [date] = found.as_slice() else {
        return Vec::new();
    };
    if date.is_year() || date.end + 1 < heading.len() {
        return Vec::new();
    }
    let title = heading[..date.start].trim_end_matches([' ', ',', '-', '–']);
    let names_event = names::words(title)
        .iter()
        .any(|w| EVENT_WORDS.contains(&&title[w.start..w.end]));
    if !names_event || title.is_empty() {
        return Vec::new();
    }
    let title = title.strip_suffix(" on").unwrap_or(title);
    vec![meeting(
        "event-heading",
        title,
        &date.edtf,
        &[],
        &[],
        None,
        (base, base + heading.len()),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::rules::test_support::{corpus, quote, run};

    fn who(d: &Draft, field: &str) -> Vec<String> {
        d.payload[field]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn held_its_exchange_with_its_attendees() {
        // 000
        let text = "On 18 July 2023, the Inter-Agency Coordination Group against Trafficking in Persons (ICAT) held its annual policy exchange with the European Union Anti-Trafficking Coordinator (EU ATC), Diane Schmitt.\nThis year, the policy exchange was attended by different departments from the European Commission – Directorate-General on Migration and Home Affairs (DG HOME), and the Directorate-General for Communications Networks, Content and Technology (DG CNECT). The exchange focused on the private sector.";
        let d = run(held_its, text, "2023-07-18", &corpus());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].valid, "2023-07-18");
        assert_eq!(who(&d[0], "organisers"), ["org:icat"]);
        assert_eq!(
            who(&d[0], "participants"),
            [
                "org:eu-atc",
                "org:european-commission",
                "org:dg-home",
                "org:dg-cnect"
            ]
        );
        assert!(quote(text, &d[0]).ends_with("(DG CNECT)."));
    }

    #[test]
    fn was_held_and_moderated() {
        // 001
        let text = "The ICAT Briefing to States was held on 17 October 2024. It was moderated by Ms. Malaika Oringo, Survivor and Founder and CEO of Footprint to Freedom, a survivor-led non-profit organization.";
        let d = run(was_held, text, "2024-10-17", &corpus());
        assert_eq!(d[0].valid, "2024-10-17");
        assert_eq!(d[0].payload["title"], "ICAT Briefing to States");
        assert_eq!(who(&d[0], "organisers"), ["org:icat"]);
        assert_eq!(who(&d[0], "participants"), ["org:footprint-to-freedom"]);
        assert!(quote(text, &d[0]).ends_with("CEO of Footprint to Freedom"));
    }

    #[test]
    fn during_the_principals_meeting() {
        // 004
        let text = "On 15 December 2020, during the ICAT Principals meeting more than 20 international organisations, including the CBSS, reinforced the vital role of partnership.";
        let d = run(during_the_meeting, text, "2020-12", &corpus());
        assert_eq!(d[0].valid, "2020-12-15");
        assert_eq!(who(&d[0], "organisers"), ["org:icat"]);
        assert_eq!(who(&d[0], "participants"), ["org:cbss"]);
    }

    #[test]
    fn met_since_a_year() {
        // 000
        let text = "ICAT and the EU Anti-Trafficking Coordinator have met since 2019 to exchange regularly on policy.";
        let d = run(met_since, text, "2023-07-18", &corpus());
        assert_eq!(d[0].valid, "2019");
        assert_eq!(who(&d[0], "organisers"), Vec::<String>::new());
        assert_eq!(who(&d[0], "participants"), ["org:icat", "org:eu-atc"]);
        assert_eq!(
            quote(text, &d[0]),
            "ICAT and the EU Anti-Trafficking Coordinator have met since 2019"
        );
    }

    #[test]
    fn a_dated_event_heading() {
        // 003
        let text = "\n\nCSW67 High Level Side Event: Human Trafficking—Using Technology and the Roadmap to End It 9 March, 2023\n\nDespite laws, we're still not done.";
        let d = run(event_heading, text, "2023-03-09", &corpus());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].valid, "2023-03-09");
        assert_eq!(
            d[0].payload["title"],
            "CSW67 High Level Side Event: Human Trafficking—Using Technology and the Roadmap to End It"
        );
        // 001's title names a briefing but no date: not a meeting of its own.
        assert!(run(event_heading, "ICAT highlights child trafficking in briefing at UNTOC Conference of the Parties\nVienna", "2024-10-17", &corpus()).is_empty());
    }
}
