//! The commands agree with one another (issue 23): `history` takes `--format` like
//! state, diff and log; entities print by name under `--reported-by` and as a
//! statistic's subject; a diff line for an entry that changed says what changed.

use serde_json::json;

use crate::harness::*;

#[test]
fn history_takes_format_like_the_other_queries() {
    let t = Test::with_fixture();
    let json = t.run(["history", "org:cbss", "--format", "json"]).success();
    let alias = t.run(["history", "org:cbss", "--json"]).success();
    assert_eq!(json.stdout, alias.stdout);
    assert_eq!(json.json()["entity"], "org:cbss");
    let text = t.run(["history", "org:cbss", "--format", "text"]).success();
    let default = t.run(["history", "org:cbss"]).success();
    assert_eq!(text.stdout, default.stdout);
    assert!(text.stdout.starts_with("History of"), "{}", text.stdout);
    // Two formats at once is a usage error, not a silent choice.
    t.run(["history", "org:cbss", "--json", "--format", "text"])
        .failure(2);
    t.run(["history", "org:cbss", "--format", "yaml"])
        .failure(2);
}

const REGISTRY: Doc = Doc {
    file: "sources/registry.txt",
    text: "A registry of 2022\n\nThe Office of Late Registration (OLR) is an office.\n",
    title: "A registry published after the membership",
    publisher: "test",
    published: "2022",
};

const JOINING: Doc = Doc {
    file: "sources/joining.txt",
    text: "A note of 2020\n\nThe Group (GRP) is a group. The OLR joined the Group in 2020.\n",
    title: "A note published in 2020",
    publisher: "test",
    published: "2020",
};

#[test]
fn reported_by_names_an_entity_whose_registration_was_published_later() {
    let t = Test::new();
    // The registry is ingested first (files go in name order) but was published later.
    t.write_events(
        "events",
        "2022-a-registry.jsonl",
        &REGISTRY,
        &[event(
            "reg-olr",
            "entity.registered",
            "2022",
            json!({"id": "org:olr", "type": "org", "name": "Office of Late Registration", "acronym": "OLR"}),
            "The Office of Late Registration (OLR) is an office.",
        )],
    );
    t.write_events(
        "events",
        "2022-b-joining.jsonl",
        &JOINING,
        &[
            event(
                "reg-grp",
                "entity.registered",
                "2020",
                json!({"id": "org:grp", "type": "org", "name": "The Group", "acronym": "GRP"}),
                "The Group (GRP) is a group.",
            ),
            event(
                "olr-joins",
                "membership.joined",
                "2020",
                json!({"member": "org:olr", "group": "org:grp"}),
                "The OLR joined the Group in 2020.",
            ),
        ],
    );
    t.run(["ingest"]).arg(t.path("events")).success();
    for format in ["table", "markdown"] {
        t.run([
            "state",
            "--as-of",
            "2021",
            "--reported-by",
            "2021",
            "--format",
            format,
        ])
        .stdout_contains("OLR")
        .stdout_lacks("org:olr")
        .success();
    }
    let state = t.state_json(&["--as-of", "2021", "--reported-by", "2021"]);
    assert_eq!(
        state["groups"]["org:grp"]["members"][0]["member"],
        "org:olr"
    );
    assert_eq!(state["entities"]["org:olr"]["acronym"], "OLR");
}

