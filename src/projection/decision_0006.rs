//! The rules of decision 0006 (facts a source attests at a date), given/when/then, for
//! every kind that takes `attested`: given an attestation (and a later source that
//! confirms, ends, replaces or contradicts it), when folded, then the entry on days
//! before, within, at and after the attestation. Also how sources combine (`surest`),
//! terms endorsed before they begin (`decided`), an instrument's life and a statistic's
//! subject (vocabulary 2).

use serde_json::{Value, json};

use super::*;
use crate::date::{Certainty, Day, ValidTime, parse_day};
use crate::diff::compare_landscapes;
use crate::event::{Envelope, upcast};

/// A fact of the given kind, cited as `e{seq}` from source `s`: also the diff's tests' fixture.
pub(crate) fn fact(seq: i64, valid: &str, kind: &str, payload: Value) -> Envelope {
    Envelope {
        seq,
        id: format!("e{seq}"),
        valid: ValidTime::parse(valid).unwrap(),
        event: upcast::from_value(kind, 2, payload).unwrap(),
        source: Some("s".into()),
        quote: Some("q".into()),
    }
}

fn given(events: &[Envelope]) -> Fold {
    let mut fold = Fold::default();
    for e in events {
        fold.apply(e);
    }
    fold
}

fn day(s: &str) -> Day {
    parse_day(s).unwrap()
}

const UNODC: &str = "org:unodc";

fn coordinator(seq: i64, valid: &str) -> Envelope {
    fact(
        seq,
        valid,
        "role.assigned",
        json!({"group": "org:icat", "holder": UNODC, "role": "coordinator", "attested": true}),
    )
}

fn coordinator_term(seq: i64, valid: &str) -> Envelope {
    fact(
        seq,
        valid,
        "role.assigned",
        json!({"group": "org:icat", "holder": UNODC, "role": "coordinator"}),
    )
}

fn coordinator_ended(seq: i64, valid: &str) -> Envelope {
    fact(
        seq,
        valid,
        "role.ended",
        json!({"group": "org:icat", "holder": UNODC, "role": "coordinator"}),
    )
}

/// The coordinator's entry on a day: (certainty, attested, attested_next, term).
fn coordinator_on(
    fold: &Fold,
    on: &str,
) -> Option<(Certainty, Option<String>, Option<String>, String)> {
    let land = fold.at(day(on));
    let role = land.groups.get("org:icat")?.roles.first()?.clone();
    let (attested, next) = match role.attestation {
        Some(a) => (Some(a.attested), a.attested_next),
        None => (None, None),
    };
    Some((role.certainty, attested, next, role.term))
}

fn attested(latest: &str, next: Option<&str>) -> (Option<String>, Option<String>) {
    (Some(latest.to_owned()), next.map(str::to_owned))
}

#[test]
fn an_attested_role_claims_nothing_before_its_date_is_possible_within_it_certain_on_its_last_day_and_attested_after()
 {
    let fold = given(&[coordinator(1, "2020-12")]);
    assert_eq!(coordinator_on(&fold, "2020-11-30"), None);
    let within = coordinator_on(&fold, "2020-12-15").unwrap();
    assert_eq!(within.0, Certainty::Possible);
    assert_eq!((within.1, within.2), attested("2020-12", None));
    assert_eq!(
        coordinator_on(&fold, "2020-12-31").unwrap().0,
        Certainty::Certain
    );
    // After the date it is carried on, marked as attested: no later source says so.
    let after = coordinator_on(&fold, "2023-12-31").unwrap();
    assert_eq!(after.0, Certainty::Attested);
    assert_eq!((after.1, after.2), attested("2020-12", None));
    // Its "term" is the attestation's date: no term is known.
    assert_eq!(after.3, "2020-12");
}

