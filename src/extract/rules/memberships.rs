//! Memberships: a member joined a group at a date the text gives, or is stated a member
//! in the present (attested at the document's date, design-v2).

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};

use super::{Ctx, bare, shape, span};
use crate::date::phrase;
use crate::extract::proposal::Draft;

static JOINED: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"(?:^|, )(?P<member>[^,]+?) (?:joined|became a member of|was admitted to) (?P<group>[^,]+?) (?P<date>(?:in|on) [^,.;]+?\d{4})\b").expect("compiles")
});
static JOINED_DATE_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"^(?P<date>(?:In|On|in|on) [^,]+?\d{4}),? (?P<member>.+?) (?:joined|became a member of|was admitted to) (?P<group>.+?)\s*\.?$").expect("compiles")
});
static IS_MEMBER: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"^(?P<member>.+?) (?:is|remains) (?:a|an) (?:full |active )?member of (?P<group>.+?)\s*\.?$").expect("compiles")
});

/// "The Council of the Baltic Sea States joined the ICAT in April 2020" → the
/// membership from April 2020, quoting the clause up to its date; "In March 2025 the
/// ILO joined ICAT." alike, quoting the sentence.
pub fn joined(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = JOINED
        .captures(sentence)
        .or_else(|| JOINED_DATE_FIRST.captures(sentence))
    else {
        return Vec::new();
    };
    let Some(valid) = phrase::phrase_to_edtf(&caps["date"]) else {
        return Vec::new();
    };
    let member = span(base, &caps, "member").and_then(|s| ctx.org(s));
    let group = span(base, &caps, "group").and_then(|s| ctx.org(s));
    let (Some(member), Some(group)) = (member, group) else {
        return Vec::new();
    };
    // From the first of member and date to the last of group and date.
    let (member_at, date_at, group_at) = (
        caps.name("member").expect("member"),
        caps.name("date").expect("date"),
        caps.name("group").expect("group"),
    );
    let start = base + member_at.start().min(date_at.start());
    let end = base + group_at.end().max(date_at.end());
    vec![
        Draft::new(
            "joined",
            "membership.joined",
            valid,
            json!({"member": member.id, "group": group.id}),
            (start, end),
            format!("{}-joins-{}", bare(&member.id), bare(&group.id)),
        )
        .registering([member.new, group.new]),
    ]
}

/// "X is a member of G" → the membership attested at the document's date: the text
/// does not say when it began.
pub fn is_a_member(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = IS_MEMBER.captures(sentence) else {
        return Vec::new();
    };
    let member = span(base, &caps, "member").and_then(|s| ctx.org(s));
    let group = span(base, &caps, "group").and_then(|s| ctx.org(s));
    let (Some(member), Some(group)) = (member, group) else {
        return Vec::new();
    };
    vec![
        Draft::new(
            "is-a-member",
            "membership.joined",
            ctx.published,
            json!({"member": member.id, "group": group.id, "attested": Value::Bool(true)}),
            (base, base + sentence.len()),
            format!(
                "{}-member-of-{}-{}",
                bare(&member.id),
                bare(&group.id),
                ctx.published
            ),
        )
        .registering([member.new, group.new]),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::rules::test_support::{corpus, known, quote, run};

    #[test]
    fn joined_in_a_month() {
        // 004, with the CBSS not yet known: its name and its acronym are both in the text.
        let text = "The CBSS becomes part of the ICAT. The Council of the Baltic Sea States joined the ICAT in April 2020 and is the newest member of this group.";
        let known = [known(
            "org:icat",
            "Inter-Agency Coordination Group against Trafficking in Persons",
            Some("ICAT"),
        )];
        let d = run(joined, text, "2020-12", &known);
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].valid.as_str(), &d[0].payload),
            (
                "2020-04",
                &json!({"member": "org:cbss", "group": "org:icat"})
            )
        );
        assert_eq!(
            quote(text, &d[0]),
            "The Council of the Baltic Sea States joined the ICAT in April 2020"
        );
    }

    #[test]
    fn joined_with_the_date_first() {
        let text = "In March 2025 the International Labour Organization (ILO) joined ICAT.";
        let d = run(joined, text, "2025-03", &corpus());
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].valid.as_str(), &d[0].payload),
            (
                "2025-03",
                &json!({"member": "org:ilo", "group": "org:icat"})
            )
        );
        assert_eq!(
            quote(text, &d[0]),
            "In March 2025 the International Labour Organization (ILO) joined ICAT"
        );
    }

    #[test]
    fn a_member_in_the_present_is_attested() {
        let text = "The Council of the Baltic Sea States is a member of ICAT.";
        let d = run(is_a_member, text, "2021-05", &corpus());
        assert_eq!(d[0].valid, "2021-05");
        assert_eq!(d[0].payload["attested"], true);
        // 002: "ICAT members call upon all states" names no member.
        assert!(
            run(
                is_a_member,
                "ICAT members call upon all states.",
                "2022",
                &corpus()
            )
            .is_empty()
        );
    }
}
