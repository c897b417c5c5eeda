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

/// The fixture copied to `name` with `url` in its document header.
fn fixture_with_url(t: &Test, name: &str, url: &str) -> std::path::PathBuf {
    let folder = t.copy_fixture(name);
    let file = folder.join("2023-07-18-icat-note.jsonl");
    let text = std::fs::read_to_string(&file).unwrap();
    let (header, rest) = text.split_once('\n').unwrap();
    let mut header: serde_json::Value = serde_json::from_str(header).unwrap();
    header["document"]["url"] = serde_json::json!(url);
    std::fs::write(&file, format!("{header}\n{rest}")).unwrap();
    folder
}

#[test]
fn a_documents_url_is_stored_shown_exported_and_ingested_again() {
    let url = "https://example.org/icat-note";
    let t = Test::new();
    let folder = fixture_with_url(&t, "with-url", url);
    t.run(["ingest".as_ref(), folder.as_os_str()]).success();
    let docs = t.run(["documents", "--format", "json"]).success().json();
    assert_eq!(docs[0]["url"], url);
    t.run(["documents"]).stdout_contains(url).success();
    t.run(["verify"]).success();

    t.run(["export", "--out", "out"]).success();
    let exported =
        std::fs::read_to_string(t.path("out").join("2023-07-18-icat-note.jsonl")).unwrap();
    let header: serde_json::Value = serde_json::from_str(exported.lines().next().unwrap()).unwrap();
    assert_eq!(header["document"]["url"], url);

    let fresh = Test::new();
    copy_dir(&t.path("out"), &fresh.path("events"));
    fresh.run(["ingest", "events"]).success();
    assert_eq!(fresh.head(), t.head());
    let again = fresh
        .run(["documents", "--format", "json"])
        .success()
        .json();
    assert_eq!(again[0]["url"], url);
    fresh.run(["verify"]).success();
}

#[test]
fn a_document_without_url_shows_none_and_keeps_its_record_hash() {
    let t = Test::with_fixture();
    let docs = t.run(["documents", "--format", "json"]).success().json();
    assert!(docs[0].get("url").is_none(), "{docs}");
    t.run(["verify"]).success();
}

#[test]
fn a_stored_document_keeps_its_url() {
    let t = Test::with_fixture();
    let folder = fixture_with_url(&t, "with-url", "https://example.org/icat-note");
    t.run(["ingest".as_ref(), folder.as_os_str()])
        .stderr_contains("url")
        .stderr_contains("documents are immutable")
        .failure(2);
}

#[test]
fn a_url_with_spaces_is_refused_naming_the_file() {
    let t = Test::new();
    let folder = fixture_with_url(&t, "bad-url", "https://example.org/icat note");
    t.run(["ingest".as_ref(), folder.as_os_str()])
        .stderr_contains("2023-07-18-icat-note.jsonl")
        .stderr_contains("is not a URL")
        .failure(2);
    t.run(["documents", "--format", "json"])
        .stdout_lacks("icat")
        .success();
}
