//! The shell: completions, the man page, --quiet and --verbose, progress only on a
//! terminal, and the documented exit codes.

use crate::harness::*;

#[test]
fn completions_know_every_subcommand() {
    let log = Test::new();
    for shell in ["bash", "zsh", "fish"] {
        let script = log.run(["completions", shell]).success().stdout;
        for word in [
            "ingest",
            "state",
            "timeline",
            "completions",
            "as-of",
            "quiet",
        ] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    log.run(["completions", "tcsh"]).failure(2);
}

#[test]
fn the_man_page_documents_commands_and_exit_codes() {
    let log = Test::new();
    let page = log.run(["man"]).success().stdout;
    assert!(
        page.contains("\n.TH policylog 1"),
        "{}",
        &page[..200.min(page.len())]
    );
    for text in [
        "EXIT STATUS",
        "POLICYLOG_DB",
        "timeline",
        "verify",
        "A check failed",
    ] {
        assert!(page.contains(text), "the man page lacks {text}");
    }
    let dir = log.path("man");
    let said = log
        .run(["man", "--out", dir.to_str().unwrap()])
        .success()
        .stdout;
    assert!(said.starts_with("wrote "), "{said}");
    for page in ["policylog.1", "policylog-state.1", "policylog-timeline.1"] {
        assert!(dir.join(page).exists(), "{page} not written");
    }
}

#[test]
fn quiet_keeps_data_and_drops_chatter() {
    let log = Test::new();
    let said = log
        .run(["--quiet", "ingest", CURATED_EVENTS])
        .success()
        .stdout;
    assert_eq!(said, "");
    let output = log.run(["-q", "ingest", CURATED_EVENTS]).success();
    assert!(output.stdout.is_empty() && output.stderr.is_empty());
    // Data still prints.
    assert_eq!(
        log.run(["-q", "head"])
            .success()
            .stdout
            .split_whitespace()
            .count(),
        3
    );
    assert!(
        log.run(["state", "--as-of", "2023", "-q"])
            .success()
            .stdout
            .contains("Landscape as of 2023-12-31")
    );
    // Errors still print, with their exit code.
    let bad = log.run(["-q", "state", "--as-of", "2023-02-30"]).failure(2);
    assert!(!bad.stderr.is_empty());
    log.run(["-q", "-v", "head"]).failure(2);
}

#[test]
fn verbose_adds_what_each_file_brought() {
    let log = Test::new();
    let said = log
        .run(["--verbose", "ingest", CURATED_EVENTS])
        .success()
        .stdout;
    let files: Vec<&str> = said
        .lines()
        .filter(|l| l.contains(".jsonl: ") && l.ends_with(" new event(s), 0 already in the log"))
        .collect();
    // One line per events file, in the order ingest reads them.
    let names = curated_events_files();
    assert_eq!(files.len(), names.len(), "{said}");
    for (line, name) in files.iter().zip(&names) {
        assert!(
            line.contains(name.as_str()),
            "{name} not at its place: {said}"
        );
    }
    let out = log.path("exported");
    let said = log
        .run(["-v", "export", "--out", out.to_str().unwrap()])
        .success()
        .stdout;
    for name in &names {
        assert!(said.contains(name.as_str()), "{name}: {said}");
    }
}

#[test]
fn no_progress_bar_outside_a_terminal() {
    let log = Test::new();
    let ingest = log.run(["ingest", CURATED_EVENTS]).success();
    assert!(ingest.stderr.is_empty(), "{}", ingest.stderr);
    let out = log.path("exported");
    let export = log
        .run(["export", "--out", out.to_str().unwrap()])
        .success();
    assert!(export.stderr.is_empty(), "{}", export.stderr);
}
