use std::path::{Path, PathBuf};

use super::Verbosity;
use crate::date::today;
use crate::error::{Error, Result};
use crate::projection::{self, Section};
use crate::query;
use crate::render;

/// The long help (`--help`), set on the `Command` variant: a variant's doc comment
/// would replace one set here.
pub(super) const LONG_ABOUT: &str = "Fold the log into the landscape as of a date (valid time): members of each \
group with the date they joined, roles in office, calls issued so far, commitments in force, each \
instrument's latest status, the latest value of each statistic, meetings and publications so far. \
Every entry says whether it is certain or only possible at that date, or attested: stated by a \
source at an earlier date and carried on since (\"attested 2023-07-18; no later source\"), \
and cites the events behind it. Terms endorsed that have not begun are listed apart. Entities \
are named as they were called on that date. A bare year means its last day (2023 = 2023-12-31), a month its last day.

--format csv prints one tidy table that pandas or any CSV reader loads as it is: a `section` \
column (members, roles, representatives, calls, commitments with one row per item, \
instruments, statistics, meetings, publications), every section's columns (a row leaves the \
other sections' empty), and on every row its certainty, evidence ids, sources and quotes, one \
source and one quote per evidence id in the same order. --section prints one section's table \
alone, with only its columns; --out DIR writes each section (or the one picked) to \
DIR/<section>.csv.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The date (default today). A year or month means its last day.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    #[command(flatten)]
    knowledge: super::knowledge::KnowledgeArgs,
    /// Only this group (e.g. org:icat) and the entries that involve it.
    #[arg(long, value_name = "ID")]
    group: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// With --format csv: only this table.
    #[arg(long, value_name = "SECTION", value_parser = section_names(), requires = "format")]
    section: Option<String>,
    /// With --format csv: write one file per table into this folder.
    #[arg(long, value_name = "DIR", requires = "format")]
    out: Option<PathBuf>,
}

fn section_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Section::ALL.map(Section::name))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
    Csv,
}

pub fn run(db: &Path, args: Args, verbosity: Verbosity) -> Result<()> {
    let section = args.section.as_deref().and_then(Section::parse);
    if args.format != Format::Csv && (section.is_some() || args.out.is_some()) {
        return Err(Error::Usage(
            "--section and --out go with --format csv".into(),
        ));
    }
    let (day, note) = match &args.as_of {
        Some(text) => super::knowledge::query_day("--as-of", text)?,
        None => (today(), None),
    };
    let store = super::open_read(db)?;
    let knowledge = args.knowledge.resolve(&store)?;
    if let Some(group) = &args.group {
        query::require_entity(&store, "group", group)?;
    }
    let land = query::state_at(&store, day, knowledge, args.group.as_deref())?;
    if args.format == Format::Csv {
        return csv(&land, section, args.out.as_deref(), verbosity);
    }
    let mut text = match args.format {
        Format::Csv => unreachable!("handled above"),
        Format::Json => return super::out_json(&land),
        Format::Markdown => render::state::markdown(&land),
        Format::Table => crate::terminal::render(|style| render::state::text(&land, style)),
    };
    if let (Some(note), Format::Table | Format::Markdown) = (note, args.format) {
        text = format!("({note})\n{text}");
        if args.format == Format::Table {
            text = render::layout::fit(&text, crate::terminal::width());
        }
    }
    super::out(&text)
}

fn csv(
    land: &projection::Landscape,
    section: Option<Section>,
    out: Option<&Path>,
    verbosity: Verbosity,
) -> Result<()> {
    let Some(dir) = out else {
        return super::out(&match section {
            Some(s) => render::csv::section(land, s),
            None => render::csv::all_sections(land),
        });
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let sections = section.map_or(Section::ALL.to_vec(), |s| vec![s]);
    for s in &sections {
        let path = dir.join(format!("{s}.csv"));
        std::fs::write(&path, render::csv::section(land, *s)).map_err(|e| Error::io(&path, e))?;
    }
    super::info(
        verbosity,
        &format!(
            "wrote {} CSV file(s) into {} (as of {})\n",
            sections.len(),
            dir.display(),
            land.as_of
        ),
    )
}
