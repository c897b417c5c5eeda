//! Hostile input: huge lines, deep nesting, invalid UTF-8, NUL bytes, and a document
//! `file` that leads outside the events folder. Each is refused with a clear message
//! (exit 2, naming the file and line) and nothing of the batch is written.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::harness::*;

/// Runs `args` (with `stdin` if given), which must be refused with exit 2 and a message
/// holding every one of `expect`, leaving the log exactly as it was.
fn refused(log: &Test, args: &[&str], stdin: Option<&[u8]>, expect: &[&str]) -> String {
    let mut cmd = log.run(args);
    if let Some(bytes) = stdin {
        // The binary may refuse before reading everything: a broken pipe is fine.
        cmd = cmd.stdin(bytes);
    }
    for word in expect {
        cmd = cmd.stderr_contains(*word);
    }
    let stderr = log.refuse(cmd).stderr;
    assert!(
        stderr.len() < 2_000,
        "{args:?}: the message is {} bytes long",
        stderr.len()
    );
    assert_verifies(log.db());
    stderr.trim().to_owned()
}

/// An events folder `name` with a valid header and one valid event, then `bad` as the
/// third line. Returns the events file.
fn events_file(log: &Test, name: &str, bad: &[u8]) -> PathBuf {
    let folder = log.dir().join(name);
    std::fs::create_dir_all(folder.join("sources")).expect("folder");
    std::fs::write(folder.join("sources/synthetic.txt"), SYNTHETIC_TEXT).expect("doc");
    let header = header_line("sources/synthetic.txt", SYNTHETIC_TEXT.as_bytes());
    let good = json!({"id": format!("{name}-good"), "kind": "entity.registered", "valid": "2024",
        "payload": {"id": format!("org:{name}"), "type": "org", "name": "Good"},
        "quote": "The organisations listed in the annex registered with the Group."});
    let mut bytes = format!("{header}\n{good}\n").into_bytes();
    bytes.extend_from_slice(bad);
    bytes.push(b'\n');
    let path = folder.join("events.jsonl");
    std::fs::write(&path, bytes).expect("events file");
    path
}

fn header_line(file: &str, bytes: &[u8]) -> String {
    json!({"document": {"file": file, "sha256": sha256_hex(bytes), "title": "Hostile",
        "publisher": "Tests", "published": "2024"}})
    .to_string()
}

