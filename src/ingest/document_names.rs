//! Two documents of a batch (or one of the batch and one of the log) that an export
//! would write to one file are refused before anything is read further.

use std::path::Path;

use super::Problems;
use crate::document::Document;
use crate::entity::Sha256;
use crate::error::{Error, Location, Problem, Result};
use crate::events_file::EventsFile;
use crate::store::Store;

/// Export writes every document at its `file` and every events file by its name into one
/// folder: two documents with one `file` (or one events file name) would overwrite each
/// other there, and a document at a top-level `.jsonl` would be read back as events. Such
/// a document is refused, naming both. Checked against the log as it stands before the
/// batch (export checks again before it writes anything).
pub(super) fn check_document_names(
    store: &Store,
    readers: &[EventsFile],
    problems: &mut Problems,
) -> Result<()> {
    let batch: Vec<(&Document, &Path)> = readers
        .iter()
        .filter_map(|r| r.document.as_ref().map(|d| (d, r.path.as_path())))
        .collect();
    if batch.is_empty() {
        return Ok(());
    }
    let at = |path: &Path| Location::Line {
        file: path.to_owned(),
        line: 1,
        event: None,
    };
    let stored = store.documents()?;
    // (sha256, file, events file, where it is): the log's documents, then the batch's.
    let mut known: Vec<(&Sha256, &str, &str, String)> = stored
        .iter()
        .map(|d| {
            (
                &d.sha256,
                d.file.as_str(),
                d.events_file.as_str(),
                "in the log".to_owned(),
            )
        })
        .collect();
    for (doc, path) in batch {
        if known.iter().any(|(sha, ..)| **sha == doc.sha256) {
            continue;
        }
        let file = Path::new(&doc.file);
        if file.components().count() == 1 && file.extension().is_some_and(|x| x == "jsonl") {
            problems.note(Error::input(
                at(path),
                Problem::BadHeader(format!(
                    "document `file` {} is a .jsonl beside the events files: an export would read it back as events; put the document under sources/",
                    doc.file
                )),
            ))?;
            continue;
        }
        let clash = known.iter().find_map(|(sha, file, events_file, place)| {
            if *file == doc.file {
                Some(format!("`file` {file}"))
            } else if *events_file == doc.events_file {
                Some(format!("the events file name {events_file}"))
            } else {
                None
            }
            .map(|what| (what, sha, place))
        });
        if let Some((what, sha, place)) = clash {
            problems.note(Error::input(
                at(path),
                Problem::BadHeader(format!(
                    "document {} has {what}, as document {} ({place}) has; each document needs its own file and events file name, or an export would write one over the other: rename this one",
                    doc.sha256.short(),
                    sha.short()
                )),
            ))?;
            continue;
        }
        known.push((
            &doc.sha256,
            &doc.file,
            &doc.events_file,
            format!("in {}", path.display()),
        ));
    }
    Ok(())
}
