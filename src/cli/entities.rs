//! `entities`: the entities the log knows, with their names, filtered by a substring.

use std::path::Path;

use serde_json::json;

use crate::error::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only entities whose id, name, acronym or an alias holds this text (any case); a
    /// name an entity had before a rename matches too.
    text: Option<String>,
    /// Name each entity as it was called on this date (a rename names it from its date
    /// on); without it, as it is called now.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

pub fn run(db: &Path, args: Args) -> Result<()> {
    let day = args
        .as_of
        .as_deref()
        .map(|d| super::knowledge::query_day("--as-of", d).map(|(day, _)| day))
        .transpose()?;
    let store = super::open_read(db)?;
    let wanted = args.text.as_deref().map(str::to_lowercase);
    let holds = |s: &str| wanted.as_ref().is_none_or(|w| s.to_lowercase().contains(w));
    let mut former: std::collections::HashMap<String, Vec<String>> = Default::default();
    for (id, name, acronym) in store.former_names()? {
        let names = former.entry(id).or_default();
        names.push(name);
        names.extend(acronym);
    }
    let mut entities: Vec<_> = store
        .known_entities()?
        .into_iter()
        .filter(|e| {
            holds(&e.id)
                || holds(&e.name)
                || e.acronym.as_deref().is_some_and(holds)
                || e.aliases.iter().any(|a| holds(a))
                || former
                    .get(&e.id)
                    .is_some_and(|n| n.iter().any(|n| holds(n)))
        })
        .collect();
    if let Some(day) = day {
        let renamed: Vec<&str> = entities
            .iter()
            .filter(|e| former.contains_key(&e.id))
            .map(|e| e.id.as_str())
            .collect();
        let on_day =
            store.entity_names_on(&renamed, crate::projection::periods::day_number(day))?;
        for named in on_day {
            if let Some(e) = entities.iter_mut().find(|e| e.id == named.id) {
                e.name = named.name;
                e.acronym = named.acronym;
            }
        }
    }
    match args.format {
        Format::Json => super::out_json(
            &entities
                .iter()
                .map(|e| {
                    json!({"id": e.id, "type": e.entity_type, "name": e.name,
                           "acronym": e.acronym, "aliases": e.aliases})
                })
                .collect::<Vec<_>>(),
        ),
        Format::Table => {
            // The name and aliases are free text after the columns, wrapped under their
            // start (or below a row whose id leaves them no room), so that no line is
            // wider than the terminal.
            let mut table = crate::render::layout::Table::new(0);
            table.row(
                ["ID", "TYPE", "ACRONYM"].map(String::from).to_vec(),
                "NAME (ALIASES)",
            );
            for e in &entities {
                let mut name = e.name.clone();
                if !e.aliases.is_empty() {
                    name.push_str(&format!(" ({})", e.aliases.join("; ")));
                }
                table.row(
                    vec![
                        e.id.clone(),
                        e.entity_type.to_string(),
                        e.acronym.clone().unwrap_or_else(|| "-".to_owned()),
                    ],
                    name,
                );
            }
            let mut t = table.render(crate::terminal::width());
            if entities.is_empty() {
                t.push_str(match &args.text {
                    Some(_) => "no entity matches; `policylog entities` lists them all\n",
                    None => {
                        "the log knows no entity yet; `policylog ingest` an events folder first\n"
                    }
                });
            }
            super::out(&t)
        }
    }
}
