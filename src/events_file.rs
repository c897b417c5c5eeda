//! Events files: JSONL whose optional first line describes the source document
//! (`{"document": {...}}`) and whose other lines are events. Reading keeps line numbers
//! for error messages and streams, so a large file is never held in memory.

use std::fs::File;
use std::io::{BufRead, BufReader, Read as _};
use std::path::{Component, Path, PathBuf};

use crate::document::{Document, Header};
use crate::entity::Sha256;
use crate::error::{Error, Location, Problem, Result};

/// Largest source document read (documented in docs/file-format.md): a guard against a
/// file that never ends, not a limit any real text reaches.
pub const MAX_DOCUMENT_BYTES: u64 = 64 << 20;

/// What a file is, in words, when it is not a regular file (a FIFO would block the read
/// for ever, a device never end it).
fn irregular_kind(meta: &std::fs::Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if kind.is_char_device() {
            return Some("a character device");
        }
        if kind.is_block_device() {
            return Some("a block device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

fn not_regular(what: &str, path: &Path, kind: &str, at: Location) -> Error {
    Error::input(
        at,
        Problem::NotARegularFile(format!(
            "{what} {} is {kind}; policylog reads only regular files (give the file itself)",
            path.display()
        )),
    )
}

/// Opens a regular file for reading, looking at what it is before opening it (opening a
/// FIFO blocks until a writer comes) and again after (it may have been swapped meanwhile).
/// `what` names it in the refusal: "events file", "document".
fn open_regular(path: &Path, what: &str, at: &Location) -> Result<(File, std::fs::Metadata)> {
    let refuse = |kind: &str| not_regular(what, path, kind, at.clone());
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if let Some(kind) = irregular_kind(&meta) {
        return Err(refuse(kind));
    }
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    if let Some(kind) = irregular_kind(&meta) {
        return Err(refuse(kind));
    }
    Ok((file, meta))
}

/// The `.jsonl` files to ingest: each file given, and the `.jsonl` files directly inside
/// each folder given, ordered by file name (then path) so that every machine reads them
/// in the same order.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| Error::io(path, e))?;
            for entry in entries {
                let entry = entry.map_err(|e| Error::io(path, e))?;
                let p = entry.path();
                if p.extension().is_some_and(|x| x == "jsonl") {
                    // A `.jsonl` that is not a regular file is refused, not skipped: it
                    // was meant to be read.
                    let meta = std::fs::metadata(&p).map_err(|e| Error::io(&p, e))?;
                    if let Some(kind) = irregular_kind(&meta) {
                        return Err(not_regular(
                            "events file",
                            &p,
                            kind,
                            Location::File(p.clone()),
                        ));
                    }
                    files.push(p);
                }
            }
        } else if let Some(kind) = irregular_kind(&meta) {
            return Err(not_regular(
                "events file",
                path,
                kind,
                Location::File(path.clone()),
            ));
        } else {
            files.push(path.clone());
        }
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()).then_with(|| a.cmp(b)));
    files.dedup();
    Ok(files)
}

/// One events file being read.
pub struct EventsFile {
    pub path: PathBuf,
    reader: BufReader<File>,
    line_no: usize,
    buf: Vec<u8>,
    /// The last line read, without its line break; its allocation goes back to `buf`.
    line: String,
    /// The document described by the header, if the file has one.
    pub document: Option<Document>,
}

impl EventsFile {
    /// Opens a file and reads its header line, loading and checking the document it names.
    pub fn open(path: &Path) -> Result<EventsFile> {
        let (events, header) = EventsFile::open_reporting(path)?;
        header.map(|()| events)
    }

