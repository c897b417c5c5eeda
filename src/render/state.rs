//! The landscape as text and as Markdown.

use std::fmt::Write;

use super::{Style, name_of, wrap};
use crate::date::Certainty;
use crate::projection::Landscape;

fn mark(c: Certainty) -> &'static str {
    match c {
        Certainty::Certain => "certain",
        Certainty::Possible => "possible",
    }
}

fn cites(evidence: &[String]) -> String {
    format!("[{}]", evidence.join(", "))
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
            for m in &group.members {
                let _ = writeln!(
                    o,
                    "    {:<14} since {:<12} {:<9} {}{}",
                    n(&m.member),
                    m.since,
                    mark(m.certainty),
                    style.dim(&cites(&m.evidence)),
                    if m.conflict.is_empty() {
                        String::new()
                    } else {
                        style.changed(" CONFLICT: sources disagree on the date")
                    }
                );
            }
        }
        if !group.roles.is_empty() {
            let _ = writeln!(o, "  roles");
            for r in &group.roles {
                let who = match &r.representative {
                    Some(p) => format!("{} ({})", n(&r.holder), n(p)),
                    None => n(&r.holder),
                };
                let _ = writeln!(
                    o,
                    "    {:<12} {:<28} term {:<14} {:<9} {}",
                    r.role,
                    who,
                    r.term,
                    mark(r.certainty),
                    style.dim(&cites(&r.evidence))
                );
            }
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
            let _ = writeln!(o, "  {} {}", c.issued, wrap(&c.title, 76, 4));
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
                "  {} ({}), since {}, revision {}; {} {}",
                c.title,
                n(&c.owner),
                c.since,
                c.revision,
                mark(c.certainty),
                style.dim(&cites(&c.evidence))
            );
            for item in &c.items {
                let _ = writeln!(o, "    - {}", wrap(item, 76, 6));
            }
        }
    }
    if !land.instruments.is_empty() {
        let _ = writeln!(o, "\n{}", style.bold("Instruments"));
        for i in &land.instruments {
            let _ = writeln!(
                o,
                "  {:<40} {:<15} since {}; {} {}",
                n(&i.instrument),
                i.status,
                i.since,
                mark(i.certainty),
                style.dim(&cites(&i.evidence))
            );
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
            let _ = writeln!(o, "  {}", wrap(&s.label, 78, 4));
            let _ = writeln!(
                o,
                "    {qualifier}{} {} (period {}{scope}{by}); {} {}",
                s.value,
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
                wrap(&m.title, 70, 4),
                mark(m.certainty),
                style.dim(&cites(&m.evidence))
            );
        }
    }
    if !land.publications.is_empty() {
        let _ = writeln!(o, "\n{}", style.bold("Publications"));
        for p in &land.publications {
            let _ = writeln!(
                o,
                "  {} {} ({}); {} {}",
                p.released,
                wrap(&p.title, 70, 4),
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
                    m.since,
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
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} | {} |",
                    r.role,
                    cell(&n(&r.holder)),
                    r.term,
                    mark(r.certainty),
                    r.evidence.join(", ")
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
            let _ = writeln!(
                o,
                "### {} ({})\n\nSince {}, revision {}, {} — {}\n",
                cell(&c.title),
                cell(&n(&c.owner)),
                c.since,
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
            "## Instruments\n\n| instrument | status | since | certainty | evidence |\n|---|---|---|---|---|"
        );
        for i in &land.instruments {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                cell(&n(&i.instrument)),
                i.status,
                i.since,
                mark(i.certainty),
                i.evidence.join(", ")
            );
        }
        o.push('\n');
    }
    if !land.statistics.is_empty() {
        let _ = writeln!(
            o,
            "## Statistics\n\n| indicator | value | unit | period | reported by | certainty | evidence |\n|---|---|---|---|---|---|---|"
        );
        for s in &land.statistics {
            let _ = writeln!(
                o,
                "| {} | {}{} | {} | {} | {} | {}{} | {} |",
                cell(&s.label),
                s.qualifier
                    .as_ref()
                    .map_or(String::new(), |q| format!("{q} ")),
                s.value,
                cell(&s.unit),
                s.period,
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
                p.released,
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
