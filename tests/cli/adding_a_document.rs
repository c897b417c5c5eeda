//! README "Adding a document", followed step by step on a copy of the repository with a
//! small new document: `policylog add` drafts its events file, the review keeps the
//! proposals and writes what `add` left out (stamped like the lines `add` wrote),
//! `ingest --dry-run` finds nothing, `ingest` takes it, `scripts/curated.sh update`
//! rewrites what follows from the data (events/HEAD, snapshots/, docs/timeline.svg), and
//! then the checks CI runs on the curated data pass: `scripts/curated.sh check` (ingest;
//! `verify --snapshots snapshots --expect-head <events/HEAD>`; the figure).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::harness::*;

/// The new document's text, and the lines its review writes by hand (a meeting and a
/// work plan `add` leaves out), without their stamps.
const NEW_DOCUMENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/new-document");

/// What the repository holds that the curated data and its checks need.
fn copy_repository(to: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["events", "snapshots", "scripts"] {
        copy_dir(&repo.join(folder), &to.join(folder));
    }
    fs::create_dir_all(to.join("docs")).expect("docs/");
    fs::copy(repo.join("docs/timeline.svg"), to.join("docs/timeline.svg")).expect("copy");
}

/// README steps 1 and 2, run in the copy as a maintainer would: `policylog add` drafts
/// the events file into `events/` (its proposals must be the note's three facts), and the
/// review appends the lines written by hand with the stamp of the lines `add` wrote.
/// Returns the events file.
fn add_document(t: &Test, repo: &Path) -> PathBuf {
    let incoming = repo.join("incoming/icat-annual-note-2025.txt");
    fs::create_dir_all(incoming.parent().unwrap()).unwrap();
    fs::copy(
        Path::new(NEW_DOCUMENT).join("icat-annual-note-2025.txt"),
        &incoming,
    )
    .unwrap();
    let out = Cmd::new(repo, Some(t.db()))
        .args(["add", "incoming/icat-annual-note-2025.txt"])
        .args(["--title", "ICAT annual note, March 2025"])
        .args(["--published", "2025-03", "--publisher", "org:icat"])
        .stdout_contains("3 proposed event(s)")
        .stdout_contains("policylog ingest --dry-run events")
        .success();
    let file = repo.join(out.stdout.lines().next().expect("the events file"));
    assert_eq!(
        file,
        repo.join("events/2025-03-icat-annual-note-march-2025.jsonl")
    );
    assert!(
        repo.join("events/sources/icat-annual-note-2025.txt")
            .is_file()
    );
    let text = fs::read_to_string(&file).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The review: the three facts are right, as add proposed them.
    let facts: Vec<(&str, &str, &Value)> = lines[1..]
        .iter()
        .map(|l| {
            (
                l["kind"].as_str().unwrap(),
                l["valid"].as_str().unwrap(),
                &l["payload"],
            )
        })
        .collect();
    assert_eq!(
        facts,
        [
            (
                "role.assigned",
                "2021",
                &serde_json::json!({"group": "org:icat", "holder": "org:ilo", "role": "co-chair"})
            ),
            (
                "instrument.status",
                "2024-06",
                &serde_json::json!({"instrument": "instrument:eu-anti-trafficking-directive", "status": "revised"})
            ),
            (
                "membership.joined",
                "2025-03",
                &serde_json::json!({"group": "org:icat", "member": "org:ilo"})
            ),
        ],
        "{text}"
    );
    // What it left out, written by hand with the stamp of the lines add wrote.
    let mut reviewed = text;
    let by_hand = fs::read_to_string(Path::new(NEW_DOCUMENT).join("by-hand.jsonl")).unwrap();
    for line in by_hand.lines() {
        let mut event: Value = serde_json::from_str(line).unwrap();
        event["recorded_at"] = lines[1]["recorded_at"].clone();
        event["recorded_by"] = lines[1]["recorded_by"].clone();
        reviewed.push_str(&format!("{event}\n"));
    }
    fs::write(&file, reviewed).unwrap();
    file
}

