//! The fixture (`tests/fixtures/basic`: one short document and 13 events), a second
//! document to add beside it, and the event lines tests write or append.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{Test, sha256_hex};

/// The fixture every test can ingest: one short document and 13 events, canonical form.
pub const FIXTURE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/basic");
/// Its events file.
pub const FIXTURE_EVENTS: &str = "2023-07-18-icat-note.jsonl";
/// The sha256 of its document, `sources/icat-note.txt`.
pub const FIXTURE_SHA: &str = "69456aefd12d39e743ce5f18f78a0960f85b7629705cdcfd6098d56cf2cc090a";
/// The 12-character prefix the tables print.
pub const FIXTURE_PREFIX: &str = "69456aefd12d";
/// Ids of the fixture's events, in log order.
pub const FIXTURE_IDS: [&str; 13] = [
    "reg-icat",
    "reg-cbss",
    "reg-iom",
    "reg-osrsg-vac",
    "reg-unodc",
    "reg-directive",
    "cbss-joins",
    "cochair-iom-2023",
    "cochair-osrsg-vac-2023",
    "coordinator-unodc",
    "icat-priorities",
    "directive-under-revision",
    "children-share",
];

/// A sentence of the fixture document, quotable by events appended to the fixture.
pub const FIXTURE_CBSS_SENTENCE: &str = "The Council of the Baltic Sea States (CBSS) joined the Inter-Agency Coordination Group against Trafficking in Persons (ICAT) in April 2020.";
/// Another: the priority areas.
pub const FIXTURE_PRIORITIES_SENTENCE: &str =
    "ICAT recommends six priority areas: building the evidence base; addressing the core drivers.";
/// Another: the statistic.
pub const FIXTURE_STATISTIC_SENTENCE: &str =
    "Children comprise approximately 35 percent of detected victims.";

/// A document to write next to an events file.
pub struct Doc {
    /// Path relative to the events file, e.g. `sources/ilo-note.txt`.
    pub file: &'static str,
    pub text: &'static str,
    pub title: &'static str,
    pub publisher: &'static str,
    pub published: &'static str,
}

impl Doc {
    pub fn sha256(&self) -> String {
        sha256_hex(self.text.as_bytes())
    }

    /// The correct header line for this document.
    pub fn header(&self) -> String {
        self.header_with(self.file, &self.sha256())
    }

    /// A header naming `file` and `sha256` instead of the right ones.
    pub fn header_with(&self, file: &str, sha256: &str) -> String {
        json!({"document": {
            "file": file,
            "sha256": sha256,
            "title": self.title,
            "publisher": self.publisher,
            "published": self.published,
        }})
        .to_string()
    }
}

/// A second document, not in the fixture: its events refer to the fixture's `org:icat`.
pub const ILO_NOTE: Doc = Doc {
    file: "sources/ilo-note.txt",
    text: "ICAT note on the ILO\n\n\
           The International Labour Organization (ILO) joined ICAT in March 2024.\n\
           The ILO calls for ten actions against forced labour.\n",
    title: "ILO note for tests",
    publisher: "ILO",
    published: "2024-03",
};

/// The events file of `ILO_NOTE`.
pub const ILO_EVENTS: &str = "2024-03-ilo-note.jsonl";

/// A good line for `ILO_NOTE`: registers `org:ilo`.
pub fn reg_ilo() -> String {
    event(
        "reg-ilo",
        "entity.registered",
        "2024-03",
        json!({"id": "org:ilo", "type": "org", "name": "International Labour Organization", "acronym": "ILO"}),
        "The International Labour Organization (ILO)",
    )
}

/// A good line for `ILO_NOTE`: `org:ilo` joins `org:icat` (registered by the fixture).
pub fn ilo_joins() -> String {
    event(
        "ilo-joins",
        "membership.joined",
        "2024-03",
        json!({"member": "org:ilo", "group": "org:icat"}),
        "The International Labour Organization (ILO) joined ICAT in March 2024.",
    )
}

/// An event line without `source` (files imply it through their header).
pub fn event(id: &str, kind: &str, valid: &str, payload: Value, quote: &str) -> String {
    json!({"id": id, "kind": kind, "valid": valid, "payload": payload, "quote": quote}).to_string()
}

/// A good line for `append` on the fixture: `org:iom` joins `org:icat` in 2020.
pub fn iom_joins() -> String {
    sourced(
        "iom-joins",
        "membership.joined",
        "2020",
        json!({"member": "org:iom", "group": "org:icat"}),
        "International Organization for Migration (IOM)",
    )
}

/// A good line for `append` on the fixture, one per `id`: a statistic of its own.
pub fn append_line(id: &str) -> String {
    sourced(
        id,
        "statistic.reported",
        "2024",
        json!({"indicator": format!("indicator:{id}"), "label": "Appended", "value": 1,
               "unit": "count", "period": "2024"}),
        FIXTURE_STATISTIC_SENTENCE,
    )
}

/// An event line with a `source` (what `append` takes).
pub fn sourced(id: &str, kind: &str, valid: &str, payload: Value, quote: &str) -> String {
    json!({
        "id": id, "kind": kind, "valid": valid, "payload": payload,
        "source": FIXTURE_SHA, "quote": quote,
    })
    .to_string()
}

impl Test {
    /// Writes an events folder `folder` holding `doc`'s text under `sources/` and an events
    /// file `events_file` whose first line is a correct header for it, followed by `lines`.
    /// Returns the events file's path.
    pub fn write_events(
        &self,
        folder: &str,
        events_file: &str,
        doc: &Doc,
        lines: &[String],
    ) -> PathBuf {
        self.write(Path::new(folder).join(doc.file), doc.text);
        self.write_lines(folder, events_file, &doc.header(), lines)
    }

    /// Writes `first` and `lines` as the events file `folder/events_file`.
    pub fn write_lines(
        &self,
        folder: &str,
        events_file: &str,
        first: &str,
        lines: &[String],
    ) -> PathBuf {
        let mut text = format!("{first}\n");
        for line in lines {
            text.push_str(line);
            text.push('\n');
        }
        self.write(Path::new(folder).join(events_file), text)
    }
}
