//! `export`: the log written back as events files plus their sources, in the canonical
//! form `ingest` reads, so that ingest followed by export changes no byte.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

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
    for doc in &documents {
        let lines = files.entry(doc.events_file.clone()).or_default();
        if !lines.is_empty() {
            return Err(Error::Usage(format!(
                "two documents claim the events file {}; they cannot both be exported",
                doc.events_file
            )));
        }
        lines.push(doc.header_line());
        file_of_source.insert(doc.sha256.to_string(), doc.events_file.clone());
        let path = out
            .join(&doc.events_file)
            .parent()
            .unwrap_or(out)
            .join(&doc.file);
        write_file(&path, doc.text.as_bytes())?;
        report.documents += 1;
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
    for (name, lines) in files {
        let path = out.join(&name);
        let mut text = lines.join("\n");
        text.push('\n');
        write_file(&path, text.as_bytes())?;
        report.files.push(path);
    }
    Ok(report)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let mut file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))
}
