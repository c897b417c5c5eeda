//! `export`: the log written back as events files plus their sources, in the canonical
//! form `ingest` reads, so that ingest followed by export changes no byte.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::clock;
use crate::error::{Error, Result};
use crate::ingest::{MergeKey, merge_key};
use crate::store::{EventFilter, Store};

/// File for events that cite no document (retractions by a maintainer).
pub const UNSOURCED_FILE: &str = "log.jsonl";

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ExportReport {
    pub files: Vec<PathBuf>,
    pub documents: usize,
    pub events: usize,
}

pub fn export(store: &Store, out: &Path) -> Result<ExportReport> {
    let documents = store.documents()?;
    let mut files: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut file_of_source = std::collections::HashMap::new();
    let mut report = ExportReport::default();
    // Every file this run writes, with what it is, so that no two things claim one path.
    let mut plan = Plan::default();
    for doc in &documents {
        let what = format!("document {} (`file` {})", doc.sha256.short(), doc.file);
        plan.claim(&doc.events_file, &format!("the events file of {what}"))?;
        plan.claim(&doc.file, &what)?;
        let lines = files.entry(doc.events_file.clone()).or_default();
        lines.push(doc.header_line());
        file_of_source.insert(doc.sha256.to_string(), doc.events_file.clone());
    }
    // Each event's file, line in it and merge key, in log order.
    let mut placed: Vec<(String, usize, MergeKey)> = Vec::new();
    store.for_each_event(&EventFilter::default(), |e| {
        let file = match &e.source {
            Some(sha) => file_of_source
                .get(sha)
                .cloned()
                .unwrap_or_else(|| UNSOURCED_FILE.to_owned()),
            None => UNSOURCED_FILE.to_owned(),
        };
        let with_source = file == UNSOURCED_FILE && e.source.is_some();
        let lines = files.entry(file.clone()).or_default();
        lines.push(e.to_line(with_source));
        let key = merge_key(clock::parse(&e.recorded_at).ok(), None);
        placed.push((file, lines.len() - 1, key));
        report.events += 1;
        Ok(())
    })?;
    add_order_hints(&mut files, &placed);
    if files.contains_key(UNSOURCED_FILE) {
        plan.claim(UNSOURCED_FILE, "the events that cite no document")?;
    }
    // Nothing is written until every path is known to be free of the log and of each other.
    let log = LogFiles::of(store.path());
    for (name, what) in &plan.paths {
        let path = out.join(name);
        log.refuse_overwrite(&path, what)?;
        refuse_irregular(&path, what)?;
    }
    for doc in &documents {
        write_file(&out.join(&doc.file), doc.text.as_bytes())?;
        report.documents += 1;
    }
    for (name, lines) in files {
        let path = out.join(&name);
        let mut text = lines.join("\n");
        text.push('\n');
        write_file(&path, text.as_bytes())?;
        report.files.push(path);
    }
    Ok(report)
}

/// Ingest merges the files by `recorded_at`, ties in file-name order: events of one
/// `recorded_at` that the log holds in another order (ingested by separate calls, out of
/// file-name order) would come back reordered, with another head. Each such tie gets
/// `order` hints, its events numbered 1, 2, … in log order, which ingest merges by; every
/// other line is written as before, so a log without such ties exports byte for byte as it
/// was ingested.
fn add_order_hints(
    files: &mut BTreeMap<String, Vec<String>>,
    placed: &[(String, usize, MergeKey)],
) {
    let rank: HashMap<&str, usize> = files
        .keys()
        .enumerate()
        .map(|(i, name)| (name.as_str(), i))
        .collect();
    // The events of each key, in log order (equal keys are contiguous in a log whose
    // time never goes backwards, but nothing here relies on it).
    let mut ties: HashMap<MergeKey, Vec<usize>> = HashMap::new();
    for (i, (_, _, key)) in placed.iter().enumerate() {
        ties.entry(*key).or_default().push(i);
    }
    let mut hinted: Vec<(&str, usize, usize)> = Vec::new();
    for events in ties.values() {
        // Within a tie the merge takes files in name order, each file's lines in order:
        // the log's order, unless the file ranks go down somewhere.
        let misordered = events
            .windows(2)
            .any(|w| rank[placed[w[1]].0.as_str()] < rank[placed[w[0]].0.as_str()]);
        if misordered {
            for (k, &i) in events.iter().enumerate() {
                hinted.push((placed[i].0.as_str(), placed[i].1, k + 1));
            }
        }
    }
    for (file, line, order) in hinted {
        let text = &mut files.get_mut(file).expect("placed in it")[line];
        // Header lines come first: an event's line index counts from the file's start.
        text.truncate(text.len() - 1);
        text.push_str(&format!(",\"order\":{order}}}"));
    }
}

