use std::path::Path;

use crate::error::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON (`{"seq":…,"hash":…}`).
    #[arg(long)]
    json: bool,
}

pub fn run(db: &Path, args: Args) -> Result<()> {
    let head = super::open_read(db)?.head()?;
    if args.json {
        super::out(&format!(
            "{}\n",
            serde_json::json!({"seq": head.seq, "hash": head.hash})
        ))
    } else {
        super::out(&format!("{} {}\n", head.seq, head.hash))
    }
}
