//! The fold, given/when/then: given events, when folded, then the state at a day.

use serde_json::json;

use super::*;
use crate::date::{Certainty, Day, ValidTime, parse_day};
use crate::event::{Envelope, upcast};

fn envelope(seq: i64, id: &str, valid: &str, kind: &str, payload: serde_json::Value) -> Envelope {
    Envelope {
        seq,
        id: id.into(),
        valid: ValidTime::parse(valid).unwrap(),
        event: upcast::from_value(kind, 1, payload).unwrap(),
        source: Some("s".into()),
        quote: Some("q".into()),
    }
}

fn given(events: &[Envelope]) -> Fold {
    let mut t = Fold::default();
    for e in events {
        t.apply(e);
    }
    t
}

fn day(s: &str) -> Day {
    parse_day(s).unwrap()
}

fn joined(seq: i64, id: &str, valid: &str) -> Envelope {
    envelope(
        seq,
        id,
        valid,
        "membership.joined",
        json!({"member": "org:cbss", "group": "org:icat"}),
    )
}

fn cochair(seq: i64, id: &str, valid: &str, holder: &str) -> Envelope {
    envelope(
        seq,
        id,
        valid,
        "role.assigned",
        json!({"group": "org:icat", "holder": holder, "role": "co-chair"}),
    )
}

fn call(seq: i64, id: &str, count: u32) -> Envelope {
    envelope(
        seq,
        id,
        "2022-07-30",
        "call.issued",
        json!({"call": "call:x", "title": "Joint statement", "issuers": ["org:icat"], "action_count": count}),
    )
}

fn member_certainty(t: &Fold, at: &str) -> Option<Certainty> {
    let land = t.at(day(at));
    land.groups
        .get("org:icat")
        .and_then(|g| g.members.first())
        .map(|m| m.certainty)
}

#[test]
fn a_month_precise_join_is_certain_from_the_last_day_of_the_month() {
    let t = given(&[joined(1, "j", "2020-04")]);
    assert_eq!(member_certainty(&t, "2020-03-31"), None);
    assert_eq!(
        member_certainty(&t, "2020-04-01"),
        Some(Certainty::Possible)
    );
    assert_eq!(
        member_certainty(&t, "2020-04-29"),
        Some(Certainty::Possible)
    );
    assert_eq!(member_certainty(&t, "2020-04-30"), Some(Certainty::Certain));
    assert_eq!(member_certainty(&t, "2020-05-01"), Some(Certainty::Certain));
}

#[test]
fn leaving_ends_a_membership_and_a_possible_departure_makes_it_possible() {
    let left = envelope(
        2,
        "l",
        "2022-06",
        "membership.left",
        json!({"member": "org:cbss", "group": "org:icat"}),
    );
    let t = given(&[joined(1, "j", "2020-04"), left]);
    assert_eq!(member_certainty(&t, "2022-05-31"), Some(Certainty::Certain));
    assert_eq!(
        member_certainty(&t, "2022-06-15"),
        Some(Certainty::Possible)
    );
    assert_eq!(member_certainty(&t, "2022-07-01"), None);
}

#[test]
fn a_term_of_2019_2020_is_certain_only_across_the_new_year() {
    let t = given(&[cochair(1, "c", "2019/2020", "org:un-women")]);
    let role = |at: &str| {
        t.at(day(at))
            .groups
            .get("org:icat")
            .and_then(|g| g.roles.first())
            .map(|r| r.certainty)
    };
    assert_eq!(role("2018-12-31"), None);
    assert_eq!(role("2019-03-01"), Some(Certainty::Possible));
    assert_eq!(role("2019-12-31"), Some(Certainty::Certain));
    assert_eq!(role("2020-01-01"), Some(Certainty::Certain));
    assert_eq!(role("2020-12-31"), Some(Certainty::Possible));
    assert_eq!(role("2021-01-01"), None);
}

#[test]
fn an_open_term_lasts_until_it_is_ended() {
    let assigned = envelope(
        1,
        "a",
        "2020-12/..",
        "role.assigned",
        json!({"group": "org:icat", "holder": "org:unodc", "role": "coordinator"}),
    );
    let ended = envelope(
        2,
        "e",
        "2030-06-30",
        "role.ended",
        json!({"group": "org:icat", "holder": "org:unodc", "role": "coordinator"}),
    );
    let open = given(std::slice::from_ref(&assigned));
    let roles = |t: &Fold, at: &str| {
        t.at(day(at))
            .groups
            .get("org:icat")
            .map_or(0, |g| g.roles.len())
    };
    assert_eq!(roles(&open, "2020-11-30"), 0);
    assert_eq!(roles(&open, "2035-01-01"), 1);
    let closed = given(&[assigned, ended]);
    assert_eq!(roles(&closed, "2030-06-29"), 1);
    assert_eq!(roles(&closed, "2030-06-30"), 0);
}

#[test]
fn a_fact_attested_later_is_not_asserted_earlier() {
    let t = given(&[cochair(1, "c", "2023", "org:iom")]);
    assert!(t.at(day("2022-12-31")).groups.is_empty());
}

