//! `export`: the log written back as events files plus their sources, in the canonical
//! form `ingest` reads, so that ingest followed by export changes no byte.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};
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
    store.for_each_event(&EventFilter::default(), |e| {
        let file = match &e.source {
            Some(sha) => file_of_source
                .get(sha)
                .cloned()
                .unwrap_or_else(|| UNSOURCED_FILE.to_owned()),
            None => UNSOURCED_FILE.to_owned(),
        };
        let with_source = file == UNSOURCED_FILE && e.source.is_some();
        files.entry(file).or_default().push(e.to_line(with_source));
        report.events += 1;
        Ok(())
    })?;
    if files.contains_key(UNSOURCED_FILE) {
        plan.claim(UNSOURCED_FILE, "the events that cite no document")?;
    }
    // Nothing is written until every path is known to be free of the log and of each other.
    let log = LogFiles::of(store.path());
    for (name, what) in &plan.paths {
        log.refuse_overwrite(&out.join(name), what)?;
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

/// The log file and the files SQLite keeps beside it: no export may write over them.
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
                "{what} would be written to {}, which is the log {} or its own file; export wrote nothing: export into another folder (--out)",
                target.display(),
                self.paths[0].display()
            )));
        }
        Ok(())
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
