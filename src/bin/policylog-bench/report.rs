//! The figures of one run at one N: assembled from the phases, checked for sanity,
//! compared with the targets (issue 22: per answer against plain SQL, ingest, size, RSS), and printed as a table or one JSON object.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::answers::AnswersOut;
use crate::phase::{
    AllTablesOut, AppendOut, CeilingOut, IngestOut, QueryOut, RebuildOut, ReplayOut, TableInserts,
    VerifyOut,
};
use crate::sample::percentile;
use crate::workload::Written;

mod sanity;
mod targets;

use sanity::problems;
pub use targets::Target;
use targets::targets;

/// Everything one run measured. Field order is the JSON's.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub events: usize,
    pub seed: u64,
    pub sqlite_version: String,
    /// 1-minute load average before and after the run (2 cores: above ~1 means company).
    pub load_1m_before: f64,
    pub load_1m_after: f64,
    pub generate_events_per_s: f64,
    pub file_bytes_per_event: f64,
    pub payload_bytes_per_event: f64,
    /// Payload + quote + source sha256 (what the peers' ~222-byte payload holds).
    pub evidence_bytes_per_event: f64,
    pub ingest_s: f64,
    pub ingest_events_per_s: f64,
    pub ceiling_events_per_s: f64,
    pub ingest_ceiling_ratio: f64,
    /// Plain inserts of every row the log keeps (all its tables), per event.
    pub ceiling_all_tables_events_per_s: f64,
    pub ingest_ceiling_all_tables_ratio: f64,
    pub ceiling_all_tables_rows_per_event: f64,
    /// Its rows and insert time per table, and its commit.
    pub ceiling_all_tables_by_table: Vec<TableInserts>,
    pub ceiling_all_tables_commit_s: f64,
    pub append_p50_ms: f64,
    pub append_p99_ms: f64,
    pub append_samples: usize,
    pub state_p50_ms: f64,
    pub state_p99_ms: f64,
    pub state_samples: usize,
    pub state_entries_p50: f64,
    pub state_group_p50_ms: f64,
    pub state_group_p99_ms: f64,
    pub state_group_samples: usize,
    pub replay_state_p50_ms: f64,
    pub replay_state_p99_ms: f64,
    pub replay_state_group_p50_ms: f64,
    pub replay_samples: usize,
    /// Full-replay state p50 ÷ `state_at` p50 (whole landscape).
    pub state_speedup: f64,
    /// Full-replay state p50 ÷ `state_at --group` p50.
    pub state_group_speedup: f64,
    pub state_matches_replay: bool,
    pub diff_p50_ms: f64,
    pub diff_p99_ms: f64,
    pub diff_samples: usize,
    pub diff_changes_p50: f64,
    /// Time per change listed (p50 ÷ p50): what a diff costs is the size of its answer.
    pub diff_us_per_change: f64,
    pub diff_year_p50_ms: f64,
    pub diff_year_p99_ms: f64,
    pub diff_year_changes_p50: f64,
    /// Per answer (issue 22): `state_at` of the whole landscape and the one plain SQL query
    /// returning the same entries with their evidence, p50 over the same days.
    pub answer_state_p50_ms: f64,
    pub answer_state_ceiling_p50_ms: f64,
    pub answer_state_ceiling_rows_p50: f64,
    pub state_ceiling_ratio: f64,
    /// `diff_at` of two year ends and the plain SQL query listing the periods that begin
    /// or end between them with their evidence, p50 over the same pairs.
    pub answer_diff_p50_ms: f64,
    pub answer_diff_ceiling_p50_ms: f64,
    pub answer_diff_ceiling_rows_p50: f64,
    pub diff_ceiling_ratio: f64,
    pub answer_samples: usize,
    /// Answers on which a ceiling and policylog agreed, of those compared.
    pub answers_compared: usize,
    /// The most RssAnon (heap, not the log's file pages) with a whole-landscape state or a
    /// diff in hand.
    pub query_rss_anon_mb: f64,
    /// Whole-landscape state p50 per entry of the answer, against the replay's.
    pub state_us_per_entry: f64,
    pub replay_us_per_entry: f64,
    pub verify_s: f64,
    pub verify_events_per_s: f64,
    pub rebuild_s: f64,
    /// What `rebuild_s` times.
    pub rebuild_measures: &'static str,
    /// The larger of the ingest and query peaks (the target's figure).
    pub peak_rss_mb: f64,
    pub peak_rss_ingest_mb: f64,
    pub peak_rss_query_mb: f64,
    pub peak_rss_replay_mb: f64,
    pub peak_rss_verify_mb: f64,
    pub peak_rss_rebuild_mb: f64,
    pub peak_rss_append_mb: f64,
    pub peak_rss_ceiling_mb: f64,
    pub peak_rss_ceiling_all_tables_mb: f64,
    pub db_bytes: u64,
    pub bytes_per_event: f64,
    pub ceiling_bytes_per_event: f64,
    pub ceiling_all_tables_bytes_per_event: f64,
    pub kinds: BTreeMap<String, usize>,
    pub targets: Vec<Target>,
    /// Figures that make no sense (a failed check); non-empty means exit 1.
    pub problems: Vec<String>,
}

