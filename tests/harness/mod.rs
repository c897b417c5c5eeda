//! What every integration test shares: a `Test` (a temporary folder with a log path in
//! it), a `Cmd` that runs the real binary there and checks what it did, the fixtures, the
//! curated landscape as `events/` holds it today, a served log, and the scale and random
//! source of the reliability tests. Test files `use crate::harness::*`.

mod batch;
mod cmd;
mod curated;
mod files;
mod fixture;
mod golden;
mod log;
mod python;
mod scale;
mod server;
mod test;

use std::path::PathBuf;

pub use batch::*;
pub use cmd::*;
pub use curated::*;
pub use files::*;
pub use fixture::*;
pub use golden::*;
pub use log::*;
pub use python::*;
pub use scale::*;
pub use server::*;
pub use test::*;

/// The binary under test: `POLICYLOG_BIN` (scripts/reliability.sh points it at a release
/// build), else the one cargo built for this test run.
pub fn bin() -> PathBuf {
    match std::env::var_os("POLICYLOG_BIN") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_BIN_EXE_policylog")),
    }
}
