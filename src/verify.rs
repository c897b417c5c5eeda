//! `verify`: recompute the hash chain, check every quote against its stored document,
//! every reference, every document's hash, and that the immutability triggers are in
//! place. Every finding is collected before the verdict.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::date::{ValidTime, day_string};
use crate::document::{SearchableText, normalize_whitespace};
use crate::entity::Sha256;
use crate::error::Result;
use crate::event::upcast;
use crate::store::{EventFilter, GENESIS, Link, Store};

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
    let mut document_texts: HashMap<String, String> = HashMap::new();
    store.for_each_document_record(|doc, record_hash| {
        report.documents += 1;
        let sha = doc.sha256.as_str().to_owned();
        if Sha256::of(doc.text.as_bytes()).as_str() != sha {
            report.find(
                "documents",
                &sha,
                "the stored text does not hash to the document's sha256",
            );
        }
        if doc.record_hash() != record_hash {
            report.find(
                "documents",
                &sha,
                "the stored title, publisher, published date or file name was changed",
            );
        }
        texts.insert(sha.clone(), SearchableText::new(&doc.text));
        document_texts.insert(sha, doc.text);
        Ok(())
    })?;

    let mut prev_hash = GENESIS.to_owned();
    let mut expected_seq = 1;
    let mut scratch = String::new();
    let mut declared: HashSet<String> = HashSet::new();
    // References not (yet) declared when seen: a batch may register an entity after use.
    let mut unresolved: Vec<(String, String)> = Vec::new();
    store.for_each_event(&EventFilter::default(), |e| {
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
            match (document_texts.get(source), &e.quote) {
                (None, _) => report.find(
                    "quotes",
                    &subject,
                    format!("source document {source} is not in the log"),
                ),
                (Some(text), Some(quote)) => {
                    report.quotes += 1;
                    let at_offsets = match (e.quote_start, e.quote_end) {
                        (Some(s), Some(end)) if s >= 0 && end >= s => {
                            let span: String = text
                                .chars()
                                .skip(s as usize)
                                .take((end - s) as usize)
                                .collect();
                            normalize_whitespace(&span) == normalize_whitespace(quote)
                        }
                        _ => false,
                    };
                    if !at_offsets {
                        let found = texts.get(source).and_then(|t| t.find(quote));
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
