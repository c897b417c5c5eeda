//! The landscape as text and as Markdown.

use std::fmt::Write;

use super::layout::{Table, group_digits};
use super::{Style, flat, name_of};
use crate::date::Certainty;
use crate::projection::{Attestation, Instrument, Landscape};

fn mark(c: Certainty) -> &'static str {
    c.as_str()
}

fn cites(evidence: &[String]) -> String {
    format!("[{}]", evidence.join(", "))
}

/// When an entry holds: "since 2020-04", or for one resting on attestations
/// "attested 2023-07-18; no later source" (decision 0006), so that an attested
/// continuation never reads as a known start.
fn since(date: &str, attested: &Option<Attestation>) -> String {
    match attested {
        Some(a) => a.describe(),
        None => format!("since {date}"),
    }
}

/// A column of a group's members or roles: an attestation, which runs past the column,
/// in brackets, so that the certainty after it reads apart from it.
fn column(text: String, attested: &Option<Attestation>) -> String {
    match attested {
        Some(_) => format!("({text})"),
        None => text,
    }
}

/// The term of a role: "term 2023", "term 2022 (endorsed 2021-11-15)", or its
/// attestations for an attested role.
fn term(term: &str, decided: &Option<String>, attested: &Option<Attestation>) -> String {
    match (attested, decided) {
        (Some(a), _) => a.describe(),
        (None, Some(d)) => format!("term {term} (endorsed {d})"),
        (None, None) => format!("term {term}"),
    }
}

/// What an instrument's record says beyond its status, one clause each: its note, where
/// it was published, what it amends and is amended by, its transposition deadline.
pub fn instrument_details(i: &Instrument, name: &dyn Fn(&str) -> String) -> Vec<String> {
    let names = |ids: &[String]| ids.iter().map(|id| name(id)).collect::<Vec<_>>().join(", ");
    let mut details = Vec::new();
    if let Some(note) = &i.note {
        details.push(format!("note: {note}"));
    }
    if let Some(p) = &i.published_in {
        details.push(format!("published in {p}"));
    }
    if !i.amends.is_empty() {
        details.push(format!("amends {}", names(&i.amends)));
    }
    if !i.amended_by.is_empty() {
        details.push(format!("amended by {}", names(&i.amended_by)));
    }
    if let Some(d) = &i.transposition_deadline {
        details.push(format!("transposition deadline {d}"));
    }
    details
}

