//! The server itself: what it prints, the page and its assets, the request bounds, and a
//! clean stop on SIGTERM.

use std::time::Duration;

use crate::harness::Server;

#[test]
fn it_says_where_it_listens_on_loopback() {
    let server = Server::start();
    let port: u16 = server
        .url
        .strip_prefix("http://127.0.0.1:")
        .expect("loopback")
        .parse()
        .expect("a port");
    assert!(port > 0);
}

#[test]
fn the_page_is_served_from_the_binary() {
    let server = Server::start();
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert_eq!(page.content_type, "text/html; charset=utf-8");
    assert!(page.body.contains(r#"<input type="date" id="as-of""#));
    assert!(page.body.contains(r#"id="compare""#));
    assert!(page.body.contains(r#"src="/assets/app.js""#));
    let csp = page.header("content-security-policy").expect("a CSP");
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"));
    // Works offline: nothing on the page or in its assets points elsewhere.
    assert!(!page.body.contains("http://") && !page.body.contains("https://"));
    for (file, content_type) in [
        ("app.js", "text/javascript; charset=utf-8"),
        ("style.css", "text/css; charset=utf-8"),
    ] {
        let asset = server.get(&format!("/assets/{file}"));
        assert_eq!(asset.status, 200, "{file}");
        assert_eq!(asset.content_type, content_type, "{file}");
        let outside = asset
            .body
            .replace("http://www.w3.org/2000/svg", "")
            .contains("://");
        assert!(!outside, "{file} refers to another server");
    }
    assert_eq!(server.get("/assets/nope.js").status, 404);
}

#[test]
fn only_get_and_head_are_answered() {
    let server = Server::start();
    let reply = server.request(server.agent().head(format!("{}/api/health", server.url)));
    assert_eq!(reply.status, 200);
    assert!(reply.body.is_empty());
    let post = server
        .agent()
        .post(format!("{}/api/state", server.url))
        .send("{}")
        .expect("answered");
    let post = crate::harness::reply(post);
    assert_eq!(post.status, 405, "{post:?}");
    let allow = post.header("allow").unwrap_or_default().replace(' ', "");
    assert_eq!(allow, "GET,HEAD");
    assert_eq!(post.json()["status"], 405);
    let delete = server
        .agent()
        .delete(format!("{}/api/entities/org:iom", server.url))
        .call()
        .expect("answered");
    assert_eq!(delete.status(), 405);
}

#[test]
fn a_request_with_a_body_is_refused() {
    let server = Server::start();
    let answer = server.raw(
        b"GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
    );
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("no body"), "{answer}");
    let chunked = server.raw(
        b"GET /api/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    );
    assert!(chunked.starts_with("HTTP/1.1 413"), "{chunked}");
    let empty = server.raw(
        b"GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert!(empty.starts_with("HTTP/1.1 200"), "{empty}");
}

#[test]
fn oversized_headers_are_refused() {
    let server = Server::start();
    let big = format!(
        "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Filler: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(32 * 1024)
    );
    let answer = server.raw(big.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    let long_url = format!(
        "GET /api/state?as_of={} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "9".repeat(32 * 1024)
    );
    let answer = server.raw(long_url.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
}

#[test]
fn sigterm_stops_it_cleanly() {
    let mut server = Server::start();
    assert_eq!(server.get("/api/health").status, 200);
    let (status, took, stderr) = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

#[test]
fn sigterm_ends_open_event_streams_too() {
    let mut server = Server::start();
    let response = server
        .agent()
        .get(format!("{}/api/events/stream?after=0", server.url))
        .call()
        .expect("the stream opens");
    let mut body = response.into_body().into_reader();
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        std::io::Read::read_to_end(&mut body, &mut all).map(|_| all.len())
    });
    std::thread::sleep(Duration::from_millis(300));
    let (status, took, stderr) = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
    let read = reader.join().unwrap();
    assert!(read.is_ok_and(|n| n > 0), "the stream ended cleanly");
}

#[test]
fn a_busy_port_is_an_environment_error() {
    let server = Server::start();
    let addr = server.url.trim_start_matches("http://");
    let output = server
        .run(["serve", "--addr", addr])
        .stderr_contains(addr)
        .failure(3);
    assert!(output.stdout.is_empty(), "{output:?}");
}

#[test]
fn a_bad_address_is_a_usage_error() {
    let server = Server::start();
    server
        .run(["serve", "--addr", "localhost"])
        .db(server.dir().join("x.db"))
        .failure(2);
}
