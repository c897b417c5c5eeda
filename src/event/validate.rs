//! Validation of one event line, apart from what needs the log (references, duplicates,
//! the chain): every refusal that can be decided from the line and its source document.

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::{Event, EventLine, Line, NewEvent, Payload, VOCABULARY_VERSION, upcast};
use crate::clock::Stamp;
use crate::date::ValidTime;
use crate::document::SearchableText;
use crate::entity::{EventId, Sha256};
use crate::error::Problem;

/// Longest line an events file may hold (a guard against runaway input).
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// Deepest JSON nesting accepted in a line.
const MAX_DEPTH: usize = 32;

/// Parses the text of one line as an event line.
pub fn parse_line(text: &str) -> Result<EventLine, Problem> {
    guard(text)?;
    let line = serde_json::from_str(text).map_err(|e| Problem::MalformedJson(e.to_string()))?;
    super::json_text::check(text).map_err(Problem::BadField)?;
    Ok(line)
}

/// Parses one line for ingest: a well-formed line of the current vocabulary whose `kind`
/// comes before its `payload` (as every writer of events files puts them) is read straight
/// into its typed event, in one pass and without a `Value`. Any other line, well-formed
/// or not, is read again by `parse_line`, so that what it accepts and the messages it
/// gives are those of the one path.
pub fn read_line(text: &str) -> Result<Line, Problem> {
    guard(text)?;
    if let Ok(Decoded(line)) = serde_json::from_str(text) {
        super::json_text::check(text).map_err(Problem::BadField)?;
        return Ok(line);
    }
    if text.contains("\"order\"") {
        let line = read_ordered_line(text)?;
        super::json_text::check(text).map_err(Problem::BadField)?;
        return Ok(line);
    }
    parse_line(text).map(Line::from)
}

/// A line of an events file with an `order` hint that the fast path did not take (an older
/// vocabulary version, fields in another order): the hint is taken off, the rest read as
/// any line. Only files that need the hint (export writes it rarely) pay for the detour.
fn read_ordered_line(text: &str) -> Result<Line, Problem> {
    let mut value: Value =
        serde_json::from_str(text).map_err(|e| Problem::MalformedJson(e.to_string()))?;
    let order = match value.as_object_mut().and_then(|o| o.remove("order")) {
        None => None,
        Some(hint) => Some(hint.as_u64().ok_or_else(|| {
            Problem::BadField("`order` must be a whole number (0 or more)".into())
        })?),
    };
    let line: EventLine =
        serde_json::from_value(value).map_err(|e| Problem::MalformedJson(e.to_string()))?;
    let mut line = Line::from(line);
    line.order = order;
    Ok(line)
}

fn guard(text: &str) -> Result<(), Problem> {
    if text.starts_with('\u{feff}') {
        return Err(Problem::MalformedJson(
            "the text starts with a byte-order mark (U+FEFF), which JSON does not allow; save it as UTF-8 without a BOM".into(),
        ));
    }
    if text.len() > MAX_LINE_BYTES {
        return Err(Problem::MalformedJson(format!(
            "the line is {} bytes long; at most {MAX_LINE_BYTES} are accepted",
            text.len()
        )));
    }
    if nesting_depth(text) > MAX_DEPTH {
        return Err(Problem::MalformedJson(format!(
            "JSON nested deeper than {MAX_DEPTH} levels"
        )));
    }
    Ok(())
}

/// A line decoded by `read_line`'s fast path. Its errors are never shown: they only send
/// the line to `parse_line`.
struct Decoded(Line);

impl<'de> Deserialize<'de> for Decoded {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Decoded, D::Error> {
        d.deserialize_map(LineVisitor)
    }
}

struct LineVisitor;

