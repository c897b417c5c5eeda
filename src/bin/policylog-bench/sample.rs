//! Latency samples and their percentiles, the sampling loop, and the process's peak RSS.

use std::time::{Duration, Instant};

/// Runs `f` at least `min` and at most `max` times, stopping after `budget` once `min`
/// runs are done; returns each run's duration in milliseconds.
pub fn sample<E>(
    min: usize,
    max: usize,
    budget: Duration,
    mut f: impl FnMut(usize) -> Result<Duration, E>,
) -> Result<Vec<f64>, E> {
    let started = Instant::now();
    let mut ms = Vec::with_capacity(max);
    for i in 0..max {
        if i >= min && started.elapsed() > budget {
            break;
        }
        ms.push(f(i)?.as_secs_f64() * 1e3);
    }
    Ok(ms)
}

/// Times one call.
pub fn timed<T, E>(f: impl FnOnce() -> Result<T, E>) -> Result<(T, Duration), E> {
    let started = Instant::now();
    let value = f()?;
    Ok((value, started.elapsed()))
}

/// The `q`-th quantile (nearest rank) of `ms`; NaN when there are none.
pub fn percentile(ms: &[f64], q: f64) -> f64 {
    if ms.is_empty() {
        return f64::NAN;
    }
    let mut sorted = ms.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Peak resident set size of this process so far (VmHWM), in MB.
pub fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let ms: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&ms, 0.5), 50.0);
        assert_eq!(percentile(&ms, 0.99), 99.0);
        assert_eq!(percentile(&[3.0], 0.99), 3.0);
        assert!(percentile(&[], 0.5).is_nan());
    }
}
