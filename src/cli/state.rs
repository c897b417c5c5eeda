use std::path::Path;

use crate::date::today;
use crate::error::{Error, Result};
use crate::projection;
use crate::render::{self, Style};

#[derive(Debug, clap::Args)]
#[command(
    long_about = "Fold the log into the landscape as of a date (valid time): members of each \
group with the date they joined, roles in office, calls issued so far, commitments in force, each \
instrument's latest status, the latest value of each statistic, meetings and publications so far. \
Every entry says whether it is certain or only possible at that date and cites the events behind it. \
A bare year means its last day (2023 = 2023-12-31), a month its last day."
)]
pub struct Args {
    /// The date (default today). A year or month means its last day.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    #[command(flatten)]
    knowledge: super::knowledge::KnowledgeArgs,
    /// Only this group (e.g. org:icat) and the entries that involve it.
    #[arg(long, value_name = "ID")]
    group: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
}

pub fn run(db: &Path, args: Args) -> Result<()> {
    let (day, note) = match &args.as_of {
        Some(text) => super::knowledge::query_day("--as-of", text)?,
        None => (today(), None),
    };
    let store = super::open_read(db)?;
    let knowledge = args.knowledge.resolve(&store)?;
    if let Some(group) = &args.group
        && !store.entity_known(group)?
    {
        return Err(Error::NotFound(format!(
            "no group `{group}` in the log (ids look like org:icat)"
        )));
    }
    let land = projection::state_at(&store, day, knowledge, args.group.as_deref())?;
    let mut text = match args.format {
        Format::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&land).expect("serialises")
        ),
        Format::Markdown => render::state::markdown(&land),
        Format::Table => render::state::text(
            &land,
            Style {
                color: render::use_color(),
            },
        ),
    };
    if let (Some(note), Format::Table | Format::Markdown) = (note, args.format) {
        text = format!("({note})\n{text}");
    }
    super::out(&text)
}
