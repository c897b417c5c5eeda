//! The fold, given/when/then: given events, when folded, then the state at a day.

use serde_json::json;

use super::*;
use crate::date::{Certainty, parse_day};
use crate::event::upcast;

fn envelope(seq: i64, id: &str, valid: &str, kind: &str, payload: serde_json::Value) -> Envelope {
    Envelope {
        seq,
        id: id.into(),
        valid: ValidTime::parse(valid).unwrap(),
        event: upcast::from_value(kind, 1, payload).unwrap(),
        source: Some("s".into()),
        quote: Some("q".into()),
        recorded_at: format!("2026-01-01T00:00:{seq:02}Z"),
    }
}

fn given(events: &[Envelope]) -> Timeline {
    let mut t = Timeline::default();
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

fn member_certainty(t: &Timeline, at: &str) -> Option<Certainty> {
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
    let roles = |t: &Timeline, at: &str| {
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
    let land = Timeline::default().at(day("2023-01-01"));
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

/// The materialised projection against a full replay, on the curated events plus
/// retractions and corrections appended on top.
mod materialised {
    use std::path::PathBuf;

    use super::*;
    use crate::error::Location;
    use crate::event::EventLine;
    use crate::ingest::{Session, ingest};
    use crate::store::{Access, Store};

    fn curated_store(dir: &tempfile::TempDir) -> Store {
        let mut store = Store::open(&dir.path().join("t.db"), Access::ReadWrite).unwrap();
        let events = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("events");
        ingest(&mut store, &[events], "test".into()).unwrap();
        let first_role = store
            .event_ids_of_kind("role.assigned")
            .unwrap()
            .into_iter()
            .next()
            .expect("the curated events assign roles");
        let joined = store
            .event_ids_of_kind("membership.joined")
            .unwrap()
            .into_iter()
            .next()
            .unwrap();
        let joined_event = store.event(&joined).unwrap().unwrap();
        let registrations = store.event_ids_of_kind("entity.registered").unwrap();
        let registration_event = store.event(&registrations[0]).unwrap().unwrap();
        let mut renamed: serde_json::Value =
            serde_json::from_str(&registration_event.payload).unwrap();
        renamed["name"] = json!("Renamed by a correction");
        let meta = |id: &str,
                    payload: serde_json::Value,
                    kind: &str,
                    source: Option<String>,
                    quote: Option<String>| EventLine {
            id: Some(id.into()),
            kind: kind.into(),
            version: None,
            valid: "2026-01-01".into(),
            payload,
            source,
            quote,
            recorded_at: None,
            recorded_by: None,
        };
        let lines = vec![
            meta(
                "r1",
                json!({"target": first_role, "reason": "test"}),
                "event.retracted",
                None,
                None,
            ),
            meta(
                "c1",
                json!({"target": joined, "reason": "test", "replacement": {"kind": "membership.joined", "valid": "2021", "payload": serde_json::from_str::<serde_json::Value>(&joined_event.payload).unwrap()}}),
                "event.corrected",
                joined_event.source.clone(),
                joined_event.quote.clone(),
            ),
            meta(
                "r2",
                json!({"target": "c1", "reason": "undo"}),
                "event.retracted",
                None,
                None,
            ),
            meta(
                "c2",
                json!({"target": joined, "reason": "again", "replacement": {"kind": "membership.left", "valid": "2022-06", "payload": serde_json::from_str::<serde_json::Value>(&joined_event.payload).unwrap()}}),
                "event.corrected",
                joined_event.source.clone(),
                joined_event.quote.clone(),
            ),
            // A correction of a correction, then its retraction: c2's replacement returns.
            meta(
                "c3",
                json!({"target": "c2", "reason": "chain", "replacement": {"kind": "membership.joined", "valid": "2019", "payload": serde_json::from_str::<serde_json::Value>(&joined_event.payload).unwrap()}}),
                "event.corrected",
                joined_event.source.clone(),
                joined_event.quote.clone(),
            ),
            meta(
                "r3",
                json!({"target": "c3", "reason": "undo the chain"}),
                "event.retracted",
                None,
                None,
            ),
            // A registration corrected (renamed) and another retracted.
            meta(
                "c4",
                json!({"target": registrations[0], "reason": "rename", "replacement": {"kind": "entity.registered", "valid": "2026", "payload": renamed}}),
                "event.corrected",
                registration_event.source.clone(),
                registration_event.quote.clone(),
            ),
            meta(
                "r4",
                json!({"target": registrations[1], "reason": "test"}),
                "event.retracted",
                None,
                None,
            ),
        ];
        // A withdrawal dated only approximately: possibly withdrawn for ever after, never
        // certainly, so the commitment must stay (possible) in every later state.
        let commitment = store.event_ids_of_kind("commitment.set").unwrap()[0].clone();
        let commitment_event = store.event(&commitment).unwrap().unwrap();
        let commitment_id = serde_json::from_str::<serde_json::Value>(&commitment_event.payload)
            .unwrap()["commitment"]
            .clone();
        let mut lines = lines;
        lines.push(EventLine {
            id: Some("w1".into()),
            kind: "commitment.withdrawn".into(),
            version: None,
            valid: "2021~".into(),
            payload: json!({"commitment": commitment_id}),
            source: commitment_event.source.clone(),
            quote: commitment_event.quote.clone(),
            recorded_at: None,
            recorded_by: None,
        });
        // A meeting's participants corrected: the stored meeting and the line correcting it.
        let participants = |cid: &str, meeting: &str, participants: serde_json::Value| {
            let event = store
                .event(meeting)
                .unwrap()
                .unwrap_or_else(|| panic!("the curated events hold {meeting}"));
            let mut payload: serde_json::Value = serde_json::from_str(&event.payload).unwrap();
            let before = payload["participants"].clone();
            payload["participants"] = participants;
            let line = meta(
                cid,
                json!({"target": event.id, "reason": "participants", "replacement": {"kind": "meeting.held", "valid": event.valid, "payload": payload}}),
                "event.corrected",
                event.source.clone(),
                event.quote.clone(),
            );
            (before, line)
        };
        // A meeting corrected to name fewer groups: its periods are no longer listed under
        // the one it lost.
        let (before, fewer) = participants("c5", "icat-principals-meeting-2020", json!([]));
        assert_eq!(before, json!(["org:cbss"]));
        lines.push(fewer);
        // And one corrected to name a group more: its periods are listed under it too.
        let (_, more) = participants(
            "c6",
            "icat-eu-atc-policy-exchange-2019",
            json!(["org:icat", "org:eu-atc", "org:cbss"]),
        );
        lines.push(more);
        for line in lines {
            // One transaction each, as `append` does: maintenance across batches.
            let mut session = Session::begin(&mut store, "test".into()).unwrap();
            session
                .add(
                    line,
                    None,
                    &Location::Argument {
                        what: "test",
                        event: None,
                    },
                )
                .unwrap();
            session.commit().unwrap();
        }
        store
    }

    fn month_ends() -> Vec<Day> {
        (2018..=2025)
            .flat_map(|y| (1..=12).map(move |m| (y, m)))
            .map(|(y, m)| {
                let first = chrono::NaiveDate::from_ymd_opt(y, m, 1).unwrap();
                first
                    .checked_add_months(chrono::Months::new(1))
                    .unwrap()
                    .pred_opt()
                    .unwrap()
            })
            .collect()
    }

    fn replayed(store: &Store, day: Day, group: Option<&str>) -> Landscape {
        let head = store.head().unwrap();
        let mut land = replay(store, Knowledge::default()).unwrap().at(day);
        land.log_head = HeadRef {
            seq: head.seq,
            hash: head.hash,
        };
        if let Some(g) = group {
            land.only_group(g);
        }
        land
    }

    #[test]
    fn a_group_follows_the_meetings_corrections_name_it_in() {
        let dir = tempfile::tempdir().unwrap();
        let store = curated_store(&dir);
        let meetings = |group: &str| -> Vec<String> {
            state_at(&store, day("2024-12-31"), Knowledge::default(), Some(group))
                .unwrap()
                .meetings
                .into_iter()
                .map(|m| m.meeting)
                .collect()
        };
        let cbss = meetings("org:cbss");
        assert!(
            cbss.contains(&"meeting:icat-eu-atc-policy-exchange-2019".to_owned()),
            "{cbss:?}"
        );
        assert!(
            !cbss.contains(&"meeting:icat-principals-meeting-2020".to_owned()),
            "{cbss:?}"
        );
        assert!(meetings("org:icat").contains(&"meeting:icat-principals-meeting-2020".to_owned()));
    }

    #[test]
    fn state_from_the_materialised_facts_equals_a_full_replay() {
        let dir = tempfile::tempdir().unwrap();
        let store = curated_store(&dir);
        for day in month_ends() {
            // org:cbss lost a meeting and gained another by corrections.
            for group in [None, Some("org:icat"), Some("org:cbss"), Some("org:eu-atc")] {
                let fast = state_at(&store, day, Knowledge::default(), group).unwrap();
                assert_eq!(
                    fast,
                    replayed(&store, day, group),
                    "as of {day} group {group:?}"
                );
            }
        }
    }

    #[test]
    fn a_diff_from_the_stored_periods_equals_one_from_two_full_replays() {
        let dir = tempfile::tempdir().unwrap();
        let store = curated_store(&dir);
        // A `--reported-by` after every document replays the whole log.
        let replaying = Knowledge {
            reported_by: Some(day("9999-12-31")),
            ..Knowledge::default()
        };
        let year_ends: Vec<Day> = (2012..=2026)
            .map(|y| crate::date::end_of_year(y).unwrap())
            .collect();
        for (i, from) in year_ends.iter().enumerate() {
            for to in &year_ends[i + 1..] {
                let fast =
                    crate::diff::diff_at(&store, *from, *to, Knowledge::default(), None).unwrap();
                let slow = crate::diff::diff_at(&store, *from, *to, replaying, None).unwrap();
                assert_eq!(fast.sections, slow.sections, "diff {from} {to}");
                for (id, name) in &fast.names {
                    assert_eq!(slow.names.get(id), Some(name), "name of {id}");
                }
            }
        }
    }

    /// Schemas 2 to 8 kept (group, key) pairs instead of periods listed under groups, and
    /// schemas 2 to 9 the spans of keys (left empty here: no upgrade reads them) instead
    /// of an index of the facts served in between.
    const SCHEMA_8_GROUPS: &str = "CREATE TABLE fact_key_groups (
            grp TEXT NOT NULL, key_id INTEGER NOT NULL, PRIMARY KEY (grp, key_id)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO fact_key_groups (grp, key_id)
        SELECT DISTINCT g.grp, p.key_id FROM key_period_groups g JOIN key_periods p USING (period_id);
        DROP TABLE key_period_groups;
        CREATE VIRTUAL TABLE fact_key_spans USING rtree_i32 (key_id, from_day, to_day);
        DROP INDEX facts_in_between;";

    #[test]
    fn a_log_of_schema_3_gains_its_periods_when_opened() {
        let dir = tempfile::tempdir().unwrap();
        let store = curated_store(&dir);
        let before = store.derived_tables_dump().unwrap();
        let path = store.path().to_owned();
        // What a log written before schema 4 looks like.
        store
            .connection()
            .execute_batch(&format!(
                "{SCHEMA_8_GROUPS}
                     DROP TABLE statistic_period_groups; DROP TABLE key_period_spans;
                     DROP TABLE key_periods; DROP TABLE entity_names; PRAGMA user_version = 3;"
            ))
            .unwrap();
        drop(store);
        let store = Store::open(&path, Access::ReadOnly).unwrap();
        assert_eq!(store.derived_tables_dump().unwrap(), before);
    }

    #[test]
    fn a_log_of_schema_4_gains_its_statistic_reporters_when_opened() {
        let dir = tempfile::tempdir().unwrap();
        let store = curated_store(&dir);
        let before = store.derived_tables_dump().unwrap();
        let path = store.path().to_owned();
        store.connection().execute_batch(SCHEMA_8_GROUPS).unwrap();
        // Schema 4 linked every indicator to every group that reported it.
        let linked = store
            .connection()
            .execute(
                "INSERT OR IGNORE INTO fact_key_groups (grp, key_id)
                 SELECT 'org:icat', key_id FROM fact_keys WHERE section = 6",
                [],
            )
            .unwrap();
        assert!(linked > 0, "the curated log reports statistics");
        store
            .connection()
            .execute_batch(
                "DROP TABLE statistic_period_groups; DROP TABLE entity_names;
                 PRAGMA user_version = 4;",
            )
            .unwrap();
        drop(store);
        let store = Store::open(&path, Access::ReadOnly).unwrap();
        assert_eq!(store.derived_tables_dump().unwrap(), before);
    }

    #[test]
    fn rebuild_gives_the_same_derived_tables_as_incremental_maintenance() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = curated_store(&dir);
        let before = store.derived_tables_dump().unwrap();
        let states: Vec<Landscape> = month_ends()
            .into_iter()
            .map(|d| state_at(&store, d, Knowledge::default(), None).unwrap())
            .collect();
        store.rebuild().unwrap();
        let after = store.derived_tables_dump().unwrap();
        let only_before: Vec<_> = before.iter().filter(|r| !after.contains(r)).collect();
        let only_after: Vec<_> = after.iter().filter(|r| !before.contains(r)).collect();
        assert_eq!(
            (only_before, only_after),
            (vec![], vec![]),
            "rows only before / only after a rebuild"
        );
        let again: Vec<Landscape> = month_ends()
            .into_iter()
            .map(|d| state_at(&store, d, Knowledge::default(), None).unwrap())
            .collect();
        assert_eq!(again, states);
    }
}
