//! `verify`: recompute the hash chain (and that `recorded_at` never goes backwards nor
//! into the future), check every quote against its stored document, every reference,
//! every document's hash, that the triggers and views are those the binary defines, and
//! SQLite's integrity check of the file. Every finding is collected before the verdict.

mod content;
mod schema;

use std::sync::mpsc;

use serde::Serialize;

use crate::date::{ValidTime, day_string};
use crate::entity::Sha256;
use crate::error::{Error, Result};
use crate::store::{Access, GENESIS, Link, Store};

use content::{Content, ContentChecks, Sources};

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
    /// The head and every document's record hashed together (`policylog head`'s last
    /// field): what `--expect-head` compares when given it.
    pub anchor: String,
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

/// How far past this machine's clock a `recorded_at` may be before `verify` calls it the
/// future: another machine's clock may run a little ahead of this one.
const CLOCK_SKEW_SECONDS: i64 = 300;

/// Rows handed from the chain walk to the content checks per batch, so that the threads
/// meet once per thousand rows rather than once per row.
const BATCH: usize = 1024;

/// The columns stored beside an event's link, derived from it when it was appended.
struct Derived<'r> {
    valid_from: Option<&'r str>,
    valid_to: Option<&'r str>,
    quote_start: Option<i64>,
    quote_end: Option<i64>,
}

/// Checks the hash chain of every event: seq, prev_hash, hash. `each` gets every row
/// with its position in the walk, which orders the findings. Chain findings go to
/// `findings` with that position.
fn walk_chain(
    store: &Store,
    report: &mut VerifyReport,
    findings: &mut Vec<(usize, Finding)>,
    mut each: impl FnMut(usize, &Link<'_>, Derived<'_>),
) -> Result<()> {
    let mut prev_hash = GENESIS.to_owned();
    let mut expected_seq = 1;
    let mut scratch = String::new();
    let mut index = 0;
    let latest = chrono::Utc::now() + chrono::Duration::seconds(CLOCK_SKEW_SECONDS);
    let mut last_recorded: Option<chrono::DateTime<chrono::Utc>> = None;
    store.for_each_chain_row(|e| {
        report.events += 1;
        let mut find = |problem: String| {
            findings.push((
                index,
                Finding {
                    check: "chain",
                    subject: subject(&e.id, e.seq),
                    problem,
                },
            ));
        };
        if e.seq != expected_seq {
            find(format!("expected seq {expected_seq}: events are missing"));
        }
        expected_seq = e.seq + 1;
        if e.prev_hash != prev_hash.as_str() {
            find("prev_hash does not match the previous event's hash".into());
        }
        if !e.link().matches(&e.prev_hash, &e.hash, &mut scratch) {
            find(
                "the event's content does not match its hash (changed after it was recorded)"
                    .into(),
            );
        }
        match crate::clock::parse(&e.recorded_at) {
            Ok(at) => {
                if last_recorded.is_some_and(|last| at < last) {
                    find(format!(
                        "recorded_at {} is before the previous event's: the log's transaction \
                         time goes backwards",
                        e.recorded_at
                    ));
                }
                if at > latest {
                    find(format!(
                        "recorded_at {} is in the future (more than {CLOCK_SKEW_SECONDS} s past \
                         this machine's clock)",
                        e.recorded_at
                    ));
                }
                last_recorded = Some(at);
            }
            Err(problem) => find(problem),
        }
        prev_hash.clear();
        prev_hash.push_str(&e.hash);
        let derived = Derived {
            valid_from: e.valid_from.as_deref(),
            valid_to: e.valid_to.as_deref(),
            quote_start: e.quote_start,
            quote_end: e.quote_end,
        };
        each(index, &e.link(), derived);
        index += 1;
        Ok(())
    })
}

/// How a finding names an event. Built only for a finding: formatting it for every row
/// cost more than some of the checks.
fn subject(id: &str, seq: i64) -> String {
    format!("{id} (seq {seq})")
}

