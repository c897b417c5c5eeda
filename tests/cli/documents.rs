//! `documents`: the ingested source documents with their title and publisher.

use crate::harness::*;

#[test]
fn documents_lists_the_ingested_document() {
    let t = Test::new();
    t.run(["init"]).success();
    t.run(["documents"])
        .stdout_lacks("ICAT note for tests")
        .success();
    t.ingest_fixture();
    let out = t
        .run(["documents"])
        .stdout_contains("PUBLISHER")
        .stdout_contains("TITLE")
        .success();
    let rows: Vec<&str> = out.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{}", out.stdout);
    let row = rows[0];
    assert!(row.starts_with(FIXTURE_PREFIX), "{row}");
    assert!(row.contains("2023-07-18"), "{row}");
    assert!(row.contains("ICAT"), "{row}");
    assert!(row.ends_with("ICAT note for tests"), "{row}");
}

#[test]
fn documents_json_has_sha256_title_and_publisher() {
    let t = Test::new();
    t.ingest_fixture();
    t.write_events("ilo", ILO_EVENTS, &ILO_NOTE, &[reg_ilo()]);
    t.run(["ingest", "ilo"]).success();
    let json = t.run(["documents", "--format", "json"]).success().json();
    let docs = json.as_array().expect("a JSON array");
    assert_eq!(docs.len(), 2);
    // Ordered by the date they speak from.
    assert_eq!(docs[0]["sha256"], FIXTURE_SHA);
    assert_eq!(docs[0]["title"], "ICAT note for tests");
    assert_eq!(docs[0]["publisher"], "ICAT");
    assert_eq!(docs[0]["published"], "2023-07-18");
    assert_eq!(docs[1]["sha256"], ILO_NOTE.sha256());
    assert_eq!(docs[1]["title"], ILO_NOTE.title);
    assert_eq!(docs[1]["publisher"], ILO_NOTE.publisher);
}
