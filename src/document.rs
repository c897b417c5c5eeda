//! Source documents: their metadata, their text, and finding a quote in that text
//! whitespace-insensitively (a Web Annotation TextQuoteSelector survives re-flowed text).

use serde::{Deserialize, Serialize};

use crate::entity::Sha256;

/// A document as the log stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    pub sha256: Sha256,
    /// Path of the document relative to its events file (`sources/004_x.txt`).
    pub file: String,
    /// The events file the document's events are exported to (`2020-12-15-x.jsonl`).
    pub events_file: String,
    pub title: String,
    pub publisher: String,
    /// The date the document speaks from (EDTF).
    pub published: String,
    /// Where a reader finds the text, when its header gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip)]
    pub text: String,
}

/// The first line of an events file: `{"document": {...}}`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub document: HeaderDocument,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderDocument {
    pub file: String,
    pub sha256: Sha256,
    pub title: String,
    /// Who published the text; many texts name no one (`policylog add` without
    /// `--publisher`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    pub published: String,
    /// Where a reader finds the text (stored since schema 12). `record_hash` covers it
    /// only when given, so documents recorded without one keep their hashes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Document {
    /// The metadata the log protects with `record_hash` (the text is protected by `sha256`),
    /// including when the document was recorded.
    pub fn record_hash(&self, recorded_at: &str) -> String {
        let mut record = serde_json::json!({
            "events_file": self.events_file,
            "file": self.file,
            "published": self.published,
            "publisher": self.publisher,
            "recorded_at": recorded_at,
            "sha256": self.sha256,
            "title": self.title,
        });
        // Only when present: every record hashed before documents had a url stays valid.
        if let Some(url) = &self.url {
            record["url"] = serde_json::json!(url);
        }
        crate::canonical::sha256_hex(crate::canonical::to_string(&record).as_bytes())
    }

    pub fn header_line(&self) -> String {
        let header = Header {
            document: HeaderDocument {
                file: self.file.clone(),
                sha256: self.sha256.clone(),
                title: self.title.clone(),
                publisher: (!self.publisher.is_empty()).then(|| self.publisher.clone()),
                published: self.published.clone(),
                url: self.url.clone(),
            },
        };
        serde_json::to_string(&header).expect("header serialises")
    }
}

/// A document's text with whitespace runs collapsed, and the way back to the original
/// character offsets.
pub struct SearchableText {
    normalized: String,
    /// Quotes already looked up: a batch often cites one sentence many times.
    found: std::cell::RefCell<std::collections::HashMap<String, Option<(usize, usize)>>>,
    /// For every byte of `normalized`, the char offset in the original text.
    original_char: Vec<u32>,
}

impl SearchableText {
    pub fn new(text: &str) -> SearchableText {
        let mut normalized = String::with_capacity(text.len());
        let mut original_char = Vec::with_capacity(text.len());
        let mut pending_space: Option<u32> = None;
        for (i, c) in text.chars().enumerate() {
            let i = i as u32;
            if c.is_whitespace() {
                if pending_space.is_none() && !normalized.is_empty() {
                    pending_space = Some(i);
                }
                continue;
            }
            if let Some(at) = pending_space.take() {
                normalized.push(' ');
                original_char.push(at);
            }
            let start = normalized.len();
            normalized.push(c);
            original_char.extend(std::iter::repeat_n(i, normalized.len() - start));
        }
        SearchableText {
            normalized,
            original_char,
            found: Default::default(),
        }
    }

    /// Finds `quote` (whitespace-insensitive) and returns its original char span
    /// `[start, end)`.
    pub fn find(&self, quote: &str) -> Option<(usize, usize)> {
        if let Some(span) = self.found.borrow().get(quote) {
            return *span;
        }
        let span = self.search(quote);
        let mut found = self.found.borrow_mut();
        if found.len() < 100_000 {
            found.insert(quote.to_owned(), span);
        }
        span
    }

