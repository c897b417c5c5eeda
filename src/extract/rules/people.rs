//! People speaking for organisations (`person.represents`), with the title they speak
//! with: "Org Title Name said", "Title of the Org, Name", "Name, Org (ACR) Title
//! remarked", "Name from the Org", captions "Name (Org)", "the Office (ACR), Name"; and
//! what the speaker patterns of `speakers.rs` share.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};

use super::{Ctx, bare, shape, span};
use crate::extract::entities::Resolved;
use crate::extract::names;
use crate::extract::proposal::Draft;

/// Words that make a phrase a person's title.
pub(super) const TITLE_WORDS: &[&str] = &[
    "Director",
    "General",
    "Secretary-General",
    "Secretary",
    "Representative",
    "Coordinator",
    "Co-ordinator",
    "Advisor",
    "Adviser",
    "President",
    "Chair",
    "Specialist",
    "Leader",
    "Officer",
    "Founder",
    "CEO",
    "Observer",
    "Moderator",
    "Minister",
    "Ambassador",
    "Head",
    "Chief",
    "Commissioner",
    "Rapporteur",
    "Envoy",
    "Manager",
    "Expert",
    "Executive",
];

/// Verbs a speaker's line ends with.
pub(super) const SPEAKS: &str = r"(?:said|says|highlighted|stated|emphasi[sz]ed|remarked|added|noted|underlined|stressed|explained|indicated|informed|invited|opened|welcomed|delivered|spoke|presented|discussed|described)";

/// A person's name in a pattern: two to four capitalised words.
pub(super) const PERSON: &str = r"\p{Lu}[\p{L}'’\-]+(?:\s+\p{Lu}[\p{L}'’\-]+){1,3}";

/// Whether `text` reads as a title: title case ("Team Leader on Child Trafficking,
/// Survivor Engagement and Partnerships"), holding a title word, with no dash or
/// running text in it.
pub(super) fn is_title(text: &str) -> bool {
    let words = names::words(text);
    let title_case = words.iter().all(|w| {
        let word = &text[w.start..w.end];
        names::is_capitalised(word) || names::CONNECTORS.contains(&word)
    });
    title_case
        && !text.contains(['—', '–'])
        && !text.contains("--")
        && !text.contains("- ")
        && words.len() <= 14
        && words
            .iter()
            .any(|w| TITLE_WORDS.contains(&&text[w.start..w.end]))
}

/// The date a person spoke for an organisation: that of the meeting the sentence says
/// it was at ("represented the CBSS in the Principals meeting"), else the document's.
pub(super) fn spoke_at(ctx: &Ctx, sentence: &str) -> String {
    static AT_MEETING: LazyLock<Regex> = LazyLock::new(|| {
        shape(r"\b(?:in|at|during) the (?P<name>(?:\p{Lu}[\p{L}-]* )+)(?:meeting|conference|summit|briefing)\b").expect("compiles")
    });
    if let Some(c) = AT_MEETING.captures(sentence) {
        let name = c["name"].trim();
        if let Some(m) = ctx.earlier_of("meeting.held").find(|m| {
            m.payload["title"]
                .as_str()
                .is_some_and(|t| t.contains(name))
        }) {
            return m.valid.clone();
        }
    }
    ctx.published.to_owned()
}

pub(super) fn represents(
    pattern: &'static str,
    person: Resolved,
    org: Resolved,
    title: Option<&str>,
    valid: String,
    quote: (usize, usize),
) -> Draft {
    let mut payload = json!({"person": person.id, "org": org.id});
    if let Some(t) = title.map(str::trim).filter(|t| !t.is_empty()) {
        payload["title"] = Value::from(t);
    }
    Draft::new(
        pattern,
        "person.represents",
        &valid,
        payload,
        quote,
        format!(
            "{}-for-{}-{}",
            bare(&person.id),
            bare(&org.id),
            valid.replace('/', "-")
        ),
    )
    .registering([person.new, org.new])
}

