//! `entities`: the entities the log knows, with their names, filtered by a substring.

use std::path::Path;

use serde_json::json;

use crate::error::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only entities whose id, name, acronym or an alias holds this text (any case).
    text: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

pub fn run(db: &Path, args: Args) -> Result<()> {
    let store = super::open_read(db)?;
    let wanted = args.text.as_deref().map(str::to_lowercase);
    let holds = |s: &str| wanted.as_ref().is_none_or(|w| s.to_lowercase().contains(w));
    let entities: Vec<_> = store
        .known_entities()?
        .into_iter()
        .filter(|e| {
            holds(&e.id)
                || holds(&e.name)
                || e.acronym.as_deref().is_some_and(holds)
                || e.aliases.iter().any(|a| holds(a))
        })
        .collect();
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
            let width = entities
                .iter()
                .map(|e| e.id.chars().count())
                .max()
                .unwrap_or(2)
                .max(2);
            let mut t = format!(
                "{:<width$}  {:<12} {:<10} NAME (ALIASES)\n",
                "ID", "TYPE", "ACRONYM"
            );
            for e in &entities {
                t.push_str(&format!(
                    "{:<width$}  {:<12} {:<10} {}",
                    e.id,
                    e.entity_type,
                    e.acronym.as_deref().unwrap_or("-"),
                    e.name
                ));
                if !e.aliases.is_empty() {
                    t.push_str(&format!(" ({})", e.aliases.join("; ")));
                }
                t.push('\n');
            }
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
