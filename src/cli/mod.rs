//! The command line: the parser (`Cli`), and one module per subcommand whose `run` turns
//! typed arguments into calls on the library.

mod add;
mod append;
mod backup;
mod completions;
mod datasette_metadata;
mod diff;
mod documents;
mod entities;
mod export;
mod head;
mod history;
mod ingest;
mod init;
mod knowledge;
mod log;
mod man;
mod progress;
mod rebuild;
mod serve;
mod snapshot;
mod state;
mod timeline;
mod verify;

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Parser, Subcommand};

use crate::error::{Error, Result};
use crate::store::{Access, Store};

/// policylog: the history of the anti-trafficking policy landscape as an append-only,
/// hash-chained event log.
#[derive(Debug, Parser)]
#[command(name = "policylog", version, about, long_about = LONG_ABOUT, max_term_width = 100)]
pub struct Cli {
    /// The log file (created by `init`, `ingest` or `append`; every other command needs it
    /// to exist).
    #[arg(
        long,
        global = true,
        env = "POLICYLOG_DB",
        default_value = "policylog.db"
    )]
    pub db: PathBuf,

    /// Print no informational messages (summaries, notes, progress); data and errors
    /// still print.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more detail (e.g. what each file added to the log).
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

const LONG_ABOUT: &str = "\
policylog keeps the history of a policy landscape as an append-only SQLite event log.

Two times are never confused: valid time (`valid`, when something was true in the world,
an EDTF date such as 2020-04, 2023 or 2019/2020) and transaction time (`seq` and
`recorded_at`, when the log learned it). --as-of asks about valid time; --known-at replays
only what the log held at a seq or time. A bare year given as a date means its last day.

Exit codes: 0 ok, 1 a check failed (verify), 2 bad input or usage, 3 environment
(I/O, a busy or unreadable database).";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the log file (`ingest` and `append` also create it; no other command does).
    Init(init::Args),
    /// Read events files (JSONL) into the log, as one transaction.
    #[command(long_about = ingest::LONG_ABOUT)]
    Ingest(ingest::Args),
    /// Append one event given as JSON or as flags.
    Append(append::Args),
    /// Retract an event: it stops counting from now on (nothing is deleted).
    Retract(append::RetractArgs),
    /// Correct an event: a replacement counts instead of it from now on.
    Correct(append::CorrectArgs),
    /// List events in log order.
    Log(log::Args),
    /// List the ingested source documents.
    Documents(documents::Args),
    /// Add a document: copy its text into the events folder and write an events file of
    /// proposed events to review.
    #[command(long_about = add::LONG_ABOUT)]
    Add(add::Args),
    /// List the entities the log knows (ids, types, names, acronyms, aliases).
    Entities(entities::Args),
    /// Check the hash chain, quotes, references, documents, triggers and views, and the
    /// file's integrity.
    Verify(verify::Args),
    /// Write the log back as events files plus their sources.
    #[command(long_about = export::LONG_ABOUT)]
    Export(export::Args),
    /// Print the log head (seq and hash), to keep elsewhere as a tamper anchor.
    Head(head::Args),
    /// Write a verified copy of the whole log into a new file, safe while others write.
    #[command(long_about = backup::LONG_ABOUT)]
    Backup(backup::Args),
    /// Put a backup in place of the log, setting aside (never deleting) what was there.
    #[command(long_about = backup::RESTORE_LONG_ABOUT)]
    Restore(backup::RestoreArgs),
    /// The landscape as of a date, each entry with its certainty and evidence.
    #[command(long_about = state::LONG_ABOUT)]
    State(state::Args),
    /// What changed between two dates, section by section.
    #[command(long_about = diff::LONG_ABOUT)]
    Diff(diff::Args),
    /// One entity's story: every event that names it, in valid-time order.
    History(history::Args),
    /// Write the state at chosen dates as canonical JSON files.
    Snapshot(snapshot::Args),
    /// Derive the query tables again from the events alone (they are kept up to date on
    /// every append; this is for after an upgrade or to prove they match).
    Rebuild(rebuild::Args),
    /// Draw memberships and role terms as bars over the years, with calls, meetings and
    /// publications as marks, into an SVG file.
    #[command(long_about = timeline::LONG_ABOUT)]
    Timeline(timeline::Args),
    /// Print a shell completion script (bash, zsh, fish, ...).
    #[command(long_about = completions::LONG_ABOUT)]
    Completions(completions::Args),
    /// Print the manual page (roff), or write one per subcommand into a folder.
    #[command(long_about = man::LONG_ABOUT)]
    Man(man::Args),
    /// Serve the log read-only over HTTP: the JSON API, a stream of appends, a timeline page.
    #[command(long_about = serve::LONG_ABOUT)]
    Serve(serve::Args),
    /// Write Datasette's metadata for the log: titles, descriptions and facets of the
    /// views, the internal tables hidden.
    #[command(long_about = datasette_metadata::LONG_ABOUT)]
    DatasetteMetadata(datasette_metadata::Args),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let verbosity = cli.verbosity();
    SAY_UPGRADES.store(verbosity != Verbosity::Quiet, Ordering::Relaxed);
    match cli.command {
        Command::Init(args) => init::run(&cli.db, args, verbosity),
        Command::Ingest(args) => ingest::run(&cli.db, args, verbosity),
        Command::Append(args) => append::run(&cli.db, args),
        Command::Retract(args) => append::retract(&cli.db, args),
        Command::Correct(args) => append::correct(&cli.db, args),
        Command::Log(args) => log::run(&cli.db, args),
        Command::Documents(args) => documents::run(&cli.db, args),
        Command::Add(args) => add::run(&cli.db, args, verbosity),
        Command::Entities(args) => entities::run(&cli.db, args),
        Command::Verify(args) => verify::run(&cli.db, args, verbosity),
        Command::Export(args) => export::run(&cli.db, args, verbosity),
        Command::Head(args) => head::run(&cli.db, args),
        Command::Backup(args) => backup::run(&cli.db, args, verbosity),
        Command::Restore(args) => backup::restore(&cli.db, args, verbosity),
        Command::State(args) => state::run(&cli.db, args, verbosity),
        Command::Diff(args) => diff::run(&cli.db, args),
        Command::History(args) => history::run(&cli.db, args),
        Command::Snapshot(args) => snapshot::run(&cli.db, args, verbosity),
        Command::Rebuild(args) => rebuild::run(&cli.db, args, verbosity),
        Command::Timeline(args) => timeline::run(&cli.db, args, verbosity),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args, verbosity),
        Command::Serve(args) => serve::run(&cli.db, args),
        Command::DatasetteMetadata(args) => datasette_metadata::run(&cli.db, args, verbosity),
    }
}

