//! Fuzzes the event-line parser and validator: any bytes given as one line of an events
//! file (or to `append`) must be refused with a `Problem` or accepted as an event whose
//! stored form is canonical and reads back as the same event. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policylog::canonical;
use policylog::document::SearchableText;
use policylog::entity::Sha256;
use policylog::event::upcast;
use policylog::event::validate::{self, Source};

/// The document every fuzzed line may quote from (the fixture's sentences).
const TEXT: &str = "In 2023, ICAT is co-chaired by the International Organization for Migration (IOM) \
and the Office of the Special Representative of the Secretary-General on Violence against Children \
(OSRSG-VAC). Children comprise approximately 35 percent of detected victims. The EU Anti-Trafficking \
Directive is under revision. ICAT’s “long-term” priorities.\n";

fuzz_target!(|data: &[u8]| {
    // The file reader refuses non-UTF-8 and NUL before the parser sees a line.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.contains('\0') || text.contains('\n') {
        return;
    }
    let Ok(line) = validate::parse_line(text) else {
        return;
    };
    let sha = Sha256::of(TEXT.as_bytes());
    let searchable = SearchableText::new(TEXT);
    let with_source = line.source.is_some() || line.kind.len() % 2 == 0;
    let source = with_source.then_some(Source {
        sha256: &sha,
        text: &searchable,
    });
    let Ok(event) = validate::check(line, source) else {
        return;
    };
    // The stored payload is canonical: canonicalising it again changes no byte.
    let again = canonical::from_json_text(&event.payload).expect("stored payload is JSON");
    assert_eq!(again, event.payload, "stored payload is not canonical");
    // It reads back (upcast, decode) as the same event.
    let decoded = upcast::decode(event.event.kind(), event.version, &event.payload)
        .expect("a stored payload decodes");
    assert_eq!(
        decoded, event.event,
        "payload does not read back as the same event"
    );
    assert_eq!(
        canonical::to_string(&decoded.payload_value()),
        event.payload,
        "decoded payload re-serialises differently"
    );
    // The quote span lies inside the document.
    if let Some((start, end)) = event.quote_span {
        assert!(
            start < end && end <= TEXT.chars().count(),
            "quote span out of the text"
        );
    }
});