#[test]
fn a_later_attestation_bridges_the_gap_and_then_is_the_latest() {
    let fold = given(&[coordinator(1, "2020-12"), coordinator(2, "2023-07-18")]);
    let between = coordinator_on(&fold, "2021-06-01").unwrap();
    assert_eq!(between.0, Certainty::Attested);
    assert_eq!(
        (between.1, between.2),
        attested("2020-12", Some("2023-07-18"))
    );
    // On the day of the second source it is certain again, and the latest is that source.
    let on = coordinator_on(&fold, "2023-07-18").unwrap();
    assert_eq!(on.0, Certainty::Certain);
    assert_eq!((on.1, on.2), attested("2023-07-18", None));
    let after = coordinator_on(&fold, "2023-12-31").unwrap();
    assert_eq!(after.0, Certainty::Attested);
    assert_eq!((after.1, after.2), attested("2023-07-18", None));
    // Both sources are cited, and the first is the date shown.
    let land = fold.at(day("2023-12-31"));
    let role = &land.groups["org:icat"].roles[0];
    assert_eq!(
        (role.term.as_str(), role.evidence.clone()),
        ("2020-12", vec!["e1".to_string(), "e2".to_string()])
    );
}

#[test]
fn an_attested_role_ends_at_role_ended_possibly_within_an_imprecise_end() {
    let fold = given(&[
        coordinator(1, "2020-12-10"),
        coordinator_ended(2, "2022-06"),
    ]);
    assert_eq!(
        coordinator_on(&fold, "2022-05-31").unwrap().0,
        Certainty::Attested
    );
    assert_eq!(
        coordinator_on(&fold, "2022-06-15").unwrap().0,
        Certainty::Possible
    );
    assert_eq!(coordinator_on(&fold, "2022-07-01"), None);
    // An end recorded before the attestation does not end it.
    let fold = given(&[coordinator_ended(1, "2019"), coordinator(2, "2020-12-10")]);
    assert_eq!(
        coordinator_on(&fold, "2024-01-01").unwrap().0,
        Certainty::Attested
    );
    // "no later source" means none after the day: an end is no later source of it.
    let fold = given(&[
        coordinator(1, "2020-12-10"),
        coordinator_ended(2, "2030"),
        coordinator(3, "2031"),
    ]);
    assert_eq!(coordinator_on(&fold, "2021-01-01").unwrap().2, None);
}

#[test]
fn a_known_term_that_ends_after_the_attestation_ends_it_and_one_before_does_not() {
    // A source attests the role within a term the log knows: after the term it is not
    // carried on.
    let fold = given(&[coordinator_term(1, "2023"), coordinator(2, "2023-03-09")]);
    let during = coordinator_on(&fold, "2023-06-01").unwrap();
    // The known term is as sure and comes first: the entry is the term, not attested.
    assert_eq!(
        (during.0, during.1, during.3),
        (Certainty::Certain, None, "2023".to_owned())
    );
    assert_eq!(coordinator_on(&fold, "2024-01-01"), None);
    // A term that ended before the attestation says nothing of it.
    let fold = given(&[
        coordinator_term(1, "2019/2020"),
        coordinator(2, "2023-03-09"),
    ]);
    let after = coordinator_on(&fold, "2024-01-01").unwrap();
    assert_eq!(
        (after.0, after.1),
        (Certainty::Attested, Some("2023-03-09".to_owned()))
    );
}

#[test]
fn a_qualified_attestation_is_never_more_than_possible() {
    let fold = given(&[coordinator(1, "2020?")]);
    assert_eq!(coordinator_on(&fold, "2019-12-31"), None);
    for on in ["2020-06-01", "2020-12-31", "2030-01-01"] {
        assert_eq!(
            coordinator_on(&fold, on).unwrap().0,
            Certainty::Possible,
            "{on}"
        );
    }
}

fn member(seq: i64, valid: &str, attested: bool) -> Envelope {
    let mut payload = json!({"member": "org:cbss", "group": "org:icat"});
    if attested {
        payload["attested"] = true.into();
    }
    fact(seq, valid, "membership.joined", payload)
}

fn member_on(fold: &Fold, on: &str) -> Option<Member> {
    fold.at(day(on))
        .groups
        .get("org:icat")?
        .members
        .first()
        .cloned()
}

