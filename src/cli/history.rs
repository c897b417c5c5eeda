use std::path::Path;

use crate::error::Result;
use crate::render;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The entity, e.g. org:iom or call:icat-call-accelerated-action-2025.
    id: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(db: &Path, args: Args) -> Result<()> {
    let store = super::open_read(db)?;
    let history = crate::query::history(&store, &args.id)?;
    let text = if args.json {
        format!(
            "{}\n",
            serde_json::to_string_pretty(&history).expect("serialises")
        )
    } else {
        crate::terminal::render(|style| render::history::text(&history, style))
    };
    super::out(&text)
}
