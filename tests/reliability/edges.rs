//! Attacks from the hostile review (issue 21) at the edges of the CLI: what reaches a
//! terminal, closed pipes, errors that name their cause, files that are not files. The
//! attacks on what the log keeps (exports, ties, retractions, payloads, quotes) are in
//! `edges_log`. Each test reproduces the attack and shows the refusal or the fix.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::json;

use crate::harness::*;

/// Writes `folder/<name>.jsonl` with a header for `text` (kept as `sources/<name>.txt`)
/// and the given event lines.
pub(crate) fn events_folder(
    folder: &Path,
    name: &str,
    text: &str,
    lines: &[serde_json::Value],
) -> PathBuf {
    std::fs::create_dir_all(folder.join("sources")).expect("folder");
    std::fs::write(folder.join(format!("sources/{name}.txt")), text).expect("document");
    let mut body = json!({"document": {
        "file": format!("sources/{name}.txt"),
        "sha256": sha256_hex(text.as_bytes()),
        "title": format!("Document {name}"),
        "publisher": "Tests",
        "published": "2024",
    }})
    .to_string();
    body.push('\n');
    for line in lines {
        body.push_str(&line.to_string());
        body.push('\n');
    }
    let path = folder.join(format!("{name}.jsonl"));
    std::fs::write(&path, body).expect("events file");
    path
}

fn has_raw_control(text: &str) -> bool {
    text.chars().any(|c| {
        (c.is_control() && c != '\n' && c != '\t') || ('\u{202a}'..='\u{202e}').contains(&c)
    })
}

/// Stored text holding terminal escapes (a quote from a document that carries them, a
/// document title written behind policylog's back) is printed with the escapes visible by
/// every text output, and JSON-escaped (still the same value) by JSON output.
#[test]
fn stored_control_characters_never_reach_the_terminal_raw() {
    let log = Test::with_fixture();
    let hostile =
        "Alert \u{1b}]0;owned\u{7} the \u{1b}[2J screen \u{9b}31m and \u{202e}txt.exe here.";
    let folder = log.dir().join("hostile");
    events_folder(
        &folder,
        "hostile",
        hostile,
        &[
            json!({"id": "reg-hostile", "kind": "entity.registered", "valid": "2024",
                 "payload": {"id": "org:hostile", "type": "org", "name": "Hostile"},
                 "quote": hostile.trim_end_matches('.')}),
        ],
    );
    log.run(["ingest", folder.to_str().expect("path")])
        .success();
    // A title as an older policylog (or a forger) may have stored it.
    let conn = rusqlite::Connection::open(log.db()).expect("open");
    conn.execute(
        "INSERT INTO documents (sha256, file, events_file, title, publisher, published, text, recorded_at, record_hash)
         VALUES (?1, 'x.txt', 'x.jsonl', 'Title \u{1b}[8mhidden\u{1b}[0m', 'P\u{7}', '2024', 'x', '2026-01-01T00:00:00Z', '')",
        [sha256_hex(b"x")],
    )
    .expect("insert a document");
    drop(conn);

    for args in [
        vec!["history", "org:hostile"],
        vec!["documents"],
        vec!["log"],
        vec!["state"],
        vec!["diff", "2020", "2025"],
    ] {
        let text = log.run(&args).success().stdout;
        assert!(
            !has_raw_control(&text),
            "{args:?} printed raw control characters: {text:?}"
        );
    }
    let history = log.run(["history", "org:hostile"]).success().stdout;
    assert!(history.contains("\\u001b]0;owned\\u0007"), "{history}");
    let documents = log.run(["documents"]).success().stdout;
    assert!(documents.contains("Title \\u001b[8mhidden"), "{documents}");

    for args in [
        vec!["history", "org:hostile", "--json"],
        vec!["documents", "--format", "json"],
        vec!["log", "--format", "json"],
    ] {
        let text = log.run(&args).success().stdout;
        assert!(
            !has_raw_control(&text),
            "{args:?} printed raw control characters: {text:?}"
        );
        let value: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
        assert!(value.to_string().contains("\\u001b"), "{args:?}");
    }
    let lines = log.run(["log", "--format", "jsonl"]).success().stdout;
    assert!(!has_raw_control(&lines));
    let quotes: Vec<String> = lines
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON line"))
        .filter_map(|v| v["quote"].as_str().map(str::to_owned))
        .collect();
    assert!(
        quotes.iter().any(|q| q.contains('\u{9b}')),
        "the value is kept: {quotes:?}"
    );
}

