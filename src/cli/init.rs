use std::path::Path;

use crate::error::Result;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(db: &Path, _args: Args, verbosity: super::Verbosity) -> Result<()> {
    let store = super::open_write(db)?;
    let head = store.head()?;
    super::info(
        verbosity,
        &format!(
            "log {} ready: {} events, head {}\n",
            db.display(),
            head.seq,
            head.hash
        ),
    )
}