pub fn text(land: &Landscape, style: Style) -> String {
    let mut o = String::new();
    let n = |id: &str| name_of(land, id);
    let _ = writeln!(
        o,
        "{}",
        style.bold(&format!("Landscape as of {}", land.as_of))
    );
    let _ = writeln!(
        o,
        "log head: seq {} {}{}{}",
        land.log_head.seq,
        &land.log_head.hash[..16.min(land.log_head.hash.len())],
        land.known_at
            .map_or(String::new(), |k| format!(" (known at seq {k})")),
        land.reported_by
            .as_ref()
            .map_or(String::new(), |r| format!(" (sources published by {r})"))
    );
    if land.is_empty() {
        let _ = writeln!(o, "\nnothing is recorded for this date");
        return o;
    }
    for (id, group) in &land.groups {
        let _ = writeln!(o, "\n{}", style.bold(&format!("{} ({id})", n(id))));
        if !group.members.is_empty() {
            let _ = writeln!(o, "  members");
            let mut table = Table::new(4);
            for m in &group.members {
                table.row(
                    vec![
                        n(&m.member),
                        column(since(&m.since, &m.attestation), &m.attestation),
                        mark(m.certainty).to_owned(),
                    ],
                    format!(
                        "{}{}",
                        style.dim(&cites(&m.evidence)),
                        if m.conflict.is_empty() {
                            String::new()
                        } else {
                            style.changed(" CONFLICT: sources disagree on the date")
                        }
                    ),
                );
            }
            o.push_str(&table.render(style.width));
        }
        if !group.roles.is_empty() {
            let _ = writeln!(o, "  roles");
            let mut table = Table::new(4);
            for r in &group.roles {
                let who = match &r.representative {
                    Some(p) => format!("{} ({})", n(&r.holder), n(p)),
                    None => n(&r.holder),
                };
                table.row(
                    vec![
                        r.role.clone(),
                        who,
                        column(term(&r.term, &r.decided, &r.attestation), &r.attestation),
                        mark(r.certainty).to_owned(),
                    ],
                    style.dim(&cites(&r.evidence)),
                );
            }
            o.push_str(&table.render(style.width));
        }
        if !group.endorsed.is_empty() {
            let _ = writeln!(o, "  endorsed for terms not begun");
            let mut table = Table::new(4);
            for e in &group.endorsed {
                let who = match &e.representative {
                    Some(p) => format!("{} ({})", n(&e.holder), n(p)),
                    None => n(&e.holder),
                };
                table.row(
                    vec![
                        e.role.clone(),
                        who,
                        format!("for {} (endorsed {})", e.term, e.decided),
                        mark(e.certainty).to_owned(),
                    ],
                    style.dim(&cites(&e.evidence)),
                );
            }
            o.push_str(&table.render(style.width));
        }
    }
    if !land.calls.is_empty() {
        let _ = writeln!(
            o,
            "\n{}",
            style.bold("Calls to action and joint statements")
        );
        for c in &land.calls {
            let count = c
                .action_count
                .map_or(String::new(), |n| format!(", {n} actions"));
            let target = c
                .target
                .as_ref()
                .map_or(String::new(), |t| format!(", by {t}"));
            let issuers: Vec<String> = c.issuers.iter().map(|i| n(i)).collect();
            let _ = writeln!(o, "  {} {}", c.issued, flat(&c.title));
            let _ = writeln!(
                o,
                "    by {}{count}{target}; {} {}",
                issuers.join(", "),
                mark(c.certainty),
                style.dim(&cites(&c.evidence))
            );
            for claim in &c.conflict {
                let _ = writeln!(
                    o,
                    "    {} {} says {}",
                    style.changed("CONFLICT:"),
                    claim.event,
                    claim.value
                );
            }
        }
    }
    if !land.commitments.is_empty() {
        let _ = writeln!(o, "\n{}", style.bold("Commitments in force"));
        for c in &land.commitments {
            let _ = writeln!(
                o,
                "  {} ({}), {}, revision {}; {} {}",
                c.title,
                n(&c.owner),
                since(&c.since, &c.attestation),
                c.revision,
                mark(c.certainty),
                style.dim(&cites(&c.evidence))
            );
            for item in &c.items {
                let _ = writeln!(o, "    - {}", flat(item));
            }
        }
    }
    if !land.instruments.is_empty() {
        let _ = writeln!(o, "\n{}", style.bold("Instruments"));
        let mut table = Table::new(2);
        for i in &land.instruments {
            table.row(
                vec![
                    n(&i.instrument),
                    i.status.clone(),
                    format!("{};", since(&i.since, &i.attestation)),
                ],
                format!("{} {}", mark(i.certainty), style.dim(&cites(&i.evidence))),
            );
        }
        for (i, row) in land.instruments.iter().zip(table.render_rows(style.width)) {
            o.push_str(&row);
            for detail in instrument_details(i, &n) {
                let _ = writeln!(o, "    {}", flat(&detail));
            }
            for claim in &i.conflict {
                let _ = writeln!(
                    o,
                    "    {} {} says {}",
                    style.changed("CONFLICT:"),
                    claim.event,
                    claim.value
                );
            }
        }
    }
    if !land.statistics.is_empty() {
        let _ = writeln!(o, "\n{}", style.bold("Statistics (latest report)"));
        for s in &land.statistics {
            let by = s
                .reported_by
                .as_ref()
                .map_or(String::new(), |r| format!(", reported by {}", n(r)));
            let qualifier = s
                .qualifier
                .as_ref()
                .map_or(String::new(), |q| format!("{q} "));
            let scope = s
                .scope
                .as_ref()
                .map_or(String::new(), |sc| format!(", {sc}"));
            let about = s
                .subject
                .as_ref()
                .map_or(String::new(), |a| format!(", about {}", n(a)));
            let _ = writeln!(o, "  {}", flat(&s.label));
            let _ = writeln!(
                o,
                "    {qualifier}{} {} (period {}{scope}{about}{by}); {} {}",
                group_digits(&s.value.to_string()),
                s.unit,
                s.period,
                mark(s.certainty),
                style.dim(&cites(&s.evidence))
            );
            for claim in &s.conflict {
                let _ = writeln!(
                    o,
                    "    {} {} says {}",
                    style.changed("CONFLICT:"),
                    claim.event,
                    claim.value
                );
            }
        }
    }
    if !land.meetings.is_empty() {
        let _ = writeln!(o, "\n{}", style.bold("Meetings"));
        for m in &land.meetings {
            let place = m.place.as_ref().map_or(String::new(), |p| format!(", {p}"));
            let _ = writeln!(
                o,
                "  {} {}{place}; {} {}",
                m.held,
                flat(&m.title),
                mark(m.certainty),
                style.dim(&cites(&m.evidence))
            );
        }
    }
    if !land.publications.is_empty() {
        let _ = writeln!(o, "\n{}", style.bold("Publications"));
        for p in &land.publications {
            let attested = p
                .attestation
                .as_ref()
                .map_or(String::new(), |a| format!(", {}", a.describe()));
            let _ = writeln!(
                o,
                "  {} {} ({}){attested}; {} {}",
                p.released,
                flat(&p.title),
                n(&p.publisher),
                mark(p.certainty),
                style.dim(&cites(&p.evidence))
            );
        }
    }
    o
}

