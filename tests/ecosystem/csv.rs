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
fn without_a_section_one_tidy_table_holds_every_section() {
    let log = Test::curated();
    let text = log
        .run(["state", "--as-of", "2024", "--format", "csv"])
        .success()
        .stdout;
    // Read as a data tool reads it: a strict reader refuses a row whose field count
    // differs from the header's.
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let header = reader.headers().expect("a header").clone();
    assert_eq!(&header[0], "section");
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}: {header:?}"))
    };
    let (section, evidence, sources, quotes) = (
        column("section"),
        column("evidence"),
        column("sources"),
        column("quotes"),
    );
    // The header once: no later row repeats it.
    let mut seen = Vec::new();
    let mut rows = 0;
    for record in reader.records() {
        let record = record.expect("every row has the header's field count");
        assert_eq!(record.len(), header.len());
        assert_ne!(&record[section], "section", "the header is repeated");
        if !seen.contains(&record[section].to_owned()) {
            seen.push(record[section].to_owned());
        }
        // One source and one quote per evidence id, in the same order.
        let ids: Vec<&str> = record[evidence].split("; ").collect();
        let srcs: Vec<&str> = record[sources].split("; ").collect();
        let said: Vec<&str> = record[quotes].split(" | ").collect();
        assert!(!record[evidence].is_empty(), "{record:?}");
        assert_eq!(ids.len(), srcs.len(), "sources do not line up: {record:?}");
        assert_eq!(ids.len(), said.len(), "quotes do not line up: {record:?}");
        rows += 1;
    }
    assert!(rows > 0);
    assert_eq!(
        seen,
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
    // A row of one section fills its own columns: a member row names its member, a
    // statistic row its value.
    let members = log
        .run([
            "state",
            "--as-of",
            "2024",
            "--format",
            "csv",
            "--section",
            "members",
        ])
        .success()
        .stdout;
    let member_rows = members.lines().count() - 1;
    assert_eq!(
        text.lines().filter(|l| l.starts_with("members,")).count(),
        member_rows
    );
}

#[test]
fn a_quote_and_its_source_share_a_place_in_their_lists() {
    // The meeting cites one event per participant, all quoting the same document: its
    // sha256 is listed once per quote, never collapsed into one.
    let log = Test::curated();
    let text = log
        .run([
            "state",
            "--as-of",
            "2024",
            "--format",
            "csv",
            "--section",
            "meetings",
        ])
        .success()
        .stdout;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (evidence, sources, quotes) = (at("evidence"), at("sources"), at("quotes"));
    let mut several = 0;
    for record in reader.records() {
        let record = record.unwrap();
        let n = record[evidence].split("; ").count();
        assert_eq!(record[sources].split("; ").count(), n, "{record:?}");
        assert_eq!(record[quotes].split(" | ").count(), n, "{record:?}");
        several += usize::from(n > 1);
    }
    assert!(several > 0, "no meeting cites several events:\n{text}");
}

#[test]
fn section_goes_with_csv_only() {
    let log = Test::curated();
    log.run(["state", "--section", "roles"]).failure(2);
    log.run(["state", "--format", "csv", "--section", "nope"])
        .failure(2);
}
