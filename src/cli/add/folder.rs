//! An events folder as `add` reads it: its events files (headers and lines, read
//! generically so that lines of a newer vocabulary do not stop it), the entities they
//! register or declare, the event ids they take, the documents they hold and the
//! latest `recorded_at` they carry.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::document::Document;
use crate::entity::Sha256;
use crate::error::{Error, Result};
use crate::event::EventLine;
use crate::events_file::{self, EventsFile};
use crate::extract::KnownEntity;

/// One events file of the folder.
pub struct FolderFile {
    pub path: PathBuf,
    pub document: Option<Document>,
    pub lines: Vec<EventLine>,
}

pub struct Folder {
    pub dir: PathBuf,
    pub files: Vec<FolderFile>,
}

impl Folder {
    /// Reads every events file of `dir`; a folder that does not exist yet is empty.
    pub fn read(dir: &Path) -> Result<Folder> {
        let mut files = Vec::new();
        if dir.exists() {
            for path in events_file::collect(&[dir.to_owned()])? {
                let mut reader = EventsFile::open(&path)?;
                let mut lines = Vec::new();
                while reader.next_line()?.is_some() {
                    let line = crate::event::validate::parse_line(reader.text())
                        .map_err(|p| Error::input(reader.location(), p))?;
                    lines.push(line);
                }
                files.push(FolderFile {
                    path,
                    document: reader.document.take(),
                    lines,
                });
            }
        }
        Ok(Folder {
            dir: dir.to_owned(),
            files,
        })
    }

    /// The entities the folder's files register or declare, leaving out file `except`.
    pub fn known(&self, except: Option<usize>) -> Vec<KnownEntity> {
        let mut known: BTreeMap<String, KnownEntity> = BTreeMap::new();
        for (i, file) in self.files.iter().enumerate() {
            if Some(i) == except {
                continue;
            }
            for line in &file.lines {
                learn(&mut known, &line.kind, &line.payload);
            }
        }
        known.into_values().collect()
    }

    /// Event ids the folder's files take, leaving out file `except`.
    pub fn ids(&self, except: Option<usize>) -> HashSet<String> {
        self.files
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != except)
            .flat_map(|(_, f)| f.lines.iter().filter_map(|l| l.id.clone()))
            .collect()
    }

    /// The latest `recorded_at` of the folder's lines.
    pub fn latest_recorded_at(&self) -> Option<String> {
        self.files
            .iter()
            .flat_map(|f| f.lines.iter().filter_map(|l| l.recorded_at.clone()))
            .filter_map(|t| crate::clock::parse(&t).ok())
            .max()
            .map(crate::clock::format)
    }

    /// Whether an events file of the folder names a document with this sha256.
    pub fn names_document(&self, sha: &Sha256) -> bool {
        self.files
            .iter()
            .any(|f| f.document.as_ref().is_some_and(|d| &d.sha256 == sha))
    }

    /// The file of the folder that already holds a text with this sha256: an events
    /// file whose header names it, or a file of `sources/` with those bytes.
    pub fn holding(&self, sha: &Sha256) -> Result<Option<PathBuf>> {
        if let Some(f) = self
            .files
            .iter()
            .find(|f| f.document.as_ref().is_some_and(|d| &d.sha256 == sha))
        {
            return Ok(Some(f.path.clone()));
        }
        let sources = self.dir.join("sources");
        if !sources.is_dir() {
            return Ok(None);
        }
        for entry in std::fs::read_dir(&sources).map_err(|e| Error::io(&sources, e))? {
            let path = entry.map_err(|e| Error::io(&sources, e))?.path();
            if path.is_file() {
                let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
                if &Sha256::of(&bytes) == sha {
                    return Ok(Some(path));
                }
            }
        }
        Ok(None)
    }
}

/// Adds what an event line says of an entity: its registration (which names it), or
/// the event that declares it (a call under its title, an indicator under its label).
pub fn learn(known: &mut BTreeMap<String, KnownEntity>, kind: &str, payload: &Value) {
    let s = |k: &str| payload[k].as_str().map(str::to_owned);
    let strings = |k: &str| {
        payload[k]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    match kind {
        "entity.registered" => {
            if let (Some(id), Some(t), Some(name)) = (s("id"), s("type"), s("name")) {
                known.insert(
                    id.clone(),
                    KnownEntity {
                        id,
                        entity_type: t,
                        name,
                        acronym: s("acronym"),
                        aliases: strings("aliases"),
                    },
                );
            }
        }
        "entity.renamed" => {
            if let Some(e) = s("id").and_then(|id| known.get_mut(&id)) {
                let old = std::mem::replace(&mut e.name, s("name").unwrap_or_default());
                e.aliases.push(old);
                e.acronym = s("acronym").or(e.acronym.take());
            }
        }
        "entity.aliased" => {
            if let Some(e) = s("id").and_then(|id| known.get_mut(&id)) {
                e.aliases.extend(strings("aliases"));
            }
        }
        _ => {
            let declared = match kind {
                "call.issued" => Some(("call", "title")),
                "commitment.set" => Some(("commitment", "title")),
                "meeting.held" => Some(("meeting", "title")),
                "publication.released" => Some(("publication", "title")),
                "statistic.reported" => Some(("indicator", "label")),
                _ => None,
            };
            if let Some((field, name)) = declared
                && let (Some(id), Some(name)) = (s(field), s(name))
            {
                known.entry(id.clone()).or_insert(KnownEntity {
                    id,
                    entity_type: field.to_owned(),
                    name,
                    acronym: None,
                    aliases: Vec::new(),
                });
            }
        }
    }
}
