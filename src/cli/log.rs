use std::path::Path;

use crate::date::{ValidTime, day_string, parse_query_day};
use crate::error::{Error, Result};
use crate::event::Event;
use crate::store::EventFilter;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only events of this kind (repeat for several).
    #[arg(long)]
    kind: Vec<String>,
    /// Only events whose payload names this entity, e.g. org:iom.
    #[arg(long)]
    entity: Option<String>,
    /// Only events from this document (sha256 or unique prefix).
    #[arg(long)]
    source: Option<String>,
    /// Only events whose valid time reaches this date or later (EDTF; a year means its
    /// first day here).
    #[arg(long)]
    from: Option<String>,
    /// Only events whose valid time starts on or before this date (a year means its last day).
    #[arg(long)]
    to: Option<String>,
    /// At most this many events.
    #[arg(long)]
    limit: Option<i64>,
    #[arg(long, value_enum, default_value = "table")]
    format: super::ListFormat,
}

pub fn run(db: &Path, args: Args) -> Result<()> {
    for kind in &args.kind {
        if !Event::KINDS.contains(&kind.as_str()) {
            return Err(Error::Usage(format!(
                "--kind `{kind}` is not a kind; one of {}",
                Event::KINDS.join(", ")
            )));
        }
    }
    let from = args
        .from
        .as_deref()
        .map(|t| ValidTime::parse(t).map_err(|e| Error::Usage(format!("--from: {e}"))))
        .transpose()?
        .and_then(|v| v.from());
    let to = args
        .to
        .as_deref()
        .map(|t| parse_query_day(t).map_err(|e| Error::Usage(format!("--to: {e}"))))
        .transpose()?
        .map(|(d, _)| d);
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(Error::Usage(format!(
            "--from ({}) is after --to ({}): nothing could match; give the earlier date to --from",
            day_string(from),
            day_string(to)
        )));
    }
    let store = super::open_read(db)?;
    // A filter on an entity the log does not know would list nothing, silently.
    if let Some(entity) = &args.entity {
        crate::query::require_entity(&store, "entity", entity)?;
    }
    let source = match &args.source {
        Some(prefix) => match store.documents_by_prefix(prefix)?.as_slice() {
            [one] => Some(one.to_string()),
            [] => {
                return Err(Error::NotFound(format!(
                    "no document with a sha256 starting with `{prefix}`"
                )));
            }
            _ => {
                return Err(Error::Usage(format!(
                    "--source `{prefix}` matches several documents; give more digits"
                )));
            }
        },
        None => None,
    };
    let filter = EventFilter {
        kinds: args.kind,
        entity: args.entity,
        source,
        valid_from: from.map(day_string),
        valid_to: to.map(day_string),
        limit: args.limit,
        ..EventFilter::default()
    };
    let mut text = String::new();
    let mut json = Vec::new();
    // Columns as wide as their widest cell, narrowed to the terminal (`render::layout`).
    let mut table = crate::render::layout::Table::new(0).right(0);
    if args.format == super::ListFormat::Table {
        table.row(
            ["SEQ", "KIND", "VALID", "ID", "SOURCE"]
                .map(String::from)
                .to_vec(),
            "",
        );
    }
    store.for_each_event(&filter, |e| {
        match args.format {
            super::ListFormat::Table => table.row(
                vec![
                    e.seq.to_string(),
                    e.kind.clone(),
                    e.valid.clone(),
                    e.id.clone(),
                    e.source
                        .as_deref()
                        .map_or("-", |s| &s[..12.min(s.len())])
                        .to_owned(),
                ],
                "",
            ),
            super::ListFormat::Json => json.push(e.to_json()),
            super::ListFormat::Jsonl => text.push_str(&format!("{}\n", e.to_json())),
        }
        Ok(())
    })?;
    if args.format == super::ListFormat::Table {
        text = table.render(crate::terminal::width());
    }
    if args.format == super::ListFormat::Json {
        text = format!(
            "{}\n",
            serde_json::to_string_pretty(&json).expect("serialises")
        );
    }
    super::out(&text)
}
