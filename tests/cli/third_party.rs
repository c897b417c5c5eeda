//! The hash chain re-verified without policylog: `scripts/verify_chain.py` reads the
//! SQLite file with Python's standard library alone (docs/hash-chain.md).

use std::path::Path;
use std::process::Output;

use crate::harness::*;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/verify_chain.py");

fn verify_chain(db: &Path) -> Output {
    python3([Path::new(SCRIPT), db])
}

/// Runs the script, expects success, and returns the head hash it printed.
fn python_head(db: &Path) -> String {
    let out = verify_chain(db);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "verify_chain.py failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("ok:"), "{stdout}");
    stdout
        .split_whitespace()
        .skip_while(|w| *w != "head")
        .nth(1)
        .unwrap_or_else(|| panic!("no head in {stdout:?}"))
        .to_owned()
}

#[test]
fn python_reverifies_the_fixture_chain_with_the_same_head() {
    let t = Test::new();
    t.ingest_fixture();
    let out = verify_chain(t.db());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert_eq!(
        stdout.trim(),
        format!(
            "ok: 13 events, head {} anchor {}",
            t.head_hash(),
            t.anchor()
        )
    );
    // Events appended through the binary (recorded now, by `tester`) re-verify too.
    t.run(["retract", "cochair-iom-2023", "--reason", "test"])
        .success();
    assert_eq!(python_head(t.db()), t.head_hash());
}

#[test]
fn python_reverifies_the_curated_chain_with_its_non_ascii_quotes() {
    let t = Test::curated();
    assert_eq!(python_head(t.db()), t.head_hash());
    // The anchor over the documents agrees too (issue 21.4).
    let stdout = String::from_utf8_lossy(&verify_chain(t.db()).stdout).into_owned();
    assert!(
        stdout
            .trim_end()
            .ends_with(&format!("anchor {}", t.anchor())),
        "{stdout}"
    );
}

#[test]
fn python_rejects_a_tampered_payload() {
    let t = Test::new();
    t.ingest_fixture();
    let conn = t.sqlite();
    conn.execute_batch("DROP TRIGGER events_no_update")
        .expect("drop the trigger");
    let changed = conn
        .execute(
            "UPDATE events SET payload = replace(payload, 'org:cbss', 'org:iom') WHERE id = 'cbss-joins'",
            [],
        )
        .expect("tamper");
    assert_eq!(changed, 1);
    drop(conn);
    let out = verify_chain(t.db());
    assert!(
        !out.status.success(),
        "verify_chain.py accepted a tampered payload: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("seq 7"), "{stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("ok:"));
}

#[test]
fn python_reverifies_a_chain_holding_a_small_decimal() {
    let t = Test::new();
    t.ingest_fixture();
    t.append_fixture_event(
        "statistic.reported",
        "tiny-share",
        "2023-07-18",
        FIXTURE_STATISTIC_SENTENCE,
        &[
            "indicator=indicator:tiny-share",
            "label=A tiny share",
            r#"period="2022""#,
            "unit=share",
            "value=0.00001",
        ],
    );
    t.run(["verify"]).success();
    assert_eq!(python_head(t.db()), t.head_hash());
}
