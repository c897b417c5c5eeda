//! The source documents: stored once each, with the dates of their publication as days,
//! and read back whole, by sha256 or prefix, or (for `verify`) with what protects them.

use std::borrow::Cow;

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::row::lenient_text;
use super::{Batch, Store};
use crate::date::day_string;
use crate::document::Document;
use crate::entity::Sha256;
use crate::error::{Error, Result};

/// A document row as `verify` reads it.
pub struct DocumentRecord {
    pub document: Document,
    pub recorded_at: String,
    pub record_hash: String,
    pub published_from: Option<String>,
    pub published_to: Option<String>,
}

impl Store {
    pub fn documents(&self) -> Result<Vec<Document>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents ORDER BY published_from, events_file, sha256"
        ))?;
        let rows = stmt.query_map([], document)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn document(&self, sha256: &str) -> Result<Option<Document>> {
        document_by_sha(&self.conn, sha256)
    }

    /// Finds documents whose sha256 starts with `prefix`.
    pub fn documents_by_prefix(&self, prefix: &str) -> Result<Vec<Sha256>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT sha256 FROM documents WHERE substr(sha256, 1, length(?1)) = ?1 ORDER BY sha256 LIMIT 2",
        )?;
        let rows = stmt.query_map([prefix], |r| r.get::<_, String>(0))?;
        let mut found = Vec::new();
        for sha in rows {
            found.push(Sha256::parse(&sha?).map_err(Error::NotFound)?);
        }
        Ok(found)
    }

    /// For `verify`: every document with the columns that protect and place it.
    pub fn for_each_document_record(
        &self,
        mut each: impl FnMut(DocumentRecord) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {DOCUMENT_COLUMNS}, record_hash, published_from, published_to FROM documents ORDER BY sha256"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            each(DocumentRecord {
                document: document(row)?,
                recorded_at: owned(lenient_text(row, 7)?).unwrap_or_default(),
                record_hash: owned(lenient_text(row, 9)?).unwrap_or_default(),
                published_from: owned(lenient_text(row, 10)?),
                published_to: owned(lenient_text(row, 11)?),
            })?;
        }
        Ok(())
    }
}

impl Batch<'_> {
    pub fn document(&self, sha256: &str) -> Result<Option<Document>> {
        document_by_sha(&self.tx, sha256)
    }

    pub fn insert_document(&self, doc: &Document, recorded_at: &str) -> Result<()> {
        let published = crate::date::ValidTime::parse(&doc.published).ok();
        self.tx
            .prepare_cached(
                "INSERT INTO documents (sha256, file, events_file, title, publisher, published,
                    published_from, published_to, text, recorded_at, record_hash, url)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?
            .execute(params![
                doc.sha256.as_str(),
                doc.file,
                doc.events_file,
                doc.title,
                doc.publisher,
                doc.published,
                published.as_ref().and_then(|p| p.from()).map(day_string),
                published.as_ref().and_then(|p| p.to()).map(day_string),
                doc.text,
                recorded_at,
                doc.record_hash(recorded_at),
                doc.url,
            ])?;
        Ok(())
    }
}

const DOCUMENT_COLUMNS: &str =
    "sha256, file, events_file, title, publisher, published, text, recorded_at, url";

fn document_by_sha(conn: &Connection, sha256: &str) -> Result<Option<Document>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE sha256 = ?"
        ))?
        .query_row([sha256], document)
        .optional()?)
}

fn document(r: &Row<'_>) -> rusqlite::Result<Document> {
    // Read leniently: a damaged value is reported by `verify`'s hash checks, not a read error.
    let text = |i| lenient_text(r, i).map(|t| t.map(Cow::into_owned).unwrap_or_default());
    Ok(Document {
        sha256: Sha256::from_stored(text(0)?),
        file: text(1)?,
        events_file: text(2)?,
        title: text(3)?,
        publisher: text(4)?,
        published: text(5)?,
        url: owned(lenient_text(r, 8)?),
        text: text(6)?,
    })
}

fn owned(text: Option<Cow<'_, str>>) -> Option<String> {
    text.map(Cow::into_owned)
}
