use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::query::{self, Knowledge};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A date to snapshot (repeat); a year means its last day.
    #[arg(long, value_name = "DATE")]
    at: Vec<String>,
    /// The last day of every year the events touch.
    #[arg(long)]
    yearly: bool,
    /// Folder to write `YYYY-MM-DD.json` files into.
    #[arg(long, default_value = "snapshots")]
    out: PathBuf,
}

pub fn run(db: &Path, args: Args, verbosity: super::Verbosity) -> Result<()> {
    let store = super::open_read(db)?;
    let mut days = Vec::new();
    for at in &args.at {
        days.push(super::knowledge::query_day("--at", at)?.0);
    }
    if args.yearly {
        days.extend(crate::snapshot::yearly_days(&query::replay(
            &store,
            Knowledge::default(),
        )?));
    }
    if days.is_empty() {
        return Err(Error::Usage(
            "give --at DATE (repeatable) or --yearly".into(),
        ));
    }
    days.sort();
    days.dedup();
    let written = crate::snapshot::write(&store, &days, &args.out)?;
    let head = store.head()?;
    super::info(
        verbosity,
        &format!(
            "wrote {} snapshot(s) into {} from log head seq {} {}\n",
            written.len(),
            args.out.display(),
            head.seq,
            head.hash
        ),
    )
}
