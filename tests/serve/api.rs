//! The JSON routes: every route's body against the CLI's `--format json`, and every way a
//! parameter can be wrong.

use serde_json::Value;

use crate::harness::{CURATED_EVENTS, Server, curated_event_count};

#[test]
fn health_is_the_log_head() {
    let server = Server::start();
    let reply = server.get("/api/health");
    assert_eq!(reply.status, 200);
    // The head as `head --json` gives it, but for the anchor, which only the CLI prints.
    let mut head: serde_json::Value =
        serde_json::from_str(&server.cli(&["head", "--json"])).unwrap();
    head.as_object_mut().unwrap().remove("anchor");
    assert_eq!(reply.json(), head);
    assert_eq!(reply.json()["seq"], curated_event_count());
    server.get("/api/health?x=1").assert_bad("x");
}

#[test]
fn state_is_the_cli_json() {
    let server = Server::start();
    for (query, args) in [
        ("as_of=2023", vec!["--as-of", "2023"]),
        ("as_of=2020-12-31", vec!["--as-of", "2020-12-31"]),
        (
            "as_of=2023-12-31&group=org:icat",
            vec!["--as-of", "2023-12-31", "--group", "org:icat"],
        ),
        (
            "as_of=2024&known_at=40",
            vec!["--as-of", "2024", "--known-at", "40"],
        ),
        (
            "as_of=2024&known_at=2026-11-23T14:00:00Z",
            vec!["--as-of", "2024", "--known-at", "2026-11-23T14:00:00Z"],
        ),
        (
            "as_of=2024&reported_by=2022",
            vec!["--as-of", "2024", "--reported-by", "2022"],
        ),
        // Empty values count as absent, as a form sends them.
        (
            "as_of=2022-06-30&known_at=&group=",
            vec!["--as-of", "2022-06-30"],
        ),
    ] {
        let reply = server.get(&format!("/api/state?{query}"));
        assert_eq!(reply.status, 200, "{query}: {reply:?}");
        assert_eq!(reply.content_type, "application/json");
        let mut cli = vec!["state", "--format", "json"];
        cli.extend(args);
        assert_eq!(reply.body, server.cli(&cli), "{query}");
    }
}

#[test]
fn state_answers_who_co_chaired_when() {
    let server = Server::start();
    let cochairs = |day: &str| -> Vec<String> {
        let state = server.json(&format!("/api/state?as_of={day}"));
        let mut holders: Vec<String> = state["groups"]["org:icat"]["roles"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["role"] == "co-chair")
            .map(|r| r["holder"].as_str().unwrap().to_owned())
            .collect();
        holders.sort();
        holders
    };
    // The OSCE as UN Women's fellow co-chair, possible only (events/README.md, "Co-chairs").
    assert_eq!(cochairs("2020-12-31"), ["org:osce", "org:un-women"]);
    assert_eq!(cochairs("2022-06-30"), ["org:icmpd", "org:unodc"]);
    assert_eq!(cochairs("2023-12-31"), ["org:iom", "org:osrsg-vac"]);
    // A year is its last day, so these are the same question.
    assert_eq!(
        server.get("/api/state?as_of=2023").body,
        server.get("/api/state?as_of=2023-12-31").body
    );
}

#[test]
fn state_without_a_date_is_today() {
    let server = Server::start();
    let state = server.json("/api/state");
    assert_eq!(
        state,
        serde_json::from_str::<Value>(&server.cli(&["state", "--format", "json"])).unwrap()
    );
}

#[test]
fn state_refuses_bad_parameters_by_name() {
    let server = Server::start();
    for (query, parameter) in [
        ("as_of=2023-02-30", "as_of"),
        ("as_of=yesterday", "as_of"),
        ("as_of=2019/2020", "as_of"),
        ("as_of=2023~", "as_of"),
        ("as_of=2023&as_of=2024", "as_of"),
        ("known_at=yesterday", "known_at"),
        ("known_at=-1", "known_at"),
        ("reported_by=soon", "reported_by"),
        ("group=org:nope", "group"),
        ("asof=2023", "asof"),
        ("as_of=2023&section=roles", "section"),
    ] {
        server
            .get(&format!("/api/state?{query}"))
            .assert_bad(parameter);
    }
}

