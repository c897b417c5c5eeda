//! Snapshots: the landscape at chosen days as canonical JSON files, stamped with the log
//! head they were built from, and the check that replaying the log reproduces them.

use std::path::{Path, PathBuf};

use crate::date::{Day, day_string, end_of_year, parse_day, year_of};
use crate::error::{Error, Result};
use crate::projection::{self, Fold, Landscape};
use crate::query::{self, Knowledge};
use crate::store::Store;

/// The bytes of a snapshot: the state JSON with sorted keys, two-space indented, and a
/// final newline. Deterministic, so that files can be compared byte for byte.
pub fn to_bytes(land: &Landscape) -> String {
    let mut text = crate::canonical::to_pretty(land);
    text.push('\n');
    text
}

/// The last day of every year the facts touch (from the first year a fact starts to the
/// last year one ends or starts).
pub fn yearly_days(fold: &Fold) -> Vec<Day> {
    let mut years = fold
        .facts()
        .filter(|f| !matches!(f.event, crate::event::Event::EntityRegistered(_)))
        .flat_map(|f| [f.valid.from(), f.valid.to()])
        .flatten()
        .map(year_of);
    let Some(first) = years.next() else {
        return vec![];
    };
    let (min, max) = years.fold((first, first), |(lo, hi), y| (lo.min(y), hi.max(y)));
    (min..=max).filter_map(end_of_year).collect()
}

pub fn file_name(day: Day) -> String {
    format!("{}.json", day_string(day))
}

/// Writes one snapshot per day into `out`; returns the files written.
pub fn write(store: &Store, days: &[Day], out: &Path) -> Result<Vec<PathBuf>> {
    let fold = query::replay(store, Knowledge::default())?;
    let head = store.head()?;
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let mut written = Vec::new();
    for day in days {
        let mut land = fold.at(*day);
        land.log_head = projection::HeadRef {
            seq: head.seq,
            hash: head.hash.clone(),
        };
        let path = out.join(file_name(*day));
        std::fs::write(&path, to_bytes(&land)).map_err(|e| Error::io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

/// A snapshot that replaying the log does not reproduce.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Mismatch {
    pub file: PathBuf,
    pub problem: String,
}

/// Replays the log at each snapshot's stamped head and compares byte for byte.
pub fn check(store: &Store, dir: &Path) -> Result<(usize, Vec<Mismatch>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut mismatches = Vec::new();
    let mut cache: Option<(i64, Fold)> = None;
    for file in &files {
        let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
        let mismatch = |problem: String| Mismatch {
            file: file.clone(),
            problem,
        };
        let value: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                mismatches.push(mismatch(format!("not JSON: {e}")));
                continue;
            }
        };
        let day = value["as_of"].as_str().and_then(parse_day);
        let seq = value["log_head"]["seq"].as_i64();
        let hash = value["log_head"]["hash"].as_str().unwrap_or_default();
        let (Some(day), Some(seq)) = (day, seq) else {
            mismatches.push(mismatch("missing as_of or log_head.seq".into()));
            continue;
        };
        let head = query::head_at(store, Some(seq))?;
        if head.seq != seq || head.hash != hash {
            mismatches.push(mismatch(format!(
                "built from seq {seq} hash {hash}, but the log at seq {} has hash {}",
                head.seq, head.hash
            )));
            continue;
        }
        if cache.as_ref().is_none_or(|(s, _)| *s != seq) {
            let known_at = Some(seq);
            cache = Some((
                seq,
                query::replay(
                    store,
                    Knowledge {
                        known_at,
                        reported_by: None,
                    },
                )?,
            ));
        }
        let (_, fold) = cache.as_ref().expect("just filled");
        let mut land = fold.at(day);
        land.log_head = projection::HeadRef {
            seq: head.seq,
            hash: head.hash,
        };
        let expected = to_bytes(&land);
        if expected != text {
            let line = expected
                .lines()
                .zip(text.lines())
                .position(|(a, b)| a != b)
                .map_or(
                    expected.lines().count().min(text.lines().count()) + 1,
                    |i| i + 1,
                );
            mismatches.push(mismatch(format!(
                "replaying the log gives a different state (first difference at line {line}); if the change is intended, regenerate with `policylog snapshot --yearly`"
            )));
        }
    }
    Ok((files.len(), mismatches))
}
