//! Integration tests: each drives the real `policylog` binary in a temporary folder with a
//! fresh log, through the `Test` builder of `crate::harness`. One module per subcommand.

mod add;
mod adding_a_document;
mod append;
mod attested;
mod consistency;
mod curated;
mod datasette;
mod diff;
mod documents;
mod dry_run;
mod edtf;
mod entities;
mod export;
mod head;
mod history;
mod ingest;
mod init;
mod instrument_life;
mod log;
mod names;
mod retract_correct;
mod snapshot;
mod state;
mod terminal;
mod third_party;
mod timeline;
mod verify;
mod views;
