//! The derived tables of entities: which are known (declared by an event), which events
//! name each, and the name each has (from its latest registration that counts).

use rusqlite::{Connection, params};

use super::facts::{FactColumns, fact_row, read_fact};
use crate::error::{Error, Result};
use crate::event::{EntityRegistered, Event};
use crate::projection::names::NamePeriod;
use crate::store::{Batch, Store};

/// A registered entity's name, as the derived `entities` table keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityName {
    pub id: String,
    pub entity_type: String,
    pub name: String,
    pub acronym: Option<String>,
    pub aliases: Vec<String>,
}

/// An entity's name as `entity_names` keeps it, with its names over time when it was
/// renamed (`entity_name_periods`, schema 11).
pub(super) struct NameRow {
    pub(super) id: String,
    pub(super) entity_type: String,
    pub(super) name: String,
    pub(super) acronym: Option<String>,
    pub(super) aliases: String,
    pub(super) periods: Vec<NamePeriod>,
}

impl Store {
    /// Names of the given entities, from the latest registration of each that counts
    /// (and its last rename).
    pub fn entity_names(&self, ids: &[&str]) -> Result<Vec<EntityName>> {
        let list = serde_json::to_string(ids).expect("strings");
        let stmt = self.conn.prepare_cached(
            "SELECT id, entity_type, name, acronym, aliases FROM entity_names
             WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
        )?;
        names(stmt, params![list])
    }

    /// Names of the given entities as they were called on `day` (a day number): a rename
    /// names an entity from its date on, and earlier days keep the earlier name.
    pub fn entity_names_on(&self, ids: &[&str], day: i32) -> Result<Vec<EntityName>> {
        let list = serde_json::to_string(ids).expect("strings");
        let stmt = self.conn.prepare_cached(
            "SELECT n.id, n.entity_type, coalesce(p.name, n.name),
                    CASE WHEN p.id IS NULL THEN n.acronym ELSE p.acronym END, n.aliases
               FROM entity_names n
               LEFT JOIN entity_name_periods p
                 ON p.id = n.id AND p.from_day <= ?2 AND p.to_day >= ?2
              WHERE n.id IN (SELECT value FROM json_each(?1)) ORDER BY n.id",
        )?;
        names(stmt, params![list, day])
    }

    /// Every name an entity had, for entities that were renamed: `(id, name, acronym)`.
    pub fn former_names(&self) -> Result<Vec<(String, String, Option<String>)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, acronym FROM entity_name_periods ORDER BY id, from_day")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Reads `(id, entity_type, name, acronym, aliases)` rows into names (the aliases a JSON
/// list), for the derived names and for every entity the log knows (store/entities.rs).
pub(in crate::store) fn names(
    mut stmt: rusqlite::CachedStatement<'_>,
    values: impl rusqlite::Params,
) -> Result<Vec<EntityName>> {
    let rows = stmt.query_map(values, |r| {
        Ok((
            EntityName {
                id: r.get(0)?,
                entity_type: r.get(1)?,
                name: r.get(2)?,
                acronym: r.get(3)?,
                aliases: Vec::new(),
            },
            r.get::<_, String>(4)?,
        ))
    })?;
    rows.map(|row| {
        let (mut name, aliases) = row?;
        name.aliases = serde_json::from_str(&aliases).map_err(|e| {
            Error::VerifyFailed(format!(
                "the derived name of {} cannot be read: {e}; run `policylog rebuild`",
                name.id
            ))
        })?;
        Ok(name)
    })
    .collect::<Result<Vec<_>>>()
}

impl Store {
    /// Entity ids the derived table knows, with the seq that declared them.
    pub fn entity_ids(&self) -> Result<Vec<(String, String, i64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, type, seq FROM entities ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The references the derived table holds, as (entity, seq, field).
    pub fn event_refs(&self) -> Result<Vec<(String, i64, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT entity, seq, field FROM event_refs ORDER BY entity, seq, field")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn entity_known(&self, id: &str) -> Result<bool> {
        entity_known(&self.conn, id)
    }
}

impl Batch<'_> {
    pub fn entity_known(&self, id: &str) -> Result<bool> {
        entity_known(&self.tx, id)
    }

    /// The registrations of `id` that count in the log, with their event ids, as its
    /// names key holds them: those of this batch that are not written yet are not among
    /// them (the caller keeps those).
    pub fn registrations_of(&self, id: &str) -> Result<Vec<(String, EntityRegistered)>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT f.seq, e.id, e.kind, e.version, e.valid, e.payload, NULL, NULL, f.replacement
               FROM fact_keys k JOIN facts f ON f.key_id = k.key_id JOIN events e ON e.seq = f.seq
              WHERE k.section = 9 AND k.key = ? AND f.kind = 'entity.registered'
              ORDER BY f.seq",
        )?;
        let rows: Vec<FactColumns> = stmt
            .query_map([id], fact_row)?
            .collect::<rusqlite::Result<_>>()?;
        let mut found = Vec::new();
        for row in rows {
            let fact = read_fact(row)?;
            if let Event::EntityRegistered(r) = fact.event {
                found.push((fact.id, r));
            }
        }
        Ok(found)
    }

    /// Notes the entity an event declares, unless the log knows it already.
    pub(super) fn insert_entity(&self, id: &str, entity_type: &str, seq: i64) -> Result<()> {
        self.tx
            .prepare_cached("INSERT OR IGNORE INTO entities (id, type, seq) VALUES (?, ?, ?)")?
            .execute(params![id, entity_type, seq])?;
        Ok(())
    }

    /// Writes the entities events name, as `(entity, seq, field)`, sorted.
    pub(super) fn insert_refs(&self, refs: &[(String, i64, &'static str)]) -> Result<()> {
        let mut insert = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO event_refs (entity, seq, field) VALUES (?, ?, ?)",
        )?;
        for (entity, seq, field) in refs {
            insert.execute(params![entity, seq, field])?;
        }
        Ok(())
    }

    /// Stores an entity's name, or none when no registration counts any more.
    pub(super) fn write_name(&mut self, key_id: i64, latest: Option<NameRow>) -> Result<()> {
        // A names key is the entity's id; its periods are written anew.
        self.tx
            .prepare_cached(
                "DELETE FROM entity_name_periods
                 WHERE id = (SELECT key FROM fact_keys WHERE key_id = ?)",
            )?
            .execute([key_id])?;
        match latest {
            Some(r) => {
                self.tx
                    .prepare_cached(
                        "INSERT OR REPLACE INTO entity_names (id, entity_type, name, acronym, aliases)
                         VALUES (?, ?, ?, ?, ?)",
                    )?
                    .execute(params![r.id, r.entity_type, r.name, r.acronym, r.aliases])?;
                let mut insert = self.tx.prepare_cached(
                    "INSERT INTO entity_name_periods (id, from_day, to_day, name, acronym)
                     VALUES (?, ?, ?, ?, ?)",
                )?;
                for p in &r.periods {
                    insert.execute(params![r.id, p.from_day, p.to_day, p.name, p.acronym])?;
                }
            }
            None => {
                // A names key is the entity's id.
                self.tx
                    .prepare_cached(
                        "DELETE FROM entity_names
                         WHERE id = (SELECT key FROM fact_keys WHERE key_id = ?)",
                    )?
                    .execute([key_id])?;
            }
        }
        Ok(())
    }
}

fn entity_known(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM entities WHERE id = ?")?
        .exists([id])?)
}
