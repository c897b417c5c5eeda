//! What a run is measured against: the targets of issue 22, each with its value and
//! whether it is met. A missed target is reported, never a failure of the run.

use serde::Serialize;

use super::Figures;

/// One target of the issue, with the measured value.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub figure: &'static str,
    pub goal: &'static str,
    pub value: f64,
    pub met: bool,
}

pub(super) fn targets(f: &Figures) -> Vec<Target> {
    let t = |figure, goal, value: f64, met: bool| Target {
        figure,
        goal,
        value,
        met: value.is_finite() && met,
    };
    // Issue 22: the index of each is the table's reference to it (`Some(i)` above).
    vec![
        t(
            "ingest_ceiling_all_tables_ratio",
            ">= 0.80",
            f.ingest_ceiling_all_tables_ratio,
            f.ingest_ceiling_all_tables_ratio >= 0.8,
        ),
        t(
            "append_p50_ms",
            "< 1 ms",
            f.append_p50_ms,
            f.append_p50_ms < 1.0,
        ),
        t(
            "state_group_p50_ms",
            "< 5 ms",
            f.state_group_p50_ms,
            f.state_group_p50_ms < 5.0,
        ),
        t(
            "state_ceiling_ratio",
            "<= 2x",
            f.state_ceiling_ratio,
            f.state_ceiling_ratio <= 2.0,
        ),
        t(
            "diff_ceiling_ratio",
            "<= 2x",
            f.diff_ceiling_ratio,
            f.diff_ceiling_ratio <= 2.0,
        ),
        t(
            "verify_events_per_s",
            ">= 300,000/s",
            f.verify_events_per_s,
            f.verify_events_per_s >= 300_000.0,
        ),
        t(
            "peak_rss_ingest_mb",
            "< 300 MB",
            f.peak_rss_ingest_mb,
            f.peak_rss_ingest_mb < 300.0,
        ),
        // Without the log's file pages, which SQLite's reads map or cache and the kernel
        // shares and drops (decision 0005): the heap an answer takes.
        t(
            "query_rss_anon_mb",
            "< 300 MB",
            f.query_rss_anon_mb,
            f.query_rss_anon_mb < 300.0,
        ),
        t(
            "ingest_events_per_s",
            ">= 60,000/s",
            f.ingest_events_per_s,
            f.ingest_events_per_s >= 60_000.0,
        ),
        t(
            "bytes_per_event",
            "<= 800",
            f.bytes_per_event,
            f.bytes_per_event <= 800.0,
        ),
    ]
}
