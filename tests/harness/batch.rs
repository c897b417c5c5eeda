//! Synthetic batches: an events file of any length, with its document, for the tests
//! that need many events (crash, concurrency, tamper, a full disk).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::sha256_hex;

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