/// SQLite's full integrity check on top of `verify`'s quick one (`verify --derived`):
/// also every index entry against its table row. Nothing more is said of a file the quick
/// check already found damaged.
pub fn check_integrity_in_full(store: &Store, report: &mut VerifyReport) -> Result<()> {
    if report.findings.iter().any(|f| f.check == "integrity") {
        return Ok(());
    }
    let problems = store.integrity_problems(true)?;
    schema::integrity(&problems, report);
    Ok(())
}

pub fn verify(store: &Store) -> Result<VerifyReport> {
    let mut report = VerifyReport::default();

    let mut texts = Sources::default();
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
                "the stored title, publisher, published date, url, file name or recorded time was changed",
            );
        }
        texts.insert(sha, doc.text);
        Ok(())
    })?;

    // The chain is walked on this thread while another decodes payloads and looks up
    // quotes: the two halves cost about the same, and verify is otherwise CPU-bound on
    // one core of a machine that has more.
    let mut content = ContentChecks::new(texts);
    let mut chain = Vec::new();
    let mut integrity = None;
    std::thread::scope(|scope| -> Result<()> {
        // SQLite's check reads every page of the file (a third of verify's time at 1M):
        // on a connection of its own, beside the walk, it costs little more wall time.
        // A connection cannot be shared between threads, so it opens the file again.
        let path = store.path().to_owned();
        let pages = std::thread::Builder::new()
            .name("verify-integrity".into())
            .spawn_scoped(scope, move || {
                Store::open(&path, Access::ReadOnly)
                    .ok()
                    .map(Store::page_problems)
            })
            .map_err(|e| Error::io("a thread for verify's integrity check", e))?;
        let (full, to_check) = mpsc::sync_channel::<Vec<Content>>(2);
        let (checked, empty) = mpsc::channel::<Vec<Content>>();
        let checks = &mut content;
        let worker = std::thread::Builder::new()
            .name("verify-content".into())
            .spawn_scoped(scope, move || {
                for batch in to_check {
                    batch.iter().for_each(|row| checks.check(row));
                    // Refilled by the walk, so the strings keep their capacity.
                    let _ = checked.send(batch);
                }
            })
            .map_err(|e| Error::io("a thread for verify's content checks", e))?;
        let mut batch = Vec::new();
        let mut filled = 0;
        let walked = walk_chain(store, &mut report, &mut chain, |index, link, derived| {
            if filled == batch.len() {
                batch.push(Content::default());
            }
            batch[filled].fill(index, link, derived);
            filled += 1;
            if filled == BATCH {
                let next = empty.try_recv().unwrap_or_default();
                // Fails only if the worker panicked, which `join` reports below.
                let _ = full.send(std::mem::replace(&mut batch, next));
                filled = 0;
            }
        });
        batch.truncate(filled);
        let _ = full.send(batch);
        drop(full);
        if let Err(panic) = worker.join() {
            std::panic::resume_unwind(panic);
        }
        match pages.join() {
            Ok(found) => integrity = found,
            Err(panic) => std::panic::resume_unwind(panic),
        }
        walked
    })?;
    report.quotes = content.quotes;
    report.references = content.references;
    // Findings in log order, and for each event those of the chain first, as one thread
    // would have found them (the sort is stable).
    let mut findings = chain;
    findings.append(&mut content.findings);
    findings.sort_by_key(|(index, _)| *index);
    report.findings.extend(findings.into_iter().map(|(_, f)| f));
    for (entity, subject) in content.unresolved {
        if !content.declared.contains(&entity) {
            report.find(
                "references",
                subject,
                format!("refers to `{entity}`, which no event registers"),
            );
        }
    }

    report.triggers = schema::definitions(store, &mut report, &TRIGGERS)?;
    // When the file could not be opened a second time, the check runs here.
    let problems = match integrity {
        Some(found) => found?,
        None => store.integrity_problems(false)?,
    };
    schema::integrity(&problems, &mut report);
    let head = store.head_lenient()?;
    report.head_seq = head.seq;
    report.anchor = store.anchor(&head.hash)?;
    report.head_hash = head.hash;
    Ok(report)
}
