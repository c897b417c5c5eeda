//! `add`: a new document into an events folder — its text copied byte for byte into
//! `sources/`, and a new events file with its header and the events the extractor
//! (`crate::extract`) proposes, for a maintainer to review before `ingest`.

mod folder;
mod measure;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use folder::Folder;

use super::Verbosity;
use crate::date::ValidTime;
use crate::document::{Header, HeaderDocument};
use crate::entity::Sha256;
use crate::error::{Error, Location, Problem, Result};
use crate::extract::{self, Input, KnownEntity};

pub(super) const LONG_ABOUT: &str = "\
Adds a document: copies FILE byte for byte into DIR/sources/, and writes a new events file
DIR/<published>-<title>.jsonl whose header names the document, followed by the events the
extractor proposes. Each proposal is a complete event line quoting the sentence that
supports it, dated as the text dates it; what the extractor is unsure of it leaves out.
Review the file, check it with `policylog ingest --dry-run DIR` (every problem at once,
nothing written), then `policylog ingest DIR`.

The entities the extractor knows are those of the log (--db, read only; never created)
and of DIR's events files. `add` refuses a text already in the log or in DIR, and never
overwrites a file. Lines that use vocabulary 2 (`attested`, `decided`, ...) carry
\"version\":2; docs/adding-documents.md says more.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document's text (UTF-8).
    #[arg(required_unless_present = "measure")]
    file: Option<PathBuf>,
    /// The document's title.
    #[arg(long, required_unless_present = "measure")]
    title: Option<String>,
    /// The date the document speaks from, EDTF: 2024-06-13, 2020-12, 2023.
    #[arg(long, required_unless_present = "measure")]
    published: Option<String>,
    /// Who published it: an entity id the log or DIR knows (`policylog entities`).
    #[arg(long)]
    publisher: Option<String>,
    /// Where a reader finds the text.
    #[arg(long)]
    url: Option<String>,
    /// The events folder.
    #[arg(long, value_name = "DIR", default_value = "events")]
    events: PathBuf,
    /// Print the events file instead of writing anything.
    #[arg(long)]
    dry_run: bool,
    /// Who records the events (default: POLICYLOG_USER, USER).
    #[arg(long)]
    recorded_by: Option<String>,
    /// Draft every document of DIR with its own events left out and print recall and
    /// precision against them.
    #[arg(long, hide = true, conflicts_with_all = ["file", "title", "published", "publisher", "url", "dry_run"])]
    measure: bool,
    /// With --measure: `table` or `json`.
    #[arg(long, hide = true, value_enum, default_value = "table")]
    format: MeasureFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum MeasureFormat {
    Table,
    Json,
}

/// What the user asked for, checked.
struct Request {
    file: PathBuf,
    title: String,
    published: String,
    publisher: Option<String>,
    url: Option<String>,
    recorded_by: String,
}

