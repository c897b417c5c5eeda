//! The library's one error type. Messages are worded for users: what went wrong, where,
//! and what to do next. `main` prints them once and exits with `exit_code()`.

use std::collections::BTreeSet;
use std::fmt;
use std::path::PathBuf;

/// Exit codes, documented in README: 0 ok, 1 a check failed, 2 bad input or usage,
/// 3 the environment failed (I/O, database busy or unreadable).
pub const EXIT_CHECK_FAILED: u8 = 1;
pub const EXIT_BAD_INPUT: u8 = 2;
pub const EXIT_ENVIRONMENT: u8 = 3;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where a piece of input came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A line of an events file (1-based), and the event id when known.
    Line {
        file: PathBuf,
        line: usize,
        event: Option<String>,
    },
    /// The `--json` argument or standard input of `append`/`correct`.
    Argument {
        what: &'static str,
        event: Option<String>,
    },
    /// A file as a whole.
    File(PathBuf),
}

impl Location {
    pub fn with_event(mut self, id: &str) -> Location {
        match &mut self {
            Location::Line { event, .. } | Location::Argument { event, .. } => {
                *event = Some(id.to_owned())
            }
            Location::File(_) => {}
        }
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line { file, line, event } => {
                write!(f, "{}:{line}", file.display())?;
                if let Some(id) = event {
                    write!(f, " (event `{id}`)")?;
                }
                Ok(())
            }
            Location::Argument { what, event } => {
                write!(f, "{what}")?;
                if let Some(id) = event {
                    write!(f, " (event `{id}`)")?;
                }
                Ok(())
            }
            Location::File(file) => write!(f, "{}", file.display()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that the log refuses. Nothing of the batch was written.
    #[error("{at}: {problem}")]
    Input {
        at: Box<Location>,
        problem: Box<Problem>,
    },

    /// Every problem of a batch the log refuses (`ingest`); nothing of it was written.
    /// Shown as its summary line; `Refusals::problems` lists them.
    #[error("{0}")]
    Refused(Box<Refusals>),

    /// A command-line value that does not parse.
    #[error("{0}")]
    Usage(String),

    /// The log moved on since the caller looked (`--expect-head`).
    #[error(
        "the log head is {actual}, not --expect-head {expected}: the log moved on since that head was read, or the hash is mistyped; run `policylog head` and retry"
    )]
    HeadMoved { expected: String, actual: String },

    /// A database written by a newer policylog.
    #[error(
        "{path}: the log has schema version {found}, this policylog knows up to {supported}; upgrade policylog (nothing was changed)"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    /// `--db` names no policylog log: nothing there, an empty file, or another
    /// application's SQLite database. Nothing was created or changed.
    #[error("{}: {problem}", .path.display())]
    NotALog { path: PathBuf, problem: String },

    /// The log's schema is not one this command can use as it is: older than the binary
    /// (a reader does not upgrade), or its `user_version` does not match its tables.
    #[error("{}: {problem} (nothing was changed)", .path.display())]
    Schema { path: PathBuf, problem: String },

    /// Not found: an event id, entity or document the user named.
    #[error("{0}")]
    NotFound(String),

