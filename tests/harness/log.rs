//! A log file read through the binary, wherever it lies (a test's own, a copy, one on a
//! mounted file system): its head, and `verify`'s report on it.

use std::path::Path;

use serde_json::Value;

use super::Cmd;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

/// The binary on the log `db`, run in its folder.
fn on(db: &Path) -> Cmd {
    Cmd::new(db.parent().expect("a log lies in a folder"), Some(db))
}

/// `head --json` of the log `db`.
pub fn head_of(db: &Path) -> Head {
    let v = on(db).args(["head", "--json"]).success().json();
    Head {
        seq: v["seq"].as_i64().expect("seq"),
        hash: v["hash"].as_str().expect("hash").to_owned(),
    }
}

/// Runs `verify --json`: the exit code and the report (Null when none was printed).
pub fn verify_db(db: &Path) -> (i32, Value) {
    let (code, out) = on(db).args(["verify", "--json"]).finish();
    let report = serde_json::from_str(&out.stdout).unwrap_or(Value::Null);
    (code.unwrap_or(-1), report)
}

/// Asserts that `verify` passes and returns its report.
pub fn assert_verifies(db: &Path) -> Value {
    let (code, report) = verify_db(db);
    assert_eq!(code, 0, "verify failed on {}: {report:#}", db.display());
    report
}