pub struct Phases {
    pub written: Written,
    pub generate_s: f64,
    pub ingest: IngestOut,
    pub ceiling: CeilingOut,
    pub ceiling_all_tables: AllTablesOut,
    pub query: QueryOut,
    pub answers: AnswersOut,
    pub replay: ReplayOut,
    pub verify: VerifyOut,
    pub rebuild: RebuildOut,
    pub append: AppendOut,
    pub load_before: f64,
    pub load_after: f64,
}

const P50: f64 = 0.5;
const P99: f64 = 0.99;

impl Figures {
    pub fn new(events: usize, seed: u64, p: &Phases) -> Figures {
        let n = p.written.events.max(1) as f64;
        let ingest_rate = p.ingest.events as f64 / p.ingest.seconds;
        let ceiling_rate = p.ceiling.rows as f64 / p.ceiling.seconds;
        let all_tables_rate = p.ceiling_all_tables.events as f64 / p.ceiling_all_tables.seconds;
        let state_p50 = percentile(&p.query.state_ms, P50);
        let group_p50 = percentile(&p.query.group_ms, P50);
        let replay_p50 = percentile(&p.replay.state_ms, P50);
        let replay_group_p50 = percentile(&p.replay.group_ms, P50);
        let mut f = Figures {
            events,
            seed,
            sqlite_version: p.ingest.sqlite_version.clone(),
            load_1m_before: p.load_before,
            load_1m_after: p.load_after,
            generate_events_per_s: n / p.generate_s,
            file_bytes_per_event: p.written.bytes as f64 / n,
            payload_bytes_per_event: p.written.payload_bytes as f64 / n,
            evidence_bytes_per_event: p.written.evidence_bytes as f64 / n,
            ingest_s: p.ingest.seconds,
            ingest_events_per_s: ingest_rate,
            ceiling_events_per_s: ceiling_rate,
            ingest_ceiling_ratio: ingest_rate / ceiling_rate,
            ceiling_all_tables_events_per_s: all_tables_rate,
            ingest_ceiling_all_tables_ratio: ingest_rate / all_tables_rate,
            ceiling_all_tables_rows_per_event: p.ceiling_all_tables.rows as f64
                / p.ceiling_all_tables.events.max(1) as f64,
            ceiling_all_tables_by_table: p.ceiling_all_tables.by_table.clone(),
            ceiling_all_tables_commit_s: p.ceiling_all_tables.commit_seconds,
            append_p50_ms: percentile(&p.append.ms, P50),
            append_p99_ms: percentile(&p.append.ms, P99),
            append_samples: p.append.ms.len(),
            state_p50_ms: state_p50,
            state_p99_ms: percentile(&p.query.state_ms, P99),
            state_samples: p.query.state_ms.len(),
            state_entries_p50: percentile(&as_f64(&p.query.state_entries), P50),
            state_group_p50_ms: group_p50,
            state_group_p99_ms: percentile(&p.query.group_ms, P99),
            state_group_samples: p.query.group_ms.len(),
            replay_state_p50_ms: replay_p50,
            replay_state_p99_ms: percentile(&p.replay.state_ms, P99),
            replay_state_group_p50_ms: replay_group_p50,
            replay_samples: p.replay.state_ms.len(),
            state_speedup: replay_p50 / state_p50,
            state_group_speedup: replay_group_p50 / group_p50,
            state_matches_replay: p.replay.mismatches.is_empty(),
            diff_p50_ms: percentile(&p.query.diff_ms, P50),
            diff_p99_ms: percentile(&p.query.diff_ms, P99),
            diff_samples: p.query.diff_ms.len(),
            diff_changes_p50: percentile(&as_f64(&p.query.diff_changes), P50),
            diff_us_per_change: percentile(&p.query.diff_ms, P50) * 1e3
                / percentile(&as_f64(&p.query.diff_changes), P50),
            diff_year_p50_ms: percentile(&p.query.diff_year_ms, P50),
            diff_year_p99_ms: percentile(&p.query.diff_year_ms, P99),
            diff_year_changes_p50: percentile(&as_f64(&p.query.diff_year_changes), P50),
            answer_state_p50_ms: percentile(&p.answers.state_ms, P50),
            answer_state_ceiling_p50_ms: percentile(&p.answers.state_ceiling_ms, P50),
            answer_state_ceiling_rows_p50: percentile(&as_f64(&p.answers.state_ceiling_rows), P50),
            state_ceiling_ratio: percentile(&p.answers.state_ms, P50)
                / percentile(&p.answers.state_ceiling_ms, P50),
            answer_diff_p50_ms: percentile(&p.answers.diff_ms, P50),
            answer_diff_ceiling_p50_ms: percentile(&p.answers.diff_ceiling_ms, P50),
            answer_diff_ceiling_rows_p50: percentile(&as_f64(&p.answers.diff_ceiling_rows), P50),
            diff_ceiling_ratio: percentile(&p.answers.diff_ms, P50)
                / percentile(&p.answers.diff_ceiling_ms, P50),
            answer_samples: p.answers.state_ms.len() + p.answers.diff_ms.len(),
            answers_compared: p.answers.compared,
            // From the query phase, where only policylog's answer is in hand (the answers
            // phase also holds its ceiling's rows for the check).
            query_rss_anon_mb: p.query.rss_anon_mb,
            state_us_per_entry: state_p50 * 1e3 / percentile(&as_f64(&p.query.state_entries), P50),
            replay_us_per_entry: replay_p50 * 1e3
                / percentile(&as_f64(&p.query.state_entries), P50),
            verify_s: p.verify.seconds,
            verify_events_per_s: p.verify.events as f64 / p.verify.seconds,
            rebuild_s: p.rebuild.seconds,
            rebuild_measures: "Store::rebuild (what `policylog rebuild` runs): derived tables dropped and derived again from the log, one transaction",
            peak_rss_mb: p.ingest.peak_rss_mb.max(p.query.peak_rss_mb),
            peak_rss_ingest_mb: p.ingest.peak_rss_mb,
            peak_rss_query_mb: p.query.peak_rss_mb,
            peak_rss_replay_mb: p.replay.peak_rss_mb,
            peak_rss_verify_mb: p.verify.peak_rss_mb,
            peak_rss_rebuild_mb: p.rebuild.peak_rss_mb,
            peak_rss_append_mb: p.append.peak_rss_mb,
            peak_rss_ceiling_mb: p.ceiling.peak_rss_mb,
            peak_rss_ceiling_all_tables_mb: p.ceiling_all_tables.peak_rss_mb,
            db_bytes: p.ingest.db_bytes,
            bytes_per_event: p.ingest.db_bytes as f64 / n,
            ceiling_bytes_per_event: p.ceiling.db_bytes as f64 / n,
            ceiling_all_tables_bytes_per_event: p.ceiling_all_tables.db_bytes as f64
                / p.ceiling_all_tables.events.max(1) as f64,
            kinds: p.written.kinds.clone(),
            targets: vec![],
            problems: problems(events, p),
        };
        f.targets = targets(&f);
        f
    }

