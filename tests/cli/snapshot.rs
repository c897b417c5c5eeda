//! `snapshot` and `verify --snapshots`: the state at chosen dates as canonical JSON files,
//! stamped with the log head, and the check that replaying the log reproduces them.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::*;

const YEARS: [&str; 4] = [
    "2020-12-31.json",
    "2021-12-31.json",
    "2022-12-31.json",
    "2023-12-31.json",
];

fn snapshot_yearly(t: &Test) -> PathBuf {
    let out = t.path("snapshots");
    t.run(["snapshot", "--yearly", "--out"])
        .arg(&out)
        .stdout_contains("wrote 4 snapshot(s)")
        .success();
    out
}

fn names(dir: &Path) -> Vec<String> {
    files_under(dir)
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect()
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn snapshot_yearly_writes_one_file_per_year_stamped_with_the_head() {
    let t = Test::new();
    let head = t.ingest_fixture();
    let dir = snapshot_yearly(&t);
    assert_eq!(names(&dir), YEARS);
    let (seq, hash) = head.split_once(' ').expect("SEQ HASH");
    for (name, year) in YEARS.iter().zip(["2020", "2021", "2022", "2023"]) {
        let snapshot = read_json(&dir.join(name));
        assert_eq!(snapshot["as_of"], format!("{year}-12-31"), "{name}");
        assert_eq!(snapshot["log_head"]["seq"].to_string(), seq, "{name}");
        assert_eq!(snapshot["log_head"]["hash"], hash, "{name}");
        // The same landscape as `state` prints for that date.
        assert_eq!(snapshot, t.state_json(&["--as-of", year]), "{name}");
    }
    // The years in between hold what was true then.
    let y2020 = read_json(&dir.join("2020-12-31.json"));
    assert_eq!(
        y2020["groups"]["org:icat"]["members"][0]["member"],
        "org:cbss"
    );
    assert!(
        y2020["groups"]["org:icat"]["roles"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Canonical: sorted keys, two-space indent, final newline.
    let text = fs::read_to_string(dir.join("2023-12-31.json")).unwrap();
    assert!(
        text.starts_with("{\n  \"as_of\": \"2023-12-31\",\n  \"calls\": []"),
        "{text}"
    );
    assert!(text.ends_with("}\n"));
}

#[test]
fn verify_snapshots_passes_on_fresh_snapshots() {
    let t = Test::new();
    t.ingest_fixture();
    let dir = snapshot_yearly(&t);
    t.run(["verify", "--snapshots"])
        .arg(&dir)
        .stdout_contains("replayed and compared 4 snapshot(s) byte for byte")
        .stdout_contains("ok: the log is intact")
        .success();
}

#[test]
fn verify_snapshots_fails_and_names_the_file_when_a_byte_changes() {
    let t = Test::new();
    t.ingest_fixture();
    let dir = snapshot_yearly(&t);
    let file = dir.join("2021-12-31.json");
    let mut bytes = fs::read(&file).unwrap();
    let at = bytes
        .windows(7)
        .position(|w| w == b"Council")
        .expect("the CBSS is named in 2021");
    bytes[at + 5] = b'j'; // Council -> Councjl
    fs::write(&file, bytes).unwrap();
    let out = t
        .run(["verify", "--snapshots"])
        .arg(&dir)
        .stdout_contains("FAIL snapshots:")
        .stdout_contains("2021-12-31.json")
        .stdout_lacks("ok: the log is intact")
        .failure(1);
    assert!(out.stderr.contains("2021-12-31.json"), "{}", out.stderr);
    let failing: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("FAIL"))
        .collect();
    assert_eq!(failing.len(), 1, "only the changed file fails: {failing:?}");
}

#[test]
fn verify_snapshots_still_passes_after_a_new_event() {
    let t = Test::new();
    t.ingest_fixture();
    let dir = snapshot_yearly(&t);
    // A retraction changes the 2023 landscape from now on, not as of seq 13.
    t.run(["retract", "cochair-iom-2023", "--reason", "test"])
        .success();
    assert_ne!(
        read_json(&dir.join("2023-12-31.json"))["groups"],
        t.state_json(&["--as-of", "2023"])["groups"]
    );
    t.run(["verify", "--snapshots"])
        .arg(&dir)
        .stdout_contains("checked 14 events")
        .stdout_contains("replayed and compared 4 snapshot(s) byte for byte")
        .stdout_contains("ok: the log is intact")
        .success();
}

#[test]
fn snapshot_at_a_month_writes_its_last_day() {
    let t = Test::new();
    t.ingest_fixture();
    let dir = t.path("at");
    t.run(["snapshot", "--at", "2021-06", "--out"])
        .arg(&dir)
        .stdout_contains("wrote 1 snapshot(s)")
        .success();
    assert_eq!(names(&dir), ["2021-06-30.json"]);
    assert_eq!(
        read_json(&dir.join("2021-06-30.json"))["as_of"],
        "2021-06-30"
    );
    t.run(["verify", "--snapshots"]).arg(&dir).success();
}

#[test]
fn snapshot_without_at_or_yearly_is_refused() {
    let t = Test::new();
    t.ingest_fixture();
    let dir = t.path("none");
    t.refuse(
        t.run(["snapshot", "--out"])
            .arg(&dir)
            .stderr_contains("--at")
            .stderr_contains("--yearly"),
    );
    assert!(!dir.exists(), "a refused snapshot created its folder");
}
