//! Roles: co-chairs and chairs with their terms (a year, a span, a term endorsed before
//! it starts), and coordinators stated in the present tense (attested at the document's
//! date, design-v2).

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};

use super::{Ctx, NAME, bare, shape, span, whole};
use crate::date::phrase;
use crate::extract::entities::Resolved;
use crate::extract::proposal::Draft;

/// The role a verb or noun names.
fn role_of(word: &str) -> &'static str {
    let w = word.to_lowercase();
    if w.starts_with("co-chair") {
        "co-chair"
    } else if w.starts_with("chair") {
        "chair"
    } else if w.starts_with("coordinat") || w.starts_with("co-ordinat") {
        "coordinator"
    } else {
        "secretariat"
    }
}

fn role_payload(group: &str, holder: &str, role: &str, representative: Option<&str>) -> Value {
    let mut p = json!({"group": group, "holder": holder, "role": role});
    if let Some(r) = representative {
        p["representative"] = Value::from(r);
    }
    p
}

fn role_id(group: &str, role: &str, holder: &str, valid: &str) -> String {
    format!(
        "{}-{}-{}-{}",
        bare(group),
        role.replace('-', ""),
        bare(holder),
        valid.replace('/', "-")
    )
}

/// The group a slot names, or the group the text is about when the slot is empty.
fn group_of(ctx: &Ctx, slot: Option<(usize, usize)>) -> Option<Resolved> {
    match slot {
        Some(s) => ctx.org(s),
        None => ctx.group().map(|g| Resolved {
            id: g.to_owned(),
            new: None,
        }),
    }
}

static IN_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"\bIn (?P<year>\d{4}), (?P<holders>.+?) (?P<role>co-chair(?:s|ed)?|chair(?:s|ed)?)\b(?:, along with (?P<with>[^,]+),)? (?P<group>.+?)\s*\.?$").expect("compiles")
});
static IN_YEAR_PASSIVE: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"\bIn (?P<year>\d{4}), (?P<group>.+?) (?:is|was) (?P<role>co-chaired|chaired) by (?P<holders>.+?)\s*\.?$").expect("compiles")
});

/// "In 2022, ICMPD and UNODC co-chair the Group." / "In 2023, IOM co-chairs, along with
/// X, ICAT." / "In 2021, the ILO co-chaired the Group." / "In 2023, ICAT is co-chaired by
/// X and Y." → one term per holder, `valid` the year. A holder the extractor cannot name is left out; the others stay.
pub fn in_year(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    // The passive first: "ICAT is co-chaired by X" would read as the active "co-chaired".
    let caps = IN_YEAR_PASSIVE
        .captures(sentence)
        .or_else(|| IN_YEAR.captures(sentence));
    let Some(caps) = caps else { return Vec::new() };
    let year = caps["year"].to_owned();
    let role = role_of(&caps["role"]);
    let Some(group) = group_of(ctx, span(base, &caps, "group")) else {
        return Vec::new();
    };
    let mut holders = span(base, &caps, "holders")
        .and_then(|s| ctx.orgs(s))
        .unwrap_or_default();
    if let Some(with) = span(base, &caps, "with").and_then(|s| ctx.org(s)) {
        holders.push(with);
    }
    // From "In YEAR": a speaker's name may open the same sentence.
    let quote = (
        base + caps.get(0).expect("match").start(),
        base + sentence.len(),
    );
    holders
        .iter()
        .map(|h| {
            Draft::new(
                "co-chairs-in-year",
                "role.assigned",
                &year,
                role_payload(&group.id, &h.id, role, None),
                quote,
                role_id(&group.id, role, &h.id, &year),
            )
            .registering([group.new.clone(), h.new.clone()])
        })
        .collect()
}

static ONE_OF: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(
        r"(?P<person>{NAME}) from (?P<org>.+?), one of (?:the )?(?:(?P<g1>{NAME})[’']s )?(?:two |three |four )?(?:(?P<y1>\d{{4}}) )?(?:(?P<g2>{NAME}) )?(?P<role>co-chairs|chairs)(?: in (?P<y2>\d{{4}}))?"
    ))
    .expect("compiles")
});