impl<'de> Visitor<'de> for LineVisitor {
    type Value = Decoded;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an event line")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decoded, A::Error> {
        let mut line = Line {
            id: None,
            kind: String::new(),
            version: None,
            valid: String::new(),
            payload: Payload::Json(Value::Null),
            source: None,
            quote: None,
            recorded_at: None,
            recorded_by: None,
            order: None,
        };
        // One bit per field, as in `EventLine`'s field order (then the line's `order`
        // hint): a field given twice is refused.
        let mut seen = 0u16;
        while let Some(key) = map.next_key::<&str>()? {
            const FIELDS: [&str; 10] = [
                "id",
                "kind",
                "version",
                "valid",
                "payload",
                "source",
                "quote",
                "recorded_at",
                "recorded_by",
                "order",
            ];
            let Some(bit) = FIELDS.iter().position(|f| *f == key) else {
                return Err(de::Error::custom("unknown field"));
            };
            if seen & (1 << bit) != 0 {
                return Err(de::Error::custom("duplicate field"));
            }
            seen |= 1 << bit;
            match bit {
                0 => line.id = map.next_value()?,
                1 => line.kind = map.next_value()?,
                2 => line.version = map.next_value()?,
                3 => line.valid = map.next_value()?,
                4 => {
                    if seen & 0b10 == 0 {
                        return Err(de::Error::custom("payload before kind"));
                    }
                    let event = map.next_value_seed(PayloadSeed(&line.kind))?;
                    line.payload = Payload::Decoded(event);
                }
                5 => line.source = map.next_value()?,
                6 => line.quote = map.next_value()?,
                7 => line.recorded_at = map.next_value::<Option<String>>()?.map(Stamp::read),
                8 => line.recorded_by = map.next_value()?,
                _ => line.order = Some(map.next_value()?),
            }
        }
        // kind, valid and payload are required; the payload is read as the current
        // vocabulary, so an older version goes through the upcasters instead.
        if seen & 0b11010 != 0b11010 || line.version.is_some_and(|v| v != VOCABULARY_VERSION) {
            return Err(de::Error::custom("not for the fast path"));
        }
        Ok(Decoded(line))
    }
}

struct PayloadSeed<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for PayloadSeed<'_> {
    type Value = Event;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Event, D::Error> {
        Event::payload_from(self.0, d).unwrap_or_else(|| Err(de::Error::custom("unknown kind")))
    }
}

/// A source document as validation needs it.
pub struct Source<'a> {
    pub sha256: &'a Sha256,
    pub text: &'a SearchableText,
}

/// Checks a line against the vocabulary, its dates and its source.
pub fn check(line: impl Into<Line>, source: Option<Source<'_>>) -> Result<NewEvent, Problem> {
    let line = line.into();
    let version = line.version.unwrap_or(1);
    if !Event::KINDS.contains(&line.kind.as_str()) {
        return Err(Problem::UnknownKind {
            kind: line.kind,
            vocabulary: &Event::KINDS,
        });
    }
    let id = line
        .id
        .as_deref()
        .map(EventId::parse)
        .transpose()
        .map_err(Problem::BadField)?;
    let valid = ValidTime::parse(&line.valid).map_err(|e| Problem::BadDate {
        field: "valid",
        reason: e.to_string(),
    })?;
    let event = match line.payload {
        Payload::Decoded(event) => event,
        Payload::Json(payload) if !payload.is_object() => {
            return Err(Problem::BadPayload {
                kind: line.kind,
                reason: "`payload` must be a JSON object".into(),
            });
        }
        Payload::Json(payload) => {
            upcast::from_value(&line.kind, version, payload).map_err(|reason| {
                Problem::BadPayload {
                    kind: line.kind.clone(),
                    reason,
                }
            })?
        }
    };
    check_payload(&event)?;

    let quote = line.quote.filter(|q| !q.trim().is_empty());
    let needs_evidence = !matches!(event, Event::EventRetracted(_));
    let (source_sha, quote_span) = match (source, &quote) {
        (Some(source), Some(q)) => {
            let span = source
                .text
                .find(q)
                .ok_or_else(|| Problem::QuoteNotInSource {
                    document: source.sha256.short().to_owned(),
                    quote: crate::entity::truncate(q, 160),
                    // Searched only now that the quote failed: found quotes pay nothing.
                    closest: source.text.closest(q).map(Box::new),
                })?;
            (Some(source.sha256.clone()), Some(span))
        }
        (Some(_), None) if needs_evidence => {
            return Err(Problem::BadField(
                "`quote` is missing: every fact cites the sentence that supports it".into(),
            ));
        }
        (None, _) if needs_evidence => {
            return Err(Problem::BadField(
                "`source` is missing: every fact cites a document already in the log".into(),
            ));
        }
        (None, Some(_)) => {
            return Err(Problem::BadField(
                "a `quote` needs a `source` document".into(),
            ));
        }
        (source, None) => (source.map(|s| s.sha256.clone()), None),
    };
    if let Some(at) = &line.recorded_at {
        at.time().map_err(Problem::RecordedAt)?;
    }
    if let Some(by) = &line.recorded_by
        && (by.trim().is_empty() || by.len() > 200 || by.chars().any(char::is_control))
    {
        return Err(Problem::BadField(
            "`recorded_by` must be a short non-empty name on one line, without control characters"
                .into(),
        ));
    }

    let payload = event.canonical_payload();
    if may_hold_control(&payload)
        && let Some(field) = control_character(&event.payload_value(), "payload")
    {
        return Err(Problem::BadField(format!(
            "`{field}` holds a control character; write plain text (tabs and line breaks are fine)"
        )));
    }
    let id = id.unwrap_or_else(|| {
        EventId::derived(&content_hash(
            &event,
            &valid,
            &payload,
            source_sha.as_ref(),
            &quote,
        ))
    });
    Ok(NewEvent {
        id,
        version,
        valid,
        event,
        payload,
        source: source_sha,
        quote,
        quote_span,
        recorded_at: line.recorded_at,
        recorded_by: line.recorded_by,
    })
}

