//! `ingest`: events files into the log as one transaction; `--dry-run` validates them the
//! same way and writes nothing. Either way every problem of a refused batch is listed (up
//! to `--max-errors`), then a summary line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Verbosity;
use super::progress::Progress;
use crate::error::{Error, Result};
use crate::ingest::Options;
use crate::store::Store;

pub(super) const LONG_ABOUT: &str = "\
Reads events files (JSONL: a document header, then one event per line) into the log as
one transaction: documents checked against their sha256, quotes against their documents,
references resolved against the log and the batch. Re-ingesting appends nothing.

A batch with a problem writes nothing, and every problem is listed (up to --max-errors),
each naming its file, line and event and what to fix, then a summary line: a refused line
is skipped, and a later line that needs it (an entity it registers, an event a retraction
names) is told that it depends on it. --dry-run checks a batch exactly so and writes
nothing, not even a new log file: run it on a new document's events file before ingesting.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Events files or folders of them (`*.jsonl`); default `events/`.
    paths: Vec<PathBuf>,
    /// Check the batch as ingest would, list every problem, and write nothing (the log is
    /// not changed, nor created if it does not exist).
    #[arg(long)]
    dry_run: bool,
    /// List at most this many problems before stopping.
    #[arg(long, value_name = "N", default_value_t = Options::default().max_problems as u32,
          value_parser = clap::value_parser!(u32).range(1..))]
    max_errors: u32,
}

pub fn run(db: &Path, args: Args, verbosity: Verbosity) -> Result<()> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("events")]
    } else {
        args.paths
    };
    let options = Options {
        dry_run: args.dry_run,
        max_problems: args.max_errors as usize,
    };
    // A dry run against no log checks against an empty one, in memory: it creates no file.
    // Against a log, it takes the write lock as ingest would and rolls back; it neither
    // upgrades the schema nor sets the journal mode (`Access::DryRun`).
    let mut store = if args.dry_run && !db.exists() {
        Store::in_memory()?
    } else if args.dry_run {
        super::check_db_path(db)?;
        Store::open(db, crate::store::Access::DryRun)?
    } else {
        super::open_write(db)?
    };
    let progress = Progress::new(
        Progress::visible(verbosity).then(|| line_count(&paths)),
        if args.dry_run {
            "checking"
        } else {
            "ingesting"
        },
        verbosity,
    );
    let mut per_file: BTreeMap<PathBuf, (usize, usize)> = BTreeMap::new();
    let result = crate::ingest::ingest_with(
        &mut store,
        &paths,
        crate::clock::recorder(),
        options,
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
    );
    progress.finish();
    let report = match result {
        Ok(report) => report,
        Err(Error::Refused(refusals)) => {
            // Each problem on its own line, as every error is printed; `main` prints the
            // summary last.
            for problem in refusals.problems() {
                super::note(&format!("policylog: {problem}"));
            }
            return Err(Error::Refused(refusals));
        }
        Err(e) => return Err(e),
    };
    let head = match report.head.clone() {
        Some(head) => head,
        None => store.head()?,
    };
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
    if let Some(first) = &report.first_unstamped {
        // What makes `scripts/curated.sh check` fail on every run, said where it starts.
        text.push_str(&format!(
            "note: {} new event(s) without `recorded_at` (the first at {first}) take the time \
             of each ingest, so the same files give another head elsewhere; give them the \
             `recorded_at` and `recorded_by` of the lines around them\n",
            report.unstamped
        ));
    }
    if args.dry_run {
        text.push_str(&format!(
            "no problem found; nothing was written (dry run): ingest would take them and reach head {} {}\n",
            head.seq, head.hash
        ));
        return super::info(verbosity, &text);
    }
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