/// "Irina Todorova from the IOM, one of ICAT’s two co-chairs in 2023" / "Tea Machaidze
/// from the OSRSG VAC, one of the two 2023 ICAT co-chairs" → the organisation's term,
/// with the person as its representative. Without a year, attested at the document's
/// date.
pub fn one_of_the_co_chairs(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = ONE_OF.captures(sentence) else {
        return Vec::new();
    };
    let group = group_of(ctx, span(base, &caps, "g1").or(span(base, &caps, "g2")));
    let holder = span(base, &caps, "org").and_then(|s| ctx.org(s));
    let person = span(base, &caps, "person").and_then(|s| ctx.person(s));
    let (Some(group), Some(holder), Some(person)) = (group, holder, person) else {
        return Vec::new();
    };
    let role = role_of(&caps["role"]);
    let year = caps
        .name("y1")
        .or(caps.name("y2"))
        .map(|m| m.as_str().to_owned());
    let mut payload = role_payload(&group.id, &holder.id, role, Some(&person.id));
    let valid = match &year {
        Some(y) => y.clone(),
        None => {
            payload["attested"] = Value::Bool(true);
            ctx.published.to_owned()
        }
    };
    let quote = whole(base, &caps);
    vec![
        Draft::new(
            "one-of-the-co-chairs",
            "role.assigned",
            &valid,
            payload,
            quote,
            role_id(&group.id, role, &holder.id, &valid),
        )
        .registering([group.new, holder.new, person.new]),
    ]
}

static TITLED: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(
        r"(?P<group>{NAME}) (?P<years>\d{{4}}(?:\s*[–—-]\s*\d{{4}})?) (?P<role>co-chair|chair), (?P<title>[^,]+?) (?:on|of|at|from) (?P<org>{NAME}), (?P<person>{NAME})"
    ))
    .expect("compiles")
});
static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(
        r"(?P<group>{NAME}) (?P<role>co-chair|chair) (?P<years>\d{{4}}(?:\s*[–—-]\s*\d{{4}})?), (?P<person>{NAME}) \((?P<org>[^)]+)\)"
    ))
    .expect("compiles")
});

/// "ICAT 2019 – 2020 co-chair, Assistant Secretary-General ... on UN Women, Åsa Regner"
/// and the caption form "ICAT co-chair 2023, Irina Todorova (IOM)" → the term, with the
/// person as the organisation's representative.
pub fn titled_co_chair(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = TITLED
        .captures(sentence)
        .or_else(|| CAPTION.captures(sentence))
    else {
        return Vec::new();
    };
    let Some(valid) = phrase::phrase_to_edtf(&caps["years"]) else {
        return Vec::new();
    };
    let group = span(base, &caps, "group").and_then(|s| ctx.org(s));
    let holder = span(base, &caps, "org").and_then(|s| ctx.org(s));
    let person = span(base, &caps, "person").and_then(|s| ctx.person(s));
    let (Some(group), Some(holder), Some(person)) = (group, holder, person) else {
        return Vec::new();
    };
    let role = role_of(&caps["role"]);
    vec![
        Draft::new(
            "titled-co-chair",
            "role.assigned",
            &valid,
            role_payload(&group.id, &holder.id, role, Some(&person.id)),
            whole(base, &caps),
            role_id(&group.id, role, &holder.id, &valid),
        )
        .registering([group.new, holder.new, person.new]),
    ]
}

static ENDORSED: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"(?:^|, )(?P<holders>[^,]+?) (?:was|were) (?:endorsed|elected|appointed|confirmed|designated|announced)(?: on| in)? (?P<date>[^,]+?),? as (?:the )?(?P<role>co-chairs?|chairs?)(?: of (?P<group>.+?))? for (?P<year>\d{4})").expect("compiles")
});

/// "IOM and OSRSG-VAC were endorsed on 15 November 2021 as co-chairs for 2022" → the
/// term of the later year, with the date of the decision (`decided`, vocabulary 2).
pub fn endorsed_for_a_later_year(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = ENDORSED.captures(sentence) else {
        return Vec::new();
    };
    let Some(decided) = phrase::phrase_to_edtf(&caps["date"]) else {
        return Vec::new();
    };
    let year = caps["year"].to_owned();
    let Some(group) = group_of(ctx, span(base, &caps, "group")) else {
        return Vec::new();
    };
    let Some(holders) = span(base, &caps, "holders").and_then(|s| ctx.orgs(s)) else {
        return Vec::new();
    };
    let role = role_of(&caps["role"]);
    let quote = (
        base + caps.name("holders").expect("holders").start(),
        whole(base, &caps).1,
    );
    holders
        .iter()
        .map(|h| {
            let mut payload = role_payload(&group.id, &h.id, role, None);
            payload["decided"] = Value::from(decided.clone());
            Draft::new(
                "endorsed-for-a-later-year",
                "role.assigned",
                &year,
                payload,
                quote,
                role_id(&group.id, role, &h.id, &year),
            )
            .registering([group.new.clone(), h.new.clone()])
        })
        .collect()
}

