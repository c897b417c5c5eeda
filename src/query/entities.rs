//! Entities the user names on the command line or in a request (`--group`, `--entity`,
//! `history ID`): known, or refused with the nearest ids the log does know.

use crate::error::{Error, Result};
use crate::store::Store;
use crate::suggest::{self, Candidate};

/// Ok when the log knows `id`; otherwise the error that says so, in the words of `what`
/// ("entity", "group"), with the nearest ids (`iom` → "did you mean org:iom?").
pub fn require_entity(store: &Store, what: &str, id: &str) -> Result<()> {
    if store.entity_known(id)? {
        return Ok(());
    }
    let id = crate::entity::truncate(id, 80);
    let nearest = nearest_ids(store, &id)?;
    Err(Error::NotFound(if nearest.is_empty() {
        format!(
            "no {what} `{id}` in the log (`policylog entities` lists them; ids look like org:iom)"
        )
    } else {
        format!(
            "no {what} `{id}` in the log{} (`policylog entities` lists them)",
            suggest::did_you_mean(&nearest)
        )
    }))
}

/// The ids the log knows that are nearest to `id` (`suggest::nearest_ids`).
pub fn nearest_ids(store: &Store, id: &str) -> Result<Vec<String>> {
    let known = store.known_entities()?;
    Ok(suggest::nearest_ids(
        id,
        known.iter().map(|e| Candidate {
            id: &e.id,
            name: &e.name,
            acronym: e.acronym.as_deref(),
            aliases: &e.aliases,
        }),
    ))
}