/// Whether opening the log says first that it upgrades the schema (not with `--quiet`):
/// set once per command line, read where the log is opened.
static SAY_UPGRADES: AtomicBool = AtomicBool::new(true);

/// Says on standard error that opening the log upgrades its schema: on a large log that
/// takes a while, and the command seems to hang otherwise.
fn say_upgrade(db: &std::path::Path, found: i64, current: i64) {
    if SAY_UPGRADES.load(Ordering::Relaxed) {
        note(&format!(
            "note: upgrading {} from schema {found} to {current} (derived tables only; no event \
is changed); on a large log this takes a while",
            db.display()
        ));
    }
}

impl Cli {
    pub fn verbosity(&self) -> Verbosity {
        match (self.quiet, self.verbose) {
            (true, _) => Verbosity::Quiet,
            (false, true) => Verbosity::Verbose,
            (false, false) => Verbosity::Normal,
        }
    }
}

/// How much informational output to print: summaries and notes go at `Normal`, extra
/// detail at `Verbose`; `Quiet` keeps only data and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// Prints an informational message to standard output unless `--quiet`.
fn info(verbosity: Verbosity, text: &str) -> Result<()> {
    if verbosity == Verbosity::Quiet {
        return Ok(());
    }
    out(text)
}

/// A `--db` that names a folder would reach SQLite as "disk I/O error": say what it is.
fn check_db_path(db: &std::path::Path) -> Result<()> {
    if db.is_dir() {
        return Err(Error::Usage(format!(
            "--db {}: is a folder, not a log file; give the log's file, e.g. --db {}",
            db.display(),
            db.join("policylog.db").display()
        )));
    }
    Ok(())
}

fn open_write(db: &std::path::Path) -> Result<Store> {
    check_db_path(db)?;
    Store::open_noting(db, Access::ReadWrite, &|found, current| {
        say_upgrade(db, found, current)
    })
}

/// `open_write` for a command that changes a log but does not create one (`rebuild`).
fn open_write_existing(db: &std::path::Path) -> Result<Store> {
    check_db_path(db)?;
    if !db.exists() {
        return Err(crate::store::no_log(db));
    }
    open_write(db)
}

/// The log as it is, for commands that only read: never created, upgraded or written.
fn open_read(db: &std::path::Path) -> Result<Store> {
    check_db_path(db)?;
    Store::open_noting(db, Access::ReadOnly, &|found, current| {
        say_upgrade(db, found, current)
    })
}

/// Writes to standard output, control characters made visible (`terminal::escape`); a
/// closed pipe (`| head`) ends quietly.
fn out(text: &str) -> Result<()> {
    let text = crate::terminal::escape(text);
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io("standard output", e)),
    }
}

/// Writes `value` as pretty JSON and a newline to standard output as it serialises, so
/// that a large answer is never held twice in memory. Control characters inside strings
/// come out as JSON escapes.
fn out_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let mut stdout =
        crate::terminal::Escaping::new(std::io::BufWriter::new(std::io::stdout().lock()));
    let written = serde_json::to_writer_pretty(&mut stdout, value)
        .map_err(std::io::Error::from)
        .and_then(|_| stdout.write_all(b"\n"))
        .and_then(|_| stdout.flush());
    match written {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io("standard output", e)),
    }
}

/// Writes a note to standard error, control characters made visible. A closed or broken
/// standard error is no reason to fail the command (nor to panic, as `eprintln!` does).
pub fn note(text: &str) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "{}",
        crate::terminal::escape_all(text)
    );
}

/// Output formats of listing commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Jsonl,
}