    pub fn table(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(
            t,
            "policylog-bench  N = {}  seed {}  SQLite {} (bundled), WAL, synchronous=FULL",
            thousands(self.events as f64),
            self.seed,
            self.sqlite_version
        );
        let _ = writeln!(
            t,
            "{:<44} {:>14}  {:<16} verdict",
            "figure", "value", "target (1M)"
        );
        let rows: Vec<(&str, String, Option<usize>)> = vec![
            (
                "ingest (events/s, real path)",
                thousands(self.ingest_events_per_s),
                Some(8),
            ),
            (
                "plain-insert ceiling (events/s)",
                thousands(self.ceiling_events_per_s),
                None,
            ),
            (
                "ingest / ceiling",
                format!("{:.2}", self.ingest_ceiling_ratio),
                None,
            ),
            (
                "all-tables ceiling (events/s)",
                thousands(self.ceiling_all_tables_events_per_s),
                None,
            ),
            (
                "ingest / all-tables ceiling (rows per event)",
                format!(
                    "{:.2} ({:.1})",
                    self.ingest_ceiling_all_tables_ratio, self.ceiling_all_tables_rows_per_event
                ),
                Some(0),
            ),
            (
                "append p50 / p99 (ms, durable)",
                pair(self.append_p50_ms, self.append_p99_ms),
                Some(1),
            ),
            (
                "state p50 / p99 (ms, whole landscape)",
                pair(self.state_p50_ms, self.state_p99_ms),
                None,
            ),
            (
                "state --group p50 / p99 (ms)",
                pair(self.state_group_p50_ms, self.state_group_p99_ms),
                Some(2),
            ),
            (
                "replay state p50 / p99 (ms)",
                pair(self.replay_state_p50_ms, self.replay_state_p99_ms),
                None,
            ),
            (
                "replay state --group p50 (ms)",
                ms(self.replay_state_group_p50_ms),
                None,
            ),
            (
                "state speed-up over replay (x)",
                format!("{:.1}", self.state_speedup),
                None,
            ),
            (
                "state --group speed-up over replay (x)",
                format!("{:.1}", self.state_group_speedup),
                None,
            ),
            (
                "diff of two years p50 / p99 (ms)",
                pair(self.diff_p50_ms, self.diff_p99_ms),
                None,
            ),
            (
                "diff of one year (Y-1 to Y) p50 / p99 (ms)",
                pair(self.diff_year_p50_ms, self.diff_year_p99_ms),
                None,
            ),
            (
                "state, whole: policylog / SQL ceiling (ms)",
                format!(
                    "{} / {}",
                    ms(self.answer_state_p50_ms),
                    ms(self.answer_state_ceiling_p50_ms)
                ),
                None,
            ),
            (
                "state, whole / its SQL ceiling (x)",
                format!("{:.2}", self.state_ceiling_ratio),
                Some(3),
            ),
            (
                "diff of two years: policylog / SQL (ms)",
                format!(
                    "{} / {}",
                    ms(self.answer_diff_p50_ms),
                    ms(self.answer_diff_ceiling_p50_ms)
                ),
                None,
            ),
            (
                "diff of two years / its SQL ceiling (x)",
                format!("{:.2}", self.diff_ceiling_ratio),
                Some(4),
            ),
            (
                "per answer: state / replay (us per entry)",
                format!(
                    "{:.1} / {:.1}",
                    self.state_us_per_entry, self.replay_us_per_entry
                ),
                None,
            ),
            (
                "per answer: diff (us per change)",
                format!("{:.1}", self.diff_us_per_change),
                None,
            ),
            (
                "verify (events/s)",
                thousands(self.verify_events_per_s),
                Some(5),
            ),
            (
                "rebuild derived tables (s)",
                format!("{:.2}", self.rebuild_s),
                None,
            ),
            (
                "peak RSS ingest / query (MB)",
                format!(
                    "{:.0} / {:.0}",
                    self.peak_rss_ingest_mb, self.peak_rss_query_mb
                ),
                Some(6),
            ),
            (
                "query RSS, heap only (MB, RssAnon)",
                format!("{:.0}", self.query_rss_anon_mb),
                Some(7),
            ),
            (
                "peak RSS replay / verify / rebuild (MB)",
                format!(
                    "{:.0} / {:.0} / {:.0}",
                    self.peak_rss_replay_mb, self.peak_rss_verify_mb, self.peak_rss_rebuild_mb
                ),
                None,
            ),
            (
                "bytes per event (log / ceiling / all tables)",
                format!(
                    "{:.0} / {:.0} / {:.0}",
                    self.bytes_per_event,
                    self.ceiling_bytes_per_event,
                    self.ceiling_all_tables_bytes_per_event
                ),
                Some(9),
            ),
            (
                "event line bytes (file / payload / +evidence)",
                format!(
                    "{:.0} / {:.0} / {:.0}",
                    self.file_bytes_per_event,
                    self.payload_bytes_per_event,
                    self.evidence_bytes_per_event
                ),
                None,
            ),
            (
                "generator alone (events/s, not in ingest)",
                thousands(self.generate_events_per_s),
                None,
            ),
        ];
        for (figure, value, target) in rows {
            let (goal, verdict) = match target.and_then(|i| self.targets.get(i)) {
                Some(t) => (t.goal, if t.met { "met" } else { "MISSED" }),
                None => ("", ""),
            };
            let _ = writeln!(t, "{figure:<44} {value:>14}  {goal:<16} {verdict}");
        }
        let _ = writeln!(
            t,
            "samples: append {}, state {}, state --group {}, replay {}, diff {}; state answers {:.0} entries (p50), diffs {:.0} changes (p50), one-year diffs {:.0}",
            self.append_samples,
            self.state_samples,
            self.state_group_samples,
            self.replay_samples,
            self.diff_samples,
            self.state_entries_p50,
            self.diff_changes_p50,
            self.diff_year_changes_p50
        );
        let _ = writeln!(t, "rebuild: {}", self.rebuild_measures);
        let by_table: Vec<String> = self
            .ceiling_all_tables_by_table
            .iter()
            .map(|i| format!("{} {:.2}", i.table, i.seconds))
            .collect();
        let _ = writeln!(
            t,
            "all-tables ceiling, seconds by table: {}, commit {:.2}",
            by_table.join(", "),
            self.ceiling_all_tables_commit_s
        );
        let _ = writeln!(
            t,
            "load average (1 min) before / after: {:.2} / {:.2}",
            self.load_1m_before, self.load_1m_after
        );
        if !self.state_matches_replay {
            let _ = writeln!(
                t,
                "WARNING: state_at disagrees with a full replay (see problems)"
            );
        }
        for p in &self.problems {
            let _ = writeln!(t, "PROBLEM: {p}");
        }
        t
    }
}

fn as_f64(values: &[usize]) -> Vec<f64> {
    values.iter().map(|&v| v as f64).collect()
}

fn ms(value: f64) -> String {
    if value >= 100.0 {
        thousands(value)
    } else {
        format!("{value:.3}")
    }
}

fn pair(a: f64, b: f64) -> String {
    format!("{} / {}", ms(a), ms(b))
}

/// `1234567.8` → `1,234,568`.
pub fn thousands(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(1234567.8), "1,234,568");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(0.0), "0");
    }
}