fn event_with_quote(quote: &str) -> String {
    json!({"kind": "entity.registered", "valid": "2024",
        "payload": {"id": "org:hostile", "type": "org", "name": "Hostile"}, "quote": quote})
    .to_string()
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

#[test]
fn huge_lines_are_refused_and_nothing_is_written() {
    let log = Test::with_fixture();
    let mut messages = Vec::new();
    let huge = event_with_quote(&"x".repeat(3 << 20));
    let file = events_file(&log, "huge", huge.as_bytes());
    messages.push(refused(
        &log,
        &["ingest", path_str(&file)],
        None,
        &["events.jsonl:3", "longer than"],
    ));
    // A 3 MiB line with no newline at all, read in bounded pieces.
    let file = events_file(&log, "endless", &vec![b'['; 3 << 20]);
    messages.push(refused(
        &log,
        &["ingest", path_str(&file)],
        None,
        &["events.jsonl:3"],
    ));
    let line = append_line("huge").replace(FIXTURE_STATISTIC_SENTENCE, &"y".repeat(3 << 20));
    messages.push(refused(
        &log,
        &["append"],
        Some(line.as_bytes()),
        &["bytes"],
    ));
    figure(&format!(
        "hostile/huge lines (3 MiB, in a file and on stdin): refused, nothing written: {}",
        messages.join(" | ")
    ));
}

#[test]
fn deep_nesting_is_refused_and_nothing_is_written() {
    let log = Test::with_fixture();
    let mut messages = Vec::new();
    for depth in [40, 100_000] {
        let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let bad = format!(
            r#"{{"kind":"entity.registered","valid":"2024","payload":{{"id":"org:deep","type":"org","name":"Deep","aliases":{nested}}},"quote":"The organisations listed in the annex registered with the Group."}}"#
        );
        let file = events_file(&log, &format!("deep{depth}"), bad.as_bytes());
        messages.push(refused(
            &log,
            &["ingest", path_str(&file)],
            None,
            &["events.jsonl:3", "nested"],
        ));
        let line = append_line("deep").replace(r#""value":1"#, &format!(r#""value":{nested}"#));
        messages.push(refused(
            &log,
            &["append"],
            Some(line.as_bytes()),
            &["nested"],
        ));
    }
    figure(&format!(
        "hostile/deep nesting (40 and 100000 levels): refused, nothing written: {}",
        messages[1]
    ));
}

#[test]
fn invalid_utf8_is_refused_and_nothing_is_written() {
    let log = Test::with_fixture();
    let mut bad = event_with_quote("The organisations listed").into_bytes();
    bad.splice(10..10, [0xff, 0xfe]);
    let file = events_file(&log, "utf8", &bad);
    let m1 = refused(
        &log,
        &["ingest", path_str(&file)],
        None,
        &["events.jsonl:3", "UTF-8"],
    );
    // A source document that is not UTF-8 text.
    let folder = log.dir().join("latin1");
    std::fs::create_dir_all(folder.join("sources")).expect("folder");
    let text = b"Caf\xe9 society registered with the Group.\n";
    std::fs::write(folder.join("sources/doc.txt"), text).expect("doc");
    std::fs::write(
        folder.join("events.jsonl"),
        format!("{}\n", header_line("sources/doc.txt", text)),
    )
    .expect("events");
    let m2 = refused(
        &log,
        &["ingest", path_str(&folder)],
        None,
        &["events.jsonl:1", "UTF-8"],
    );
    figure(&format!(
        "hostile/invalid UTF-8 (event line, document): refused, nothing written: {m1} | {m2}"
    ));
}

#[test]
fn invalid_utf8_on_standard_input_is_refused_as_bad_input() {
    let log = Test::with_fixture();
    let mut line = append_line("utf8").into_bytes();
    line.splice(20..20, [0xc3, 0x28]);
    refused(&log, &["append"], Some(&line), &["standard input", "UTF-8"]);
}

#[test]
fn nul_bytes_are_refused_and_nothing_is_written() {
    let log = Test::with_fixture();
    let mut bad = event_with_quote("The organisations listed").into_bytes();
    bad.insert(20, 0);
    let file = events_file(&log, "nul", &bad);
    let m1 = refused(
        &log,
        &["ingest", path_str(&file)],
        None,
        &["events.jsonl:3", "NUL"],
    );
    let mut line = append_line("nul").into_bytes();
    line.insert(30, 0);
    let m2 = refused(&log, &["append"], Some(&line), &[]);
    // An escaped NUL inside a quote: the quote is not in the document.
    let escaped = append_line("nul2").replace("Children", "Chil\\u0000dren");
    let m3 = refused(&log, &["append"], Some(escaped.as_bytes()), &["quote"]);
    figure(&format!(
        "hostile/NUL bytes (file, stdin raw, stdin escaped): refused, nothing written: {m1} | {m2} | {m3}"
    ));
}

#[test]
fn a_document_outside_the_events_folder_is_refused_and_nothing_is_written() {
    let log = Test::with_fixture();
    let outside = tempfile::tempdir().expect("outside");
    std::fs::write(outside.path().join("secret.txt"), SYNTHETIC_TEXT).expect("secret");
    let secret = outside.path().join("secret.txt");
    let good_line = json!({"id": "escape-good", "kind": "entity.registered", "valid": "2024",
        "payload": {"id": "org:escape", "type": "org", "name": "Escape"},
        "quote": "The organisations listed in the annex registered with the Group."})
    .to_string();
    let mut messages = Vec::new();
    let cases: Vec<(&str, String)> = vec![
        ("dotdot", "../../etc/passwd".into()),
        (
            "dotdot-secret",
            format!("../../{}", secret.strip_prefix("/").expect("abs").display()),
        ),
        ("absolute", path_str(&secret).to_owned()),
        ("absolute-passwd", "/etc/passwd".into()),
        ("inner-dotdot", "sources/../../x.txt".into()),
        ("backslash", "sources\\..\\..\\x.txt".into()),
        ("symlink", "sources/link.txt".into()),
        ("symlinked-folder", "linked/secret.txt".into()),
    ];
    for (name, file) in cases {
        let folder = log.dir().join(format!("escape-{name}"));
        std::fs::create_dir_all(folder.join("sources")).expect("folder");
        std::os::unix::fs::symlink(&secret, folder.join("sources/link.txt")).expect("symlink");
        std::os::unix::fs::symlink(outside.path(), folder.join("linked")).expect("symlink");
        // The header declares the right hash: only the path is wrong.
        let header = header_line(&file, SYNTHETIC_TEXT.as_bytes());
        std::fs::write(
            folder.join("events.jsonl"),
            format!("{header}\n{good_line}\n"),
        )
        .expect("events");
        messages.push(refused(
            &log,
            &["ingest", path_str(&folder)],
            None,
            &["events.jsonl:1", "file"],
        ));
    }
    figure(&format!(
        "hostile/document outside the events folder (../, absolute, backslash, symlinked file, symlinked folder: 8 cases): refused, nothing written: {}",
        messages[0]
    ));
}

#[test]
fn escaped_nul_and_control_characters_in_payload_text_are_refused() {
    let log = Test::with_fixture();
    for name in ["Nul\u{0}Name", "Red\u{1b}[31mName", "Bell\u{7}"] {
        let line = json!({"kind": "entity.registered", "valid": "2024",
            "payload": {"id": "org:control", "type": "org", "name": name},
            "source": FIXTURE_SHA, "quote": FIXTURE_STATISTIC_SENTENCE})
        .to_string();
        refused(
            &log,
            &["append"],
            Some(line.as_bytes()),
            &["control character"],
        );
    }
}
