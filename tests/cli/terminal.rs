//! Text output fits the terminal (issue 23): no line of `state`, `log`, `documents`,
//! `diff`, `history` or `entities` is wider than `COLUMNS` (80 off a terminal), columns line up by
//! display width with a CJK-named member among them, and figures are grouped in text
//! while JSON keeps the raw number.

use serde_json::json;
use unicode_width::UnicodeWidthStr;

use crate::harness::*;

const NOTE: Doc = Doc {
    file: "sources/wide-note.txt",
    text: "A note with wide names and large figures\n\n\
           The Inter-Agency Coordination Group against Trafficking in Persons (ICAT) admitted two members.\n\
           The 中华人民共和国国际移民研究中心 joined ICAT in 2019.\n\
           The International Organization for Migration (IOM) joined ICAT in 2020.\n\
           Forced labour generates 150 billion US dollars a year in illicit profits.\n",
    title: "A note with wide names, a long title that runs well past the width of any terminal the tests pretend to have",
    publisher: "test",
    published: "2021",
};

fn lines() -> Vec<String> {
    vec![
        event(
            "reg-icat",
            "entity.registered",
            "2021",
            json!({"id": "org:icat", "type": "org", "name": "Inter-Agency Coordination Group against Trafficking in Persons", "acronym": "ICAT"}),
            "The Inter-Agency Coordination Group against Trafficking in Persons (ICAT)",
        ),
        event(
            "reg-cjk",
            "entity.registered",
            "2021",
            json!({"id": "org:cjk-centre", "type": "org", "name": "中华人民共和国国际移民研究中心"}),
            "The 中华人民共和国国际移民研究中心 joined ICAT in 2019.",
        ),
        event(
            "reg-iom",
            "entity.registered",
            "2021",
            json!({"id": "org:iom", "type": "org", "name": "International Organization for Migration", "acronym": "IOM"}),
            "The International Organization for Migration (IOM) joined ICAT in 2020.",
        ),
        event(
            "cjk-centre-joins-icat-in-the-year-two-thousand-and-nineteen",
            "membership.joined",
            "2019",
            json!({"member": "org:cjk-centre", "group": "org:icat"}),
            "The 中华人民共和国国际移民研究中心 joined ICAT in 2019.",
        ),
        event(
            "iom-joins",
            "membership.joined",
            "2020",
            json!({"member": "org:iom", "group": "org:icat"}),
            "The International Organization for Migration (IOM) joined ICAT in 2020.",
        ),
        event(
            "forced-labour-profits",
            "statistic.reported",
            "2021",
            json!({"indicator": "indicator:forced-labour-profits", "label": "Annual illicit profits of forced labour", "value": 150000000000u64,
                   "unit": "USD", "period": "2021"}),
            "Forced labour generates 150 billion US dollars a year in illicit profits.",
        ),
    ]
}

fn ingested() -> Test {
    let t = Test::new();
    t.write_events("events", "2021-wide-note.jsonl", &NOTE, &lines());
    t.run(["ingest"]).arg(t.path("events")).success();
    t
}

fn assert_fits(text: &str, columns: usize, what: &str) {
    for line in text.lines() {
        assert!(
            line.width() <= columns,
            "{what}: a line is {} columns wide, more than {columns}:\n{line}\n--- output\n{text}",
            line.width()
        );
    }
}

#[test]
fn no_text_line_is_wider_than_columns() {
    let t = ingested();
    for columns in [80, 60, 40] {
        for args in [
            vec!["state", "--as-of", "2024"],
            vec!["log"],
            vec!["documents"],
            vec!["diff", "2018", "2024"],
            vec!["history", "org:cjk-centre"],
            vec!["entities"],
        ] {
            let out = t
                .run(args.clone())
                .env("COLUMNS", columns.to_string())
                .success()
                .stdout;
            assert!(!out.is_empty());
            assert_fits(&out, columns, &args.join(" "));
        }
    }
    // Off a terminal and without COLUMNS the width is 80: the long title wraps.
    let out = t.run(["documents"]).success().stdout;
    assert_fits(&out, 80, "documents");
    assert!(out.lines().count() > 2, "the title was not wrapped:\n{out}");
}

#[test]
fn columns_align_by_display_width_with_a_cjk_name() {
    let t = ingested();
    let out = t
        .run(["state", "--as-of", "2024"])
        .env("COLUMNS", "80")
        .success()
        .stdout;
    // The members table: the date column starts at the same display column on both rows.
    let starts: Vec<usize> = out
        .lines()
        .filter(|l| l.contains("since 20"))
        .map(|l| l[..l.find("since").unwrap()].width())
        .collect();
    assert_eq!(starts.len(), 2, "{out}");
    assert_eq!(starts[0], starts[1], "the columns do not align:\n{out}");
    // The same in the log, whose id column holds a long id.
    let out = t.run(["log"]).env("COLUMNS", "80").success().stdout;
    let at = |l: &str, word: &str| l.find(word).map(|i| l[..i].width());
    let valid: Vec<usize> = out
        .lines()
        .filter_map(|l| at(l, "20"))
        .filter(|&c| c > 10)
        .collect();
    assert!(valid.len() >= 6, "{out}");
    assert!(valid.iter().all(|&c| c == valid[0]), "{out}");
}

#[test]
fn figures_are_grouped_in_text_and_raw_in_json_and_csv() {
    let t = ingested();
    t.run(["state", "--as-of", "2024"])
        .stdout_contains("150,000,000,000 USD")
        .success();
    t.run(["state", "--as-of", "2024", "--format", "markdown"])
        .stdout_contains("150,000,000,000")
        .success();
    t.run(["diff", "2020", "2024"])
        .stdout_contains("150,000,000,000 USD")
        .success();
    let state = t.state_json(&["--as-of", "2024"]);
    assert_eq!(state["statistics"][0]["value"], json!(150000000000u64));
    t.run([
        "state",
        "--as-of",
        "2024",
        "--format",
        "csv",
        "--section",
        "statistics",
    ])
    .stdout_contains(",150000000000,")
    .stdout_lacks("150,000")
    .success();
}
