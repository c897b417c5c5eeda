//! The entities the log knows, with their names, for `policylog entities` and for the
//! extractor of `policylog add`: every registered entity as its latest registration that
//! counts names it, and every entity an event declares (a call, a meeting, ...) under its
//! title or label.

use rusqlite::Connection;

use super::{Batch, EntityName, Store};
use crate::error::{Error, Result};

impl Store {
    /// Every entity the log knows, by id.
    pub fn known_entities(&self) -> Result<Vec<EntityName>> {
        known_entities(&self.conn, KNOWN)
    }
}

impl Batch<'_> {
    /// Every entity the log and this batch know, by id, for "did you mean" (a batch's
    /// names are settled as it commits: until then a registration names itself).
    pub fn known_entities(&self) -> Result<Vec<EntityName>> {
        known_entities(&self.tx, KNOWN_IN_BATCH)
    }
}

/// Registered entities by their latest registration that counts; declared ones (a call,
/// a meeting, ...) by their title or label.
const KNOWN: &str = "SELECT id, entity_type, name, acronym, aliases FROM entity_names
     UNION ALL
     SELECT e.id, e.type,
            coalesce(json_extract(ev.payload, '$.title'),
                     json_extract(ev.payload, '$.label'), e.id),
            NULL, '[]'
       FROM entities e JOIN events ev ON ev.seq = e.seq
      WHERE e.id NOT IN (SELECT id FROM entity_names)
     ORDER BY 1";

/// `KNOWN`, and an entity this batch registers by that registration.
const KNOWN_IN_BATCH: &str = "SELECT id, entity_type, name, acronym, aliases FROM entity_names
     UNION ALL
     SELECT e.id, e.type,
            coalesce(json_extract(ev.payload, '$.title'), json_extract(ev.payload, '$.label'),
                     json_extract(ev.payload, '$.name'), e.id),
            json_extract(ev.payload, '$.acronym'),
            coalesce(json_extract(ev.payload, '$.aliases'), '[]')
       FROM entities e JOIN events ev ON ev.seq = e.seq
      WHERE e.id NOT IN (SELECT id FROM entity_names)
     ORDER BY 1";

fn known_entities(conn: &Connection, sql: &str) -> Result<Vec<EntityName>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| {
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
    .collect()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::store::{Access, Store};

    #[test]
    fn registered_and_declared_entities_are_listed_with_their_names() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db"), Access::ReadWrite).unwrap();
        let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        crate::ingest::ingest(&mut store, &[fixture], "test".into()).unwrap();
        let known = store.known_entities().unwrap();
        let icat = known.iter().find(|e| e.id == "org:icat").unwrap();
        assert_eq!(
            (icat.entity_type.as_str(), icat.acronym.as_deref()),
            ("org", Some("ICAT"))
        );
        let declared = known
            .iter()
            .find(|e| e.id.starts_with("commitment:"))
            .unwrap();
        assert_eq!(declared.entity_type, "commitment");
        assert_ne!(
            declared.name, declared.id,
            "a declared entity is named by its title"
        );
        let mut ids: Vec<_> = known.iter().map(|e| e.id.clone()).collect();
        ids.dedup();
        assert_eq!(ids.len(), known.len(), "each entity once");
    }
}
