use std::path::Path;

use crate::error::Result;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(db: &Path, _args: Args, verbosity: super::Verbosity) -> Result<()> {
    let mut store = super::open_write_existing(db)?;
    let started = std::time::Instant::now();
    let events = store.rebuild()?;
    super::info(
        verbosity,
        &format!(
            "rebuilt the derived tables from {events} events in {:.2} s; the events were not touched\n",
            started.elapsed().as_secs_f64()
        ),
    )
}