    /// `verify` found problems; the report has been printed.
    #[error("verification failed: {0}")]
    VerifyFailed(String),

    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{}", describe_sqlite(.0))]
    Sqlite(#[from] rusqlite::Error),
}

/// What is wrong with a piece of input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    #[error("{0}")]
    BadHeader(String),
    #[error("document {file} has sha256 {actual}, but the header says {declared}")]
    DocumentHashMismatch {
        file: String,
        declared: String,
        actual: String,
    },
    #[error("source file {file} cannot be read: {reason}")]
    MissingSource { file: String, reason: String },
    /// A FIFO, a device, a socket or a folder where a file is read, or a file too large.
    #[error("{0}")]
    NotARegularFile(String),
    /// `vocabulary` lists the kinds there are (`Event::KINDS`), for the message.
    #[error("unknown kind `{kind}`; the vocabulary has: {}", .vocabulary.join(", "))]
    UnknownKind {
        kind: String,
        vocabulary: &'static [&'static str],
    },
    #[error("bad payload for `{kind}`: {reason}")]
    BadPayload { kind: String, reason: String },
    #[error("bad date in `{field}`: {reason}")]
    BadDate { field: &'static str, reason: String },
    #[error("{0}")]
    BadField(String),
    #[error(
        "the quote is not in document {document}: \"{quote}\"{}",
        closest.as_deref().map(ToString::to_string).unwrap_or_default()
    )]
    QuoteNotInSource {
        document: String,
        quote: String,
        /// The closest passage and what differs, when one is close.
        closest: Option<Box<crate::closest::Mismatch>>,
    },
    #[error(
        "`{field}` refers to `{entity}`, which is not registered in the log or this batch; fix the typo, or register it with an entity.registered event (`policylog entities` lists the ids){}",
        crate::suggest::did_you_mean(nearest)
    )]
    UnknownEntity {
        field: &'static str,
        entity: String,
        /// The nearest ids the log and the batch know (`crate::suggest`).
        nearest: Vec<String>,
    },
    /// A line that fails only because a line it needs (`on`) is refused, or not checked.
    #[error(
        "depends on {on}: {reference}, and that line is {}",
        if *unchecked { "not checked (its file's header is refused); fix the header first" } else { "refused; fix it first" }
    )]
    DependsOn {
        on: Location,
        /// What it needs of that line: "`member` refers to `org:x`, which that line registers".
        reference: String,
        unchecked: bool,
    },
    #[error(
        "event `{0}` is already in the log with different content; history is immutable: record an event.corrected instead"
    )]
    ConflictingEvent(String),
    /// An id registered again under another name or acronym (docs/vocabulary.md): a
    /// rename or a new spelling is an event of its own.
    #[error(
        "`{entity}` is already registered by event `{earlier}` as {earlier_name}, and this registration calls it {name}: registering again does not rename. To call it so from a date on, record an `entity.renamed` (vocabulary 2: add \"version\":2); to add a spelling, an `entity.aliased` (vocabulary 2); if `{earlier}` named it wrongly, correct that event (`policylog correct {earlier} ...`)"
    )]
    Reregistered {
        entity: String,
        earlier: String,
        earlier_name: String,
        name: String,
    },
    #[error("{0}")]
    UnknownDocument(String),
    #[error("{0}")]
    UnknownTarget(String),
    /// A retraction or correction whose target no longer counts (or never asserted anything).
    #[error("{0}")]
    TargetDoesNotCount(String),
    #[error("{0}")]
    RecordedAt(String),
    /// `add`: the path names no document text.
    #[error("there is no such file; give the path of the document's text")]
    DocumentMissing,
    /// `add`: the path names something other than a regular file.
    #[error(
        "is {0}, not a regular file; give the path of the document's text (add never reads a pipe or a device)"
    )]
    DocumentNotAFile(&'static str),
    #[error("is empty: there is no text to add")]
    DocumentEmpty,
    #[error(
        "is not UTF-8 text (invalid byte at offset {offset}); convert it first, e.g. `iconv -f LATIN1 -t UTF-8`"
    )]
    DocumentNotUtf8 { offset: usize },
    #[error("holds a NUL byte at offset {offset}; a document is plain text")]
    DocumentNul { offset: usize },
    /// `add`: the same text (same sha256) is already in the log or the events folder.
    #[error(
        "this text is already recorded: {file} has the same sha256 ({sha256}); nothing was written"
    )]
    DocumentRecorded { file: String, sha256: String },
    /// `add` never replaces a file.
    #[error(
        "{path} already exists and add never overwrites a file; move it away, or give another --title; nothing was written"
    )]
    WouldOverwrite { path: String },
    /// A date given where EDTF is required, refused in `date`'s words (with "did you
    /// mean" when it is a date written otherwise).
    #[error("{0}")]
    NotEdtf(String),
    /// An entity id that the log and the events folder do not know.
    #[error(
        "`{entity}` is not an entity the log or the events folder knows{}; `policylog entities` lists them",
        crate::suggest::did_you_mean(nearest)
    )]
    NoSuchEntity {
        entity: String,
        nearest: Vec<String>,
    },
}

