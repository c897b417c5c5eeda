//! `head`: the log's last seq and hash, the tamper anchor to keep elsewhere.

use crate::harness::*;

#[test]
fn head_prints_seq_and_hash() {
    let t = Test::new();
    t.run(["init"]).success();
    let genesis = "0".repeat(64);
    t.run(["head"])
        .stdout_contains(format!("0 {genesis}"))
        .success();
    t.ingest_fixture();
    let out = t.run(["head"]).success();
    let json = t.run(["log", "--format", "json"]).success().json();
    let last = &json[12];
    assert_eq!(
        out.stdout,
        format!(
            "13 {} {}\n",
            last["hash"].as_str().expect("hash"),
            t.anchor()
        )
    );
}

#[test]
fn head_json_has_seq_and_hash() {
    let t = Test::new();
    t.ingest_fixture();
    let hash = t.head_hash();
    let json = t.run(["head", "--json"]).success().json();
    assert_eq!(
        json,
        serde_json::json!({"seq": 13, "hash": hash, "anchor": t.anchor()})
    );
}

#[test]
fn head_moves_with_every_append() {
    let t = Test::new();
    let before = t.ingest_fixture();
    t.run(["retract", "cbss-joins", "--reason", "test"])
        .success();
    let after = t.head();
    assert_ne!(after, before);
    assert!(after.starts_with("14 "), "{after}");
}
