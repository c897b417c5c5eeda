use std::path::Path;

use crate::error::Result;
use crate::render;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The entity, e.g. org:iom or call:icat-call-accelerated-action-2025.
    id: String,
    /// The output format, as for state, diff and log.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Print JSON (the same as --format json).
    #[arg(long, conflicts_with = "format")]
    json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(db: &Path, args: Args) -> Result<()> {
    let store = super::open_read(db)?;
    let history = crate::query::history(&store, &args.id)?;
    if args.json || args.format == Format::Json {
        return super::out_json(&history);
    }
    super::out(&crate::terminal::render(|style| {
        render::history::text(&history, style)
    }))
}
