//! A diff as text (80 columns, coloured on a terminal) and as Markdown.

use std::fmt::Write;

use serde_json::Value;

use super::{Style, flat};
use crate::diff::{Change, Diff, ItemChange, Shown};

fn name(diff: &Diff, id: &str) -> String {
    diff.names.get(id).cloned().unwrap_or_else(|| id.to_owned())
}

fn field<'a>(v: &'a Option<Value>, key: &str) -> Option<&'a Value> {
    v.as_ref().and_then(|v| v.get(key)).filter(|v| !v.is_null())
}

fn text_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => "-".into(),
    }
}

/// "attested 2023-07-18; no later source" for an entry resting on attestations
/// (decision 0006); `None` for one with a known start.
fn attested(entry: &Option<Value>) -> Option<String> {
    let latest = text_of(Some(field(entry, "attested")?));
    Some(match field(entry, "attested_next") {
        Some(next) => format!("attested {latest}; again {}", text_of(Some(next))),
        None => format!("attested {latest}; no later source"),
    })
}

/// When an entry holds, in brackets' words: "since 2020-04", or its attestations.
fn since(entry: &Option<Value>, key: &str, word: &str) -> String {
    attested(entry).unwrap_or_else(|| format!("{word}{}", text_of(field(entry, key))))
}

