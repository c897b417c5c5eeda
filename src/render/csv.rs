//! The landscape as CSV for spreadsheets and data tools: one table per section, or every
//! section in one tidy table with a `section` column. Every row carries its certainty,
//! the ids of the events behind it, their sources (document sha256) and their quotes, one
//! source and one quote per event in the same order (an event without either leaves its
//! place empty); lists inside a cell are joined with "; ", quotes with " | ".

use super::name_of;
use crate::projection::{Attestation, Claim, Landscape, Section};

/// The columns of each section's table, before the evidence columns.
trait Columns {
    fn header(self) -> &'static [&'static str];
}

impl Columns for Section {
    fn header(self) -> &'static [&'static str] {
        match self {
            Section::Members => &[
                "group",
                "group_name",
                "member",
                "member_name",
                "since",
                "certainty",
                "attested",
                "attested_next",
            ],
            Section::Roles => &[
                "group",
                "group_name",
                "role",
                "holder",
                "holder_name",
                "representative",
                "representative_name",
                "term",
                "certainty",
                "decided",
                "attested",
                "attested_next",
                "standing",
            ],
            Section::Representatives => &[
                "person",
                "person_name",
                "org",
                "org_name",
                "title",
                "attested",
                "certainty",
            ],
            Section::Calls => &[
                "call",
                "title",
                "issuers",
                "addressees",
                "action_count",
                "actions",
                "target",
                "issued",
                "certainty",
            ],
            Section::Commitments => &[
                "commitment",
                "owner",
                "owner_name",
                "title",
                "since",
                "revision",
                "certainty",
                "position",
                "item",
                "attested",
                "attested_next",
            ],
            Section::Instruments => &[
                "instrument",
                "instrument_name",
                "status",
                "note",
                "since",
                "certainty",
                "published_in",
                "amends",
                "amended_by",
                "transposition_deadline",
                "attested",
                "attested_next",
            ],
            Section::Statistics => &[
                "indicator",
                "label",
                "value",
                "qualifier",
                "unit",
                "period",
                "scope",
                "reported_by",
                "reported",
                "certainty",
                "subject",
            ],
            Section::Meetings => &[
                "meeting",
                "title",
                "organisers",
                "participants",
                "place",
                "held",
                "certainty",
            ],
            Section::Publications => &[
                "publication",
                "title",
                "publisher",
                "publisher_name",
                "released",
                "certainty",
                "attested",
                "attested_next",
            ],
        }
    }
}

/// The `attested` and `attested_next` cells of an entry (empty when it has a known start).
fn attested(a: &Option<Attestation>) -> [String; 2] {
    match a {
        Some(a) => [
            a.attested.clone(),
            a.attested_next.clone().unwrap_or_default(),
        ],
        None => [String::new(), String::new()],
    }
}

/// The columns every row ends with.
const EVIDENCE_COLUMNS: [&str; 4] = ["conflict", "evidence", "sources", "quotes"];

/// One section as a CSV table with a header row.
pub fn section(land: &Landscape, section: Section) -> String {
    let table = rows(land, section);
    write(&table.header, &table.rows)
}

