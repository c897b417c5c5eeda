use std::path::{Path, PathBuf};

use crate::error::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Events files or folders of them (`*.jsonl`); default `events/`.
    paths: Vec<PathBuf>,
}

pub fn run(db: &Path, args: Args) -> Result<()> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("events")]
    } else {
        args.paths
    };
    let mut store = super::open_write(db)?;
    let report = crate::ingest::ingest(&mut store, &paths, crate::clock::recorder())?;
    let head = report
        .head
        .clone()
        .unwrap_or_else(|| store.head().expect("head readable"));
    let mut text = format!(
        "read {} file(s): {} new document(s), {} already in the log; {} new event(s), {} already in the log\n",
        report.files,
        report.documents_new,
        report.documents_present,
        report.events_new,
        report.events_present
    );
    if report.events_new == 0 && report.documents_new == 0 {
        text.push_str("nothing new: the log is unchanged\n");
    }
    text.push_str(&format!("head {} {}\n", head.seq, head.hash));
    super::out(&text)
}