static IS_THE: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"^(?P<holder>.+?) (?:is|remains|serves as) the (?:[a-z]+ )?(?P<role>coordinator|co-ordinator|chair|secretariat) of (?P<group>.+?)\s*\.?$").expect("compiles")
});
static WHICH_IS: LazyLock<Regex> = LazyLock::new(|| {
    shape(r",? (?:which|that|and) is (?P<role>coordinated|co-ordinated|chaired) by (?P<holder>[^,;]+?)\s*(?:[,;.]|$)").expect("compiles")
});
static VERB: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"^(?P<holder>.+?) (?P<role>coordinates|chairs) (?P<group>.+?)\s*\.?$").expect("compiles")
});

/// "UNODC is the permanent coordinator of the Group", "ICAT ..., which is coordinated
/// by UNODC", "UNODC coordinates ICAT" → the role attested at the document's date: the
/// text states it in the present, not when the term began or ends (design-v2).
pub fn present_role(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let (holder, group, role) = if let Some(c) = IS_THE.captures(sentence) {
        (
            span(base, &c, "holder").and_then(|s| ctx.org(s)),
            span(base, &c, "group").and_then(|s| ctx.org(s)),
            role_of(&c["role"]),
        )
    } else if let Some(c) = WHICH_IS.captures(sentence) {
        // The group is what the sentence is about: the first organisation it names.
        let before = base + c.get(0).expect("match").start();
        let first = ctx
            .entities
            .mentions(base, before)
            .into_iter()
            .find(|m| m.id.starts_with("org:"));
        (
            span(base, &c, "holder").and_then(|s| ctx.org(s)),
            first.map(|m| Resolved {
                id: m.id,
                new: None,
            }),
            role_of(&c["role"]),
        )
    } else if let Some(c) = VERB.captures(sentence)
        && !sentence[..c.name("role").expect("role").start()].ends_with('-')
    {
        (
            span(base, &c, "holder").and_then(|s| ctx.org(s)),
            span(base, &c, "group").and_then(|s| ctx.org(s)),
            role_of(&c["role"]),
        )
    } else {
        return Vec::new();
    };
    let (Some(holder), Some(group)) = (holder, group) else {
        return Vec::new();
    };
    if holder.id == group.id {
        return Vec::new();
    }
    let mut payload = role_payload(&group.id, &holder.id, role, None);
    payload["attested"] = Value::Bool(true);
    vec![
        Draft::new(
            "present-role",
            "role.assigned",
            ctx.published,
            payload,
            (base, base + sentence.len()),
            role_id(&group.id, role, &holder.id, ctx.published),
        )
        .registering([holder.new, group.new]),
    ]
}

