//! Every answer the log gives, in one place: the store's events and tables, the pure fold
//! (`crate::projection`) and the comparison of two landscapes (`crate::diff`) joined. The
//! commands, `serve`, snapshots and exports ask here; nothing below asks back.
//!
//! - `state_at`: the landscape as of a day; `diff_at`: what changed between two days.
//! - `replay`: the whole log folded, for what the stored periods do not answer.
//! - `require_entity`: an id the user named, known or refused with the nearest ones.
//! - `history`: one entity's events; `head_at`, `resolve_known_at`: the record asked for.

mod diff;
mod entities;
mod history;
mod knowledge;
mod replay;
mod state;

pub use diff::{InBetween, diff_at, facts_within, states_for_diff};
pub use entities::{nearest_ids, require_entity};
pub use history::{History, HistoryEvent, SourceRef, history};
pub use knowledge::{Knowledge, head_at, resolve_known_at};
pub use replay::replay;
pub use state::state_at;

#[cfg(test)]
mod tests;
