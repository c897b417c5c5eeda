//! The synthetic landscape: exactly N events from a seed, written as events files in the
//! real format (a header naming a generated source document, then event lines whose
//! quotes occur in that document). Same N and seed, byte-identical files.

mod landscape;
mod rng;
mod source;

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub use rng::Rng;

use landscape::Landscape;
use source::SourceDoc;

/// How many of each thing a landscape of `events` events holds.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub groups: usize,
    pub orgs: usize,
    pub persons: usize,
    pub instruments: usize,
    pub indicators: usize,
    pub documents: usize,
}

/// Organisations each group draws its members (and co-chairs) from.
const POOL: usize = 60;

impl Shape {
    pub fn of(events: usize) -> Shape {
        Shape {
            groups: (events / 2000).max(5),
            orgs: (events / 200).max(50),
            persons: (events / 500).max(20),
            instruments: (events / 5000).max(5),
            indicators: (events / 1000).max(10),
            documents: 16,
        }
    }

    pub fn group_id(g: usize) -> String {
        format!("org:grp-{g:04}")
    }
}

/// What `generate` wrote.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Written {
    pub events: usize,
    pub files: usize,
    pub bytes: u64,
    pub payload_bytes: u64,
    /// Payload + quote + source sha256: what the peers carry in their ~220-byte payload.
    pub evidence_bytes: u64,
    pub kinds: BTreeMap<String, usize>,
}

/// Writes `events/doc-NN.jsonl` and `events/sources/doc-NN.txt` under `dir`; returns the
/// folder to ingest.
pub fn generate(dir: &Path, events: usize, seed: u64) -> std::io::Result<(PathBuf, Written)> {
    let folder = dir.join("events");
    fs::create_dir_all(folder.join("sources"))?;
    let shape = Shape::of(events);
    let mut rng = Rng::new(seed);
    let documents: Vec<SourceDoc> = (0..shape.documents)
        .map(|i| SourceDoc::new(i, &mut rng))
        .collect();
    for doc in &documents {
        fs::write(folder.join(&doc.file), &doc.text)?;
    }
    let mut landscape = Landscape::new(shape, rng);
    let mut written = Written {
        files: shape.documents,
        ..Written::default()
    };
    let mut out: Option<BufWriter<File>> = None;
    let mut current = usize::MAX;
    let mut lines = Vec::new();
    while written.events < events {
        let doc_index = written.events * shape.documents / events;
        if doc_index != current {
            if let Some(mut w) = out.take() {
                w.flush()?;
            }
            current = doc_index;
            let doc = &documents[doc_index];
            let mut w = BufWriter::with_capacity(
                1 << 16,
                File::create(folder.join(format!("doc-{doc_index:02}.jsonl")))?,
            );
            writeln!(w, "{}", doc.header())?;
            out = Some(w);
        }
        let doc = &documents[current];
        lines.clear();
        landscape.step(doc, &mut lines);
        let w = out.as_mut().expect("a file is open");
        for line in lines.iter().take(events - written.events) {
            let text = line.value.to_string();
            writeln!(w, "{text}")?;
            let payload = line.value["payload"].to_string().len() as u64;
            let quote = line.value["quote"].as_str().map_or(0, str::len) as u64;
            written.events += 1;
            written.bytes += text.len() as u64 + 1;
            written.payload_bytes += payload;
            written.evidence_bytes += payload + quote + 64;
            *written.kinds.entry(line.kind.to_owned()).or_default() += 1;
        }
    }
    if let Some(mut w) = out {
        w.flush()?;
    }
    Ok((folder, written))
}

#[cfg(test)]
mod tests {
    use super::*;
    use policylog::store::{Access, Store};

    fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut all = Vec::new();
        for sub in [dir.join("events"), dir.join("events/sources")] {
            for entry in fs::read_dir(sub).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() {
                    all.push((path.clone(), fs::read(&path).unwrap()));
                }
            }
        }
        all.sort();
        all
    }

    #[test]
    fn same_seed_same_files_and_they_ingest() {
        let root =
            std::env::temp_dir().join(format!("policylog-bench-test-{}", std::process::id()));
        let (a, b) = (root.join("a"), root.join("b"));
        let (folder, written) = generate(&a, 3000, 7).unwrap();
        generate(&b, 3000, 7).unwrap();
        assert_eq!(written.events, 3000);
        let strip = |fs: Vec<(PathBuf, Vec<u8>)>, base: &Path| -> Vec<(PathBuf, Vec<u8>)> {
            fs.into_iter()
                .map(|(p, bytes)| (p.strip_prefix(base).unwrap().to_owned(), bytes))
                .collect()
        };
        assert_eq!(strip(files(&a), &a), strip(files(&b), &b));
        assert!(written.kinds.len() >= 14, "{:?}", written.kinds);

        let mut store = Store::open(&a.join("log.db"), Access::ReadWrite).unwrap();
        let report = policylog::ingest::ingest(&mut store, &[folder], "test".into()).unwrap();
        assert_eq!(report.events_new, 3000);
        assert!(policylog::verify::verify(&store).unwrap().ok());
        drop(store);
        fs::remove_dir_all(&root).unwrap();
    }
}
