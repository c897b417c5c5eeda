//! Logs for tests: the curated events ingested, and the same with retractions and
//! corrections on top (of roles, joins, corrections themselves, registrations, meetings'
//! participants), each appended in its own transaction as `append` does.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::{Access, Store};
use crate::error::Location;
use crate::event::EventLine;
use crate::ingest::{Session, ingest};

/// The curated events ingested into a new log at `path`.
pub fn curated(path: &Path) -> Store {
    let mut store = Store::open(path, Access::ReadWrite).unwrap();
    let events = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("events");
    ingest(&mut store, &[events], "test".into()).unwrap();
    store
}

/// The curated log with retractions and corrections appended one by one, and events of
/// vocabulary 2 (renames, aliases, endorsed terms, attested facts, amendments, a figure's
/// subject).
pub fn corrected(dir: &tempfile::TempDir) -> Store {
    corrected_with(dir, true)
}

/// `corrected` without the events of vocabulary 2: a log an older binary could have
/// written, for the upgrades from older schemas.
pub fn corrected_in_vocabulary_1(dir: &tempfile::TempDir) -> Store {
    corrected_with(dir, false)
}

fn corrected_with(dir: &tempfile::TempDir, version_2: bool) -> Store {
    let mut store = curated(&dir.path().join("t.db"));
    // The first role assignment that no correction or retraction targets yet.
    let mut targeted = std::collections::HashSet::new();
    for kind in ["event.corrected", "event.retracted"] {
        for id in store.event_ids_of_kind(kind).unwrap() {
            let payload = store.event(&id).unwrap().unwrap().payload;
            let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
            targeted.insert(payload["target"].as_str().unwrap().to_owned());
        }
    }
    let first_role = store
        .event_ids_of_kind("role.assigned")
        .unwrap()
        .into_iter()
        .find(|id| !targeted.contains(id))
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
    let mut renamed: serde_json::Value = serde_json::from_str(&registration_event.payload).unwrap();
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
    // Vocabulary 2 on top: a rename and an alias, a term endorsed before it begins, an
    // attested membership and status, an instrument amending another, a figure about a
    // group; cited with a curated event's source and quote.
    let v2 = |id: &str, kind: &str, valid: &str, payload: serde_json::Value| EventLine {
        id: Some(id.into()),
        kind: kind.into(),
        version: Some(2),
        valid: valid.into(),
        payload,
        source: joined_event.source.clone(),
        quote: joined_event.quote.clone(),
        recorded_at: None,
        recorded_by: None,
    };
    let version_2_lines = [
        v2(
            "v2-renamed",
            "entity.renamed",
            "2022-06",
            json!({"id": "org:cbss", "name": "Council of the Baltic Sea States, renamed", "acronym": "CBSS-R"}),
        ),
        v2(
            "v2-aliased",
            "entity.aliased",
            "2022",
            json!({"id": "org:cbss", "aliases": ["the Council"]}),
        ),
        v2(
            "v2-endorsed",
            "role.assigned",
            "2025",
            json!({"group": "org:icat", "holder": "org:cbss", "role": "co-chair", "decided": "2024-11-15"}),
        ),
        v2(
            "v2-member",
            "membership.joined",
            "2023-07-18",
            json!({"group": "org:icat", "member": "org:iom", "attested": true}),
        ),
        v2(
            "v2-status",
            "instrument.status",
            "2024-10",
            json!({"instrument": "instrument:digital-services-act", "status": "in_force", "attested": true, "amends": ["instrument:eu-anti-trafficking-directive"], "published_in": "Official Journal"}),
        ),
        v2(
            "v2-figure",
            "statistic.reported",
            "2024-10-17",
            json!({"indicator": "indicator:icat-members", "label": "ICAT members", "value": 30, "unit": "organisations", "period": "2024-10-17", "subject": "org:icat"}),
        ),
    ];
    if version_2 {
        lines.extend(version_2_lines);
    }
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
