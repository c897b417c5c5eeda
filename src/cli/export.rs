use std::path::{Path, PathBuf};

use super::Verbosity;
use super::progress::Progress;
use crate::error::{Error, Result};

/// The long help (`--help`), set on the `Command` variant: a variant's doc comment
/// would replace one set here.
pub(super) const LONG_ABOUT: &str =
    "Write the log back as events files plus their sources, in the canonical form \
`ingest` reads (ingest followed by export changes no byte).

With --popolo, write the whole history instead as Popolo JSON (popoloproject.com) for \
civic-tech tools: organizations (with acronyms and aliases as other_names), persons, posts \
(such as the ICAT co-chair) and memberships, each membership with start_date/end_date and its \
sources (document title, sha256 and quote). `--popolo FILE` writes FILE (`-` for standard \
output); a bare `--popolo` writes popolo.json into --out.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder to write the events files and their sources into.
    #[arg(long, default_value = "export")]
    out: PathBuf,
    /// Write Popolo JSON instead: to FILE, or to popolo.json in --out.
    #[arg(long, value_name = "FILE", num_args = 0..=1)]
    popolo: Option<Option<PathBuf>>,
}

pub fn run(db: &Path, args: Args, verbosity: Verbosity) -> Result<()> {
    let store = super::open_read(db)?;
    if let Some(file) = args.popolo {
        return popolo(
            &store,
            file.unwrap_or_else(|| args.out.join("popolo.json")),
            verbosity,
        );
    }
    let progress = Progress::new(None, "exporting", verbosity);
    let report = crate::export::export(&store, &args.out)?;
    progress.finish();
    let mut text = format!(
        "wrote {} events and {} documents into {} ({} files)\n",
        report.events,
        report.documents,
        args.out.display(),
        report.files.len()
    );
    if verbosity == Verbosity::Verbose {
        for file in &report.files {
            text.push_str(&format!("{}\n", file.display()));
        }
    }
    super::info(verbosity, &text)
}

fn popolo(store: &crate::store::Store, file: PathBuf, verbosity: Verbosity) -> Result<()> {
    let progress = Progress::new(None, "exporting Popolo JSON", verbosity);
    let document = crate::popolo::export(store)?;
    progress.finish();
    let text = format!(
        "{}\n",
        serde_json::to_string_pretty(&document.json).expect("JSON serialises")
    );
    if file.as_os_str() == "-" {
        return super::out(&text);
    }
    crate::export::LogFiles::of(store.path()).refuse_overwrite(&file, "the Popolo JSON")?;
    if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::write(&file, text).map_err(|e| Error::io(&file, e))?;
    super::info(
        verbosity,
        &format!(
            "wrote {} organizations, {} persons, {} posts and {} memberships into {}\n",
            document.organizations,
            document.persons,
            document.posts,
            document.memberships,
            file.display()
        ),
    )
}
