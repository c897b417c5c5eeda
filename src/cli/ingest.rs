use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Verbosity;
use super::progress::Progress;
use crate::error::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Events files or folders of them (`*.jsonl`); default `events/`.
    paths: Vec<PathBuf>,
}

pub fn run(db: &Path, args: Args, verbosity: Verbosity) -> Result<()> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("events")]
    } else {
        args.paths
    };
    let mut store = super::open_write(db)?;
    let progress = Progress::new(
        Progress::visible(verbosity).then(|| line_count(&paths)),
        "ingesting",
        verbosity,
    );
    let mut per_file: BTreeMap<PathBuf, (usize, usize)> = BTreeMap::new();
    let report = crate::ingest::ingest_observed(
        &mut store,
        &paths,
        crate::clock::recorder(),
        &mut |file, new| {
            progress.inc(1);
            if verbosity == Verbosity::Verbose {
                let counts = per_file.entry(file.to_owned()).or_default();
                if new {
                    counts.0 += 1;
                } else {
                    counts.1 += 1;
                }
            }
        },
    )?;
    progress.finish();
    let head = report
        .head
        .clone()
        .unwrap_or_else(|| store.head().expect("head readable"));
    let mut text = String::new();
    for (file, (new, present)) in &per_file {
        text.push_str(&format!(
            "{}: {new} new event(s), {present} already in the log\n",
            file.display()
        ));
    }
    text.push_str(&format!(
        "read {} file(s): {} new document(s), {} already in the log; {} new event(s), {} already in the log\n",
        report.files,
        report.documents_new,
        report.documents_present,
        report.events_new,
        report.events_present
    ));
    if report.events_new == 0 && report.documents_new == 0 {
        text.push_str("nothing new: the log is unchanged\n");
    }
    text.push_str(&format!("head {} {}\n", head.seq, head.hash));
    super::info(verbosity, &text)
}

/// Event lines in the events files, for the length of the progress bar: every line but
/// a document header (a blank line makes it a little long; the bar is cleared anyway).
fn line_count(paths: &[PathBuf]) -> u64 {
    let files = crate::events_file::collect(paths).unwrap_or_default();
    files
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .map(|bytes| {
            let lines = bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty());
            lines.filter(|l| !l.starts_with(b"{\"document\"")).count() as u64
        })
        .sum()
}
