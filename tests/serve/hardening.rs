//! The serve items of the hostile review (issue 21: 8, 13, 16; issue 23's document
//! prefixes): each test makes the attack and checks the answer.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdout, Command};
use std::sync::{OnceLock, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::harness::{Cmd, Server, spawn};

#[test]
fn log_with_from_after_to_is_refused_naming_from() {
    let server = Server::start();
    for query in [
        "from=2024&to=2022",
        "from=2023-06-01&to=2023-05-31",
        // `from` counts from its first day: a month that starts after `to` is after it.
        "from=2023-06&to=2023-05-31",
    ] {
        server.get(&format!("/api/log?{query}")).assert_bad("from");
    }
    // The other side of the limit: a range of one day, or one year read whole.
    for (query, args) in [
        (
            "from=2023-06-01&to=2023-06-01",
            ["2023-06-01", "2023-06-01"],
        ),
        ("from=2023&to=2023", ["2023", "2023"]),
    ] {
        let reply = server.get(&format!("/api/log?{query}"));
        assert_eq!(reply.status, 200, "{query}: {reply:?}");
        let cli = server.cli(&[
            "log", "--format", "json", "--from", args[0], "--to", args[1],
        ]);
        assert_eq!(reply.body, cli, "{query}");
    }
}

/// A request head of exactly `total` bytes (request line, headers, the blank line):
/// `tiny` fills it with as many 4-byte header lines (`a:` CRLF) as fit, else with one
/// long header.
fn head_of(total: usize, tiny: bool) -> (Vec<u8>, usize) {
    let start = "GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
    let mut head = start.to_owned();
    let mut headers = 2;
    // What is left for the filler lines, less the final CRLF.
    let mut room = total - start.len() - 2;
    if tiny {
        // Keep at least 5 bytes for the last line (`b:x` CRLF) so the total comes out exact.
        while room >= 4 + 5 {
            head.push_str("a:\r\n");
            headers += 1;
            room -= 4;
        }
    }
    head.push_str(&format!("b:{}\r\n", "x".repeat(room - 4)));
    headers += 1;
    head.push_str("\r\n");
    assert_eq!(head.len(), total);
    (head.into_bytes(), headers)
}

#[test]
fn a_head_up_to_16_kib_is_accepted_whatever_its_header_count() {
    let server = Server::start();
    // The review's case: 101 small headers, far below 16 KiB.
    let mut many = "GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n".to_owned();
    for i in 0..101 {
        many.push_str(&format!("X-Header-{i}: {i}\r\n"));
    }
    many.push_str("\r\n");
    let answer = server.raw(many.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // Both sides of 16 KiB, with one long header and with thousands of tiny ones.
    for tiny in [false, true] {
        let (head, count) = head_of(16 * 1024, tiny);
        let answer = server.raw(&head);
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "16384 bytes, {count} headers: {answer}"
        );
        let (head, count) = head_of(16 * 1024 + 1, tiny);
        let answer = server.raw(&head);
        assert!(
            answer.starts_with("HTTP/1.1 431"),
            "16385 bytes, {count} headers: {answer}"
        );
        if tiny {
            assert!(count > 4000, "{count}");
        }
    }
}

/// Ingests, while the server runs, a document (header only) whose sha256 starts with the
/// same hex digit as `like`'s, so that this digit names two documents. Returns its sha256.
fn ingest_document_sharing_a_digit_with(server: &Server, like: &str) -> String {
    use sha2::Digest;
    let folder = server.dir().join("probe-events");
    std::fs::create_dir_all(folder.join("sources")).unwrap();
    let (text, sha) = (0..)
        .map(|n| format!("A probe document, number {n}.\n"))
        .map(|text| {
            let sha = format!("{:x}", sha2::Sha256::digest(text.as_bytes()));
            (text, sha)
        })
        .find(|(_, sha)| sha[..1] == like[..1] && sha[..2] != like[..2])
        .unwrap();
    std::fs::write(folder.join("sources/probe.txt"), &text).unwrap();
    let header = serde_json::json!({"document": {
        "file": "sources/probe.txt", "sha256": sha, "title": "Probe",
        "publisher": "Test", "published": "2024"}});
    std::fs::write(folder.join("probe.jsonl"), format!("{header}\n")).unwrap();
    server.cli(&["ingest", folder.to_str().unwrap()]);
    sha
}

#[test]
fn documents_take_a_unique_sha256_prefix_as_the_cli_does() {
    let server = Server::start();
    let listed: serde_json::Value =
        serde_json::from_str(&server.cli(&["documents", "--format", "json"])).unwrap();
    let sha = listed[0]["sha256"].as_str().unwrap().to_owned();
    let whole = server.get(&format!("/api/documents/{sha}"));
    assert_eq!(whole.status, 200, "{whole:?}");
    // The CLI takes a prefix (`log --source`); so does the route, from 12 digits down to
    // the shortest one that names a single document.
    for digits in [12, 6] {
        let reply = server.get(&format!("/api/documents/{}", &sha[..digits]));
        assert_eq!(reply.status, 200, "{digits} digits: {reply:?}");
        assert_eq!(reply.body, whole.body, "{digits} digits");
    }
    let probe = ingest_document_sharing_a_digit_with(&server, &sha);
    // One digit now starts two sha256s: refused, naming both.
    let ambiguous = server.get(&format!("/api/documents/{}", &sha[..1]));
    ambiguous.assert_bad("sha256");
    let message = ambiguous.json()["error"].as_str().unwrap().to_owned();
    assert!(
        message.contains(&sha) && message.contains(&probe),
        "{message}"
    );
    // Two digits tell them apart again.
    assert_eq!(
        server.get(&format!("/api/documents/{}", &sha[..2])).body,
        whole.body
    );
    let reply = server.get(&format!("/api/documents/{}", &probe[..2]));
    assert_eq!(reply.json()["sha256"], probe.as_str());
    // Well-formed prefixes of no document are 404; anything but lower-case hex, 400.
    let taken: Vec<String> = std::iter::once(probe.clone())
        .chain(
            listed
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["sha256"].as_str().unwrap().to_owned()),
        )
        .map(|sha| sha[..2].to_owned())
        .collect();
    let free = (0..=255u8)
        .map(|b| format!("{b:02x}"))
        .find(|p| !taken.contains(p))
        .unwrap();
    for unknown in [free.clone(), format!("{free}{}", &sha[2..])] {
        let reply = server.get(&format!("/api/documents/{unknown}"));
        assert_eq!(reply.status, 404, "{unknown}: {reply:?}");
        assert_eq!(reply.json()["status"], 404);
    }
    for bad in ["xyz".to_owned(), sha.to_uppercase(), format!("{sha}0")] {
        server
            .get(&format!("/api/documents/{bad}"))
            .assert_bad("sha256");
    }
}

