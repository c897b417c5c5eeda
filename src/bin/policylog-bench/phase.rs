//! The measured phases. Each runs in a process of its own (the bench re-executes itself
//! with `--phase`), so that the peak RSS it reports is that phase's alone, and prints one
//! JSON object on stdout.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use policylog::error::Location;
use policylog::event::{EventLine, StoredEvent};
use policylog::ingest::{self, Added, Session};
use policylog::projection::Landscape;
use policylog::query::{self, Knowledge, diff_at};
use policylog::store::{Access, EventFilter, Store};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags, params, params_from_iter};
use serde::{Deserialize, Serialize};

use crate::answers::rss_anon_mb;
use crate::sample::{peak_rss_mb, sample, timed};
use crate::workload::{Rng, Shape};

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// In the order they run: `append` after the reads, since it is the only phase that adds
/// events; the all-tables ceiling after it, since it copies the whole log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Phase {
    Ingest,
    Ceiling,
    Query,
    Replay,
    Verify,
    Rebuild,
    Append,
    CeilingAllTables,
    Answers,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Ingest => "ingest",
            Phase::Ceiling => "ceiling",
            Phase::Query => "query",
            Phase::Replay => "replay",
            Phase::Verify => "verify",
            Phase::Rebuild => "rebuild",
            Phase::Append => "append",
            Phase::CeilingAllTables => "ceiling-all-tables",
            Phase::Answers => "answers",
        }
    }
}

/// The files of one run.
pub struct Workdir {
    pub dir: PathBuf,
}

impl Workdir {
    pub fn events(&self) -> PathBuf {
        self.dir.join("events")
    }

    pub fn log(&self) -> PathBuf {
        self.dir.join("log.db")
    }

    fn ceiling(&self) -> PathBuf {
        self.dir.join("ceiling.db")
    }

    fn ceiling_all_tables(&self) -> PathBuf {
        self.dir.join("ceiling-all-tables.db")
    }
}

