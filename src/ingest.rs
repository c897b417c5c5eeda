//! The write path shared by `ingest` and `append`: validate each line, resolve its source
//! and references against the log plus the batch, skip what the log already holds, and
//! append the rest to the chain, all in one transaction. A batch with problems is refused
//! with all of them (`problems.rs`); a dry run takes the same path and rolls back.

mod document_names;
mod problems;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use chrono::{DateTime, Utc};

use crate::clock;
use crate::document::{Document, SearchableText};
use crate::entity::Sha256;
use crate::error::{Error, Location, Problem, Result};
use crate::event::standing::Standing;
use crate::event::validate::{self, Source};
use crate::event::{EntityRegistered, Event, Line, StoredEvent};
use crate::events_file::{self, EventsFile};
use crate::store::{Batch, Head, Store};
use document_names::check_document_names;
use problems::{Glimpse, Problems};

/// What an `ingest` call did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct IngestReport {
    pub files: usize,
    pub documents_new: usize,
    pub documents_present: usize,
    pub events_new: usize,
    pub events_present: usize,
    pub head: Option<Head>,
    /// New events whose line gave no `recorded_at`, stamped with this run's clock: the
    /// same files ingested elsewhere reach another head. The first one's place.
    pub unstamped: usize,
    pub first_unstamped: Option<String>,
}

/// How `ingest_with` takes a batch.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Validate every line exactly as ingest does, then write nothing: the batch's
    /// transaction is rolled back (`ingest --dry-run`).
    pub dry_run: bool,
    /// Stop after this many problems: a batch refused is refused with every problem up
    /// to this many, not only the first.
    pub max_problems: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            dry_run: false,
            max_problems: 50,
        }
    }
}

/// The outcome of adding one event.
#[derive(Debug, Clone)]
pub enum Added {
    New(StoredEvent),
    /// The same event was already in the log.
    Present(StoredEvent),
}

/// One write transaction in progress.
pub struct Session<'s> {
    batch: Batch<'s>,
    texts: HashMap<String, Rc<SearchableText>>,
    /// References not yet resolved: they may be registered later in the batch.
    pending: Vec<(Location, &'static str, String)>,
    /// Stamp for lines that carry no `recorded_at`, and the time it reads as.
    stamp: String,
    stamp_time: Option<DateTime<Utc>>,
    recorder: String,
    last_recorded: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    /// Entities known to exist, so that each is looked up once per batch.
    known: HashSet<String>,
    /// Hashes of the ids appended in this batch, when the log was empty before it: an id
    /// not among them cannot be in the log, which spares a lookup per event.
    fresh_ids: Option<HashSet<u64>>,
    /// What retractions and corrections have done so far, read the first time a batch
    /// holds one (`standing`), with the log's path to read it from.
    standing: Option<Standing>,
    db: PathBuf,
    /// This batch's retractions and corrections before `standing` was read.
    batch_meta: Vec<(String, Event)>,
    /// The registration each entity id has, by event id, as checked in this batch: a
    /// later one must name it alike (`validate::same_registration`).
    registered: HashMap<String, (String, EntityRegistered)>,
}

