use std::path::{Path, PathBuf};

use crate::error::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder to write the events files and their sources into.
    #[arg(long, default_value = "export")]
    out: PathBuf,
}

pub fn run(db: &Path, args: Args) -> Result<()> {
    let store = super::open_read(db)?;
    let report = crate::export::export(&store, &args.out)?;
    super::out(&format!(
        "wrote {} events and {} documents into {} ({} files)\n",
        report.events,
        report.documents,
        args.out.display(),
        report.files.len()
    ))
}