/// One section's header and rows.
fn rows(land: &Landscape, section: Section) -> Table<'_> {
    let mut table = Table::new(land, section);
    let n = |id: &str| name_of(land, id);
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    match section {
        Section::Members => {
            for (group, g) in &land.groups {
                for m in &g.members {
                    table.row(
                        vec![
                            group.clone(),
                            n(group),
                            m.member.clone(),
                            n(&m.member),
                            m.since.clone(),
                            m.certainty.as_str().into(),
                        ]
                        .into_iter()
                        .chain(attested(&m.attestation))
                        .collect(),
                        &m.conflict,
                        &m.evidence,
                    );
                }
            }
        }
        Section::Roles => {
            for (group, g) in &land.groups {
                for r in &g.roles {
                    table.row(
                        vec![
                            group.clone(),
                            n(group),
                            r.role.clone(),
                            r.holder.clone(),
                            n(&r.holder),
                            opt(&r.representative),
                            r.representative.as_deref().map(n).unwrap_or_default(),
                            r.term.clone(),
                            r.certainty.as_str().into(),
                            opt(&r.decided),
                        ]
                        .into_iter()
                        .chain(attested(&r.attestation))
                        .chain(["held".to_owned()])
                        .collect(),
                        &[],
                        &r.evidence,
                    );
                }
                // Terms endorsed that have not begun: rows of their own, standing
                // "endorsed", never read as held.
                for e in &g.endorsed {
                    table.row(
                        vec![
                            group.clone(),
                            n(group),
                            e.role.clone(),
                            e.holder.clone(),
                            n(&e.holder),
                            opt(&e.representative),
                            e.representative.as_deref().map(n).unwrap_or_default(),
                            e.term.clone(),
                            e.certainty.as_str().into(),
                            e.decided.clone(),
                            String::new(),
                            String::new(),
                            "endorsed".to_owned(),
                        ],
                        &[],
                        &e.evidence,
                    );
                }
            }
        }
        Section::Representatives => {
            for r in &land.representatives {
                table.row(
                    vec![
                        r.person.clone(),
                        n(&r.person),
                        r.org.clone(),
                        n(&r.org),
                        opt(&r.title),
                        r.attested.clone(),
                        r.certainty.as_str().into(),
                    ],
                    &[],
                    &r.evidence,
                );
            }
        }
        Section::Calls => {
            for c in &land.calls {
                table.row(
                    vec![
                        c.call.clone(),
                        c.title.clone(),
                        c.issuers.join("; "),
                        c.addressees.join("; "),
                        c.action_count.map(|n| n.to_string()).unwrap_or_default(),
                        c.actions.join(" | "),
                        opt(&c.target),
                        c.issued.clone(),
                        c.certainty.as_str().into(),
                    ],
                    &c.conflict,
                    &c.evidence,
                );
            }
        }
        Section::Commitments => {
            for c in &land.commitments {
                for (i, item) in c.items.iter().enumerate() {
                    table.row(
                        vec![
                            c.commitment.clone(),
                            c.owner.clone(),
                            n(&c.owner),
                            c.title.clone(),
                            c.since.clone(),
                            c.revision.to_string(),
                            c.certainty.as_str().into(),
                            (i + 1).to_string(),
                            item.clone(),
                        ]
                        .into_iter()
                        .chain(attested(&c.attestation))
                        .collect(),
                        &[],
                        &c.evidence,
                    );
                }
            }
        }
        Section::Instruments => {
            for i in &land.instruments {
                table.row(
                    vec![
                        i.instrument.clone(),
                        land.entities
                            .get(&i.instrument)
                            .map(|e| e.name.clone())
                            .unwrap_or_default(),
                        i.status.clone(),
                        opt(&i.note),
                        i.since.clone(),
                        i.certainty.as_str().into(),
                        opt(&i.published_in),
                        i.amends.join("; "),
                        i.amended_by.join("; "),
                        opt(&i.transposition_deadline),
                    ]
                    .into_iter()
                    .chain(attested(&i.attestation))
                    .collect(),
                    &i.conflict,
                    &i.evidence,
                );
            }
        }
        Section::Statistics => {
            for s in &land.statistics {
                table.row(
                    vec![
                        s.indicator.clone(),
                        s.label.clone(),
                        s.value.to_string(),
                        opt(&s.qualifier),
                        s.unit.clone(),
                        s.period.clone(),
                        opt(&s.scope),
                        opt(&s.reported_by),
                        s.reported.clone(),
                        s.certainty.as_str().into(),
                        opt(&s.subject),
                    ],
                    &s.conflict,
                    &s.evidence,
                );
            }
        }
        Section::Meetings => {
            for m in &land.meetings {
                table.row(
                    vec![
                        m.meeting.clone(),
                        m.title.clone(),
                        m.organisers.join("; "),
                        m.participants.join("; "),
                        opt(&m.place),
                        m.held.clone(),
                        m.certainty.as_str().into(),
                    ],
                    &m.conflict,
                    &m.evidence,
                );
            }
        }
        Section::Publications => {
            for p in &land.publications {
                table.row(
                    vec![
                        p.publication.clone(),
                        p.title.clone(),
                        p.publisher.clone(),
                        n(&p.publisher),
                        p.released.clone(),
                        p.certainty.as_str().into(),
                    ]
                    .into_iter()
                    .chain(attested(&p.attestation))
                    .collect(),
                    &p.conflict,
                    &p.evidence,
                );
            }
        }
    }
    table
}