fn check_payload(event: &Event) -> Result<(), Problem> {
    for (field, text) in event.payload_dates() {
        ValidTime::parse(text).map_err(|e| Problem::BadDate {
            field,
            reason: e.to_string(),
        })?;
    }
    if let Some((id, expected)) = event.declares()
        && id.entity_type() != expected
    {
        return Err(Problem::BadPayload {
            kind: event.kind().into(),
            reason: format!("`{id}` must be a `{}:` id here", expected.as_str()),
        });
    }
    match event {
        Event::EntityRegistered(e) if e.name.trim().is_empty() => Err(Problem::BadPayload {
            kind: event.kind().into(),
            reason: "`name` is empty".into(),
        }),
        Event::RoleAssigned(r) if r.role.trim().is_empty() => Err(Problem::BadPayload {
            kind: event.kind().into(),
            reason: "`role` is empty".into(),
        }),
        Event::RoleAssigned(r)
            if r.representative
                .as_ref()
                .is_some_and(|p| p.entity_type() != crate::entity::EntityType::Person) =>
        {
            Err(Problem::BadPayload {
                kind: event.kind().into(),
                reason: "`representative` must be a `person:` id".into(),
            })
        }
        Event::EventCorrected(c) if c.replacement.event.is_meta() => Err(Problem::BadPayload {
            kind: event.kind().into(),
            reason: "a replacement must be a fact, not another retraction or correction".into(),
        }),
        Event::EventCorrected(c) => {
            ValidTime::parse(&c.replacement.valid).map_err(|e| Problem::BadDate {
                field: "replacement.valid",
                reason: e.to_string(),
            })?;
            check_payload(&c.replacement.event)
        }
        _ => Ok(()),
    }
}

/// The path of the first string in `value` holding a control character other than tab,
/// line feed or carriage return (a NUL or a terminal escape has no place in a fact).
fn control_character(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::String(s) => s
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            .then(|| path.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| control_character(v, &format!("{path}[{i}]"))),
        Value::Object(map) => map
            .iter()
            .find_map(|(k, v)| control_character(v, &format!("{path}.{k}"))),
        _ => None,
    }
}