/// Whether `[start, ..)` begins a name rather than continuing one ("and Martin Fowke"
/// begins one; "Migration and Home Affairs" continues one).
pub(super) fn starts_a_name(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end();
    let prev: Vec<&str> = before.rsplit(char::is_whitespace).take(2).collect();
    match prev.as_slice() {
        [] => true,
        [w, ..] if w.ends_with([',', ';', ':', '(', '.', '“', '"', '”']) => true,
        [w, ..] if names::is_capitalised(w) => false,
        [w, p, ..] if names::CONNECTORS.contains(w) => {
            !names::is_capitalised(p) || p.ends_with([',', ';', ':'])
        }
        _ => true,
    }
}

static ORG_TITLE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(r"(?P<org>\b\p{{Lu}}[\p{{Lu}}\-]+) (?P<title>(?:\p{{Lu}}[\p{{Ll}}\-]+ ){{1,4}})(?P<person>\p{{Lu}}[\p{{L}}'’\-]+ \p{{Lu}}[\p{{L}}'’\-]+) {SPEAKS}\b")).expect("compiles")
});

/// "UNODC Executive Director Ghada Waly highlighted ..." → Ghada Waly for UNODC,
/// Executive Director.
pub fn org_title_name(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = ORG_TITLE_NAME.captures(sentence) else {
        return Vec::new();
    };
    let title = caps["title"].trim().to_owned();
    let org = span(base, &caps, "org").and_then(|s| ctx.org(s));
    let person = span(base, &caps, "person").and_then(|s| ctx.person(s));
    let (Some(org), Some(person)) = (org, person) else {
        return Vec::new();
    };
    if !is_title(&title) {
        return Vec::new();
    }
    let m = caps.get(0).expect("match");
    let end = base + caps.name("person").expect("person").end();
    vec![represents(
        "org-title-name",
        person,
        org,
        Some(&title),
        spoke_at(ctx, sentence),
        (base + m.start(), end),
    )]
}

static TITLE_OF_ORG_NAME: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(r"(?:^|, )(?:The |the )?(?P<title>\p{{Lu}}[\p{{L}}&\- ]*?) (?:of|on|at|for) (?:the )?(?P<org>{}), (?P<person>{PERSON})(?:,| [a-z])", super::NAME)).expect("compiles")
});

/// "The Director General of the CBSS, Grzegorz Poznanski, represented the CBSS in the
/// Principals meeting", "... Deputy Executive Director on UN Women, Åsa Regner
/// emphasised" → the person for the organisation, with that title; dated by the meeting
/// the sentence names, if the text dates it.
pub fn title_of_org_name(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = TITLE_OF_ORG_NAME.captures(sentence) else {
        return Vec::new();
    };
    let title = caps["title"].to_owned();
    if !is_title(&title) {
        return Vec::new();
    }
    let org = span(base, &caps, "org").and_then(|s| ctx.org(s));
    let person = span(base, &caps, "person").and_then(|s| ctx.person(s));
    let (Some(org), Some(person)) = (org, person) else {
        return Vec::new();
    };
    let start = base + caps.name("title").expect("title").start();
    let start = if sentence[..start - base].ends_with("The ") {
        start - 4
    } else {
        start
    };
    let end = base + caps.name("person").expect("person").end();
    // The rest of the sentence, when it says the person represented the organisation.
    let rest = &sentence[end - base..];
    let end = match rest.find(" meeting") {
        Some(p)
            if rest
                .trim_start_matches(',')
                .trim_start()
                .starts_with("represented") =>
        {
            end + p + " meeting".len()
        }
        _ => end,
    };
    vec![represents(
        "title-of-org-name",
        person,
        org,
        Some(&title),
        spoke_at(ctx, sentence),
        (start, end),
    )]
}

static NAME_ORG_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(r"(?P<person>{PERSON}), (?P<org>[^,()]+? \([^)]+\)) (?P<title>\p{{Lu}}[\p{{L}}\- ]+?) {SPEAKS}\b")).expect("compiles")
});