pub fn run(db: &Path, args: Args, verbosity: Verbosity) -> Result<()> {
    if args.measure {
        let rows = measure::rows(&Folder::read(&args.events)?);
        return match args.format {
            MeasureFormat::Table => super::out(&measure::text(&rows)),
            MeasureFormat::Json => super::out_json(&measure::json(&rows)),
        };
    }
    let request = Request::of(&args)?;
    if args.events.exists() && !args.events.is_dir() {
        return Err(Error::Usage(format!(
            "--events {} is not a folder; give the events folder (default `events`)",
            args.events.display()
        )));
    }
    let text = read_text(&request.file)?;
    let sha = Sha256::of(text.as_bytes());
    let folder = Folder::read(&args.events)?;
    // The log is only read, and only if it exists: `add` never creates it.
    let log = if db.exists() {
        Some(super::open_read(db)?)
    } else {
        None
    };
    let recorded_in = |file: String| {
        Error::input(
            Location::File(request.file.clone()),
            Problem::DocumentRecorded {
                file,
                sha256: sha.short().to_owned(),
            },
        )
    };
    if let Some(store) = &log
        && let Some(doc) = store.document(sha.as_str())?
    {
        return Err(recorded_in(format!(
            "{} (in the log {})",
            doc.events_file,
            db.display()
        )));
    }
    // A text already put in DIR/sources/ (README's first step) is used where it is;
    // one that an events file names, or another copy, is recorded already.
    let in_place = match folder.holding(&sha)? {
        Some(path) if same_file(&path, &request.file) && !folder.names_document(&sha) => true,
        Some(path) => return Err(recorded_in(path.display().to_string())),
        None => false,
    };
    let known = known_entities(log.as_ref(), &folder)?;
    let publisher = match &request.publisher {
        Some(id) => Some(publisher_name(id, &known)?),
        None => None,
    };
    let folder_ids = folder.ids(None);
    let taken = |id: &str| {
        folder_ids.contains(id)
            || log
                .as_ref()
                .is_some_and(|s| s.event(id).ok().flatten().is_some())
    };
    let proposals = extract::propose(&Input {
        text: &text,
        published: &request.published,
        known: &known,
        taken: &taken,
    });

    let source_name = request
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            Error::Usage(format!(
                "{}: give the path of a file",
                request.file.display()
            ))
        })?;
    let source = if in_place {
        request.file.clone()
    } else {
        args.events.join("sources").join(&source_name)
    };
    let events_file = args.events.join(format!(
        "{}-{}.jsonl",
        request.published.replace("..", "").replace('/', "_"),
        title_slug(&request.title)
    ));
    for path in [&source, &events_file] {
        if path.exists() && !(in_place && path == &source) {
            return Err(overwrite(path));
        }
    }
    let last = [
        log.as_ref()
            .and_then(|s| s.head().ok())
            .and_then(|h| h.recorded_at),
        folder.latest_recorded_at(),
    ]
    .into_iter()
    .flatten()
    .max_by_key(|t| crate::clock::parse(t).ok());
    let recorded_at = crate::clock::stamp_after(last.as_deref());
    let header = Header {
        document: HeaderDocument {
            file: format!("sources/{source_name}"),
            sha256: sha.clone(),
            title: request.title.clone(),
            publisher,
            published: request.published.clone(),
            url: request.url.clone(),
        },
    };
    let mut contents = serde_json::to_string(&header).expect("a header serialises");
    contents.push('\n');
    for p in &proposals {
        contents.push_str(&p.line(&recorded_at, &request.recorded_by));
        contents.push('\n');
    }
    if args.dry_run {
        return super::out(&contents);
    }
    if !in_place {
        write_new(&source, text.as_bytes())?;
    }
    if let Err(e) = write_new(&events_file, contents.as_bytes()) {
        // Nothing is left half written: the source copied a moment ago goes again.
        if !in_place {
            let _ = std::fs::remove_file(&source);
        }
        return Err(e);
    }
    let mut report = format!(
        "{}\n  source {}\n  {} proposed event(s):\n",
        events_file.display(),
        source.display(),
        proposals.len()
    );
    for p in &proposals {
        report.push_str(&format!("  {}\n", p.summary()));
    }
    super::out(&report)?;
    super::info(
        verbosity,
        &format!(
            "review the file (every line quotes its sentence), check it with `policylog ingest --dry-run {0}`, then `policylog ingest {0}`\n",
            args.events.display()
        ),
    )
}

impl Request {
    fn of(args: &Args) -> Result<Request> {
        let file = args.file.clone().expect("clap requires FILE");
        let title = args.title.clone().expect("clap requires --title");
        let published = args.published.clone().expect("clap requires --published");
        let argument = |what: &'static str, problem: Problem| {
            Error::input(Location::Argument { what, event: None }, problem)
        };
        if title.trim().is_empty() || title.chars().any(char::is_control) {
            return Err(Error::Usage(
                "--title is empty or holds a control character; give the document's title".into(),
            ));
        }
        if let Err(refusal) = ValidTime::parse(&published) {
            return Err(argument(
                "--published",
                Problem::NotEdtf(refusal.to_string()),
            ));
        }
        if let Some(url) = &args.url
            && (url.trim().is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()))
        {
            return Err(Error::Usage(format!(
                "--url `{}` is not a URL: give the address without spaces",
                crate::entity::truncate(url, 80)
            )));
        }
        let recorded_by = args
            .recorded_by
            .clone()
            .unwrap_or_else(crate::clock::recorder);
        if recorded_by.trim().is_empty() || recorded_by.len() > 200 {
            return Err(Error::Usage(
                "--recorded-by must be a short non-empty name".into(),
            ));
        }
        Ok(Request {
            file,
            title: title.trim().to_owned(),
            published,
            publisher: args.publisher.clone(),
            url: args.url.clone(),
            recorded_by,
        })
    }
}

