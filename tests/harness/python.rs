//! Python, the third-party reader of the log: its standard library alone opens the SQLite
//! file and re-verifies the chain.

use std::ffi::OsStr;
use std::process::{Command, Output};

/// Runs `python3 ARGS...`. A missing Python fails the test: it must not pass silently.
pub fn python3<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Command::new("python3")
        .args(args)
        .output()
        .expect("python3 runs (the tests read the log with Python's standard library)")
}
