//! `policylog add --measure`: drafts every document of an events folder with that
//! document's own events left out (the entities known are those the other files
//! register or declare), and compares the proposals with the document's curated events
//! (`extract::measure`), so that recall and precision are tracked.

use serde_json::json;

use super::folder::Folder;
use crate::extract::measure::{self, Curated, Figures, Key};
use crate::extract::{self, Input};

/// One document's figures.
#[derive(serde::Serialize)]
pub struct Row {
    pub events_file: String,
    #[serde(flatten)]
    pub figures: Figures,
    pub recall: f64,
    pub precision: f64,
    /// Proposals whose line the tool's own check refuses (should be none).
    pub refused: Vec<String>,
}

/// The figures of every document of the folder.
pub fn rows(folder: &Folder) -> Vec<Row> {
    let mut out = Vec::new();
    for (i, file) in folder.files.iter().enumerate() {
        let Some(doc) = &file.document else { continue };
        let known = folder.known(Some(i));
        let ids = folder.ids(Some(i));
        let taken = |id: &str| ids.contains(id);
        let proposals = extract::propose(&Input {
            text: &doc.text,
            published: &doc.published,
            known: &known,
            taken: &taken,
        });
        let curated: Vec<Curated> = file
            .lines
            .iter()
            .filter(|l| !matches!(l.kind.as_str(), "event.retracted" | "event.corrected"))
            .map(|l| Curated {
                id: l.id.clone().unwrap_or_default(),
                key: Key::of(&l.kind, &l.valid, &l.payload),
            })
            .collect();
        let keyed: Vec<(String, Key, u32)> = proposals
            .iter()
            .map(|p| {
                (
                    p.id.clone(),
                    Key::of(p.kind, &p.valid, &p.payload),
                    p.version(),
                )
            })
            .collect();
        let figures = measure::compare(&keyed, &curated);
        let refused = proposals
            .iter()
            .filter_map(|p| p.check(&doc.text).err().map(|e| format!("{}: {e}", p.id)))
            .collect();
        out.push(Row {
            events_file: doc.events_file.clone(),
            recall: figures.recall(),
            precision: figures.precision(),
            figures,
            refused,
        });
    }
    out
}

/// The report as text: one line per document, then what each missed and got wrong.
pub fn text(rows: &[Row]) -> String {
    let mut t = format!(
        "{:<50} {:>7} {:>8} {:>5} {:>7} {:>6} {:>9}\n",
        "document", "curated", "proposed", "found", "correct", "recall", "precision"
    );
    for r in rows {
        let f = &r.figures;
        t.push_str(&format!(
            "{:<50} {:>7} {:>8} {:>5} {:>7} {:>5.0}% {:>8.0}%\n",
            r.events_file,
            f.curated,
            f.proposed,
            f.found,
            f.correct,
            r.recall * 100.0,
            r.precision * 100.0
        ));
    }
    for r in rows {
        let f = &r.figures;
        t.push_str(&format!(
            "\n{}\n  registrations: {} of {} found\n  missed: {}\n  wrong: {}\n",
            r.events_file,
            f.found_registrations,
            f.curated_registrations,
            list(&f.missed),
            list(&f.wrong)
        ));
        if !f.matched_v2.is_empty() {
            t.push_str(&format!(
                "  matched, with a v2 field the curated v1 event lacks: {}\n",
                list(&f.matched_v2)
            ));
        }
        if !r.refused.is_empty() {
            t.push_str(&format!(
                "  refused by the tool's check: {}\n",
                list(&r.refused)
            ));
        }
    }
    t
}

pub fn json(rows: &[Row]) -> serde_json::Value {
    json!({ "documents": rows })
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}
