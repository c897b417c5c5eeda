//! `verify --derived`: the derived tables derived again in a scratch copy of the log from
//! its events alone, and compared table by table with the log's own; and the dump that
//! proves rebuild = incremental in the tests.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::store::open::uri_path;
use crate::store::{Access, Store};

/// How many derived tables there are.
pub const DERIVED_TABLES: usize = 12;

/// Each derived table's rows as text, in a fixed order (`derived_tables_dump`).
const DERIVED_ROWS: [(&str, &str); DERIVED_TABLES] = [
    (
        "event_refs",
        "SELECT entity || '|' || seq || '|' || field FROM event_refs ORDER BY 1",
    ),
    (
        "entities",
        "SELECT id || '|' || type || '|' || seq FROM entities ORDER BY 1",
    ),
    (
        "displaced",
        "SELECT correction_seq || '|' || fact_seq FROM displaced ORDER BY 1",
    ),
    (
        "fact_keys",
        "SELECT section || '|' || key FROM fact_keys ORDER BY 1",
    ),
    (
        "facts",
        "SELECT f.seq || '|' || k.key || '|' || f.from_day || '|' || f.to_day || '|' || f.certain_day || '|' || f.kind || '|' || coalesce(f.replacement, '') FROM facts f JOIN fact_keys k USING (key_id) ORDER BY f.seq",
    ),
    // With whether the period's id is its key and last day (schema 8); each entry as
    // the JSON it unpacks to (schema 14).
    (
        "key_periods",
        "SELECT k.key || '|' || p.from_day || '|' || p.to_day || '|' || policylog_entry(p.entry) || '|' || p.cites || '|' || (p.period_id = (p.key_id << 32) + p.to_day + 2147483648) FROM key_periods p JOIN fact_keys k USING (key_id) ORDER BY 1",
    ),
    (
        "key_period_spans",
        "SELECT k.key || '|' || s.from_day || '|' || s.to_day FROM key_period_spans s JOIN key_periods p USING (period_id) JOIN fact_keys k USING (key_id) ORDER BY 1",
    ),
    // With whether each listing's days are its period's (schema 9).
    (
        "key_period_groups",
        "SELECT g.grp || '|' || coalesce(k.key, 'no period ' || g.period_id) || '|' || g.from_day || '|' || g.to_day || '|' || coalesce(g.from_day = p.from_day AND g.to_day = p.to_day, 0) FROM key_period_groups g LEFT JOIN key_periods p USING (period_id) LEFT JOIN fact_keys k ON k.key_id = p.key_id ORDER BY 1",
    ),
    (
        "statistic_period_groups",
        "SELECT s.grp || '|' || k.key || '|' || s.from_day || '|' || s.to_day FROM statistic_period_groups s JOIN key_periods p USING (period_id) JOIN fact_keys k USING (key_id) ORDER BY 1",
    ),
    (
        "entity_names",
        "SELECT id || '|' || entity_type || '|' || name || '|' || coalesce(acronym, '') || '|' || aliases FROM entity_names ORDER BY 1",
    ),
    (
        "entity_name_periods",
        "SELECT id || '|' || from_day || '|' || to_day || '|' || name || '|' || coalesce(acronym, '') FROM entity_name_periods ORDER BY 1",
    ),
    (
        "fact_days",
        "SELECT seq || '|' || coalesce(start_last, '') || '|' || coalesce(end_first, '') || '|' || coalesce(term_from, '') || '|' || coalesce(term_to, '') || '|' || is_interval || qualified || attested FROM fact_days ORDER BY seq",
    ),
];

/// A scratch log file, removed (with its WAL and shared-memory files) when dropped.
struct ScratchLog {
    path: PathBuf,
}

impl ScratchLog {
    fn new(dir: &Path) -> ScratchLog {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        ScratchLog {
            path: dir.join(format!("policylog-check-{}-{nanos}.db", std::process::id())),
        }
    }
}

impl Drop for ScratchLog {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut file = self.path.clone().into_os_string();
            file.push(suffix);
            let _ = std::fs::remove_file(file);
        }
    }
}

/// A scratch log holding the documents and events of the log at `source`, its derived
/// tables derived from them alone.
fn derive_from_events_of(source: &Path, scratch: &ScratchLog) -> Result<Store> {
    let mut copy = Store::open(&scratch.path, Access::ReadWrite)?;
    copy.conn.execute(
        "ATTACH DATABASE ? AS log",
        [format!("file:{}?mode=ro", uri_path(source))],
    )?;
    copy.conn.execute_batch(
        "BEGIN;
         INSERT INTO main.documents SELECT * FROM log.documents;
         INSERT INTO main.events SELECT * FROM log.events;
         COMMIT;
         DETACH DATABASE log;",
    )?;
    copy.rebuild()?;
    Ok(copy)
}