/// Whether canonical JSON may hold a control character other than tab, line feed or
/// carriage return, without parsing it: serde_json writes the others below U+0020 as `\b`,
/// `\f` or `\u00XX`, and U+007F to U+009F as they are. Only then is the payload walked
/// (`control_character`) to name the field.
fn may_hold_control(json: &str) -> bool {
    let bytes = json.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if matches!(bytes.get(i + 1), Some(b'b' | b'f' | b'u')) => return true,
            // Skip the escaped byte, so that `\\b` (a backslash, then `b`) is not taken.
            b'\\' => i += 2,
            0x7f => return true,
            0xc2 if matches!(bytes.get(i + 1), Some(0x80..=0x9f)) => return true,
            _ => i += 1,
        }
    }
    false
}

/// The hash an id is derived from when the line gave none.
fn content_hash(
    event: &Event,
    valid: &ValidTime,
    payload: &str,
    source: Option<&Sha256>,
    quote: &Option<String>,
) -> String {
    let text = format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
        event.kind(),
        valid.as_str(),
        payload,
        source.map_or("", Sha256::as_str),
        quote.as_deref().unwrap_or("")
    );
    crate::canonical::sha256_hex(text.as_bytes())
}

/// Depth of `[`/`{` nesting outside strings, without parsing.
fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_ignores_brackets_in_strings() {
        assert_eq!(nesting_depth(r#"{"a":"[[[{{{"}"#), 1);
        assert_eq!(nesting_depth(r#"{"a":[[1]]}"#), 3);
        assert_eq!(nesting_depth(r#"{"a":"\"[["}"#), 1);
    }

    #[test]
    fn unknown_kind_and_missing_field_are_named() {
        let line =
            parse_line(r#"{"kind":"membership.joind","valid":"2020","payload":{}}"#).unwrap();
        assert!(
            matches!(check(line, None), Err(Problem::UnknownKind { kind: k, .. }) if k == "membership.joind")
        );
        let line = parse_line(
            r#"{"kind":"membership.joined","valid":"2020","payload":{"member":"org:a"}}"#,
        )
        .unwrap();
        let err = check(line, None).unwrap_err().to_string();
        assert!(err.contains("missing field `group`"), "{err}");
    }

    /// One line of every kind, each optional field given, including a correction.
    const EVERY_KIND: [&str; 15] = [
        r#"{"kind":"entity.registered","valid":"2020","payload":{"type":"org","name":"N \"q\" é","id":"org:a","aliases":["x","y"],"acronym":"A"}}"#,
        r#"{"kind":"membership.joined","valid":"2020","payload":{"member":"org:a","group":"org:b"}}"#,
        r#"{"kind":"membership.left","valid":"2020","payload":{"member":"org:a","group":"org:b"}}"#,
        r#"{"kind":"role.assigned","valid":"2020","payload":{"role":"co-chair","holder":"org:a","group":"org:b","representative":"person:c"}}"#,
        r#"{"kind":"role.ended","valid":"2020","payload":{"role":"co-chair","holder":"org:a","group":"org:b"}}"#,
        r#"{"kind":"person.represents","valid":"2020","payload":{"title":"T","person":"person:c","org":"org:a"}}"#,
        r#"{"kind":"call.issued","valid":"2020","payload":{"title":"T","target":"2025","issuers":["org:a","org:b"],"call":"call:x","addressees":["all"],"actions":["a1","a2"],"action_count":2}}"#,
        r#"{"kind":"commitment.set","valid":"2020","payload":{"title":"T","owner":"org:a","items":["i"],"commitment":"commitment:x"}}"#,
        r#"{"kind":"commitment.withdrawn","valid":"2020","payload":{"reason":"r","commitment":"commitment:x"}}"#,
        r#"{"kind":"instrument.status","valid":"2020","payload":{"status":"in_force","note":"n","instrument":"instrument:x"}}"#,
        r#"{"kind":"meeting.held","valid":"2020","payload":{"title":"T","place":"P","participants":["org:b"],"organisers":["org:a"],"meeting":"meeting:x"}}"#,
        r#"{"kind":"publication.released","valid":"2020","payload":{"title":"T","publisher":"org:a","publication":"publication:x"}}"#,
        r#"{"kind":"statistic.reported","valid":"2020","payload":{"value":1.5e3,"unit":"people","scope":"s","reported_by":"org:a","qualifier":"about","period":"2019","label":"L","indicator":"indicator:x"}}"#,
        r#"{"kind":"event.retracted","valid":"2020","payload":{"target":"e1","reason":"r"}}"#,
        r#"{"kind":"event.corrected","valid":"2020","payload":{"target":"e1","reason":"r","replacement":{"valid":"2019","payload":{"value":-7,"unit":"u","period":"2018","label":"L","indicator":"indicator:x"},"kind":"statistic.reported"}}}"#,
    ];

    /// Checks a line as if it quoted "the quote" from a document holding it.
    fn checked(line: impl Into<Line>) -> Result<NewEvent, Problem> {
        let mut line = line.into();
        line.quote = Some("the quote".into());
        let sha256 = Sha256::parse(&"ab".repeat(32)).unwrap();
        let text = SearchableText::new("It says: the quote.");
        check(
            line,
            Some(Source {
                sha256: &sha256,
                text: &text,
            }),
        )
    }

    #[test]
    fn the_fast_read_decodes_every_kind_as_the_json_path_does() {
        for text in EVERY_KIND {
            let fast = read_line(text).unwrap();
            assert!(matches!(fast.payload, Payload::Decoded(_)), "{text}");
            let slow = checked(parse_line(text).unwrap());
            let fast = checked(fast);
            match (fast, slow) {
                (Ok(fast), Ok(slow)) => {
                    assert_eq!(fast.event, slow.event, "{text}");
                    assert_eq!(fast.payload, slow.payload, "{text}");
                    assert_eq!(
                        fast.payload,
                        crate::canonical::to_string(&slow.event.payload_value()),
                        "{text}"
                    );
                }
                (fast, slow) => panic!("{text}: {fast:?} / {slow:?}"),
            }
        }
        assert_eq!(EVERY_KIND.len(), Event::KINDS.len());
    }

    #[test]
    fn unusual_lines_take_the_json_path() {
        let lines = [
            // payload before kind; an array payload; version 2
            r#"{"payload":{"member":"org:a","group":"org:b"},"kind":"membership.joined","valid":"2020"}"#,
            r#"{"kind":"membership.joined","valid":"2020","payload":["org:a","org:b"]}"#,
            r#"{"kind":"membership.joined","version":2,"valid":"2020","payload":{"member":"org:a","group":"org:b"}}"#,
        ];
        for text in lines {
            assert!(
                matches!(read_line(text).unwrap().payload, Payload::Json(_)),
                "{text}"
            );
        }
        assert!(read_line(r#"{"kind":"x","valid":"2020","payload":{},"extra":1}"#).is_err());
    }

    #[test]
    fn a_key_given_twice_is_refused_on_every_path() {
        for text in [
            r#"{"kind":"membership.joined","valid":"2020","payload":{"member":"org:a","member":"org:c","group":"org:b"}}"#,
            r#"{"payload":{"member":"org:a","group":"org:b","group":"org:c"},"kind":"membership.joined","valid":"2020"}"#,
            r#"{"kind":"event.corrected","valid":"2020","payload":{"target":"e","reason":"r","replacement":{"kind":"membership.joined","valid":"2020","payload":{"member":"org:a","group":"org:b","member":"org:c"}}}}"#,
        ] {
            for result in [read_line(text).map(|_| ()), parse_line(text).map(|_| ())] {
                let err = result.unwrap_err().to_string();
                assert!(err.contains("is given twice"), "{text}: {err}");
            }
        }
    }

    #[test]
    fn control_characters_are_found_in_canonical_text() {
        for (text, control) in [
            (r"plain é ‘quotes’ \\b \\u", false),
            (r"tab\t line\n return\r", false),
            (r"bell\u0007", true),
            (r"backspace\b", true),
            (r"form feed\f", true),
            (r"delete\u007f", true),
            (r"c1\u0085", true),
        ] {
            let line = format!(
                r#"{{"kind":"role.ended","valid":"2020","payload":{{"role":"{text}","holder":"org:a","group":"org:b"}}}}"#
            );
            let refused = checked(read_line(&line).unwrap()).is_err();
            assert_eq!(refused, control, "{text}");
        }
    }
}