#[test]
fn an_attested_membership_is_carried_on_until_it_is_left() {
    let left = fact(
        3,
        "2025-03-01",
        "membership.left",
        json!({"member": "org:cbss", "group": "org:icat"}),
    );
    let fold = given(&[
        member(1, "2020-12", true),
        member(2, "2022-07-30", true),
        left,
    ]);
    assert!(member_on(&fold, "2020-11-30").is_none());
    assert_eq!(
        member_on(&fold, "2020-12-02").unwrap().certainty,
        Certainty::Possible
    );
    assert_eq!(
        member_on(&fold, "2020-12-31").unwrap().certainty,
        Certainty::Certain
    );
    let between = member_on(&fold, "2021-05-01").unwrap();
    assert_eq!(between.certainty, Certainty::Attested);
    assert_eq!(
        between.attestation,
        Some(Attestation {
            attested: "2020-12".into(),
            attested_next: Some("2022-07-30".into())
        })
    );
    // Attestations at two dates do not disagree about a join date.
    assert!(between.conflict.is_empty());
    let later = member_on(&fold, "2024-12-31").unwrap();
    assert_eq!(later.attestation.unwrap().attested, "2022-07-30");
    assert!(member_on(&fold, "2025-03-01").is_none());
}

#[test]
fn a_dated_join_is_no_attested_continuation() {
    let fold = given(&[member(1, "2020-04", false), member(2, "2022-07-30", true)]);
    let m = member_on(&fold, "2024-01-01").unwrap();
    assert_eq!(
        (m.certainty, m.since.as_str(), m.attestation),
        (Certainty::Certain, "2020-04", None)
    );
}

fn priorities(seq: i64, valid: &str, items: &[&str], attested: bool) -> Envelope {
    let mut payload =
        json!({"commitment": "commitment:p", "owner": "org:icat", "title": "P", "items": items});
    if attested {
        payload["attested"] = true.into();
    }
    fact(seq, valid, "commitment.set", payload)
}

#[test]
fn an_attested_commitment_is_in_force_after_its_date_until_revised_or_withdrawn() {
    let fold = given(&[
        priorities(1, "2020-12", &["a", "b"], true),
        priorities(2, "2023-07-18", &["a", "b"], true),
        priorities(3, "2024", &["a", "c"], false),
    ]);
    let at = |on: &str| fold.at(day(on)).commitments.first().cloned();
    assert!(at("2020-11-30").is_none());
    let first = at("2021-06-01").unwrap();
    assert_eq!((first.certainty, first.revision), (Certainty::Attested, 1));
    assert_eq!(
        first.attestation.as_ref().unwrap().attested_next.as_deref(),
        Some("2023-07-18")
    );
    // Attested again with the same items: the same version, not a revision.
    let again = at("2023-12-31").unwrap();
    assert_eq!((again.revision, again.since.as_str()), (1, "2020-12"));
    assert_eq!(again.evidence, ["e1", "e2"]);
    assert_eq!(again.attestation.unwrap().attested, "2023-07-18");
    // Replaced by a later version: a known revision, no longer attested.
    let revised = at("2024-12-31").unwrap();
    assert_eq!(
        (revised.revision, revised.certainty, revised.attestation),
        (2, Certainty::Certain, None)
    );
    let withdrawn = fact(
        2,
        "2022",
        "commitment.withdrawn",
        json!({"commitment": "commitment:p"}),
    );
    let fold = given(&[priorities(1, "2020-12", &["a"], true), withdrawn]);
    assert_eq!(
        fold.at(day("2022-06-01")).commitments[0].certainty,
        Certainty::Possible
    );
    assert!(fold.at(day("2023-01-01")).commitments.is_empty());
}

fn status(seq: i64, valid: &str, status: &str, attested: bool) -> Envelope {
    let mut payload = json!({"instrument": "instrument:d", "status": status});
    if attested {
        payload["attested"] = true.into();
    }
    fact(seq, valid, "instrument.status", payload)
}

#[test]
fn an_attested_status_holds_after_its_date_until_a_later_status_replaces_it() {
    let fold = given(&[
        status(1, "2023-07-18", "under_revision", true),
        status(2, "2024-10-17", "under_revision", true),
        status(3, "2025-05", "revision_concluded", false),
    ]);
    let at = |on: &str| fold.at(day(on)).instruments.first().cloned();
    assert!(at("2023-07-17").is_none());
    assert_eq!(at("2023-07-18").unwrap().certainty, Certainty::Certain);
    let carried = at("2024-01-01").unwrap();
    assert_eq!(
        (carried.certainty, carried.since.as_str()),
        (Certainty::Attested, "2023-07-18")
    );
    assert_eq!(
        carried.attestation.unwrap().attested_next.as_deref(),
        Some("2024-10-17")
    );
    let again = at("2025-01-01").unwrap();
    assert_eq!(
        (again.since.as_str(), again.evidence.clone()),
        ("2023-07-18", vec!["e1".to_string(), "e2".to_string()])
    );
    // The later status reported, possible within its month, replaces it.
    let replaced = at("2025-06-01").unwrap();
    assert_eq!(
        (replaced.status.as_str(), replaced.attestation),
        ("revision_concluded", None)
    );
}

