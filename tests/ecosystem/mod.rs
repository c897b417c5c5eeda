//! Ecosystem tests: the log as other tools meet it. Each test ingests the curated events
//! into a fresh log with the real binary, then reads it the way an analyst, a civic-tech
//! tool, a historian or a shell would: plain SQLite (Python's `sqlite3`), CSV, Popolo
//! JSON, the timeline SVG rasterised to PNG, completions and the man page.

mod csv;
mod popolo;
mod shell;
mod sql;
mod timeline;