#[test]
fn a_statistic_subject_prints_by_its_name() {
    let t = Test::curated();
    let state = t.state_json(&["--as-of", "2024"]);
    let subjects: Vec<&str> = state["statistics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["subject"].as_str())
        .collect();
    assert!(!subjects.is_empty(), "no statistic has a subject to test");
    let text = t
        .run(["state", "--as-of", "2024"])
        .env("COLUMNS", "1000")
        .success()
        .stdout;
    let markdown = t
        .run(["state", "--as-of", "2024", "--format", "markdown"])
        .success()
        .stdout;
    let diff = t
        .run(["diff", "2018", "2024"])
        .env("COLUMNS", "1000")
        .success()
        .stdout;
    for subject in subjects {
        for (what, out) in [("state", &text), ("markdown", &markdown), ("diff", &diff)] {
            assert!(
                !out.contains(subject),
                "{what} prints the subject {subject} by its id:\n{out}"
            );
        }
    }
}

/// Every Markdown line of a changed entry (✏️) says what changed: a `→`, or for a
/// commitment's revision the items below it.
fn assert_changes_say_what(markdown: &str) -> usize {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut changed = 0;
    for (i, line) in lines.iter().enumerate() {
        if let Some(rest) = line.strip_prefix("- ✏️ ") {
            changed += 1;
            let items = lines
                .get(i + 1)
                .is_some_and(|next| next.starts_with("  - "));
            assert!(
                rest.contains('→') || (rest.starts_with("revised") && items),
                "a change that does not say what changed: {line}\n{markdown}"
            );
        }
    }
    changed
}

#[test]
fn a_changed_line_says_what_changed() {
    let t = Test::curated();
    let mut changed = 0;
    let years: Vec<String> = (2018..=2025).map(|y| y.to_string()).collect();
    for from in &years {
        for to in years.iter().filter(|to| *to > from) {
            let md = t
                .run(["diff", from, to, "--format", "markdown"])
                .success()
                .stdout;
            changed += assert_changes_say_what(&md);
        }
    }
    assert!(
        changed > 0,
        "no diff between the curated years changes an entry"
    );
}

/// Every `completions SHELL > FOLDER/FILE` recipe either follows a `mkdir -p` that
/// creates FOLDER or says on its line where the folder comes from.
fn assert_completion_folders_are_made(what: &str, text: &str) -> usize {
    let mut made: Vec<String> = Vec::new();
    let mut recipes = 0;
    for line in text.lines() {
        let line = line.trim();
        if let Some(dirs) = line.strip_prefix("mkdir -p ") {
            made.extend(dirs.split_whitespace().map(str::to_owned));
        }
        let Some((_, target)) = line
            .strip_prefix("policylog completions ")
            .and_then(|rest| rest.split_once('>'))
        else {
            continue;
        };
        let target = target.split_whitespace().next().unwrap_or_default();
        let folder = target.rsplit_once('/').map_or("", |(f, _)| f);
        recipes += 1;
        assert!(
            made.iter().any(|m| m == folder) || line.contains('#'),
            "{what}: `{line}` writes into {folder}, which may not exist: create it first"
        );
    }
    recipes
}

#[test]
fn completion_recipes_create_their_folders() {
    let recipes =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/recipes.md")).unwrap();
    assert_eq!(
        assert_completion_folders_are_made("docs/recipes.md", &recipes),
        3
    );
}

/// `--help` shows a command's long help, `-h` its one line: a doc comment on the
/// `Command` variant once replaced the long help, so the CSV layout and the completion
/// recipe were written but never shown.
#[test]
fn help_shows_each_commands_long_help() {
    let t = Test::new();
    for (command, long_only) in [
        ("state", "one tidy table"),
        ("completions", "mkdir -p"),
        ("ingest", "Re-ingesting appends nothing"),
        ("diff", "word by word"),
        ("datasette-metadata", "Datasette names a database"),
    ] {
        let long = t.run([command, "--help"]).success();
        assert!(
            long.stdout.contains(long_only),
            "{command} --help:\n{}",
            long.stdout
        );
        let short = t.run([command, "-h"]).success();
        assert!(
            !short.stdout.contains(long_only),
            "{command} -h:\n{}",
            short.stdout
        );
    }
}

/// README's command table names every command `--help` lists: a command added without
/// its row is a command a reader of the README never learns of.
#[test]
fn the_readme_command_table_lists_every_command() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let rows: Vec<&str> = readme
        .lines()
        .filter(|l| l.starts_with("| `policylog "))
        .collect();
    let help = Test::new().run(["--help"]).success().stdout;
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        // A command's name starts its line; a wrapped description is indented further.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.contains(&"datasette-metadata"), "{help}");
    for command in commands {
        let named = format!("`policylog {command}");
        assert!(
            rows.iter().any(|r| r.contains(&named)),
            "README's command table has no row for `policylog {command}`"
        );
    }
}
