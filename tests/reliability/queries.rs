//! Query commands open the log read-only, and SQL never contains interpolated values.
//!
//! The first is watched from outside: inotify reports `IN_CLOSE_WRITE` for a file that was
//! opened for writing, so a query command that so much as opened the log read-write shows.
//! The second is checked in the source (every `format!` that builds SQL may splice in only
//! constants) and by feeding SQL-shaped values to every filter.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt as _;
use std::path::{Path, PathBuf};

use crate::harness::*;

/// inotify events on one file: (opened, opened for writing and closed, modified).
struct Watch {
    fd: i32,
}

impl Watch {
    fn file(path: &Path) -> Watch {
        // SAFETY: plain syscalls on a descriptor we own; the path is NUL-terminated.
        unsafe {
            let fd = libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC);
            assert!(fd >= 0, "inotify_init1");
            let c = CString::new(path.as_os_str().as_bytes()).expect("path");
            let wd = libc::inotify_add_watch(
                fd,
                c.as_ptr(),
                libc::IN_OPEN | libc::IN_CLOSE_WRITE | libc::IN_MODIFY,
            );
            assert!(wd >= 0, "inotify_add_watch");
            Watch { fd }
        }
    }

    /// Events since the last call: (opens, close-after-write, modifications).
    fn take(&self) -> (usize, usize, usize) {
        let (mut opens, mut close_write, mut modified) = (0, 0, 0);
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            // SAFETY: reading into a buffer we own, of the length we pass.
            let n = unsafe { libc::read(self.fd, buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                break;
            }
            let mut at = 0;
            while at < n as usize {
                // SAFETY: the kernel writes whole `inotify_event` records into the buffer.
                let event: libc::inotify_event =
                    unsafe { std::ptr::read_unaligned(buf[at..].as_ptr().cast()) };
                if event.mask & libc::IN_OPEN != 0 {
                    opens += 1;
                }
                if event.mask & libc::IN_CLOSE_WRITE != 0 {
                    close_write += 1;
                }
                if event.mask & libc::IN_MODIFY != 0 {
                    modified += 1;
                }
                at += std::mem::size_of::<libc::inotify_event>() + event.len as usize;
            }
        }
        (opens, close_write, modified)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        // SAFETY: closing the descriptor we opened.
        unsafe { libc::close(self.fd) };
    }
}

/// Every query command the binary has, with arguments that make it read the whole log.
fn query_commands(log: &Test) -> Vec<Vec<String>> {
    let help = log.run(["--help"]).success().stdout;
    let out = |name: &str| log.dir().join(name).to_string_lossy().into_owned();
    let candidates: Vec<Vec<String>> = vec![
        vec!["head".into()],
        vec!["head".into(), "--json".into()],
        vec!["log".into(), "--format".into(), "jsonl".into()],
        vec!["log".into(), "--entity".into(), "org:iom".into()],
        vec!["documents".into()],
        vec!["verify".into()],
        vec!["verify".into(), "--json".into()],
        vec!["export".into(), "--out".into(), out("export")],
        vec!["backup".into(), out("backup.db")],
        vec!["state".into(), "--format".into(), "json".into()],
        vec!["state".into(), "--as-of".into(), "2023".into()],
        vec!["diff".into(), "2020".into(), "2024".into()],
        vec!["history".into(), "org:iom".into()],
        vec![
            "snapshot".into(),
            "--yearly".into(),
            "--out".into(),
            out("snapshots"),
        ],
        vec!["timeline".into(), "--svg".into(), out("timeline.svg")],
    ];
    candidates
        .into_iter()
        .filter(|c| help.contains(&format!("\n  {} ", c[0])))
        .collect()
}

#[test]
fn query_commands_never_open_the_log_for_writing() {
    let log = Test::with_fixture();
    log.run(["append", "--json", &append_line("watched")])
        .success();
    // Readers are watched on a log as a writer leaves it: closed, WAL checkpointed.
    head_of(log.db());
    let watch = Watch::file(log.db());
    let mut checked = Vec::new();
    for c in query_commands(&log) {
        let args: Vec<&str> = c.iter().map(String::as_str).collect();
        watch.take();
        let before = file_hash(log.db());
        log.run(&args).success();
        let (opens, close_write, modified) = watch.take();
        assert!(
            opens > 0,
            "{args:?}: the log was never opened (is the watch working?)"
        );
        assert_eq!(
            (close_write, modified),
            (0, 0),
            "{args:?} opened the log for writing ({close_write} writable closes, {modified} modifications)"
        );
        assert_eq!(file_hash(log.db()), before, "{args:?} changed the log");
        checked.push(c[0].clone());
    }
    // The watch does see a writer.
    log.run(["append", "--json", &append_line("watched-2")])
        .success();
    let (_, close_write, _) = watch.take();
    assert!(close_write > 0, "inotify did not report the writer's close");
    checked.dedup();
    figure(&format!(
        "queries/read-only: {} query commands ({}) never opened the log file for writing (inotify: no IN_CLOSE_WRITE, no IN_MODIFY), an append did",
        checked.len(),
        checked.join(", ")
    ));
}

