use std::path::{Path, PathBuf};

use chrono::Datelike;

use super::Verbosity;
use crate::date::{Day, ValidTime};
use crate::error::{Error, Result};
use crate::query;

/// The long help (`--help`), set on the `Command` variant: a variant's doc comment
/// would replace one set here.
pub(super) const LONG_ABOUT: &str = "Draw the history as an SVG picture: one row per membership and per role \
holder with bars over the years, and calls, meetings, publications, instrument statuses (each \
change of status, e.g. a directive under revision), commitments (each set or revised) and \
statistics (each reported) as marks with their titles. Solid bars are certain, hatched and dashed bars only possible (a term `2019/2020` began \
some time in 2019 and ended some time in 2020, so it is certain only around the new year); a \
hollow mark on a whisker is a date known only to the month or year. Hovering a bar or mark in a \
browser shows its event id and quote. The picture follows retractions and corrections, like \
`state`.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write the SVG to this file (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    svg: PathBuf,
    /// Start of the window: a year or date (default: the first year the events touch).
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// End of the window: a year or date (default: the last year the events touch).
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// The title printed at the top.
    #[arg(long)]
    title: Option<String>,
    #[command(flatten)]
    knowledge: super::knowledge::KnowledgeArgs,
}

pub fn run(db: &Path, args: Args, verbosity: Verbosity) -> Result<()> {
    let from = args
        .from
        .as_deref()
        .map(|t| bound("--from", t))
        .transpose()?;
    let to = args.to.as_deref().map(|t| bound("--to", t)).transpose()?;
    let store = super::open_read(db)?;
    let knowledge = args.knowledge.resolve(&store)?;
    let fold = query::replay(&store, knowledge)?;
    let head = query::head_at(&store, knowledge.known_at)?;
    let default = crate::timeline::default_window(&fold);
    let from = from.map(|(first, _)| first).or(default.map(|w| w.0));
    let to = to.map(|(_, last)| last).or(default.map(|w| w.1));
    let (Some(from), Some(to)) = (from, to) else {
        return Err(Error::Usage(
            "nothing to draw: the log holds no memberships, roles, calls, meetings or publications; \
             give --from and --to to draw an empty window"
                .into(),
        ));
    };
    if from > to {
        return Err(Error::Usage(format!("--from {from} lies after --to {to}")));
    }
    let years = if from.year() == to.year() {
        from.year().to_string()
    } else {
        format!("{}\u{2013}{}", from.year(), to.year())
    };
    let title = args.title.unwrap_or_else(|| {
        format!("Memberships, roles, calls, meetings, publications, instruments, commitments and statistics, {years}")
    });
    let caption = format!(
        "Drawn by policylog from the log at seq {} (head {}\u{2026}){}. Solid: certain; hatched: only possible. \
         Hover a bar or mark for its evidence.",
        head.seq,
        &head.hash[..12.min(head.hash.len())],
        knowledge
            .known_at
            .map_or(String::new(), |k| format!(", as known at seq {k}"))
    );
    let svg = crate::timeline::svg(&fold, from, to, &title, &caption);
    if args.svg.as_os_str() == "-" {
        return super::out(&svg);
    }
    std::fs::write(&args.svg, &svg).map_err(|e| Error::io(&args.svg, e))?;
    super::info(
        verbosity,
        &format!("wrote {} ({from} to {to})\n", args.svg.display()),
    )
}

/// A year, month or day as the window's bound: `(first day, last day)` of it.
fn bound(flag: &str, text: &str) -> Result<(Day, Day)> {
    let valid = ValidTime::parse(text).map_err(|e| Error::Usage(format!("{flag}: {e}")))?;
    match (valid.from(), valid.to(), valid.as_str().contains('/')) {
        (Some(first), Some(last), false) => Ok((first, last)),
        _ => Err(Error::Usage(format!(
            "{flag} `{text}`: give a year (2019), a month (2019-06) or a day (2019-06-30)"
        ))),
    }
}