/// `recorded_by` and a document's title or publisher are single-line names: control
/// characters in them are refused at ingest, naming the field.
#[test]
fn control_characters_in_names_are_refused_at_ingest() {
    let log = Test::with_fixture();
    let before = log.head();
    let folder = log.dir().join("names");
    let path = events_folder(
        &folder,
        "names",
        "A short note.",
        &[
            json!({"id": "n1", "kind": "entity.registered", "valid": "2024",
                 "payload": {"id": "org:n1", "type": "org", "name": "N"},
                 "quote": "A short note", "recorded_by": "curator\u{1b}[2J"}),
        ],
    );
    let out = log
        .run(["ingest", path.to_str().expect("path")])
        .command()
        .output()
        .expect("policylog runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`recorded_by`"), "{stderr}");
    assert!(!has_raw_control(&stderr), "{stderr:?}");

    let text = std::fs::read_to_string(&path).expect("read");
    let text = text.replace(
        "\"title\":\"Document names\"",
        "\"title\":\"Doc\\u001b]0;x\\u0007\"",
    );
    std::fs::write(&path, text).expect("write");
    let out = log
        .run(["ingest", path.to_str().expect("path")])
        .command()
        .output()
        .expect("policylog runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`title`"), "{stderr}");
    assert_eq!(log.head(), before);
}

/// A pipe whose reader has gone: writing to it fails with EPIPE.
fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    writer
}

