//! The integration tests, one crate: each test drives the real `policylog` binary on a
//! temporary log through the `harness` (a `Test` folder, a `Cmd` to run, the fixtures,
//! the curated landscape read from `events/`, a server, the reliability scale).
//!
//! `cargo test --test integration cli::` (or `serve::`, `ecosystem::`, `reliability::`)
//! runs one suite; `scripts/reliability.sh` runs `reliability::` at full scale.

mod harness;

mod cli;
mod ecosystem;
mod reliability;
mod serve;