/// What the scratch folder causes: it is missing, full, or not writable.
fn scratch_cannot_be_written(error: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::{CannotOpen, DiskFull, PermissionDenied, ReadOnly, SystemIoFailure};
    matches!(
        error,
        rusqlite::Error::SqliteFailure(e, _)
            if matches!(e.code, CannotOpen | DiskFull | PermissionDenied | ReadOnly | SystemIoFailure)
    )
}

/// Gives the dumps' SQL `policylog_entry(blob)`: a stored entry as the JSON it unpacks
/// to, so that two logs holding the same entries compare equal whatever deflate packed
/// them. Bytes that do not unpack give what is wrong with them, which no entry's JSON is:
/// the table differs, and `verify --derived` names it.
pub(in crate::store) fn define_entry_function(conn: &rusqlite::Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "policylog_entry",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let unpacked = match ctx.get_raw(0).as_blob() {
                Ok(bytes) => super::packed::unpacked_json(bytes),
                Err(e) => Err(format!("not a packed entry: {e}")),
            };
            Ok(unpacked.unwrap_or_else(|e| format!("unreadable: {e}")))
        },
    )?;
    Ok(())
}

impl Store {
    /// Every derived row, in a fixed order: for proving rebuild = incremental.
    pub fn derived_tables_dump(&self) -> Result<Vec<String>> {
        define_entry_function(&self.conn)?;
        let mut rows = Vec::new();
        for (_, sql) in DERIVED_ROWS {
            let mut stmt = self.conn.prepare(sql)?;
            for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
                rows.push(row?);
            }
        }
        Ok(rows)
    }

    /// A digest of each derived table's rows (as the dump gives them), streamed: the
    /// tables of a large log are compared without holding them in memory.
    fn derived_digests(&self) -> Result<Vec<(&'static str, [u8; 32])>> {
        use sha2::{Digest, Sha256};
        define_entry_function(&self.conn)?;
        let mut digests = Vec::new();
        for (table, sql) in DERIVED_ROWS {
            let mut hasher = Sha256::new();
            let mut stmt = self.conn.prepare(sql)?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let text = row.get_ref(0)?.as_bytes().unwrap_or_default();
                hasher.update((text.len() as u64).to_le_bytes());
                hasher.update(text);
            }
            digests.push((table, hasher.finalize().into()));
        }
        Ok(digests)
    }

    /// The derived tables whose rows differ from those the events give: the log's events
    /// and documents are copied into a scratch log in `scratch_dir`, which derives its
    /// tables from them alone (`rebuild`), and the two are compared table by table. An append landing meanwhile makes it an error, not a finding.
    pub fn derived_tables_differing_from_events(
        &self,
        scratch_dir: &Path,
    ) -> Result<Vec<&'static str>> {
        let scratch = ScratchLog::new(scratch_dir);
        let source = std::path::absolute(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let copy = derive_from_events_of(&source, &scratch).map_err(|e| match e {
            // Said of the scratch folder, not of the log: a full temporary disk is not a
            // full log disk, and the way out is another folder. Other errors (the log
            // unreadable, say) keep their own words.
            Error::Sqlite(e) if scratch_cannot_be_written(&e) => Error::io(
                scratch_dir,
                std::io::Error::other(format!(
                    "the scratch copy of the log that `verify --derived` derives its tables in \
                     could not be made in this folder ({}); it needs room for a copy of the \
                     log: free some space or point TMPDIR at another folder",
                    Error::Sqlite(e)
                )),
            ),
            other => other,
        })?;
        self.read(|| {
            if self.head()? != copy.head()? {
                // Busy, as a lock held too long is: the environment, not the input.
                return Err(Error::io(
                    &self.path,
                    std::io::Error::other(
                        "events were appended while the derived tables were being compared: run the check again",
                    ),
                ));
            }
            let (ours, theirs) = (self.derived_digests()?, copy.derived_digests()?);
            Ok(ours
                .into_iter()
                .zip(theirs)
                .filter(|(a, b)| a.1 != b.1)
                .map(|(a, _)| a.0)
                .collect())
        })
    }
}
