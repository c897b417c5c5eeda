//! Copies of a log that can be trusted to come back: `backup` writes a consistent copy of
//! the whole log while others write and serve, and verifies it before it takes its name;
//! `restore` puts a verified copy in place of the log and sets aside, never deletes, what
//! was there, its `-wal` and `-shm` with it, so that a stale `-wal` is never applied to
//! the restored file (the next writer would have destroyed it).

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::store::{Access, Store};

/// A copy of a log, verified: where it is and the head it holds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Copy {
    pub path: PathBuf,
    pub events: i64,
    pub head_seq: i64,
    pub head_hash: String,
    /// The head anchor (`policylog head`), covering the documents too.
    pub anchor: String,
    pub bytes: u64,
}

/// Writes a verified copy of the log into `dest`, a file that must not exist yet.
/// Nothing takes the name `dest` unless the copy verified and its head is one of the
/// log's events; the file is on disk (synced) when this returns.
pub fn backup(store: &Store, dest: &Path) -> Result<Copy> {
    // Not the name of a file SQLite keeps beside the log (its -wal, absent between
    // writers): the log would read the copy as its write-ahead file.
    crate::export::LogFiles::of(store.path()).refuse_overwrite(dest, "the backup")?;
    if dest.symlink_metadata().is_ok() {
        return Err(Error::Usage(format!(
            "{}: exists; `backup` never writes over a file: give a new name, or move that \
             file away first",
            dest.display()
        )));
    }
    let partial = beside(dest, "partial")?;
    let made = (|| {
        store.copy_into(&partial)?;
        sync_file(&partial)?;
        let copy = verified(&Store::open(&partial, Access::ReadOnly)?, dest)?;
        // The log only grows while the copy is made: the copy's head is one of its events.
        if store.hash_at(copy.head_seq)?.as_deref() != Some(copy.head_hash.as_str()) {
            return Err(Error::VerifyFailed(format!(
                "{}: the copy's head (seq {}, {}) is not an event of the log: the log was \
                 replaced while it was copied; nothing was written, run `backup` again",
                dest.display(),
                copy.head_seq,
                copy.head_hash
            )));
        }
        // A hard link takes the name only if nothing has it: never over a file that
        // appeared meanwhile.
        fs::hard_link(&partial, dest).map_err(|e| Error::io(dest, e))?;
        sync_folder(dest)?;
        Ok(copy)
    })();
    remove_scratch(&partial);
    made
}

/// What `restore` did: the copy now at the log's path, and where what was there went.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Restored {
    pub log: Copy,
    /// The files renamed out of the way (the old log, its `-wal`, its `-shm`).
    pub set_aside: Vec<PathBuf>,
    /// The log already held exactly the backup: nothing was changed.
    pub unchanged: bool,
}

