//! The terms served and memberships held in between: one change per term, whatever the
//! number of sources that report it.

use serde_json::{Value, json};

use super::*;
use crate::date::parse_day;
use crate::event::Envelope;
use crate::projection::decision_0006::fact;

fn co_chair(seq: i64, valid: &str, holder: &str) -> Envelope {
    let payload = json!({"group": "org:icat", "holder": holder, "role": "co-chair"});
    fact(seq, valid, "role.assigned", payload)
}

fn empty(day: &str) -> Landscape {
    Landscape::empty(parse_day(day).unwrap())
}

#[test]
fn a_term_reported_twice_is_one_change_citing_both_sources() {
    let within = [
        co_chair(1, "2019", "org:iom"),
        co_chair(2, "2020", "org:iom"),
        co_chair(3, "2019", "org:iom"),
        co_chair(4, "2019", "org:unodc"),
        fact(
            5,
            "2019",
            "membership.left",
            json!({"group": "org:icat", "member": "org:iom"}),
        ),
    ];
    let added = in_between(&within, &empty("2018-12-31"), &empty("2021-12-31"));
    let got: Vec<(Section, &str, Option<Value>, Vec<&str>)> = added
        .iter()
        .map(|(s, c)| {
            let evidence = c.evidence.iter().map(String::as_str).collect();
            let term = c
                .after
                .as_ref()
                .map(Shown::value)
                .and_then(|v| v.get("term").or_else(|| v.get("left")).cloned());
            (*s, c.subject.as_str(), term, evidence)
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                Section::Roles,
                "org:icat / co-chair / org:iom",
                Some(json!("2019")),
                vec!["e1", "e3"]
            ),
            (
                Section::Roles,
                "org:icat / co-chair / org:iom",
                Some(json!("2020")),
                vec!["e2"]
            ),
            (
                Section::Roles,
                "org:icat / co-chair / org:unodc",
                Some(json!("2019")),
                vec!["e4"]
            ),
            (
                Section::Members,
                "org:icat / org:iom",
                Some(json!("2019")),
                vec!["e5"]
            ),
        ]
    );
}

#[test]
fn a_term_either_day_shows_is_not_in_between() {
    let mut on_a = empty("2019-06-30");
    let fold_day = |events: &[Envelope], day: &str| {
        let mut fold = crate::projection::Fold::default();
        for e in events {
            fold.apply(e);
        }
        fold.at(parse_day(day).unwrap())
    };
    let serving = [co_chair(1, "2019", "org:iom")];
    on_a.groups = fold_day(&serving, "2019-06-30").groups;
    assert!(in_between(&serving, &on_a, &empty("2021-12-31")).is_empty());
    assert_eq!(
        in_between(&serving, &empty("2018-12-31"), &empty("2021-12-31")).len(),
        1
    );
}

#[test]
fn in_between_changes_go_after_their_sections_and_not_into_one_left_out() {
    let within = [co_chair(1, "2019", "org:iom")];
    let (a, b) = (empty("2018-12-31"), empty("2021-12-31"));
    let added = in_between(&within, &a, &b);
    let mut only_members = compare_landscapes(a.clone(), b.clone(), Some(Section::Members));
    add_in_between(&mut only_members, added.clone());
    assert!(only_members.is_empty());
    let mut all = compare_landscapes(a, b, None);
    add_in_between(&mut all, added);
    let roles = all
        .sections
        .iter()
        .find(|s| s.section == Section::Roles)
        .unwrap();
    assert_eq!(roles.changes.len(), 1);
    assert_eq!(roles.changes[0].what, "served as");
}