#[test]
fn an_attested_publication_claims_nothing_before_its_date_and_is_certain_after_it() {
    let p = |seq, valid: &str, attested: bool| {
        let mut payload =
            json!({"publication": "publication:x", "title": "X", "publisher": "org:icat"});
        if attested {
            payload["attested"] = true.into();
        }
        fact(seq, valid, "publication.released", payload)
    };
    // "on or before" with no lower bound is possible for ever before; attested, nothing.
    let open = given(&[p(1, "../2020-12", false)]);
    assert_eq!(open.at(day("2000-01-01")).publications.len(), 1);
    let fold = given(&[p(1, "2020-12", true)]);
    let at = |on: &str| fold.at(day(on)).publications.first().cloned();
    assert!(at("2020-11-30").is_none());
    assert_eq!(at("2020-12-10").unwrap().certainty, Certainty::Possible);
    // A publication does not end: after its date it is certain, not carried on.
    let after = at("2024-01-01").unwrap();
    assert_eq!(after.certainty, Certainty::Certain);
    assert_eq!(
        after.attestation.unwrap().describe(),
        "attested 2020-12; no later source"
    );
}

#[test]
fn a_diff_says_first_attested_and_an_attested_continuation_does_not_end_or_change() {
    let fold = given(&[coordinator(1, "2020-12"), coordinator(2, "2023-07-18")]);
    let changes = |from: &str, to: &str| {
        let d = compare_landscapes(fold.at(day(from)), fold.at(day(to)), Some(Section::Roles));
        d.sections[0]
            .changes
            .iter()
            .map(|c| (c.change, c.what))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        changes("2020-11-30", "2021-01-01"),
        [("added", "first attested as")]
    );
    // From one attestation to the next, and after the last: nothing ends or changes.
    assert!(changes("2022-12-31", "2023-07-18").is_empty());
    assert!(changes("2021-01-01", "2030-01-01").is_empty());
}

#[test]
fn the_surest_source_gives_an_entry_its_certainty() {
    let call = |seq, valid: &str| {
        fact(
            seq,
            valid,
            "call.issued",
            json!({"call": "call:x", "title": "X", "issuers": ["org:icat"]}),
        )
    };
    // One source dates the call to a day, another only to its year: on a day of that
    // year after the first, the call is certain (one source that makes it so is enough).
    let fold = given(&[call(1, "2022-07-30"), call(2, "2022")]);
    let land = fold.at(day("2022-09-01"));
    assert_eq!(land.calls[0].certainty, Certainty::Certain);
    // Cited in valid-time order: the year's source first.
    assert_eq!(land.calls[0].evidence, ["e2", "e1"]);
    // And possible while no source is past: before the day the first gives.
    assert_eq!(
        fold.at(day("2022-07-29")).calls[0].certainty,
        Certainty::Possible
    );
}

fn endorsed_cochair(seq: i64) -> Envelope {
    fact(
        seq,
        "2022",
        "role.assigned",
        json!({"group": "org:icat", "holder": UNODC, "role": "co-chair", "decided": "2021-11-15"}),
    )
}