/// Reads the document's text, refusing (without blocking) what is not a regular file of
/// UTF-8 text.
fn read_text(path: &Path) -> Result<String> {
    let bad = |problem: Problem| Error::input(Location::File(path.to_owned()), problem);
    // The type is checked before opening: opening a FIFO would wait for a writer.
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(bad(Problem::DocumentMissing));
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    if !meta.is_file() {
        return Err(bad(Problem::DocumentNotAFile(file_kind(&meta))));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    if let Some(offset) = bytes.iter().position(|b| *b == 0) {
        return Err(bad(Problem::DocumentNul { offset }));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        bad(Problem::DocumentNotUtf8 {
            offset: e.utf8_error().valid_up_to(),
        })
    })?;
    if text.trim().is_empty() {
        return Err(bad(Problem::DocumentEmpty));
    }
    Ok(text)
}

/// Whether two paths name the same file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// The entities of the log and of the folder's events files, by id.
fn known_entities(log: Option<&crate::store::Store>, folder: &Folder) -> Result<Vec<KnownEntity>> {
    let mut known: BTreeMap<String, KnownEntity> = BTreeMap::new();
    if let Some(store) = log {
        for e in store.known_entities()? {
            known.insert(
                e.id.clone(),
                KnownEntity {
                    id: e.id,
                    entity_type: e.entity_type,
                    name: e.name,
                    acronym: e.acronym,
                    aliases: e.aliases,
                },
            );
        }
    }
    for e in folder.known(None) {
        known.entry(e.id.clone()).or_insert(e);
    }
    Ok(known.into_values().collect())
}

/// The header's publisher for `--publisher ID`: the entity's acronym, else its name.
fn publisher_name(id: &str, known: &[KnownEntity]) -> Result<String> {
    match known.iter().find(|e| e.id == id) {
        Some(e) => Ok(e.acronym.clone().unwrap_or_else(|| e.name.clone())),
        None => Err(Error::input(
            Location::Argument {
                what: "--publisher",
                event: None,
            },
            Problem::NoSuchEntity {
                entity: crate::entity::truncate(id, 80),
                nearest: nearest_ids(id, known),
            },
        )),
    }
}

/// The known ids nearest to `wanted` (`crate::suggest`).
fn nearest_ids(wanted: &str, known: &[KnownEntity]) -> Vec<String> {
    crate::suggest::nearest_ids(
        wanted,
        known.iter().map(|e| crate::suggest::Candidate {
            id: &e.id,
            name: &e.name,
            acronym: e.acronym.as_deref(),
            aliases: &e.aliases,
        }),
    )
}

/// The title's first words as a file name part.
fn title_slug(title: &str) -> String {
    let words: Vec<&str> = title.split_whitespace().take(6).collect();
    let slug = extract::slug(&words.join(" "));
    if slug.is_empty() {
        "document".to_owned()
    } else {
        slug
    }
}

fn overwrite(path: &Path) -> Error {
    Error::input(
        Location::File(path.to_owned()),
        Problem::WouldOverwrite {
            path: path.display().to_string(),
        },
    )
}

/// Writes a file that must not exist yet (creating the folders it needs).
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => overwrite(path),
            _ => Error::io(path, e),
        })?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(|e| Error::io(path, e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(id: &str, name: &str, acronym: Option<&str>) -> KnownEntity {
        KnownEntity {
            id: id.into(),
            entity_type: "org".into(),
            name: name.into(),
            acronym: acronym.map(Into::into),
            aliases: Vec::new(),
        }
    }

    #[test]
    fn the_nearest_ids_are_suggested() {
        let k = [
            known(
                "org:iom",
                "International Organization for Migration",
                Some("IOM"),
            ),
            known("org:ilo", "International Labour Organization", Some("ILO")),
            known("org:icat", "Inter-Agency Coordination Group", Some("ICAT")),
        ];
        assert_eq!(nearest_ids("iom", &k)[0], "org:iom");
        assert_eq!(nearest_ids("org:icta", &k), ["org:icat"]);
        assert!(nearest_ids("org:zzzzzzzz", &k).is_empty());
    }

    #[test]
    fn file_names_come_from_the_title() {
        assert_eq!(
            title_slug("Directive (EU) 2024/1712 adopted by the Council and more"),
            "directive-eu-2024-1712-adopted-by-the"
        );
        assert_eq!(title_slug("—"), "document");
    }
}