/// `policylog … | head -1`: a closed standard output ends every printing command quietly
/// with exit 0, and a closed standard error never turns an error into a panic (exit 101).
#[test]
fn a_closed_pipe_ends_every_printing_command_quietly() {
    let log = Test::with_fixture();
    let out = |name: &str| log.dir().join(name).to_string_lossy().into_owned();
    let commands: Vec<Vec<String>> = [
        vec!["head"],
        vec!["head", "--json"],
        vec!["log"],
        vec!["log", "--format", "json"],
        vec!["log", "--format", "jsonl"],
        vec!["documents"],
        vec!["verify"],
        vec!["verify", "--json"],
        vec!["state"],
        vec!["state", "--format", "json"],
        vec!["state", "--format", "markdown"],
        vec!["state", "--format", "csv"],
        vec!["diff", "2020", "2024"],
        vec!["diff", "2020", "2024", "--format", "json"],
        vec!["history", "org:icat"],
        vec!["export", "--popolo", "-"],
        vec!["completions", "bash"],
        vec!["man"],
        vec!["--help"],
        vec!["ingest", FIXTURE_DIR],
    ]
    .iter()
    .map(|c| c.iter().map(|s| s.to_string()).collect())
    .chain([
        vec!["export".to_owned(), "--out".to_owned(), out("export")],
        vec![
            "snapshot".to_owned(),
            "--yearly".to_owned(),
            "--out".to_owned(),
            out("snaps"),
        ],
    ])
    .collect();
    for args in &commands {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let result = log
            .run(&args)
            .command()
            .stdout(closed_pipe())
            .stderr(Stdio::piped())
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(
            result.status.code(),
            Some(0),
            "{args:?} with a closed stdout: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    // An append whose confirmation cannot be printed is still appended.
    let line = crate::harness::append_line("closed-pipe-append");
    let result = log
        .run(["append", "--json", &line])
        .command()
        .stdout(closed_pipe())
        .output()
        .expect("run");
    assert_eq!(result.status.code(), Some(0));
    assert!(
        log.run(["log", "--format", "jsonl"])
            .success()
            .stdout
            .contains("closed-pipe-append")
    );

    // Errors with a closed standard error keep their exit code.
    for (args, code) in [
        (vec!["log", "--kind", "no.such"], 2),
        (vec!["history", "org:nobody"], 2),
        (vec!["verify", "--expect-head", "0000000000000000"], 1),
    ] {
        let result = log
            .run(&args)
            .command()
            .stdout(Stdio::null())
            .stderr(closed_pipe())
            .output()
            .expect("run");
        assert_eq!(
            result.status.code(),
            Some(code),
            "{args:?} with a closed stderr"
        );
    }
}

/// Runs a command that must be refused as bad input (exit 2) without changing the log;
/// returns its standard error.
pub(crate) fn refused(log: &Test, args: &[&str], stdin: Option<&[u8]>) -> String {
    let before = (log.head(), crate::harness::file_hash(log.db()));
    let mut cmd = log.run(args).command();
    if stdin.is_some() {
        cmd.stdin(Stdio::piped());
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run");
    if let Some(bytes) = stdin {
        use std::io::Write as _;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(bytes)
            .expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(
        (log.head(), crate::harness::file_hash(log.db())),
        before,
        "{args:?} changed the log"
    );
    stderr
}

/// `--db` naming a folder said "disk I/O error"; now it names the folder and the fix.
#[test]
fn a_db_that_is_a_folder_is_refused_naming_it() {
    let log = Test::new();
    let folder = log.dir().join("logs");
    std::fs::create_dir(&folder).expect("folder");
    for args in [vec!["head"], vec!["ingest", FIXTURE_DIR], vec!["state"]] {
        let out = Cmd::new(log.dir(), Some(&folder))
            .args(&args)
            .command()
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("is a folder"), "{stderr}");
        assert!(
            stderr.contains("policylog.db"),
            "the fix names a file in it: {stderr}"
        );
    }
    assert_eq!(
        std::fs::read_dir(&folder).expect("list").count(),
        0,
        "nothing written in it"
    );
}

/// `log --from` after `--to` matched nothing and said nothing (exit 0); it is refused
/// like `/api/log`'s `from` after `to` (docs/serve.md), naming `--from`.
#[test]
fn log_from_after_to_is_refused() {
    let log = Test::with_fixture();
    let stderr = refused(&log, &["log", "--from", "2024", "--to", "2023"], None);
    assert!(
        stderr.contains("--from") && stderr.contains("after"),
        "{stderr}"
    );
    // The same year on both sides is a year's span, not a contradiction.
    log.run(["log", "--from", "2023", "--to", "2023"]).success();
}

/// `append --expect-head` with the 12-digit prefix `head` users copy said "someone appended
/// meanwhile" though nobody had: a prefix of 12 or more digits of the head is accepted, a
/// shorter one is refused as too short, and a hash that is not the head says so without
/// claiming to know why.
#[test]
fn expect_head_takes_an_unambiguous_prefix_and_says_what_is_wrong() {
    let log = Test::with_fixture();
    let head = head_of(log.db());
    log.run([
        "append",
        "--expect-head",
        &head.hash[..12],
        "--json",
        &crate::harness::append_line("prefix-ok"),
    ])
    .success();
    let stderr = refused(
        &log,
        &[
            "append",
            "--expect-head",
            &head.hash[..8],
            "--json",
            &crate::harness::append_line("short"),
        ],
        None,
    );
    assert!(
        stderr.contains("too short") && stderr.contains("12"),
        "{stderr}"
    );
    let stderr = refused(
        &log,
        &[
            "append",
            "--expect-head",
            "0123456789ab",
            "--json",
            &crate::harness::append_line("wrong"),
        ],
        None,
    );
    assert!(stderr.contains("policylog head"), "{stderr}");
    assert!(!stderr.contains("someone appended meanwhile"), "{stderr}");
    let stderr = refused(
        &log,
        &[
            "retract",
            "prefix-ok",
            "--reason",
            "r",
            "--expect-head",
            "not-hex-at-all",
        ],
        None,
    );
    assert!(stderr.contains("hex"), "{stderr}");
}

/// A byte-order mark at the start of an events file or of `append`'s standard input was
/// "expected value at line 1 column 1"; the message now names the mark and the fix.
#[test]
fn a_byte_order_mark_is_named() {
    let log = Test::with_fixture();
    let folder = log.dir().join("bom");
    let path = events_folder(
        &folder,
        "bom",
        "A short note.",
        &[
            json!({"id": "b1", "kind": "entity.registered", "valid": "2024",
                 "payload": {"id": "org:b1", "type": "org", "name": "B"}, "quote": "A short note"}),
        ],
    );
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(std::fs::read(&path).expect("read"));
    std::fs::write(&path, bytes).expect("write");
    let stderr = refused(&log, &["ingest", path.to_str().expect("path")], None);
    assert!(
        stderr.contains("byte-order mark") && stderr.contains(":1"),
        "{stderr}"
    );

    let mut line = b"\xEF\xBB\xBF".to_vec();
    line.extend(crate::harness::append_line("bom-stdin").into_bytes());
    let stderr = refused(&log, &["append"], Some(&line));
    assert!(stderr.contains("byte-order mark"), "{stderr}");
}

/// Runs a command that must end within 20 s (a FIFO used to block ingest for ever): its
/// exit code and standard error. A command still running then is killed, and fails the test.
pub(crate) fn within_time(mut cmd: std::process::Command, what: &str) -> (Option<i32>, String) {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run");
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut stderr = String::new();
            use std::io::Read as _;
            child
                .stderr
                .take()
                .expect("stderr")
                .read_to_string(&mut stderr)
                .expect("read");
            return (status.code(), stderr);
        }
        if start.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after 20 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

pub(crate) fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().expect("path")).expect("no NUL");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(
        unsafe { libc::mkfifo(c.as_ptr(), 0o644) },
        0,
        "mkfifo {}",
        path.display()
    );
}

/// A FIFO as an events file or as a document blocked ingest for ever; a character device
/// as a document grew without end; `append < /dev/zero` too. Only regular files are read,
/// documents up to 64 MiB, standard input up to one line: each is refused at once (exit 2),
/// naming the file and what it is, with the log unchanged.
#[test]
fn fifos_devices_and_endless_input_are_refused_at_once() {
    let log = Test::with_fixture();
    let before = log.head();
    let expect = |args: &[&str], said: &str| {
        let (code, stderr) = within_time(log.run(args).command(), &format!("{args:?}"));
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(said), "{args:?}: {stderr}");
        assert_eq!(log.head(), before);
    };
    let line = json!({"id": "f1", "kind": "entity.registered", "valid": "2024",
                      "payload": {"id": "org:f1", "type": "org", "name": "F"}, "quote": "A note"});

    // An events file that is a FIFO, given itself and found in a folder.
    let fifo = log.dir().join("given.jsonl");
    mkfifo(&fifo);
    expect(&["ingest", fifo.to_str().expect("path")], "is a FIFO");
    let folder = log.dir().join("with-fifo");
    std::fs::create_dir(&folder).expect("folder");
    mkfifo(&folder.join("a.jsonl"));
    expect(&["ingest", folder.to_str().expect("path")], "is a FIFO");

    // A document that is a FIFO.
    let folder = log.dir().join("fifo-doc");
    let events = events_folder(&folder, "doc", "A note.", std::slice::from_ref(&line));
    let doc = folder.join("sources/doc.txt");
    std::fs::remove_file(&doc).expect("remove");
    mkfifo(&doc);
    expect(&["ingest", events.to_str().expect("path")], "document");
    expect(&["ingest", events.to_str().expect("path")], "is a FIFO");

    // A document larger than 64 MiB (sparse, so the test writes nothing to speak of).
    std::fs::remove_file(&doc).expect("remove");
    let big = std::fs::File::create(&doc).expect("create");
    big.set_len((64 << 20) + 1).expect("grow");
    expect(
        &["ingest", events.to_str().expect("path")],
        "larger than 64 MiB",
    );

    // A character device as the document (mknod needs root, as CI has).
    if crate::harness::is_root() {
        std::fs::remove_file(&doc).expect("remove");
        let c = std::ffi::CString::new(doc.to_str().expect("path")).expect("no NUL");
        // SAFETY: a valid path; 1:5 is /dev/zero.
        let made = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o644, libc::makedev(1, 5)) };
        assert_eq!(made, 0, "mknod");
        expect(
            &["ingest", events.to_str().expect("path")],
            "is a character device",
        );
    } else {
        crate::harness::figure("edges: not root, the character-device case was skipped");
    }

    // Standard input that never ends.
    let mut cmd = log.run(["append"]).command();
    cmd.stdin(std::fs::File::open("/dev/zero").expect("/dev/zero"));
    let (code, stderr) = within_time(cmd, "append < /dev/zero");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("longer than"), "{stderr}");
    assert_eq!(log.head(), before);
}
