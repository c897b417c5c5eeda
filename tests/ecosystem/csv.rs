//! `state --format csv`: one table per section, loadable by any CSV reader.

use crate::harness::*;

/// Splits CSV text into records with the `csv` rules the tables follow (quoted cells may
/// hold commas, quotes and line breaks).
fn records(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => cell.push(c),
        }
    }
    rows
}

#[test]
fn a_section_is_one_plain_table() {
    let log = Test::curated();
    let text = log
        .run([
            "state",
            "--as-of",
            "2023",
            "--format",
            "csv",
            "--section",
            "roles",
        ])
        .success()
        .stdout;
    let rows = records(&text);
    assert_eq!(
        rows[0][..9],
        [
            "group",
            "group_name",
            "role",
            "holder",
            "holder_name",
            "representative",
            "representative_name",
            "term",
            "certainty"
        ]
    );
    let co_chairs: Vec<&str> = rows[1..]
        .iter()
        .filter(|r| r[2] == "co-chair")
        .map(|r| r[4].as_str())
        .collect();
    assert_eq!(co_chairs, ["IOM", "OSRSG-VAC"]);
    let header = &rows[0];
    let quotes = header.iter().position(|h| h == "quotes").unwrap();
    assert!(
        rows[1..]
            .iter()
            .all(|r| r.len() == header.len() && !r[quotes].is_empty())
    );
}

#[test]
fn out_writes_one_file_per_section() {
    let log = Test::curated();
    let out = log.path("tables");
    let dir = out.to_str().unwrap();
    let said = log
        .run([
            "state",
            "--as-of",
            "2023-07-18",
            "--format",
            "csv",
            "--out",
            dir,
        ])
        .success()
        .stdout;
    assert!(said.contains("wrote 9 CSV file(s)"), "{said}");
    for section in [
        "members",
        "roles",
        "representatives",
        "calls",
        "commitments",
        "instruments",
        "statistics",
        "meetings",
        "publications",
    ] {
        let text = std::fs::read_to_string(out.join(format!("{section}.csv"))).unwrap();
        assert!(records(&text).len() > 1, "{section}.csv has no rows");
    }
    let instruments = std::fs::read_to_string(out.join("instruments.csv")).unwrap();
    assert!(instruments.contains("under_revision"));
    let commitments = records(&std::fs::read_to_string(out.join("commitments.csv")).unwrap());
    // One row per item, numbered.
    assert!(commitments[1..].iter().any(|r| r[7] == "4"));
}

#[test]
fn without_a_section_every_table_prints_under_its_name() {
    let log = Test::curated();
    let text = log
        .run(["state", "--as-of", "2023", "--format", "csv"])
        .success()
        .stdout;
    let names: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("# ")).collect();
    assert_eq!(
        names,
        [
            "members",
            "roles",
            "representatives",
            "calls",
            "commitments",
            "instruments",
            "statistics",
            "meetings",
            "publications"
        ]
    );
}

#[test]
fn section_goes_with_csv_only() {
    let log = Test::curated();
    log.run(["state", "--section", "roles"]).failure(2);
    log.run(["state", "--format", "csv", "--section", "nope"])
        .failure(2);
}
