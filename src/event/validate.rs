//! Validation of one event line, apart from what needs the log (references, duplicates,
//! the chain): every refusal that can be decided from the line and its source document.

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::{EntityRegistered, Event, EventLine, Line, NewEvent, Payload, upcast};
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
        // vocabulary, so a version that needs upcasting goes through the upcasters instead.
        if seen & 0b11010 != 0b11010
            || line
                .version
                .is_some_and(|v| !upcast::reads_directly(&line.kind, v))
        {
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
    check_version(&event, version, line.version.is_some())?;
    check_payload(&event)?;
    check_decided(&event, &valid)?;

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

/// A line is stored with the version it says (none is 1): a payload that uses what a
/// later version added must say so, or an older reader of the line would take it for
/// what it is not (docs/vocabulary.md, "Which version a line is").
fn check_version(event: &Event, version: u32, given: bool) -> Result<(), Problem> {
    let (needed, what) = event.vocabulary_needed();
    if needed <= version {
        return Ok(());
    }
    let what = what.unwrap_or("the payload");
    let said = if given {
        format!("the line says `\"version\":{version}`")
    } else {
        "the line gives no `version`, which means 1".to_owned()
    };
    Err(Problem::BadPayload {
        kind: event.kind().into(),
        reason: format!(
            "{what} belongs to vocabulary {needed}, but {said}: add `\"version\":{needed}` to the line (docs/vocabulary.md)"
        ),
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
        Event::RoleAssigned(r) if r.attested && r.decided.is_some() => Err(Problem::BadPayload {
            kind: event.kind().into(),
            reason: "`decided` dates a term endorsed before it began, and an attested role has no known term: give one of `attested` and `decided`".into(),
        }),
        Event::MembershipLeft(m) if m.attested => Err(Problem::BadPayload {
            kind: event.kind().into(),
            reason: "`attested` is for `membership.joined` (a member at a date); a departure is dated by its `valid`".into(),
        }),
        Event::EntityRenamed(r) if r.name.trim().is_empty() => Err(Problem::BadPayload {
            kind: event.kind().into(),
            reason: "`name` is empty".into(),
        }),
        Event::EntityAliased(a) if a.aliases.iter().all(|s| s.trim().is_empty()) => {
            Err(Problem::BadPayload {
                kind: event.kind().into(),
                reason: "`aliases` holds no spelling: give at least one".into(),
            })
        }
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
            let valid = ValidTime::parse(&c.replacement.valid).map_err(|e| Problem::BadDate {
                field: "replacement.valid",
                reason: e.to_string(),
            })?;
            check_payload(&c.replacement.event)?;
            check_decided(&c.replacement.event, &valid)
        }
        _ => Ok(()),
    }
}

/// How a registration names its entity, for messages: `"Name" (ACRONYM)`.
fn registered_as(r: &EntityRegistered) -> String {
    match &r.acronym {
        Some(a) => format!("\"{}\" ({a})", r.name),
        None => format!("\"{}\" (no acronym)", r.name),
    }
}

/// A registration of an id that `earlier` (an event of the log or the batch) registered
/// already must give the same name and acronym: registering again is a second source for
/// the same name, never a rename (`entity.renamed`) or a new spelling (`entity.aliased`).
/// Aliases may differ: a later registration lists the spellings its document uses.
pub fn same_registration(
    new: &EntityRegistered,
    earlier_event: &str,
    earlier: &EntityRegistered,
) -> Result<(), Problem> {
    if new.name == earlier.name && new.acronym == earlier.acronym {
        return Ok(());
    }
    Err(Problem::Reregistered {
        entity: new.id.to_string(),
        earlier: earlier_event.to_owned(),
        earlier_name: registered_as(earlier),
        name: registered_as(new),
    })
}

/// `decided` is when a term was endorsed or announced before it began: not after the
/// term's first possible day.
fn check_decided(event: &Event, valid: &ValidTime) -> Result<(), Problem> {
    let Event::RoleAssigned(r) = event else {
        return Ok(());
    };
    let Some(decided) = r.decided.as_deref() else {
        return Ok(());
    };
    // Parsed already by `check_payload` (`payload_dates`).
    let Ok(decided) = ValidTime::parse(decided) else {
        return Ok(());
    };
    match (decided.from(), valid.from()) {
        (Some(d), Some(term)) if d > term => Err(Problem::BadPayload {
            kind: event.kind().into(),
            reason: format!(
                "`decided` {decided} is after the term {valid} begins: `decided` dates a term endorsed or announced before it began (leave it out for a term announced once under way)"
            ),
        }),
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
mod tests;