/// The paths an export writes, relative to `--out`, and what each one is.
#[derive(Default)]
struct Plan {
    paths: BTreeMap<String, String>,
}

impl Plan {
    fn claim(&mut self, name: &str, what: &str) -> Result<()> {
        let relative = Path::new(name);
        if name.is_empty()
            || name.contains('\\')
            || relative
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(Error::Usage(format!(
                "{what}: `{name}` is not a relative path inside the export folder; export wrote nothing"
            )));
        }
        // `a/./b` and `a//b` name `a/b`.
        let key = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if let Some(first) = self.paths.get(&key) {
            return Err(Error::Usage(format!(
                "{first} and {what} would both be written to {key}; export wrote nothing (document file names must be unique in a log: this one predates the rule)"
            )));
        }
        self.paths.insert(key, what.to_owned());
        Ok(())
    }
}

/// The log file and the files SQLite keeps beside it: no export (events, Popolo,
/// Datasette metadata) may write over them.
pub struct LogFiles {
    paths: Vec<PathBuf>,
    identity: Option<(u64, u64)>,
}

impl LogFiles {
    pub fn of(db: &Path) -> LogFiles {
        let db = resolve(db);
        let mut paths = vec![db.clone()];
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut name = db.as_os_str().to_owned();
            name.push(suffix);
            paths.push(PathBuf::from(name));
        }
        LogFiles {
            identity: identity(&db),
            paths,
        }
    }

    /// Refuses a path that is the log or one of its files, however it is spelt (relative,
    /// through a symlink, a hard link of the log).
    pub fn refuse_overwrite(&self, target: &Path, what: &str) -> Result<()> {
        let resolved = resolve(target);
        let same_file = self.identity.is_some() && identity(target) == self.identity;
        if same_file || self.paths.contains(&resolved) {
            return Err(Error::Usage(format!(
                "{what} would be written to {}, which is the log {} or its own file; policylog wrote nothing: give another path (--out)",
                target.display(),
                self.paths[0].display()
            )));
        }
        Ok(())
    }
}

/// An earlier export's file is replaced; a symlink (which would send the bytes to a file
/// this export never chose), a FIFO (which would block the write) or a folder is refused.
fn refuse_irregular(path: &Path, what: &str) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if !meta.file_type().is_file() => Err(Error::Usage(format!(
            "{what} would be written to {}, which is {}, not a regular file; export wrote nothing: remove it or export into another folder (--out)",
            path.display(),
            if meta.file_type().is_symlink() {
                "a symlink"
            } else if meta.is_dir() {
                "a folder"
            } else {
                "a FIFO, socket or device"
            }
        ))),
        _ => Ok(()),
    }
}

/// The path with its deepest existing ancestor made canonical (symlinks followed): how
/// a file not yet written will be reached.
fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut rest = Vec::new();
    let mut base = absolute.as_path();
    loop {
        if let Ok(real) = base.canonicalize() {
            return rest.iter().rev().fold(real, |p, c| p.join(c));
        }
        match (base.parent(), base.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                base = parent;
            }
            _ => return absolute,
        }
    }
}

/// Device and inode of an existing file (its hard links share them).
fn identity(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let mut file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))
}
