//! Reliability: what real machines and real users do to a log that historians cite.
//! Crash safety (SIGKILL mid-ingest and mid-append), concurrent writers and readers,
//! tamper evidence (random byte flips, truncation), hostile input, a hostile environment
//! (read-only, full disk, newer schema), read-only queries, and property tests of the
//! date parser and canonical JSON. `cargo test` runs a quick version;
//! `scripts/reliability.sh` runs the full sizes against a release build (see
//! docs/reliability.md for the figures).

mod backup;
mod concurrency;
mod crash;
mod edges;
mod edges_log;
mod hostile_env;
mod hostile_input;
mod opening;
mod properties;
mod queries;
mod tamper;
mod verify_file;