#[test]
fn a_new_head_is_seen_at_once_despite_the_cache() {
    let server = Server::start();
    let curated = curated_event_count();
    let before = server.json("/api/state?as_of=2023");
    assert_eq!(before["log_head"]["seq"], curated);
    assert!(
        before["groups"]["org:icat"]["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["member"] == "org:cbss")
    );
    server.cli(&["retract", "cbss-joins-icat", "--reason", "test"]);
    let after = server.json("/api/state?as_of=2023");
    assert_eq!(after["log_head"]["seq"], curated + 1);
    assert!(
        after["groups"]["org:icat"]["members"]
            .as_array()
            .is_none_or(|m| m.iter().all(|m| m["member"] != "org:cbss"))
    );
    assert_eq!(
        server.get("/api/state?as_of=2023").body,
        server.cli(&["state", "--as-of", "2023", "--format", "json"])
    );
}

#[test]
fn diff_is_the_cli_json() {
    let server = Server::start();
    for (query, args) in [
        ("from=2020&to=2023", vec!["2020", "2023"]),
        (
            "from=2022-06-30&to=2024-12-31",
            vec!["2022-06-30", "2024-12-31"],
        ),
        (
            "from=2020&to=2023&section=roles",
            vec!["2020", "2023", "--section", "roles"],
        ),
        (
            "from=2020&to=2024&known_at=60",
            vec!["2020", "2024", "--known-at", "60"],
        ),
        ("from=2023&to=2023", vec!["2023", "2023"]),
    ] {
        let reply = server.get(&format!("/api/diff?{query}"));
        assert_eq!(reply.status, 200, "{query}: {reply:?}");
        let mut cli = vec!["diff", "--format", "json"];
        cli.extend(args);
        assert_eq!(reply.body, server.cli(&cli), "{query}");
    }
    let diff = server.json("/api/diff?from=2020&to=2023&section=roles");
    assert_eq!(diff["sections"].as_array().unwrap().len(), 1);
}

#[test]
fn diff_refuses_bad_parameters_by_name() {
    let server = Server::start();
    for (query, parameter) in [
        ("to=2023", "from"),
        ("from=2020", "to"),
        ("from=2024&to=2022", "from"),
        ("from=2020&to=2023-13", "to"),
        ("from=2020&to=2023&section=people", "section"),
        ("from=2020&to=2023&known_at=x", "known_at"),
        ("from=2020&to=2023&as_of=2021", "as_of"),
    ] {
        server
            .get(&format!("/api/diff?{query}"))
            .assert_bad(parameter);
    }
}

#[test]
fn log_is_the_cli_json() {
    let server = Server::start();
    let sha = first_document_sha(&server);
    let prefix = &sha[..12];
    for (query, args) in [
        (String::new(), vec![]),
        (
            "kind=role.assigned".to_owned(),
            vec!["--kind", "role.assigned"],
        ),
        (
            "kind=call.issued&kind=meeting.held".to_owned(),
            vec!["--kind", "call.issued", "--kind", "meeting.held"],
        ),
        ("entity=org:iom".to_owned(), vec!["--entity", "org:iom"]),
        (
            "from=2022&to=2023-06".to_owned(),
            vec!["--from", "2022", "--to", "2023-06"],
        ),
        (format!("source={prefix}"), vec!["--source", prefix]),
        ("limit=7".to_owned(), vec!["--limit", "7"]),
    ] {
        let reply = server.get(&format!("/api/log?{query}"));
        assert_eq!(reply.status, 200, "{query}: {reply:?}");
        let mut cli = vec!["log", "--format", "json"];
        cli.extend(args.iter().copied());
        assert_eq!(reply.body, server.cli(&cli), "{query}");
    }
    let all = server.json("/api/log");
    assert_eq!(all.as_array().unwrap().len() as i64, curated_event_count());
    // Commas work as well as repeats.
    assert_eq!(
        server.get("/api/log?kind=call.issued,meeting.held").body,
        server
            .get("/api/log?kind=call.issued&kind=meeting.held")
            .body
    );
}

#[test]
fn log_pages_with_after_and_limit() {
    let server = Server::start();
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let page = server.json(&format!("/api/log?limit=50&after={after}"));
        let page = page.as_array().unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 50);
        after = page.last().unwrap()["seq"].as_i64().unwrap();
        seen.extend(page.iter().cloned());
    }
    assert_eq!(Value::Array(seen), server.json("/api/log"));
}