impl<'s> Session<'s> {
    pub fn begin(store: &'s mut Store, recorder: String) -> Result<Session<'s>> {
        let db = store.path().to_owned();
        let batch = store.batch()?;
        let last = batch.head().recorded_at.clone();
        let fresh_ids = (batch.head().seq == 0).then(HashSet::new);
        let stamp = clock::stamp_after(last.as_deref());
        Ok(Session {
            known: HashSet::new(),
            fresh_ids,
            stamp_time: clock::parse(&stamp).ok(),
            stamp,
            last_recorded: last.as_deref().and_then(|l| clock::parse(l).ok()),
            batch,
            texts: HashMap::new(),
            pending: Vec::new(),
            recorder,
            now: Utc::now(),
            standing: None,
            db,
            batch_meta: Vec::new(),
            registered: HashMap::new(),
        })
    }

    /// Stores a document, or checks that the stored one says the same.
    /// Returns whether it was new.
    pub fn add_document(&mut self, doc: &Document, at: &Location) -> Result<bool> {
        if let Some(stored) = self.batch.document(doc.sha256.as_str())? {
            let (stored_url, url) = (
                stored.url.clone().unwrap_or_default(),
                doc.url.clone().unwrap_or_default(),
            );
            let differs = [
                ("title", &stored.title, &doc.title),
                ("publisher", &stored.publisher, &doc.publisher),
                ("published", &stored.published, &doc.published),
                ("url", &stored_url, &url),
            ]
            .into_iter()
            .find(|(_, a, b)| a != b);
            if let Some((field, old, new)) = differs {
                return Err(Error::input(
                    at.clone(),
                    Problem::BadHeader(format!(
                        "document {} is already in the log with {field} \"{old}\", not \"{new}\"; documents are immutable",
                        doc.sha256.short()
                    )),
                ));
            }
            return Ok(false);
        }
        self.batch.insert_document(doc, &self.stamp)?;
        Ok(true)
    }

    /// Validates and appends one event line. `file_document` is the document of the
    /// file's header, if any.
    pub fn add(
        &mut self,
        line: impl Into<Line>,
        file_document: Option<&Sha256>,
        at: &Location,
    ) -> Result<Added> {
        let line = line.into();
        // The location is only built when a problem is reported: most lines have none.
        let located = |id: Option<&str>| match id {
            Some(id) => at.clone().with_event(id),
            None => at.clone(),
        };
        let bad = |problem: Problem| Error::input(located(line.id.as_deref()), problem);

        let source_sha = match (file_document, &line.source) {
            (Some(doc), Some(given)) if given != doc.as_str() => {
                return Err(bad(Problem::BadField(format!(
                    "`source` {given} differs from the document of this file's header ({}); put the event in that document's file",
                    doc.short()
                ))));
            }
            (Some(doc), _) => Some(doc.clone()),
            (None, Some(given)) => {
                Some(Sha256::parse(given).map_err(|e| bad(Problem::BadField(e)))?)
            }
            (None, None) => None,
        };
        let text = match &source_sha {
            Some(sha) => Some(self.searchable(sha).map_err(|e| match e {
                Error::NotFound(msg) => bad(Problem::UnknownDocument(msg)),
                other => other,
            })?),
            None => None,
        };
        let source = source_sha
            .as_ref()
            .zip(text.as_deref())
            .map(|(sha256, text)| Source { sha256, text });
        let given_id = line.id.clone();
        let new = validate::check(line, source)
            .map_err(|problem| Error::input(located(given_id.as_deref()), problem))?;
        let bad = |problem: Problem| Error::input(located(Some(new.id.as_str())), problem);

        if self.may_hold(new.id.as_str())
            && let Some(stored) = self.batch.event(new.id.as_str())?
        {
            if new.same_content(&stored) {
                return Ok(Added::Present(stored));
            }
            return Err(bad(Problem::ConflictingEvent(new.id.to_string())));
        }
        if let Some(target) = new.event.target() {
            if target == &new.id {
                return Err(bad(Problem::UnknownTarget(
                    "an event cannot retract or correct itself".into(),
                )));
            }
            let Some(stored) = self.batch.event(target.as_str())? else {
                return Err(bad(Problem::UnknownTarget(format!(
                    "`target` `{target}` is not an event in the log or earlier in this batch"
                ))));
            };
            self.read_standing()?;
            let standing = self.standing.as_ref().expect("just read");
            standing.check(&new.event, &stored).map_err(bad)?;
        }
        if let Some(problem) = self.check_registration(&new.event)? {
            return Err(bad(problem));
        }
        let recorded_at = match &new.recorded_at {
            Some(stamp) => {
                let text = stamp.text();
                let time = stamp.time().map_err(|e| bad(Problem::RecordedAt(e)))?;
                if time > self.now {
                    return Err(bad(Problem::RecordedAt(format!(
                        "`recorded_at` {text} lies in the future"
                    ))));
                }
                if self.last_recorded.is_some_and(|last| time < last) {
                    return Err(bad(Problem::RecordedAt(format!(
                        "`recorded_at` {text} goes backwards: the log already holds events recorded at {}",
                        self.batch.head().recorded_at.as_deref().unwrap_or("?")
                    ))));
                }
                // Later lines of the batch may not go back before this one.
                self.last_recorded = self.last_recorded.max(Some(time));
                text
            }
            None => {
                self.last_recorded = self.last_recorded.max(self.stamp_time);
                self.stamp.as_str()
            }
        };
        let recorded_by = new.recorded_by.as_deref().unwrap_or(&self.recorder);
        let stored = self.batch.append(&new, recorded_at, recorded_by)?;
        self.note_registration(new.id.as_str(), &new.event);
        if new.event.is_meta() {
            match &mut self.standing {
                Some(standing) => standing.apply(new.id.as_str(), &new.event),
                None => self
                    .batch_meta
                    .push((new.id.to_string(), new.event.clone())),
            }
        }
        if let Some(fresh) = &mut self.fresh_ids {
            fresh.insert(id_hash(new.id.as_str()));
        }
        for r in new.event.references() {
            if !self.is_known(r.id.as_str())? {
                self.pending
                    .push((located(Some(new.id.as_str())), r.field, r.id.to_string()));
            }
        }
        Ok(Added::New(stored))
    }

    /// A registration (or a correction's replacement registering) of an id registered
    /// already must name it as before: a rename is `entity.renamed`. A correction is
    /// checked against the registrations other than its target, which it replaces.
    fn check_registration(&mut self, event: &Event) -> Result<Option<Problem>> {
        let (new, replaces) = match event {
            Event::EntityRegistered(r) => (r, None),
            Event::EventCorrected(c) => match c.replacement.event.as_ref() {
                Event::EntityRegistered(r) => (r, Some(c.target.as_str())),
                _ => return Ok(None),
            },
            _ => return Ok(None),
        };
        let id = new.id.as_str();
        let earlier = match self.registered.get(id) {
            Some((by, r)) if Some(by.as_str()) != replaces => Some((by.clone(), r.clone())),
            Some(_) => None,
            None if self.fresh_ids.is_some() => None,
            None => self
                .batch
                .registrations_of(id)?
                .into_iter()
                .find(|(by, _)| Some(by.as_str()) != replaces),
        };
        Ok(earlier.and_then(|(by, r)| validate::same_registration(new, &by, &r).err()))
    }

    /// Notes a registration appended in this batch.
    fn note_registration(&mut self, id: &str, event: &Event) {
        let r = match event {
            Event::EntityRegistered(r) => r,
            Event::EventCorrected(c) => match c.replacement.event.as_ref() {
                Event::EntityRegistered(r) => r,
                _ => return,
            },
            _ => return,
        };
        self.registered
            .insert(r.id.to_string(), (id.to_owned(), r.clone()));
    }

    /// `Standing` as the log holds it before this batch (read through a second, read-only
    /// connection: it sees what was committed when this batch's write lock was taken),
    /// then this batch's retractions and corrections.
    fn read_standing(&mut self) -> Result<()> {
        if self.standing.is_none() {
            let mut standing = Standing::default();
            if self.fresh_ids.is_none() {
                let log = Store::open(&self.db, crate::store::Access::ReadOnly)?;
                let filter = crate::store::EventFilter {
                    kinds: vec!["event.retracted".into(), "event.corrected".into()],
                    ..Default::default()
                };
                log.for_each_event(&filter, |e| {
                    if let Ok(event) = crate::event::upcast::decode(&e.kind, e.version, &e.payload)
                    {
                        standing.apply(&e.id, &event);
                    }
                    Ok(())
                })?;
            }
            for (id, event) in std::mem::take(&mut self.batch_meta) {
                standing.apply(&id, &event);
            }
            self.standing = Some(standing);
        }
        Ok(())
    }

    /// Checks that every reference resolved, then commits.
    pub fn commit(mut self) -> Result<Head> {
        if let Some(first) = self.unresolved()?.into_iter().next() {
            return Err(first);
        }
        let head = self.batch.head().clone();
        self.batch.commit()?;
        Ok(head)
    }

    /// The references of the batch that name no entity of the log or the batch, each as
    /// the problem of the event that makes it, with the nearest ids there are.
    pub fn unresolved(&mut self) -> Result<Vec<Error>> {
        let mut unknown = Vec::new();
        for (at, field, entity) in std::mem::take(&mut self.pending) {
            if !self.batch.entity_known(&entity)? {
                unknown.push((at, field, entity));
            }
        }
        if unknown.is_empty() {
            return Ok(Vec::new());
        }
        // Read once, and only for a batch that refers to what it does not know.
        let known = self.batch.known_entities()?;
        let nearest = |entity: &str| {
            crate::suggest::nearest_ids(
                entity,
                known.iter().map(|e| crate::suggest::Candidate {
                    id: &e.id,
                    name: &e.name,
                    acronym: e.acronym.as_deref(),
                    aliases: &e.aliases,
                }),
            )
        };
        Ok(unknown
            .into_iter()
            .map(|(at, field, entity)| {
                let nearest = nearest(&entity);
                Error::input(
                    at,
                    Problem::UnknownEntity {
                        field,
                        entity,
                        nearest,
                    },
                )
            })
            .collect())
    }

    pub fn head(&self) -> &Head {
        self.batch.head()
    }

    /// Whether the log (with this batch) may already hold an event with this id.
    fn may_hold(&self, id: &str) -> bool {
        self.fresh_ids
            .as_ref()
            .is_none_or(|fresh| fresh.contains(&id_hash(id)))
    }

    fn is_known(&mut self, entity: &str) -> Result<bool> {
        if self.known.contains(entity) {
            return Ok(true);
        }
        let known = self.batch.entity_known(entity)?;
        if known {
            self.known.insert(entity.to_owned());
        }
        Ok(known)
    }

    fn searchable(&mut self, sha: &Sha256) -> Result<Rc<SearchableText>> {
        if let Some(text) = self.texts.get(sha.as_str()) {
            return Ok(text.clone());
        }
        let doc = self.batch.document(sha.as_str())?.ok_or_else(|| {
            Error::NotFound(format!(
                "document {} is not in the log; ingest its events file (with its header) first",
                sha.short()
            ))
        })?;
        let text = Rc::new(SearchableText::new(&doc.text));
        self.texts.insert(sha.to_string(), text.clone());
        Ok(text)
    }
}

fn id_hash(id: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(id)
}

/// One file's next event line, parsed, waiting for its turn in the merge.
struct Pending {
    line_no: usize,
    line: Line,
    order: MergeKey,
}

/// Ingests events files (or folders of them) as one transaction.
pub fn ingest(store: &mut Store, paths: &[PathBuf], recorder: String) -> Result<IngestReport> {
    ingest_observed(store, paths, recorder, &mut |_, _| {})
}

/// `ingest`, telling `observe` of each event line as it is taken: its file, and whether
/// it was new to the log (for progress bars and per-file counts).
pub fn ingest_observed(
    store: &mut Store,
    paths: &[PathBuf],
    recorder: String,
    observe: &mut dyn FnMut(&Path, bool),
) -> Result<IngestReport> {
    ingest_with(store, paths, recorder, Options::default(), observe)
}

/// `ingest_observed` as `options` say: for real, or as a dry run that validates the same
/// way and writes nothing. Either way a refused batch is `Error::Refused` with every
/// problem found (up to `max_problems`): a refused line is skipped, and a later line that
/// needs it is told that it depends on it. Nothing of a refused batch is written.
pub fn ingest_with(
    store: &mut Store,
    paths: &[PathBuf],
    recorder: String,
    options: Options,
    observe: &mut dyn FnMut(&Path, bool),
) -> Result<IngestReport> {
    let files = events_file::collect(paths)?;
    if files.is_empty() {
        return Err(Error::Usage(format!(
            "no .jsonl files in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut problems = Problems::new(options.max_problems);
    let mut readers = Vec::with_capacity(files.len());
    // Files whose header is refused: their lines are not checked (they have no document).
    let mut headless = vec![false; files.len()];
    for (i, path) in files.iter().enumerate() {
        let (reader, header) = EventsFile::open_reporting(path)?;
        if let Err(e) = header {
            problems.note(e)?;
            headless[i] = true;
        }
        readers.push(reader);
    }
    let mut report = IngestReport {
        files: files.len(),
        ..IngestReport::default()
    };
    check_document_names(store, &readers, &mut problems)?;
    let mut session = Session::begin(store, recorder)?;
    for (i, reader) in readers.iter().enumerate() {
        if let Some(doc) = &reader.document {
            let at = Location::Line {
                file: reader.path.clone(),
                line: 1,
                event: None,
            };
            match session.add_document(doc, &at) {
                Ok(true) => report.documents_new += 1,
                Ok(false) => report.documents_present += 1,
                Err(e) => {
                    problems.note(e)?;
                    headless[i] = true;
                }
            }
        }
    }
    for (i, reader) in readers.iter_mut().enumerate() {
        if headless[i] {
            pass_over(reader, &mut problems)?;
        }
    }
    let documents: Vec<Option<Sha256>> = readers
        .iter()
        .map(|r| r.document.as_ref().map(|d| d.sha256.clone()))
        .collect();

    let mut places: Vec<Location> = readers
        .iter()
        .map(|r| Location::Line {
            file: r.path.clone(),
            line: 0,
            event: None,
        })
        .collect();

    // Merge the files by recorded_at (lines without one come last, in file order), then
    // by the lines' `order` hints, so that an exported log, split into one file per
    // document, rebuilds the same chain.
    let mut heads: Vec<Option<Pending>> = Vec::with_capacity(readers.len());
    for (i, reader) in readers.iter_mut().enumerate() {
        heads.push(if headless[i] {
            None
        } else {
            next_pending(reader, &mut problems)?
        });
    }
    loop {
        let next = heads
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.as_ref().map(|p| (i, p.order)))
            .min_by(|(i, a), (j, b)| a.cmp(b).then(i.cmp(j)));
        let Some((i, _)) = next else { break };
        let pending = heads[i].take().expect("chosen head exists");
        // Each file's location is reused line after line rather than built per event.
        if let Location::Line { line, .. } = &mut places[i] {
            *line = pending.line_no;
        }
        let unstamped = pending.line.recorded_at.is_none();
        match session.add(pending.line, documents[i].as_ref(), &places[i]) {
            Ok(added) => {
                let new = matches!(added, Added::New(_));
                if new {
                    report.events_new += 1;
                    if unstamped {
                        report.unstamped += 1;
                        if report.first_unstamped.is_none() {
                            report.first_unstamped = Some(places[i].to_string());
                        }
                    }
                } else {
                    report.events_present += 1;
                }
                observe(&readers[i].path, new);
            }
            // The line's text is still the reader's: it reads ahead only after this.
            Err(e) => problems.refuse_line(e, &Glimpse::of(readers[i].text()))?,
        }
        if problems.is_full() {
            break;
        }
        heads[i] = next_pending(&mut readers[i], &mut problems)?;
    }
    if !problems.is_full() {
        for unknown in session.unresolved()? {
            problems.unresolved(unknown)?;
        }
    }
    if !problems.is_empty() {
        // The session is dropped unfinished: its transaction writes nothing.
        return Err(problems.into_error());
    }
    if options.dry_run {
        // The head the batch would reach; the transaction is rolled back as it drops.
        report.head = Some(session.head().clone());
        return Ok(report);
    }
    report.head = Some(session.commit()?);
    Ok(report)
}

/// Reads the lines of a file whose header is refused without checking them (they have
/// no document to be checked against), noting what each would declare for the lines
/// elsewhere that need it, and the problems of lines that do not even parse.
fn pass_over(reader: &mut EventsFile, problems: &mut Problems) -> Result<()> {
    loop {
        let line_no = match reader.next_line() {
            Ok(Some(n)) => n,
            Ok(None) => return Ok(()),
            Err(e) => {
                problems.note(e)?;
                continue;
            }
        };
        let at = Location::Line {
            file: reader.path.clone(),
            line: line_no,
            event: None,
        };
        let glimpse = Glimpse::of(reader.text());
        match validate::read_line(reader.text()) {
            Ok(_) => problems.unchecked_line(at, &glimpse),
            Err(p) => problems.refuse_line(Error::input(at, p), &glimpse)?,
        }
    }
}

/// What ingest merges the files' lines by: lines without `recorded_at` last, then by
/// that time, then by the line's `order` hint (0 when it has none); lines with equal keys
/// go in file-name order. `export` computes the same to know where hints are needed.
pub type MergeKey = (bool, Option<DateTime<Utc>>, u64);

pub fn merge_key(time: Option<DateTime<Utc>>, order: Option<u64>) -> MergeKey {
    (time.is_none(), time, order.unwrap_or(0))
}

/// The file's next line that parses, the problems of those before it noted.
fn next_pending(reader: &mut EventsFile, problems: &mut Problems) -> Result<Option<Pending>> {
    loop {
        let line_no = match reader.next_line() {
            Ok(Some(n)) => n,
            Ok(None) => return Ok(None),
            Err(e) => {
                problems.note(e)?;
                if problems.is_full() {
                    return Ok(None);
                }
                continue;
            }
        };
        let line = match validate::read_line(reader.text()) {
            Ok(line) => line,
            Err(p) => {
                let at = Location::Line {
                    file: reader.path.clone(),
                    line: line_no,
                    event: None,
                };
                problems.refuse_line(Error::input(at, p), &Glimpse::of(reader.text()))?;
                if problems.is_full() {
                    return Ok(None);
                }
                continue;
            }
        };
        // An unparseable stamp sorts last here and is refused with its line by `Session::add`.
        let time = line.recorded_at.as_ref().and_then(|t| t.time().ok());
        let order = merge_key(time, line.order);
        return Ok(Some(Pending {
            line_no,
            line,
            order,
        }));
    }
}