#[test]
fn retraction_counts_from_its_recording_only() {
    let retract = envelope(
        2,
        "r",
        "2026-01-01",
        "event.retracted",
        json!({"target": "j", "reason": "wrong"}),
    );
    let events = [joined(1, "j", "2020-04"), retract];
    let before = given(&events[..1]);
    let after = given(&events);
    assert_eq!(
        member_certainty(&before, "2021-01-01"),
        Some(Certainty::Certain)
    );
    assert_eq!(member_certainty(&after, "2021-01-01"), None);
}

#[test]
fn a_correction_replaces_its_target_and_retracting_it_restores_the_target() {
    let correct = envelope(
        2,
        "fix",
        "2020-05",
        "event.corrected",
        json!({"target": "j", "reason": "month", "replacement": {"kind": "membership.joined", "valid": "2020-05", "payload": {"member": "org:cbss", "group": "org:icat"}}}),
    );
    let undo = envelope(
        3,
        "undo",
        "2026-01-01",
        "event.retracted",
        json!({"target": "fix", "reason": "the first was right"}),
    );
    let t = given(&[joined(1, "j", "2020-04"), correct.clone()]);
    let land = t.at(day("2021-01-01"));
    let m = &land.groups["org:icat"].members[0];
    assert_eq!(
        (m.since.as_str(), m.evidence.clone()),
        ("2020-05", vec!["fix".to_string()])
    );
    assert_eq!(member_certainty(&t, "2020-04-30"), None);
    let t = given(&[joined(1, "j", "2020-04"), correct, undo]);
    assert_eq!(
        t.at(day("2021-01-01")).groups["org:icat"].members[0].since,
        "2020-04"
    );
}

#[test]
fn sources_that_disagree_are_shown_as_a_conflict_until_resolved() {
    let t = given(&[call(1, "a", 16), call(2, "b", 15)]);
    let land = t.at(day("2023-01-01"));
    assert_eq!(land.calls.len(), 1);
    assert_eq!(land.calls[0].conflict.len(), 2);
    assert_eq!(land.calls[0].evidence, ["a", "b"]);
    let retract = envelope(
        3,
        "r",
        "2026-01-01",
        "event.retracted",
        json!({"target": "b", "reason": "typo"}),
    );
    let t = given(&[call(1, "a", 16), call(2, "b", 15), retract]);
    let land = t.at(day("2023-01-01"));
    assert!(land.calls[0].conflict.is_empty());
    assert_eq!(land.calls[0].action_count, Some(16));
}

#[test]
fn agreeing_sources_merge_into_one_entry_citing_both() {
    let t = given(&[
        cochair(1, "a", "2023", "org:iom"),
        cochair(2, "b", "2023", "org:iom"),
    ]);
    let land = t.at(day("2023-06-01"));
    let roles = &land.groups["org:icat"].roles;
    assert_eq!(roles.len(), 1);
    assert_eq!(roles[0].evidence, ["a", "b"]);
}

#[test]
fn a_commitment_set_again_is_a_revision() {
    let set = |seq, id: &str, valid: &str, items: &[&str]| {
        envelope(
            seq,
            id,
            valid,
            "commitment.set",
            json!({"commitment": "commitment:p", "owner": "org:icat", "title": "P", "items": items}),
        )
    };
    let t = given(&[
        set(1, "v1", "2020", &["a", "b"]),
        set(2, "v2", "2024", &["a", "c"]),
    ]);
    let at = |d: &str| t.at(day(d)).commitments;
    assert_eq!(at("2021-01-01")[0].items, ["a", "b"]);
    assert_eq!(
        (
            at("2024-12-31")[0].items.clone(),
            at("2024-12-31")[0].revision
        ),
        (vec!["a".to_string(), "c".to_string()], 2)
    );
    let withdrawn = envelope(
        3,
        "w",
        "2025",
        "commitment.withdrawn",
        json!({"commitment": "commitment:p"}),
    );
    let t = given(&[set(1, "v1", "2020", &["a"]), withdrawn]);
    assert!(t.at(day("2026-01-01")).commitments.is_empty());
}

#[test]
fn the_latest_statistic_counts() {
    let stat = |seq, id: &str, valid: &str, value: u32| {
        envelope(
            seq,
            id,
            valid,
            "statistic.reported",
            json!({"indicator": "indicator:x", "label": "X", "value": value, "unit": "percent", "period": valid}),
        )
    };
    let t = given(&[stat(1, "s1", "2020", 30), stat(2, "s2", "2022", 35)]);
    assert_eq!(
        t.at(day("2021-06-01")).statistics[0].value.to_string(),
        "30"
    );
    assert_eq!(
        t.at(day("2023-01-01")).statistics[0].value.to_string(),
        "35"
    );
}

#[test]
fn an_empty_log_has_an_empty_landscape() {
    let land = Fold::default().at(day("2023-01-01"));
    assert!(land.is_empty() && land.entities.is_empty() && land.evidence.is_empty());
}

#[test]
fn folding_a_prefix_then_the_rest_equals_folding_all() {
    let events = [
        joined(1, "j", "2020-04"),
        cochair(2, "c", "2023", "org:iom"),
        call(3, "a", 16),
    ];
    let mut stepwise = given(&events[..1]);
    for e in &events[1..] {
        stepwise.apply(e);
    }
    assert_eq!(
        stepwise.at(day("2024-01-01")),
        given(&events).at(day("2024-01-01"))
    );
}