#[test]
fn log_refuses_bad_parameters_by_name() {
    let server = Server::start();
    for (query, parameter) in [
        ("kind=role.given", "kind"),
        ("entity=org:nope", "entity"),
        ("source=ffffffff", "source"),
        ("source=xyz", "source"),
        ("from=2023-02-30", "from"),
        ("to=2019/2020", "to"),
        ("limit=0", "limit"),
        ("limit=10001", "limit"),
        ("limit=ten", "limit"),
        ("after=-1", "after"),
        ("after=1&after=2", "after"),
        ("seq=3", "seq"),
    ] {
        server
            .get(&format!("/api/log?{query}"))
            .assert_bad(parameter);
    }
}

#[test]
fn entities_are_their_history() {
    let server = Server::start();
    for id in [
        "org:iom",
        "org:icat",
        "call:icat-call-accelerated-action-2025",
    ] {
        let reply = server.get(&format!("/api/entities/{id}"));
        assert_eq!(reply.status, 200, "{id}: {reply:?}");
        assert_eq!(reply.body, server.cli(&["history", id, "--json"]), "{id}");
    }
    // Percent-encoded ids are decoded.
    assert_eq!(
        server.get("/api/entities/org%3Aiom").body,
        server.get("/api/entities/org:iom").body
    );
}

#[test]
fn an_unknown_entity_is_404() {
    let server = Server::start();
    let reply = server.get("/api/entities/org:nope");
    assert_eq!(reply.status, 404);
    assert_eq!(reply.content_type, "application/json");
    let body = reply.json();
    assert_eq!(body["status"], 404);
    assert!(
        body["error"].as_str().unwrap().contains("org:nope"),
        "{body}"
    );
    assert!(body.get("parameter").is_none());
}

#[test]
fn documents_carry_their_metadata_and_text() {
    let server = Server::start();
    let listed: Value =
        serde_json::from_str(&server.cli(&["documents", "--format", "json"])).unwrap();
    for doc in listed.as_array().unwrap() {
        let sha = doc["sha256"].as_str().unwrap();
        let body = server.json(&format!("/api/documents/{sha}"));
        let mut metadata = body.clone();
        let text = metadata.as_object_mut().unwrap().remove("text").unwrap();
        assert_eq!(&metadata, doc);
        let file = std::path::Path::new(CURATED_EVENTS).join(doc["file"].as_str().unwrap());
        let on_disk = std::fs::read_to_string(&file).unwrap();
        assert_eq!(text.as_str().unwrap(), on_disk, "{}", file.display());
    }
}

#[test]
fn quote_offsets_point_into_the_document_text() {
    let server = Server::start();
    let events = server.json("/api/log?kind=role.assigned");
    let event = &events[0];
    let doc = server.json(&format!(
        "/api/documents/{}",
        event["source"].as_str().unwrap()
    ));
    let text: Vec<char> = doc["text"].as_str().unwrap().chars().collect();
    let start = event["quote_start"].as_u64().unwrap() as usize;
    let end = event["quote_end"].as_u64().unwrap() as usize;
    let found: String = text[start..end].iter().collect();
    let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(words(&found), words(event["quote"].as_str().unwrap()));
}

