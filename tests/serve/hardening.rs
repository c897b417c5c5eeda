//! The serve items of the hostile review (issue 21: 8, 13, 16; issue 23's document
//! prefixes): each test makes the attack and checks the answer.

use crate::common::Server;

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