    /// `open`, with a refused header (or an unreadable first line) given back beside the
    /// file rather than instead of it, so that ingest can report every problem of a batch
    /// and still read the file's other lines. Only what is not the input's fault (the
    /// file cannot be opened or read) fails it.
    pub fn open_reporting(path: &Path) -> Result<(EventsFile, Result<()>)> {
        let whole = Location::File(path.to_owned());
        let (file, _) = open_regular(path, "events file", &whole)?;
        let mut events = EventsFile {
            path: path.to_owned(),
            reader: BufReader::with_capacity(1 << 16, file),
            line_no: 0,
            buf: Vec::new(),
            line: String::new(),
            document: None,
        };
        let refused = |e: Error| match e {
            Error::Input { .. } => Ok(Err(e)),
            other => Err(other),
        };
        // Peek at the first non-empty line: a header, or already an event.
        let header_line = loop {
            match events.read_raw_line() {
                Ok(false) => break None,
                Ok(true) if events.line.trim().is_empty() => {}
                Ok(true) => break Some(events.line.clone()),
                Err(e) => return refused(e).map(|header| (events, header)),
            }
        };
        if let Some(text) = header_line {
            if is_header(&text) {
                let at = events.location();
                let loaded = serde_json::from_str::<Header>(&text)
                    .map_err(|e| {
                        Error::input(
                            at.clone(),
                            Problem::BadHeader(format!("bad document header: {e}")),
                        )
                    })
                    .and_then(|header| load_document(path, header, at));
                match loaded {
                    Ok(document) => events.document = Some(document),
                    Err(e) => return refused(e).map(|header| (events, header)),
                }
            } else {
                // No header: rewind so the first event is read again.
                let (file, _) = open_regular(path, "events file", &Location::File(path.into()))?;
                events.reader = BufReader::with_capacity(1 << 16, file);
                events.line_no = 0;
            }
        }
        Ok((events, Ok(())))
    }

    /// Reads the next non-empty line and returns its number (its text is `text()`); a
    /// header-shaped line here is an error.
    pub fn next_line(&mut self) -> Result<Option<usize>> {
        loop {
            if !self.read_raw_line()? {
                return Ok(None);
            }
            if self.line.trim().is_empty() {
                continue;
            }
            if is_header(&self.line) {
                return Err(Error::input(
                    self.location(),
                    Problem::BadHeader(
                        "a document header must be the first line of its file; start a new file for another document".into(),
                    ),
                ));
            }
            return Ok(Some(self.line_no));
        }
    }

    /// The text of the line `next_line` read last.
    pub fn text(&self) -> &str {
        &self.line
    }

    pub fn location(&self) -> Location {
        Location::Line {
            file: self.path.clone(),
            line: self.line_no,
            event: None,
        }
    }

    /// Reads one line into `line`; false at the end of the file.
    fn read_raw_line(&mut self) -> Result<bool> {
        // Reuse the previous line's allocation rather than copy each line out.
        self.buf = std::mem::take(&mut self.line).into_bytes();
        self.buf.clear();
        let limit = crate::event::validate::MAX_LINE_BYTES as u64 + 2;
        let n = (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| Error::io(&self.path, e))?;
        if n == 0 {
            return Ok(false);
        }
        self.line_no += 1;
        if n as u64 >= limit && !self.buf.ends_with(b"\n") {
            // The rest of the line is passed over, so that the next line read is the next
            // line of the file (ingest reports every problem, not only the first).
            self.reader
                .skip_until(b'\n')
                .map_err(|e| Error::io(&self.path, e))?;
            return Err(Error::input(
                self.location(),
                Problem::MalformedJson(format!(
                    "the line is longer than {} bytes",
                    crate::event::validate::MAX_LINE_BYTES
                )),
            ));
        }
        if self.buf.contains(&0) {
            return Err(Error::input(
                self.location(),
                Problem::MalformedJson("the line contains a NUL byte".into()),
            ));
        }
        let mut line = match String::from_utf8(std::mem::take(&mut self.buf)) {
            Ok(line) => line,
            Err(e) => {
                return Err(Error::input(
                    self.location(),
                    Problem::MalformedJson(format!("the line is not UTF-8 ({})", e.utf8_error())),
                ));
            }
        };
        let kept = line.trim_end_matches(['\n', '\r']).len();
        line.truncate(kept);
        self.line = line;
        Ok(true)
    }
}

