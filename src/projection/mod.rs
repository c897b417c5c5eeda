//! The projection: a pure fold of the log's events into the facts that count (`Fold`:
//! the envelopes of the events that count, a correction's replacement in its own), and
//! the landscape they show on a day (`landscape.rs`), key by key (`entry.rs`). No
//! SQL and no I/O: `crate::query` feeds it from the store, and the store runs its per-key
//! step (`periods.rs`) to keep its tables.

mod attested;
mod entry;
mod fold;
mod landscape;
pub mod names;
pub mod periods;
mod roles;
mod section;

pub use entry::entry_at;
pub use fold::Fold;
pub use landscape::*;
pub use section::{Section, fold_key};

#[cfg(test)]
pub(crate) mod decision_0006;
#[cfg(test)]
mod tests;