/// Escapes a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

pub fn markdown(land: &Landscape) -> String {
    let mut o = String::new();
    let n = |id: &str| name_of(land, id);
    let _ = writeln!(o, "# Landscape as of {}\n", land.as_of);
    let _ = writeln!(
        o,
        "Log head: seq {} `{}`{}\n",
        land.log_head.seq,
        land.log_head.hash,
        land.known_at
            .map_or(String::new(), |k| format!(", known at seq {k}"))
    );
    for (id, group) in &land.groups {
        let _ = writeln!(o, "## {} (`{id}`)\n", cell(&n(id)));
        if !group.members.is_empty() {
            let _ = writeln!(
                o,
                "| member | since | certainty | evidence |\n|---|---|---|---|"
            );
            for m in &group.members {
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} |",
                    cell(&n(&m.member)),
                    match &m.attestation {
                        Some(a) => a.describe(),
                        None => m.since.clone(),
                    },
                    mark(m.certainty),
                    m.evidence.join(", ")
                );
            }
            o.push('\n');
        }
        if !group.roles.is_empty() {
            let _ = writeln!(
                o,
                "| role | holder | term | certainty | evidence |\n|---|---|---|---|---|"
            );
            for r in &group.roles {
                let term = match (&r.attestation, &r.decided) {
                    (Some(a), _) => a.describe(),
                    (None, Some(d)) => format!("{} (endorsed {d})", r.term),
                    (None, None) => r.term.clone(),
                };
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} | {} |",
                    r.role,
                    cell(&n(&r.holder)),
                    term,
                    mark(r.certainty),
                    r.evidence.join(", ")
                );
            }
            o.push('\n');
        }
        if !group.endorsed.is_empty() {
            let _ = writeln!(
                o,
                "Endorsed for terms not begun:\n\n| role | holder | for term | endorsed | certainty | evidence |\n|---|---|---|---|---|---|"
            );
            for e in &group.endorsed {
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} | {} | {} |",
                    e.role,
                    cell(&n(&e.holder)),
                    e.term,
                    e.decided,
                    mark(e.certainty),
                    e.evidence.join(", ")
                );
            }
            o.push('\n');
        }
    }
    if !land.calls.is_empty() {
        let _ = writeln!(
            o,
            "## Calls to action and joint statements\n\n| issued | title | issuers | actions | target | certainty | evidence |\n|---|---|---|---|---|---|---|"
        );
        for c in &land.calls {
            let issuers: Vec<String> = c.issuers.iter().map(|i| n(i)).collect();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {}{} | {} |",
                c.issued,
                cell(&c.title),
                cell(&issuers.join(", ")),
                c.action_count.map_or("-".into(), |n| n.to_string()),
                c.target.as_deref().unwrap_or("-"),
                mark(c.certainty),
                if c.conflict.is_empty() {
                    ""
                } else {
                    " **conflict**"
                },
                c.evidence.join(", ")
            );
        }
        o.push('\n');
    }
    if !land.commitments.is_empty() {
        let _ = writeln!(o, "## Commitments in force\n");
        for c in &land.commitments {
            let since = match &c.attestation {
                Some(a) => {
                    let mut text = a.describe();
                    text[..1].make_ascii_uppercase();
                    text
                }
                None => format!("Since {}", c.since),
            };
            let _ = writeln!(
                o,
                "### {} ({})\n\n{since}, revision {}, {} — {}\n",
                cell(&c.title),
                cell(&n(&c.owner)),
                c.revision,
                mark(c.certainty),
                c.evidence.join(", ")
            );
            for item in &c.items {
                let _ = writeln!(o, "- {item}");
            }
            o.push('\n');
        }
    }
    if !land.instruments.is_empty() {
        let _ = writeln!(
            o,
            "## Instruments\n\n| instrument | status | since | certainty | details | evidence |\n|---|---|---|---|---|---|"
        );
        for i in &land.instruments {
            let details = instrument_details(i, &n);
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} |",
                cell(&n(&i.instrument)),
                i.status,
                match &i.attestation {
                    Some(a) => a.describe(),
                    None => i.since.clone(),
                },
                mark(i.certainty),
                if details.is_empty() {
                    "-".to_owned()
                } else {
                    cell(&details.join("; "))
                },
                i.evidence.join(", ")
            );
        }
        o.push('\n');
    }
    if !land.statistics.is_empty() {
        let _ = writeln!(
            o,
            "## Statistics\n\n| indicator | value | unit | period | about | reported by | certainty | evidence |\n|---|---|---|---|---|---|---|---|"
        );
        for s in &land.statistics {
            let _ = writeln!(
                o,
                "| {} | {}{} | {} | {} | {} | {} | {}{} | {} |",
                cell(&s.label),
                s.qualifier
                    .as_ref()
                    .map_or(String::new(), |q| format!("{q} ")),
                group_digits(&s.value.to_string()),
                cell(&s.unit),
                s.period,
                s.subject.as_deref().map_or("-".into(), |a| cell(&n(a))),
                s.reported_by.as_deref().map_or("-".into(), n),
                mark(s.certainty),
                if s.conflict.is_empty() {
                    ""
                } else {
                    " **conflict**"
                },
                s.evidence.join(", ")
            );
        }
        o.push('\n');
    }
    if !land.meetings.is_empty() {
        let _ = writeln!(
            o,
            "## Meetings\n\n| held | title | place | certainty | evidence |\n|---|---|---|---|---|"
        );
        for m in &land.meetings {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                m.held,
                cell(&m.title),
                cell(m.place.as_deref().unwrap_or("-")),
                mark(m.certainty),
                m.evidence.join(", ")
            );
        }
        o.push('\n');
    }
    if !land.publications.is_empty() {
        let _ = writeln!(
            o,
            "## Publications\n\n| released | title | publisher | certainty | evidence |\n|---|---|---|---|---|"
        );
        for p in &land.publications {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                match &p.attestation {
                    Some(a) => a.describe(),
                    None => p.released.clone(),
                },
                cell(&p.title),
                cell(&n(&p.publisher)),
                mark(p.certainty),
                p.evidence.join(", ")
            );
        }
        o.push('\n');
    }
    o
}