/// Puts a verified copy of `backup` at `db`. A log there that holds events the backup
/// lacks (or another history) is kept unless `force`; a damaged or missing one is
/// replaced. Whatever is replaced is renamed `<db>.before-restore-<time>`, its `-wal` and
/// `-shm` with it; the backup itself is only read.
pub fn restore(backup: &Path, db: &Path, force: bool) -> Result<Restored> {
    let meta = fs::metadata(backup).map_err(|e| Error::io(backup, e))?;
    if !meta.is_file() {
        return Err(Error::Usage(format!(
            "{}: not a regular file; give the backup file `policylog backup` wrote",
            backup.display()
        )));
    }
    if fs::metadata(db).is_ok_and(|m| same_file(&meta, &m)) {
        return Err(Error::Usage(format!(
            "{}: the backup is the log itself; give the copy to restore from",
            backup.display()
        )));
    }
    let partial = beside(db, "restoring")?;
    let done = (|| {
        fs::copy(backup, &partial).map_err(|e| Error::io(backup, e))?;
        // Opened to write: a backup of an older schema is upgraded here, in the copy, and
        // closing it checkpoints everything into the one file.
        let opened = Store::open(&partial, Access::ReadWrite).map_err(|e| {
            if e.is_damaged_file() {
                Error::VerifyFailed(format!(
                    "{}: not a readable SQLite database, so not a backup of a log; \
                     nothing was changed",
                    backup.display()
                ))
            } else {
                e.at_path(backup)
            }
        })?;
        let copy = verified(&opened, backup)?;
        drop(opened);
        // Closed last, the copy folded its -wal into the one file; a -wal that still
        // holds frames would be lost with the scratch name.
        let wal = with_suffix(&partial, "-wal");
        if fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
            return Err(Error::io(
                &wal,
                std::io::Error::other(
                    "the copy's write-ahead file could not be folded into it; nothing was \
                     changed, retry the restore",
                ),
            ));
        }
        sync_file(&partial)?;
        let copy = Copy {
            path: db.to_owned(),
            ..copy
        };
        match what_is_at(db, &partial, &copy)? {
            Present::Same => {
                return Ok(Restored {
                    log: copy,
                    set_aside: Vec::new(),
                    unchanged: true,
                });
            }
            Present::Holds(more) if !force => {
                return Err(Error::Usage(format!(
                    "{}: {more}; restoring would set that aside: back it up first (`policylog \
                     --db {} backup FILE`), or pass --force to set the log aside (renamed, \
                     nothing deleted) and restore the backup",
                    db.display(),
                    db.display()
                )));
            }
            Present::Holds(_) | Present::Replaceable => {}
        }
        let set_aside = set_aside(db)?;
        fs::rename(&partial, db).map_err(|e| Error::io(db, e))?;
        sync_folder(db)?;
        Ok(Restored {
            log: copy,
            set_aside,
            unchanged: false,
        })
    })();
    // The scratch copy and whatever SQLite left beside it (each reader of a file in WAL
    // mode may leave an empty -wal and -shm).
    for side in ["", "-wal", "-shm"] {
        remove_scratch(&with_suffix(&partial, side));
    }
    done
}

/// What is at the log's path, as far as restoring over it goes.
enum Present {
    /// Exactly the backup's events and documents.
    Same,
    /// A log with what the backup lacks, said in words.
    Holds(String),
    /// Nothing, an empty file, an older prefix of the backup, or a file SQLite cannot read.
    Replaceable,
}

fn what_is_at(db: &Path, partial: &Path, copy: &Copy) -> Result<Present> {
    match fs::metadata(db) {
        Err(_) => return Ok(Present::Replaceable),
        Ok(m) if m.len() == 0 => return Ok(Present::Replaceable),
        Ok(_) => {}
    }
    let read = Store::open(db, Access::ReadOnly).and_then(|store| {
        store.read(|| {
            let head = store.head_lenient()?;
            let at = store.hash_at(copy.head_seq)?;
            let anchor = store.anchor(&head.hash)?;
            Ok((head, at, anchor))
        })
    });
    let (head, at, anchor) = match read {
        Ok(found) => found,
        // Damaged beyond reading: what a restore is for.
        Err(e) if e.is_damaged_file() => return Ok(Present::Replaceable),
        // Another application's file, a newer or older schema, a busy log: not to be
        // moved without a look (the error says what it is).
        Err(e) => return Err(e),
    };
    let another = |seq: i64| {
        Present::Holds(format!(
            "the log's event at seq {seq} is not the backup's: it holds another history"
        ))
    };
    Ok(if head.hash == copy.head_hash && anchor == copy.anchor {
        Present::Same
    } else if head.seq > copy.head_seq {
        if at.as_deref() == Some(copy.head_hash.as_str()) {
            Present::Holds(format!(
                "the log holds {} event(s) after the backup's head (seq {})",
                head.seq - copy.head_seq,
                copy.head_seq
            ))
        } else {
            another(copy.head_seq)
        }
    } else if head.seq == 0 {
        Present::Replaceable
    } else if Store::open(partial, Access::ReadOnly)?.hash_at(head.seq)? != Some(head.hash) {
        another(head.seq)
    } else if head.seq == copy.head_seq {
        Present::Holds("the log's documents are not the backup's (its events are)".to_owned())
    } else {
        // An earlier state of the same log: the backup holds all of it and more.
        Present::Replaceable
    })
}

