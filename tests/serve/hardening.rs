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
