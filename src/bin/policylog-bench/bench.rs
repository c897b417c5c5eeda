//! One run at one N: generate the landscape, then run each phase in a child process of
//! this binary (`--phase`), one after the other, and collect what they measured.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde::de::DeserializeOwned;

use crate::phase::{Phase, Result, Workdir};
use crate::report::{Figures, Phases};
use crate::workload;

pub fn run(events: usize, seed: u64, keep: Option<&Path>) -> Result<Figures> {
    let dir = match keep {
        Some(keep) => keep.join(format!("n{events}")),
        None => {
            std::env::temp_dir().join(format!("policylog-bench-{}-{events}", std::process::id()))
        }
    };
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let work = Workdir { dir: dir.clone() };
    let figures = measure(&work, events, seed);
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    figures
}

fn measure(work: &Workdir, events: usize, seed: u64) -> Result<Figures> {
    progress(events, "generating the landscape");
    let load_before = load_average();
    let started = Instant::now();
    let (_, written) = workload::generate(&work.dir, events, seed)?;
    let generate_s = started.elapsed().as_secs_f64();
    let dir = &work.dir;
    let phases = Phases {
        written,
        generate_s,
        ingest: child(Phase::Ingest, dir, events, seed)?,
        ceiling: child(Phase::Ceiling, dir, events, seed)?,
        query: child(Phase::Query, dir, events, seed)?,
        answers: child(Phase::Answers, dir, events, seed)?,
        replay: child(Phase::Replay, dir, events, seed)?,
        verify: child(Phase::Verify, dir, events, seed)?,
        rebuild: child(Phase::Rebuild, dir, events, seed)?,
        append: child(Phase::Append, dir, events, seed)?,
        // Last: it writes and drops a copy of the whole log (1.2 GB at 1M) and holds each
        // table in memory, which must not disturb the phases that read the log.
        ceiling_all_tables: child(Phase::CeilingAllTables, dir, events, seed)?,
        load_before,
        load_after: load_average(),
    };
    Ok(Figures::new(events, seed, &phases))
}

/// Runs `phase` in a fresh process of this binary and reads its JSON answer.
fn child<T: DeserializeOwned>(phase: Phase, dir: &Path, events: usize, seed: u64) -> Result<T> {
    progress(events, phase.name());
    let exe: PathBuf = std::env::current_exe()?;
    let output = Command::new(exe)
        .args(["--phase", phase.name(), "--events", &events.to_string()])
        .args(["--seed", &seed.to_string(), "--dir"])
        .arg(dir)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()?;
    if !output.status.success() {
        return Err(format!("phase {} failed ({})", phase.name(), output.status).into());
    }
    Ok(serde_json::from_slice(&output.stdout)?)
}

/// The 1-minute load average: another process on the 2 cores moves every figure.
fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}

fn progress(events: usize, what: &str) {
    static STARTED: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let started = STARTED.get_or_init(Instant::now);
    eprintln!(
        "[policylog-bench N={events} +{:.1} s] {what}",
        started.elapsed().as_secs_f64()
    );
}