/// One server-sent message: its `event:` (empty for an event of the log), `id:`, `data:`.
#[derive(Debug)]
struct Message {
    event: String,
    id: Option<String>,
    data: serde_json::Value,
}

/// Opens `/api/events/stream?after=SEQ`; the messages arrive on the channel, which
/// disconnects when the server ends the stream.
fn stream_after(server: &Server, after: i64) -> mpsc::Receiver<Message> {
    let response = server
        .agent()
        .get(format!("{}/api/events/stream?after={after}", server.url))
        .call()
        .expect("the stream opens");
    assert_eq!(response.status(), 200);
    let reader = BufReader::new(response.into_body().into_reader());
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let (mut event, mut id, mut data) = (String::new(), None, String::new());
        for line in reader.lines() {
            let Ok(line) = line else { return };
            if let Some(v) = line.strip_prefix("event:") {
                event = v.trim().to_owned();
            } else if let Some(v) = line.strip_prefix("id:") {
                id = Some(v.trim().to_owned());
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push_str(v.trim_start());
            } else if line.is_empty() && !data.is_empty() {
                let message = Message {
                    event: std::mem::take(&mut event),
                    id: id.take(),
                    data: serde_json::from_str(&std::mem::take(&mut data)).expect("JSON"),
                };
                if tx.send(message).is_err() {
                    return;
                }
            }
        }
    });
    rx
}

fn next(rx: &mpsc::Receiver<Message>) -> Message {
    rx.recv_timeout(Duration::from_secs(10))
        .expect("a message within 10 s")
}

fn head_seq(server: &Server) -> i64 {
    server.json("/api/health")["seq"].as_i64().unwrap()
}

/// A consistent copy of the log as it is now (its `-wal` included), at `to`.
fn copy_log(from: &Path, to: &Path) {
    let conn =
        rusqlite::Connection::open_with_flags(from, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    conn.execute("VACUUM INTO ?1", [to.to_str().unwrap()])
        .unwrap();
}

/// Moves `with` over the log at `db`, as a restore from a copy does: the new file takes
/// the path, the old write-ahead files go.
fn replace_log(db: &Path, with: &Path) {
    std::fs::rename(with, db).unwrap();
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", db.display()));
    }
}