#[test]
fn a_term_endorsed_before_it_begins_is_listed_apart_until_it_begins() {
    let fold = given(&[endorsed_cochair(1)]);
    assert!(fold.at(day("2021-11-14")).groups.is_empty());
    let between = fold.at(day("2021-12-01"));
    let icat = &between.groups["org:icat"];
    assert!(icat.roles.is_empty(), "endorsed is not holding: {icat:?}");
    let e = &icat.endorsed[0];
    assert_eq!(
        (
            e.holder.as_str(),
            e.term.as_str(),
            e.decided.as_str(),
            e.certainty
        ),
        (UNODC, "2022", "2021-11-15", Certainty::Certain)
    );
    // Once the term begins it is held, and still says when it was endorsed.
    let during = fold.at(day("2022-06-01"));
    let icat = &during.groups["org:icat"];
    assert!(icat.endorsed.is_empty());
    assert_eq!(icat.roles[0].decided.as_deref(), Some("2021-11-15"));
    let d = compare_landscapes(fold.at(day("2021-11-01")), between, Some(Section::Roles));
    assert_eq!(d.sections[0].changes[0].what, "endorsed as");
    // A holder endorsed for the next term while serving this one shows both.
    let serving = fact(
        2,
        "2021",
        "role.assigned",
        json!({"group": "org:icat", "holder": UNODC, "role": "co-chair"}),
    );
    let fold = given(&[serving, endorsed_cochair(3)]);
    let both = fold.at(day("2021-12-01"));
    let icat = &both.groups["org:icat"];
    assert_eq!(
        (icat.roles[0].term.as_str(), icat.endorsed[0].term.as_str()),
        ("2021", "2022")
    );
}

#[test]
fn an_instrument_keeps_where_it_was_published_and_what_it_amends_and_the_amended_one_knows() {
    let fold = given(&[
        fact(
            1,
            "2011-04-15",
            "instrument.status",
            json!({"instrument": "instrument:old", "status": "in_force"}),
        ),
        fact(
            2,
            "2024-06-24",
            "instrument.status",
            json!({"instrument": "instrument:new", "status": "published", "published_in": "Official Journal of the European Union"}),
        ),
        fact(
            3,
            "2024-07-14",
            "instrument.status",
            json!({"instrument": "instrument:new", "status": "in_force", "amends": ["instrument:old"], "transposition_deadline": "2026-07-15"}),
        ),
    ]);
    let land = fold.at(day("2025-01-01"));
    let new = land
        .instruments
        .iter()
        .find(|i| i.instrument == "instrument:new")
        .unwrap();
    assert_eq!(new.status, "in_force");
    assert_eq!(
        new.published_in.as_deref(),
        Some("Official Journal of the European Union")
    );
    assert_eq!(new.amends, ["instrument:old"]);
    assert_eq!(new.transposition_deadline.as_deref(), Some("2026-07-15"));
    let old = land
        .instruments
        .iter()
        .find(|i| i.instrument == "instrument:old")
        .unwrap();
    assert_eq!(old.amended_by, ["instrument:new"]);
    // Before it entered into force it amended nothing yet.
    let before = fold.at(day("2024-07-01"));
    assert!(
        before
            .instruments
            .iter()
            .all(|i| i.amended_by.is_empty() && i.amends.is_empty())
    );
}

#[test]
fn a_figure_about_an_entity_belongs_to_it() {
    let fold = given(&[fact(
        1,
        "2024-10-17",
        "statistic.reported",
        json!({"indicator": "indicator:members", "label": "ICAT members", "value": 30, "unit": "organisations", "period": "2024-10-17", "subject": "org:icat"}),
    )]);
    let mut land = fold.at(day("2025-01-01"));
    land.only_group("org:icat");
    assert_eq!(land.statistics[0].subject.as_deref(), Some("org:icat"));
    let mut other = fold.at(day("2025-01-01"));
    other.only_group("org:iom");
    assert!(other.statistics.is_empty());
}

#[test]
fn a_rename_names_the_entity_from_its_date_in_the_landscape_and_not_before() {
    let registered = fact(
        1,
        "2019",
        "entity.registered",
        json!({"id": "org:unodc", "type": "org", "name": "UN Office on Drugs and Crime", "acronym": "UNODC"}),
    );
    let renamed = fact(
        2,
        "2021",
        "entity.renamed",
        json!({"id": "org:unodc", "name": "A New Name", "acronym": "ANN"}),
    );
    let fold = given(&[registered, coordinator(3, "2019-06-01"), renamed]);
    assert_eq!(
        fold.at(day("2020-12-31")).entities["org:unodc"].name,
        "UN Office on Drugs and Crime"
    );
    assert_eq!(
        fold.at(day("2021-01-01")).entities["org:unodc"]
            .acronym
            .as_deref(),
        Some("ANN")
    );
    // What the tools that ask for the entity now get.
    assert_eq!(fold.entity("org:unodc").unwrap().name, "A New Name");
}
