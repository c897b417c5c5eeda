//! The harness every reliability test shares: which binary to drive, how hard to push it
//! (`RELIABILITY_SCALE`), a temporary log, a seeded random source, synthetic batches and
//! the figures each test reports.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// The fixture: one short document and 13 events.
pub const FIXTURE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/basic");
/// The fixture document's sha256.
pub const FIXTURE_SHA: &str = "69456aefd12d39e743ce5f18f78a0960f85b7629705cdcfd6098d56cf2cc090a";
/// Events in the fixture.
pub const FIXTURE_EVENTS: i64 = 13;
/// A sentence of the fixture document that appended events quote.
pub const FIXTURE_QUOTE: &str = "Children comprise approximately 35 percent of detected victims.";

/// The binary under test: `POLICYLOG_BIN` (scripts/reliability.sh points it at a release
/// build), else the one cargo built for this test run.
pub fn bin() -> PathBuf {
    match std::env::var_os("POLICYLOG_BIN") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_BIN_EXE_policylog")),
    }
}

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

/// A temporary folder with a log in it.
pub struct Log {
    dir: TempDir,
    db: PathBuf,
}

impl Log {
    pub fn new() -> Log {
        let dir = tempfile::Builder::new()
            .prefix("policylog-reliability-")
            .tempdir()
            .expect("temp dir");
        let db = dir.path().join("policylog.db");
        Log { dir, db }
    }

    /// A log holding the fixture's 13 events.
    pub fn with_fixture() -> Log {
        let log = Log::new();
        log.ok(&["ingest", FIXTURE_DIR]);
        log
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn db(&self) -> &Path {
        &self.db
    }

    /// The binary with `--db` this log, run in the log's folder.
    pub fn cmd(&self, args: &[&str]) -> Command {
        command_for(&self.db, self.dir.path(), args)
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run policylog")
    }

    /// Runs a command that must succeed; returns its standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_success(&out, args);
        String::from_utf8(out.stdout).expect("stdout is UTF-8")
    }

    pub fn head(&self) -> Head {
        head_of(&self.db)
    }

    /// Runs `verify --json`: the exit code and the report (Null when none was printed).
    pub fn verify(&self) -> (i32, Value) {
        verify_db(&self.db)
    }
}

/// The binary with `--db db`, run in `dir`, with a fixed recorder name.
pub fn command_for(db: &Path, dir: &Path, args: &[&str]) -> Command {
    command_with(&bin(), db, dir, args)
}

/// The same command, run from the given copy of the binary.
pub fn command_with(bin: &Path, db: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(bin);
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .current_dir(dir)
        .env("POLICYLOG_USER", "reliability")
        .env_remove("POLICYLOG_DB")
        .stdin(Stdio::null());
    cmd
}

pub fn assert_success(out: &Output, args: &[&str]) {
    assert!(
        out.status.success(),
        "policylog {args:?} failed ({:?})\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

pub fn head_of(db: &Path) -> Head {
    let out = command_for(db, db.parent().expect("folder"), &["head", "--json"])
        .output()
        .expect("run head");
    assert_success(&out, &["head", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("head --json is JSON");
    Head {
        seq: v["seq"].as_i64().expect("seq"),
        hash: v["hash"].as_str().expect("hash").to_owned(),
    }
}

pub fn verify_db(db: &Path) -> (i32, Value) {
    let out = command_for(db, db.parent().expect("folder"), &["verify", "--json"])
        .output()
        .expect("run verify");
    let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), report)
}

/// Asserts that `verify` passes and returns its report.
pub fn assert_verifies(db: &Path) -> Value {
    let (code, report) = verify_db(db);
    assert_eq!(code, 0, "verify failed on {}: {report:#}", db.display());
    report
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The sha256 of a file's bytes (to show that a refused command changed nothing).
pub fn file_hash(path: &Path) -> String {
    sha256_hex(&std::fs::read(path).expect("read file"))
}

/// The synthetic document the batches quote from.
pub const SYNTHETIC_TEXT: &str = "Synthetic register of the coordination group.\n\
The organisations listed in the annex registered with the Group.\n\
Each listed organisation joined the Group during the reporting year.\n\
Each listed indicator was reported for the reporting year.\n";

/// Writes `folder/batch.jsonl` (header + `n` events) and its document. Events cycle
/// through entity.registered (`org:<prefix>o<k>`), membership.joined (that org joins
/// `org:icat`, so the fixture must be in the log) and statistic.reported, with ids
/// `<prefix>-<i>`. With `recorded_at`, every line carries a fixed stamp, so the chain
/// (and the head hash) after ingesting it is the same on every run.
pub fn write_batch(folder: &Path, prefix: &str, n: usize, recorded_at: Option<&str>) -> PathBuf {
    std::fs::create_dir_all(folder.join("sources")).expect("batch folder");
    let doc = folder.join("sources/synthetic.txt");
    std::fs::write(&doc, SYNTHETIC_TEXT).expect("write document");
    let path = folder.join("batch.jsonl");
    let file = std::fs::File::create(&path).expect("create batch");
    let mut out = std::io::BufWriter::new(file);
    let header = json!({"document": {
        "file": "sources/synthetic.txt",
        "sha256": sha256_hex(SYNTHETIC_TEXT.as_bytes()),
        "title": "Synthetic register",
        "publisher": "Reliability tests",
        "published": "2024",
    }});
    writeln!(out, "{header}").expect("write");
    for i in 0..n {
        let k = i / 3;
        let mut event = match i % 3 {
            0 => json!({
                "kind": "entity.registered",
                "payload": {"id": format!("org:{prefix}o{k}"), "type": "org", "name": format!("Organisation {k}")},
                "quote": "The organisations listed in the annex registered with the Group.",
            }),
            1 => json!({
                "kind": "membership.joined",
                "payload": {"member": format!("org:{prefix}o{k}"), "group": "org:icat"},
                "quote": "Each listed organisation joined the Group during the reporting year.",
            }),
            _ => json!({
                "kind": "statistic.reported",
                "payload": {"indicator": format!("indicator:{prefix}i{k}"), "label": format!("Indicator {k}"),
                            "value": k, "unit": "count", "period": "2024"},
                "quote": "Each listed indicator was reported for the reporting year.",
            }),
        };
        event["id"] = json!(format!("{prefix}-{i}"));
        event["valid"] = json!("2024");
        if let Some(at) = recorded_at {
            event["recorded_at"] = json!(at);
            event["recorded_by"] = json!("synthetic");
        }
        writeln!(out, "{event}").expect("write");
    }
    out.flush().expect("flush");
    path
}

/// An event line for `append`: a statistic quoting the fixture document.
pub fn append_line(id: &str) -> String {
    json!({
        "id": id,
        "kind": "statistic.reported",
        "valid": "2024",
        "payload": {"indicator": format!("indicator:{id}"), "label": "Appended", "value": 1,
                    "unit": "count", "period": "2024"},
        "source": FIXTURE_SHA,
        "quote": FIXTURE_QUOTE,
    })
    .to_string()
}

/// Every event of a log as JSON, through `log --format jsonl`.
pub fn events_of(log: &Log) -> Vec<Value> {
    log.ok(&["log", "--format", "jsonl"])
        .lines()
        .map(|l| serde_json::from_str(l).expect("log line is JSON"))
        .collect()
}
