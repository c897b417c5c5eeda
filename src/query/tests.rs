//! The answers from the stored periods against the same answers from a full replay, on the
//! curated events with retractions and corrections on top; and a rebuild of the derived
//! tables against their incremental maintenance.

use super::*;
use crate::date::{Day, parse_day};
use crate::projection::{HeadRef, Landscape};
use crate::store::Store;
use crate::store::curated_log::corrected as curated_store;

fn day(s: &str) -> Day {
    parse_day(s).unwrap()
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
            let fast = diff_at(&store, *from, *to, Knowledge::default(), None).unwrap();
            let slow = diff_at(&store, *from, *to, replaying, None).unwrap();
            assert_eq!(fast.sections, slow.sections, "diff {from} {to}");
            for (id, name) in &fast.names {
                assert_eq!(slow.names.get(id), Some(name), "name of {id}");
            }
        }
    }
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
