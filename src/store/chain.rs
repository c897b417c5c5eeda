//! The hash chain. Changing anything here breaks every existing log: the format is
//! specified in docs/hash-chain.md so that a third party can re-verify a chain.
//!
//! `hash = sha256(prev_hash ‖ "\n" ‖ canonical_event)`, hex-encoded, where `prev_hash` is
//! the previous event's hash (64 zeros for the first) and `canonical_event` is the JSON
//! object below with sorted keys and no whitespace.

use sha2::{Digest, Sha256};

use crate::canonical::hex_string;
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
        push_json_string(out, self.id);
        out.push_str(",\"kind\":");
        push_json_string(out, self.kind);
        out.push_str(",\"payload\":");
        out.push_str(self.payload);
        out.push_str(",\"quote\":");
        push_opt(out, self.quote);
        out.push_str(",\"recorded_at\":");
        push_json_string(out, self.recorded_at);
        out.push_str(",\"recorded_by\":");
        push_json_string(out, self.recorded_by);
        out.push_str(",\"seq\":");
        out.push_str(&self.seq.to_string());
        out.push_str(",\"source\":");
        push_opt(out, self.source);
        out.push_str(",\"valid\":");
        push_json_string(out, self.valid);
        out.push_str(",\"version\":");
        out.push_str(&self.version.to_string());
        out.push('}');
    }

    /// The hash of this link after `prev_hash`. `scratch` is reused between calls.
    pub fn hash(&self, prev_hash: &str, scratch: &mut String) -> String {
        self.canonical(scratch);
        let mut hasher = Sha256::new();
        hasher.update(prev_hash.as_bytes());
        hasher.update(b"\n");
        hasher.update(scratch.as_bytes());
        hex_string(&hasher.finalize())
    }
}

fn push_opt(out: &mut String, value: Option<&str>) {
    match value {
        Some(v) => push_json_string(out, v),
        None => out.push_str("null"),
    }
}

/// Appends `value` as a JSON string, escaped exactly as serde_json (and Python's
/// `json.dumps(..., ensure_ascii=False)`) escape it.
fn push_json_string(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
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
}
