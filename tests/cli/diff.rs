//! `diff FROM TO`: what changed between two dates, section by section in the fixed order
//! of MODEL.md §6, with revised commitments as item and word diffs.

use std::process::Command;

use serde_json::{Value, json};

use crate::harness::*;

const SECTIONS: [&str; 8] = [
    "membership",
    "roles",
    "calls",
    "commitments",
    "instruments",
    "statistics",
    "meetings",
    "publications",
];

fn diff_json(t: &Test, args: &[&str]) -> Value {
    t.run(["diff"])
        .args(args)
        .args(["--format", "json"])
        .success()
        .json()
}

/// The changes of one section: `(change, what, subject)`.
fn changes(diff: &Value, section: &str) -> Vec<(String, String, String)> {
    diff["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .find(|s| s["name"] == section)
        .unwrap_or_else(|| panic!("no section {section}"))["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (
                c["change"].as_str().unwrap().to_owned(),
                c["what"].as_str().unwrap().to_owned(),
                c["subject"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn change(change: &str, what: &str, subject: &str) -> (String, String, String) {
    (change.to_owned(), what.to_owned(), subject.to_owned())
}

/// Revises the fixture's priorities twice: 2024-03 adds an item, 2025-03 rewords one,
/// drops one and adds one. `title` is the commitment's title in both revisions.
fn revise_priorities(t: &Test, title: &str) {
    t.append_fixture_event(
        "commitment.set",
        "icat-priorities-2024",
        "2024-03",
        FIXTURE_PRIORITIES_SENTENCE,
        &[
            "commitment=commitment:icat-priorities",
            "owner=org:icat",
            &format!("title={title}"),
            r#"items=["Building the evidence base","Addressing the core drivers","Discouraging demand"]"#,
        ],
    );
    t.append_fixture_event(
        "commitment.set",
        "icat-priorities-2025",
        "2025-03",
        FIXTURE_PRIORITIES_SENTENCE,
        &[
            "commitment=commitment:icat-priorities",
            "owner=org:icat",
            &format!("title={title}"),
            r#"items=["Building the evidence base","Addressing the root drivers","Climate and trafficking"]"#,
        ],
    );
}

/// Runs the binary on a pseudo-terminal (util-linux `script`) and returns what it wrote.
fn on_a_terminal(t: &Test, args: &[&str], no_color: bool) -> String {
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut line = format!(
        "{} --db {}",
        quote(&bin().to_string_lossy()),
        quote(&t.db().to_string_lossy())
    );
    for arg in args {
        line.push(' ');
        line.push_str(&quote(arg));
    }
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .env_remove("NO_COLOR")
        .env("POLICYLOG_USER", "tester");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    let out = cmd
        .output()
        .expect("`script` (util-linux) runs, to give the binary a terminal");
    assert!(out.status.success(), "{line} on a terminal failed: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn diff_json_has_the_sections_in_the_fixed_order_and_terms_served_in_between() {
    let t = Test::new();
    let head = t.ingest_fixture();
    let diff = diff_json(&t, &["2022", "2024"]);
    assert_eq!(diff["from"], "2022-12-31");
    assert_eq!(diff["to"], "2024-12-31");
    assert_eq!(
        format!(
            "{} {}",
            diff["log_head"]["seq"],
            diff["log_head"]["hash"].as_str().unwrap()
        ),
        head
    );
    let names: Vec<&str> = diff["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, SECTIONS);
    // The 2023 co-chairs are in office on neither date, but served in between.
    assert_eq!(
        changes(&diff, "roles"),
        [
            change("added", "began as", "org:icat / coordinator / org:unodc"),
            change("added", "served as", "org:icat / co-chair / org:iom"),
            change("added", "served as", "org:icat / co-chair / org:osrsg-vac"),
        ]
    );
    let served = &diff["sections"][1]["changes"][1];
    assert_eq!(served["after"]["term"], "2023");
    assert_eq!(served["evidence"], json!(["cochair-iom-2023"]));
    // The CBSS was a member on both dates: no change.
    assert_eq!(changes(&diff, "membership"), []);
    assert_eq!(
        changes(&diff, "commitments"),
        [change("added", "added", "commitment:icat-priorities")]
    );
    assert_eq!(
        changes(&diff, "instruments"),
        [change(
            "added",
            "status reported",
            "instrument:eu-anti-trafficking-directive"
        )]
    );
    assert_eq!(
        changes(&diff, "statistics"),
        [change(
            "added",
            "reported",
            "indicator:children-share-of-detected-victims"
        )]
    );
}

#[test]
fn diff_text_says_which_dates_were_compared() {
    let t = Test::new();
    t.ingest_fixture();
    let out = t
        .run(["diff", "2022", "2024"])
        .stdout_contains("Changes from 2022-12-31 to 2024-12-31")
        .stdout_contains("2022 is read as its last day, 2022-12-31")
        .stdout_contains("2024 is read as its last day, 2024-12-31")
        .stdout_contains("IOM served as co-chair of ICAT (term 2023)")
        .stdout_contains("OSRSG-VAC served as co-chair of ICAT (term 2023)")
        .stdout_contains("UNODC began as coordinator of ICAT (term 2023-07-18/..)")
        .success();
    // Sections print in the fixed order.
    let headings: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| SECTIONS.contains(l))
        .collect();
    assert_eq!(
        headings,
        ["roles", "commitments", "instruments", "statistics"]
    );
    // A full date is not "read as" anything.
    t.run(["diff", "2022-12-31", "2024-12-31"])
        .stdout_lacks("is read as")
        .success();
}

#[test]
fn diff_of_identical_dates_is_empty() {
    let t = Test::new();
    t.ingest_fixture();
    let diff = diff_json(&t, &["2023", "2023-12-31"]);
    for section in SECTIONS {
        assert_eq!(changes(&diff, section), [], "{section}");
    }
    t.run(["diff", "2023-07-18", "2023-07-18"])
        .stdout_contains("no changes")
        .success();
    t.run(["diff", "2023", "2023", "--format", "markdown"])
        .stdout_contains("No changes.")
        .success();
}

#[test]
fn diff_from_after_to_is_refused() {
    let t = Test::new();
    t.ingest_fixture();
    t.refuse(
        t.run(["diff", "2024", "2022"])
            .stderr_contains("FROM (2024-12-31) is after TO (2022-12-31)"),
    );
    t.refuse(
        t.run(["diff", "2022", "2023-02-30"])
            .stderr_contains("2023-02-30"),
    );
}

#[test]
fn diff_section_keeps_only_that_section() {
    let t = Test::new();
    t.ingest_fixture();
    let diff = diff_json(&t, &["2022", "2024", "--section", "roles"]);
    let names: Vec<&Value> = diff["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["name"])
        .collect();
    assert_eq!(names, [&json!("roles")]);
    assert_eq!(changes(&diff, "roles").len(), 3);
    t.run(["diff", "2022", "2024", "--section", "roles"])
        .stdout_contains("IOM served as co-chair")
        .stdout_lacks("commitments")
        .stdout_lacks("Directive")
        .success();
    t.refuse(
        t.run(["diff", "2022", "2024", "--section", "nope"])
            .stderr_contains("nope"),
    );
}

#[test]
fn a_revised_commitment_shows_an_item_diff_and_a_word_diff() {
    let t = Test::new();
    t.ingest_fixture();
    revise_priorities(&t, "ICAT priority areas");
    assert_eq!(
        t.state_json(&["--as-of", "2025"])["commitments"][0]["revision"],
        3
    );

    // 2023 → 2024: one item added.
    let diff = diff_json(&t, &["2023", "2024", "--section", "commitments"]);
    let revised = &diff["sections"][0]["changes"][0];
    assert_eq!(revised["change"], "changed");
    assert_eq!(revised["what"], "revised");
    let ops: Vec<&Value> = revised["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["op"])
        .collect();
    assert_eq!(ops, [&json!("equal"), &json!("equal"), &json!("added")]);

    // 2024 → 2025: one item kept, one reworded, one dropped, one new.
    let diff = diff_json(&t, &["2024", "2025", "--section", "commitments"]);
    let revised = &diff["sections"][0]["changes"][0];
    assert_eq!(revised["subject"], "commitment:icat-priorities");
    assert_eq!(revised["evidence"], json!(["icat-priorities-2025"]));
    let items = revised["items"].as_array().unwrap();
    let lines: Vec<(&Value, &Value, &Value)> = items
        .iter()
        .map(|i| (&i["op"], &i["before"], &i["after"]))
        .collect();
    assert_eq!(
        lines,
        [
            (
                &json!("equal"),
                &json!("Building the evidence base"),
                &json!("Building the evidence base")
            ),
            (
                &json!("changed"),
                &json!("Addressing the core drivers"),
                &json!("Addressing the root drivers")
            ),
            (
                &json!("removed"),
                &json!("Discouraging demand"),
                &Value::Null
            ),
            (
                &json!("added"),
                &Value::Null,
                &json!("Climate and trafficking")
            ),
        ]
    );
    let words: Vec<(&str, &str)> = items[1]["words"]
        .as_array()
        .expect("a changed item has its word diff")
        .iter()
        .map(|w| (w["op"].as_str().unwrap(), w["text"].as_str().unwrap()))
        .collect();
    assert!(words.contains(&("removed", "core")), "{words:?}");
    assert!(words.contains(&("added", "root")), "{words:?}");
    let rebuilt: String = words
        .iter()
        .filter(|(op, _)| *op != "removed")
        .map(|(_, text)| *text)
        .collect();
    assert_eq!(rebuilt, "Addressing the root drivers");

    // The same in words: marked up when not coloured.
    t.run(["diff", "2024", "2025"])
        .stdout_contains("~ revised ICAT priority areas (ICAT, since 2025-03)")
        .stdout_contains("~ Addressing the [-core-]{+root+} drivers")
        .stdout_contains("- Discouraging demand")
        .stdout_contains("+ Climate and trafficking")
        .success();
    t.run(["diff", "2024", "2025", "--format", "markdown"])
        .stdout_contains("- ✏️ Addressing the ~~core~~**root** drivers")
        .stdout_contains("- ➖ ~~Discouraging demand~~")
        .stdout_contains("- ➕ Climate and trafficking")
        .success();
}

#[test]
fn diff_text_has_no_ansi_escapes_when_piped_or_with_no_color() {
    let t = Test::new();
    t.ingest_fixture();
    revise_priorities(&t, "ICAT priority areas");
    let args = ["diff", "2024", "2025"];
    // Piped (as every run of the Test builder is): plain.
    let piped = t.run(args).stdout_contains("[-core-]{+root+}").success();
    assert!(!piped.stdout.contains('\x1b'), "{:?}", piped.stdout);
    let piped = t.run(args).env("NO_COLOR", "1").success();
    assert!(!piped.stdout.contains('\x1b'), "{:?}", piped.stdout);
    // On a terminal: coloured, unless NO_COLOR is set.
    let coloured = on_a_terminal(&t, &args, false);
    assert!(
        coloured.contains("\x1b["),
        "no colour on a terminal: {coloured:?}"
    );
    let plain = on_a_terminal(&t, &args, true);
    assert!(
        plain.contains("Changes from 2024-12-31 to 2025-12-31"),
        "{plain:?}"
    );
    assert!(
        !plain.contains('\x1b'),
        "NO_COLOR=1 still coloured: {plain:?}"
    );
    assert!(plain.contains("[-core-]{+root+}"), "{plain:?}");
}

/// Lines longer than 80 columns, other than those holding a word too long to fit in 80
/// columns at the line's indentation.
fn overlong(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| {
            let indent = l.chars().take_while(|c| *c == ' ').count();
            l.chars().count() > 80
                && l.split_whitespace()
                    .all(|w| indent + w.chars().count() <= 80)
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn diff_text_lines_fit_in_80_columns() {
    let t = Test::new();
    t.ingest_fixture();
    // Long items that must wrap, and one token that cannot.
    t.append_fixture_event(
        "commitment.set",
        "icat-priorities-long",
        "2024-03",
        FIXTURE_PRIORITIES_SENTENCE,
        &[
            "commitment=commitment:icat-priorities",
            "owner=org:icat",
            "title=ICAT priority areas",
            r#"items=["Building the evidence base on trafficking in persons, including on the trafficking of children and on the links between trafficking and conflict, climate change and displacement","Addressing the root drivers of trafficking in persons, among them poverty, inequality, discrimination, conflict and the demand that fosters exploitation","See https://example.org/a-very-long-address-that-no-terminal-could-ever-hope-to-wrap-at-eighty-columns"]"#,
        ],
    );
    for args in [
        ["diff", "2019", "2025"],
        ["diff", "2023", "2024"],
        ["diff", "2022", "2024"],
    ] {
        let out = t.run(args).success();
        assert_eq!(overlong(&out.stdout), Vec::<String>::new(), "{args:?}");
    }
    // The token that cannot wrap is printed whole.
    t.run(["diff", "2023", "2024"])
        .stdout_contains(
            "https://example.org/a-very-long-address-that-no-terminal-could-ever-hope-to-wrap-at-eighty-columns",
        )
        .success();
}

#[test]
fn diff_text_first_line_of_a_long_change_fits_in_80_columns() {
    let t = Test::new();
    t.ingest_fixture();
    revise_priorities(
        &t,
        "ICAT priority areas for the coordination of the United Nations system and other international organisations",
    );
    let out = t.run(["diff", "2024", "2025"]).success();
    assert_eq!(
        overlong(&out.stdout),
        Vec::<String>::new(),
        "{}",
        out.stdout
    );
}

#[test]
fn diff_markdown_has_a_heading_and_a_section_per_change_kind() {
    let t = Test::new();
    t.ingest_fixture();
    let out = t
        .run(["diff", "2022", "2024", "--format", "markdown"])
        .stdout_contains("# Changes from 2022-12-31 to 2024-12-31\n")
        .stdout_contains("_2022 is read as its last day, 2022-12-31_")
        .stdout_contains("## roles\n")
        .stdout_contains("- ➕ IOM served as co-chair of ICAT (term 2023) (cochair-iom-2023)")
        .stdout_contains(
            "- ➕ OSRSG-VAC served as co-chair of ICAT (term 2023) (cochair-osrsg-vac-2023)",
        )
        .stdout_lacks("## membership")
        .success();
    let headings: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .collect();
    assert_eq!(
        headings,
        ["roles", "commitments", "instruments", "statistics"]
    );
    assert!(!out.stdout.contains('\x1b'));
}

/// `tests/golden/fixture-diff-2019-2023.md`: `diff 2019 2023 --format markdown` on the
/// fixture. To regenerate after an intended change:
/// `UPDATE_GOLDEN=1 cargo test --test cli golden`, then review the diff.
#[test]
fn golden_fixture_diff_2019_2023_markdown() {
    let t = Test::new();
    t.ingest_fixture();
    let out = t
        .run(["diff", "2019", "2023", "--format", "markdown"])
        .success();
    assert_golden("fixture-diff-2019-2023.md", &out.stdout);
}

#[test]
fn a_term_served_in_between_cites_every_source_of_it_once() {
    let t = Test::new();
    t.ingest_fixture();
    // A second event for the IOM's 2023 co-chair term, quoting the same sentence.
    t.run([
        "append",
        "--json",
        &sourced(
            "cochair-iom-2023-again",
            "role.assigned",
            "2023",
            json!({"group": "org:icat", "holder": "org:iom", "role": "co-chair"}),
            "In 2023, ICAT is co-chaired by the International Organization for Migration (IOM)",
        ),
    ])
    .success();
    let diff = diff_json(&t, &["2022", "2024"]);
    assert_eq!(
        changes(&diff, "roles"),
        [
            change("added", "began as", "org:icat / coordinator / org:unodc"),
            change("added", "served as", "org:icat / co-chair / org:iom"),
            change("added", "served as", "org:icat / co-chair / org:osrsg-vac"),
        ]
    );
    let served = &diff["sections"][1]["changes"][1];
    assert_eq!(
        served["evidence"],
        json!(["cochair-iom-2023", "cochair-iom-2023-again"])
    );
    assert_eq!(
        diff["sections"][1]["changes"][2]["evidence"],
        json!(["cochair-osrsg-vac-2023"])
    );
}