/// "Valiant Richey, Organization for Security and Co-operation in Europe (OSCE) Special
/// Representative for Combating Human Trafficking remarked: ..." → the person for the
/// organisation, with the title after it.
pub fn name_org_title(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = NAME_ORG_TITLE.captures(sentence) else {
        return Vec::new();
    };
    let org = span(base, &caps, "org").and_then(|s| ctx.org(s));
    let person = span(base, &caps, "person").and_then(|s| ctx.person(s));
    let (Some(org), Some(person)) = (org, person) else {
        return Vec::new();
    };
    let title = caps["title"].trim().to_owned();
    if !is_title(&title) {
        return Vec::new();
    }
    let start = base + caps.name("person").expect("person").start();
    let end = base + caps.name("title").expect("title").end();
    vec![represents(
        "name-org-title",
        person,
        org,
        Some(&title),
        spoke_at(ctx, sentence),
        (start, end),
    )]
}

static FROM_ORG: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(
        r"(?P<person>{PERSON}) from (?:the )?(?P<org>[^,;]+?(?: \([^)]+\))?)(?:,|;|\.|$)"
    ))
    .expect("compiles")
});
static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(r"(?P<person>{PERSON}) \((?P<org>[^)]+)\)")).expect("compiles")
});

/// "Irina Todorova from the International Organization for Migration (IOM)" and the
/// caption form "Yatta Dakowah (UNODC Liaison Office in Brussels)" → the person for the
/// organisation, without a title.
pub fn name_from_org(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let mut out = Vec::new();
    for (re, caption) in [(&*FROM_ORG, false), (&*CAPTION, true)] {
        for caps in re.captures_iter(sentence) {
            let p = caps.name("person").expect("person");
            if !starts_a_name(sentence, p.start()) {
                continue;
            }
            let org = span(base, &caps, "org").and_then(|s| ctx.org(s));
            let Some(person) = ctx.person((base + p.start(), base + p.end())) else {
                continue;
            };
            let Some(org) = org else { continue };
            let o = caps.name("org").expect("org");
            let end = base + o.end() + usize::from(caption);
            out.push(represents(
                "name-from-org",
                person,
                org,
                None,
                spoke_at(ctx, sentence),
                (base + p.start(), end),
            ));
        }
    }
    out
}

static ORG_COMMA_NAME: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(
        r"(?P<org>[^,]+? \([^)]+\)), (?P<person>{PERSON})\s*(?:\.|$)"
    ))
    .expect("compiles")
});

