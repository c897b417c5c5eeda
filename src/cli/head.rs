use std::path::Path;

use crate::error::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON (`{"seq":…,"hash":…,"anchor":…}`).
    #[arg(long)]
    json: bool,
}

pub fn run(db: &Path, args: Args) -> Result<()> {
    let store = super::open_read(db)?;
    let (head, anchor) = store.read(|| {
        let head = store.head()?;
        let anchor = store.anchor(&head.hash)?;
        Ok((head, anchor))
    })?;
    if args.json {
        super::out(&format!(
            "{}\n",
            serde_json::json!({"seq": head.seq, "hash": head.hash, "anchor": anchor})
        ))
    } else {
        // The anchor last: the one to keep, since it covers the documents too.
        super::out(&format!("{} {} {anchor}\n", head.seq, head.hash))
    }
}
