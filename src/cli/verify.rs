use std::path::Path;

use crate::error::{Error, Result};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Also require the head anchor (the last field of `policylog head`, covering the
    /// events and the documents) to be this, or to start with it (at least 12 digits): kept
    /// elsewhere, since truncating the tail of a chain cannot be seen from inside. The
    /// head's event hash is accepted too, and then checks the events only.
    #[arg(long, value_name = "HASH")]
    expect_head: Option<String>,
    /// Also replay the log and compare it byte for byte with the snapshots in this folder.
    #[arg(long, value_name = "DIR")]
    snapshots: Option<std::path::PathBuf>,
    /// Also derive the query tables again from the events, in a scratch copy of the log
    /// in the system's temporary folder, and compare them with the log's: finds tampering
    /// with (or damage to) the tables `state`, `diff` and `history` read; and run SQLite's
    /// full integrity check (every index entry against its row, each R*Tree against
    /// itself; plain verify checks every page). Takes about as long as `policylog rebuild` and as much temporary space as
    /// the log.
    #[arg(long)]
    derived: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(db: &Path, args: Args, verbosity: super::Verbosity) -> Result<()> {
    let store = super::open_read(db)?;
    let mut report = crate::verify::verify(&store)?;
    // The anchor covers the documents too; a bare event hash (as kept before anchors)
    // still checks the events.
    let mut events_only = false;
    if let Some(expected) = &args.expect_head {
        let is = |hash: &str| expected.len() >= 12 && hash.starts_with(expected.as_str());
        if is(&report.head_hash) {
            events_only = true;
        } else if !is(&report.anchor) {
            report.findings.push(crate::verify::Finding {
                check: "head",
                subject: format!("seq {}", report.head_seq),
                problem: format!(
                    "the head is {} with anchor {}, expected {expected}: events were added or \
                     removed at the tail, or a document was changed, added or removed",
                    report.head_hash, report.anchor
                ),
            });
        }
    }
    let mut snapshots_checked = None;
    if let Some(dir) = &args.snapshots {
        let (count, mismatches) = crate::snapshot::check(&store, dir)?;
        snapshots_checked = Some(count);
        for m in mismatches {
            report.findings.push(crate::verify::Finding {
                check: "snapshots",
                subject: m.file.display().to_string(),
                problem: m.problem,
            });
        }
    }
    let mut derived_checked = None;
    if args.derived {
        // As long as a rebuild: a spinner on a terminal, so the wait is not taken for a hang.
        let progress = super::progress::Progress::new(
            None,
            "deriving the query tables again from the events",
            verbosity,
        );
        crate::verify::check_integrity_in_full(&store, &mut report)?;
        let differing = store.derived_tables_differing_from_events(&std::env::temp_dir())?;
        progress.finish();
        derived_checked = Some(crate::store::DERIVED_TABLES);
        for table in differing {
            report.findings.push(crate::verify::Finding {
                check: "derived",
                subject: table.to_owned(),
                problem: "differs from what the events give when derived again; \
                          `policylog rebuild` derives it from the events"
                    .to_owned(),
            });
        }
    }
    let text = if args.json {
        format!(
            "{}\n",
            serde_json::to_string_pretty(&report).expect("serialises")
        )
    } else {
        let mut t = format!(
            "checked {} events: hash chain from seq 1 to {} (head {})\n\
             checked {} quotes against their documents, {} references, {} documents, {} immutability triggers\n",
            report.events,
            report.head_seq,
            report.head_hash,
            report.quotes,
            report.references,
            report.documents,
            report.triggers
        );
        if let Some(count) = snapshots_checked {
            t.push_str(&format!(
                "replayed and compared {count} snapshot(s) byte for byte\n"
            ));
        }
        if let Some(count) = derived_checked {
            t.push_str(&format!(
                "derived the {count} query tables again from the events and compared them\n"
            ));
        }
        for f in &report.findings {
            t.push_str(&format!("FAIL {}: {}: {}\n", f.check, f.subject, f.problem));
        }
        if events_only {
            t.push_str(&format!(
                "note: --expect-head was the events' head hash, which does not cover the \
                 documents; keep the anchor instead: {}\n",
                report.anchor
            ));
        }
        if report.ok() {
            t.push_str("ok: the log is intact\n");
        }
        t
    };
    super::out(&text)?;
    if report.ok() {
        Ok(())
    } else {
        let first = &report.findings[0];
        Err(Error::VerifyFailed(format!(
            "{} finding(s); first: {} {}: {}",
            report.findings.len(),
            first.check,
            first.subject,
            first.problem
        )))
    }
}