/// The ids a role draft names, for tests.
#[cfg(test)]
fn holders(drafts: &[Draft]) -> Vec<(String, String, String)> {
    drafts
        .iter()
        .map(|d| {
            (
                d.payload["holder"].as_str().unwrap().to_owned(),
                d.payload["role"].as_str().unwrap().to_owned(),
                d.valid.clone(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::rules::test_support::{corpus, quote, run};

    fn t(a: &str, b: &str, c: &str) -> (String, String, String) {
        (a.into(), b.into(), c.into())
    }

    #[test]
    fn co_chairs_in_a_year() {
        // 002
        let text = "ICAT is a policy forum. In 2022, ICMPD and UNODC co-chair the Group.";
        let d = run(in_year, text, "2022-07-30", &corpus());
        assert_eq!(
            holders(&d),
            [
                t("org:icmpd", "co-chair", "2022"),
                t("org:unodc", "co-chair", "2022")
            ]
        );
        assert_eq!(d[0].payload["group"], "org:icat");
        assert_eq!(d[0].new[0].id, "org:icmpd");
        assert_eq!(
            quote(text, &d[0]),
            "In 2022, ICMPD and UNODC co-chair the Group."
        );
        // 003: the partner named only by a long office name is left out, IOM stays.
        let text = "In 2023, IOM co-chairs, along with the Office of the Secretary General's Special Representative on Violence against Children, the Interagency Coordination Group against Trafficking in Persons (ICAT).";
        assert_eq!(
            holders(&run(in_year, text, "2023-03-09", &corpus())),
            [t("org:iom", "co-chair", "2023")]
        );
        // A year in the past tense (a new note written in 2025).
        let text = "A note on ICAT. In 2021, the IOM co-chaired the Group.";
        assert_eq!(
            holders(&run(in_year, text, "2025-03", &corpus())),
            [t("org:iom", "co-chair", "2021")]
        );
        // 000
        let text = "In 2023, ICAT is co-chaired by the International Organization for Migration (IOM) and the Office of the Special Representative of the Secretary-General on Violence against Children (OSRSG-VAC).";
        assert_eq!(
            holders(&run(in_year, text, "2023-07-18", &corpus())),
            [
                t("org:iom", "co-chair", "2023"),
                t("org:osrsg-vac", "co-chair", "2023")
            ]
        );
    }

    #[test]
    fn one_of_the_co_chairs_with_its_representative() {
        // 000
        let text = "“Engaging is key,” said Irina Todorova from the International Organization for Migration (IOM), one of ICAT’s two co-chairs in 2023. “Prevention must be the priority,” said Tea Machaidze from the Office of the Special Representative of the Secretary-General on Violence against Children (OSRSG VAC), one of the two 2023 ICAT co-chairs adding that more is needed.";
        let d = run(one_of_the_co_chairs, text, "2023-07-18", &corpus());
        assert_eq!(
            holders(&d),
            [
                t("org:iom", "co-chair", "2023"),
                t("org:osrsg-vac", "co-chair", "2023")
            ]
        );
        assert_eq!(d[0].payload["representative"], "person:irina-todorova");
        assert_eq!(d[1].payload["representative"], "person:tea-machaidze");
        assert_eq!(
            quote(text, &d[0]),
            "Irina Todorova from the International Organization for Migration (IOM), one of ICAT’s two co-chairs in 2023"
        );
    }

    #[test]
    fn a_titled_co_chair_and_a_caption() {
        // 004
        let text = "ICAT 2019 – 2020 co-chair, Assistant Secretary-General & Deputy Executive Director on UN Women, Åsa Regner emphasised: “Traffickers assert control.”";
        let d = run(titled_co_chair, text, "2020-12", &corpus());
        assert_eq!(holders(&d), [t("org:un-women", "co-chair", "2019/2020")]);
        assert_eq!(d[0].payload["representative"], "person:asa-regner");
        assert_eq!(
            d[0].new.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
            ["org:un-women", "person:asa-regner"]
        );
        // 000
        let text = "L-R: ICAT co-chair 2023, Irina Todorova (IOM); Diane Schmitt (EU ATC)";
        let d = run(titled_co_chair, text, "2023-07-18", &corpus());
        assert_eq!(holders(&d), [t("org:iom", "co-chair", "2023")]);
    }

    #[test]
    fn a_term_endorsed_for_a_later_year_carries_the_decision() {
        // The shape of issue 19's annual report (no curated document has it).
        let text = "ICAT met in Vienna. IOM and UNODC were endorsed on 15 November 2021 as co-chairs for 2022.";
        let d = run(endorsed_for_a_later_year, text, "2022-03", &corpus());
        assert_eq!(
            holders(&d),
            [
                t("org:iom", "co-chair", "2022"),
                t("org:unodc", "co-chair", "2022")
            ]
        );
        assert_eq!(d[0].payload["decided"], "2021-11-15");
        assert_eq!(d[0].payload["group"], "org:icat");
    }

    #[test]
    fn a_coordinator_in_the_present_is_attested() {
        // 004 and 000
        let text = "Inter-Agency Coordination Group Against Trafficking in Persons (ICAT) is the United Nation’s (UN) leading policy forum to address human trafficking, which is coordinated by the United Nations Office on Drugs and Crime (UNODC).";
        let d = run(present_role, text, "2020-12", &corpus());
        assert_eq!(holders(&d), [t("org:unodc", "coordinator", "2020-12")]);
        assert_eq!(d[0].payload["group"], "org:icat");
        assert_eq!(d[0].payload["attested"], true);
        let text = "In 2023, ICAT is co-chaired by IOM. The United Nations Office on Drugs and Crime (UNODC) is the permanent coordinator of the Group.";
        let d = run(present_role, text, "2023-07-18", &corpus());
        assert_eq!(holders(&d), [t("org:unodc", "coordinator", "2023-07-18")]);
        assert!(
            run(
                present_role,
                "In 2023, IOM co-chairs the ICAT.",
                "2023",
                &corpus()
            )
            .is_empty()
        );
    }
}
