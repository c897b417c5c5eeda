//! What a file is before anything is done to it: no log yet (an empty database), a
//! policylog log at some schema version, or another application's SQLite database, which
//! no command may touch. And the schema each version of the migrations defines, which
//! tells a lowered `user_version` apart from a log that is really older, and gives
//! `verify` the trigger and view definitions the binary expects.

use std::collections::BTreeSet;

use rusqlite::Connection;

use super::Store;
use super::schema::{MIGRATIONS, current_version};
use crate::error::{Error, Result};

/// What the file at a log's path holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Identity {
    /// A database without a single object and `user_version` 0: a file just created (or
    /// an empty file). Only a writer that creates logs turns it into one.
    Empty,
    /// A policylog log whose `user_version` says this schema version.
    Log(i64),
}

/// One object of a schema as SQLite keeps it: type, name and the SQL text that made it.
pub type SchemaObject = (String, String, Option<String>);

/// The objects of a database as `sqlite_master` lists them, SQLite's own (`sqlite_%`)
/// left out.
fn objects(conn: &Connection) -> Result<BTreeSet<SchemaObject>> {
    let mut stmt = conn.prepare(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The objects each schema version defines, from the binary's migrations run on an
/// empty database in memory: element `i` is version `i + 1`.
pub fn reference_schemas() -> Result<Vec<BTreeSet<SchemaObject>>> {
    let conn = Connection::open_in_memory()?;
    let mut versions = Vec::with_capacity(MIGRATIONS.len());
    for m in &MIGRATIONS {
        conn.execute_batch(m.sql)?;
        versions.push(objects(&conn)?);
    }
    Ok(versions)
}

impl Store {
    /// What the file is: refuses (without writing) a database that is not a policylog
    /// log, and a log whose `user_version` was lowered below the schema its tables have.
    pub(super) fn identify(&self) -> Result<Identity> {
        let found = self.user_version()?;
        let count: i64 = self.conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
            [],
            |r| r.get(0),
        )?;
        if count == 0 && found == 0 {
            return Ok(Identity::Empty);
        }
        // The chain's columns, which no other application's `events` table has by chance.
        let chained: i64 = self.conn.query_row(
            "SELECT (SELECT count(*) FROM pragma_table_info('events')
                     WHERE name IN ('seq', 'prev_hash', 'hash', 'recorded_at'))
                  + (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'documents')",
            [],
            |r| r.get(0),
        )?;
        if chained != 5 {
            return Err(Error::NotALog {
                path: self.path.clone(),
                problem: format!(
                    "an SQLite database, but not a policylog log (it has {count} table(s), \
                     index(es) or view(s), none of them a policylog event log; user_version \
                     {found}); policylog leaves it alone: give the log's path with --db, or a new \
                     file's to create a log there"
                ),
            });
        }
        if found < current_version() {
            self.check_not_lowered(found)?;
        }
        Ok(Identity::Log(found))
    }

    /// A log whose schema is exactly what a later version than its `user_version` defines
    /// had that version lowered: migrating it would run SQL that fails on objects already
    /// there. Said with the fix instead.
    fn check_not_lowered(&self, found: i64) -> Result<()> {
        let held = objects(&self.conn)?;
        let references = reference_schemas()?;
        let matches = references.iter().position(|r| *r == held);
        if let Some(i) = matches
            && MIGRATIONS[i].version > found
        {
            let real = MIGRATIONS[i].version;
            // The command to run, built apart: it is a message, not SQL policylog runs.
            let fix = [
                "sqlite3 ",
                &self.path.display().to_string(),
                " 'PRAGMA user_version = ",
                &real.to_string(),
                "'",
            ]
            .concat();
            return Err(Error::Schema {
                path: self.path.clone(),
                problem: format!(
                    "its user_version says schema {found}, but its tables, indexes and views \
                     are exactly those of schema {real}: the version was lowered behind \
                     policylog's back. Set it back with `{fix}`, then run the command again"
                ),
            });
        }
        Ok(())
    }

    /// The objects of the log, for `verify` to compare with `reference_schemas`.
    pub fn schema_objects(&self) -> Result<BTreeSet<SchemaObject>> {
        objects(&self.conn)
    }
}

impl Store {
    /// The quick check without the R*Trees' own check, on a connection given to it alone.
    /// `quick_check` reads every page of every table, the R*Trees' shadow tables among
    /// them, and also runs each R*Tree's consistency check in full, since SQLite's
    /// `rtreeIntegrity` ignores "quick": a rowid lookup per box, a third of the check
    /// at 1M. The R*Trees are derived; `verify --derived` checks them (in full).
    pub fn page_problems(self) -> Result<Vec<String>> {
        // SAFETY: the handle is this connection's and lives as long as `self`. Dropping
        // the modules only makes its virtual tables unusable on this connection, and the
        // check is the last thing it runs: `quick_check` passes over a virtual table
        // whose module is gone (pragma.c), and checks its shadow tables' pages as it
        // does every table's.
        unsafe {
            rusqlite::ffi::sqlite3_drop_modules(self.conn.handle(), std::ptr::null_mut());
        }
        self.integrity_problems(false)
    }

    /// SQLite's own check of the whole file: nothing, or its first 20 problems. Quick
    /// (`quick_check`: every b-tree page, free pages, cell and record formats; linear in
    /// the file) or in full (`integrity_check`: also every index entry against its table
    /// row, which at 1M events costs more than the rest of `verify` together).
    /// On some damage SQLite stops the check itself with "malformed": that is its verdict.
    pub fn integrity_problems(&self, in_full: bool) -> Result<Vec<String>> {
        let pragma = if in_full {
            "PRAGMA integrity_check(20)"
        } else {
            "PRAGMA quick_check(20)"
        };
        let check = || -> rusqlite::Result<Vec<String>> {
            let mut stmt = self.conn.prepare(pragma)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect()
        };
        match check() {
            Ok(found) if found == ["ok"] => Ok(Vec::new()),
            Ok(found) => Ok(found),
            Err(rusqlite::Error::SqliteFailure(e, detail))
                if e.code == rusqlite::ErrorCode::DatabaseCorrupt =>
            {
                Ok(vec![detail.unwrap_or_else(|| {
                    "database disk image is malformed".to_owned()
                })])
            }
            Err(e) => Err(e.into()),
        }
    }
}
