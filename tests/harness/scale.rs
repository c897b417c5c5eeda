//! How hard the reliability tests push (`RELIABILITY_SCALE`), the figures they report
//! (`RELIABILITY_FIGURES`), and their seeded random source (`RELIABILITY_SEED`).

use std::io::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

/// `RELIABILITY_SCALE=full` runs the sizes the issue asks for (CI, through
/// scripts/reliability.sh); anything else runs a quick version for `cargo test`.
pub fn full() -> bool {
    std::env::var("RELIABILITY_SCALE").is_ok_and(|s| s == "full")
}

/// `quick` under `cargo test`, `full` under scripts/reliability.sh.
pub fn scaled(quick: usize, full_size: usize) -> usize {
    if full() { full_size } else { quick }
}

/// Prints a figure line (seen with `--nocapture`) and appends it to the file named by
/// `RELIABILITY_FIGURES`, which scripts/reliability.sh prints at the end.
pub fn figure(text: &str) {
    // Messages may echo hostile input: never print its control characters raw.
    let text: String = text
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    eprintln!("reliability: {text}");
    if let Some(path) = std::env::var_os("RELIABILITY_FIGURES") {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .expect("figures file");
        writeln!(file, "{text}").expect("figures file");
    }
}

/// Whether this process runs as root (mounting file systems, dropping to `nobody`).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A small deterministic random source (splitmix64). The seed comes from
/// `RELIABILITY_SEED` or the clock and is printed, so a failure can be replayed.
pub struct Rng(u64);

impl Rng {
    pub fn new(test: &str) -> Rng {
        let seed = std::env::var("RELIABILITY_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .expect("clock")
                    .as_nanos() as u64
            });
        eprintln!("reliability: {test}: RELIABILITY_SEED={seed}");
        Rng(seed)
    }

    /// A generator for a worker, seeded from its parent.
    pub fn seeded(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