/// Runs `scripts/curated.sh MODE` in the copy with the binary under test.
fn curated_sh(repo: &Path, mode: &str) -> (Option<i32>, String) {
    let out = Command::new("bash")
        .arg(repo.join("scripts/curated.sh"))
        .arg(mode)
        .env("POLICYLOG_BIN", bin())
        .env_remove("POLICYLOG_DB")
        .output()
        .expect("bash runs scripts/curated.sh");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), said)
}

/// Every file under `root` with its sha256.
fn hashes(root: &Path) -> BTreeMap<PathBuf, String> {
    files_under(root)
        .into_iter()
        .map(|file| {
            let hash = file_hash(&root.join(&file));
            (file, hash)
        })
        .collect()
}

#[test]
fn readme_adding_a_document_ends_with_the_curated_checks_passing() {
    let t = Test::new();
    let repo = t.path("repo");
    copy_repository(&repo);
    let old_head = fs::read_to_string(repo.join("events/HEAD")).expect("events/HEAD");
    let old_svg = fs::read_to_string(repo.join("docs/timeline.svg")).expect("timeline");
    // The maintainer's log already holds the curated events.
    t.run(["ingest"]).arg(repo.join("events")).success();

    // 1–2: draft with add, review.
    let file = add_document(&t, &repo);
    // 3: check; nothing is written.
    let before = t.state();
    Cmd::new(&repo, Some(t.db()))
        .args(["ingest", "--dry-run", "events"])
        .stdout_contains("1 new document(s), 5 already in the log; 5 new event(s)")
        .stdout_contains("no problem found")
        .stdout_lacks("without `recorded_at`")
        .success();
    assert_eq!(t.state(), before, "the dry run wrote into the log");
    // 4: ingest into the maintainer's log.
    Cmd::new(&repo, Some(t.db()))
        .args(["ingest", "events"])
        .stdout_contains("5 new event(s)")
        .success();

    // Before the update, each file that follows from the data is named, with the fix.
    let (code, said) = curated_sh(&repo, "check");
    assert_eq!(code, Some(1), "check passed on stale files:\n{said}");
    for stale in ["events/HEAD", "snapshots/", "docs/timeline.svg"] {
        assert!(
            said.lines().any(|l| l.contains("FAIL")
                && l.contains(stale)
                && l.contains("curated.sh update")),
            "check does not name {stale} with its fix:\n{said}"
        );
    }
    // 5: update, then what CI runs on the curated data passes.
    let (code, said) = curated_sh(&repo, "update");
    assert_eq!(code, Some(0), "update failed:\n{said}");
    let (code, said) = curated_sh(&repo, "check");
    assert_eq!(code, Some(0), "check failed after update:\n{said}");

    // The head kept is the one the maintainer's log reached, the one the binary reaches
    // from the new events/ on a fresh log, and it moved.
    let new_head = fs::read_to_string(repo.join("events/HEAD")).expect("events/HEAD");
    assert_ne!(new_head, old_head);
    // SEQ HASH ANCHOR, as `head` prints it.
    assert_eq!(
        new_head.trim_end(),
        t.run(["head"]).success().stdout.trim_end()
    );
    let fresh = Test::new();
    fresh.run(["ingest"]).arg(repo.join("events")).success();
    assert_eq!(
        new_head.trim_end(),
        fresh.run(["head"]).success().stdout.trim_end()
    );
    let new_lines = fs::read_to_string(&file).unwrap().lines().count() as i64 - 1;
    assert_eq!(
        fresh.event_ids().len() as i64,
        curated_event_count() + new_lines
    );
    // The new year has its snapshot; the figure is redrawn.
    assert!(repo.join("snapshots/2025-12-31.json").is_file());
    assert_ne!(
        fs::read_to_string(repo.join("docs/timeline.svg")).expect("timeline"),
        old_svg
    );

    // On unchanged data, update changes no file.
    let before = hashes(&repo);
    let (code, said) = curated_sh(&repo, "update");
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("nothing to update"), "{said}");
    assert_eq!(hashes(&repo), before, "a second update changed files");
}
