//! `backup` and `restore`: a verified copy of the log, and putting one back in place.

use std::path::{Path, PathBuf};

use crate::backup::Copy;
use crate::error::Result;

pub(super) const LONG_ABOUT: &str = "\
Write a copy of the whole log into a new file, consistent while others append or serve: \
SQLite's VACUUM INTO, inside one read transaction, so that commits still in the log's -wal \
are in the copy and a commit made meanwhile is wholly in it or wholly not. The copy is \
verified (chain, documents, triggers, views, SQLite's integrity check) and synced to disk \
before it takes its name; it never writes over a file. It is one self-contained file: copy \
it anywhere, and bring it back with `policylog restore`.

Copying the .db file by hand can miss commits that are still in its -wal while another \
process has the log open.";

pub(super) const RESTORE_LONG_ABOUT: &str = "\
Put a backup in place of the log at --db. The backup is copied (it is only read), upgraded \
if it is of an older schema, and verified first; nothing changes if it does not verify.

Whatever is at --db is renamed, never deleted: the log, its -wal and its -shm become \
LOG.before-restore-TIME, -wal and -shm together (so the old log still opens with its \
commits, and no stale -wal is applied to the restored file). A log that holds events the \
backup lacks, or another history, is kept unless --force. A damaged log (SQLite cannot read \
it) is replaced without --force: that is what a restore is for.

Stop `serve` and any writer first: a running `serve` notices the replaced file and reads \
the restored one, ending its open streams.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The file to write the copy into (must not exist).
    #[arg(value_name = "DEST")]
    dest: PathBuf,
    /// Print what was written as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup to restore (a file `policylog backup` wrote, or any copy of a log).
    #[arg(value_name = "BACKUP")]
    backup: PathBuf,
    /// Also set aside a log that holds events the backup lacks, or another history.
    #[arg(long)]
    force: bool,
    /// Print what was done as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(db: &Path, args: Args, verbosity: super::Verbosity) -> Result<()> {
    let store = super::open_read(db)?;
    let copy = crate::backup::backup(&store, &args.dest)?;
    if args.json {
        return super::out_json(&copy);
    }
    super::info(
        verbosity,
        &format!(
            "backed up {} to {}: {}; verified\n",
            db.display(),
            copy.path.display(),
            holds(&copy)
        ),
    )
}

pub fn restore(db: &Path, args: RestoreArgs, verbosity: super::Verbosity) -> Result<()> {
    super::check_db_path(db)?;
    let restored = crate::backup::restore(&args.backup, db, args.force)?;
    if args.json {
        return super::out_json(&restored);
    }
    let mut text = if restored.unchanged {
        format!(
            "{} already holds what {} holds ({}); nothing was changed\n",
            db.display(),
            args.backup.display(),
            holds(&restored.log)
        )
    } else {
        format!(
            "restored {} from {}: {}; verified\n",
            db.display(),
            args.backup.display(),
            holds(&restored.log)
        )
    };
    if !restored.set_aside.is_empty() {
        let names: Vec<String> = restored
            .set_aside
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        text.push_str(&format!(
            "what was there is kept as {} (nothing was deleted)\n",
            names.join(", ")
        ));
    }
    super::info(verbosity, &text)
}

fn holds(copy: &Copy) -> String {
    format!(
        "{} events, head {} {}, anchor {}, {} bytes",
        copy.events, copy.head_seq, copy.head_hash, copy.anchor, copy.bytes
    )
}
