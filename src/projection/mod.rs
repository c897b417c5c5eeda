//! The projection: a pure fold of the log's events into the facts that count (`Fold`),
//! and the landscape they show on a day (`landscape.rs`), key by key (`entry.rs`). No
//! SQL and no I/O: `crate::query` feeds it from the store, and the store runs its per-key
//! step (`periods.rs`) to keep its tables.

mod entry;
mod fold;
mod landscape;
pub mod periods;
mod section;

pub use entry::entry_at;
pub use fold::Fold;
pub use landscape::*;
pub use section::{Section, fold_key};

use crate::date::ValidTime;
use crate::event::Event;

/// A fact that counts: a world event, or the replacement carried by a correction.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// The seq of the event that asserts it (the correction's, for a replacement).
    pub seq: i64,
    /// The event id cited as evidence.
    pub id: String,
    pub valid: ValidTime,
    pub event: Event,
    pub source: Option<String>,
    pub quote: Option<String>,
}

#[cfg(test)]
mod tests;
