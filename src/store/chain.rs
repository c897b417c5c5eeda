//! The hash chain. Changing anything here breaks every existing log: the format is
//! specified in docs/hash-chain.md so that a third party can re-verify a chain.
//!
//! `hash = sha256(prev_hash ‖ "\n" ‖ canonical_event)`, hex-encoded, where `prev_hash` is
//! the previous event's hash (64 zeros for the first) and `canonical_event` is the JSON
//! object below with sorted keys and no whitespace.

use std::borrow::Cow;

use rusqlite::Row;
use sha2::{Digest, Sha256};

use super::Store;
use super::events::EVENT_COLUMNS;
use super::row::lenient_text;
use crate::canonical::{hex_string, push_string};
use crate::error::Result;
use crate::event::StoredEvent;

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields the chain covers, borrowed from wherever they live.
pub struct Link<'a> {
    pub seq: i64,
    pub id: &'a str,
    pub kind: &'a str,
    pub version: u32,
    pub valid: &'a str,
    /// Canonical JSON, spliced in as is.
    pub payload: &'a str,
    pub source: Option<&'a str>,
    pub quote: Option<&'a str>,
    pub recorded_at: &'a str,
    pub recorded_by: &'a str,
}

impl<'a> Link<'a> {
    pub fn of(event: &'a StoredEvent) -> Link<'a> {
        Link {
            seq: event.seq,
            id: &event.id,
            kind: &event.kind,
            version: event.version,
            valid: &event.valid,
            payload: &event.payload,
            source: event.source.as_deref(),
            quote: event.quote.as_deref(),
            recorded_at: &event.recorded_at,
            recorded_by: &event.recorded_by,
        }
    }

    /// `{"id":…,"kind":…,"payload":{…},"quote":…,"recorded_at":…,"recorded_by":…,"seq":…,"source":…,"valid":…,"version":…}`
    pub fn canonical(&self, out: &mut String) {
        out.clear();
        out.push_str("{\"id\":");
        push_string(out, self.id);
        out.push_str(",\"kind\":");
        push_string(out, self.kind);
        out.push_str(",\"payload\":");
        out.push_str(self.payload);
        out.push_str(",\"quote\":");
        push_opt(out, self.quote);
        out.push_str(",\"recorded_at\":");
        push_string(out, self.recorded_at);
        out.push_str(",\"recorded_by\":");
        push_string(out, self.recorded_by);
        out.push_str(",\"seq\":");
        push_integer(out, self.seq);
        out.push_str(",\"source\":");
        push_opt(out, self.source);
        out.push_str(",\"valid\":");
        push_string(out, self.valid);
        out.push_str(",\"version\":");
        push_integer(out, i64::from(self.version));
        out.push('}');
    }

    /// The hash of this link after `prev_hash`. `scratch` is reused between calls.
    pub fn hash(&self, prev_hash: &str, scratch: &mut String) -> String {
        hex_string(&self.digest(prev_hash, scratch))
    }

    /// The raw sha256 of this link after `prev_hash`, for callers that compare many hashes
    /// and would rather not allocate a hex string for each (`verify`).
    pub fn digest(&self, prev_hash: &str, scratch: &mut String) -> [u8; 32] {
        self.canonical(scratch);
        let mut hasher = Sha256::new();
        hasher.update(prev_hash.as_bytes());
        hasher.update(b"\n");
        hasher.update(scratch.as_bytes());
        hasher.finalize().into()
    }

    /// Whether `hash` (as stored: lowercase hex) is this link's hash after `prev_hash`.
    pub fn matches(&self, prev_hash: &str, hash: &str, scratch: &mut String) -> bool {
        hex_equals(&self.digest(prev_hash, scratch), hash)
    }
}

/// An event row as `verify` reads it: leniently (a value made invalid UTF-8 behind the
/// tool's back comes out with replacement characters, so that its hash check names the
/// row instead of the read failing) and borrowed from SQLite's row where the bytes are
/// valid UTF-8, which they almost always are: no copy per column.
pub struct ChainRow<'r> {
    pub seq: i64,
    pub id: Cow<'r, str>,
    pub kind: Cow<'r, str>,
    /// 0, which no vocabulary has, when the stored value is not a `u32`.
    pub version: u32,
    pub valid: Cow<'r, str>,
    pub valid_from: Option<Cow<'r, str>>,
    pub valid_to: Option<Cow<'r, str>>,
    pub payload: Cow<'r, str>,
    pub source: Option<Cow<'r, str>>,
    pub quote: Option<Cow<'r, str>>,
    pub quote_start: Option<i64>,
    pub quote_end: Option<i64>,
    pub recorded_at: Cow<'r, str>,
    pub recorded_by: Cow<'r, str>,
    pub prev_hash: Cow<'r, str>,
    pub hash: Cow<'r, str>,
}