/// Every section in one tidy table that any CSV reader loads as it is: a `section` column
/// first, then every section's columns (a name two sections share, such as `title` or
/// `certainty`, is one column), then the evidence columns; a row leaves the columns of
/// other sections empty.
pub fn all_sections(land: &Landscape) -> String {
    let mut header: Vec<&str> = vec!["section"];
    for s in Section::ALL {
        for column in s.header() {
            if !header.contains(column) {
                header.push(column);
            }
        }
    }
    header.extend(EVIDENCE_COLUMNS);
    let mut all = Vec::new();
    for s in Section::ALL {
        let table = rows(land, s);
        let at: Vec<usize> = table
            .header
            .iter()
            .map(|c| header.iter().position(|h| h == c).expect("in the union"))
            .collect();
        for row in table.rows {
            let mut cells = vec![String::new(); header.len()];
            cells[0] = s.name().to_owned();
            for (cell, &i) in row.into_iter().zip(&at) {
                cells[i] = cell;
            }
            all.push(cells);
        }
    }
    write(&header, &all)
}

/// A header and rows as CSV text.
fn write(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(header)
        .expect("writing to memory cannot fail");
    for row in rows {
        writer
            .write_record(row)
            .expect("writing to memory cannot fail");
    }
    let bytes = writer.into_inner().expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("the cells are UTF-8")
}

struct Table<'a> {
    land: &'a Landscape,
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl<'a> Table<'a> {
    fn new(land: &'a Landscape, section: Section) -> Table<'a> {
        let header: Vec<&str> = section
            .header()
            .iter()
            .chain(EVIDENCE_COLUMNS.iter())
            .copied()
            .collect();
        Table {
            land,
            header,
            rows: Vec::new(),
        }
    }

    fn row(&mut self, mut cells: Vec<String>, conflict: &[Claim], evidence: &[String]) {
        // One source and one quote per event, in the order of `evidence`, so that the
        // n-th of each list belong together (two quotes from one document give its
        // sha256 twice).
        let cited: Vec<_> = evidence
            .iter()
            .map(|id| self.land.evidence.get(id))
            .collect();
        let sources: Vec<&str> = cited
            .iter()
            .map(|e| e.and_then(|e| e.source.as_deref()).unwrap_or_default())
            .collect();
        let quotes: Vec<&str> = cited
            .iter()
            .map(|e| e.and_then(|e| e.quote.as_deref()).unwrap_or_default())
            .collect();
        cells.push(if conflict.is_empty() {
            String::new()
        } else {
            serde_json::to_string(conflict).expect("claims serialise")
        });
        cells.push(evidence.join("; "));
        cells.push(sources.join("; "));
        cells.push(quotes.join(" | "));
        self.rows.push(cells);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_names_parse_back() {
        for s in Section::ALL {
            assert_eq!(Section::parse(s.name()), Some(s));
        }
        assert_eq!(Section::parse("member"), None);
    }

    #[test]
    fn every_header_ends_with_the_evidence_columns() {
        for s in Section::ALL {
            let land = crate::projection::Fold::default()
                .at(chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap());
            let text = section(&land, s);
            let header = text.lines().next().unwrap();
            assert!(
                header.ends_with("conflict,evidence,sources,quotes"),
                "{s}: {header}"
            );
        }
    }
}
