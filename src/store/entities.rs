//! The entities the log knows, with their names, for `policylog entities` and for the
//! extractor of `policylog add`: every registered entity as its latest registration that
//! counts names it, and every entity an event declares (a call, a meeting, ...) under its
//! title or label.

use rusqlite::Connection;

use super::{Batch, EntityName, Store};
use crate::error::Result;

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
    super::derived::names(conn.prepare_cached(sql)?, [])
}