    /// The passage closest to a quote that `find` did not find, and what differs.
    pub fn closest(&self, quote: &str) -> Option<crate::closest::Mismatch> {
        crate::closest::closest(&self.normalized, &normalize_whitespace(quote))
    }

    fn search(&self, quote: &str) -> Option<(usize, usize)> {
        let needle = normalize_whitespace(quote);
        if needle.is_empty() {
            return None;
        }
        let at = self.normalized.find(&needle)?;
        // The match ends on a non-space char: its original index is the last quoted char.
        let start = self.original_char[at];
        let end = self.original_char[at + needle.len() - 1] + 1;
        Some((start as usize, end as usize))
    }
}

/// Collapses every run of whitespace to one space and trims both ends.
pub fn normalize_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The characters `[start, end)` of `text`, with up to `context` characters either side.
pub fn excerpt(text: &str, start: usize, end: usize, context: usize) -> (String, String, String) {
    let chars: Vec<char> = text.chars().collect();
    let end = end.min(chars.len());
    let start = start.min(end);
    let before_start = start.saturating_sub(context);
    let after_end = (end + context).min(chars.len());
    (
        chars[before_start..start].iter().collect(),
        chars[start..end].iter().collect(),
        chars[end..after_end].iter().collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(url: Option<&str>) -> Document {
        Document {
            sha256: Sha256::of(b"text"),
            file: "sources/x.txt".into(),
            events_file: "2020-x.jsonl".into(),
            title: "A title".into(),
            publisher: "org:icat".into(),
            published: "2020-04".into(),
            url: url.map(str::to_owned),
            text: "text".into(),
        }
    }

    #[test]
    fn the_url_is_hashed_only_when_present() {
        let at = "2024-01-01T00:00:00Z";
        let without = document(None);
        // The record as it was hashed before documents had a url.
        let before = crate::canonical::sha256_hex(
            crate::canonical::to_string(&serde_json::json!({
                "events_file": without.events_file, "file": without.file,
                "published": without.published, "publisher": without.publisher,
                "recorded_at": at, "sha256": without.sha256, "title": without.title,
            }))
            .as_bytes(),
        );
        assert_eq!(without.record_hash(at), before);
        let with = document(Some("https://example.org/a"));
        assert_ne!(with.record_hash(at), before);
        assert_ne!(
            with.record_hash(at),
            document(Some("https://example.org/b")).record_hash(at)
        );
    }

    #[test]
    fn the_header_line_carries_the_url() {
        let line = document(Some("https://example.org/a")).header_line();
        let header: Header = serde_json::from_str(&line).unwrap();
        assert_eq!(
            header.document.url.as_deref(),
            Some("https://example.org/a")
        );
        assert!(!document(None).header_line().contains("url"));
    }

    #[test]
    fn finds_quotes_across_reflowed_whitespace() {
        let text =
            "The Council of the\n  Baltic Sea States joined\tthe ICAT in April 2020 and is new.";
        let s = SearchableText::new(text);
        let (start, end) = s.find("Baltic Sea States joined the ICAT").unwrap();
        let found: String = text.chars().skip(start).take(end - start).collect();
        assert_eq!(found, "Baltic Sea States joined\tthe ICAT");
        assert!(s.find("Baltic  Sea\nStates").is_some());
        assert!(s.find("Baltic Sea State joined").is_none());
        assert!(s.find("   ").is_none());
    }

    #[test]
    fn offsets_are_in_characters_not_bytes() {
        let text = "ICAT’s “long-term” priorities";
        let s = SearchableText::new(text);
        let (start, end) = s.find("“long-term”").unwrap();
        assert_eq!((start, end), (7, 18));
        let (_, quote, _) = excerpt(text, start, end, 3);
        assert_eq!(quote, "“long-term”");
    }

    #[test]
    fn quote_at_the_very_end() {
        let text = "a b c";
        assert_eq!(SearchableText::new(text).find("b c"), Some((2, 5)));
        assert_eq!(SearchableText::new("  x  ").find("x"), Some((2, 3)));
    }
}