/// An instrument's record beyond its status: "; note: …; published in …; amends …".
fn instrument_details(diff: &Diff, entry: &Option<Value>) -> String {
    let names = |key: &str| {
        field(entry, key)
            .and_then(Value::as_array)
            .filter(|ids| !ids.is_empty())
            .map(|ids| {
                ids.iter()
                    .map(|id| name(diff, id.as_str().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
    };
    let mut details = String::new();
    for (label, value) in [
        ("note: ", field(entry, "note").map(|v| text_of(Some(v)))),
        (
            "published in ",
            field(entry, "published_in").map(|v| text_of(Some(v))),
        ),
        ("amends ", names("amends")),
        ("amended by ", names("amended_by")),
        (
            "transposition deadline ",
            field(entry, "transposition_deadline").map(|v| text_of(Some(v))),
        ),
    ] {
        if let Some(value) = value {
            details.push_str(&format!("; {label}{value}"));
        }
    }
    details
}

/// A field's value in words: ids by their names, lists joined, nothing as `-`.
fn value_words(diff: &Diff, v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) if diff.names.contains_key(s) => name(diff, s),
        Some(Value::Array(items)) if items.is_empty() => "-".into(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| value_words(diff, Some(i)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Null) => "-".into(),
        other => text_of(other),
    }
}

/// What a change changed, field by field: "certainty attested → stated; term 2019 →
/// 2019/2021". `shown` are the fields the line says already; evidence is listed below it.
/// A change's entries before and after, read back from their texts to be described.
struct Values {
    before: Option<Value>,
    after: Option<Value>,
}

fn what_changed(diff: &Diff, v: &Values, shown: &[&str]) -> String {
    let (Some(Value::Object(before)), Some(Value::Object(after))) = (&v.before, &v.after) else {
        return String::new();
    };
    let mut keys: Vec<&String> = after.keys().chain(before.keys()).collect();
    keys.dedup();
    let mut seen = std::collections::BTreeSet::new();
    let mut parts = Vec::new();
    for key in keys {
        if !seen.insert(key) || shown.contains(&key.as_str()) || key == "evidence" {
            continue;
        }
        let (b, a) = (before.get(key), after.get(key));
        let null = |v: Option<&Value>| v.is_none_or(Value::is_null);
        if b == a || (null(b) && null(a)) {
            continue;
        }
        parts.push(format!(
            "{} {} → {}",
            key.replace('_', " "),
            value_words(diff, b),
            value_words(diff, a)
        ));
    }
    parts.join("; ")
}

/// One line saying what changed, in words; a change of an entry that stays says which
/// of its fields changed and from what.
pub fn describe(diff: &Diff, section: &str, c: &Change) -> String {
    let v = Values {
        before: c.before.as_ref().map(Shown::value),
        after: c.after.as_ref().map(Shown::value),
    };
    let line = describe_entry(diff, section, c, &v);
    if c.change != "changed" {
        return line;
    }
    // What the line shows as before → after already, or item by item below it.
    let shown: &[&str] = match section {
        "instruments" => &["status"],
        "statistics" => &["value", "qualifier", "unit", "period", "scope", "subject"],
        "commitments" => &["items"],
        _ => &[],
    };
    match what_changed(diff, &v, shown) {
        changed if changed.is_empty() => line,
        changed => format!("{line}: {changed}"),
    }
}

fn describe_entry(diff: &Diff, section: &str, c: &Change, v: &Values) -> String {
    let entry = if v.after.is_some() {
        &v.after
    } else {
        &v.before
    };
    let get = |k: &str| text_of(field(entry, k));
    let parts: Vec<&str> = c.subject.split(" / ").collect();
    match section {
        "membership" if c.what == "joined and left" => format!(
            "{} {} {} (left {})",
            name(diff, parts.get(1).unwrap_or(&"")),
            c.what,
            name(diff, parts[0]),
            get("left")
        ),
        "membership" if c.change == "changed" => format!(
            "{}'s membership of {} changed ({})",
            name(diff, parts.get(1).unwrap_or(&"")),
            name(diff, parts[0]),
            since(entry, "since", "since ")
        ),
        "membership" => format!(
            "{} {} {} ({})",
            name(diff, parts.get(1).unwrap_or(&"")),
            c.what,
            name(diff, parts[0]),
            since(entry, "since", "since ")
        ),
        "roles" if c.what == "endorsed as" => format!(
            "{} endorsed as {} for {} ({}) of {}",
            name(diff, &get("holder")),
            get("role"),
            get("term"),
            get("decided"),
            name(diff, parts[0]),
        ),
        "roles" => {
            let term = match (attested(entry), field(entry, "decided")) {
                (Some(a), _) => a,
                (None, Some(d)) => format!("term {}, endorsed {}", get("term"), text_of(Some(d))),
                (None, None) => format!("term {}", get("term")),
            };
            // A role that stays changes in what the fields after the line say (the
            // term, the certainty), not in who holds it.
            let what = if c.change == "changed" {
                "changed as"
            } else {
                c.what
            };
            format!(
                "{} {what} {} of {} ({term})",
                name(diff, &get("holder")),
                get("role"),
                name(diff, parts[0]),
            )
        }
        "calls" => {
            let count =
                field(entry, "action_count").map_or(String::new(), |n| format!(", {n} actions"));
            format!("{} {} ({}{count})", c.what, get("title"), get("issued"))
        }
        "commitments" => format!(
            "{} {} ({}, {})",
            c.what,
            get("title"),
            name(diff, &get("owner")),
            since(entry, "since", "since ")
        ),
        "instruments" => match (&v.before, &v.after) {
            (Some(_), Some(_)) => format!(
                "{}: {} → {} ({}){}",
                name(diff, &c.subject),
                text_of(field(&v.before, "status")),
                get("status"),
                since(entry, "since", "since "),
                instrument_details(diff, entry)
            ),
            _ => format!(
                "{}: {} {} ({}){}",
                name(diff, &c.subject),
                c.what,
                get("status"),
                since(entry, "since", "since "),
                instrument_details(diff, entry)
            ),
        },
        "statistics" => {
            let figure = |v: &Option<Value>| {
                let qualifier = field(v, "qualifier")
                    .map_or(String::new(), |q| format!("{} ", text_of(Some(q))));
                let scope =
                    field(v, "scope").map_or(String::new(), |s| format!(", {}", text_of(Some(s))));
                let about = field(v, "subject").map_or(String::new(), |s| {
                    format!(", about {}", name(diff, s.as_str().unwrap_or_default()))
                });
                format!(
                    "{qualifier}{} {} (period {}{scope}{about})",
                    super::layout::group_digits(&text_of(field(v, "value"))),
                    text_of(field(v, "unit")),
                    text_of(field(v, "period"))
                )
            };
            match (&v.before, &v.after) {
                (Some(_), Some(_)) => format!(
                    "{} {}: {} → {}",
                    c.what,
                    get("label"),
                    figure(&v.before),
                    figure(&v.after)
                ),
                _ => format!("{} {}: {}", c.what, get("label"), figure(entry)),
            }
        }
        "meetings" => format!("{} {} ({})", c.what, get("title"), get("held")),
        _ => format!(
            "{} {} ({})",
            c.what,
            get("title"),
            since(entry, "released", "")
        ),
    }
}

fn header(diff: &Diff) -> String {
    let mut h = format!("Changes from {} to {}", diff.from, diff.to);
    if let Some(k) = diff.known_at {
        h.push_str(&format!(", as known at seq {k}"));
    }
    h
}

pub fn text(diff: &Diff, notes: &[String], style: Style) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}", style.bold(&header(diff)));
    for note in notes {
        let _ = writeln!(o, "{}", style.dim(note));
    }
    if diff.is_empty() {
        let _ = writeln!(o, "\nno changes");
        return o;
    }
    for section in &diff.sections {
        if section.changes.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\n{}", style.bold(section.name()));
        for c in &section.changes {
            let (sign, paint): (&str, fn(&Style, &str) -> String) = match c.change {
                "added" => ("+", Style::added),
                "removed" => ("-", Style::removed),
                _ => ("~", Style::changed),
            };
            let line = flat(&describe(diff, section.name(), c));
            let _ = writeln!(o, "  {} {}", paint(&style, sign), line);
            let _ = writeln!(
                o,
                "    {}",
                style.dim(&flat(&format!("[{}]", c.evidence.join(", "))))
            );
            for item in &c.items {
                let _ = writeln!(o, "{}", item_line(item, style));
            }
        }
    }
    o
}

fn item_line(item: &ItemChange, style: Style) -> String {
    match item.op {
        "equal" => format!("      {}", flat(item.after.as_deref().unwrap_or(""))),
        // The colour starts after the indent, so that a wrapped item hangs under its text.
        "added" => format!(
            "    {}",
            style.added(&format!("+ {}", flat(item.after.as_deref().unwrap_or(""))))
        ),
        "removed" => format!(
            "    {}",
            style.removed(&format!("- {}", flat(item.before.as_deref().unwrap_or(""))))
        ),
        _ => {
            let words: String = item
                .words
                .iter()
                .map(|w| match w.op {
                    "added" => {
                        if style.color {
                            style.added(&w.text)
                        } else {
                            format!("{{+{}+}}", w.text)
                        }
                    }
                    "removed" => {
                        if style.color {
                            style.removed(&w.text)
                        } else {
                            format!("[-{}-]", w.text)
                        }
                    }
                    _ => w.text.clone(),
                })
                .collect();
            format!("    ~ {}", flat(&words))
        }
    }
}

pub fn markdown(diff: &Diff, notes: &[String]) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", header(diff));
    for note in notes {
        let _ = writeln!(o, "_{note}_\n");
    }
    if diff.is_empty() {
        let _ = writeln!(o, "No changes.");
        return o;
    }
    for section in &diff.sections {
        if section.changes.is_empty() {
            continue;
        }
        let _ = writeln!(o, "## {}\n", section.name());
        for c in &section.changes {
            let _ = writeln!(
                o,
                "- {} {} ({})",
                match c.change {
                    "added" => "➕",
                    "removed" => "➖",
                    _ => "✏️",
                },
                describe(diff, section.name(), c).replace('|', "\\|"),
                c.evidence.join(", ")
            );
            for item in &c.items {
                let line = match item.op {
                    "equal" => format!("  - {}", item.after.as_deref().unwrap_or("")),
                    "added" => format!("  - ➕ {}", item.after.as_deref().unwrap_or("")),
                    "removed" => format!("  - ➖ ~~{}~~", item.before.as_deref().unwrap_or("")),
                    _ => format!(
                        "  - ✏️ {}",
                        item.words
                            .iter()
                            .map(|w| match w.op {
                                "added" => format!("**{}**", w.text.trim()),
                                "removed" => format!("~~{}~~", w.text.trim()),
                                _ => w.text.clone(),
                            })
                            .collect::<Vec<_>>()
                            .join("")
                    ),
                };
                let _ = writeln!(o, "{line}");
            }
        }
        o.push('\n');
    }
    o
}