/// Renames the log and its `-wal` and `-shm` (each only if there) to
/// `<db>.before-restore-<UTC time>` and that name with `-wal`, `-shm`: together, so that
/// the old log still opens with its commits, and so that no stale `-wal` is left beside
/// the restored file.
fn set_aside(db: &Path) -> Result<Vec<PathBuf>> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut aside = with_suffix(db, &format!(".before-restore-{stamp}"));
    let mut n = 1;
    while ["", "-wal", "-shm"]
        .iter()
        .any(|side| with_suffix(&aside, side).symlink_metadata().is_ok())
    {
        n += 1;
        aside = with_suffix(db, &format!(".before-restore-{stamp}-{n}"));
    }
    let mut moved = Vec::new();
    for side in ["", "-wal", "-shm"] {
        let from = with_suffix(db, side);
        if from.symlink_metadata().is_err() {
            continue;
        }
        let to = with_suffix(&aside, side);
        fs::rename(&from, &to).map_err(|e| Error::io(&from, e))?;
        moved.push(to);
    }
    Ok(moved)
}

/// Opens nothing itself: verifies an opened copy and says what it holds. A copy that
/// does not verify is refused with the first findings, naming `named` (what the user
/// gave).
fn verified(copy: &Store, named: &Path) -> Result<Copy> {
    let report = crate::verify::verify(copy)?;
    if !report.findings.is_empty() {
        let first: Vec<String> = report
            .findings
            .iter()
            .take(3)
            .map(|f| format!("{} {}: {}", f.check, f.subject, f.problem))
            .collect();
        return Err(Error::VerifyFailed(format!(
            "{}: the copy does not verify ({} finding(s); first: {}); nothing was changed",
            named.display(),
            report.findings.len(),
            first.join("; ")
        )));
    }
    let bytes = fs::metadata(copy.path())
        .map_err(|e| Error::io(copy.path(), e))?
        .len();
    Ok(Copy {
        path: named.to_owned(),
        events: report.events,
        head_seq: report.head_seq,
        head_hash: report.head_hash,
        anchor: report.anchor,
        bytes,
    })
}

/// A scratch name in the folder of `path` (so that a rename or link stays on one file
/// system), hidden, and unique to this process.
fn beside(path: &Path, what: &str) -> Result<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::Usage(format!("{}: not a file name", path.display())))?;
    let mut scratch = std::ffi::OsString::from(".");
    scratch.push(name);
    scratch.push(format!(".{what}-{}", std::process::id()));
    let scratch = path.with_file_name(scratch);
    let folder = folder_of(path);
    if !folder.is_dir() {
        return Err(Error::Usage(format!(
            "{}: the folder {} does not exist; create it first (`mkdir -p {}`)",
            path.display(),
            folder.display(),
            folder.display()
        )));
    }
    if scratch.symlink_metadata().is_ok() {
        return Err(Error::Usage(format!(
            "{}: a scratch file of another run is in the way; remove it if no policylog is \
             running",
            scratch.display()
        )));
    }
    Ok(scratch)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn remove_scratch(path: &Path) {
    let _ = fs::remove_file(path);
}

fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

fn sync_file(path: &Path) -> Result<()> {
    fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(path, e))
}

/// Syncs the folder holding `path`, so that a new name survives a power cut too.
fn sync_folder(path: &Path) -> Result<()> {
    let folder = folder_of(path);
    fs::File::open(folder)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(folder, e))
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}