#[test]
fn documents_refuse_malformed_and_unknown_hashes() {
    let server = Server::start();
    server.get("/api/documents/not-hex").assert_bad("sha256");
    server
        .get(&format!("/api/documents/{}", "A".repeat(64)))
        .assert_bad("sha256");
    let reply = server.get(&format!("/api/documents/{}", "0".repeat(64)));
    assert_eq!(reply.status, 404, "{reply:?}");
    assert_eq!(reply.json()["status"], 404);
}

#[test]
fn the_timeline_is_the_folded_facts_with_spans() {
    let server = Server::start();
    let timeline = server.json("/api/timeline");
    let facts = timeline["facts"].as_array().unwrap();
    // The facts that count, registrations aside: every other event, less those a
    // retraction or correction took out, with each correction's replacement in its place
    // (unless it registers an entity).
    let log = server.json("/api/log");
    let events = log.as_array().unwrap();
    let kind = |e: &Value| e["kind"].as_str().unwrap().to_owned();
    let meta = |e: &Value| ["event.retracted", "event.corrected"].contains(&kind(e).as_str());
    let targets: Vec<&Value> = events
        .iter()
        .filter(|e| meta(e))
        .map(|e| &e["payload"]["target"])
        .collect();
    let taken_out = events
        .iter()
        .filter(|e| targets.contains(&&e["id"]) && kind(e) != "entity.registered")
        .count();
    let replaced_in = events
        .iter()
        .filter(|e| kind(e) == "event.corrected")
        .filter(|e| e["payload"]["replacement"]["kind"] != "entity.registered")
        .count();
    let others = events
        .iter()
        .filter(|e| !meta(e) && kind(e) != "entity.registered")
        .count();
    let curated = curated_event_count();
    assert_eq!(facts.len(), others - taken_out + replaced_in);
    assert_eq!(timeline["log_head"]["seq"], curated);
    assert_eq!(timeline["entities"]["org:iom"]["acronym"], "IOM");
    let un_women = facts
        .iter()
        .find(|f| f["id"] == "icat-cochair-un-women-2019-2020")
        .unwrap();
    assert_eq!(un_women["valid"], "2019/2020");
    assert_eq!(
        un_women["span"],
        serde_json::json!({
            "point": false,
            "start": ["2019-01-01", "2019-12-31"],
            "end": ["2020-01-01", "2020-12-31"],
            "qualified": false
        })
    );
    assert!(un_women["quote_start"].is_u64());
    // Known at an earlier seq: fewer facts; a retraction takes one out.
    let early = server.json("/api/timeline?known_at=30");
    assert!(early["facts"].as_array().unwrap().len() < facts.len());
    assert_eq!(early["known_at"], 30);
    server.cli(&["retract", "cbss-joins-icat", "--reason", "test"]);
    let after = server.json("/api/timeline");
    assert!(
        after["facts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["id"] != "cbss-joins-icat")
    );
    server
        .get("/api/timeline?known_at=soon")
        .assert_bad("known_at");
    server.get("/api/timeline?as_of=2023").assert_bad("as_of");
}

#[test]
fn unknown_routes_are_404_json() {
    let server = Server::start();
    for path in [
        "/nope",
        "/api",
        "/api/states",
        "/api/state/2023",
        "/api/entities/",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 404, "{path}: {reply:?}");
        assert_eq!(reply.content_type, "application/json", "{path}");
        assert_eq!(reply.json()["status"], 404);
    }
}

fn first_document_sha(server: &Server) -> String {
    let docs: Value =
        serde_json::from_str(&server.cli(&["documents", "--format", "json"])).unwrap();
    docs[0]["sha256"].as_str().unwrap().to_owned()
}
