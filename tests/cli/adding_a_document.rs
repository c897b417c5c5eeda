//! README "Adding a document", followed on a copy of the repository: a new document and
//! its events file go into `events/`, `scripts/curated.sh update` rewrites what follows
//! from the data (events/HEAD, snapshots/, docs/timeline.svg), and then the checks CI
//! runs on the curated data (`scripts/curated.sh check`) pass.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::*;

/// The new document and its events file (three events quoting it).
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

/// README steps 1 and 2: the text under `events/sources/`, its events file beside the
/// others. (When `policylog add` writes the events file, this is where it goes.)
fn add_document(repo: &Path) {
    copy_dir(Path::new(NEW_DOCUMENT), &repo.join("events"));
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
fn a_new_document_needs_one_update_and_then_passes_the_curated_checks() {
    let t = Test::new();
    let repo = t.path("repo");
    copy_repository(&repo);
    let old_head = fs::read_to_string(repo.join("events/HEAD")).expect("events/HEAD");
    let old_svg = fs::read_to_string(repo.join("docs/timeline.svg")).expect("timeline");

    add_document(&repo);
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

    let (code, said) = curated_sh(&repo, "update");
    assert_eq!(code, Some(0), "update failed:\n{said}");
    let (code, said) = curated_sh(&repo, "check");
    assert_eq!(code, Some(0), "check failed after update:\n{said}");

    // The head kept is the one the binary reaches from the new events/, and it moved.
    let new_head = fs::read_to_string(repo.join("events/HEAD")).expect("events/HEAD");
    assert_ne!(new_head, old_head);
    t.run(["ingest"]).arg(repo.join("events")).success();
    assert_eq!(new_head.trim_end(), t.head());
    assert_eq!(
        t.event_ids().len() as i64,
        curated_event_count() + events_in(Path::new(NEW_DOCUMENT))
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