/// "... with the European Union Anti-Trafficking Coordinator (EU ATC), Diane Schmitt."
/// → the person holding the office the organisation names.
pub fn org_comma_name(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = ORG_COMMA_NAME.captures(sentence) else {
        return Vec::new();
    };
    // The organisation: the name (with its acronym) just before the comma.
    let o = caps.name("org").expect("org");
    let mentions = ctx.entities.mentions(base + o.start(), base + o.end());
    let Some(last) = mentions.iter().rev().find(|m| m.id.starts_with("org:")) else {
        return Vec::new();
    };
    let same: Vec<_> = mentions.iter().filter(|m| m.id == last.id).collect();
    let org_start = same.first().map_or(last.start, |m| m.start);
    let person = span(base, &caps, "person").and_then(|s| ctx.person(s));
    let Some(person) = person else {
        return Vec::new();
    };
    let org = Resolved {
        id: last.id.clone(),
        new: None,
    };
    let title = ctx
        .entities
        .get(&org.id)
        .map(|e| e.name.clone())
        .filter(|t| is_title(t));
    let end = base + caps.name("person").expect("person").end();
    vec![represents(
        "org-comma-name",
        person,
        org,
        title.as_deref(),
        spoke_at(ctx, sentence),
        (org_start, end),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::rules::test_support::{corpus, p, pairs, quote, run};

    #[test]
    fn organisation_title_name_and_title_of_organisation_name() {
        // 004
        let text = "UNODC Executive Director Ghada Waly highlighted the importance of networks.";
        assert_eq!(
            pairs(&run(org_title_name, text, "2020-12", &corpus())),
            [p(
                "person:ghada-waly",
                "org:unodc",
                Some("Executive Director")
            )]
        );
        let text = "ICAT 2019 – 2020 co-chair, Assistant Secretary-General & Deputy Executive Director on UN Women, Åsa Regner emphasised: “Traffickers assert control.”";
        assert_eq!(
            pairs(&run(title_of_org_name, text, "2020-12", &corpus())),
            [p(
                "person:asa-regner",
                "org:un-women",
                Some("Assistant Secretary-General & Deputy Executive Director")
            )]
        );
    }

    #[test]
    fn a_representative_at_a_dated_meeting() {
        // 004: the meeting's day dates who represented whom there.
        let text = "On 15 December 2020, during the ICAT Principals meeting more than 20 organisations, including the CBSS, agreed. The Director General of the CBSS, Grzegorz Poznanski, represented the CBSS in the Principals meeting and delivered a statement.";
        let both = |ctx: &Ctx, i: usize| {
            let mut d = crate::extract::rules::meetings::during_the_meeting(ctx, i);
            d.extend(title_of_org_name(ctx, i));
            d
        };
        let d = run(both, text, "2020-12", &corpus());
        assert_eq!(
            pairs(&d),
            [p(
                "person:grzegorz-poznanski",
                "org:cbss",
                Some("Director General")
            )]
        );
        assert_eq!(d[1].valid, "2020-12-15");
        assert_eq!(
            quote(text, &d[1]),
            "The Director General of the CBSS, Grzegorz Poznanski, represented the CBSS in the Principals meeting"
        );
    }

    #[test]
    fn name_organisation_title() {
        // 004
        let text = "Valiant Richey, Organization for Security and Co-operation in Europe (OSCE) Special Representative for Combating Human Trafficking remarked: “It is complex.”";
        assert_eq!(
            pairs(&run(name_org_title, text, "2020-12", &corpus())),
            [p(
                "person:valiant-richey",
                "org:osce",
                Some("Special Representative for Combating Human Trafficking")
            )]
        );
    }

    #[test]
    fn from_the_organisation_and_captions() {
        // 000
        let text = "L-R: ICAT co-chair 2023, Irina Todorova (IOM); Diane Schmitt (EU ATC); and Martin Fowke (UNODC Human Trafficking and Migrant Smuggling Section) ©EU-ATC\n“Engaging is key,” said Tea Machaidze from the Office of the Special Representative of the Secretary-General on Violence against Children (OSRSG VAC), one of the co-chairs.\nIt was attended by the Directorate-General on Migration and Home Affairs (DG HOME).";
        let d = run(name_from_org, text, "2023-07-18", &corpus());
        assert_eq!(
            pairs(&d),
            [
                p("person:irina-todorova", "org:iom", None),
                p("person:diane-schmitt", "org:eu-atc", None),
                p(
                    "person:martin-fowke",
                    "org:unodc-human-trafficking-and-migrant-smuggling-section",
                    None
                ),
                p("person:tea-machaidze", "org:osrsg-vac", None),
            ]
        );
        assert_eq!(
            quote(text, &d[2]),
            "Martin Fowke (UNODC Human Trafficking and Migrant Smuggling Section)"
        );
    }

    #[test]
    fn an_office_and_the_person_holding_it() {
        // 000
        let text = "On 18 July 2023, ICAT held its annual policy exchange with the European Union Anti-Trafficking Coordinator (EU ATC), Diane Schmitt.";
        let d = run(org_comma_name, text, "2023-07-18", &corpus());
        assert_eq!(
            pairs(&d),
            [p(
                "person:diane-schmitt",
                "org:eu-atc",
                Some("European Union Anti-Trafficking Coordinator")
            )]
        );
        assert_eq!(
            quote(text, &d[0]),
            "European Union Anti-Trafficking Coordinator (EU ATC), Diane Schmitt"
        );
    }
}