impl ChainRow<'_> {
    pub fn link(&self) -> Link<'_> {
        Link {
            seq: self.seq,
            id: &self.id,
            kind: &self.kind,
            version: self.version,
            valid: &self.valid,
            payload: &self.payload,
            source: self.source.as_deref(),
            quote: self.quote.as_deref(),
            recorded_at: &self.recorded_at,
            recorded_by: &self.recorded_by,
        }
    }

    fn read<'r>(r: &'r Row<'_>) -> rusqlite::Result<ChainRow<'r>> {
        let text = |i| lenient_text(r, i).map(Option::unwrap_or_default);
        Ok(ChainRow {
            seq: r.get(0)?,
            id: text(1)?,
            kind: text(2)?,
            version: r
                .get::<_, i64>(3)
                .ok()
                .and_then(|v| u32::try_from(v).ok())
                .unwrap_or(0),
            valid: text(4)?,
            valid_from: lenient_text(r, 5)?,
            valid_to: lenient_text(r, 6)?,
            payload: text(7)?,
            source: lenient_text(r, 8)?,
            quote: lenient_text(r, 9)?,
            quote_start: r.get(10).ok().flatten(),
            quote_end: r.get(11).ok().flatten(),
            recorded_at: text(12)?,
            recorded_by: text(13)?,
            prev_hash: text(14)?,
            hash: text(15)?,
        })
    }
}

impl Store {
    /// Every event row in log order, read leniently (see `ChainRow`), for `verify`, which
    /// must name a damaged row rather than stop at it.
    pub fn for_each_chain_row(
        &self,
        mut each: impl FnMut(&ChainRow<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {EVENT_COLUMNS} FROM events e ORDER BY e.seq"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            each(&ChainRow::read(row)?)?;
        }
        Ok(())
    }
}

/// What `anchor` hashes first, so that an anchor is never taken for an event's hash.
const ANCHOR_TAG: &str = "policylog anchor 1";

/// The head anchor (docs/hash-chain.md): the event head and every document's fields,
/// so that a document rewritten with its record hash, or a forged one, changes it.
/// `sha256(tag ‖ "\n" ‖ head_hash ‖ "\n" ‖ for each document by sha256: its canonical
/// JSON ‖ "\n")`. A document's `recorded_at` (the time of its ingest, so another on every
/// machine) is left out, so that the same events files give the same anchor everywhere.
pub fn anchor<'d>(head_hash: &str, documents: impl IntoIterator<Item = &'d str>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(ANCHOR_TAG.as_bytes());
    hasher.update(b"\n");
    hasher.update(head_hash.as_bytes());
    hasher.update(b"\n");
    for canonical in documents {
        hasher.update(canonical.as_bytes());
        hasher.update(b"\n");
    }
    let digest: [u8; 32] = hasher.finalize().into();
    hex_string(&digest)
}