impl Error {
    pub fn input(at: Location, problem: Problem) -> Error {
        Error::Input {
            at: Box::new(at),
            problem: Box::new(problem),
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// SQLite could not open the file, or found it read-only: what a log on a read-only
    /// file system meets first (the store then tells which it is).
    /// The same error said of `path`: what the user gave, where the error arose on a
    /// scratch copy of it.
    pub(crate) fn at_path(self, path: &std::path::Path) -> Error {
        match self {
            Error::NotALog { problem, .. } => Error::NotALog {
                path: path.to_owned(),
                problem,
            },
            Error::Schema { problem, .. } => Error::Schema {
                path: path.to_owned(),
                problem,
            },
            Error::NewerSchema {
                found, supported, ..
            } => Error::NewerSchema {
                path: path.to_owned(),
                found,
                supported,
            },
            Error::Io { source, .. } => Error::io(path, source),
            other => other,
        }
    }

    /// SQLite found the file damaged (not a database, or malformed): what a restore from
    /// a backup repairs.
    pub(crate) fn is_damaged_file(&self) -> bool {
        matches!(
            self,
            Error::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
        )
    }

    pub(crate) fn is_cannot_open(&self) -> bool {
        matches!(
            self,
            Error::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly)
        )
    }

    /// Writing to a pipe whose reader has gone (`policylog log | head`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::VerifyFailed(_) => EXIT_CHECK_FAILED,
            Error::Input { .. }
            | Error::Refused(_)
            | Error::Usage(_)
            | Error::HeadMoved { .. }
            | Error::NotALog { .. }
            | Error::NotFound(_) => EXIT_BAD_INPUT,
            Error::NewerSchema { .. }
            | Error::Schema { .. }
            | Error::Io { .. }
            | Error::Sqlite(_) => EXIT_ENVIRONMENT,
        }
    }
}

/// Where a problem is: its file and line, when it has them.
fn place(error: &Error) -> (Option<&std::path::Path>, usize) {
    match error {
        Error::Input { at, .. } => match &**at {
            Location::Line { file, line, .. } => (Some(file), *line),
            Location::File(file) => (Some(file), 0),
            Location::Argument { .. } => (None, 0),
        },
        _ => (None, 0),
    }
}

/// Every problem of a refused batch (`Error::Refused`): nothing of it was written.
#[derive(Debug)]
pub struct Refusals {
    problems: Vec<Error>,
    /// The limit was reached: there may be more.
    truncated: bool,
    unchecked: usize,
}

impl Refusals {
    /// `problems` sorted by file and line; `truncated`: a limit stopped the collection;
    /// `unchecked`: event lines not checked because their file's header is refused.
    pub fn new(mut problems: Vec<Error>, truncated: bool, unchecked: usize) -> Refusals {
        // By file and line; problems without a file last.
        problems.sort_by(|a, b| {
            let (a, b) = (place(a), place(b));
            (a.0.is_none(), a).cmp(&(b.0.is_none(), b))
        });
        Refusals {
            problems,
            truncated,
            unchecked,
        }
    }

    /// The problems, in file and line order, each naming its file, line and event.
    pub fn problems(&self) -> &[Error] {
        &self.problems
    }
}

impl fmt::Display for Refusals {
    /// The summary line: how many problems in how many files, and that nothing was written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        let files: BTreeSet<&std::path::Path> =
            self.problems.iter().filter_map(|p| place(p).0).collect();
        let dependent = self
            .problems
            .iter()
            .filter(|p| matches!(p, Error::Input { problem, .. } if matches!(**problem, Problem::DependsOn { .. })))
            .count();
        write!(
            f,
            "{n} problem{} in {} events file{}",
            plural(n),
            files.len(),
            plural(files.len())
        )?;
        if dependent > 0 {
            write!(
                f,
                " ({dependent} of them only because a line they depend on is refused)"
            )?;
        }
        if self.unchecked > 0 {
            write!(
                f,
                "; {} event line{} not checked, their file's header being refused",
                self.unchecked,
                plural(self.unchecked)
            )?;
        }
        if self.truncated {
            write!(
                f,
                "; stopped at {n}, there may be more (--max-errors N shows more)"
            )?;
        }
        write!(f, "; nothing was written")
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn describe_sqlite(error: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode;
    if let rusqlite::Error::SqliteFailure(e, message) = error {
        let detail = message.as_deref().unwrap_or("");
        return match e.code {
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => format!(
                "the log is busy: another policylog kept it locked for longer than the wait ({detail}); retry in a moment"
            ),
            ErrorCode::ReadOnly => format!(
                "the log cannot be written (read-only file or folder): {detail}; check its permissions"
            ),
            ErrorCode::DiskFull => {
                "the disk is full; nothing was written: free some space and retry".to_owned()
            }
            ErrorCode::CannotOpen => {
                format!("the log cannot be opened: {detail}; check the path and its folder")
            }
            ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt => format!(
                "the log file is not a readable SQLite database ({detail}); restore it from a backup: `policylog --db LOG restore BACKUP` (the damaged file is set aside, not deleted)"
            ),
            ErrorCode::ConstraintViolation if detail.contains("append-only") => {
                "the event log is append-only: record a correction or retraction event instead"
                    .to_owned()
            }
            _ => format!("database error: {error}"),
        };
    }
    format!("database error: {error}")
}
