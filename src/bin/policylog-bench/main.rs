//! policylog-bench: a deterministic synthetic landscape of N events from a seed, and what
//! the log does with it: ingest against the plain-SQLite ceiling, single appends, `state`
//! and `diff` against a full replay, `verify`, `rebuild`, peak RSS and bytes on disk.
//! See docs/performance.md for what each figure means and the measured values.

mod answers;
mod bench;
mod phase;
mod report;
mod sample;
mod workload;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

// The allocator `policylog` itself uses, so that the phases measure what the CLI does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Benchmark policylog on a synthetic landscape (issue #5). Prints a table per N; with
/// `--json`, one JSON object per N (one line each) instead. Exits 1 when a figure makes no
/// sense (nothing ingested, verify failed, empty states, `state` disagreeing with a full
/// replay); missed targets are reported, not failed.
#[derive(Debug, Parser)]
#[command(name = "policylog-bench", version)]
struct Cli {
    /// Events in the landscape (registrations included): 10000, 100k, 1M; repeat the flag
    /// for several sizes, run one after the other.
    #[arg(long = "events", value_name = "N", value_parser = parse_count, default_values_t = [10_000])]
    events: Vec<usize>,
    /// Seed of the generator: the same N and seed give byte-identical events files.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// One JSON object per N on stdout (the table goes to stderr).
    #[arg(long)]
    json: bool,
    /// Keep the generated files and the log under DIR/nN instead of a temporary folder.
    #[arg(long, value_name = "DIR")]
    keep: Option<PathBuf>,
    /// Only write the landscape's events files (with their sources) under DIR/nN/events
    /// and print that folder: for timing the command-line tool on them
    /// (scripts/cli-times.sh).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["keep", "json"])]
    generate: Option<PathBuf>,
    /// Internal: run one phase in this process on the files in --dir and print its JSON.
    #[arg(long, hide = true, requires = "dir")]
    phase: Option<phase::Phase>,
    /// Internal: the run's folder, for --phase.
    #[arg(long, hide = true)]
    dir: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let (Some(p), Some(dir)) = (cli.phase, &cli.dir) {
        let work = phase::Workdir { dir: dir.clone() };
        return match phase::run(p, &work, cli.events[0], cli.seed) {
            Ok(value) => {
                println!("{value}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("policylog-bench: phase {}: {e}", p.name());
                ExitCode::FAILURE
            }
        };
    }
    if let Some(dir) = &cli.generate {
        for &events in &cli.events {
            let dir = dir.join(format!("n{events}"));
            match workload::generate(&dir, events, cli.seed) {
                Ok((folder, _)) => println!("{}", folder.display()),
                Err(e) => {
                    eprintln!("policylog-bench: writing under {}: {e}", dir.display());
                    return ExitCode::FAILURE;
                }
            }
        }
        return ExitCode::SUCCESS;
    }
    let mut sane = true;
    for &events in &cli.events {
        let figures = match bench::run(events, cli.seed, cli.keep.as_deref()) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("policylog-bench: N = {events}: {e}");
                return ExitCode::FAILURE;
            }
        };
        sane &= figures.problems.is_empty();
        if cli.json {
            eprint!("{}", figures.table());
            println!(
                "{}",
                serde_json::to_string(&figures).expect("figures serialise")
            );
        } else {
            println!("{}", figures.table());
        }
    }
    if sane {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `10000`, `10_000`, `10k`, `1M`.
fn parse_count(text: &str) -> Result<usize, String> {
    let t = text.trim().replace('_', "");
    let (digits, factor) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1_000),
        Some('m' | 'M') => (&t[..t.len() - 1], 1_000_000),
        _ => (t.as_str(), 1),
    };
    match digits.parse::<usize>() {
        Ok(n) if n * factor >= 100 => Ok(n * factor),
        Ok(_) => Err("at least 100 events".into()),
        Err(_) => Err(format!(
            "`{text}` is not a count of events (10000, 100k, 1M)"
        )),
    }
}