/// Asserts the stream's next message is the error about a replaced log, and its end.
fn assert_ends_replaced(rx: &mpsc::Receiver<Message>, seq: i64) {
    let error = next(rx);
    assert_eq!(error.event, "error", "{error:?}");
    // A browser reconnecting from this id asks for the whole log anew.
    assert_eq!(error.id.as_deref(), Some("0"), "{error:?}");
    assert_eq!(error.data["status"], 409, "{error:?}");
    let text = error.data["error"].as_str().unwrap();
    assert!(text.starts_with("the log was replaced"), "{text}");
    assert!(text.contains(&format!("seq {seq}")), "{text}");
    assert!(text.contains("after=0"), "{text}");
    assert!(
        matches!(
            rx.recv_timeout(Duration::from_secs(10)),
            Err(mpsc::RecvTimeoutError::Disconnected)
        ),
        "the stream ends after the error"
    );
}

#[test]
fn a_stream_whose_log_is_replaced_by_another_chain_ends_with_an_error() {
    let server = Server::start();
    let head = head_seq(&server);
    let copy = server.dir().join("copy.db");
    copy_log(server.db(), &copy);
    let rx = stream_after(&server, head - 1);
    assert_eq!(next(&rx).id, Some(head.to_string()));
    server.cli(&["retract", "cbss-joins-icat", "--reason", "live"]);
    let sent = next(&rx);
    assert_eq!(sent.id, Some((head + 1).to_string()));
    // The copy grows by another event at the same seq: as long, another chain.
    run_cli(
        &copy,
        &["retract", "icat-cochair-icmpd-2022", "--reason", "other"],
    );
    replace_log(server.db(), &copy);
    assert_ends_replaced(&rx, head + 1);
}

#[test]
fn a_stream_whose_log_is_replaced_by_an_older_copy_ends_with_an_error() {
    let server = Server::start();
    let head = head_seq(&server);
    let copy = server.dir().join("copy.db");
    copy_log(server.db(), &copy);
    let rx = stream_after(&server, head);
    server.cli(&["retract", "cbss-joins-icat", "--reason", "live"]);
    server.cli(&["retract", "icat-cochair-icmpd-2022", "--reason", "live"]);
    assert_eq!(next(&rx).id, Some((head + 1).to_string()));
    assert_eq!(next(&rx).id, Some((head + 2).to_string()));
    // The backup from before both: the head goes back.
    replace_log(server.db(), &copy);
    assert_ends_replaced(&rx, head + 2);
    // A new stream reads the log as it is now.
    let rx = stream_after(&server, head - 1);
    assert_eq!(next(&rx).id, Some(head.to_string()));
    assert!(rx.recv_timeout(Duration::from_millis(600)).is_err());
}

#[test]
fn a_stream_whose_log_is_replaced_by_a_longer_copy_of_itself_goes_on() {
    let server = Server::start();
    let head = head_seq(&server);
    let rx = stream_after(&server, head);
    server.cli(&["retract", "cbss-joins-icat", "--reason", "live"]);
    let sent = next(&rx);
    assert_eq!(sent.id, Some((head + 1).to_string()));
    // A copy of the log as sent, grown by one event, put in its place: it continues
    // what the stream sent, so the stream goes on with the new event, and no error.
    let copy = server.dir().join("copy.db");
    copy_log(server.db(), &copy);
    run_cli(
        &copy,
        &["retract", "icat-cochair-icmpd-2022", "--reason", "copy"],
    );
    replace_log(server.db(), &copy);
    let more = next(&rx);
    assert_eq!(more.event, "", "{more:?}");
    assert_eq!(more.id, Some((head + 2).to_string()));
    assert_eq!(more.data["prev_hash"], sent.data["hash"]);
    assert_eq!(more.data["payload"]["target"], "icat-cochair-icmpd-2022");
}

/// A synthetic log of 10,000 events (`policylog-bench --generate`, then `ingest`), made
/// once for the tests whose answers must take a while: a timeline of it takes seconds on
/// the debug build. Each test serves its own copy.
fn synthetic_log() -> &'static Path {
    static LOG: OnceLock<TempDir> = OnceLock::new();
    let dir = LOG.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("policylog-serve-synthetic-")
            .tempdir()
            .unwrap();
        let generated = Command::new(env!("CARGO_BIN_EXE_policylog-bench"))
            .args(["--events", "10000", "--generate"])
            .arg(dir.path().join("gen"))
            .output()
            .expect("policylog-bench runs");
        assert!(generated.status.success(), "{generated:?}");
        let folder = String::from_utf8(generated.stdout).unwrap();
        run_cli(
            &dir.path().join("log.db"),
            &["--quiet", "ingest", folder.trim()],
        );
        dir
    });
    dir.path()
}