fn is_header(text: &str) -> bool {
    // Only a line that mentions the key is parsed a second time.
    text.contains("\"document\"")
        && serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .is_some_and(|v| v.get("document").is_some())
}

/// Reads the document a header names, refusing paths that leave the events folder and
/// bytes that do not match the declared sha256.
fn load_document(events_path: &Path, header: Header, at: Location) -> Result<Document> {
    let h = header.document;
    let bad = |problem: Problem| Error::input(at.clone(), problem);
    let relative = Path::new(&h.file);
    if relative.is_absolute()
        || relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        || h.file.contains('\\')
    {
        return Err(bad(Problem::BadHeader(format!(
            "`file` must be a relative path inside the events folder without `..`: `{}`",
            h.file
        ))));
    }
    let folder = events_path.parent().unwrap_or(Path::new("."));
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    let full = folder.join(relative);
    let real_folder = folder.canonicalize().map_err(|e| Error::io(folder, e))?;
    let real = full.canonicalize().map_err(|e| {
        bad(Problem::MissingSource {
            file: full.display().to_string(),
            reason: e.to_string(),
        })
    })?;
    if !real.starts_with(&real_folder) {
        return Err(bad(Problem::BadHeader(format!(
            "`file` `{}` leads outside the events folder (through a symlink)",
            h.file
        ))));
    }
    let unreadable = |e: std::io::Error| {
        bad(Problem::MissingSource {
            file: full.display().to_string(),
            reason: e.to_string(),
        })
    };
    let (file, meta) = open_regular(&real, "document", &at).map_err(|e| match e {
        Error::Io { source, .. } => unreadable(source),
        other => other,
    })?;
    let too_large = || {
        bad(Problem::NotARegularFile(format!(
            "document {} is larger than {} MiB; policylog reads documents up to that size",
            full.display(),
            MAX_DOCUMENT_BYTES >> 20
        )))
    };
    if meta.len() > MAX_DOCUMENT_BYTES {
        return Err(too_large());
    }
    // The file may grow between the look and the read: read one byte past the limit at most.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(too_large());
    }
    let actual = Sha256::of(&bytes);
    if actual != h.sha256 {
        return Err(bad(Problem::DocumentHashMismatch {
            file: h.file,
            declared: h.sha256.to_string(),
            actual: actual.to_string(),
        }));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        bad(Problem::BadHeader(format!(
            "document `{}` is not UTF-8 text",
            h.file
        )))
    })?;
    crate::date::ValidTime::parse(&h.published).map_err(|e| {
        bad(Problem::BadDate {
            field: "document.published",
            reason: e.to_string(),
        })
    })?;
    for (field, value) in [
        ("title", Some(&h.title)),
        ("publisher", h.publisher.as_ref()),
    ] {
        if value.is_some_and(|v| v.trim().is_empty()) {
            return Err(bad(Problem::BadHeader(format!(
                "document `{field}` is empty"
            ))));
        }
        // A name printed on one line: a line break or a terminal escape has no place in it.
        if value.is_some_and(|v| v.chars().any(char::is_control)) {
            return Err(bad(Problem::BadHeader(format!(
                "document `{field}` holds a control character; write it as plain text on one line"
            ))));
        }
    }
    // An address on one line, as `add --url` takes it: a reader copies it into a browser.
    if let Some(url) = &h.url
        && (url.trim().is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()))
    {
        return Err(bad(Problem::BadHeader(format!(
            "document `url` `{}` is not a URL; give the address without spaces",
            crate::entity::truncate(url, 80)
        ))));
    }
    let events_file = events_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Document {
        sha256: h.sha256,
        file: h.file,
        events_file,
        title: h.title,
        publisher: h.publisher.unwrap_or_default(),
        published: h.published,
        url: h.url,
        text,
    })
}
