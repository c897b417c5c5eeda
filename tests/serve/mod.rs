//! Integration tests of `policylog serve`: each starts the real binary on a free loopback
//! port over a fresh copy of the curated log, and talks HTTP to it. Bodies are compared
//! byte for byte with what the CLI prints for the same question.

mod api;
mod hardening;
mod server;
mod stream;