/// Runs one phase in this process and returns what it measured.
pub fn run(phase: Phase, work: &Workdir, events: usize, seed: u64) -> Result<serde_json::Value> {
    Ok(match phase {
        Phase::Ingest => serde_json::to_value(ingest(work)?)?,
        Phase::Ceiling => serde_json::to_value(ceiling(work)?)?,
        Phase::Query => serde_json::to_value(query(work, events, seed)?)?,
        Phase::Replay => serde_json::to_value(replay(work, events, seed)?)?,
        Phase::Verify => serde_json::to_value(verify(work)?)?,
        Phase::Rebuild => serde_json::to_value(rebuild(work)?)?,
        Phase::Append => serde_json::to_value(append(work, seed)?)?,
        Phase::CeilingAllTables => serde_json::to_value(ceiling_all_tables(work)?)?,
        Phase::Answers => serde_json::to_value(crate::answers::answers(work, seed)?)?,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IngestOut {
    pub events: usize,
    pub seconds: f64,
    /// Main file + WAL after `wal_checkpoint(TRUNCATE)`.
    pub db_bytes: u64,
    pub sqlite_version: String,
    pub peak_rss_mb: f64,
}

/// The real write path: stream the files, validate, resolve references and quotes, chain,
/// maintain the derived tables, one transaction.
fn ingest(work: &Workdir) -> Result<IngestOut> {
    let db = work.log();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let mut store = Store::open(&db, Access::ReadWrite)?;
    let (report, took) =
        timed(|| ingest::ingest(&mut store, &[work.events()], "policylog-bench".into()))?;
    let conn = store.connection();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let sqlite_version: String = conn.query_row("SELECT sqlite_version()", [], |r| r.get(0))?;
    drop(store);
    Ok(IngestOut {
        events: report.events_new,
        seconds: took.as_secs_f64(),
        db_bytes: file_size(&db) + file_size(&wal(&db)),
        sqlite_version,
        peak_rss_mb: peak_rss_mb(),
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CeilingOut {
    pub rows: usize,
    pub seconds: f64,
    pub db_bytes: u64,
    pub peak_rss_mb: f64,
}

/// The same rows as `events` (read back from the log beforehand, not timed), inserted by
/// plain rusqlite into a fresh table with the same columns: one transaction, one prepared
/// statement, no index but the primary key, no validation, no chain. WAL, synchronous=FULL.
fn ceiling(work: &Workdir) -> Result<CeilingOut> {
    let store = Store::open(&work.log(), Access::ReadOnly)?;
    let mut rows: Vec<StoredEvent> = Vec::new();
    store.for_each_event(&EventFilter::default(), |e| {
        rows.push(e);
        Ok(())
    })?;
    drop(store);
    let path = work.ceiling();
    let mut conn = scratch_database(&path)?;
    conn.execute_batch(
        "CREATE TABLE events (
            seq INTEGER PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL,
            version INTEGER NOT NULL, valid TEXT NOT NULL, valid_from TEXT, valid_to TEXT,
            payload TEXT NOT NULL, source TEXT, quote TEXT, quote_start INTEGER,
            quote_end INTEGER, recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL,
            prev_hash TEXT NOT NULL, hash TEXT NOT NULL
        ) STRICT;",
    )?;
    let started = Instant::now();
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO events (seq, id, kind, version, valid, valid_from, valid_to, payload,
                source, quote, quote_start, quote_end, recorded_at, recorded_by, prev_hash, hash)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )?;
        for e in &rows {
            insert.execute(params![
                e.seq,
                e.id,
                e.kind,
                e.version,
                e.valid,
                e.valid_from,
                e.valid_to,
                e.payload,
                e.source,
                e.quote,
                e.quote_start,
                e.quote_end,
                e.recorded_at,
                e.recorded_by,
                e.prev_hash,
                e.hash,
            ])?;
        }
    }
    tx.commit()?;
    let took = started.elapsed();
    let db_bytes = discard(conn, &path)?;
    Ok(CeilingOut {
        rows: rows.len(),
        seconds: took.as_secs_f64(),
        db_bytes,
        peak_rss_mb: peak_rss_mb(),
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AllTablesOut {
    /// Rows inserted across them.
    pub rows: usize,
    /// Rows of `events` among them: the N ingested and the appends after it.
    pub events: usize,
    pub seconds: f64,
    /// The commit alone (in `seconds` too): the WAL's fsync and checkpoint.
    pub commit_seconds: f64,
    /// Each table's rows and insert time, in the order they were written (the log's own
    /// tables, a virtual one once, not its shadows).
    pub by_table: Vec<TableInserts>,
    pub db_bytes: u64,
    pub peak_rss_mb: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableInserts {
    pub table: String,
    pub rows: usize,
    pub seconds: f64,
}

/// The log's tables (not their shadow tables, views or triggers) in the order the
/// migrations created them, each with the statement that reads its rows and the one that
/// inserts a row. Built by SQLite from the schema (`%w` quotes the identifier), so no name
/// is spliced in Rust. An R*Tree is read in day order, the order ingest fills it in.
const LOG_TABLES: &str = "
    SELECT t.name, t.sql,
           format('SELECT * FROM \"%w\"', t.name)
               || iif(t.sql LIKE 'CREATE VIRTUAL TABLE%', ' ORDER BY 2', ''),
           format('INSERT INTO \"%w\" VALUES (%s)', t.name,
                  (SELECT group_concat('?', ', ') FROM pragma_table_info(t.name)))
    FROM sqlite_schema AS t
    WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
      AND NOT EXISTS (SELECT 1 FROM sqlite_schema AS v
                      WHERE v.type = 'table' AND v.sql LIKE 'CREATE VIRTUAL TABLE%'
                        AND substr(t.name, 1, length(v.name) + 1) = v.name || '_')
    ORDER BY t.rowid";

const LOG_INDEXES: &str = "
    SELECT sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY rowid";

/// A second ceiling, for what the log keeps rather than the events alone: every row the
/// ingest wrote, in every table of the log (events, documents, entities and the derived
/// tables), inserted by plain prepared statements into a fresh database with the log's
/// own tables and indexes (not its triggers). One table after the other, each read into
/// memory beforehand (not timed); one transaction; the log's cache size; WAL,
/// synchronous=FULL. Run last, on the log the run leaves (the N events and the appends).
/// What ingest adds to it is the code path: reading, validating, chaining, and deriving
/// the rows.
fn ceiling_all_tables(work: &Workdir) -> Result<AllTablesOut> {
    let log = Connection::open_with_flags(work.log(), OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let tables: Vec<(String, String, String, String)> = log
        .prepare(LOG_TABLES)?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let indexes: Vec<String> = log
        .prepare(LOG_INDEXES)?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let path = work.ceiling_all_tables();
    let mut conn = scratch_database(&path)?;
    conn.pragma_update(None, "cache_size", -65_536)?;
    for (_, create, _, _) in &tables {
        conn.execute_batch(create)?;
    }
    for create in &indexes {
        conn.execute_batch(create)?;
    }
    let mut by_table = Vec::new();
    let tx = conn.transaction()?;
    for (name, _, select, insert) in &tables {
        let mut read = log.prepare(select)?;
        let columns = read.column_count();
        let table: Vec<Vec<Value>> = read
            .query_map([], |r| (0..columns).map(|i| r.get(i)).collect())?
            .collect::<rusqlite::Result<_>>()?;
        let started = Instant::now();
        let mut write = tx.prepare(insert)?;
        for row in &table {
            write.execute(params_from_iter(row))?;
        }
        by_table.push(TableInserts {
            table: name.clone(),
            rows: table.len(),
            seconds: started.elapsed().as_secs_f64(),
        });
    }
    let started = Instant::now();
    tx.commit()?;
    let commit = started.elapsed().as_secs_f64();
    let db_bytes = discard(conn, &path)?;
    Ok(AllTablesOut {
        rows: by_table.iter().map(|t| t.rows).sum(),
        events: by_table
            .iter()
            .find(|t| t.table == "events")
            .map_or(0, |t| t.rows),
        seconds: by_table.iter().map(|t| t.seconds).sum::<f64>() + commit,
        commit_seconds: commit,
        by_table,
        db_bytes,
        peak_rss_mb: peak_rss_mb(),
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QueryOut {
    pub state_ms: Vec<f64>,
    /// Entries in each whole-landscape answer (members, roles, calls, ...).
    pub state_entries: Vec<usize>,
    pub group_ms: Vec<f64>,
    pub group_entries: Vec<usize>,
    pub diff_ms: Vec<f64>,
    pub diff_changes: Vec<usize>,
    /// `diff` of one year: 31 Dec Y-1 to 31 Dec Y ("what changed in Y").
    #[serde(default)]
    pub diff_year_ms: Vec<f64>,
    #[serde(default)]
    pub diff_year_changes: Vec<usize>,
    /// Entries in the whole landscape on the last day (untimed).
    pub last_day_entries: usize,
    pub peak_rss_mb: f64,
    /// The largest RssAnon seen with a whole-landscape state or a diff in hand, in MB:
    /// policylog's heap alone, without the log's file pages (`answers::rss_anon_mb`).
    #[serde(default)]
    pub rss_anon_mb: f64,
}

/// `state` as of random days (whole landscape, then one group) and `diff` of two random
/// years, through the library's entry points (`state_at`, `diff_at`).
fn query(work: &Workdir, events: usize, seed: u64) -> Result<QueryOut> {
    let store = Store::open(&work.log(), Access::ReadOnly)?;
    let shape = Shape::of(events);
    let mut rng = Rng::new(seed ^ 0x7175_6572_7900);
    let k = Knowledge::default();
    let mut anon_mb = rss_anon_mb();
    let mut state_entries = Vec::new();
    let state_ms = sample(5, 50, Duration::from_secs(20), |_| {
        let day = random_day(&mut rng);
        let (land, took) = timed(|| query::state_at(&store, day, k, None))?;
        anon_mb = anon_mb.max(rss_anon_mb());
        state_entries.push(entries(&land));
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(took)
    })?;
    let mut group_entries = Vec::new();
    let group_ms = sample(20, 300, Duration::from_secs(10), |_| {
        let day = random_day(&mut rng);
        let group = Shape::group_id(rng.below(shape.groups));
        let (land, took) = timed(|| query::state_at(&store, day, k, Some(&group)))?;
        group_entries.push(entries(&land));
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(took)
    })?;
    let mut diff_changes = Vec::new();
    let diff_ms = sample(5, 50, Duration::from_secs(20), |_| {
        let a = 1990 + rng.below(35) as i32;
        let b = a + 1 + rng.below((2025 - a) as usize) as i32;
        let (from, to) = (year_end(a), year_end(b));
        let (d, took) = timed(|| diff_at(&store, from, to, k, None))?;
        anon_mb = anon_mb.max(rss_anon_mb());
        diff_changes.push(d.sections.iter().map(|s| s.changes.len()).sum());
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(took)
    })?;
    let mut diff_year_changes = Vec::new();
    let diff_year_ms = sample(5, 50, Duration::from_secs(10), |_| {
        let y = 1991 + rng.below(35) as i32;
        let (d, took) = timed(|| diff_at(&store, year_end(y - 1), year_end(y), k, None))?;
        diff_year_changes.push(d.sections.iter().map(|s| s.changes.len()).sum());
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(took)
    })?;
    let last = query::state_at(&store, year_end(2025), k, None)?;
    Ok(QueryOut {
        state_ms,
        state_entries,
        group_ms,
        group_entries,
        diff_ms,
        diff_changes,
        diff_year_ms,
        diff_year_changes,
        last_day_entries: entries(&last),
        peak_rss_mb: peak_rss_mb(),
        rss_anon_mb: anon_mb,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReplayOut {
    /// Full replay of the log, then `Fold::at(day)`.
    pub state_ms: Vec<f64>,
    /// Full replay, then `at(day)` narrowed to one group.
    pub group_ms: Vec<f64>,
    /// The replay alone.
    pub replay_ms: Vec<f64>,
    /// Days (and groups) on which `state_at` and the full replay disagreed.
    pub mismatches: Vec<String>,
    pub compared: usize,
    pub peak_rss_mb: f64,
}

/// The naive baseline: fold the whole log for every question. Also checks, untimed, that
/// `state_at` gives the same answer as the replay on the same days.
fn replay(work: &Workdir, events: usize, seed: u64) -> Result<ReplayOut> {
    let store = Store::open(&work.log(), Access::ReadOnly)?;
    let shape = Shape::of(events);
    let mut rng = Rng::new(seed ^ 0x7265_706c_6179);
    let k = Knowledge::default();
    let (mut group_ms, mut replay_ms, mut mismatches) = (Vec::new(), Vec::new(), Vec::new());
    let mut compared = 0;
    let state_ms = sample(3, 10, Duration::from_secs(30), |_| {
        let day = random_day(&mut rng);
        let group = Shape::group_id(rng.below(shape.groups));
        let (fold, replayed) = timed(|| query::replay(&store, k))?;
        let started = Instant::now();
        let whole = fold.at(day);
        let at = started.elapsed();
        let started = Instant::now();
        let mut narrowed = fold.at(day);
        narrowed.only_group(&group);
        let at_group = started.elapsed();
        drop(fold);
        group_ms.push((replayed + at_group).as_secs_f64() * 1e3);
        replay_ms.push(replayed.as_secs_f64() * 1e3);
        for (answer, only) in [(&whole, None), (&narrowed, Some(group.as_str()))] {
            compared += 1;
            let fast = query::state_at(&store, day, k, only)?;
            if !same_answer(fast, answer) {
                mismatches.push(format!("{day} {}", only.unwrap_or("(whole landscape)")));
            }
        }
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(replayed + at)
    })?;
    // And one diff: from the stored periods, and from two full replays (a `--reported-by`
    // after every document replays the whole log).
    let a = 1990 + rng.below(35) as i32;
    let b = a + 1 + rng.below((2025 - a) as usize) as i32;
    let replaying = Knowledge {
        reported_by: NaiveDate::from_ymd_opt(9999, 12, 31),
        ..k
    };
    let fast = diff_at(&store, year_end(a), year_end(b), k, None)?;
    let slow = diff_at(&store, year_end(a), year_end(b), replaying, None)?;
    compared += 1;
    if fast.sections != slow.sections {
        mismatches.push(format!("diff {a} {b}"));
    }
    Ok(ReplayOut {
        state_ms,
        group_ms,
        replay_ms,
        mismatches,
        compared,
        peak_rss_mb: peak_rss_mb(),
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VerifyOut {
    pub events: i64,
    pub seconds: f64,
    pub ok: bool,
    pub findings: Vec<String>,
    pub peak_rss_mb: f64,
}

fn verify(work: &Workdir) -> Result<VerifyOut> {
    let store = Store::open(&work.log(), Access::ReadOnly)?;
    let (report, took) = timed(|| policylog::verify::verify(&store))?;
    Ok(VerifyOut {
        events: report.events,
        seconds: took.as_secs_f64(),
        ok: report.ok(),
        findings: report
            .findings
            .iter()
            .take(5)
            .map(|f| format!("{}: {}: {}", f.check, f.subject, f.problem))
            .collect(),
        peak_rss_mb: peak_rss_mb(),
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RebuildOut {
    pub events: i64,
    pub seconds: f64,
    pub peak_rss_mb: f64,
}

/// `policylog rebuild`: drop the derived tables' rows and derive them again from the log.
fn rebuild(work: &Workdir) -> Result<RebuildOut> {
    let mut store = Store::open(&work.log(), Access::ReadWrite)?;
    let (events, took) = timed(|| store.rebuild())?;
    Ok(RebuildOut {
        events,
        seconds: took.as_secs_f64(),
        peak_rss_mb: peak_rss_mb(),
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppendOut {
    pub ms: Vec<f64>,
    pub new: usize,
    pub peak_rss_mb: f64,
}

/// What `policylog append` does per event, in-process: one session (a `BEGIN IMMEDIATE`
/// transaction), validation with the quote checked against a stored document, the chain,
/// the derived tables, and a durable commit (WAL, synchronous=FULL: one fsync).
fn append(work: &Workdir, seed: u64) -> Result<AppendOut> {
    let mut store = Store::open(&work.log(), Access::ReadWrite)?;
    let doc = store
        .documents()?
        .into_iter()
        .next()
        .ok_or("no document in the log")?;
    let quote = doc.text.lines().next().unwrap_or_default().to_owned();
    let ids = store.entity_ids()?;
    let orgs: Vec<&str> = ids
        .iter()
        .filter(|(id, _, _)| id.starts_with("org:org-"))
        .map(|(id, _, _)| id.as_str())
        .collect();
    let groups: Vec<&str> = ids
        .iter()
        .filter(|(id, _, _)| id.starts_with("org:grp-"))
        .map(|(id, _, _)| id.as_str())
        .collect();
    if orgs.is_empty() || groups.is_empty() {
        return Err("the log holds no organisations or groups to append about".into());
    }
    let mut rng = Rng::new(seed ^ 0x6170_7065_6e64);
    let at = Location::Argument {
        what: "policylog-bench append",
        event: None,
    };
    let mut new = 0;
    let ms = sample(200, 200, Duration::MAX, |i| {
        let line = EventLine {
            id: Some(format!("bench-append-{i:04}")),
            kind: "membership.joined".into(),
            version: None,
            valid: "2025-06-01".into(),
            payload: serde_json::json!({"group": rng.pick(&groups), "member": rng.pick(&orgs)}),
            source: Some(doc.sha256.as_str().to_owned()),
            quote: Some(quote.clone()),
            recorded_at: None,
            recorded_by: None,
        };
        let started = Instant::now();
        let mut session = Session::begin(&mut store, "policylog-bench".into())?;
        let added = session.add(line, None, &at)?;
        session.commit()?;
        let took = started.elapsed();
        new += usize::from(matches!(added, Added::New(_)));
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(took)
    })?;
    Ok(AppendOut {
        ms,
        new,
        peak_rss_mb: peak_rss_mb(),
    })
}

/// Whether the fast path's landscape says what the replay's does (the stamps aside).
pub fn same_answer(mut fast: Landscape, replayed: &Landscape) -> bool {
    fast.log_head = replayed.log_head.clone();
    fast.known_at = replayed.known_at;
    fast.reported_by = replayed.reported_by.clone();
    &fast == replayed
}

/// Entries a landscape lists: members, roles, and every other section's items.
pub fn entries(land: &Landscape) -> usize {
    land.groups
        .values()
        .map(|g| g.members.len() + g.roles.len())
        .sum::<usize>()
        + land.representatives.len()
        + land.calls.len()
        + land.commitments.len()
        + land.instruments.len()
        + land.statistics.len()
        + land.meetings.len()
        + land.publications.len()
}

pub fn random_day(rng: &mut Rng) -> NaiveDate {
    NaiveDate::from_ymd_opt(1990, 1, 1)
        .expect("a date")
        .checked_add_days(chrono::Days::new(rng.below(13_149) as u64))
        .expect("in range")
}

pub fn year_end(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).expect("a date")
}

/// A new, empty database for a ceiling (any left by an earlier run removed first), in
/// the log's journal mode and durability: WAL, synchronous=FULL.
fn scratch_database(path: &Path) -> Result<Connection> {
    for p in [path.to_owned(), wal(path), shm(path)] {
        let _ = std::fs::remove_file(p);
    }
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}

/// Checkpoints a ceiling's database, removes it, and returns the bytes it took.
fn discard(conn: Connection, path: &Path) -> Result<u64> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    drop(conn);
    let bytes = file_size(path) + file_size(&wal(path));
    for p in [path.to_owned(), wal(path), shm(path)] {
        let _ = std::fs::remove_file(p);
    }
    Ok(bytes)
}

fn wal(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", db.display()))
}

fn shm(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}-shm", db.display()))
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}