impl Store {
    /// The anchor of the log as it is: its head and its documents, read leniently (a
    /// damaged value still gives an anchor, which then differs).
    pub fn anchor(&self, head_hash: &str) -> Result<String> {
        let mut stmt = self.conn.prepare(
            "SELECT events_file, file, published, publisher, sha256, title, url
             FROM documents ORDER BY sha256",
        )?;
        let mut rows = stmt.query([])?;
        let mut documents = Vec::new();
        while let Some(row) = rows.next()? {
            let text = |i| lenient_text(row, i).map(|t| t.map(Cow::into_owned));
            let mut fields = serde_json::json!({
                "events_file": text(0)?, "file": text(1)?, "published": text(2)?,
                "publisher": text(3)?, "sha256": text(4)?, "title": text(5)?,
            });
            // Only when present, as in the record hash: anchors kept before documents had
            // a url stay valid, and a url rewritten with its record hash is still seen.
            if let Some(url) = text(6)? {
                fields["url"] = serde_json::json!(url);
            }
            documents.push(crate::canonical::to_string(&fields));
        }
        Ok(anchor(head_hash, documents.iter().map(String::as_str)))
    }
}

/// `hex == hex_string(digest)`, without building the string.
fn hex_equals(digest: &[u8; 32], hex: &str) -> bool {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hex = hex.as_bytes();
    hex.len() == 64
        && digest.iter().zip(hex.chunks_exact(2)).all(|(b, pair)| {
            pair[0] == HEX[usize::from(b >> 4)] && pair[1] == HEX[usize::from(b & 0x0f)]
        })
}

fn push_opt(out: &mut String, value: Option<&str>) {
    match value {
        Some(v) => push_string(out, v),
        None => out.push_str("null"),
    }
}

fn push_integer(out: &mut String, n: i64) {
    use std::fmt::Write;
    write!(out, "{n}").expect("writing to a String cannot fail");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link<'a>(payload: &'a str, quote: Option<&'a str>) -> Link<'a> {
        Link {
            seq: 1,
            id: "e1",
            kind: "membership.joined",
            version: 1,
            valid: "2020-04",
            payload,
            source: Some("ab"),
            quote,
            recorded_at: "2026-11-23T14:00:00Z",
            recorded_by: "curator",
        }
    }

    #[test]
    fn canonical_form_matches_serde_json_with_sorted_keys() {
        let l = link(
            r#"{"group":"org:icat","member":"org:cbss"}"#,
            Some("a \"b\"\n\u{1}é"),
        );
        let mut out = String::new();
        l.canonical(&mut out);
        let expected = serde_json::json!({
            "id": "e1", "kind": "membership.joined", "version": 1, "valid": "2020-04",
            "payload": {"member": "org:cbss", "group": "org:icat"}, "source": "ab",
            "quote": "a \"b\"\n\u{1}é", "recorded_at": "2026-11-23T14:00:00Z",
            "recorded_by": "curator", "seq": 1
        });
        assert_eq!(out, expected.to_string());
    }

    #[test]
    fn any_changed_field_changes_the_hash() {
        let mut s = String::new();
        let base = link("{}", Some("q")).hash(GENESIS, &mut s);
        assert_ne!(link("{}", Some("Q")).hash(GENESIS, &mut s), base);
        assert_ne!(link("{}", None).hash(GENESIS, &mut s), base);
        assert_ne!(link("{}", Some("q")).hash(&base, &mut s), base);
        assert_eq!(link("{}", Some("q")).hash(GENESIS, &mut s), base);
    }

    #[test]
    fn matches_compares_against_the_hex_hash() {
        let mut s = String::new();
        let hash = link("{}", Some("q")).hash(GENESIS, &mut s);
        assert!(link("{}", Some("q")).matches(GENESIS, &hash, &mut s));
        assert!(!link("{}", Some("q")).matches(GENESIS, &hash.to_uppercase(), &mut s));
        assert!(!link("{}", Some("q")).matches(GENESIS, &hash[..63], &mut s));
        assert!(!link("{}", Some("Q")).matches(GENESIS, &hash, &mut s));
    }
}
