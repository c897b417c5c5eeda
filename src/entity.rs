//! Identifiers: entity ids (`type:slug`), event ids and document hashes, as newtypes so
//! that one is never passed where another is meant.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The kinds of thing an entity id can name; the part before the colon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityType {
    Org,
    Person,
    Instrument,
    Call,
    Commitment,
    Meeting,
    Publication,
    Indicator,
}

impl EntityType {
    pub const ALL: [EntityType; 8] = [
        EntityType::Org,
        EntityType::Person,
        EntityType::Instrument,
        EntityType::Call,
        EntityType::Commitment,
        EntityType::Meeting,
        EntityType::Publication,
        EntityType::Indicator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Org => "org",
            EntityType::Person => "person",
            EntityType::Instrument => "instrument",
            EntityType::Call => "call",
            EntityType::Commitment => "commitment",
            EntityType::Meeting => "meeting",
            EntityType::Publication => "publication",
            EntityType::Indicator => "indicator",
        }
    }

    fn from_prefix(prefix: &str) -> Option<EntityType> {
        EntityType::ALL.into_iter().find(|t| t.as_str() == prefix)
    }
}

/// `type:slug`, lower case, e.g. `org:osrsg-vac`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct EntityId(String);

impl EntityId {
    pub fn parse(text: &str) -> Result<EntityId, String> {
        let Some((prefix, slug)) = text.split_once(':') else {
            return Err(format!(
                "`{text}` is not an entity id; write `type:slug`, e.g. `org:iom`"
            ));
        };
        if EntityType::from_prefix(prefix).is_none() {
            let types: Vec<_> = EntityType::ALL.iter().map(|t| t.as_str()).collect();
            return Err(format!(
                "`{text}` has unknown type `{prefix}`; one of {}",
                types.join(", ")
            ));
        }
        if !is_slug(slug) {
            return Err(format!(
                "`{text}`: the slug must be lower-case letters and digits joined by single `-`"
            ));
        }
        Ok(EntityId(text.to_owned()))
    }

    pub fn entity_type(&self) -> EntityType {
        let prefix = self.0.split_once(':').map_or("", |(p, _)| p);
        EntityType::from_prefix(prefix).expect("checked when parsed")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for EntityId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        EntityId::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An event's id: `[a-z0-9][a-z0-9._-]*`, at most 200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct EventId(String);

impl EventId {
    pub fn parse(text: &str) -> Result<EventId, String> {
        let ok = !text.is_empty()
            && text.len() <= 200
            && text.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c));
        if ok {
            Ok(EventId(text.to_owned()))
        } else {
            Err(format!(
                "`{}` is not an event id; use lower-case letters, digits, `.`, `-`, `_` (at most 200)",
                truncate(text, 80)
            ))
        }
    }

    /// The id given to an event that came without one: from its content hash.
    pub fn derived(content_hash: &str) -> EventId {
        EventId(format!("ev-{}", &content_hash[..16]))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for EventId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        EventId::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A document's identity: the lowercase hex sha256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Sha256(String);

impl Sha256 {
    pub fn parse(text: &str) -> Result<Sha256, String> {
        if text.len() == 64
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(Sha256(text.to_owned()))
        } else {
            Err(format!(
                "`{}` is not a sha256 (64 lower-case hex digits)",
                truncate(text, 80)
            ))
        }
    }

    /// A value read back from the store, kept as is so that `verify` can name a damaged row.
    pub fn from_stored(text: String) -> Sha256 {
        Sha256(text)
    }

    pub fn of(bytes: &[u8]) -> Sha256 {
        Sha256(crate::canonical::sha256_hex(bytes))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn short(&self) -> &str {
        self.0.get(..12).unwrap_or(&self.0)
    }
}

impl<'de> Deserialize<'de> for Sha256 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Sha256::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 120
        && slug.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Shortens user input quoted back in an error message, with control characters escaped
/// so that a message never carries a terminal escape or a NUL.
pub fn truncate(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_ids() {
        for ok in [
            "org:icat",
            "org:osrsg-vac",
            "person:diane-schmitt",
            "indicator:x1",
        ] {
            assert!(EntityId::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "icat", "org:", "org:ICAT", "org:a--b", "org:-a", "club:x", "org:a b", "org:é",
        ] {
            assert!(EntityId::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            EntityId::parse("call:x").unwrap().entity_type(),
            EntityType::Call
        );
    }

    #[test]
    fn event_ids() {
        assert!(EventId::parse("icat-cochairs-2023").is_ok());
        assert!(EventId::parse("a.b_c-1").is_ok());
        for bad in ["", "-x", "X", "a b", "a/b"] {
            assert!(EventId::parse(bad).is_err(), "{bad}");
        }
    }
}
