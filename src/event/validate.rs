//! Validation of one event line, apart from what needs the log (references, duplicates,
//! the chain): every refusal that can be decided from the line and its source document.

use serde_json::Value;

use super::{Event, EventLine, NewEvent, upcast};
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
    serde_json::from_str(text).map_err(|e| Problem::MalformedJson(e.to_string()))
}

/// A source document as validation needs it.
pub struct Source<'a> {
    pub sha256: &'a Sha256,
    pub text: &'a SearchableText,
}

/// Checks a line against the vocabulary, its dates and its source.
pub fn check(line: EventLine, source: Option<Source<'_>>) -> Result<NewEvent, Problem> {
    let version = line.version.unwrap_or(1);
    if !Event::KINDS.contains(&line.kind.as_str()) {
        return Err(Problem::UnknownKind(line.kind));
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
    if !line.payload.is_object() {
        return Err(Problem::BadPayload {
            kind: line.kind,
            reason: "`payload` must be a JSON object".into(),
        });
    }
    let event = upcast::from_value(&line.kind, version, line.payload).map_err(|reason| {
        Problem::BadPayload {
            kind: line.kind.clone(),
            reason,
        }
    })?;
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
        crate::clock::parse(at).map_err(Problem::RecordedAt)?;
    }
    if let Some(by) = &line.recorded_by
        && (by.trim().is_empty() || by.len() > 200)
    {
        return Err(Problem::BadField(
            "`recorded_by` must be a short non-empty name".into(),
        ));
    }

    let payload_value = event.payload_value();
    if let Some(field) = control_character(&payload_value, "payload") {
        return Err(Problem::BadField(format!(
            "`{field}` holds a control character; write plain text (tabs and line breaks are fine)"
        )));
    }
    let payload = crate::canonical::to_string(&payload_value);
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

/// The `payload` of a `--set key=value` list: values that parse as JSON are taken as JSON
/// (numbers, lists), anything else as a string.
pub fn payload_from_pairs(pairs: &[String]) -> Result<Value, String> {
    let mut payload = serde_json::Map::new();
    for pair in pairs {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("--set `{pair}`: write key=value"))?;
        let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.into()));
        payload.insert(key.trim().to_owned(), value);
    }
    Ok(Value::Object(payload))
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
            matches!(check(line, None), Err(Problem::UnknownKind(k)) if k == "membership.joind")
        );
        let line = parse_line(
            r#"{"kind":"membership.joined","valid":"2020","payload":{"member":"org:a"}}"#,
        )
        .unwrap();
        let err = check(line, None).unwrap_err().to_string();
        assert!(err.contains("missing field `group`"), "{err}");
    }

    #[test]
    fn set_pairs_take_json_values() {
        let v = payload_from_pairs(&["member=org:cbss".into(), "action_count=10".into()]).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"member":"org:cbss","action_count":10})
        );
    }
}
