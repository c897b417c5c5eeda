use std::path::Path;

use crate::error::{Error, Result};
use crate::projection::Section;
use crate::render;

/// The long help (`--help`), set on the `Command` variant: a variant's doc comment
/// would replace one set here.
pub(super) const LONG_ABOUT: &str = "What changed between two dates, section by section: membership, roles, \
calls, commitments (revisions item by item, word by word), instruments, statistics, meetings, \
publications. A bare year means its last day: `diff 2022 2024` compares 2022-12-31 with 2024-12-31.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The earlier date.
    from: String,
    /// The later date.
    to: String,
    #[command(flatten)]
    knowledge: super::knowledge::KnowledgeArgs,
    /// Only this section.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(Section::COMPARED.map(Section::diff_name)))]
    section: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

pub fn run(db: &Path, args: Args) -> Result<()> {
    let (from, from_note) = super::knowledge::query_day("FROM", &args.from)?;
    let (to, to_note) = super::knowledge::query_day("TO", &args.to)?;
    if from > to {
        return Err(Error::Usage(format!(
            "FROM ({}) is after TO ({}); give the earlier date first",
            crate::date::day_string(from),
            crate::date::day_string(to)
        )));
    }
    let store = super::open_read(db)?;
    let knowledge = args.knowledge.resolve(&store)?;
    let diff = crate::query::diff_at(
        &store,
        from,
        to,
        knowledge,
        args.section.as_deref().and_then(Section::parse_diff_name),
    )?;
    let notes: Vec<String> = [from_note, to_note].into_iter().flatten().collect();
    let text = match args.format {
        Format::Json => return super::out_json(&diff),
        Format::Markdown => render::diff::markdown(&diff, &notes),
        Format::Text => crate::terminal::render(|style| render::diff::text(&diff, &notes, style)),
    };
    super::out(&text)
}
