//! policylog: the history of the anti-trafficking policy landscape around ICAT as an
//! append-only, hash-chained SQLite event log, with state as of any date and diffs.
//!
//! Data flows one way: files → validate (`event`, `document`) → `store` → fold
//! (`projection`, `diff`) → `query` → render. The fold and `diff` are pure and know no
//! store; the store may run the fold to keep its tables but asks no query; `query` is the
//! one layer that joins them, and everything above asks it. See `docs/` for the file
//! format, the hash chain and the JSON contracts.

pub mod backup;
pub mod canonical;
pub mod cli;
pub mod clock;
pub mod closest;
pub mod datasette;
pub mod date;
pub mod diff;
pub mod document;
pub mod entity;
pub mod error;
pub mod event;
pub mod events_file;
pub mod export;
pub mod extract;
pub mod ingest;
#[cfg(test)]
mod layers;
pub mod popolo;
pub mod projection;
pub mod query;
pub mod render;
pub mod serve;
pub mod snapshot;
pub mod store;
pub mod suggest;
pub mod terminal;
pub mod timeline;
pub mod verify;
