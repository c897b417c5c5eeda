//! The checks that make a run's figures meaningless when they fail (a count that does
//! not add up, an answer that differs from its ceiling's): any one makes the run exit 1.

use super::Phases;

/// Checks that make a figure meaningless when they fail.
pub(super) fn problems(events: usize, p: &Phases) -> Vec<String> {
    let mut found = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            found.push(what);
        }
    };
    check(
        p.written.events == events,
        format!(
            "the generator wrote {} events, not {events}",
            p.written.events
        ),
    );
    check(
        p.ingest.events == events,
        format!("ingest appended {} events, not {events}", p.ingest.events),
    );
    check(
        p.ceiling.rows == events,
        format!("the ceiling inserted {} rows, not {events}", p.ceiling.rows),
    );
    check(
        p.ceiling_all_tables.events >= events && p.ceiling_all_tables.rows > events,
        format!(
            "the all-tables ceiling inserted {} rows, {} of them events, for {events} events",
            p.ceiling_all_tables.rows, p.ceiling_all_tables.events
        ),
    );
    for (name, seconds) in [
        ("ingest", p.ingest.seconds),
        ("ceiling", p.ceiling.seconds),
        ("all-tables ceiling", p.ceiling_all_tables.seconds),
        ("verify", p.verify.seconds),
        ("rebuild", p.rebuild.seconds),
    ] {
        check(
            seconds.is_finite() && seconds > 0.0,
            format!("{name} took {seconds} s"),
        );
    }
    check(
        p.verify.ok,
        format!("verify failed: {}", p.verify.findings.join("; ")),
    );
    check(
        p.verify.events == events as i64,
        format!("verify read {} events, not {events}", p.verify.events),
    );
    check(
        p.rebuild.events == events as i64,
        format!("rebuild replayed {} events, not {events}", p.rebuild.events),
    );
    check(
        p.query.last_day_entries > 0,
        "the whole landscape on 2025-12-31 is empty".into(),
    );
    let nonempty = p.query.state_entries.iter().filter(|&&e| e > 0).count();
    check(
        nonempty * 2 >= p.query.state_entries.len(),
        format!(
            "only {nonempty} of {} whole-landscape states are non-empty",
            p.query.state_entries.len()
        ),
    );
    check(
        p.query.group_entries.iter().any(|&e| e > 0),
        "every `state --group` answer is empty".into(),
    );
    check(
        p.query.diff_changes.iter().any(|&c| c > 0),
        "every diff is empty".into(),
    );
    check(
        p.replay.mismatches.is_empty(),
        format!(
            "state_at disagrees with a full replay on {} of {} questions: {}",
            p.replay.mismatches.len(),
            p.replay.compared,
            p.replay.mismatches.join(", ")
        ),
    );
    check(
        p.answers.mismatches.is_empty(),
        format!(
            "a per-answer SQL ceiling disagrees with policylog on {} of {} answers (the first: {})",
            p.answers.mismatches.len(),
            p.answers.compared,
            p.answers.mismatches[..p.answers.mismatches.len().min(3)].join("; ")
        ),
    );
    check(
        p.answers.state_ceiling_rows.iter().any(|&r| r > 0),
        "every whole-landscape SQL ceiling answer is empty".into(),
    );
    check(
        p.append.new == p.append.ms.len() && !p.append.ms.is_empty(),
        format!(
            "{} of {} appends were new events",
            p.append.new,
            p.append.ms.len()
        ),
    );
    for (name, ms) in [
        ("append", &p.append.ms),
        ("state", &p.query.state_ms),
        ("state --group", &p.query.group_ms),
        ("diff", &p.query.diff_ms),
        ("replay", &p.replay.state_ms),
        ("state (per answer)", &p.answers.state_ms),
        ("state SQL ceiling", &p.answers.state_ceiling_ms),
        ("diff (per answer)", &p.answers.diff_ms),
        ("diff SQL ceiling", &p.answers.diff_ceiling_ms),
    ] {
        check(
            !ms.is_empty() && ms.iter().all(|m| m.is_finite() && *m > 0.0),
            format!("{name}: no sane latency samples"),
        );
    }
    found
}
