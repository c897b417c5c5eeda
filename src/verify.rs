//! `verify`: recompute the hash chain, check every quote against its stored document,
//! every reference, every document's hash, and that the immutability triggers are in
//! place. Every finding is collected before the verdict.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::date::{ValidTime, day_string};
use crate::document::SearchableText;
use crate::entity::Sha256;
use crate::error::Result;
use crate::event::upcast;
use crate::store::{GENESIS, Link, Store};

pub const TRIGGERS: [&str; 4] = [
    "documents_no_delete",
    "documents_no_update",
    "events_no_delete",
    "events_no_update",
];

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub check: &'static str,
    /// The event id (or `seq N`) or document sha256 the finding is about.
    pub subject: String,
    pub problem: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct VerifyReport {
    pub events: i64,
    pub documents: usize,
    pub quotes: usize,
    pub references: usize,
    pub triggers: usize,
    pub head_seq: i64,
    pub head_hash: String,
    pub findings: Vec<Finding>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.findings.is_empty()
    }

    fn find(
        &mut self,
        check: &'static str,
        subject: impl Into<String>,
        problem: impl Into<String>,
    ) {
        self.findings.push(Finding {
            check,
            subject: subject.into(),
            problem: problem.into(),
        });
    }
}

pub fn verify(store: &Store) -> Result<VerifyReport> {
    let mut report = VerifyReport::default();

    let mut texts: HashMap<String, SearchableText> = HashMap::new();
    store.for_each_document_record(|record| {
        report.documents += 1;
        let doc = record.document;
        let sha = doc.sha256.as_str().to_owned();
        let published = ValidTime::parse(&doc.published).ok();
        let expected = (
            published.as_ref().and_then(|p| p.from()).map(day_string),
            published.as_ref().and_then(|p| p.to()).map(day_string),
        );
        if (record.published_from, record.published_to) != expected {
            report.find("documents", &sha, "published_from/published_to do not match `published`");
        }
        if Sha256::of(doc.text.as_bytes()).as_str() != sha {
            report.find("documents", &sha, "the stored text does not hash to the document's sha256");
        }
        if doc.record_hash(&record.recorded_at) != record.record_hash {
            report.find(
                "documents",
                &sha,
                "the stored title, publisher, published date, file name or recorded time was changed",
            );
        }
        texts.insert(sha, SearchableText::new(&doc.text));
        Ok(())
    })?;

    let mut prev_hash = GENESIS.to_owned();
    let mut expected_seq = 1;
    let mut scratch = String::new();
    let mut declared: HashSet<String> = HashSet::new();
    // References not (yet) declared when seen: a batch may register an entity after use.
    let mut unresolved: Vec<(String, String)> = Vec::new();
    store.for_each_event_lenient(|e| {
        report.events += 1;
        let subject = format!("{} (seq {})", e.id, e.seq);
        if e.seq != expected_seq {
            report.find(
                "chain",
                &subject,
                format!("expected seq {expected_seq}: events are missing"),
            );
        }
        expected_seq = e.seq + 1;
        if e.prev_hash != prev_hash {
            report.find(
                "chain",
                &subject,
                "prev_hash does not match the previous event's hash",
            );
        }
        if Link::of(&e).hash(&e.prev_hash, &mut scratch) != e.hash {
            report.find(
                "chain",
                &subject,
                "the event's content does not match its hash (changed after it was recorded)",
            );
        }
        prev_hash = e.hash.clone();
        match ValidTime::parse(&e.valid) {
            Ok(v) => {
                if v.from().map(day_string) != e.valid_from || v.to().map(day_string) != e.valid_to
                {
                    report.find(
                        "chain",
                        &subject,
                        "valid_from/valid_to do not match `valid`",
                    );
                }
            }
            Err(err) => report.find("chain", &subject, err.to_string()),
        }
        match upcast::decode(&e.kind, e.version, &e.payload) {
            Ok(event) => {
                if let Some((id, _)) = event.declares() {
                    declared.insert(id.to_string());
                }
                for r in event.references() {
                    report.references += 1;
                    if !declared.contains(r.id.as_str()) {
                        unresolved.push((r.id.to_string(), subject.clone()));
                    }
                }
            }
            Err(err) => report.find("chain", &subject, format!("payload does not decode: {err}")),
        }
        if let Some(source) = &e.source {
            match (texts.get(source), &e.quote) {
                (None, _) => report.find(
                    "quotes",
                    &subject,
                    format!("source document {source} is not in the log"),
                ),
                (Some(text), Some(quote)) => {
                    report.quotes += 1;
                    // The recorded offsets must be exactly where the quote is first found.
                    let found = text.find(quote);
                    let at_offsets = found.is_some()
                        && found.map(|(a, b)| (a as i64, b as i64))
                            == e.quote_start.zip(e.quote_end);
                    if !at_offsets {
                        let problem = match found {
                            Some(_) => {
                                "the quote is in the document but not at the recorded offsets"
                            }
                            None => "the quote is not in its source document",
                        };
                        report.find("quotes", &subject, problem);
                    }
                }
                (Some(_), None) => {}
            }
        }
        Ok(())
    })?;
    for (entity, subject) in unresolved {
        if !declared.contains(&entity) {
            report.find(
                "references",
                subject,
                format!("refers to `{entity}`, which no event registers"),
            );
        }
    }

    let triggers = store.triggers()?;
    for name in TRIGGERS {
        if triggers.iter().any(|t| t == name) {
            report.triggers += 1;
        } else {
            report.find(
                "triggers",
                name,
                "the immutability trigger is missing: UPDATE/DELETE are no longer refused",
            );
        }
    }
    let head = store.head()?;
    report.head_seq = head.seq;
    report.head_hash = head.hash;
    Ok(report)
}