#[test]
fn sql_shaped_values_are_data_not_sql() {
    let log = Test::with_fixture();
    let head = head_of(log.db());
    let hostile = [
        "org:iom' OR '1'='1",
        "'; DROP TABLE events; --",
        "\" OR 1=1 --",
        "org:iom%",
        "x') UNION SELECT sql FROM sqlite_master --",
    ];
    let mut runs = 0;
    for value in hostile {
        for args in [
            vec!["log", "--entity", value],
            vec!["log", "--source", value],
            vec!["history", value],
            vec!["state", "--group", value],
        ] {
            let (code, out) = log.run(&args).finish();
            runs += 1;
            let (stdout, stderr) = (&out.stdout, &out.stderr);
            assert!(
                !stderr.contains("syntax error") && !stderr.contains("database error"),
                "{args:?} reached SQL as SQL: {stderr}"
            );
            assert!(
                !stdout.contains("CREATE TABLE"),
                "{args:?} read the schema: {stdout}"
            );
            if code == Some(0) && args[0] == "log" {
                assert_eq!(
                    stdout.lines().count(),
                    1,
                    "{args:?} matched events: {stdout}"
                );
            }
        }
    }
    assert_eq!(head_of(log.db()), head);
    assert_verifies(log.db());
    figure(&format!(
        "queries/sql values: {runs} runs of log/history/state with SQL-shaped filter values matched nothing, \
         raised no SQL error and left the log unchanged"
    ));
}

/// The `.rs` files under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The string literal starting at `text` (after whitespace): its content.
fn string_literal(text: &str) -> Option<&str> {
    let text = text.trim_start();
    if let Some(rest) = text.strip_prefix('"') {
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            match (c, escaped) {
                ('\\', false) => escaped = true,
                ('"', false) => return Some(&rest[..i]),
                _ => escaped = false,
            }
        }
        return None;
    }
    let rest = text.strip_prefix('r')?;
    let hashes = rest.chars().take_while(|c| *c == '#').count();
    let rest = rest[hashes..].strip_prefix('"')?;
    let end = format!("\"{}", "#".repeat(hashes));
    rest.find(&end).map(|i| &rest[..i])
}

/// `{name}` placeholders of a format string (`{{` skipped), without format specs.
fn placeholders(format: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '{' {
            if chars.peek() == Some(&'{') {
                chars.next();
                continue;
            }
            let inner: String = chars.by_ref().take_while(|c| *c != '}').collect();
            found.push(inner.split(':').next().unwrap_or("").trim().to_owned());
        }
    }
    found
}

fn is_constant(name: &str) -> bool {
    !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

const SQL_WORDS: [&str; 9] = [
    "SELECT ", "INSERT ", "UPDATE ", "DELETE ", "CREATE ", "DROP ", "PRAGMA ", "ALTER ", " WHERE ",
];

/// The SQL statements `format!` builds in one source file, and the placeholders in them
/// that are not constants, with their line numbers.
fn scan(text: &str) -> (usize, Vec<(usize, String)>) {
    // `let columns = FACT_COLUMNS;` makes `{columns}` a constant too.
    let aliases: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let l = l.trim().strip_prefix("let ")?;
            let (name, value) = l.split_once(" = ")?;
            is_constant(value.trim_end_matches(';')).then(|| name.trim().to_owned())
        })
        .collect();
    let mut statements = 0;
    let mut spliced = Vec::new();
    for (at, _) in text.match_indices("format!(") {
        let Some(literal) = string_literal(&text[at + "format!(".len()..]) else {
            continue;
        };
        if !SQL_WORDS.iter().any(|w| literal.contains(w)) {
            continue;
        }
        statements += 1;
        let line = text[..at].lines().count();
        for name in placeholders(literal) {
            if !(is_constant(&name) || aliases.contains(&name)) {
                spliced.push((line, name));
            }
        }
    }
    (statements, spliced)
}

#[test]
fn the_sql_scan_catches_a_spliced_value() {
    let (statements, spliced) = scan(
        r#"let columns = EVENT_COLUMNS;
        conn.execute(&format!("SELECT {columns}, {EVENT_COLUMNS} FROM events WHERE id = '{id}'"), [])?;
        let q = format!(r"DELETE FROM x WHERE a = {} {{literal}}", value);
        let msg = format!("no SELECT here: {id}");"#,
    );
    assert_eq!(statements, 3);
    assert_eq!(
        spliced,
        [
            (2, "id".to_owned()),
            (3, String::new()),
            (4, "id".to_owned())
        ]
    );
}

#[test]
fn sql_is_built_from_literals_and_constants_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut statements = 0;
    let mut violations = Vec::new();
    for file in rust_files(&src) {
        let text = std::fs::read_to_string(&file).expect("read");
        let (found, spliced) = scan(&text);
        statements += found;
        for (line, name) in spliced {
            violations.push(format!(
                "{}:{line}: `{{{name}}}` spliced into SQL",
                file.strip_prefix(&src).unwrap_or(&file).display()
            ));
        }
    }
    assert!(
        statements > 0,
        "no SQL built with format! found: is the scan working?"
    );
    assert!(
        violations.is_empty(),
        "SQL must bind values as parameters; only constants may be spliced in:\n{}",
        violations.join("\n")
    );
    figure(&format!(
        "queries/sql text: {statements} SQL statements built with format! in src/ splice in only constants (column lists); every value is a bound parameter"
    ));
}
