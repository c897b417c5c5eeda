//! The shell: completions, the man page, --quiet and --verbose, progress only on a
//! terminal, and the documented exit codes.

use crate::common::{EVENTS, Log};

#[test]
fn completions_know_every_subcommand() {
    let log = Log::empty();
    for shell in ["bash", "zsh", "fish"] {
        let script = log.ok(&["completions", shell]);
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
    assert_eq!(log.run(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn the_man_page_documents_commands_and_exit_codes() {
    let log = Log::empty();
    let page = log.ok(&["man"]);
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
    let said = log.ok(&["man", "--out", dir.to_str().unwrap()]);
    assert!(said.starts_with("wrote "), "{said}");
    for page in ["policylog.1", "policylog-state.1", "policylog-timeline.1"] {
        assert!(dir.join(page).exists(), "{page} not written");
    }
}

#[test]
fn quiet_keeps_data_and_drops_chatter() {
    let log = Log::empty();
    let said = log.ok(&["--quiet", "ingest", EVENTS]);
    assert_eq!(said, "");
    let output = log.run(&["-q", "ingest", EVENTS]);
    assert!(output.status.success());
    assert!(output.stdout.is_empty() && output.stderr.is_empty());
    // Data still prints.
    assert_eq!(log.ok(&["-q", "head"]).split_whitespace().count(), 2);
    assert!(
        log.ok(&["state", "--as-of", "2023", "-q"])
            .contains("Landscape as of 2023-12-31")
    );
    // Errors still print, with their exit code.
    let bad = log.run(&["-q", "state", "--as-of", "2023-02-30"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(!bad.stderr.is_empty());
    assert_eq!(log.run(&["-q", "-v", "head"]).status.code(), Some(2));
}

#[test]
fn verbose_adds_what_each_file_brought() {
    let log = Log::empty();
    let said = log.ok(&["--verbose", "ingest", EVENTS]);
    let files: Vec<&str> = said
        .lines()
        .filter(|l| l.contains(".jsonl: ") && l.ends_with(" new event(s), 0 already in the log"))
        .collect();
    assert_eq!(files.len(), 5, "{said}");
    assert!(
        files[0].contains("2020-12-15-cbss-joins-icat.jsonl"),
        "{said}"
    );
    let out = log.path("exported");
    let said = log.ok(&["-v", "export", "--out", out.to_str().unwrap()]);
    assert!(
        said.contains("2023-07-18-eu-atc-policy-exchange.jsonl"),
        "{said}"
    );
}

#[test]
fn no_progress_bar_outside_a_terminal() {
    let log = Log::empty();
    let ingest = log.run(&["ingest", EVENTS]);
    assert!(ingest.status.success());
    assert!(
        ingest.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&ingest.stderr)
    );
    let out = log.path("exported");
    let export = log.run(&["export", "--out", out.to_str().unwrap()]);
    assert!(export.status.success() && export.stderr.is_empty());
}