/// `policylog serve` on a copy of the synthetic log, killed when dropped.
struct Synthetic {
    url: String,
    child: Child,
    _stdout: BufReader<ChildStdout>,
    _dir: TempDir,
}

impl Synthetic {
    fn start() -> Synthetic {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("log.db");
        std::fs::copy(synthetic_log().join("log.db"), &db).unwrap();
        let (child, stdout, url) = spawn(&db, &["--addr", "127.0.0.1:0"]);
        Synthetic {
            url,
            child,
            _stdout: stdout,
            _dir: dir,
        }
    }

    fn addr(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    /// CPU time the server has used so far (user and system), from /proc.
    fn cpu(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        // The fields after the command name, which is in parentheses: state is the first,
        // utime and stime the 12th and 13th.
        let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        // SAFETY: sysconf has no preconditions.
        let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
        Duration::from_millis(ticks * 1000 / per_second)
    }

    /// CPU the server uses over `window`, from now.
    fn cpu_over(&self, window: Duration) -> Duration {
        let before = self.cpu();
        thread::sleep(window);
        self.cpu() - before
    }
}

impl Drop for Synthetic {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_request_whose_client_goes_away_stops_computing() {
    let server = Synthetic::start();
    // Idle, the server uses next to nothing: the baseline to compare with.
    let idle = server.cpu_over(Duration::from_millis(500));
    // A timeline of the whole log takes seconds of CPU here; the client leaves once the
    // server has spent 100 ms on it (however busy the machine is).
    let mut tcp = TcpStream::connect(server.addr()).unwrap();
    let before = server.cpu();
    tcp.write_all(b"GET /api/timeline?known_at=9000 HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let asked = Instant::now();
    while server.cpu() - before < Duration::from_millis(100) {
        assert!(
            asked.elapsed() < Duration::from_secs(10),
            "the request was not computing"
        );
        thread::sleep(Duration::from_millis(20));
    }
    drop(tcp);
    thread::sleep(Duration::from_millis(200));
    let after = server.cpu_over(Duration::from_millis(1500));
    assert!(
        after < idle * 3 + Duration::from_millis(150),
        "the server went on computing for a client that had gone: {after:?} of CPU in \
         1.5 s after it left (idle: {idle:?} in 0.5 s)"
    );
}

#[test]
fn heavy_requests_beyond_two_at_once_get_503_with_retry_after_quickly() {
    let server = Synthetic::start();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    // Six timelines at once, each a question of its own (nothing cached), each seconds
    // of work here.
    let asked: Vec<_> = (0..6)
        .map(|i| {
            let (agent, url) = (agent.clone(), server.url.clone());
            thread::spawn(move || {
                let started = Instant::now();
                let reply = crate::harness::reply(
                    agent
                        .get(format!("{url}/api/timeline?known_at={}", 9000 + i))
                        .call()
                        .unwrap(),
                );
                (reply, started.elapsed())
            })
        })
        .collect();
    let replies: Vec<_> = asked.into_iter().map(|t| t.join().unwrap()).collect();
    let answered = replies.iter().filter(|(r, _)| r.status == 200).count();
    let refused: Vec<_> = replies
        .iter()
        .filter(|(r, _)| r.status == 503 && r.header("retry-after") == Some("1"))
        .collect();
    let statuses: Vec<_> = replies.iter().map(|(r, t)| (r.status, *t)).collect();
    assert!(answered >= 1, "{statuses:?}");
    assert!(!refused.is_empty(), "none refused: {statuses:?}");
    for (reply, took) in &refused {
        // Refused after waiting its second for a turn, not after the 10 s deadline.
        assert!(*took < Duration::from_secs(4), "{took:?}: {reply:?}");
        let error = reply.json();
        assert!(
            error["error"].as_str().unwrap().contains("retry"),
            "{error}"
        );
    }
    // Nothing goes on once every client has its answer.
    let after = server.cpu_over(Duration::from_millis(1000));
    assert!(
        after < Duration::from_millis(150),
        "{after:?} of CPU after the answers"
    );
}

/// The CLI on the log at `db`, which must succeed; returns its standard output.
fn run_cli(db: &Path, args: &[&str]) -> String {
    Cmd::new(db.parent().expect("a log path has a folder"), Some(db))
        .args(args)
        .success()
        .stdout
}
